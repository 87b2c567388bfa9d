/** The FSx import function with a mocked FSx client: batching, partial failures, what it cannot act on. */
import { CreateDataRepositoryTaskCommand, FSxClient } from "@aws-sdk/client-fsx";
import type { SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { associationsFromEnv, createImporter, HandlerConfigError } from "../../../functions/fsx-import";
import type { FsxAssociation } from "../../../core/fsx-import";
import { RecordingLog, RecordingMetrics } from "../../../testing/recorders";

const fsxMock = mockClient(FSxClient);
beforeEach(() => fsxMock.reset());

const FS_A = "fs-0123456789abcdef0";
const FS_B = "fs-0fedcba9876543210";
const ASSOCIATIONS: FsxAssociation[] = [
  { fileSystemId: FS_A, fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/raw/" },
  { fileSystemId: FS_B, fileSystemPath: "/ref/", dataRepositoryPath: "s3://fsx4l-store/reference/" },
];

/** S3's event as EventBridge delivers it to SQS (S3 User Guide, "EventBridge event message structure"). */
function restoreCompleted(key: string, bucket = "fsx4l-store") {
  return {
    version: "0",
    id: "e1",
    "detail-type": "Object Restore Completed",
    source: "aws.s3",
    account: "123456789012",
    time: "2026-03-01T15:00:00Z",
    region: "us-east-1",
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: "0",
      bucket: { name: bucket },
      object: { key, size: 5, etag: "x" },
      "request-id": "r",
      requester: "s3.amazonaws.com",
      "restore-expiry-time": "2026-03-08T00:00:00Z",
      "source-storage-class": "GLACIER",
    },
  };
}

function sqsEvent(bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((b, i) => ({
      messageId: `m${i}`,
      receiptHandle: `h${i}`,
      body: typeof b === "string" ? b : JSON.stringify(b),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
      awsRegion: "us-east-1",
    })),
  };
}

function importer() {
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const run = createImporter({ fsx: new FSxClient({ region: "us-east-1" }), associations: ASSOCIATIONS, log, metrics });
  return { run, log, metrics };
}

describe("associationsFromEnv", () => {
  it("reads the associations", () => {
    expect(associationsFromEnv({ FSX_ASSOCIATIONS: JSON.stringify(ASSOCIATIONS) })).toEqual(ASSOCIATIONS);
  });
  it.each(["", "[]", "{}", JSON.stringify([{ ...ASSOCIATIONS[0], fileSystemPath: "raw" }])])("rejects %j", (v) => {
    expect(() => associationsFromEnv({ FSX_ASSOCIATIONS: v })).toThrow(HandlerConfigError);
  });
});

describe("createImporter", () => {
  it("starts one import task per file system with the objects' S3 paths and no report", async () => {
    fsxMock.on(CreateDataRepositoryTaskCommand).resolves({ DataRepositoryTask: { TaskId: "task-1" } as never });
    const { run, metrics } = importer();
    const result = await run(
      sqsEvent([restoreCompleted("raw/a b.bam"), restoreCompleted("reference/x.fa"), restoreCompleted("raw/c.bam")]),
    );
    expect(result.batchItemFailures).toEqual([]);
    const inputs = fsxMock.commandCalls(CreateDataRepositoryTaskCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        Type: "IMPORT_METADATA_FROM_REPOSITORY",
        FileSystemId: FS_A,
        Paths: ["s3://fsx4l-store/raw/a b.bam", "s3://fsx4l-store/raw/c.bam"],
        Report: { Enabled: false },
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{48}$/),
      },
      {
        Type: "IMPORT_METADATA_FROM_REPOSITORY",
        FileSystemId: FS_B,
        Paths: ["s3://fsx4l-store/reference/x.fa"],
        Report: { Enabled: false },
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{48}$/),
      },
    ]);
    expect(metrics.counts).toEqual(["ImportTaskCreated", "ImportTaskCreated"]);
  });

  it("gives a redelivered batch the same idempotency token, and other messages another", async () => {
    fsxMock.on(CreateDataRepositoryTaskCommand).resolves({});
    const { run } = importer();
    await run(sqsEvent([restoreCompleted("raw/a.bam")]));
    await run(sqsEvent([restoreCompleted("raw/a.bam")]));
    await run(sqsEvent(["x", restoreCompleted("raw/a.bam")]));
    const tokens = fsxMock.commandCalls(CreateDataRepositoryTaskCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it("fails only the items of a file system whose task FSx refused, so SQS retries them", async () => {
    fsxMock.on(CreateDataRepositoryTaskCommand, { FileSystemId: FS_A }).rejects(
      Object.assign(new Error("An existing data repository task is executing"), {
        name: "DataRepositoryTaskExecuting",
      }),
    );
    fsxMock.on(CreateDataRepositoryTaskCommand, { FileSystemId: FS_B }).resolves({});
    const { run, metrics, log } = importer();
    const result = await run(
      sqsEvent([restoreCompleted("raw/a.bam"), restoreCompleted("reference/x.fa"), restoreCompleted("raw/b.bam")]),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m0" }, { itemIdentifier: "m2" }]);
    expect(metrics.counts).toEqual(["ImportTaskFailed/DataRepositoryTaskExecuting", "ImportTaskCreated"]);
    expect(log.lines.find((l) => l.level === "warn")).toMatchObject({
      fields: { fileSystemId: FS_A, code: "DataRepositoryTaskExecuting", paths: 2 },
    });
  });

  it.each(["ServiceLimitExceeded", "ThrottlingException", "InternalServerError"])(
    "retries the batch on %s",
    async (name) => {
      fsxMock.on(CreateDataRepositoryTaskCommand).rejects(Object.assign(new Error(name), { name }));
      const { run } = importer();
      const result = await run(sqsEvent([restoreCompleted("raw/a.bam")]));
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m0" }]);
    },
  );

  it("counts and logs objects outside every association, and sends unreadable messages to the dead-letter queue", async () => {
    const { run, metrics, log } = importer();
    const result = await run(
      sqsEvent([
        restoreCompleted("elsewhere/a.bam"),
        "not json",
        { source: "aws.s3", "detail-type": "Object Created" },
      ]),
    );
    expect(fsxMock.commandCalls(CreateDataRepositoryTaskCommand)).toHaveLength(0);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }, { itemIdentifier: "m2" }]);
    expect(metrics.counts).toEqual([
      "ImportOutsideAssociations",
      "ImportItemUnusable/unreadable-event",
      "ImportItemUnusable/unreadable-event",
    ]);
    expect(log.lines[0]).toMatchObject({ level: "warn", fields: { bucket: "fsx4l-store", key: "elsewhere/a.bam" } });
  });

  it("does not send a path the API cannot take, and says so", async () => {
    const { run, metrics } = importer();
    const result = await run(sqsEvent([restoreCompleted(`raw/${"k".repeat(4100)}`)]));
    expect(fsxMock.commandCalls(CreateDataRepositoryTaskCommand)).toHaveLength(0);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m0" }]);
    expect(metrics.counts).toEqual(["ImportItemUnusable/path"]);
  });
});
