/**
 * `glacier-restore wait` on a flaky network: a failed listing is said and retried with backoff, only
 * --max-failures failures in a row end it; a live progress line on a terminal only; --print0 for keys
 * that hold any character S3 allows. Spawned processes (and, where the test must act between two
 * listings or be a terminal, the command in process), always the real SDK against the S3 emulator.
 */
import * as path from "node:path";
import { retryDelay, wait, elapsedText } from "../../cli/wait";
import type { Io } from "../../cli/context";
import { localAwsEnv, runProcess } from "../../testing/process";
import { S3Emulator } from "../../testing/s3-emulator";

const root = path.join(__dirname, "..", "..");
const emulator = new S3Emulator();
let endpoint = "";
const saved = { ...process.env };

beforeAll(async () => {
  endpoint = await emulator.start();
  // The in-process runs take the SDK's endpoint and credentials from this process's environment.
  Object.assign(process.env, localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint, AWS_MAX_ATTEMPTS: "1" }));
});
afterAll(async () => {
  process.env = saved;
  await emulator.stop();
});
beforeEach(() => emulator.reset());

function cli(args: string[]) {
  return runProcess(process.execPath, [path.join(root, "dist", "cli", "main.js"), "wait", ...args], {
    cwd: root,
    env: localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint, AWS_MAX_ATTEMPTS: "1" }),
  });
}

/** The command in this process, with stderr a terminal or not; `between` runs before each sleep. */
async function inProcess(args: string[], tty: boolean, between: (sleeps: number) => void = () => undefined) {
  let stdout = "";
  let stderr = "";
  let sleeps = 0;
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: tty },
    env: process.env,
    cwd: root,
  };
  let error: unknown;
  await wait(args, io, {
    sleep: async () => {
      sleeps++;
      between(sleeps);
    },
  }).catch((err: unknown) => (error = err));
  return { stdout, stderr, sleeps, error };
}

describe("wait survives failed listings", () => {
  it("says what failed and when it retries, then finishes once a listing succeeds", async () => {
    emulator.put("fsx4l-store", "raw/a.bam", "STANDARD", undefined, 100);
    emulator.inject({ op: "list", status: 503, code: "ServiceUnavailable", times: 2 });
    const r = await cli(["s3://fsx4l-store/raw/", "--interval", "80ms"]);
    expect([r.code, r.stdout]).toEqual([0, "s3://fsx4l-store/raw/: all 1 objects readable\n"]);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    // Backoff from an eighth of the interval, doubling: 10ms, then 20ms.
    expect(lines[0]).toMatch(
      /^wait s3:\/\/fsx4l-store\/raw\/: ServiceUnavailable \(HTTP 503\): the service failed to answer; rerun later \(AWS_MAX_ATTEMPTS sets the attempts\); listing failed 1 time in a row \(--max-failures 5\), retrying in 10ms at \d{4}-\d\d-\d\dT[\d:.]+Z$/,
    );
    expect(lines[1]).toMatch(/listing failed 2 times in a row \(--max-failures 5\), retrying in 20ms at /);
    expect(emulator.requests.filter((q) => q.op === "list").map((q) => q.status)).toEqual([503, 503, 200]);
  });

  it("gives up with exit 1 after --max-failures failed listings in a row", async () => {
    emulator.put("fsx4l-store", "raw/a.bam", "STANDARD");
    emulator.inject({ op: "list", status: 500, code: "InternalError", times: Infinity });
    const r = await cli(["s3://fsx4l-store/raw/", "--interval", "40ms", "--max-failures", "3"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      "wait s3://fsx4l-store/raw/: InternalError (HTTP 500): the service failed to answer; rerun later (AWS_MAX_ATTEMPTS sets the attempts) (3 failed listings in a row, --max-failures 3); rerun wait once the cause is fixed",
    );
    expect(emulator.count("list")).toBe(3);
  });

  it("counts failures in a row: a listing that succeeds in between starts the count again", async () => {
    const obj = emulator.put("fsx4l-store", "raw/a.bam", "GLACIER", undefined, 100);
    obj.restore = "ongoing";
    // fail, fail, succeed (still restoring), fail, fail, succeed (restored): never 3 in a row.
    emulator.inject({ op: "list", status: 503, code: "SlowDown", times: 2 });
    const r = await inProcess(["s3://fsx4l-store/raw/", "--interval", "1s", "--max-failures", "3"], false, (n) => {
      if (n === 3) emulator.inject({ op: "list", status: 503, code: "SlowDown", times: 2 });
      if (n === 5) emulator.complete("fsx4l-store", "raw/a.bam");
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe("s3://fsx4l-store/raw/: all 1 objects readable\n");
    expect(emulator.requests.filter((q) => q.op === "list").map((q) => q.status)).toEqual([
      503, 503, 200, 503, 503, 200,
    ]);
    expect(r.stderr.match(/listing failed \d times? in a row/g)).toEqual([
      "listing failed 1 time in a row",
      "listing failed 2 times in a row",
      "listing failed 1 time in a row",
      "listing failed 2 times in a row",
    ]);
  });

  it("does not retry what cannot pass by waiting (no such bucket): exit 1 at once", async () => {
    const r = await cli(["s3://no-such-bucket/raw/", "--interval", "40ms"]);
    expect([r.code, r.stderr]).toEqual([1, "wait s3://no-such-bucket/raw/: NoSuchBucket (HTTP 404)\n"]);
  });

  it("backs off from an eighth of the interval (at most 15 s), doubling, never above the interval", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, 300_000))).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 300_000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, 800))).toEqual([100, 200, 400, 800, 800]);
    expect([250, 45_000, 725_000, 11_220_000].map(elapsedText)).toEqual(["250ms", "45s", "12m05s", "3h07m"]);
  });
});

describe("wait's progress", () => {
  it("shows readable/total objects and bytes and the time waited on a terminal", async () => {
    emulator.put("fsx4l-store", "raw/a.bam", "STANDARD", undefined, 2048);
    const b = emulator.put("fsx4l-store", "raw/b.bam", "GLACIER", undefined, 1024);
    b.restore = "ongoing";
    const r = await inProcess(["s3://fsx4l-store/raw/", "--interval", "1s"], true, () =>
      emulator.complete("fsx4l-store", "raw/b.bam"),
    );
    expect(r.error).toBeUndefined();
    // The line rewrites itself (carriage return, erase line) and is erased when wait ends.
    const erase = "\r\u001b[2K";
    expect(r.stderr.startsWith(erase) && r.stderr.endsWith(erase)).toBe(true);
    expect(r.stderr.slice(erase.length, -erase.length)).toMatch(
      /^s3:\/\/fsx4l-store\/raw\/: 1\/2 readable \(2\.00 KiB of 3\.00 KiB\), 1 restoring, 0 archived, 0 unknown; waited \d+ms$/,
    );
  });

  it("prints no progress on a pipe", async () => {
    emulator.put("fsx4l-store", "raw/a.bam", "STANDARD");
    const b = emulator.put("fsx4l-store", "raw/b.bam", "GLACIER");
    b.restore = "ongoing";
    const r = await inProcess(["s3://fsx4l-store/raw/", "--interval", "1s"], false, () =>
      emulator.complete("fsx4l-store", "raw/b.bam"),
    );
    expect([r.error, r.sleeps, r.stderr]).toEqual([undefined, 1, ""]);
  });
});

describe("wait --print-paths --print0", () => {
  const keys = ["raw/plain.nc", "raw/with space.nc", "raw/new\nline.nc", "raw/quote'\"tab\t.nc"];

  it("ends each path with NUL, so xargs -0 reads every key S3 allows", async () => {
    for (const k of keys) emulator.put("fsx4l-store", k, "STANDARD");
    const r = await cli(["s3://fsx4l-store/raw/", "--print-paths", "/fsx/", "--print0"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout.split("\0")).toEqual([...[...keys].sort().map((k) => `/fsx/${k}`), ""]);
  });

  it("refuses one path per line when a key holds a newline, and says to use --print0", async () => {
    for (const k of keys) emulator.put("fsx4l-store", k, "STANDARD");
    const r = await cli(["s3://fsx4l-store/raw/", "--print-paths", "/fsx"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(
      'wait s3://fsx4l-store/raw/: 1 keys hold a newline ("raw/new\\nline.nc"), which one path per line cannot carry: add --print0 and read with xargs -0\n',
    );
  });

  it("--print0 without --print-paths is a usage error", async () => {
    const r = await cli(["s3://fsx4l-store/raw/", "--print0"]);
    expect([r.code, r.stderr]).toEqual([2, "--print0: goes with --print-paths <mount>\n"]);
  });

  it("the help shows the NUL-safe form", async () => {
    const r = await cli(["--help"]);
    expect(r.stdout).toContain("--print-paths /fsx --print0 | xargs -0 -r lfs hsm_restore");
    expect(r.stdout).not.toMatch(/\| xargs -r lfs/);
  });
});
