/**
 * `glacier-restore redrive` as users run it: the compiled command in its own process, the real AWS SDK
 * (SQS, Lambda) against the project's emulator on 127.0.0.1.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleConfig } from "../../testing/config";
import { localAwsEnv, runProcess } from "../../testing/process";
import { S3Emulator } from "../../testing/s3-emulator";

const root = path.join(__dirname, "..", "..");
const emulator = new S3Emulator();
let endpoint = "";
let config = "";
const QUEUE = "glacier-restore-genomics-raw-deferred";

beforeAll(async () => {
  endpoint = await emulator.start();
  const c = exampleConfig();
  c.targets[0].budget = { maxRestoresPerDay: 100 };
  config = path.join(mkdtempSync(path.join(tmpdir(), "gr-redrive-")), "config.json");
  writeFileSync(config, JSON.stringify(c));
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

function cli(args: string[]) {
  return runProcess(process.execPath, [path.join(root, "dist", "cli", "main.js"), ...args], {
    cwd: root,
    env: localAwsEnv({
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      GLACIER_RESTORE_CONFIG: config,
    }),
  });
}

const event = (key: string) => JSON.stringify({ id: key, detail: { requestParameters: { key } } });

describe("glacier-restore redrive", () => {
  it("hands every deferred event to the function asynchronously and deletes it", async () => {
    for (const k of ["raw/a", "raw/b", "raw/c"]) emulator.enqueue(QUEUE, event(k), { deferredBecause: "object" });
    const r = await cli(["redrive", "genomics-raw", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({ target: "genomics-raw", queue: QUEUE, waiting: 3, redriven: 3, failed: 0 });
    expect(emulator.invocations.map((i) => [i.functionName, i.invocationType, JSON.parse(i.payload).id])).toEqual([
      ["glacier-restore-genomics-raw", "Event", "raw/a"],
      ["glacier-restore-genomics-raw", "Event", "raw/b"],
      ["glacier-restore-genomics-raw", "Event", "raw/c"],
    ]);
    expect(emulator.queues.get(QUEUE)).toEqual([]);
  });

  it("takes only the events waiting when it starts, so events deferred again are not spun on", async () => {
    for (const k of ["raw/a", "raw/b"]) emulator.enqueue(QUEUE, event(k));
    // The budget is still spent: the function defers each event again.
    emulator.onInvoke = (_fn, payload) => emulator.enqueue(QUEUE, payload, { deferredBecause: "object" });
    const r = await cli(["redrive", "genomics-raw"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("handed 2 of 2 deferred events to glacier-restore-genomics-raw\n");
    expect(emulator.invocations).toHaveLength(2);
    expect(emulator.queues.get(QUEUE)).toHaveLength(2);
  });

  it("with --dry-run counts the events and hands none over", async () => {
    for (const k of ["raw/a", "raw/b"]) emulator.enqueue(QUEUE, event(k));
    const r = await cli(["redrive", "genomics-raw", "--dry-run", "--max", "1"]);
    expect([r.code, r.stdout]).toEqual([
      0,
      `2 events wait in ${QUEUE}; redrive would hand 1 to glacier-restore-genomics-raw\n`,
    ]);
    expect(emulator.invocations).toHaveLength(0);
    expect(emulator.count("receive")).toBe(0);
  });

  it.each([
    [["redrive", "genomics-ref"], "redrive: target genomics-ref has no budget, so no deferred queue"],
    [["redrive", "s3://fsx4l-store/raw/"], "redrive: needs a target name"],
    [["redrive", "genomics-raw", "--max", "0"], "--max: must be a whole number, at least 1"],
  ])("%j exits 2 with one line naming the problem", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});
