/**
 * The Slurm staging job of docs/operations.md, as written there: both blocks pass `bash -n`, and the
 * staging script itself runs (the installed bin with node, stage, wait --print0, xargs -0) against the S3
 * emulator, with a stand-in `lfs` that records what it was asked to load.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { localAwsEnv, runProcess } from "../../testing/process";
import { S3Emulator } from "../../testing/s3-emulator";

const root = path.join(__dirname, "..", "..");
const HEADING = "### Slurm: a staging job, not a prolog";

/** The ```bash blocks of the Slurm section, in order. */
function slurmBlocks(): string[] {
  const doc = readFileSync(path.join(root, "docs", "operations.md"), "utf8");
  const start = doc.indexOf(HEADING);
  if (start < 0) throw new Error(`docs/operations.md has no section "${HEADING}"`);
  const end = doc.slice(start + HEADING.length).search(/\n#{2,3} /);
  const section = end < 0 ? doc.slice(start) : doc.slice(start, start + HEADING.length + end);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const emulator = new S3Emulator();
let endpoint = "";
beforeAll(async () => {
  endpoint = await emulator.start();
});
afterAll(() => emulator.stop());

describe("docs/operations.md: the Slurm staging job", () => {
  it("has the staging script and its submission, without a prolog or npx", () => {
    const [script, submit] = slurmBlocks();
    expect(script).toContain("#SBATCH");
    expect(script).toContain('node "$GLACIER_RESTORE" wait');
    expect(script).not.toMatch(/npx|Prolog/);
    expect(submit).toMatch(/sbatch --dependency=afterok:"\$stage"/);
  });

  it.each([0, 1])("block %i passes bash -n", (i) => {
    const block = slurmBlocks()[i];
    expect(block).toMatch(/\S/);
    const r = spawnSync("bash", ["-n"], { input: block, encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
  });

  it("runs: stages the prefix, waits, and hands every path to lfs hsm_restore NUL-safely", async () => {
    emulator.restoreDelayMs = 0;
    emulator.put("fsx4l-store", "raw/run-42/a b.nc", "STANDARD", undefined, 10);
    emulator.put("fsx4l-store", "raw/run-42/x.bam", "GLACIER", undefined, 10);
    const dir = mkdtempSync(path.join(tmpdir(), "gr-slurm-"));
    const script = path.join(dir, "stage-inputs.sh");
    writeFileSync(script, slurmBlocks()[0]!);
    // A stand-in for lfs: records its arguments, NUL-separated.
    const log = path.join(dir, "lfs.log");
    writeFileSync(path.join(dir, "lfs"), `#!/bin/bash\nprintf '%s\\0' "$@" >> "${log}"\n`);
    chmodSync(path.join(dir, "lfs"), 0o755);
    const r = await runProcess("bash", [script], {
      cwd: dir,
      env: localAwsEnv({
        PATH: `${dir}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        AWS_ENDPOINT_URL_S3: endpoint,
        RUN_ID: "run-42",
        GLACIER_RESTORE: path.join(root, "bin", "glacier-restore.mjs"),
      }),
    });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(emulator.requests.filter((q) => q.op === "restore").map((q) => [q.key, q.tier])).toEqual([
      ["raw/run-42/x.bam", "Bulk"],
    ]);
    expect(readFileSync(log, "utf8").split("\0")).toEqual([
      "hsm_restore",
      "/fsx/raw/run-42/a b.nc",
      "/fsx/raw/run-42/x.bam",
      "",
    ]);
  });
});
