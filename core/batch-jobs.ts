/**
 * S3 Batch Operations restore jobs for a dataset: which jobs a prefix needs, what each will do, and the
 * exact CreateJob request. Pure (no SDK): the operator command sends what this builds, the tests read it.
 *
 * Rules, from AWS's documentation:
 * - `S3InitiateRestoreObjectOperation` (S3 API reference): `GlacierJobTier` is STANDARD or BULK only (no
 *   Expedited); `ExpirationInDays` ≥ 1 is required for Glacier Flexible Retrieval / Deep Archive objects and
 *   must be absent for Intelligent-Tiering archive tiers; one job cannot hold both kinds.
 * - S3 User Guide, "Restore objects with Batch Operations", "Overlapping restores": a task on an object whose
 *   restore is still running fails unless this job asks for the same days and a faster tier; a task on an
 *   already restored copy succeeds and moves its expiry.
 * - `S3JobManifestGenerator` / `JobManifestGeneratorFilter` (S3 API reference): the job lists the bucket
 *   itself, keeping keys with any of `KeyNameConstraint.MatchAnyPrefix` and a storage class in
 *   `MatchAnyStorageClass`. It cannot see an object's restore state or Intelligent-Tiering access tier, so
 *   every matching object becomes a task.
 * - S3 User Guide, "Tracking job status and completion reports", "Tracking job failure": when a job has
 *   run at least 1,000 tasks, S3 monitors its failure rate (failed tasks over tasks run so far) and fails
 *   the job at any point where it exceeds 50 %. The same page says tasks don't necessarily run in the order
 *   of the manifest.
 * - `CreateJob` (S3 API reference): `ClientRequestToken` 1-64 characters; `Description` at most 256;
 *   `ExpectedBucketOwner` of `S3JobManifestGenerator` and `JobReport`, `ExpectedManifestBucketOwner` of
 *   `S3ManifestOutputLocation`: the 12-digit account that owns the bucket (S3JobManifestGenerator: "else
 *   the job fails").
 */
import { createHash } from "node:crypto";
import { stateOf, type ListedObject } from "./dataset";
import { parseS3Url, type S3Location } from "./location";
import { bucketArn, partitionOf } from "./partition";
import { archiveOf, restoreDaysFor, type Archive, type Tier } from "./restore-rules";

/** The two kinds of job S3 allows: one per family, never mixed. */
export const BATCH_FAMILIES = ["glacier", "intelligent-tiering"] as const;
export type BatchFamily = (typeof BATCH_FAMILIES)[number];

/** Storage classes whose objects belong to each family (as listed and as the generator filter names them). */
export const FAMILY_STORAGE_CLASSES: Record<
  BatchFamily,
  readonly ("GLACIER" | "DEEP_ARCHIVE" | "INTELLIGENT_TIERING")[]
> = {
  glacier: ["GLACIER", "DEEP_ARCHIVE"],
  "intelligent-tiering": ["INTELLIGENT_TIERING"],
};

/** Tiers Batch Operations accepts. */
export const BATCH_TIERS = ["Standard", "Bulk"] as const;

/** Above this many objects to restore, `stage` prefers one Batch Operations job per family. */
export const BATCH_THRESHOLD_OBJECTS = 10_000;

/** Where in the stack's reports bucket jobs write (the batch role may write nowhere else). */
export const BATCH_REPORTS_PREFIX = "batch/";

/** After this many tasks S3 judges a job by its failure rate (Tracking job failure). */
export const JOB_FAILURE_MIN_TASKS = 1_000;
export const JOB_FAILURE_RATE = 0.5;

export function familyOf(storageClass: string): BatchFamily | undefined {
  if (storageClass === "GLACIER" || storageClass === "DEEP_ARCHIVE") return "glacier";
  if (storageClass === "INTELLIGENT_TIERING") return "intelligent-tiering";
  return undefined;
}

/** What one family's job would meet, counted from a listing (summarized as it streams). */
export interface FamilyTally {
  /** Objects the generated manifest holds: every object of the family's storage classes under the prefix. */
  tasks: number;
  /** Objects that need a restore, per archive (known only where the listing or a HEAD told the tier). */
  toRestore: Partial<Record<Archive, { objects: number; bytes: number }>>;
  /** Tasks that will fail harmlessly: a restore already running, or (Intelligent-Tiering) not archived. */
  expectedFailures: number;
  /** Intelligent-Tiering objects whose access tier the listing did not show: their tasks may fail. */
  unknownTier: number;
  /** Storage classes present, for the generator filter (sorted, so the request is stable). */
  storageClasses: string[];
  /** The first n ≥ 1,000 tasks, in listing order, with the highest share expected to fail. */
  worstWindow?: TaskWindow;
  /** The same, counting the tasks of unknown tier as failing. */
  worstWindowIfUnknownFail?: TaskWindow;
}

/** The first `tasks` tasks of a job, of which `failures` are expected to fail. */
export interface TaskWindow {
  readonly tasks: number;
  readonly failures: number;
}

export function emptyTally(): FamilyTally {
  return { tasks: 0, toRestore: {}, expectedFailures: 0, unknownTier: 0, storageClasses: [] };
}

/** The window with the higher failure share of `w` and the first `tasks` tasks (none below 1,000 tasks). */
function worseWindow(w: TaskWindow | undefined, tasks: number, failures: number): TaskWindow | undefined {
  if (tasks < JOB_FAILURE_MIN_TASKS) return w;
  if (w && failures * w.tasks <= w.failures * tasks) return w;
  return { tasks, failures };
}

/**
 * Adds one listed object to the tallies of the family it belongs to (if any). With `ordered`, objects come
 * in listing order and the windows of `failureRisk` are prefixes of that order; without (a listing fanned
 * out over directories), no window is kept and `failureRisk` judges the totals, as for any task order.
 */
export function addToFamilies(
  tallies: Partial<Record<BatchFamily, FamilyTally>>,
  o: ListedObject,
  ordered = true,
): void {
  const family = familyOf(o.storageClass);
  if (!family) return;
  const t = (tallies[family] ??= emptyTally());
  t.tasks += 1;
  if (!t.storageClasses.includes(o.storageClass)) t.storageClasses = [...t.storageClasses, o.storageClass].sort();
  const { state } = stateOf(o);
  if (state === "unknown") t.unknownTier += 1;
  else if (state === "restoring") t.expectedFailures += 1;
  else if (state === "readable" && family === "intelligent-tiering") t.expectedFailures += 1;
  else if (state === "archived") {
    const archive = archiveOf({ storageClass: o.storageClass, archiveStatus: o.archiveStatus || undefined })!;
    const c = (t.toRestore[archive] ??= { objects: 0, bytes: 0 });
    c.objects += 1;
    c.bytes += o.size;
  }
  // A Glacier object with a restored copy: its task succeeds and moves the copy's expiry.
  if (!ordered) return;
  t.worstWindow = worseWindow(t.worstWindow, t.tasks, t.expectedFailures);
  t.worstWindowIfUnknownFail = worseWindow(t.worstWindowIfUnknownFail, t.tasks, t.expectedFailures + t.unknownTier);
}

const tripsThreshold = (w: TaskWindow | undefined): w is TaskWindow =>
  w !== undefined && w.failures / w.tasks > JOB_FAILURE_RATE;

/**
 * Whether S3 may fail the whole job for its failure rate, and why (undefined: it should not). S3 judges the
 * tasks run so far, at any point after 1,000, so a job whose failures come first can fail though most of
 * its tasks would succeed: the warning comes from the worst prefix of the listing order (the whole job is
 * one). Assumption: tasks run roughly in listing order. The generated manifest's order is not documented,
 * and AWS says tasks don't necessarily run in manifest order; only a job expected to fail in at most 500
 * tasks is safe in any order.
 */
export function failureRisk(t: FamilyTally): string | undefined {
  const ofTasks = (x: TaskWindow) =>
    x.tasks === t.tasks ? `of its ${t.tasks} tasks` : `of the first ${x.tasks} tasks in listing order`;
  const w = t.worstWindow;
  if (tripsThreshold(w))
    return `${w.failures} ${ofTasks(w)} will fail (restore already running, or Intelligent-Tiering objects not archived): S3 fails a job once more than 50 % of the tasks run so far have failed, from 1,000 tasks on; restore these with --direct`;
  const u = t.worstWindowIfUnknownFail;
  if (tripsThreshold(u))
    return `${t.unknownTier} Intelligent-Tiering objects have an access tier the listing does not show; if they are not archived, ${u.failures} ${ofTasks(u)} fail and S3 fails the job (over 50 % of the tasks run so far, from 1,000 tasks on): --deep counts them first`;
  // In any order: the failures could all run first, and more than 500 of the first 1,000 trips the rule.
  const orderProofLimit = JOB_FAILURE_MIN_TASKS * JOB_FAILURE_RATE;
  if (t.tasks >= JOB_FAILURE_MIN_TASKS && t.expectedFailures > orderProofLimit)
    return `${t.expectedFailures} of its ${t.tasks} tasks will fail (restore already running, or Intelligent-Tiering objects not archived); S3 runs tasks in no guaranteed order and fails a job once more than 50 % of the tasks run so far have failed, from 1,000 tasks on, so the job may fail if they run early; restore these with --direct, or stage again once they are restored`;
  // The same for the objects of unknown tier, in any task order (listed in order or not).
  if (t.tasks >= JOB_FAILURE_MIN_TASKS && t.expectedFailures + t.unknownTier > orderProofLimit)
    return `${t.unknownTier} Intelligent-Tiering objects have an access tier the listing does not show; if they are not archived, ${t.expectedFailures + t.unknownTier} of its ${t.tasks} tasks fail, and S3 runs tasks in no guaranteed order and fails a job once more than 50 % of the tasks run so far have failed, from 1,000 tasks on: --deep counts them first`;
  return undefined;
}

/** Where the stack lets Batch Operations write manifests and completion reports. */
export interface ReportsLocation {
  readonly bucket: string;
  /** Ends with "/" (or is empty). */
  readonly prefix: string;
}

export interface RestoreJobInput {
  readonly accountId: string;
  readonly region: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly family: BatchFamily;
  readonly storageClasses: readonly string[];
  readonly tier: Tier;
  readonly days: number;
  readonly roleArn: string;
  readonly reports: ReportsLocation;
  /** Same dataset, family, tier and days on the same UTC day → the same token: a rerun makes no second job. */
  readonly token: string;
}

/** The CreateJob request, in the S3 Control API's field names (what the SDK's CreateJobCommand takes). */
export interface CreateRestoreJobRequest {
  AccountId: string;
  ConfirmationRequired: false;
  Operation: { S3InitiateRestoreObject: { GlacierJobTier: "STANDARD" | "BULK"; ExpirationInDays?: number } };
  Report: {
    Enabled: true;
    Bucket: string;
    /** The account that owns the reports bucket (JobReport). */
    ExpectedBucketOwner: string;
    Prefix: string;
    Format: "Report_CSV_20180820";
    ReportScope: "AllTasks";
  };
  ManifestGenerator: {
    S3JobManifestGenerator: {
      /** The account that owns the generator's bucket; another owner fails the job (S3JobManifestGenerator). */
      ExpectedBucketOwner: string;
      SourceBucket: string;
      EnableManifestOutput: true;
      ManifestOutputLocation: {
        /** The account that owns the bucket the manifest is written to (S3ManifestOutputLocation). */
        ExpectedManifestBucketOwner: string;
        Bucket: string;
        ManifestPrefix: string;
        ManifestFormat: "S3InventoryReport_CSV_20211130";
        ManifestEncryption: { SSES3: Record<string, never> };
      };
      Filter: {
        KeyNameConstraint?: { MatchAnyPrefix: string[] };
        MatchAnyStorageClass: ("GLACIER" | "DEEP_ARCHIVE" | "INTELLIGENT_TIERING")[];
      };
    };
  };
  ClientRequestToken: string;
  Description: string;
  Priority: number;
  RoleArn: string;
}

export const JOB_DESCRIPTION_MAX_CHARS = 256;

/** A token for CreateJob's idempotency: at most 64 characters, derived from what the job does and the UTC day. */
export function jobToken(parts: {
  bucket: string;
  prefix: string;
  family: BatchFamily;
  tier: Tier;
  days: number;
  day: string;
  /** What the job's objects come from when not a generated manifest (an inventory report's URL). */
  source?: string;
}): string {
  const what = [parts.bucket, parts.prefix, parts.family, parts.tier, parts.days, parts.day];
  return createHash("sha256")
    .update(JSON.stringify(parts.source === undefined ? what : [...what, parts.source]))
    .digest("hex");
}

/** The account of an IAM role ARN (`arn:<partition>:iam::<account>:role/<name>`), or undefined. */
export function accountOfRoleArn(roleArn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/.exec(roleArn)?.[1];
}

/** What every restore job request holds, whatever its manifest: operation, report, token, role. */
type RestoreJobCommon = Omit<CreateRestoreJobRequest, "ManifestGenerator">;

function restoreJobCommon(input: Omit<RestoreJobInput, "storageClasses">): RestoreJobCommon {
  if (!(BATCH_TIERS as readonly string[]).includes(input.tier))
    throw new Error(`Batch Operations restores with Standard or Bulk only, not ${input.tier}`);
  const reportsArn = bucketArn(partitionOf(input.region), input.reports.bucket);
  // Glacier jobs need ExpirationInDays; Intelligent-Tiering jobs must not send it (the rule of restoreDaysFor).
  const days = restoreDaysFor(input.family === "glacier" ? "GLACIER" : "INTELLIGENT_TIERING_ARCHIVE", input.days);
  const description = `glacier-restore stage s3://${input.bucket}/${input.prefix} (${input.family}, ${input.tier}${days !== undefined ? `, ${days} days` : ""})`;
  return {
    AccountId: input.accountId,
    ConfirmationRequired: false,
    Operation: {
      S3InitiateRestoreObject: {
        GlacierJobTier: input.tier === "Bulk" ? "BULK" : "STANDARD",
        ...(days !== undefined ? { ExpirationInDays: days } : {}),
      },
    },
    // Every bucket the job reads or writes is this account's: the Expected*Owner fields keep the job from
    // using a bucket of the same name that another account owns.
    Report: {
      Enabled: true,
      Bucket: reportsArn,
      ExpectedBucketOwner: input.accountId,
      Prefix: `${input.reports.prefix}reports`,
      Format: "Report_CSV_20180820",
      ReportScope: "AllTasks",
    },
    ClientRequestToken: input.token,
    Description:
      description.length <= JOB_DESCRIPTION_MAX_CHARS
        ? description
        : `${description.slice(0, JOB_DESCRIPTION_MAX_CHARS - 1)}…`,
    Priority: 10,
    RoleArn: input.roleArn,
  };
}

export function restoreJobRequest(input: RestoreJobInput): CreateRestoreJobRequest {
  const common = restoreJobCommon(input);
  const classes = FAMILY_STORAGE_CLASSES[input.family].filter((c) => input.storageClasses.includes(c));
  // An empty filter would let the generated manifest hold every storage class of the prefix.
  if (classes.length === 0) throw new Error(`a ${input.family} job needs at least one of its storage classes`);
  const partition = partitionOf(input.region);
  const reportsArn = bucketArn(partition, input.reports.bucket);
  const { ClientRequestToken, Description, Priority, RoleArn, ...head } = common;
  return {
    ...head,
    ManifestGenerator: {
      S3JobManifestGenerator: {
        ExpectedBucketOwner: input.accountId,
        SourceBucket: bucketArn(partition, input.bucket),
        EnableManifestOutput: true,
        ManifestOutputLocation: {
          ExpectedManifestBucketOwner: input.accountId,
          Bucket: reportsArn,
          ManifestPrefix: `${input.reports.prefix}manifests`,
          ManifestFormat: "S3InventoryReport_CSV_20211130",
          ManifestEncryption: { SSES3: {} },
        },
        Filter: {
          ...(input.prefix ? { KeyNameConstraint: { MatchAnyPrefix: [input.prefix] } } : {}),
          MatchAnyStorageClass: classes,
        },
      },
    },
    ClientRequestToken,
    Description,
    Priority,
    RoleArn,
  };
}

/**
 * A CSV manifest this command wrote (S3 User Guide, "Specifying a manifest"; S3 API reference, JobManifest,
 * JobManifestSpec, JobManifestLocation): format S3BatchOperations_CSV_20180820, columns Bucket,Key and
 * VersionId when the manifest gives version IDs (for all objects or for none), and the ETag S3 answered
 * when it was written, which the job checks.
 */
export interface JobManifest {
  Spec: { Format: "S3BatchOperations_CSV_20180820"; Fields: ("Bucket" | "Key" | "VersionId")[] };
  Location: { ObjectArn: string; ETag: string };
}

/** CreateJob with a manifest written beforehand (from an inventory report) instead of a generated one. */
export type CreateManifestRestoreJobRequest = RestoreJobCommon & { Manifest: JobManifest };

/** Either kind of restore job request, as CreateJob takes it. */
export type AnyRestoreJobRequest = CreateRestoreJobRequest | CreateManifestRestoreJobRequest;

/** Where this job's manifest goes: beside the generated ones, one object per job and family. */
export function manifestKey(reports: ReportsLocation, token: string, family: BatchFamily): string {
  return `${reports.prefix}manifests/${token}-${family}.csv`;
}

/** The columns of a manifest that gives version IDs, or not (S3 User Guide, "Specifying a manifest"). */
export function manifestFields(versioned: boolean): JobManifest["Spec"]["Fields"] {
  return versioned ? ["Bucket", "Key", "VersionId"] : ["Bucket", "Key"];
}

export function manifestRestoreJobRequest(
  input: Omit<RestoreJobInput, "storageClasses">,
  manifest: { key: string; etag: string; versioned: boolean },
): CreateManifestRestoreJobRequest {
  // The User Guide's CreateJob example gives the ETag without the quotes S3 writes around it in headers.
  const etag = manifest.etag.replace(/^"(.*)"$/, "$1");
  if (etag === "") throw new Error("a manifest's ETag is required (JobManifestLocation)");
  const objectArn = `${bucketArn(partitionOf(input.region), input.reports.bucket)}/${manifest.key}`;
  return {
    ...restoreJobCommon(input),
    Manifest: {
      Spec: { Format: "S3BatchOperations_CSV_20180820", Fields: manifestFields(manifest.versioned) },
      Location: { ObjectArn: objectArn, ETag: etag },
    },
  };
}

/** `s3://bucket/prefix/` of a reports location (as the stack's output writes it) parsed; undefined if malformed. */
export function parseReportsLocation(text: string): ReportsLocation | undefined {
  let location: S3Location;
  try {
    location = parseS3Url(text);
  } catch {
    return undefined;
  }
  // A location names a folder of the bucket: "s3://bucket" alone is not one.
  if (!text.startsWith(`s3://${location.bucket}/`)) return undefined;
  const prefix = location.prefix;
  return { bucket: location.bucket, prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` };
}
