/**
 * The packaged digest function (the deployed zip's `digestHandler`, real AWS SDK) against moto's SQS and
 * SNS, with the subscriptions the stack creates: body filter policies sending digests to email-like
 * subscribers and per-object messages to the others. moto is a model written elsewhere, so it also
 * checks that the filter policies mean what the stack intends.
 */
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { FILTER_POLICIES } from "../../../core/notifications";
import { initiatedMessage } from "../../../functions/restore/notify";
import { extractBundle, runBundle } from "../../../testing/bundle";
import { MotoServer, motoAvailable } from "../../../testing/moto";
import { layerAvailable } from "../../../testing/layers";

const available = layerAvailable("moto layer of the digest tests", motoAvailable);

const moto = new MotoServer();
const credentials = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" };

(available ? describe : describe.skip)("deployed digest function against moto's SQS and SNS", () => {
  let sqs: SQSClient;
  let sns: SNSClient;
  const queue = async (name: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] })))
      .Attributes!.QueueArn!;
    return { url, arn };
  };
  const drain = async (url: string) => {
    const bodies: string[] = [];
    for (;;) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      if (!out.Messages?.length) return bodies;
      bodies.push(...out.Messages.map((m) => m.Body!));
    }
  };

  beforeAll(async () => {
    await moto.start();
    sqs = new SQSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
    sns = new SNSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
  }, 30_000);
  afterAll(() => moto.stop());

  it("publishes one digest of the queued messages, which reaches digest subscribers only", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "glacier-restore-t-restores" }))).TopicArn!;
    const digestQueue = await queue("glacier-restore-t-digest");
    const emailLike = await queue("email-like");
    const webhookLike = await queue("webhook-like");
    const subscribe = (arn: string, policy: object) =>
      sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "sqs",
          Endpoint: arn,
          Attributes: {
            RawMessageDelivery: "true",
            FilterPolicy: JSON.stringify(policy),
            FilterPolicyScope: "MessageBody",
          },
        }),
      );
    await subscribe(digestQueue.arn, FILTER_POLICIES.digestQueue);
    await subscribe(emailLike.arn, FILTER_POLICIES.people);
    await subscribe(webhookLike.arn, FILTER_POLICIES.objects);

    // Three objects announced on the topic, as the restore function does, and one stray message.
    for (const key of ["raw/run-1/a.bam", "raw/run-1/b.bam", "raw/run-2/c.bam"]) {
      const m = initiatedMessage({
        bucket: "fsx4l-store",
        key,
        storageClass: "GLACIER",
        archive: "GLACIER",
        tier: "Standard",
        days: 7,
        expectedReadyWithinHours: { min: 3, max: 5 },
        requestedAtMs: Date.parse("2026-03-01T10:00:00Z"),
      });
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: m.message, Subject: m.subject }));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: digestQueue.url, MessageBody: "not a notification" }));

    const { results } = await runBundle(
      extractBundle(),
      [{}],
      {
        AWS_ENDPOINT_URL_SQS: moto.endpoint,
        AWS_ENDPOINT_URL_SNS: moto.endpoint,
        DIGEST_QUEUE_URL: digestQueue.url,
        NOTIFY_TOPIC_ARN: topicArn,
        TARGET_NAME: "t",
        DIGEST_WINDOW_MINUTES: "15",
      },
      "digestHandler",
    );
    expect(results).toEqual([{ ok: true, result: { received: 4, summarized: 3, unreadable: 1, published: true } }]);

    const digests = (await drain(emailLike.url)).map((b) => JSON.parse(b));
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({
      event: "restore-digest",
      target: "t",
      counts: { initiated: 3, completed: 0, expired: 0 },
      directories: [
        {
          directory: "s3://fsx4l-store/raw/run-1/",
          initiated: [expect.stringMatching(/^a\.bam/), expect.stringMatching(/^b\.bam/)],
        },
        { directory: "s3://fsx4l-store/raw/run-2/", initiated: [expect.stringMatching(/^c\.bam/)] },
      ],
    });
    // The webhook got the three objects and not the digest; the digest queue is empty (digest filtered out).
    const perObject = (await drain(webhookLike.url)).map((b) => JSON.parse(b).event);
    expect(perObject).toEqual(["restore-initiated", "restore-initiated", "restore-initiated"]);
    expect(await drain(digestQueue.url)).toEqual([]);
  }, 60_000);
});
