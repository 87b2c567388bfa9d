/**
 * aws/manifest-upload.ts with the real SDK against moto's S3, which checks multipart semantics (part sizes,
 * part ETags, completion): a small manifest is one PutObject, a large one a multipart upload whose object
 * reads back line for line, and an abort leaves no upload behind.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { MIN_PART_BYTES, ManifestUpload, type UploadCounters } from "../../aws/manifest-upload";
import { layerAvailable } from "../../testing/layers";
import { MotoServer, motoAvailable } from "../../testing/moto";

const available = layerAvailable("moto layer of the manifest upload", motoAvailable);
const moto = new MotoServer();
let s3: S3Client;
const BUCKET = "gr-reports";
const OWNER = "123456789012";

(available ? describe : describe.skip)("ManifestUpload against moto's S3", () => {
  beforeAll(async () => {
    const endpoint = await moto.start();
    s3 = new S3Client({
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }, 30_000);
  afterAll(() => {
    s3?.destroy();
    moto.stop();
  });

  const lines = (n: number) => Array.from({ length: n }, (_, i) => `src,data/run%201/${String(i).padStart(9, "0")}.nc`);
  const read = async (key: string) =>
    (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString()).split("\n");

  it("writes a manifest smaller than a part with one PutObject, SSE-S3, and returns S3's ETag", async () => {
    const counters: UploadCounters = { put: 0 };
    const upload = new ManifestUpload(
      s3,
      { bucket: BUCKET, key: "batch/manifests/small.csv", expectedOwner: OWNER },
      counters,
      MIN_PART_BYTES,
    );
    for (const line of lines(3)) await upload.writeLine(line);
    const done = await upload.finish();
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "batch/manifests/small.csv" }));
    expect({ ...done, put: counters.put }).toEqual({ etag: head.ETag, bytes: done.bytes, lines: 3, parts: 0, put: 1 });
    expect(head.ServerSideEncryption).toBe("AES256");
    expect(await read("batch/manifests/small.csv")).toEqual([...lines(3), ""]);
  });

  it("streams a larger manifest in parts of at least 5 MiB, the last one smaller, and completes it", async () => {
    const counters: UploadCounters = { put: 0 };
    const key = "batch/manifests/large.csv";
    const upload = new ManifestUpload(s3, { bucket: BUCKET, key, expectedOwner: OWNER }, counters, MIN_PART_BYTES);
    const all = lines(400_000); // 30 bytes a line: about 11.4 MiB, so two full parts and a short last one
    for (const line of all) await upload.writeLine(line);
    const done = await upload.finish();
    expect(done.parts).toBe(3);
    // CreateMultipartUpload, three UploadPart, CompleteMultipartUpload.
    expect(counters.put).toBe(5);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect([done.etag, head.ContentLength]).toEqual([head.ETag, done.bytes]);
    expect(done.etag).toMatch(/-3"$/);
    expect(await read(key)).toEqual([...all, ""]);
  }, 60_000);

  it("aborts a multipart upload it began, leaving no parts billed", async () => {
    const key = "batch/manifests/aborted.csv";
    const upload = new ManifestUpload(s3, { bucket: BUCKET, key, expectedOwner: OWNER }, { put: 0 }, MIN_PART_BYTES);
    for (const line of lines(200_000)) await upload.writeLine(line);
    const before = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }));
    expect(before.Uploads?.length).toBe(1);
    await upload.abort();
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }));
    expect(after.Uploads ?? []).toEqual([]);
  }, 60_000);

  it("refuses parts below S3's 5 MiB minimum", () => {
    expect(() => new ManifestUpload(s3, { bucket: BUCKET, key: "k", expectedOwner: OWNER }, { put: 0 }, 1024)).toThrow(
      "parts of 1024 bytes: S3 takes at least 5242880",
    );
  });
});
