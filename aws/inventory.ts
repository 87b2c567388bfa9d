/**
 * Reading an S3 Inventory report from S3: one GetObject for `manifest.json`, then one per data file (a CSV
 * compressed with GZIP, S3 User Guide "Amazon S3 Inventory"), streamed through gunzip and a line splitter so
 * memory stays flat whatever the report's size. Each file is summarized on its own and the summaries merged
 * (core/inventory.ts), which gives the same result in any file order.
 *
 * The manifest's `MD5checksum` of each file is not checked: the User Guide documents `manifest.checksum` as
 * the MD5 of manifest.json, but does not say what a file's `MD5checksum` is computed over.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { StringDecoder } from "node:string_decoder";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { GlacierRestoreError } from "../core/errors";
import {
  addInventoryRow,
  emptyInventorySummary,
  inventoryRow,
  mergeInventorySummaries,
  parseManifest,
  type InventoryManifest,
  type InventoryRow,
  type InventorySummary,
} from "../core/inventory";

/** Requests made, for the report (`requests: { get }`). */
export interface InventoryCounters {
  get: number;
}

/** GETs and checks the manifest at s3://bucket/key. */
export async function readManifest(
  s3: S3Client,
  at: { bucket: string; key: string },
  counters: InventoryCounters,
): Promise<InventoryManifest> {
  const out = await s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
  counters.get += 1;
  const text = (await out.Body?.transformToString("utf8")) ?? "";
  return parseManifest(text, `s3://${at.bucket}/${at.key}`);
}

/** The lines of a byte stream (UTF-8, "\n" or "\r\n"), one at a time; only the current line is held. */
export async function* linesOf(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of chunks) {
    rest += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let start = 0;
    let newline: number;
    while ((newline = rest.indexOf("\n", start)) >= 0) {
      yield rest.slice(start, newline).replace(/\r$/, "");
      start = newline + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest !== "") yield rest.replace(/\r$/, "");
}

/** The rows of one data file, read as they arrive. */
export async function* dataFileRows(
  s3: S3Client,
  manifest: InventoryManifest,
  fileKey: string,
  counters: InventoryCounters,
): AsyncGenerator<InventoryRow> {
  const out = await s3.send(new GetObjectCommand({ Bucket: manifest.destinationBucket, Key: fileKey }));
  counters.get += 1;
  if (!out.Body)
    throw new GlacierRestoreError("external", `inventory s3://${manifest.destinationBucket}/${fileKey}: empty answer`);
  // pipeline destroys every stream on a failure, so an error of the download or of gunzip ends the loop.
  const unzipped = pipeline(out.Body as Readable, createGunzip(), () => undefined);
  let n = 0;
  try {
    for await (const line of linesOf(unzipped)) {
      n++;
      if (line === "") continue;
      yield inventoryRow(line, manifest.columns, `s3://${manifest.destinationBucket}/${fileKey} line ${n}`);
    }
  } catch (err) {
    if (err instanceof GlacierRestoreError || !isGzipError(err)) throw err;
    throw new GlacierRestoreError(
      "external",
      `inventory s3://${manifest.destinationBucket}/${fileKey}: not a GZIP file (${(err as Error).message}); CSV inventory files are GZIP-compressed`,
      { cause: err },
    );
  }
}

const isGzipError = (err: unknown) =>
  typeof (err as { code?: unknown })?.code === "string" && /^Z_/.test((err as { code: string }).code);

/**
 * Summarizes the report at `manifestAt` for `location`, file by file; `onFile` hears of each file read
 * (for a progress line). The inventory must list `location`'s bucket.
 */
export async function summarizeInventory(
  s3: S3Client,
  manifestAt: { bucket: string; key: string },
  location: { bucket: string; prefix: string },
  counters: InventoryCounters,
  onFile: (done: number, total: number, summary: InventorySummary) => void = () => undefined,
): Promise<InventorySummary> {
  const manifest = await readManifestOf(s3, manifestAt, location, counters);
  let summary = emptyInventorySummary(manifest, location);
  for (const [i, file] of manifest.files.entries()) {
    const part = emptyInventorySummary(manifest, location);
    for await (const row of dataFileRows(s3, manifest, file.key, counters)) addInventoryRow(part, row);
    summary = mergeInventorySummaries(summary, part);
    onFile(i + 1, manifest.files.length, summary);
  }
  return summary;
}

/** GETs the manifest at `manifestAt` and checks that the report lists `location`'s bucket. */
export async function readManifestOf(
  s3: S3Client,
  manifestAt: { bucket: string; key: string },
  location: { bucket: string },
  counters: InventoryCounters,
): Promise<InventoryManifest> {
  const manifest = await readManifest(s3, manifestAt, counters);
  if (manifest.sourceBucket !== location.bucket)
    throw new GlacierRestoreError(
      "usage",
      `--inventory s3://${manifestAt.bucket}/${manifestAt.key}: the report lists bucket ${manifest.sourceBucket}, not ${location.bucket}; give the manifest of an inventory of ${location.bucket}`,
    );
  return manifest;
}

/** Every row of a report, data file after data file in the manifest's order; `onFile` hears of each file read. */
export async function* inventoryRows(
  s3: S3Client,
  manifest: InventoryManifest,
  counters: InventoryCounters,
  onFile: (done: number, total: number) => void = () => undefined,
): AsyncGenerator<InventoryRow> {
  for (const [i, file] of manifest.files.entries()) {
    yield* dataFileRows(s3, manifest, file.key, counters);
    onFile(i + 1, manifest.files.length);
  }
}
