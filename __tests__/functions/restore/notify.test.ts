import {
  HeadObjectCommand,
  RestoreObjectCommand,
  S3Client,
  S3ServiceException,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler, NotificationFailedError } from "../../../functions/restore";
import { configFromEnv, HandlerConfigError, type HandlerConfig } from "../../../functions/restore/config";
import { initiatedMessage, snsSubject, type InitiatedNotice } from "../../../functions/restore/notify";
import { expectedReadyHours } from "../../../functions/restore/decide";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";
import { RecordingLog, RecordingMetrics, recordingHandler } from "../../../testing/recorders";

const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
const dynamoMock = mockClient(DynamoDBClient);
const TOPIC = "arn:aws:sns:us-east-1:123456789012:glacier-restore-genomics-raw-restores";
const NOW = Date.parse("2026-03-01T10:00:00.000Z");

beforeEach(() => {
  s3Mock.reset();
  snsMock.reset();
  dynamoMock.reset();
});

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

function setup(config: Partial<HandlerConfig> = {}) {
  return recordingHandler({ targetName: "genomics-raw", notifyTopicArn: TOPIC, ...config }, () => NOW);
}

/** The body of the only message published. */
function published(): { input: any; body: any } {
  const calls = snsMock.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  return { input, body: JSON.parse(input.Message as string) };
}

describe("restore initiated notification", () => {
  it("is published after S3 accepts the restore, with what a subscriber needs", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    snsMock.on(PublishCommand).resolves({ MessageId: "m1" });
    const { handler, metrics } = setup();
    expect(await handler(s3ApiCallEvent({ versionId: "v9" }))).toMatchObject({ outcome: "initiated" });
    const { input, body } = published();
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe("Restore started: s3://fsx4l-store/raw/run-42/sample.bam");
    expect(body).toEqual({
      event: "restore-initiated",
      summary:
        "Restore started (Standard tier): s3://fsx4l-store/raw/run-42/sample.bam is expected to be readable in 3 hours to 5 hours, by 2026-03-01T15:00:00.000Z.",
      target: "genomics-raw",
      bucket: "fsx4l-store",
      key: "raw/run-42/sample.bam",
      versionId: "v9",
      storageClass: "GLACIER",
      archive: "GLACIER",
      tier: "Standard",
      restoredCopyDays: 7,
      requestedAt: "2026-03-01T10:00:00.000Z",
      expectedReadyWithinHours: { min: 3, max: 5 },
      expectedReadyBy: "2026-03-01T15:00:00.000Z",
    });
    expect(input.MessageAttributes).toEqual({
      event: { DataType: "String", StringValue: "restore-initiated" },
      bucket: { DataType: "String", StringValue: "fsx4l-store" },
      tier: { DataType: "String", StringValue: "Standard" },
      target: { DataType: "String", StringValue: "genomics-raw" },
    });
    expect(metrics.counts).toEqual(["RestoreInitiated/GLACIER", "NotificationPublished/initiated"]);
  });

  it("takes the object's size from HeadObject: an Expedited restore of 3 GB gets no 1-5 minute promise", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ContentLength: 3_000_000_000, ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    snsMock.on(PublishCommand).resolves({ MessageId: "m1" });
    const { handler } = setup({ tier: "Expedited" });
    const result = await handler(s3ApiCallEvent());
    expect(result).toMatchObject({ outcome: "initiated", tier: "Expedited" });
    // The result's hours are the earliest time: 1 minute plus 3 GB at 300 MB/s.
    expect((result as { expectedReadyWithinHours: { min: number } }).expectedReadyWithinHours.min).toBeCloseTo(
      70 / 3600,
      9,
    );
    const { body } = published();
    expect(body.summary).toContain("no sooner than 1 minute, after 2026-03-01T10:01:10.000Z");
    expect(body.expectedReadyNotBefore).toBe("2026-03-01T10:01:10.000Z");
    expect(body).not.toHaveProperty("expectedReadyBy");
  });

  it("names the tier actually used after an Expedited fallback, and the one asked for", async () => {
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: "Expedited" } } })
      .rejects(
        new S3ServiceException({
          name: "GlacierExpeditedRetrievalNotAvailable",
          $fault: "server",
          $metadata: { httpStatusCode: 503 },
          message: "no capacity",
        }),
      )
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: "Standard" } } })
      .resolves(meta(202));
    snsMock.on(PublishCommand).resolves({});
    const { handler } = setup({ tier: "Expedited" });
    await handler(s3ApiCallEvent());
    expect(published().body).toMatchObject({ tier: "Standard", requestedTier: "Expedited" });
  });

  it("gives Deep Archive's 12 hours and no copy expiry for Intelligent-Tiering", async () => {
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    snsMock.on(PublishCommand).resolves({});
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "DEEP_ARCHIVE", ...meta(200) });
    await setup().handler(s3ApiCallEvent());
    expect(published().body).toMatchObject({
      archive: "DEEP_ARCHIVE",
      expectedReadyWithinHours: { min: 12, max: 12 },
      expectedReadyBy: "2026-03-01T22:00:00.000Z",
      summary: expect.stringContaining("in about 12 hours"),
    });
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({});
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "ARCHIVE_ACCESS", ...meta(200) });
    await setup().handler(s3ApiCallEvent());
    const { body } = published();
    expect(body.archive).toBe("INTELLIGENT_TIERING_ARCHIVE");
    expect(body).not.toHaveProperty("restoredCopyDays");
  });

  it.each<[string, Partial<HeadObjectCommandOutput>, ReturnType<typeof meta> | undefined]>([
    ["a restored copy already exists (200)", { StorageClass: "GLACIER" }, meta(200)],
    ["S3 says a restore is already running (409)", { StorageClass: "GLACIER" }, undefined],
    ["HeadObject shows a running restore", { StorageClass: "GLACIER", Restore: 'ongoing-request="true"' }, meta(202)],
    ["the object is not archived", {}, meta(202)],
  ])("is not published when %s", async (_what, head, restoreReply) => {
    s3Mock.on(HeadObjectCommand).resolves({ ...head, ...meta(200) });
    if (restoreReply) s3Mock.on(RestoreObjectCommand).resolves(restoreReply);
    else
      s3Mock.on(RestoreObjectCommand).rejects(
        new S3ServiceException({
          name: "RestoreAlreadyInProgress",
          $fault: "client",
          $metadata: { httpStatusCode: 409 },
          message: "running",
        }),
      );
    await setup().handler(s3ApiCallEvent());
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("is not published for ignored events or without a topic", async () => {
    expect(await setup().handler(s3ApiCallEvent({ errorCode: "AccessDenied" }))).toMatchObject({ outcome: "ignored" });
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    const noTopic = createHandler({
      s3: new S3Client({ region: "us-east-1" }),
      config: { tier: "Standard", days: 7, bucket: "fsx4l-store", prefix: "raw/", claimTtlSeconds: 900 },
      log: new RecordingLog(),
      metrics: new RecordingMetrics(),
    });
    expect(await noTopic(s3ApiCallEvent())).toMatchObject({ outcome: "initiated" });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe("a notification that cannot be published", () => {
  const snsDown = () =>
    new SNSServiceException({
      name: "KMSAccessDeniedException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
      message: "no key access",
    });

  it("fails the invocation but keeps the claim, so the retry can publish it", async () => {
    dynamoMock.on(PutItemCommand).resolves({});
    dynamoMock.on(DeleteItemCommand).resolves({});
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", ...meta(200) });
    s3Mock.on(RestoreObjectCommand).resolves(meta(202));
    snsMock.on(PublishCommand).rejects(snsDown());
    const { handler, log, metrics } = setup({ claimTable: "claims" });
    const event = s3ApiCallEvent();
    await expect(handler(event)).rejects.toThrow(NotificationFailedError);
    await expect(handler(event)).rejects.toThrow(
      "restore of s3://fsx4l-store/raw/run-42/sample.bam was requested, but publishing its notification failed: KMSAccessDeniedException",
    );
    expect(dynamoMock).not.toHaveReceivedCommand(DeleteItemCommand);
    expect(metrics.counts).toContain("NotificationFailed/KMSAccessDeniedException");
    expect(log.lines.find((l) => l.level === "error")).toMatchObject({
      message: "restore requested but its notification failed; the event will be retried",
      fields: { outcome: "notification-failed", tier: "Standard", errorCode: "KMSAccessDeniedException" },
    });
  });

  it("is published by the retry, which finds the restore running and holds the same claim", async () => {
    const event = s3ApiCallEvent();
    const key = "fsx4l-store\u0000raw/run-42/sample.bam\u0000";
    // The first attempt's claim is still there: DynamoDB returns it as the replaced item.
    dynamoMock.on(PutItemCommand).resolves({
      Attributes: { pk: { S: key }, eventId: { S: event.detail.eventID }, expiresAt: { N: String(NOW / 1000 + 60) } },
    });
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", Restore: 'ongoing-request="true"', ...meta(200) });
    snsMock.on(PublishCommand).resolves({});
    const { handler, metrics } = setup({ claimTable: "claims", tier: "Expedited" });
    expect(await handler(event)).toMatchObject({ outcome: "skipped", reason: "restore-in-progress", notified: true });
    expect(s3Mock).not.toHaveReceivedCommand(RestoreObjectCommand);
    expect(published().body).toMatchObject({ event: "restore-initiated", tier: "Expedited", repeated: true });
    expect(metrics.counts).toEqual(["NotificationPublished/repeated", "RestoreSkipped/restore-in-progress"]);
  });

  it("keeps the claim again when the retry's publish fails too, so a later retry can still publish", async () => {
    const event = s3ApiCallEvent();
    const key = "fsx4l-store\u0000raw/run-42/sample.bam\u0000";
    dynamoMock.on(PutItemCommand).resolves({
      Attributes: { pk: { S: key }, eventId: { S: event.detail.eventID }, expiresAt: { N: String(NOW / 1000 + 60) } },
    });
    dynamoMock.on(DeleteItemCommand).resolves({});
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", Restore: 'ongoing-request="true"', ...meta(200) });
    snsMock.on(PublishCommand).rejects(snsDown());
    const { handler, log, metrics } = setup({ claimTable: "claims" });
    await expect(handler(event)).rejects.toThrow(NotificationFailedError);
    expect(dynamoMock).not.toHaveReceivedCommand(DeleteItemCommand);
    expect(metrics.counts).toEqual(["NotificationFailed/KMSAccessDeniedException"]);
    expect(log.lines.map((l) => l.message)).toEqual([
      "restore requested but its notification failed; the event will be retried",
    ]);
  });

  it("is not repeated for a different event that finds the restore running", async () => {
    dynamoMock.on(PutItemCommand).resolves({});
    s3Mock.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", Restore: 'ongoing-request="true"', ...meta(200) });
    await setup({ claimTable: "claims" }).handler(s3ApiCallEvent());
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe("initiatedMessage", () => {
  const notice: InitiatedNotice = {
    bucket: "b",
    key: "k",
    storageClass: "GLACIER",
    archive: "GLACIER",
    tier: "Expedited",
    days: 1,
    expectedReadyWithinHours: { min: 1 / 60, max: 5 / 60 },
    requestedAtMs: NOW,
  };

  it("states Expedited times in minutes and leaves out what is unknown", () => {
    const m = initiatedMessage(notice);
    const body = JSON.parse(m.message);
    expect(body.summary).toBe(
      "Restore started (Expedited tier): s3://b/k is expected to be readable in 1 minute to 5 minutes, by 2026-03-01T10:05:00.000Z.",
    );
    expect(body).not.toHaveProperty("versionId");
    expect(body).not.toHaveProperty("target");
    expect(body).not.toHaveProperty("repeated");
    expect(m.attributes).toEqual({ event: "restore-initiated", bucket: "b", tier: "Expedited" });
    // Pretty-printed, so an email shows one field per line.
    expect(m.message.split("\n").length).toBeGreaterThan(10);
  });

  it("promises no Expedited window for objects of 250 MB or more, only the earliest time", () => {
    // S3: under 250 MB typically 1-5 minutes; larger objects at up to 300 MB/s, no typical time.
    const sizeBytes = 3_000_000_000;
    const window = expectedReadyHours("GLACIER", "Expedited", sizeBytes);
    expect(window).toEqual({ min: 1 / 60 + 10 / 3600, max: 1 / 60 + 10 / 3600, atLeast: true });
    const body = JSON.parse(initiatedMessage({ ...notice, expectedReadyWithinHours: window }).message);
    expect(body.summary).toBe(
      "Restore started (Expedited tier): s3://b/k is expected to be readable in no sooner than 1 minute, after 2026-03-01T10:01:10.000Z (S3 gives no typical time for Expedited restores of objects of 250 MB or more).",
    );
    expect(body.expectedReadyNotBefore).toBe("2026-03-01T10:01:10.000Z");
    expect(body).not.toHaveProperty("expectedReadyBy");
    expect(expectedReadyHours("GLACIER", "Expedited", 249_999_999)).toEqual({ min: 1 / 60, max: 5 / 60 });
    expect(expectedReadyHours("GLACIER", "Expedited", 250_000_000).atLeast).toBe(true);
    expect(expectedReadyHours("GLACIER", "Standard", 3_000_000_000)).toEqual({ min: 3, max: 5 });
  });

  it("writes whole hours in hours, singular for one", () => {
    const body = JSON.parse(initiatedMessage({ ...notice, expectedReadyWithinHours: { min: 1, max: 5 } }).message);
    expect(body.summary).toContain("readable in 1 hour to 5 hours");
  });

  it("keeps SNS subjects printable ASCII and at most 100 characters", () => {
    expect(snsSubject("Restore started: s3://b/données/ß.bam")).toBe("Restore started: s3://b/donn?es/?.bam");
    const long = snsSubject(`Restore started: s3://b/${"x".repeat(200)}`);
    expect(long).toHaveLength(100);
    expect(long.endsWith("...")).toBe(true);
    expect(snsSubject("a\nb")).toBe("a?b");
  });
});

describe("notification settings from the environment", () => {
  const env = { RESTORE_TIER: "Standard", RESTORED_OBJECT_AVAILABILITY_DAYS: "7", TARGET_BUCKET: "b" };

  it("reads the topic and the target name", () => {
    expect(configFromEnv({ ...env, NOTIFY_TOPIC_ARN: TOPIC, TARGET_NAME: "genomics-raw" })).toMatchObject({
      notifyTopicArn: TOPIC,
      targetName: "genomics-raw",
    });
    expect(configFromEnv(env)).not.toHaveProperty("notifyTopicArn");
  });

  it("treats an empty topic as none, and checks the whole ARN", () => {
    expect(configFromEnv({ ...env, NOTIFY_TOPIC_ARN: "" })).not.toHaveProperty("notifyTopicArn");
    for (const bad of [
      `x${TOPIC}`,
      `${TOPIC} `,
      "arn:aws:sns:us-east-1:123456789012:",
      "arn:aws:sns:us-east-1:12345:t",
    ])
      expect(() => configFromEnv({ ...env, NOTIFY_TOPIC_ARN: bad })).toThrow(
        /NOTIFY_TOPIC_ARN must be an SNS topic ARN/,
      );
    expect(
      configFromEnv({ ...env, NOTIFY_TOPIC_ARN: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t" }),
    ).toMatchObject({
      notifyTopicArn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t",
    });
  });

  it("rejects a topic that is not an SNS topic ARN, naming the variable", () => {
    expect(() => configFromEnv({ ...env, NOTIFY_TOPIC_ARN: "glacier-restore-topic" })).toThrow(HandlerConfigError);
    expect(() => configFromEnv({ ...env, NOTIFY_TOPIC_ARN: "arn:aws:sqs:us-east-1:123456789012:q" })).toThrow(
      /NOTIFY_TOPIC_ARN must be an SNS topic ARN/,
    );
  });
});
