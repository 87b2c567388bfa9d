/**
 * Listing a dataset: ListObjectsV2 with `OptionalObjectAttributes: ["RestoreStatus"]`, one request per
 * 1,000 keys, streamed page by page so memory stays flat however many objects there are. With `deep`,
 * each Intelligent-Tiering object (and only those) gets one HeadObject for its access tier.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { ListedObject } from "../core/dataset";
import { restoreStateOf } from "../core/restore-rules";

export interface ListingCounters {
  list: number;
  head: number;
}

export async function* listDataset(
  s3: S3Client,
  location: { bucket: string; prefix: string },
  options: {
    deep?: boolean;
    counters?: ListingCounters;
    /** "/" lists only the direct children of the prefix (a directory), not every key under it. */
    delimiter?: string;
  } = {},
): AsyncGenerator<ListedObject> {
  const counters = options.counters ?? { list: 0, head: 0 };
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        Prefix: location.prefix || undefined,
        ContinuationToken: token,
        ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
        OptionalObjectAttributes: ["RestoreStatus"],
      }),
    );
    counters.list += 1;
    for (const c of page.Contents ?? []) {
      if (c.Key === undefined) continue;
      const listed: ListedObject = {
        key: c.Key,
        size: c.Size ?? 0,
        storageClass: c.StorageClass ?? "STANDARD",
        ...(c.RestoreStatus?.IsRestoreInProgress ? { restoreInProgress: true } : {}),
        ...(c.RestoreStatus?.RestoreExpiryDate ? { restoreExpiry: c.RestoreStatus.RestoreExpiryDate } : {}),
      };
      if (options.deep && listed.storageClass === "INTELLIGENT_TIERING") {
        const head = await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: c.Key }));
        counters.head += 1;
        yield {
          ...listed,
          archiveStatus: head.ArchiveStatus ?? "",
          ...(restoreStateOf(head.Restore) === "ongoing" ? { restoreInProgress: true } : {}),
        };
      } else yield listed;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
