/**
 * `glacier-restore <command>`: the operator side of the project, one thin file per command over the
 * shared core, SDK helpers and configuration. Results on stdout (`--json` for machines), progress and
 * diagnostics on stderr, exit 0 ok / 1 failed / 2 bad usage.
 */
import { endOnError, GlacierRestoreError } from "../core/errors";
import type { Io } from "./context";
import { check } from "./check";
import { redrive } from "./redrive";
import { status, STATUS_HELP } from "./status";
import { stage } from "./stage";
import { wait } from "./wait";

const COMMANDS: Record<string, { summary: string; run: (argv: readonly string[], io: Io) => Promise<void> }> = {
  status: { summary: "how much of a dataset is readable, archived or being restored", run: status },
  stage: { summary: "restore every archived object of a dataset (plan, cost, --dry-run)", run: stage },
  check: {
    summary: "after the first deploy: does a failed read start a restore, and how fast",
    run: (a, io) => check(a, io),
  },
  wait: {
    summary: "return when every object of a dataset is readable (for a job's prolog)",
    run: (a, io) => wait(a, io),
  },
  redrive: {
    summary: "hand the events a target's daily budget refused back to its restore function",
    run: (a, io) => redrive(a, io),
  },
};

export const HELP = `Usage: glacier-restore <command> [options]   (glacier-restore <command> --help for each)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

A location is s3://<bucket>/<prefix> or a target name from the configuration (cdktf.json or
GLACIER_RESTORE_CONFIG). AWS credentials, region and endpoint come from the SDK's default chain
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_S3, ...).
`;

export async function main(argv: readonly string[], io: Io): Promise<void> {
  const [command, ...rest] = argv;
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
  await c.run(rest, io);
}

export { STATUS_HELP };

/** Runs the command line of this process (from `node dist/cli/main.js` or the package's bin). */
export function runCli(): Promise<void> {
  return endOnError(
    () =>
      main(process.argv.slice(2), {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        cwd: process.cwd(),
      }),
    process,
  );
}

if (require.main === module) void runCli();
