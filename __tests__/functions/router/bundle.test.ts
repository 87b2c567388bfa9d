/**
 * The packaged log router and restore function end to end, each in its own process with the real AWS SDK
 * against the emulator: a subscription delivery (gzip + base64) with misses for two targets, one outside
 * every target and lines that are no miss → exactly the right restores; the same miss through CloudTrail
 * and through the logs → one restore.
 */
import * as path from "node:path";
import { extractBundle, runBundle } from "../../../testing/bundle";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";
import {
  FSX_STREAM,
  fsxJsonLine,
  fsxMessage,
  gatewayLine,
  NON_MISS_LINES,
  subscriptionEvent,
} from "../../../testing/fixtures/reader-logs";
import { S3Emulator } from "../../../testing/s3-emulator";

const emulator = new S3Emulator();
let endpoint: string;
let router: string;
let restore: string;
const B = "fsx4l-store";
const ROUTES = [
  {
    target: "genomics-raw",
    functionName: "glacier-restore-genomics-raw",
    bucket: B,
    prefix: "raw/",
    readers: ["fs-0123456789abcdef0"],
  },
  { target: "genomics-ref", functionName: "glacier-restore-genomics-ref", bucket: B, prefix: "reference/" },
];

beforeAll(async () => {
  endpoint = await emulator.start();
  router = extractBundle(path.join(__dirname, "..", "..", "..", "dist", "router.zip"));
  restore = extractBundle();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

const routerEnv = (source = "fsx-logs", routes: object = ROUTES) => ({
  AWS_ENDPOINT_URL_LAMBDA: endpoint,
  READER_LOG_SOURCE: source,
  ROUTES: JSON.stringify(routes),
});

const targetEnv = (prefix: string) => ({
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  RESTORE_TIER: "Standard",
  RESTORED_OBJECT_AVAILABILITY_DAYS: "7",
  TARGET_BUCKET: B,
  TARGET_PREFIX: prefix,
  CLAIM_TABLE: "claims",
});

/** Plays each target function on what the router handed it (as Lambda's asynchronous invoke would). */
async function deliverInvocations() {
  const byFunction = new Map<string, unknown[]>();
  for (const i of emulator.invocations)
    byFunction.set(i.functionName, [...(byFunction.get(i.functionName) ?? []), JSON.parse(i.payload)]);
  const results: Record<string, unknown[]> = {};
  for (const [fn, events] of byFunction) {
    const prefix = ROUTES.find((r) => r.functionName === fn)!.prefix;
    const r = await runBundle(restore, events, targetEnv(prefix));
    results[fn] = r.results;
  }
  return results;
}

describe("log router → restore functions", () => {
  it("routes each FSx miss to its target, counts the rest, and each target restores its own", async () => {
    emulator.put(B, "raw/run 7/sample ü.bam", "GLACIER");
    emulator.put(B, "reference/数据/ref.fa", "DEEP_ARCHIVE");
    emulator.put(B, "elsewhere/x.nc", "GLACIER");
    const delivery = subscriptionEvent("/aws/fsx/lustre", FSX_STREAM, [
      fsxMessage(B, "raw/run 7/sample ü.bam"),
      fsxJsonLine(B, "reference/数据/ref.fa"),
      fsxMessage(B, "elsewhere/x.nc"),
      ...NON_MISS_LINES.fsx,
    ]);
    const r = await runBundle(router, [delivery], routerEnv());
    expect(r.results[0]).toEqual({
      ok: true,
      result: { routed: 2, outsideTargets: 1, unparsed: 3, archivedWrites: 0 },
    });
    expect(emulator.invocations.map((i) => [i.functionName, i.invocationType]).sort()).toEqual([
      ["glacier-restore-genomics-raw", "Event"],
      ["glacier-restore-genomics-ref", "Event"],
    ]);
    const results = await deliverInvocations();
    expect(results["glacier-restore-genomics-raw"]).toMatchObject([
      { ok: true, result: { outcome: "initiated", key: "raw/run 7/sample ü.bam" } },
    ]);
    expect(results["glacier-restore-genomics-ref"]).toMatchObject([
      { ok: true, result: { outcome: "initiated", key: "reference/数据/ref.fa" } },
    ]);
    expect(
      emulator.requests
        .filter((q) => q.op === "restore")
        .map((q) => q.key)
        .sort(),
    ).toEqual(["raw/run 7/sample ü.bam", "reference/数据/ref.fa"]);
    // Each line that is no miss is logged and counted.
    const unparsed = r.stdout.map((l) => JSON.parse(l)).filter((l) => l.ReaderLineUnparsed !== undefined);
    expect(unparsed).toHaveLength(3);
  });

  it("takes a target's misses only from the file systems it names", async () => {
    const delivery = subscriptionEvent("/aws/fsx/lustre", "datarepo_fs-00000000000000099", [fsxMessage(B, "raw/a.nc")]);
    const r = await runBundle(router, [delivery], routerEnv());
    expect(r.results[0]).toEqual({
      ok: true,
      result: { routed: 0, outsideTargets: 1, unparsed: 0, archivedWrites: 0 },
    });
    expect(emulator.invocations).toHaveLength(0);
  });

  it("routes S3 File Gateway InaccessibleStorageClass records", async () => {
    const routes = [{ target: "share", functionName: "glacier-restore-share", bucket: "gateway-share", prefix: "" }];
    const delivery = subscriptionEvent("/storagegateway/sgw-B1D123D4", "sgw-B1D123D4", [
      gatewayLine("gateway-share", "dir/a b.txt"),
      ...NON_MISS_LINES.gateway,
    ]);
    const r = await runBundle(router, [delivery], routerEnv("file-gateway-logs", routes));
    // Other record types (S3AccessDenied, health checks) and lines that are not JSON are no miss.
    expect(r.results[0]).toEqual({
      ok: true,
      result: { routed: 1, outsideTargets: 0, unparsed: 3, archivedWrites: 0 },
    });
    expect(JSON.parse(emulator.invocations[0]!.payload)).toMatchObject({
      glacierRestoreReaderMiss: {
        bucket: "gateway-share",
        key: "dir/a b.txt",
        source: "file-gateway-logs",
        reader: "sgw-B1D123D4",
      },
    });
  });

  it("answers CloudWatch Logs' control message without routing", async () => {
    const r = await runBundle(router, [subscriptionEvent("/aws/fsx/lustre", "s", [], "CONTROL_MESSAGE")], routerEnv());
    expect(r.results[0]).toEqual({
      ok: true,
      result: { routed: 0, outsideTargets: 0, unparsed: 0, archivedWrites: 0, control: true },
    });
  });

  it("fails the delivery when a hand-over fails, so Lambda retries it and finally dead-letters it", async () => {
    const r = await runBundle(router, [subscriptionEvent("/aws/fsx/lustre", FSX_STREAM, [fsxMessage(B, "raw/a.nc")])], {
      ...routerEnv(),
      AWS_ENDPOINT_URL_LAMBDA: "http://127.0.0.1:9",
      AWS_MAX_ATTEMPTS: "1",
    });
    expect(r.results[0]).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("1 of 1 misses could not be handed over") },
    });
  });

  it("fails every delivery with a message naming a bad variable", async () => {
    const r = await runBundle(router, [subscriptionEvent("/aws/fsx/lustre", "s", [])], {
      READER_LOG_SOURCE: "cloudtrail",
      ROUTES: "[]",
    });
    expect(r.results[0]).toMatchObject({ ok: false, error: { name: "HandlerConfigError" } });
  });

  it("restores once when the same miss arrives through CloudTrail and through the logs", async () => {
    emulator.put(B, "raw/both.nc", "GLACIER");
    await runBundle(
      router,
      [subscriptionEvent("/aws/fsx/lustre", FSX_STREAM, [fsxMessage(B, "raw/both.nc")])],
      routerEnv(),
    );
    const fromLogs = JSON.parse(emulator.invocations[0]!.payload);
    // Two containers at once: one with the CloudTrail event, one with the routed miss.
    const [a, b] = await Promise.all([
      runBundle(restore, [s3ApiCallEvent({ key: "raw/both.nc" })], targetEnv("raw/")),
      runBundle(restore, [fromLogs], targetEnv("raw/")),
    ]);
    const outcomes = [a.results[0], b.results[0]].map((x) => (x!.ok ? x!.result.outcome : "error")).sort();
    expect(outcomes).toEqual(["initiated", "skipped"]);
    expect(emulator.count("restore")).toBe(1);
  });
});
