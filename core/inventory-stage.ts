/**
 * `stage --batch --inventory`: what an S3 Inventory report says a location needs restored, per Batch
 * Operations family, and which rows go into each family's CSV manifest. Pure (no SDK).
 *
 * Why a manifest of our own rather than the report itself (S3 User Guide, "Specifying a manifest" allows a
 * report's manifest.json, format S3InventoryReport_CSV_20161130): a report lists every object of every
 * storage class and prefix it covers, and a restore task on an object that is not archived fails; S3 fails
 * a job once more than 50 % of the tasks run so far have failed, from 1,000 tasks on ("Tracking job
 * failure"). So each family gets a CSV manifest of only its archived objects under the location.
 */
import { emptyTally, familyOf, JOB_FAILURE_MIN_TASKS, type BatchFamily, type FamilyTally } from "./batch-jobs";
import {
  addInventoryRow,
  archiveOfRow,
  emptyInventorySummary,
  needsRestore,
  type InventoryManifest,
  type InventoryRow,
  type InventorySummary,
} from "./inventory";
import type { Archive } from "./restore-rules";

/** One manifest line to be: the family whose job restores the row's object, and its archive. */
export interface InventoryTask {
  readonly family: BatchFamily;
  readonly archive: Archive;
}

/**
 * The task a row becomes, or undefined: only current, archived objects of the location (`needsRestore`).
 * Intelligent-Tiering objects whose access tier the report does not give are left out: their tasks would
 * fail if they are not archived (status --deep or stage --direct asks HeadObject for them).
 */
export function inventoryTaskOf(
  row: InventoryRow,
  location: { bucket: string; prefix: string },
): InventoryTask | undefined {
  if (row.bucket !== location.bucket || !row.key.startsWith(location.prefix) || !needsRestore(row)) return undefined;
  const family = familyOf(row.storageClass);
  const archive = archiveOfRow(row);
  return family && archive ? { family, archive } : undefined;
}

/** What one pass over a report counted for `stage`. */
export interface InventoryStageTally {
  /** The same figures `status --inventory` gives (states, classes, skipped rows, unknown reasons). */
  readonly summary: InventorySummary;
  /** Per family: its manifest's rows (tasks), per archive. No failure is known in advance: see `cannotTell`. */
  readonly families: Partial<Record<BatchFamily, FamilyTally>>;
  /** Manifest rows that carry a version ID, per family (the manifest gives them for all rows or none). */
  readonly versioned: Partial<Record<BatchFamily, number>>;
}

export function emptyInventoryStageTally(
  manifest: Pick<InventoryManifest, "asOf" | "columns">,
  location: { bucket: string; prefix: string },
): InventoryStageTally {
  return { summary: emptyInventorySummary(manifest, location), families: {}, versioned: {} };
}

/** Adds one row of the report (rows are read as they stream, file after file). */
export function addInventoryStageRow(t: InventoryStageTally, row: InventoryRow): void {
  addInventoryRow(t.summary, row);
  const task = inventoryTaskOf(row, t.summary.location);
  if (!task) return;
  const f = (t.families[task.family] ??= emptyTally());
  f.tasks += 1;
  if (!f.storageClasses.includes(row.storageClass)) f.storageClasses = [...f.storageClasses, row.storageClass].sort();
  const c = (f.toRestore[task.archive] ??= { objects: 0, bytes: 0 });
  c.objects += 1;
  c.bytes += row.size ?? 0;
  if (row.versionId) t.versioned[task.family] = (t.versioned[task.family] ?? 0) + 1;
}

/**
 * Whether a family's manifest gives version IDs: when any of its rows has one. A versioned bucket's objects
 * should be named by version, or a version written while the job runs is restored instead (S3 User Guide,
 * "Specifying a manifest"); rows without one (stored before versioning) are then written "null".
 */
export function manifestVersioned(t: InventoryStageTally, family: BatchFamily): boolean {
  return (t.versioned[family] ?? 0) > 0;
}

/**
 * The failure risk a report cannot measure. It holds no restore status, so a task may meet a restore still
 * running (from an earlier stage, or a reader's restore): such a task fails, unless the job asks for the
 * same days and a faster tier (S3 User Guide, "Restore objects with Batch Operations", overlapping
 * restores); a restored copy's task succeeds and moves its expiry. From 1,000 tasks on, S3 fails the job
 * once more than 50 % of the tasks run so far have failed ("Tracking job failure").
 */
export function inventoryRestoreRisk(tasks: number, asOf: string): string | undefined {
  if (tasks < JOB_FAILURE_MIN_TASKS) return undefined;
  return `the inventory of ${asOf} shows no restore status: a task fails on an object whose restore is still running, and S3 fails a job once more than 50 % of the tasks run so far have failed, from 1,000 tasks on; if these objects were staged or restored since (within the last 48 hours), check with glacier-restore status (a listing) before creating the job`;
}
