/**
 * The deployment zip's index.js, run in its own Node.js process with the real AWS SDK, against the local
 * S3 emulator over HTTP on 127.0.0.1.
 */
import { extractBundle, runBundle } from "../../../testing/bundle";
import { S3Emulator } from "../../../testing/s3-emulator";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";

const emulator = new S3Emulator();
let endpoint: string;
let bundle: string;

beforeAll(async () => {
  endpoint = await emulator.start();
  bundle = extractBundle();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

function env(extra: Record<string, string> = {}) {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    RESTORE_TIER: "Standard",
    RESTORED_OBJECT_AVAILABILITY_DAYS: "7",
    TARGET_BUCKET: "fsx4l-store",
    TARGET_PREFIX: "raw/",
    ...extra,
  };
}

const B = "fsx4l-store";

describe("deployed bundle against the S3 emulator", () => {
  it("restores each archived object once, with the right request for its storage class", async () => {
    emulator.put(B, "raw/glacier file with spaces.bam", "GLACIER");
    emulator.put(B, "raw/ünïcødé/数据+100%.h5", "DEEP_ARCHIVE");
    emulator.put(B, "raw/it-archive.dat", "INTELLIGENT_TIERING", "ARCHIVE_ACCESS");
    emulator.put(B, "raw/standard.txt", "STANDARD");
    emulator.put(B, "raw/instant.txt", "GLACIER_IR");
    const keys = [
      "raw/glacier file with spaces.bam",
      "raw/ünïcødé/数据+100%.h5",
      "raw/it-archive.dat",
      "raw/standard.txt",
      "raw/instant.txt",
      "raw/gone.txt",
    ];
    const { results, stdout } = await runBundle(
      bundle,
      keys.map((key) => s3ApiCallEvent({ key })),
      env({ RESTORE_TIER: "Expedited" }),
    );
    expect(
      results.map((r) => (r.ok ? [r.result.outcome, r.result.reason ?? r.result.tier] : ["error", r.error.message])),
    ).toEqual([
      ["initiated", "Expedited"],
      ["initiated", "Standard"],
      ["initiated", "Expedited"],
      ["skipped", "not-archived"],
      ["skipped", "not-archived"],
      ["skipped", "not-found"],
    ]);
    const restores = emulator.requests.filter((r) => r.op === "restore");
    expect(restores).toEqual([
      { op: "restore", bucket: B, key: "raw/glacier file with spaces.bam", tier: "Expedited", days: 7, status: 202 },
      { op: "restore", bucket: B, key: "raw/ünïcødé/数据+100%.h5", tier: "Standard", days: 7, status: 202 },
      { op: "restore", bucket: B, key: "raw/it-archive.dat", tier: "Expedited", status: 202 },
    ]);
    expect(emulator.get(B, "raw/ünïcødé/数据+100%.h5")!.restore).toBe("ongoing");

    // One structured log line per event, plus CloudWatch EMF metric lines.
    const lines = stdout.map((l) => JSON.parse(l));
    const decisions = lines.filter((l) => l.outcome);
    expect(decisions).toHaveLength(keys.length);
    expect(decisions[0]).toMatchObject({
      level: "INFO",
      service: "glacier-restore",
      bucket: B,
      key: keys[0],
      storageClass: "GLACIER",
      tier: "Expedited",
      outcome: "initiated",
    });
    expect(typeof decisions[0].latencyMs).toBe("number");
    expect(decisions[0].requestId).toBe("local");
    const emf = lines.filter((l) => l._aws);
    expect(emf.map((l) => l._aws.CloudWatchMetrics[0].Metrics[0].Name)).toEqual(
      expect.arrayContaining(["RestoreInitiated", "RestoreSkipped", "TierFallback"]),
    );
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe("GlacierRestore");
  });

  it("honours the reader's versionId on HEAD and restore", async () => {
    const old = emulator.put(B, "raw/versioned.bin", "GLACIER");
    emulator.put(B, "raw/versioned.bin", "STANDARD");
    const { results } = await runBundle(
      bundle,
      [s3ApiCallEvent({ key: "raw/versioned.bin", versionId: old.versionId })],
      env(),
    );
    expect(results[0]).toMatchObject({ ok: true, result: { outcome: "initiated", versionId: old.versionId } });
    expect(emulator.requests.map((r) => [r.op, r.versionId])).toEqual([
      ["head", old.versionId],
      ["restore", old.versionId],
    ]);
    expect(emulator.get(B, "raw/versioned.bin", old.versionId)!.restore).toBe("ongoing");
  });

  it("skips objects whose restore is running or done, and repeats from memory", async () => {
    emulator.put(B, "raw/a", "GLACIER");
    const events = [
      s3ApiCallEvent({ key: "raw/a" }),
      s3ApiCallEvent({ key: "raw/a" }),
      s3ApiCallEvent({ key: "raw/a" }),
    ];
    const first = await runBundle(bundle, events, env());
    expect(first.results.map((r) => r.ok && r.result.outcome)).toEqual(["initiated", "skipped", "skipped"]);
    expect(emulator.count("restore")).toBe(1);
    expect(emulator.count("head")).toBe(1);
    // A new container only knows what S3 says: ongoing, then (after completion) restored.
    const second = await runBundle(bundle, [s3ApiCallEvent({ key: "raw/a" })], env());
    expect(second.results[0]).toMatchObject({
      ok: true,
      result: { outcome: "skipped", reason: "restore-in-progress" },
    });
    emulator.complete(B, "raw/a");
    const third = await runBundle(bundle, [s3ApiCallEvent({ key: "raw/a" })], env());
    expect(third.results[0]).toMatchObject({ ok: true, result: { outcome: "skipped", reason: "already-restored" } });
    expect(emulator.count("restore")).toBe(1);
  });

  it("treats 409 RestoreAlreadyInProgress as success", async () => {
    emulator.put(B, "raw/race", "GLACIER");
    emulator.inject({ op: "restore", status: 409, code: "RestoreAlreadyInProgress" });
    const { results } = await runBundle(bundle, [s3ApiCallEvent({ key: "raw/race" })], env());
    expect(results[0]).toMatchObject({ ok: true, result: { outcome: "already-in-progress" } });
  });

  it("falls back to Standard when Expedited capacity is unavailable", async () => {
    emulator.put(B, "raw/urgent", "GLACIER");
    emulator.inject({
      op: "restore",
      status: 503,
      code: "GlacierExpeditedRetrievalNotAvailable",
      tier: "Expedited",
      times: Infinity,
    });
    const { results } = await runBundle(
      bundle,
      [s3ApiCallEvent({ key: "raw/urgent" })],
      env({ RESTORE_TIER: "Expedited" }),
    );
    expect(results[0]).toMatchObject({
      ok: true,
      result: { outcome: "initiated", tier: "Standard", requestedTier: "Expedited" },
    });
    const restores = emulator.requests.filter((r) => r.op === "restore");
    expect(restores.at(-1)).toMatchObject({ tier: "Standard", status: 202 });
    // Capacity errors are not retried by the SDK: one Expedited attempt, then Standard.
    expect(restores.map((r) => r.tier)).toEqual(["Expedited", "Standard"]);
  });

  it("lets the SDK retry a transient 500 and succeeds", async () => {
    emulator.put(B, "raw/flaky", "GLACIER");
    emulator.inject({ op: "restore", status: 500, code: "InternalError" });
    const { results } = await runBundle(bundle, [s3ApiCallEvent({ key: "raw/flaky" })], env());
    expect(results[0]).toMatchObject({ ok: true, result: { outcome: "initiated" } });
    expect(emulator.requests.filter((r) => r.op === "restore").map((r) => r.status)).toEqual([500, 202]);
  });

  it("rethrows persistent throttling after the SDK's retries, so Lambda retries and dead-letters", async () => {
    emulator.put(B, "raw/busy", "GLACIER");
    emulator.inject({ op: "restore", status: 503, code: "SlowDown", times: Infinity });
    const { results, stdout, stderr } = await runBundle(bundle, [s3ApiCallEvent({ key: "raw/busy" })], env());
    expect(results[0]).toEqual({
      ok: false,
      error: { name: "RestoreFailedError", message: "RestoreObject s3://fsx4l-store/raw/busy failed: SlowDown" },
    });
    expect(emulator.count("restore")).toBe(3);
    // Powertools writes ERROR lines to stderr; Lambda sends both streams to the function's log group.
    const lines = [...stdout, ...stderr.split("\n").filter((l) => l.startsWith("{"))].map((l) => JSON.parse(l));
    const error = lines.find((l) => l.level === "ERROR");
    expect(error).toMatchObject({ outcome: "failed", errorCode: "SlowDown", httpStatus: 503, key: "raw/busy" });
  });

  it("fails every invocation with a message naming a bad variable", async () => {
    const { results } = await runBundle(bundle, [s3ApiCallEvent(), s3ApiCallEvent()], env({ RESTORE_TIER: "Instant" }));
    for (const r of results)
      expect(r).toEqual({
        ok: false,
        error: {
          name: "HandlerConfigError",
          message: 'RESTORE_TIER must be one of Expedited, Standard, Bulk; got "Instant"',
        },
      });
    expect(emulator.requests).toEqual([]);
  });

  describe("with a claim table", () => {
    const claimEnv = () => env({ CLAIM_TABLE: "claims", AWS_ENDPOINT_URL_DYNAMODB: endpoint });

    it("lets one of several concurrent containers restore a file many readers hit at once", async () => {
      emulator.put(B, "raw/popular.nc", "GLACIER");
      // Each process is one Lambda container; each gets a different event for the same object.
      const runs = await Promise.all(
        Array.from({ length: 6 }, () => runBundle(bundle, [s3ApiCallEvent({ key: "raw/popular.nc" })], claimEnv())),
      );
      const outcomes = runs.map((r) => (r.results[0]!.ok ? `${r.results[0]!.result.outcome}` : "error")).sort();
      expect(outcomes.filter((o) => o === "initiated")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "error")).toHaveLength(0);
      expect(emulator.count("restore")).toBe(1);
      expect(emulator.count("claim")).toBe(6);
      expect([...emulator.tables.get("claims")!.keys()]).toEqual(["fsx4l-store\u0000raw/popular.nc\u0000"]);
    });

    it("releases the claim of a failed restore so Lambda's retry of that event can restore", async () => {
      emulator.put(B, "raw/unlucky", "GLACIER");
      emulator.inject({ op: "restore", status: 500, code: "InternalError", times: 3 });
      const event = s3ApiCallEvent({ key: "raw/unlucky" });
      const first = await runBundle(bundle, [event], claimEnv());
      expect(first.results[0]).toMatchObject({ ok: false, error: { name: "RestoreFailedError" } });
      expect(emulator.tables.get("claims")!.size).toBe(0);
      const retry = await runBundle(bundle, [event], claimEnv());
      expect(retry.results[0]).toMatchObject({ ok: true, result: { outcome: "initiated" } });
    });
  });

  describe("with notifications", () => {
    const TOPIC = "arn:aws:sns:us-east-1:123456789012:glacier-restore-genomics-raw-restores";
    const notifyEnv = () =>
      env({
        CLAIM_TABLE: "claims",
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_ENDPOINT_URL_SNS: endpoint,
        NOTIFY_TOPIC_ARN: TOPIC,
        TARGET_NAME: "genomics-raw",
      });

    it("publishes 'restore initiated' for each restore it starts, and nothing otherwise", async () => {
      emulator.put(B, "raw/archived.bam", "GLACIER");
      emulator.put(B, "raw/données/ß.h5", "DEEP_ARCHIVE");
      emulator.put(B, "raw/standard.txt", "STANDARD");
      const events = ["raw/archived.bam", "raw/données/ß.h5", "raw/standard.txt"].map((key) => s3ApiCallEvent({ key }));
      const { results } = await runBundle(bundle, events, notifyEnv());
      expect(results.map((r) => r.ok && r.result.outcome)).toEqual(["initiated", "initiated", "skipped"]);
      expect(emulator.published.map((p) => [p.topicArn, p.subject])).toEqual([
        [TOPIC, "Restore started: s3://fsx4l-store/raw/archived.bam"],
        [TOPIC, "Restore started: s3://fsx4l-store/raw/donn?es/?.h5"],
      ]);
      const [first, second] = emulator.published.map((p) => JSON.parse(p.message));
      expect(first).toMatchObject({
        event: "restore-initiated",
        target: "genomics-raw",
        bucket: B,
        key: "raw/archived.bam",
        tier: "Standard",
        restoredCopyDays: 7,
        expectedReadyWithinHours: { min: 3, max: 5 },
      });
      expect(second).toMatchObject({ key: "raw/données/ß.h5", archive: "DEEP_ARCHIVE" });
      expect(Date.parse(second.expectedReadyBy) - Date.parse(second.requestedAt)).toBe(12 * 3_600_000);
      expect(emulator.published[0]!.attributes).toEqual({
        event: "restore-initiated",
        bucket: B,
        tier: "Standard",
        target: "genomics-raw",
      });
    });

    it("fails the event when SNS keeps failing, and the retry in a new container publishes it", async () => {
      emulator.put(B, "raw/late-news.bam", "GLACIER");
      emulator.inject({ op: "publish", status: 500, code: "InternalError", times: 3 });
      const event = s3ApiCallEvent({ key: "raw/late-news.bam" });
      const first = await runBundle(bundle, [event], notifyEnv());
      expect(first.results[0]).toMatchObject({ ok: false, error: { name: "NotificationFailedError" } });
      expect(emulator.count("publish")).toBe(3);
      expect(emulator.get(B, "raw/late-news.bam")!.restore).toBe("ongoing");
      // The claim stays with the event, so its retry is recognised.
      expect(emulator.tables.get("claims")!.size).toBe(1);
      const retry = await runBundle(bundle, [event], notifyEnv());
      expect(retry.results[0]).toMatchObject({
        ok: true,
        result: { outcome: "skipped", reason: "restore-in-progress", notified: true },
      });
      expect(emulator.count("restore")).toBe(1);
      expect(emulator.published).toHaveLength(1);
      expect(JSON.parse(emulator.published[0]!.message)).toMatchObject({ key: "raw/late-news.bam", repeated: true });
    });
  });
});
