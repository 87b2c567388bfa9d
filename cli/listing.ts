/**
 * How a command lists a location: in listing order with one pipelined stream (`--parallel 1`), or fanned
 * out over its directories by up to N streams (aws/listing.ts listParallel), with a progress line on a
 * terminal that counts parts and objects. Results never depend on N; only the order objects arrive in does.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { listBatches, listParallel, type ListingCounters, type ListingProgress, type Location } from "../aws/listing";
import type { DatasetSummary, ListedObject } from "../core/dataset";
import { progress, type Io } from "./context";

/**
 * The --parallel flag's table entry. Default 1: one pipelined stream makes the fewest requests and keeps
 * the listing order; a split costs a request per directory, worth it only on trees of large directories.
 */
export function parallelFlag(defaultStreams: number) {
  return {
    parallel: {
      type: "int",
      min: 1,
      max: 64,
      default: defaultStreams,
      placeholder: "N",
      help: `list with up to N concurrent ListObjectsV2 streams, split over the location's directories (default ${defaultStreams})`,
    },
  } as const;
}

export interface ListingOptions {
  readonly parallel: number;
  readonly deep: boolean;
  readonly counters: ListingCounters;
  /** Words before the counts on the progress line ("listing s3://b/p"). */
  readonly label: string;
}

/**
 * Every object under the location, a page at a time, with a progress line on a terminal (objects; parts
 * when fanned out).
 */
export async function* listLocation(
  s3: S3Client,
  location: Location,
  options: ListingOptions,
  io: Io,
): AsyncGenerator<ListedObject[]> {
  const bar = progress(io);
  // Formatting numbers is not free: only for a terminal that shows them.
  const show = io.stderr.isTTY === true;
  const count = (n: number) => n.toLocaleString("en-US");
  try {
    if (options.parallel <= 1) {
      let seen = 0;
      for await (const batch of listBatches(s3, location, { deep: options.deep, counters: options.counters })) {
        seen += batch.length;
        if (show) bar.update(`${options.label}: ${count(seen)} objects`);
        yield batch;
      }
      return;
    }
    yield* listParallel(s3, location, {
      parallel: options.parallel,
      deep: options.deep,
      counters: options.counters,
      ...(show
        ? {
            onProgress: (p: ListingProgress) =>
              bar.update(`${options.label}: ${count(p.objects)} objects, ${p.partsDone}/${p.parts} directories listed`),
          }
        : {}),
    });
  } finally {
    bar.done();
  }
}

/** The summary with its storage classes in name order, so its JSON does not depend on listing order. */
export function inClassOrder(summary: DatasetSummary): DatasetSummary {
  const sorted = Object.fromEntries(Object.entries(summary.storageClasses).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { ...summary, storageClasses: sorted };
}

/** Keys in S3's listing order (UTF-8 binary), for output that must not depend on the order they arrived in. */
export function inListingOrder(keys: string[]): string[] {
  return keys
    .map((k) => ({ k, b: Buffer.from(k, "utf8") }))
    .sort((x, y) => Buffer.compare(x.b, y.b))
    .map((x) => x.k);
}
