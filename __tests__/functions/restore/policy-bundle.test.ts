/**
 * The restore policy in the deployed bundle: each process is one Lambda container running the zip's
 * code with the real AWS SDK against the emulator (S3 with ListObjectsV2 Delimiter/RestoreStatus,
 * DynamoDB claims and conditional ADD counters, SQS SendMessage, SNS).
 */
import { extractBundle, runBundle } from "../../../testing/bundle";
import { S3Emulator } from "../../../testing/s3-emulator";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";

const emulator = new S3Emulator();
let endpoint: string;
let bundle: string;
const B = "fsx4l-store";
/** The SDK sends SQS calls to the queue URL's host, so the URL points at the emulator. */
let QUEUE = "";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:glacier-restore-genomics-raw-restores";

beforeAll(async () => {
  endpoint = await emulator.start();
  QUEUE = `${endpoint}/123456789012/glacier-restore-genomics-raw-deferred`;
  bundle = extractBundle();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

function env(extra: Record<string, string> = {}) {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_SNS: endpoint,
    RESTORE_TIER: "Standard",
    RESTORED_OBJECT_AVAILABILITY_DAYS: "7",
    TARGET_BUCKET: B,
    TARGET_PREFIX: "raw/",
    TARGET_NAME: "genomics-raw",
    CLAIM_TABLE: "claims",
    ...extra,
  };
}

/** 50 archived, 10 readable and 5 restoring objects directly under raw/run-7/, and some deeper or elsewhere. */
function directory() {
  for (let i = 0; i < 50; i++)
    emulator.put(
      B,
      `raw/run-7/a${String(i).padStart(2, "0")}.nc`,
      i % 5 === 0 ? "DEEP_ARCHIVE" : "GLACIER",
      undefined,
      1000,
    );
  for (let i = 0; i < 10; i++) emulator.put(B, `raw/run-7/r${i}.txt`, "STANDARD", undefined, 1000);
  for (let i = 0; i < 5; i++) emulator.put(B, `raw/run-7/s${i}.nc`, "GLACIER", undefined, 1000).restore = "ongoing";
  emulator.put(B, "raw/run-7/deeper/x.nc", "GLACIER", undefined, 1000);
  emulator.put(B, "raw/run-8/y.nc", "GLACIER", undefined, 1000);
}

const directoryEnv = (extra: Record<string, string> = {}) =>
  env({ RESTORE_SCOPE: "directory", DIRECTORY_MAX_OBJECTS: "1000", DIRECTORY_MAX_BYTES: "1000000000000", ...extra });

describe("restoreScope directory", () => {
  it("restores the directory's 50 archived objects exactly once under a burst of duplicate events over 6 containers", async () => {
    directory();
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, c) =>
        runBundle(
          bundle,
          // Readers retrying: several events per container, for the missed file and for its siblings.
          [0, 1, 2].map((j) => s3ApiCallEvent({ key: `raw/run-7/a${String((c + j * 7) % 3).padStart(2, "0")}.nc` })),
          directoryEnv(),
        ),
      ),
    );
    const failures = runs.flatMap((r) => r.results.filter((x) => !x.ok));
    expect(failures).toEqual([]);
    const restores = emulator.requests.filter((q) => q.op === "restore");
    expect(restores).toHaveLength(50);
    expect(new Set(restores.map((q) => q.key)).size).toBe(50);
    expect(restores.every((q) => q.key.startsWith("raw/run-7/a"))).toBe(true);
    expect(emulator.get(B, "raw/run-7/deeper/x.nc")!.restore).toBe("none");
    expect(emulator.get(B, "raw/run-8/y.nc")!.restore).toBe("none");
    // The listing is one request per 1,000 keys of the directory (Delimiter "/"), for each expansion.
    const expansions = runs.flatMap((r) => r.results).filter((x) => x.ok && x.result.directory?.listed);
    expect(emulator.count("list")).toBe(expansions.length);
    expect(expansions.length).toBeGreaterThanOrEqual(1);
  });

  it("restores only the missed object when the directory is above its cap, and counts it", async () => {
    directory();
    const r = await runBundle(
      bundle,
      [s3ApiCallEvent({ key: "raw/run-7/a00.nc" })],
      directoryEnv({ DIRECTORY_MAX_OBJECTS: "20" }),
    );
    expect(r.results[0]).toMatchObject({
      ok: true,
      result: { outcome: "initiated", directory: { skipped: "cap-reached" } },
    });
    expect(emulator.count("restore")).toBe(1);
    const emf = r.stdout.map((l) => JSON.parse(l)).filter((l) => l.DirectoryCapReached !== undefined);
    expect(emf).toHaveLength(1);
    expect(emf[0].Reason).toBe("maxObjects");
  });

  it("never lists above the target's prefix", async () => {
    emulator.put(B, "rawfile.nc", "GLACIER");
    emulator.put(B, "raw-other.nc", "GLACIER");
    emulator.put(B, "rawer.nc", "GLACIER");
    const r = await runBundle(bundle, [s3ApiCallEvent({ key: "rawfile.nc" })], directoryEnv({ TARGET_PREFIX: "raw" }));
    expect(r.results[0]).toMatchObject({ ok: true, result: { outcome: "initiated" } });
    // The "directory" of rawfile.nc is the target's prefix "raw", not the bucket's root.
    expect(
      emulator.requests
        .filter((q) => q.op === "restore")
        .map((q) => q.key)
        .sort(),
    ).toEqual(["raw-other.nc", "rawer.nc", "rawfile.nc"]);
  });
});

describe("budget", () => {
  const budgetEnv = (extra: Record<string, string> = {}) =>
    env({ BUDGET_MAX_RESTORES_PER_DAY: "7", DEFERRED_QUEUE_URL: QUEUE, NOTIFY_TOPIC_ARN: TOPIC, ...extra });

  it("stops at exactly N restores a day across 6 concurrent containers, keeping every refused event", async () => {
    for (let i = 0; i < 30; i++) emulator.put(B, `raw/b/${i}.nc`, "GLACIER", undefined, 1000);
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, c) =>
        runBundle(
          bundle,
          Array.from({ length: 5 }, (__, j) => s3ApiCallEvent({ key: `raw/b/${c * 5 + j}.nc` })),
          budgetEnv(),
        ),
      ),
    );
    const results = runs.flatMap((r) => r.results);
    expect(results.filter((x) => !x.ok)).toEqual([]);
    const outcomes = results.map((x) => (x.ok ? x.result.outcome : "error"));
    expect(outcomes.filter((o) => o === "initiated")).toHaveLength(7);
    expect(outcomes.filter((o) => o === "deferred")).toHaveLength(23);
    expect(emulator.count("restore")).toBe(7);
    // Every refused event is in the deferred queue, whole, with its reason.
    expect(emulator.sent).toHaveLength(23);
    const deferredKeys = emulator.sent.map((m) => JSON.parse(m.body).detail.requestParameters.key).sort();
    const initiatedKeys = results
      .filter((x) => x.ok && x.result.outcome === "initiated")
      .map((x) => (x as any).result.key);
    expect(new Set([...deferredKeys, ...initiatedKeys]).size).toBe(30);
    expect(emulator.sent.every((m) => m.queueUrl === QUEUE && m.attributes.deferredBecause === "object")).toBe(true);
    // The counter holds exactly N; people are told once.
    const day = new Date().toISOString().slice(0, 10);
    expect(emulator.tables.get("claims")!.get(`budget#${day}`)!.restores).toEqual({ N: "7" });
    const told = emulator.published.filter((p) => JSON.parse(p.message).event === "budget-exceeded");
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0]!.message)).toMatchObject({
      target: "genomics-raw",
      maxRestoresPerDay: 7,
      deferredQueueUrl: QUEUE,
    });
  });

  it("limits bytes too, and gives back what S3 did not start", async () => {
    emulator.put(B, "raw/c/big.nc", "GLACIER", undefined, 6e9);
    emulator.put(B, "raw/c/small.nc", "GLACIER", undefined, 3e9);
    emulator.put(B, "raw/c/done.nc", "GLACIER", undefined, 1e9).restore = "restored";
    emulator.put(B, "raw/c/other.nc", "GLACIER", undefined, 2e9);
    const r = await runBundle(
      bundle,
      ["big", "small", "other"].map((k) => s3ApiCallEvent({ key: `raw/c/${k}.nc` })),
      env({ BUDGET_MAX_BYTES_PER_DAY: String(8e9), DEFERRED_QUEUE_URL: QUEUE }),
    );
    expect(r.results.map((x) => (x.ok ? x.result.outcome : "error"))).toEqual(["initiated", "deferred", "initiated"]);
    const day = new Date().toISOString().slice(0, 10);
    expect(emulator.tables.get("claims")!.get(`budget#${day}`)!.restoredBytes).toEqual({ N: String(8e9) });
  });

  it("stops a directory expansion at the budget and defers the event, so a redrive finishes it", async () => {
    directory();
    const r = await runBundle(
      bundle,
      [s3ApiCallEvent({ key: "raw/run-7/a00.nc" })],
      directoryEnv({ BUDGET_MAX_RESTORES_PER_DAY: "10", DEFERRED_QUEUE_URL: QUEUE }),
    );
    expect(r.results[0]).toMatchObject({
      ok: true,
      result: { outcome: "initiated", directory: { budgetExceeded: true } },
    });
    expect(emulator.count("restore")).toBe(10);
    expect(emulator.sent.map((m) => m.attributes.deferredBecause)).toEqual(["directory"]);
    // The directory's claim was given back: the redriven event expands it again.
    expect([...emulator.tables.get("claims")!.keys()].some((k) => k.startsWith("dir#"))).toBe(false);
  });
});

describe("observe mode", () => {
  it("decides and counts what it would restore, and makes no mutating S3 call", async () => {
    directory();
    const r = await runBundle(
      bundle,
      [s3ApiCallEvent({ key: "raw/run-7/a00.nc" }), s3ApiCallEvent({ key: "raw/run-7/s0.nc" })],
      directoryEnv({ RESTORE_MODE: "observe" }),
    );
    expect(r.results[0]).toMatchObject({
      ok: true,
      result: {
        outcome: "would-restore",
        tier: "Standard",
        days: 7,
        bytes: 1000,
        directory: { wouldRestore: 49, restored: 0 },
      },
    });
    expect(r.results[1]).toMatchObject({ ok: true, result: { outcome: "skipped", reason: "restore-in-progress" } });
    expect(emulator.count("restore")).toBe(0);
    expect(emulator.requests.every((q) => ["head", "list", "claim", "release"].includes(q.op))).toBe(true);
    const would = r.stdout.map((l) => JSON.parse(l)).filter((l) => l.WouldRestore !== undefined);
    expect(would).toHaveLength(50);
  });
});
