/**
 * `glacier-restore <command>`: the operator side of the project, one thin file per command over the
 * shared core, SDK helpers and configuration. Results on stdout (`--json` for machines), progress and
 * diagnostics on stderr, exit 0 ok / 1 failed / 2 bad usage.
 */
import * as path from "node:path";
import { CONFIG_ENV_VAR } from "../config/config-env-var";
import { GlacierRestoreError } from "../core/errors";
import type { Io } from "./context";
import { runCommand } from "./failure";
import { regionFlag } from "./region-flag";

/**
 * Every command, with the summary the help lists. A command's module (and with it the AWS SDK clients and
 * the configuration schema) is imported only when that command runs: `--help` and a bad command line
 * start in a fraction of the time (bench/cli.ts).
 */
const COMMANDS: Record<string, { summary: string; run: (argv: readonly string[], io: Io) => Promise<void> }> = {
  status: {
    summary: "how much of a dataset is readable, archived or being restored",
    run: async (a, io) => (await import("./status")).status(a, io),
  },
  stage: {
    summary: "restore every archived object of a dataset (plan, cost, --dry-run)",
    run: async (a, io) => (await import("./stage")).stage(a, io),
  },
  check: {
    summary: "after the first deploy: does a failed read start a restore, and how fast",
    run: async (a, io) => (await import("./check")).check(a, io),
  },
  wait: {
    summary: "return when every object of a dataset is readable (for a job's prolog)",
    run: async (a, io) => (await import("./wait")).wait(a, io),
  },
  redrive: {
    summary: "hand the events a target's daily budget refused back to its restore function",
    run: async (a, io) => (await import("./redrive")).redrive(a, io),
  },
};

export const HELP = `Usage: glacier-restore <command> [options]   (glacier-restore <command> --help for each)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Every command takes --region <region>: the region to use, over any other; and --config <file>: the
configuration that names the targets (as GLACIER_RESTORE_CONFIG does; without either, cdktf.json in the
working directory). A location is s3://<bucket>/<prefix> or a target name from that configuration.
A target is used in its configured region, whatever AWS_REGION says; an s3:// location in its bucket's
region (asked with HeadBucket, said on stderr when it is not AWS_REGION).
Credentials and endpoints come from the SDK's default chain (AWS_PROFILE, AWS_ENDPOINT_URL_S3, ...);
AWS_MAX_ATTEMPTS sets the attempts per request (default 3), GLACIER_RESTORE_HTTP_TIMEOUT the time one
request may take (default 60s). Every failure ends in one line on stderr; exit 1, or 2 for bad usage.
For scripts and job steps, run node <install path>/bin/glacier-restore.mjs rather than npx: it skips
npx's package resolution on every call.
`;

/** argv without one global option (`--name value` or `--name=value`), and its value. */
function takeOption(argv: readonly string[], name: string, example: string): { rest: string[]; value?: string } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === name || arg.startsWith(`${name}=`)) {
      value = arg === name ? argv[++i] : arg.slice(name.length + 1);
      if (value === undefined || value === "" || value.startsWith("--"))
        throw new GlacierRestoreError("usage", `${name} needs a value, such as ${example}`);
    } else rest.push(arg);
  }
  return value === undefined ? { rest } : { rest, value };
}

/**
 * The io a command gets after the global options: --region, and --config <file>, which stands for
 * GLACIER_RESTORE_CONFIG (the one place the configuration loader looks) resolved from the working directory.
 */
function withGlobalOptions(argv: readonly string[], io: Io): { args: string[]; io: Io } {
  const region = takeOption(argv, "--region", "eu-west-1");
  const config = takeOption(region.rest, "--config", "glacier-restore.json");
  let result = io;
  if (region.value !== undefined) result = { ...result, region: regionFlag(region.value) };
  if (config.value !== undefined)
    result = { ...result, env: { ...result.env, [CONFIG_ENV_VAR]: path.resolve(io.cwd, config.value) } };
  return { args: config.rest, io: result };
}

export async function main(argv: readonly string[], io: Io): Promise<void> {
  const { args, io: commandIo } = withGlobalOptions(argv, io);
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(HELP);
    return;
  }
  const c = COMMANDS[command];
  if (!c)
    throw new GlacierRestoreError(
      "usage",
      `unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(", ")} (glacier-restore --help)`,
    );
  await c.run(rest, commandIo);
}

/**
 * Runs the command line of this process (from `node dist/cli/main.js` or the package's bin) inside the
 * one error boundary (cli/failure.ts): whatever fails, one line on stderr, exit 1 (2 for bad usage).
 */
export function runCli(): Promise<void> {
  const argv = process.argv.slice(2);
  const command = argv[0] && COMMANDS[argv[0]] ? argv[0] : "";
  return runCommand(
    `glacier-restore${command ? ` ${command}` : ""}`,
    () => main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }),
    { stderr: process.stderr, env: process.env, exit: (code) => process.exit(code) },
  );
}

if (require.main === module) void runCli();
