/**
 * The restore policy's branches in the handler, with S3 mocked and the budget, claims, deferred queue and
 * notifier as recording fakes: observe × budget × directory × what S3 answers.
 */
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  RestoreObjectCommand,
  S3Client,
  S3ServiceException,
  type ObjectStorageClass,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import type { HandlerConfig } from "../../../functions/restore/config";
import type { Notifier } from "../../../functions/restore/notify";
import { createRestoreHandler, RestoreFailedError } from "../../../functions/restore/restore";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";
import {
  BASE_HANDLER_CONFIG,
  RecordingBudget,
  RecordingClaims,
  RecordingLog,
  RecordingMetrics,
} from "../../../testing/recorders";

const s3Mock = mockClient(S3Client);
beforeEach(() => s3Mock.reset());

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message: name });

function setup(options: {
  config?: Partial<HandlerConfig>;
  budget?: RecordingBudget;
  claims?: RecordingClaims;
  deferFails?: boolean;
  notifyFails?: boolean;
}) {
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const deferred: { event: unknown; reason: string }[] = [];
  const told: unknown[] = [];
  const notifier: Notifier = {
    initiated: async () => undefined,
    budgetExceeded: async (n) => {
      if (options.notifyFails) throw s3Error("InternalError", 500);
      told.push(n);
    },
  };
  const budgeted = options.budget !== undefined;
  const handler = createRestoreHandler({
    s3: new S3Client({ region: "us-east-1" }),
    config: {
      ...BASE_HANDLER_CONFIG,
      targetName: "genomics-raw",
      ...(budgeted ? { budget: { maxRestoresPerDay: 5 }, deferredQueueUrl: "https://sqs/q" } : {}),
      ...options.config,
    },
    log,
    metrics,
    clock: () => Date.parse("2026-11-28T10:00:00Z"),
    ...(options.claims ? { claims: options.claims } : {}),
    ...(budgeted
      ? {
          budget: options.budget,
          defer: async (event: unknown, reason: string) => {
            if (options.deferFails) throw new Error("sqs down");
            deferred.push({ event, reason });
          },
        }
      : {}),
    notifier,
  });
  return { handler, log, metrics, deferred, told };
}

const archived = { StorageClass: "GLACIER" as const, ContentLength: 4000, ...meta(200) };

describe("observe mode", () => {
  it("logs and counts what it would restore and sends no RestoreObject", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    const { handler, metrics, log } = setup({ config: { mode: "observe" } });
    expect(await handler(s3ApiCallEvent({ key: "raw/a.nc" }))).toEqual({
      outcome: "would-restore",
      bucket: "fsx4l-store",
      key: "raw/a.nc",
      storageClass: "GLACIER",
      tier: "Standard",
      days: 7,
      bytes: 4000,
    });
    expect(s3Mock.commandCalls(RestoreObjectCommand)).toHaveLength(0);
    expect(metrics.counts).toEqual(["WouldRestore/GLACIER"]);
    expect(log.lines[0]!.message).toBe("would restore (observe mode)");
  });
});

describe("budget", () => {
  it("reserves the object's bytes before restoring and keeps the reservation when S3 starts a restore", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const budget = new RecordingBudget();
    const { handler } = setup({ budget });
    expect((await handler(s3ApiCallEvent())).outcome).toBe("initiated");
    expect(budget.calls).toEqual(["reserve 4000"]);
  });

  it("keeps a refused event in the deferred queue, gives its claim back and tells people once a day", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    const claims = new RecordingClaims();
    const { handler, deferred, told, metrics } = setup({ budget: new RecordingBudget(["exceeded"]), claims });
    const event = s3ApiCallEvent({ key: "raw/late.nc" });
    expect(await handler(event)).toMatchObject({ outcome: "deferred", key: "raw/late.nc", bytes: 4000 });
    expect(s3Mock.commandCalls(RestoreObjectCommand)).toHaveLength(0);
    expect(deferred).toEqual([{ event, reason: "object" }]);
    expect(claims.calls).toEqual(["claim fsx4l-store|raw/late.nc|", "release fsx4l-store|raw/late.nc|"]);
    expect(metrics.counts).toEqual(["BudgetExceeded/object", "EventDeferred/object"]);
    expect(told).toEqual([
      {
        target: "genomics-raw",
        bucket: "fsx4l-store",
        day: "2026-11-28",
        maxRestoresPerDay: 5,
        deferredQueueUrl: "https://sqs/q",
      },
    ]);
  });

  it("tells nobody when today's refusal was already told, and survives a failed notification", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    const quiet = setup({ budget: new RecordingBudget(["exceeded"], { first: false }) });
    expect((await quiet.handler(s3ApiCallEvent())).outcome).toBe("deferred");
    expect(quiet.told).toEqual([]);
    const failing = setup({ budget: new RecordingBudget(["exceeded"]), notifyFails: true });
    expect((await failing.handler(s3ApiCallEvent())).outcome).toBe("deferred");
    expect(failing.log.lines.map((l) => l.message)).toContain("budget notification failed");
  });

  it("fails the event (so Lambda retries, then dead-letters) when the deferred queue cannot take it", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    const claims = new RecordingClaims();
    const { handler } = setup({ budget: new RecordingBudget(["exceeded"]), claims, deferFails: true });
    await expect(handler(s3ApiCallEvent({ key: "raw/x.nc" }))).rejects.toThrow(RestoreFailedError);
    expect(claims.calls.at(-1)).toBe("release fsx4l-store|raw/x.nc|");
  });
});

describe("directory scope", () => {
  const directoryConfig = { scope: "directory" as const, directory: { maxObjects: 10, maxBytes: 1e12 } };
  const listing = (keys: [string, ObjectStorageClass, object?][]) => ({
    Contents: keys.map(([Key, StorageClass, extra]) => ({ Key, StorageClass, Size: 10, ...extra })),
    IsTruncated: false,
  });

  it("lists the directory with Delimiter '/' and RestoreStatus, and restores its archived objects", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    s3Mock.on(ListObjectsV2Command).resolves(
      listing([
        ["raw/d/missed.nc", "GLACIER"],
        ["raw/d/b.nc", "DEEP_ARCHIVE"],
        ["raw/d/c.txt", "STANDARD"],
        ["raw/d/d.nc", "GLACIER", { RestoreStatus: { IsRestoreInProgress: true } }],
      ]),
    );
    const claims = new RecordingClaims();
    const { handler } = setup({ config: directoryConfig, claims });
    const result = await handler(s3ApiCallEvent({ key: "raw/d/missed.nc" }));
    expect(result).toMatchObject({
      outcome: "initiated",
      directory: { directory: "raw/d/", listed: 4, restored: 1, alreadyHandled: 0, failed: 0, budgetExceeded: false },
    });
    expect(s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Bucket: "fsx4l-store",
      Prefix: "raw/d/",
      Delimiter: "/",
      OptionalObjectAttributes: ["RestoreStatus"],
    });
    expect(s3Mock.commandCalls(RestoreObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      "raw/d/missed.nc",
      "raw/d/b.nc",
    ]);
    expect(claims.calls).toContain("claim dir#fsx4l-store/raw/d/");
    expect(claims.calls).toContain("claim fsx4l-store|raw/d/b.nc|");
  });

  it("does not expand for a missed object that is readable or gone", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "STANDARD" as const, ...meta(200) });
    const { handler } = setup({ config: directoryConfig, claims: new RecordingClaims() });
    expect(await handler(s3ApiCallEvent({ key: "raw/d/x" }))).not.toHaveProperty("directory");
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it("leaves a directory another event is expanding", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ...archived, Restore: 'ongoing-request="true"' });
    const claims = new RecordingClaims((id) => (id.startsWith("dir#") ? "held-elsewhere" : "claimed"));
    const { handler } = setup({ config: directoryConfig, claims });
    expect(await handler(s3ApiCallEvent({ key: "raw/d/x" }))).toMatchObject({
      outcome: "skipped",
      directory: { skipped: "claimed-elsewhere", listed: 0 },
    });
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it("skips siblings claimed elsewhere, fails the event when a sibling's restore fails, and gives that claim back", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    s3Mock.on(RestoreObjectCommand, { Key: "raw/d/missed.nc" }).resolves(meta(202));
    s3Mock.on(RestoreObjectCommand, { Key: "raw/d/bad.nc" }).rejects(s3Error("AccessDenied", 403));
    s3Mock.on(ListObjectsV2Command).resolves(
      listing([
        ["raw/d/missed.nc", "GLACIER"],
        ["raw/d/bad.nc", "GLACIER"],
        ["raw/d/taken.nc", "GLACIER"],
      ]),
    );
    const claims = new RecordingClaims((id) => (id.includes("taken") ? "held-elsewhere" : "claimed"));
    const { handler, metrics } = setup({ config: directoryConfig, claims });
    await expect(handler(s3ApiCallEvent({ key: "raw/d/missed.nc" }))).rejects.toThrow(
      "1 restores in s3://fsx4l-store/raw/d/ failed",
    );
    expect(claims.calls).toContain("release fsx4l-store|raw/d/bad.nc|");
    expect(s3Mock.commandCalls(RestoreObjectCommand).map((c) => c.args[0].input.Key)).not.toContain("raw/d/taken.nc");
    expect(metrics.counts).toContain("RestoreFailed/AccessDenied");
  });

  it("falls back to Standard for a sibling when Expedited capacity is gone", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: "Expedited" } } })
      .rejects(s3Error("GlacierExpeditedRetrievalNotAvailable", 503));
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: "Standard" } } })
      .resolves(meta(202));
    s3Mock.on(ListObjectsV2Command).resolves(listing([["raw/d/s.nc", "GLACIER"]]));
    const { handler } = setup({ config: { ...directoryConfig, tier: "Expedited" }, claims: new RecordingClaims() });
    expect(await handler(s3ApiCallEvent({ key: "raw/d/missed.nc" }))).toMatchObject({ directory: { restored: 1 } });
  });

  // Defects of the copies the single restore attempt replaced (issue 23): both failed before it.
  it("still restores the siblings when the claim store is down, counting each claim it could not take", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    s3Mock.on(ListObjectsV2Command).resolves(
      listing([
        ["raw/d/missed.nc", "GLACIER"],
        ["raw/d/b.nc", "GLACIER"],
        ["raw/d/c.nc", "DEEP_ARCHIVE"],
      ]),
    );
    const down = Object.assign(new Error("down"), { name: "InternalServerError" });
    const claims = new RecordingClaims(() => down);
    const { handler, metrics } = setup({ config: directoryConfig, claims });
    const result = await handler(s3ApiCallEvent({ key: "raw/d/missed.nc" }));
    expect(result).toMatchObject({ outcome: "initiated", directory: { restored: 2, failed: 0 } });
    expect(s3Mock.commandCalls(RestoreObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      "raw/d/missed.nc",
      "raw/d/b.nc",
      "raw/d/c.nc",
    ]);
    // The missed object, the directory and two siblings: four claims not taken, none released.
    expect(metrics.counts.filter((c) => c === "ClaimStoreUnavailable/InternalServerError")).toHaveLength(4);
    expect(claims.calls.filter((c) => c.startsWith("release"))).toEqual([]);
  });

  it("does not fail the event, nor refund twice, when a refund fails after a sibling is already restored (200)", async () => {
    s3Mock.on(HeadObjectCommand).resolves(archived);
    s3Mock.on(RestoreObjectCommand, { Key: "raw/d/missed.nc" }).resolves(meta(202));
    s3Mock.on(RestoreObjectCommand, { Key: "raw/d/copy.nc" }).resolves(meta(200));
    s3Mock.on(ListObjectsV2Command).resolves(
      listing([
        ["raw/d/missed.nc", "GLACIER"],
        ["raw/d/copy.nc", "GLACIER"],
      ]),
    );
    const budget = new RecordingBudget(["reserved", "reserved"], { refundFails: true });
    const { handler, metrics, log } = setup({ config: directoryConfig, budget });
    const result = await handler(s3ApiCallEvent({ key: "raw/d/missed.nc" }));
    expect(result).toMatchObject({ outcome: "initiated", directory: { restored: 0, alreadyHandled: 1, failed: 0 } });
    expect(budget.calls).toEqual(["reserve 4000", "reserve 10", "refund 10"]);
    expect(metrics.counts).toContain("BudgetRefundFailed/ThrottlingException");
    expect(metrics.counts).not.toContain("RestoreFailed/ThrottlingException");
    expect(log.lines.find((l) => l.fields.errorCode === "ThrottlingException")).toMatchObject({
      level: "warn",
      fields: { key: "raw/d/copy.nc", bytes: 10 },
    });
  });
});
