/**
 * The packaged import function in its own process with the real AWS SDK, against a local stand-in for the
 * FSx JSON API (awsJson1_1: one POST per operation, named by X-Amz-Target).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { extractBundle, runBundle } from "../../../testing/bundle";

let server: Server;
let endpoint = "";
let requests: { target: string; body: Record<string, unknown> }[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => {
      requests.push({ target: String(req.headers["x-amz-target"]), body: JSON.parse(data) });
      res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (requests = []));

const ASSOCIATIONS = [
  { fileSystemId: "fs-0123456789abcdef0", fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/" },
];
const record = (id: string, key: string) => ({
  messageId: id,
  body: JSON.stringify({
    source: "aws.s3",
    "detail-type": "Object Restore Completed",
    detail: { bucket: { name: "fsx4l-store" }, object: { key } },
  }),
});

describe("packaged FSx import function", () => {
  it("sends CreateDataRepositoryTask and reports FSx's refusal as batch item failures", async () => {
    const bundle = extractBundle(path.join(__dirname, "..", "..", "..", "dist", "fsx-import.zip"));
    const env = {
      AWS_ENDPOINT_URL_FSX: endpoint,
      FSX_ASSOCIATIONS: JSON.stringify(ASSOCIATIONS),
      AWS_MAX_ATTEMPTS: "1",
    };
    answer = { status: 200, body: { DataRepositoryTask: { TaskId: "task-0123456789abcdef0", Lifecycle: "PENDING" } } };
    const ok = await runBundle(bundle, [{ Records: [record("m1", "raw/a b.nc")] }], env);
    expect(ok.results[0]).toMatchObject({
      ok: true,
      result: {
        batchItemFailures: [],
        tasks: [{ fileSystemId: "fs-0123456789abcdef0", taskId: "task-0123456789abcdef0" }],
      },
    });
    expect(requests).toEqual([
      {
        target: "AWSSimbaAPIService_v20180301.CreateDataRepositoryTask",
        body: expect.objectContaining({
          Type: "IMPORT_METADATA_FROM_REPOSITORY",
          FileSystemId: "fs-0123456789abcdef0",
          Paths: ["s3://fsx4l-store/raw/a b.nc"],
          Report: { Enabled: false },
        }),
      },
    ]);
    answer = { status: 400, body: { __type: "DataRepositoryTaskExecuting", Message: "a task is executing" } };
    const refused = await runBundle(bundle, [{ Records: [record("m2", "raw/c.nc")] }], env);
    expect(refused.results[0]).toMatchObject({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "m2" }] } });
  });
});
