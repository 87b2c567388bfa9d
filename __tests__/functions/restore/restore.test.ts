import {
  HeadObjectCommand,
  RestoreObjectCommand,
  S3Client,
  S3ServiceException,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler, RestoreFailedError } from "../../../functions/restore";
import type { HandlerConfig } from "../../../functions/restore/config";
import { RecentRestores } from "../../../functions/restore/recent";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";
import { RecordingLog, RecordingMetrics, recordingHandler } from "../../../testing/recorders";

const s3Mock = mockClient(S3Client);

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, requestId: "REQ1" },
    message: name,
  });
}

function meta(status: number) {
  return { $metadata: { httpStatusCode: status } };
}

function setup(config: Partial<HandlerConfig> = {}) {
  let now = 1_000_000;
  return recordingHandler(config, () => (now += 5));
}

beforeEach(() => s3Mock.reset());

describe("restore handler", () => {
  it("heads the object, then restores it with the configured tier and days", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler, log, metrics } = setup();
    const result = await handler(s3ApiCallEvent());
    expect(result).toEqual({
      outcome: "initiated",
      bucket: "fsx4l-store",
      key: "raw/run-42/sample.bam",
      storageClass: "GLACIER",
      tier: "Standard",
      days: 7,
      expectedReadyWithinHours: { min: 3, max: 5 },
    });
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: "fsx4l-store",
      Key: "raw/run-42/sample.bam",
    });
    expect(s3Mock).toHaveReceivedCommandWith(RestoreObjectCommand, {
      Bucket: "fsx4l-store",
      Key: "raw/run-42/sample.bam",
      RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: "Standard" } },
    });
    expect(metrics.counts).toEqual(["RestoreInitiated/GLACIER"]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.fields).toMatchObject({
      bucket: "fsx4l-store",
      key: "raw/run-42/sample.bam",
      storageClass: "GLACIER",
      tier: "Standard",
      outcome: "initiated",
      latencyMs: 5,
    });
  });

  it("passes the reader's versionId to every S3 call", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "DEEP_ARCHIVE", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler } = setup();
    const result = await handler(s3ApiCallEvent({ versionId: "v-123" }));
    expect(result).toMatchObject({ outcome: "initiated", versionId: "v-123" });
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, { VersionId: "v-123" });
    expect(s3Mock).toHaveReceivedCommandWith(RestoreObjectCommand, { VersionId: "v-123" });
  });

  it.each(["raw/with space/and ünïcødé 数据.h5", "raw/plus+sign.txt", "raw/percent%41.txt"])(
    "restores key %j exactly as logged when it exists",
    async (key) => {
      s3Mock.on(HeadObjectCommand, { Key: key }).resolves({ StorageClass: "GLACIER", ...meta(200) });
      s3Mock.on(RestoreObjectCommand).resolves(meta(202));
      const { handler } = setup();
      await handler(s3ApiCallEvent({ key }));
      expect(s3Mock.commandCalls(RestoreObjectCommand).map((c) => c.args[0].input.Key)).toEqual([key]);
    },
  );

  it("falls back to the URL-decoded key when the logged form does not exist", async () => {
    s3Mock.on(HeadObjectCommand, { Key: "raw/a+b%2Bc.txt" }).rejects(s3Error("NotFound", 404));
    s3Mock.on(HeadObjectCommand, { Key: "raw/a b+c.txt" }).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler } = setup();
    const result = await handler(s3ApiCallEvent({ key: "raw/a+b%2Bc.txt" }));
    expect(result).toMatchObject({ outcome: "initiated", key: "raw/a b+c.txt" });
    expect(s3Mock).toHaveReceivedCommandWith(RestoreObjectCommand, { Key: "raw/a b+c.txt" });
  });

  it("uses Standard for Deep Archive when Expedited is configured and counts the fallback", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "DEEP_ARCHIVE", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler, metrics } = setup({ tier: "Expedited", days: 1 });
    expect(await handler(s3ApiCallEvent())).toMatchObject({
      tier: "Standard",
      requestedTier: "Expedited",
      expectedReadyWithinHours: { min: 12, max: 12 },
    });
    expect(s3Mock).toHaveReceivedCommandWith(RestoreObjectCommand, {
      RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Standard" } },
    });
    expect(metrics.counts).toEqual(["TierFallback/archive-has-no-expedited", "RestoreInitiated/DEEP_ARCHIVE"]);
  });

  it("sends no Days for Intelligent-Tiering archive access", async () => {
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "ARCHIVE_ACCESS", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler } = setup({ tier: "Expedited" });
    const result = await handler(s3ApiCallEvent());
    expect(result).toMatchObject({ outcome: "initiated", tier: "Expedited" });
    expect(result).not.toHaveProperty("days");
    const input = s3Mock.commandCalls(RestoreObjectCommand)[0]!.args[0].input;
    expect(input.RestoreRequest).toEqual({ GlacierJobParameters: { Tier: "Expedited" } });
  });

  it("retries once with Standard when Expedited capacity is unavailable", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Expedited" } } })
      .rejects(s3Error("GlacierExpeditedRetrievalNotAvailable", 503));
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Standard" } } })
      .resolves(meta(202));
    const { handler, metrics } = setup({ tier: "Expedited", days: 1 });
    expect(await handler(s3ApiCallEvent())).toMatchObject({
      outcome: "initiated",
      tier: "Standard",
      requestedTier: "Expedited",
    });
    expect(s3Mock).toHaveReceivedCommandTimes(RestoreObjectCommand, 2);
    expect(metrics.counts).toEqual(["TierFallback/expedited-unavailable", "RestoreInitiated/GLACIER"]);
  });

  it("treats 200 OK as an existing restored copy", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(200));
    const { handler, metrics } = setup();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "already-restored" });
    expect(metrics.counts).toEqual(["RestoreSkipped/already-restored"]);
  });

  it("treats 409 RestoreAlreadyInProgress as success", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).rejects(s3Error("RestoreAlreadyInProgress", 409));
    const { handler, metrics } = setup();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "already-in-progress" });
    expect(metrics.counts).toEqual(["RestoreSkipped/already-in-progress"]);
  });

  it.each([
    ["restore in progress", { StorageClass: "GLACIER", Restore: 'ongoing-request="true"' }, "restore-in-progress"],
    [
      "already restored",
      { StorageClass: "GLACIER", Restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"' },
      "already-restored",
    ],
    ["STANDARD", {}, "not-archived"],
    ["STANDARD_IA", { StorageClass: "STANDARD_IA" }, "not-archived"],
    ["GLACIER_IR", { StorageClass: "GLACIER_IR" }, "not-archived"],
    ["Intelligent-Tiering frequent access", { StorageClass: "INTELLIGENT_TIERING" }, "not-archived"],
  ])("skips without restoring when %s", async (_label, head, reason) => {
    s3Mock.on(HeadObjectCommand).resolves({ ...(head as Partial<HeadObjectCommandOutput>), ...meta(200) });
    const { handler, log, metrics } = setup();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "skipped", reason });
    expect(s3Mock).not.toHaveReceivedCommand(RestoreObjectCommand);
    expect(metrics.counts).toEqual([`RestoreSkipped/${reason}`]);
    expect(log.lines[0]).toMatchObject({ level: "info", fields: { outcome: "skipped", reason } });
  });

  it("skips an object that no longer exists", async () => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error("NotFound", 404));
    const { handler } = setup();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "skipped", reason: "not-found" });
    expect(s3Mock).not.toHaveReceivedCommand(RestoreObjectCommand);
  });

  it("ignores events outside its target without calling S3", async () => {
    const { handler, metrics, log } = setup();
    expect(await handler(s3ApiCallEvent({ bucket: "someone-elses" }))).toEqual({
      outcome: "ignored",
      reason: "other-bucket",
    });
    expect(await handler({ hello: "world" })).toEqual({ outcome: "ignored", reason: "malformed-event" });
    expect(s3Mock.calls()).toHaveLength(0);
    expect(metrics.counts).toEqual(["EventIgnored/other-bucket", "EventIgnored/malformed-event"]);
    expect(log.lines.map((l) => l.fields.reason)).toEqual(["other-bucket", "malformed-event"]);
  });

  it("answers repeated events for one object from memory after the first restore", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler } = setup();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await handler(s3ApiCallEvent()));
    expect(results.map((r) => r.outcome)).toEqual(["initiated", "skipped", "skipped", "skipped", "skipped"]);
    expect(results[1]).toMatchObject({ reason: "recently-requested" });
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandTimes(RestoreObjectCommand, 1);
    // Another version of the same key is another object.
    await handler(s3ApiCallEvent({ versionId: "v2" }));
    expect(s3Mock).toHaveReceivedCommandTimes(RestoreObjectCommand, 2);
  });

  it("asks S3 again once the memory of a restore expires", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    let now = 0;
    const handler = createHandler({
      s3: new S3Client({ region: "us-east-1" }),
      config: { tier: "Bulk", days: 2, bucket: "fsx4l-store", prefix: "", claimTtlSeconds: 900 },
      log: new RecordingLog(),
      metrics: new RecordingMetrics(),
      clock: () => now,
      recent: new RecentRestores(1000, 10),
    });
    await handler(s3ApiCallEvent());
    now = 999;
    await handler(s3ApiCallEvent());
    now = 1001;
    await handler(s3ApiCallEvent());
    expect(s3Mock).toHaveReceivedCommandTimes(RestoreObjectCommand, 2);
  });

  it.each([
    ["AccessDenied on RestoreObject", 403, "AccessDenied"],
    ["a server error that outlived the SDK's retries", 500, "InternalError"],
    ["throttling that outlived the SDK's retries", 503, "SlowDown"],
  ])("rethrows %s so Lambda retries and dead-letters the event", async (_label, status, code) => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).rejects(s3Error(code, status));
    const { handler, log, metrics } = setup();
    const error = await handler(s3ApiCallEvent()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreFailedError);
    expect((error as RestoreFailedError).message).toBe(
      `RestoreObject s3://fsx4l-store/raw/run-42/sample.bam failed: ${code}`,
    );
    expect((error as RestoreFailedError).cause).toBeInstanceOf(S3ServiceException);
    expect(metrics.counts).toEqual([`RestoreFailed/${code}`]);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: "error",
        fields: expect.objectContaining({
          outcome: "failed",
          errorCode: code,
          httpStatus: status,
          s3RequestId: "REQ1",
        }),
      }),
    ]);
  });

  it("does not remember a failed restore, so the retry asks S3 again", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).rejectsOnce(s3Error("InternalError", 500)).resolves(meta(202));
    const { handler } = setup();
    await expect(handler(s3ApiCallEvent())).rejects.toThrow(RestoreFailedError);
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "initiated" });
  });

  it("reports a denied HeadObject clearly and rethrows", async () => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error("Forbidden", 403));
    const { handler, log } = setup();
    await expect(handler(s3ApiCallEvent())).rejects.toThrow(
      "HeadObject s3://fsx4l-store/raw/run-42/sample.bam was denied (403): the role lacks s3:GetObject on this key, or the object no longer exists",
    );
    expect(log.lines[0]).toMatchObject({ level: "error", fields: { errorCode: "Forbidden", httpStatus: 403 } });
  });
});

const dynamoMock = mockClient(DynamoDBClient);
beforeEach(() => dynamoMock.reset());

/** A handler with a claim table, recording its logs and metrics, at a fixed time. */
function setupWithClaims() {
  return recordingHandler({ claimTable: "claims", claimTtlSeconds: 600 }, () => 1_700_000_000_000);
}

describe("cross-container claims", () => {
  it("claims the object with a conditional write before asking S3", async () => {
    dynamoMock.on(PutItemCommand).resolves({});
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler } = setupWithClaims();
    const event = s3ApiCallEvent({ versionId: "v7" });
    expect(await handler(event)).toMatchObject({ outcome: "initiated" });
    expect(dynamoMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: "claims",
      Item: {
        pk: { S: "fsx4l-store\u0000raw/run-42/sample.bam\u0000v7" },
        eventId: { S: event.detail.eventID },
        expiresAt: { N: String(1_700_000_000 + 600) },
      },
      ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now OR eventId = :event",
      ExpressionAttributeValues: { ":now": { N: "1700000000" }, ":event": { S: event.detail.eventID } },
    });
  });

  it("skips without calling S3 when another invocation holds the claim", async () => {
    dynamoMock
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    const { handler, metrics } = setupWithClaims();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "skipped", reason: "claimed-elsewhere" });
    expect(s3Mock.calls()).toHaveLength(0);
    expect(metrics.counts).toEqual(["RestoreSkipped/claimed-elsewhere"]);
  });

  it("gives the claim back when the restore fails, so the retry can act", async () => {
    dynamoMock.on(PutItemCommand).resolves({});
    dynamoMock.on(DeleteItemCommand).resolves({});
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).rejects(s3Error("InternalError", 500));
    const { handler } = setupWithClaims();
    const event = s3ApiCallEvent();
    await expect(handler(event)).rejects.toThrow(RestoreFailedError);
    expect(dynamoMock).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: "claims",
      Key: { pk: { S: "fsx4l-store\u0000raw/run-42/sample.bam\u0000" } },
      ConditionExpression: "eventId = :event",
      ExpressionAttributeValues: { ":event": { S: event.detail.eventID } },
    });
  });

  it("does not claim for an event without an ID, since its retries could not pass the claim", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const event = s3ApiCallEvent();
    delete event.id;
    delete event.detail.eventID;
    const { handler } = setupWithClaims();
    expect(await handler(event)).toMatchObject({ outcome: "initiated" });
    expect(dynamoMock.calls()).toHaveLength(0);
  });
});

describe("claims and failures", () => {
  it("says so when a claim cannot be released, and still rethrows the restore failure", async () => {
    dynamoMock.on(PutItemCommand).resolves({});
    dynamoMock.on(DeleteItemCommand).rejects(Object.assign(new Error("down"), { name: "InternalServerError" }));
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).rejects(s3Error("InternalError", 500));
    const { handler, log } = setupWithClaims();
    await expect(handler(s3ApiCallEvent())).rejects.toThrow("failed: InternalError");
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ["warn", "could not release claim; it expires by itself"],
      ["error", "restore failed; the event will be retried and then dead-lettered"],
    ]);
    expect(log.lines[0]!.fields).toMatchObject({ key: "raw/run-42/sample.bam", errorCode: "InternalServerError" });
  });
});

describe("restore handler details", () => {
  it("logs each outcome under its own message with the object's fields and latency", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ...meta(200) });
    const { handler, log } = setup();
    await handler(s3ApiCallEvent({ bucket: "elsewhere" }), { awsRequestId: "req-1" });
    await handler(s3ApiCallEvent({ key: "raw/hot.txt" }), { awsRequestId: "req-2" });
    expect(log.lines.map((l) => l.message)).toEqual(["event ignored", "restore skipped"]);
    expect(log.lines[0]!.fields).toMatchObject({
      outcome: "ignored",
      reason: "other-bucket",
      detail: "elsewhere",
      requestId: "req-1",
    });
    expect(log.lines[1]!.fields).toMatchObject({
      bucket: "fsx4l-store",
      key: "raw/hot.txt",
      storageClass: "STANDARD",
      reason: "not-archived",
      requestId: "req-2",
      latencyMs: 5,
    });
  });

  it("logs a started restore as 'restore requested'", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler, log } = setup();
    await handler(s3ApiCallEvent());
    expect(log.lines[0]).toMatchObject({ level: "info", message: "restore requested", fields: { archive: "GLACIER" } });
  });

  it("remembers a restore already in progress, but not an object that needs none", async () => {
    s3Mock
      .on(HeadObjectCommand, { Key: "raw/busy" })
      .resolves({ StorageClass: "GLACIER", Restore: 'ongoing-request="true"', ...meta(200) });
    s3Mock.on(HeadObjectCommand, { Key: "raw/hot" }).resolves({ ...meta(200) });
    const { handler } = setup();
    await handler(s3ApiCallEvent({ key: "raw/busy" }));
    expect(await handler(s3ApiCallEvent({ key: "raw/busy" }))).toMatchObject({ reason: "recently-requested" });
    await handler(s3ApiCallEvent({ key: "raw/hot" }));
    expect(await handler(s3ApiCallEvent({ key: "raw/hot" }))).toMatchObject({ reason: "not-archived" });
    expect(s3Mock.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      "raw/busy",
      "raw/hot",
      "raw/hot",
    ]);
  });

  it("reports a restored copy of an object that is no longer archived as already restored", async () => {
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ Restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"', ...meta(200) });
    const { handler } = setup();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "skipped", reason: "already-restored" });
  });

  it("sends no Days key at all for Intelligent-Tiering", async () => {
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "DEEP_ARCHIVE_ACCESS", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const { handler } = setup();
    await handler(s3ApiCallEvent());
    expect(s3Mock.commandCalls(RestoreObjectCommand)[0]!.args[0].input.RestoreRequest).toStrictEqual({
      GlacierJobParameters: { Tier: "Standard" },
    });
  });

  it("names a HeadObject that failed for another reason than 403/404", async () => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error("InternalError", 500));
    const { handler, metrics } = setup();
    const error = (await handler(s3ApiCallEvent()).catch((e: unknown) => e)) as RestoreFailedError;
    expect(error.message).toBe("HeadObject s3://fsx4l-store/raw/run-42/sample.bam failed: InternalError");
    expect(error.object).toEqual({ bucket: "fsx4l-store", key: "raw/run-42/sample.bam" });
    expect(error.cause).toBeInstanceOf(S3ServiceException);
    expect(error.name).toBe("RestoreFailedError");
    expect(metrics.counts).toEqual(["RestoreFailed/InternalError"]);
    expect(s3Mock).not.toHaveReceivedCommand(RestoreObjectCommand);
  });

  it("names the version action when a versioned HeadObject is denied", async () => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error("Forbidden", 403));
    const { handler } = setup();
    await expect(handler(s3ApiCallEvent({ versionId: "v1" }))).rejects.toThrow(
      "the role lacks s3:GetObjectVersion on this key",
    );
  });

  it("logs failures that carry no AWS metadata, such as a dropped connection", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).rejects(Object.assign(new Error("socket hang up"), { name: "TimeoutError" }));
    const { handler, log } = setup();
    await expect(handler(s3ApiCallEvent())).rejects.toThrow(
      "RestoreObject s3://fsx4l-store/raw/run-42/sample.bam failed: TimeoutError",
    );
    expect(log.lines[0]).toMatchObject({
      level: "error",
      message: "restore failed; the event will be retried and then dead-lettered",
      fields: {
        errorCode: "TimeoutError",
        httpStatus: undefined,
        s3RequestId: undefined,
        tier: "Standard",
        latencyMs: 5,
      },
    });
  });

  it("prefers an error's Code over its name", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock
      .on(RestoreObjectCommand)
      .rejects(Object.assign(new Error("x"), { name: "Error", Code: "RestoreAlreadyInProgress" }));
    const { handler } = setup();
    expect(await handler(s3ApiCallEvent())).toMatchObject({ outcome: "already-in-progress" });
  });
});
