/**
 * Who receives what on a target's notifications topic when it sends digests: the subscriptions exactly as
 * the stack synthesizes them (protocol, filter policy, scope), each replaced by a queue in moto's SNS, and
 * every kind of message that reaches the topic published once. SNS delivers a message that matches no
 * subscription's filter policy to nobody ("Amazon SNS message filtering"), so a policy that only knows the
 * project's own `event` values silently drops CloudWatch alarms and S3's own event notifications. moto
 * applies body filter policies (`$or`, `anything-but`, `exists`), a model written apart from this project.
 */
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { restoreEventInputTransformer } from "../../stacks/constructs/restore-notifications";
import { buildDigest, parseEntry } from "../../functions/restore/digest";
import { budgetExceededMessage, initiatedMessage } from "../../functions/restore/notify";
import { notificationsConfig } from "../../testing/config";
import { restoreCompletedEvent, restoreExpiredEvent } from "../../testing/fixtures/s3-restore-events";
import { MotoServer, motoAvailable } from "../../testing/moto";
import { layerAvailable } from "../../testing/layers";
import { applyInputTransformer } from "../../testing/proof/input-transformer";
import { all, synthConfig } from "../../testing/synth";

const available = layerAvailable("moto layer of the notification delivery proof", motoAvailable);

/**
 * A CloudWatch alarm's message to SNS, in the shape AWS publishes (the keys of the alarm notification
 * payload in AWS's own Lambda event fixtures, aws/aws-lambda-go events/testdata
 * cloudwatch-alarm-sns-payload-single-metric.json): no `event` field at all.
 */
function alarmMessage(alarmName: string): string {
  return JSON.stringify({
    AlarmName: alarmName,
    AlarmDescription: "Events wait in the dead-letter queue",
    AWSAccountId: "123456789012",
    NewStateValue: "ALARM",
    NewStateReason: "Threshold Crossed: 1 out of the last 1 datapoints [1.0] was greater than the threshold (0.0).",
    StateChangeTime: "2026-03-01T10:05:00.000+0000",
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`,
    OldStateValue: "OK",
    Trigger: {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Namespace: "AWS/SQS",
      StatisticType: "Statistic",
      Statistic: "MAXIMUM",
      Unit: null,
      Dimensions: [{ value: "glacier-restore-genomics-raw-dlq", name: "QueueName" }],
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0.0,
      TreatMissingData: "notBreaching",
      EvaluateLowSampleCountPercentile: "",
    },
  });
}

/**
 * S3's own event notification for a completed restore (S3 user guide, "Event message structure":
 * `Records[].eventName` "ObjectRestore:Completed", `glacierEventData.restoreEventData`): what a
 * `completedVia: "bucket-notifications"` target's topic receives, again without `event`.
 */
function s3NotificationMessage(): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "us-east-1",
        eventTime: "2026-03-01T14:52:10.000Z",
        eventName: "ObjectRestore:Completed",
        userIdentity: { principalId: "AmazonCustomer:A1B2C3" },
        requestParameters: { sourceIPAddress: "s3.amazonaws.com" },
        responseElements: { "x-amz-request-id": "7QB2V3P9K1XJ4M0N", "x-amz-id-2": "example" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "restore-completed",
          bucket: { name: "fsx4l-store", ownerIdentity: { principalId: "A1B2C3" }, arn: "arn:aws:s3:::fsx4l-store" },
          object: { key: "raw/run-42/sample.bam", size: 734003200, eTag: "7c9d1a8e", sequencer: "0055AED6DCD90281E5" },
        },
        glacierEventData: {
          restoreEventData: {
            lifecycleRestorationExpiryTime: "2026-03-08T00:00:00.000Z",
            lifecycleRestoreStorageClass: "GLACIER",
          },
        },
      },
    ],
  });
}

const initiated = initiatedMessage({
  target: "genomics-raw",
  bucket: "fsx4l-store",
  key: "raw/run-42/sample.bam",
  storageClass: "GLACIER",
  archive: "GLACIER",
  tier: "Standard",
  days: 7,
  expectedReadyWithinHours: { min: 3, max: 5 },
  requestedAtMs: Date.parse("2026-03-01T10:00:00Z"),
}).message;
const completed = applyInputTransformer(
  restoreEventInputTransformer("completed", "genomics-raw"),
  restoreCompletedEvent(),
);
const expired = applyInputTransformer(restoreEventInputTransformer("expired", "genomics-raw"), restoreExpiredEvent());

/** Every message that can reach the topic, by name, and the kinds of subscriber that must receive it. */
const MESSAGES: Record<string, { body: string; receivers: readonly Kind[] }> = {
  "restore initiated": { body: initiated, receivers: ["https", "digest-queue"] },
  "restore completed": { body: completed, receivers: ["https", "digest-queue"] },
  "restore expired": { body: expired, receivers: ["https", "digest-queue"] },
  digest: {
    body: buildDigest([parseEntry(initiated)!], "genomics-raw", 15, Date.parse("2026-03-01T10:15:00Z")).message,
    receivers: ["email"],
  },
  "budget exceeded": {
    body: budgetExceededMessage({
      target: "genomics-raw",
      bucket: "fsx4l-store",
      day: "2026-03-01",
      maxRestoresPerDay: 100,
      deferredQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/glacier-restore-genomics-raw-deferred",
    }).message,
    receivers: ["email", "https"],
  },
  "CloudWatch alarm": { body: alarmMessage("glacier-restore-genomics-raw-dlq"), receivers: ["email", "https"] },
  "S3 event notification": { body: s3NotificationMessage(), receivers: ["email", "https"] },
};

type Kind = "email" | "https" | "digest-queue";
const KINDS: readonly Kind[] = ["email", "https", "digest-queue"];

/** The synthesized subscriptions of the digest target, each named by the kind of subscriber it serves. */
function synthesizedSubscriptions(): { kind: Kind; filterPolicy: string; scope: string }[] {
  const stack = synthConfig(notificationsConfig()).stacks["genomics-raw"]!;
  return all(stack, "aws_sns_topic_subscription").map((s) => ({
    kind: s.protocol === "sqs" ? "digest-queue" : (s.protocol as Kind),
    filterPolicy: s.filter_policy,
    scope: s.filter_policy_scope,
  }));
}

(available ? describe : describe.skip)("notifications of a digest target, delivered by moto's SNS", () => {
  const moto = new MotoServer();
  const credentials = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" };
  let sqs: SQSClient;
  let sns: SNSClient;
  const received = new Map<string, Set<Kind>>();

  beforeAll(async () => {
    await moto.start();
    sqs = new SQSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
    sns = new SNSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
    const subscriptions = synthesizedSubscriptions();
    expect(subscriptions.map((s) => s.kind).sort()).toEqual([...KINDS].sort());
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "glacier-restore-genomics-raw-restores" })))
      .TopicArn!;
    const queues: { kind: Kind; url: string }[] = [];
    for (const s of subscriptions) {
      expect(s.scope).toBe("MessageBody");
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `sub-${s.kind}` }))).QueueUrl!;
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] })))
        .Attributes!.QueueArn!;
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "sqs",
          Endpoint: arn,
          Attributes: { RawMessageDelivery: "true", FilterPolicy: s.filterPolicy, FilterPolicyScope: s.scope },
        }),
      );
      queues.push({ kind: s.kind, url });
    }
    for (const [name, m] of Object.entries(MESSAGES)) {
      received.set(name, new Set());
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: m.body }));
    }
    for (const q of queues)
      for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10 }));
        if (!out.Messages?.length) break;
        for (const message of out.Messages) {
          const name = Object.entries(MESSAGES).find(([, m]) => m.body === message.Body)?.[0];
          expect(name).toBeDefined();
          received.get(name!)!.add(q.kind);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: message.ReceiptHandle! }));
        }
      }
  }, 60_000);
  afterAll(() => moto.stop());

  it.each(Object.keys(MESSAGES))("delivers the %s message to exactly the subscribers meant for it", (name) => {
    expect([...received.get(name)!].sort()).toEqual([...MESSAGES[name]!.receivers].sort());
  });

  it("leaves no message without a person to read it: email or a per-object subscriber gets every one", () => {
    for (const [name, kinds] of received)
      expect({ name, reached: kinds.has("email") || kinds.has("https") }).toEqual({ name, reached: true });
  });
});
