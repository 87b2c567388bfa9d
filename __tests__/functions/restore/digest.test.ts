import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import {
  buildDigest,
  createDigestHandler,
  DIGEST_MAX_LISTED,
  DIGEST_READ_BUDGET_MS,
  nextBatchSize,
  parseEntry,
  type DigestEntry,
} from "../../../functions/restore/digest";
import { digestConfigFromEnv } from "../../../functions/restore";
import { initiatedMessage } from "../../../functions/restore/notify";
import { RecordingLog, RecordingMetrics } from "../../../testing/recorders";

const NOW = Date.parse("2026-03-01T10:15:00.000Z");

describe("parseEntry", () => {
  it("reads the restore function's own 'initiated' message", () => {
    const m = initiatedMessage({
      bucket: "b",
      key: "runs/a.nc",
      storageClass: "GLACIER",
      archive: "GLACIER",
      tier: "Standard",
      days: 7,
      expectedReadyWithinHours: { min: 3, max: 5 },
      requestedAtMs: NOW,
    });
    expect(parseEntry(m.message)).toEqual({
      event: "restore-initiated",
      bucket: "b",
      key: "runs/a.nc",
      expectedReadyBy: "2026-03-01T15:15:00.000Z",
    });
  });

  it("reads a 'completed' message as EventBridge's template builds it, with or without an expiry", () => {
    const body = (expiry: string) =>
      JSON.stringify({ event: "restore-completed", bucket: "b", key: "k", restoreExpiryTime: expiry });
    expect(parseEntry(body("2026-03-08T00:00:00Z"))).toMatchObject({ restoreExpiryTime: "2026-03-08T00:00:00Z" });
    // An Intelligent-Tiering restore has no expiry: the template leaves the string empty.
    expect(parseEntry(body(""))).not.toHaveProperty("restoreExpiryTime");
  });

  it.each([
    ["not JSON", "{"],
    ["a digest", JSON.stringify({ event: "restore-digest", bucket: "b", key: "k" })],
    ["S3's own event record", JSON.stringify({ Records: [{ s3: {} }] })],
    ["no key", JSON.stringify({ event: "restore-initiated", bucket: "b" })],
    ["JSON null", "null"],
  ])("refuses %s", (_what, body) => {
    expect(parseEntry(body)).toBeUndefined();
  });
});

describe("buildDigest", () => {
  const entry = (event: DigestEntry["event"], key: string, extra: Partial<DigestEntry> = {}): DigestEntry => ({
    event,
    bucket: "fsx4l-store",
    key,
    ...extra,
  });

  it("counts each event once per object and lists objects by directory", () => {
    const d = buildDigest(
      [
        entry("restore-initiated", "raw/run-2/b.bam", { expectedReadyBy: "2026-03-01T15:00:00Z" }),
        entry("restore-initiated", "raw/run-2/a.bam", { expectedReadyBy: "2026-03-01T15:00:00Z" }),
        // A repeated "initiated" (retry after a failed publish) is listed once.
        entry("restore-initiated", "raw/run-2/a.bam", { expectedReadyBy: "2026-03-01T15:00:00Z" }),
        entry("restore-completed", "raw/run-1/c.bam", { restoreExpiryTime: "2026-03-08T00:00:00Z" }),
        entry("restore-completed", "top.txt"),
      ],
      "genomics-raw",
      15,
      NOW,
    );
    const body = JSON.parse(d.message);
    expect(body).toEqual({
      event: "restore-digest",
      summary:
        "glacier-restore genomics-raw, last 15 minutes to 2026-03-01T10:15:00.000Z: 2 restores started, 2 readable again.",
      target: "genomics-raw",
      windowMinutes: 15,
      windowEnd: "2026-03-01T10:15:00.000Z",
      counts: { initiated: 2, completed: 2, expired: 0 },
      directories: [
        { directory: "s3://fsx4l-store/raw/run-1/", completed: ["c.bam (until 2026-03-08T00:00:00Z)"] },
        {
          directory: "s3://fsx4l-store/raw/run-2/",
          initiated: [
            "a.bam (expected readable by 2026-03-01T15:00:00Z)",
            "b.bam (expected readable by 2026-03-01T15:00:00Z)",
          ],
        },
        { directory: "s3://fsx4l-store/", completed: ["top.txt"] },
      ],
    });
    expect(d.subject).toBe("glacier-restore genomics-raw: 2 restores started, 2 readable again");
    expect(d.attributes).toEqual({ event: "restore-digest", target: "genomics-raw" });
  });

  it("lists at most DIGEST_MAX_LISTED objects and counts the rest, so the message stays under SNS's limit", () => {
    const many = Array.from({ length: DIGEST_MAX_LISTED + 40 }, (_, i) =>
      entry("restore-initiated", `raw/${String(i).padStart(4, "0")}/${"x".repeat(200)}.nc`, {
        expectedReadyBy: "2026-03-01T15:00:00Z",
      }),
    );
    const d = buildDigest(many, "t", 60, NOW);
    const body = JSON.parse(d.message);
    expect(body.counts.initiated).toBe(DIGEST_MAX_LISTED + 40);
    expect(body.notListed).toBe(40);
    expect(Buffer.byteLength(d.message)).toBeLessThan(256 * 1024);
  });
});

describe("digest handler", () => {
  const sqsMock = mockClient(SQSClient);
  const snsMock = mockClient(SNSClient);
  beforeEach(() => {
    sqsMock.reset();
    snsMock.reset();
  });

  const message = (i: number, body: string) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: body });
  const initiated = (key: string) =>
    JSON.stringify({ event: "restore-initiated", bucket: "b", key, expectedReadyBy: "2026-03-01T15:00:00Z" });

  function setup(clock: () => number = () => NOW) {
    const log = new RecordingLog();
    const metrics = new RecordingMetrics();
    const digest = createDigestHandler({
      sqs: new SQSClient({ region: "us-east-1" }),
      sns: new SNSClient({ region: "us-east-1" }),
      queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/glacier-restore-t-digest",
      topicArn: "arn:aws:sns:us-east-1:123456789012:glacier-restore-t-restores",
      target: "t",
      windowMinutes: 15,
      log,
      metrics,
      clock,
    });
    return { digest, log, metrics };
  }

  it("drains the queue, publishes one digest, then deletes what it summarized", async () => {
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => message(from + i, initiated(`raw/f${from + i}.nc`)));
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: batch(0, 10) })
      .resolvesOnce({ Messages: batch(10, 3) })
      .resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: "d1" });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [] });
    const { digest, metrics } = setup();
    expect(await digest()).toEqual({ received: 13, summarized: 13, unreadable: 0, published: true });
    const published = snsMock.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.args[0].input.Message!).counts.initiated).toBe(13);
    expect(published[0]!.args[0].input.MessageAttributes).toEqual({
      event: { DataType: "String", StringValue: "restore-digest" },
      target: { DataType: "String", StringValue: "t" },
    });
    const deletes = sqsMock.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries!.length);
    expect(deletes).toEqual([10, 3]);
    expect(metrics.counts).toContain("DigestPublished/digest");
  });

  it("long-polls, so a queue whose short poll answers empty still gives this window's messages", async () => {
    // SQS's short poll samples a subset of servers and can answer empty while messages exist; a long poll
    // queries all servers and answers empty only when its wait expires ("Amazon SQS short and long polling").
    let shortPolledOnce = false;
    const queued = [message(1, initiated("raw/a.nc")), message(2, initiated("raw/b.nc"))];
    sqsMock.on(ReceiveMessageCommand).callsFake((input: { WaitTimeSeconds?: number }) => {
      if (!input.WaitTimeSeconds && !shortPolledOnce) {
        shortPolledOnce = true;
        return {};
      }
      return { Messages: queued.splice(0) };
    });
    snsMock.on(PublishCommand).resolves({});
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const { digest, log } = setup();
    expect(await digest()).toEqual({ received: 2, summarized: 2, unreadable: 0, published: true });
    expect(JSON.parse(snsMock.commandCalls(PublishCommand)[0]!.args[0].input.Message!).counts.initiated).toBe(2);
    const waits = sqsMock.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.WaitTimeSeconds);
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeGreaterThan(0);
    expect(log.lines.find((l) => l.message === "digest done")?.fields).toMatchObject({ drained: true });
  });

  it("stops reading after its time budget and leaves the rest, undeleted, for the next window", async () => {
    let n = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => ({
      Messages: Array.from({ length: 10 }, () => message(n, initiated(`raw/f${n++}.nc`))),
    }));
    snsMock.on(PublishCommand).resolves({});
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    // Each clock reading is 25 s later: the budget is spent after the third receive.
    let t = NOW;
    const { digest, log } = setup(() => (t += 25_000));
    expect(await digest()).toEqual({ received: 30, summarized: 30, unreadable: 0, published: true });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(3);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand).flatMap((c) => c.args[0].input.Entries)).toHaveLength(30);
    expect(log.lines.find((l) => l.message === "digest done")?.fields).toMatchObject({ drained: false });
  });

  it("publishes nothing for an empty window", async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({});
    const { digest } = setup();
    expect(await digest()).toEqual({ received: 0, summarized: 0, unreadable: 0, published: false });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it("deletes nothing when the digest cannot be published, so the next run lists the same objects", async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1, initiated("a"))] })
      .resolves({});
    snsMock.on(PublishCommand).rejects(Object.assign(new Error("throttled"), { name: "Throttling" }));
    const { digest } = setup();
    await expect(digest()).rejects.toThrow("throttled");
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it("logs, counts and removes a message that is not a notification, and keeps going", async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1, "not json"), message(2, initiated("a"))] })
      .resolves({});
    snsMock.on(PublishCommand).resolves({});
    sqsMock
      .on(DeleteMessageBatchCommand)
      .resolves({ Failed: [{ Id: "1", Code: "ReceiptHandleIsInvalid", SenderFault: true }] });
    const { digest, log, metrics } = setup();
    expect(await digest()).toEqual({ received: 2, summarized: 1, unreadable: 1, published: true });
    expect(metrics.counts).toContain("DigestMessageUnreadable/body");
    expect(log.lines.map((l) => l.message)).toContain(
      "digest queue message is not a restore notification; dropped from the digest",
    );
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)[0]!.args[0].input.Entries).toEqual([
      { Id: "0", ReceiptHandle: "r1" },
      { Id: "1", ReceiptHandle: "r2" },
    ]);
    // A failed delete is reported: that object will be listed again next time.
    expect(log.lines.find((l) => l.message.startsWith("could not delete"))?.fields).toEqual({
      id: "1",
      code: "ReceiptHandleIsInvalid",
    });
  });
});

describe("nextBatchSize", () => {
  it("asks for SQS's 10 at most, up to the cap, and for nothing once the cap or the time budget is reached", () => {
    expect(nextBatchSize(0, 5_000, 0, DIGEST_READ_BUDGET_MS)).toBe(10);
    expect(nextBatchSize(4_997, 5_000, 0, DIGEST_READ_BUDGET_MS)).toBe(3);
    expect(nextBatchSize(5_000, 5_000, 0, DIGEST_READ_BUDGET_MS)).toBe(0);
    expect(nextBatchSize(0, 5_000, DIGEST_READ_BUDGET_MS - 1, DIGEST_READ_BUDGET_MS)).toBe(10);
    expect(nextBatchSize(0, 5_000, DIGEST_READ_BUDGET_MS, DIGEST_READ_BUDGET_MS)).toBe(0);
  });
});

describe("digest configuration", () => {
  const env = {
    DIGEST_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
    NOTIFY_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:t",
    TARGET_NAME: "t",
    DIGEST_WINDOW_MINUTES: "15",
  };
  it("reads its environment and names what is missing or wrong", () => {
    expect(digestConfigFromEnv(env)).toEqual({
      queueUrl: env.DIGEST_QUEUE_URL,
      topicArn: env.NOTIFY_TOPIC_ARN,
      target: "t",
      windowMinutes: 15,
    });
    expect(() => digestConfigFromEnv({ ...env, DIGEST_QUEUE_URL: "" })).toThrow(
      "DIGEST_QUEUE_URL must be set for the digest function",
    );
    expect(() => digestConfigFromEnv({ ...env, DIGEST_WINDOW_MINUTES: "15.5" })).toThrow(
      'DIGEST_WINDOW_MINUTES must be a whole number of minutes, at least 1; got "15.5"',
    );
  });
});
