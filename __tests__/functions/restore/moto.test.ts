/**
 * The deployment bundle against moto, a maintained S3 implementation written elsewhere: it checks that the
 * requests this project's own emulator accepts are the ones a real S3 model accepts too. moto completes
 * restores at once, so "in progress" and injected faults stay with the project's emulator.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type StorageClass,
} from "@aws-sdk/client-s3";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoClaimStore } from "../../../aws/claims";
import { extractBundle, runBundle } from "../../../testing/bundle";
import { MotoServer, motoAvailable } from "../../../testing/moto";
import { layerAvailable } from "../../../testing/layers";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoBudgetStore } from "../../../aws/budget";
import { deferEvent } from "../../../aws/deferred-queue";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";

const available = layerAvailable("moto layer of the handler tests", motoAvailable);

const BUCKET = "moto-archive";
const moto = new MotoServer();
let s3: S3Client;
let bundle: string;

async function put(key: string, storageClass: StorageClass): Promise<string | undefined> {
  const out = await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `data of ${key}`, StorageClass: storageClass }),
  );
  return out.VersionId;
}

function env() {
  return {
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    RESTORE_TIER: "Expedited",
    RESTORED_OBJECT_AVAILABILITY_DAYS: "2",
    TARGET_BUCKET: BUCKET,
    TARGET_PREFIX: "data/",
  };
}

(available ? describe : describe.skip)("deployed bundle against moto's S3", () => {
  beforeAll(async () => {
    await moto.start();
    s3 = new S3Client({
      region: "us-east-1",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
    bundle = extractBundle();
  }, 30_000);
  afterAll(() => moto.stop());

  it("sees GetObject fail with InvalidObjectState for archived objects (the event this project reacts to)", async () => {
    await put("data/premise.bin", "GLACIER");
    const error = await s3
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: "data/premise.bin" }))
      .catch((e: unknown) => e);
    expect((error as { name: string }).name).toBe("InvalidObjectState");
  });

  it("restores Glacier and Deep Archive objects, keys with spaces and unicode included", async () => {
    const keys = ["data/glacier file.bam", "data/ünïcødé/数据.h5", "data/deep.tar"];
    await put(keys[0]!, "GLACIER");
    await put(keys[1]!, "GLACIER");
    await put(keys[2]!, "DEEP_ARCHIVE");
    await put("data/hot.txt", "STANDARD");
    const { results } = await runBundle(
      bundle,
      [...keys, "data/hot.txt"].map((key) => s3ApiCallEvent({ bucket: BUCKET, key })),
      env(),
    );
    expect(
      results.map((r) => (r.ok ? `${r.result.outcome}:${r.result.tier ?? r.result.reason}` : r.error.message)),
    ).toEqual(["initiated:Expedited", "initiated:Expedited", "initiated:Standard", "skipped:not-archived"]);
    for (const key of keys) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(head.Restore).toMatch(/ongoing-request="(true|false)"/);
    }
    // moto finishes restores at once: the next event for the same object finds a restored copy.
    const again = await runBundle(bundle, [s3ApiCallEvent({ bucket: BUCKET, key: keys[0] })], env());
    expect(again.results[0]).toMatchObject({ ok: true, result: { outcome: "skipped", reason: "already-restored" } });
  });

  it("publishes 'restore initiated' that moto's SNS accepts and delivers to a subscriber", async () => {
    // An HTTP subscriber on 127.0.0.1 receives what moto's SNS delivers.
    const received: Record<string, any>[] = [];
    const subscriber: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body) as Record<string, any>);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => subscriber.listen(0, "127.0.0.1", resolve));
    try {
      const sns = new SNSClient({
        region: "us-east-1",
        endpoint: moto.endpoint,
        credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
      });
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "glacier-restore-moto-restores" }));
      const url = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/restores`;
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url }));
      received.length = 0; // moto may post a subscription confirmation first
      await put("data/notify me.bam", "GLACIER");
      const { results } = await runBundle(bundle, [s3ApiCallEvent({ bucket: BUCKET, key: "data/notify me.bam" })], {
        ...env(),
        AWS_ENDPOINT_URL_SNS: moto.endpoint,
        NOTIFY_TOPIC_ARN: TopicArn!,
        TARGET_NAME: "moto",
      });
      expect(results[0]).toMatchObject({ ok: true, result: { outcome: "initiated" } });
      const deadline = Date.now() + 5000;
      while (!received.some((m) => m.Type === "Notification") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const note = received.find((m) => m.Type === "Notification")!;
      expect(note).toMatchObject({ TopicArn, Subject: "Restore started: s3://moto-archive/data/notify me.bam" });
      expect(JSON.parse(note.Message)).toMatchObject({
        event: "restore-initiated",
        target: "moto",
        bucket: BUCKET,
        key: "data/notify me.bam",
        tier: "Expedited",
      });
      // moto leaves message attributes out of HTTP deliveries; the project's emulator checks them.
    } finally {
      subscriber.close();
    }
  });

  it("sends the reader's versionId on HEAD and RestoreObject", async () => {
    // moto 5 ignores versionId in RestoreObject and restores the current version, so only a current,
    // archived version is checked here; non-current versions are covered against the project's emulator.
    const version = await put("data/versioned.dat", "GLACIER");
    expect(version).toBeDefined();
    const { results } = await runBundle(
      bundle,
      [s3ApiCallEvent({ bucket: BUCKET, key: "data/versioned.dat", versionId: version })],
      env(),
    );
    expect(results[0]).toEqual({
      ok: true,
      result: expect.objectContaining({ outcome: "initiated", versionId: version }),
    });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: "data/versioned.dat", VersionId: version }),
    );
    expect(head.Restore).toMatch(/ongoing-request/);
  });

  it("skips an object that does not exist", async () => {
    const { results } = await runBundle(bundle, [s3ApiCallEvent({ bucket: BUCKET, key: "data/never-written" })], env());
    expect(results[0]).toMatchObject({ ok: true, result: { outcome: "skipped", reason: "not-found" } });
  });
});

/** A DynamoDB client on moto and the claims table as the stack declares it (key "pk"). */
async function claimsTableOn(endpoint: string): Promise<DynamoDBClient> {
  const dynamodb = new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
  });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: "claims",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
  return dynamodb;
}

(available ? describe : describe.skip)("claim store against moto's DynamoDB", () => {
  const server = new MotoServer();
  let dynamodb: DynamoDBClient;
  let store: DynamoClaimStore;
  const now = 1_800_000_000_000;

  beforeAll(async () => {
    await server.start();
    dynamodb = await claimsTableOn(server.endpoint);
    store = new DynamoClaimStore(dynamodb, "claims", 600);
  }, 30_000);
  afterAll(() => server.stop());

  it("grants one claim per object, lets the claiming event retry, and expires", async () => {
    expect(await store.claim("obj-1", "event-a", now)).toBe("claimed");
    expect(await store.claim("obj-1", "event-b", now + 1000)).toBe("held-elsewhere");
    expect(await store.claim("obj-1", "event-a", now + 2000)).toBe("reclaimed");
    expect(await store.claim("obj-2", "event-b", now)).toBe("claimed");
    // The retry renewed the claim until now + 2 s + 600 s; after that it no longer holds, even if
    // DynamoDB's TTL sweep has not deleted the item yet.
    expect(await store.claim("obj-1", "event-c", now + 601_000)).toBe("held-elsewhere");
    expect(await store.claim("obj-1", "event-c", now + 603_000)).toBe("claimed");
    const item = await dynamodb.send(new GetItemCommand({ TableName: "claims", Key: { pk: { S: "obj-1" } } }));
    expect(item.Item?.eventId).toEqual({ S: "event-c" });
  });

  it("releases only a claim the event holds", async () => {
    expect(await store.claim("obj-3", "event-a", now)).toBe("claimed");
    await store.release("obj-3", "event-b");
    expect(await store.claim("obj-3", "event-b", now)).toBe("held-elsewhere");
    await store.release("obj-3", "event-a");
    expect(await store.claim("obj-3", "event-b", now)).toBe("claimed");
  });
});

(available ? describe : describe.skip)("budget store and deferred queue against moto's DynamoDB and SQS", () => {
  const server = new MotoServer();
  let dynamodb: DynamoDBClient;
  const now = Date.parse("2026-11-28T12:00:00Z");

  beforeAll(async () => {
    await server.start();
    dynamodb = await claimsTableOn(server.endpoint);
  }, 30_000);
  afterAll(() => server.stop());

  it("reserves with a conditional ADD up to the limits, never beyond, and gives back", async () => {
    const budget = new DynamoBudgetStore(dynamodb, "claims", { maxRestoresPerDay: 3, maxBytesPerDay: 100 });
    const results: string[] = [];
    for (const bytes of [10, 20, 30, 5, 5]) results.push(await budget.reserve(bytes, now));
    expect(results).toEqual(["reserved", "reserved", "reserved", "exceeded", "exceeded"]);
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: "claims", Key: { pk: { S: "budget#2026-11-28" } } }),
    );
    expect(item.Item?.restores).toEqual({ N: "3" });
    await budget.refund(10, now);
    expect(await budget.reserve(80, now)).toBe("exceeded"); // bytes would pass 100
    expect(await budget.reserve(1, now)).toBe("reserved");
    // The next UTC day starts from zero; one object above the day's bytes never fits.
    expect(await budget.reserve(50, now + 86_400_000)).toBe("reserved");
    expect(await budget.reserve(101, now + 2 * 86_400_000)).toBe("exceeded");
    expect(await budget.firstRefusalToday(now)).toBe(true);
    expect(await budget.firstRefusalToday(now + 1000)).toBe(false);
  });

  it("keeps a deferred event whole in an SQS queue, with its reason", async () => {
    const sqs = new SQSClient({
      region: "us-east-1",
      endpoint: server.endpoint,
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "glacier-restore-moto-deferred" }));
    const event = { id: "e-1", detail: { requestParameters: { key: "raw/ü b.nc" } } };
    await deferEvent(sqs, QueueUrl!, event, "object");
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"], MaxNumberOfMessages: 10 }),
    );
    expect(Messages).toHaveLength(1);
    expect(JSON.parse(Messages![0]!.Body!)).toEqual(event);
    expect(Messages![0]!.MessageAttributes?.deferredBecause?.StringValue).toBe("object");
  });
});
