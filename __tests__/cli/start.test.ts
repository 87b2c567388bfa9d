/**
 * What `glacier-restore` loads to start: every call in a staging job pays for it, so `--help`, the global
 * options and a bad command line must not load the AWS SDK clients or zod (the configuration schema); a
 * command's own module, and with it the SDK, is loaded only when that command runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { STATUS_HELP } from "../../cli/status";
import { localAwsEnv, runProcess } from "../../testing/process";

const root = path.join(__dirname, "..", "..");
const work = mkdtempSync(path.join(tmpdir(), "gr-start-"));
// Preloaded into the command's process: at exit, writes the file of every CommonJS module it loaded.
const preload = path.join(work, "record-modules.cjs");
writeFileSync(
  preload,
  `process.on("exit", () => require("node:fs").writeFileSync(process.env.RECORD_MODULES_TO, JSON.stringify(Object.keys(require.cache))));\n`,
);

let runs = 0;
/** Runs the compiled command with the preload; its exit code, output and the modules it loaded. */
async function started(args: string[]) {
  const record = path.join(work, `modules-${runs++}.json`);
  const r = await runProcess(
    process.execPath,
    ["--require", preload, path.join(root, "dist", "cli", "main.js"), ...args],
    {
      cwd: root,
      env: localAwsEnv({ RECORD_MODULES_TO: record }),
    },
  );
  const modules = JSON.parse(readFileSync(record, "utf8")) as string[];
  return { ...r, modules };
}

/** Loaded modules from packages the start path must not need. */
const heavy = (modules: string[]) => modules.filter((m) => /[\\/]node_modules[\\/](@aws-sdk|@smithy|zod)[\\/]/.test(m));

describe("glacier-restore start", () => {
  it.each([
    ["--help", ["--help"], 0],
    ["no command", [], 0],
    ["the global options and --help", ["--region", "eu-west-1", "--config", "glacier-restore.json", "--help"], 0],
    ["an unknown command", ["nope"], 2],
    ["a bad --region", ["--region", "xx", "status"], 2],
  ])("%s loads no AWS SDK client and no zod", async (_name, args, code) => {
    const r = await started(args);
    expect(r.code).toBe(code);
    // The preload itself worked: the compiled command is among the recorded modules.
    expect(r.modules).toContain(path.join(root, "dist", "cli", "main.js"));
    expect(heavy(r.modules)).toEqual([]);
  });

  it("an unknown command still names the commands and exits 2", async () => {
    const r = await started(["nope"]);
    expect(r.stderr).toContain(
      'unknown command "nope"; commands: status, stage, check, wait, redrive (glacier-restore --help)',
    );
  });

  it("status --help loads the status command and prints its help", async () => {
    const r = await started(["status", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(STATUS_HELP);
    // The command's module came in when it ran: the SDK client it uses is loaded now.
    expect(r.modules.some((m) => /[\\/]node_modules[\\/]@aws-sdk[\\/]client-s3[\\/]/.test(m))).toBe(true);
  });
});
