/**
 * Writing a Batch Operations CSV manifest to S3 as its lines are made, with memory bounded by one part:
 * a manifest that fits in one part is one PutObject; a larger one is a multipart upload (S3 User Guide,
 * "Amazon S3 multipart upload limits": parts of 5 MiB to 5 GiB, the last one smaller, at most 10,000
 * parts), aborted if anything fails so no parts are left billed. The ETag S3 answers is what CreateJob's
 * JobManifestLocation names.
 *
 * The object is written with SSE-S3: Batch Operations does not read CSV manifests encrypted with SSE-KMS or
 * SSE-C (S3 User Guide, "Specifying a manifest"), whatever the bucket's default encryption.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";

/** Upload requests made: PutObject, or CreateMultipartUpload, each UploadPart and CompleteMultipartUpload. */
export interface UploadCounters {
  put: number;
}

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** 32 MiB parts: up to 320 GB of manifest (some billions of keys) in 10,000 parts. */
export const MANIFEST_PART_BYTES = 32 * 1024 * 1024;

export interface UploadedManifest {
  readonly etag: string;
  readonly bytes: number;
  readonly lines: number;
  /** 0 when written with one PutObject. */
  readonly parts: number;
}

export class ManifestUpload {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private bytes = 0;
  private lines = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly at: { bucket: string; key: string; expectedOwner: string },
    private readonly counters: UploadCounters,
    private readonly partBytes = MANIFEST_PART_BYTES,
  ) {
    if (partBytes < MIN_PART_BYTES) throw new Error(`parts of ${partBytes} bytes: S3 takes at least ${MIN_PART_BYTES}`);
  }

  /** Adds one line (without its line break); sends a part when a part's worth is buffered. */
  async writeLine(line: string): Promise<void> {
    const bytes = Buffer.from(`${line}\n`, "utf8");
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    this.bytes += bytes.length;
    this.lines += 1;
    if (this.buffered >= this.partBytes) await this.sendPart();
  }

  /** Writes what is left and completes the object; its ETag as S3 answered it. */
  async finish(): Promise<UploadedManifest> {
    const common = this.common();
    if (this.uploadId === undefined) {
      const out = await this.s3.send(new PutObjectCommand({ ...common, Body: this.take(), ContentType: "text/csv" }));
      this.counters.put += 1;
      return this.uploaded(out.ETag, 0);
    }
    if (this.buffered > 0) await this.sendPart();
    const out = await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: common.Bucket,
        Key: common.Key,
        ExpectedBucketOwner: common.ExpectedBucketOwner,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
    this.counters.put += 1;
    return this.uploaded(out.ETag, this.parts.length);
  }

  /** Aborts a multipart upload begun (its parts are billed until then); a single PutObject leaves nothing. */
  async abort(): Promise<void> {
    if (this.uploadId === undefined) return;
    const { Bucket, Key, ExpectedBucketOwner } = this.common();
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket, Key, ExpectedBucketOwner, UploadId: this.uploadId }));
    this.uploadId = undefined;
  }

  private common() {
    return {
      Bucket: this.at.bucket,
      Key: this.at.key,
      // The reports bucket must be the job account's, as CreateJob's report names it.
      ExpectedBucketOwner: this.at.expectedOwner,
      ServerSideEncryption: "AES256" as const,
    };
  }

  private take(): Buffer {
    const body = Buffer.concat(this.chunks);
    this.chunks = [];
    this.buffered = 0;
    return body;
  }

  private async sendPart(): Promise<void> {
    if (this.uploadId === undefined) {
      // One checksum algorithm named for the whole upload, and for each part: CompleteMultipartUpload then
      // names each part's CRC32 (S3 API Reference, CompleteMultipartUpload; "Checking object integrity").
      const out = await this.s3.send(
        new CreateMultipartUploadCommand({ ...this.common(), ContentType: "text/csv", ChecksumAlgorithm: "CRC32" }),
      );
      this.counters.put += 1;
      if (!out.UploadId) throw new Error("CreateMultipartUpload answered without an UploadId");
      this.uploadId = out.UploadId;
    }
    if (this.parts.length === MAX_PARTS)
      throw new Error(`manifest s3://${this.at.bucket}/${this.at.key}: more than ${MAX_PARTS} parts`);
    const PartNumber = this.parts.length + 1;
    const { Bucket, Key, ExpectedBucketOwner } = this.common();
    const out = await this.s3.send(
      new UploadPartCommand({
        Bucket,
        Key,
        ExpectedBucketOwner,
        UploadId: this.uploadId,
        PartNumber,
        ChecksumAlgorithm: "CRC32",
        Body: this.take(),
      }),
    );
    this.counters.put += 1;
    if (!out.ETag) throw new Error(`UploadPart ${PartNumber} answered without an ETag`);
    this.parts.push({
      PartNumber,
      ETag: out.ETag,
      // The part's checksum is named again when the upload completes.
      ...(out.ChecksumCRC32 ? { ChecksumCRC32: out.ChecksumCRC32 } : {}),
    });
  }

  private uploaded(etag: string | undefined, parts: number): UploadedManifest {
    if (!etag) throw new Error(`manifest s3://${this.at.bucket}/${this.at.key}: S3 answered without an ETag`);
    return { etag, bytes: this.bytes, lines: this.lines, parts };
  }
}
