/**
 * What a listing says about a dataset: each object's state, and a summary by state and storage class.
 * Pure, so the operator command, and later directory restores in the function, share one rule.
 *
 * ListObjectsV2 with `OptionalObjectAttributes: ["RestoreStatus"]` gives, per object, the storage class,
 * the size and (for an object with a restore) `IsRestoreInProgress` and `RestoreExpiryDate` (S3 API
 * reference: ListObjectsV2, RestoreStatus). It does not give the Intelligent-Tiering access tier: only
 * HeadObject's `x-amz-archive-status` does, so without it such an object's state is "unknown".
 */
import { archiveOf } from "./restore-rules";

export type DatasetState = "readable" | "archived" | "restoring" | "unknown";

/** One object as a listing (and, for Intelligent-Tiering, optionally a HEAD) describes it. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  /** As listed; S3 lists STANDARD objects with "STANDARD". */
  readonly storageClass: string;
  readonly restoreInProgress?: boolean;
  /** When the restored copy expires (a restored copy exists until then). */
  readonly restoreExpiry?: Date;
  /** Intelligent-Tiering only, from HeadObject; undefined: not asked. "" : in a frequent tier. */
  readonly archiveStatus?: string;
}

/** An object's state, and whether it is readable because a restored copy exists. */
export function stateOf(o: ListedObject): { state: DatasetState; restoredCopy: boolean } {
  if (o.restoreInProgress) return { state: "restoring", restoredCopy: false };
  if (o.storageClass === "INTELLIGENT_TIERING" && o.archiveStatus === undefined)
    return { state: "unknown", restoredCopy: false };
  const archive = archiveOf({ storageClass: o.storageClass, archiveStatus: o.archiveStatus || undefined });
  if (!archive) return { state: "readable", restoredCopy: false };
  if (o.restoreExpiry) return { state: "readable", restoredCopy: true };
  return { state: "archived", restoredCopy: false };
}

export interface Tally {
  objects: number;
  bytes: number;
}

export interface DatasetSummary {
  readonly location: { readonly bucket: string; readonly prefix: string };
  objects: number;
  bytes: number;
  /** `restored` is the part of `readable` that is readable because of a restored copy. */
  readonly states: Record<DatasetState, Tally> & { restored: Tally & { earliestExpiry?: string } };
  readonly storageClasses: Record<string, Tally>;
  /** Why objects are "unknown", when some are. */
  unknownReason?: string;
}

export function emptySummary(bucket: string, prefix: string): DatasetSummary {
  const tally = () => ({ objects: 0, bytes: 0 });
  return {
    location: { bucket, prefix },
    objects: 0,
    bytes: 0,
    states: { readable: tally(), archived: tally(), restoring: tally(), unknown: tally(), restored: tally() },
    storageClasses: {},
  };
}

/** Adds one object to a summary (so a listing is summarized as it streams, never held whole). */
export function addToSummary(summary: DatasetSummary, o: ListedObject): void {
  const { state, restoredCopy } = stateOf(o);
  summary.objects += 1;
  summary.bytes += o.size;
  summary.states[state].objects += 1;
  summary.states[state].bytes += o.size;
  if (restoredCopy) {
    const restored = summary.states.restored;
    restored.objects += 1;
    restored.bytes += o.size;
    const expiry = o.restoreExpiry!.toISOString();
    if (!restored.earliestExpiry || expiry < restored.earliestExpiry) restored.earliestExpiry = expiry;
  }
  const cls = (summary.storageClasses[o.storageClass] ??= { objects: 0, bytes: 0 });
  cls.objects += 1;
  cls.bytes += o.size;
  if (state === "unknown")
    summary.unknownReason =
      "Intelligent-Tiering objects: a listing does not show their access tier; --deep asks HeadObject for each of them";
}

/** Every object under the location can be read now (nothing archived, restoring or unknown). */
export function allReadable(summary: DatasetSummary): boolean {
  return summary.objects === summary.states.readable.objects;
}
