/**
 * FSx for Lustre: where an S3 object appears on a file system, and the import tasks that make a file
 * appear whose import once failed. Pure (no SDK): the configuration checks, the stacks, the import
 * function and `glacier-restore wait --print-paths` share it.
 *
 * Why an import at all: FSx writes the unsupported-tier warning when it fails to *import* an object (FSx
 * for Lustre User Guide, "Data repository event logs"), so the file never enters the file system's
 * namespace; a restore is no new or changed object, so automatic import does not bring it either. An
 * `IMPORT_METADATA_FROM_REPOSITORY` data repository task does (User Guide, "Importing changes from your
 * data repository"; API Reference, CreateDataRepositoryTask).
 *
 * What the API documents (API Reference, CreateDataRepositoryTask; the FSx service model's shapes
 * DataRepositoryTaskPaths / DataRepositoryTaskPath):
 * - `Type`, `FileSystemId` (`fs-…`) and `Report` are required; `Report.Enabled: false` asks for no
 *   completion report (CompletionReport: Path, Format and Scope are required only when Enabled is true).
 * - `Paths`: at most 100, each at most 4,096 characters without NUL, CR, LF, U+0085, U+2028, U+2029.
 *   For import tasks they are "paths in the Amazon S3 bucket … in the format s3://bucket-name/prefix" —
 *   S3 URLs, not file system paths (those are for export and release tasks). An invalid path fails the task.
 * - `ClientRequestToken`: up to 63 characters of `[A-Za-z0-9_.-]`, an idempotency token.
 */

import { NAME_LIMITS, NAME_PREFIX, physicalName } from "./names";

/** One data repository association of a file system, as FSx describes it (CreateDataRepositoryAssociation). */
export interface FsxAssociation {
  /** `fs-…`: data repository tasks are FSx for Lustre file system operations. */
  readonly fileSystemId: string;
  /** Absolute directory on the file system, `/` or `/ns1/`. */
  readonly fileSystemPath: string;
  /** `s3://bucket/` or `s3://bucket/prefix/`. */
  readonly dataRepositoryPath: string;
}

/** CreateDataRepositoryTask: at most this many `Paths` per task. */
export const TASK_PATHS_MAX = 100;
/** CreateDataRepositoryTask: at most this many characters per path. */
export const TASK_PATH_MAX_CHARS = 4096;
/** Characters the service model's DataRepositoryTaskPath pattern excludes. */
const FORBIDDEN_IN_PATH = ["\u0000", "\u0085", "\u2028", "\u2029", "\r", "\n"];

export const FILE_SYSTEM_ID_PATTERN = /^fs-[0-9a-f]{8,17}$/;
const DATA_REPOSITORY_PATH = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;

/** Bucket and key prefix of `s3://bucket/prefix/` (prefix "" for the whole bucket); undefined if malformed. */
export function repositoryLocation(dataRepositoryPath: string): { bucket: string; prefix: string } | undefined {
  const m = DATA_REPOSITORY_PATH.exec(dataRepositoryPath);
  if (!m) return undefined;
  const prefix = m[2]!;
  if (prefix !== "" && !prefix.endsWith("/")) return undefined;
  return { bucket: m[1]!, prefix };
}

/** Why an association's fields are unusable, or undefined when they are fine. */
export function associationProblem(a: FsxAssociation): string | undefined {
  if (!FILE_SYSTEM_ID_PATTERN.test(a.fileSystemId))
    return `fileSystemId ${JSON.stringify(a.fileSystemId)} must be an FSx for Lustre file system ID (fs-…): data repository tasks run on file systems, not caches`;
  if (!/^\/(?:[^/\0]+\/)*(?:[^/\0]+)?$/.test(a.fileSystemPath))
    return `fileSystemPath ${JSON.stringify(a.fileSystemPath)} must be an absolute directory on the file system, such as / or /ns1/`;
  if (!repositoryLocation(a.dataRepositoryPath))
    return `dataRepositoryPath ${JSON.stringify(a.dataRepositoryPath)} must be s3://<bucket>/ or s3://<bucket>/<prefix>/ (ending in /)`;
  return undefined;
}

/** The file system directory with exactly one trailing "/". */
function directoryOf(fileSystemPath: string): string {
  return `${fileSystemPath.replace(/\/+$/, "")}/`;
}

/** Where one object is on FSx: which file system, the file's path there, and the path an import task takes. */
export interface FsxPlacement {
  readonly fileSystemId: string;
  /** Absolute path of the file on the file system (`/ns1/run-1/a.bam`); prefix it with the mount point. */
  readonly filePath: string;
  /** What an IMPORT_METADATA_FROM_REPOSITORY task's `Paths` takes for this object: its S3 URL. */
  readonly importPath: string;
}

/**
 * The association holding an object: same bucket, the longest data repository prefix the key starts with
 * (FSx forbids overlapping associations on one file system, but several file systems may link the same
 * bucket: then the first one listed with that longest prefix).
 */
export function placementOf(
  bucket: string,
  key: string,
  associations: readonly FsxAssociation[],
): FsxPlacement | undefined {
  let best: { a: FsxAssociation; prefix: string } | undefined;
  for (const a of associations) {
    const loc = repositoryLocation(a.dataRepositoryPath);
    if (!loc || loc.bucket !== bucket || !key.startsWith(loc.prefix)) continue;
    if (!best || loc.prefix.length > best.prefix.length) best = { a, prefix: loc.prefix };
  }
  if (!best) return undefined;
  return {
    fileSystemId: best.a.fileSystemId,
    filePath: `${directoryOf(best.a.fileSystemPath)}${key.slice(best.prefix.length)}`,
    importPath: `s3://${bucket}/${key}`,
  };
}

/** Why an import path cannot be sent (CreateDataRepositoryTask's path constraints), or undefined. */
export function importPathProblem(path: string): string | undefined {
  if (path.length > TASK_PATH_MAX_CHARS) return `longer than ${TASK_PATH_MAX_CHARS} characters`;
  if (FORBIDDEN_IN_PATH.some((c) => path.includes(c))) return "holds a line break or NUL, which a task path may not";
  return undefined;
}

/** One CreateDataRepositoryTask request's worth of work: a file system and at most 100 paths. */
export interface ImportBatch<T> {
  readonly fileSystemId: string;
  readonly paths: readonly string[];
  /** The items (queue messages) whose objects these paths are; several items may share a path. */
  readonly items: readonly T[];
}

/**
 * Groups placed items by file system and cuts each group into batches of at most `TASK_PATHS_MAX` distinct
 * paths, in arrival order; an item whose path repeats joins the batch that already holds the path.
 */
export function importBatches<T>(
  placed: readonly { readonly item: T; readonly placement: FsxPlacement }[],
  maxPaths = TASK_PATHS_MAX,
): ImportBatch<T>[] {
  const batches: { fileSystemId: string; paths: string[]; items: T[] }[] = [];
  const open = new Map<string, (typeof batches)[number]>();
  for (const { item, placement } of placed) {
    const fs = placement.fileSystemId;
    const holding = batches.find((b) => b.fileSystemId === fs && b.paths.includes(placement.importPath));
    if (holding) {
      holding.items.push(item);
      continue;
    }
    let batch = open.get(fs);
    if (!batch || batch.paths.length >= maxPaths) {
      batch = { fileSystemId: fs, paths: [], items: [] };
      batches.push(batch);
      open.set(fs, batch);
    }
    batch.paths.push(placement.importPath);
    batch.items.push(item);
  }
  return batches;
}

/**
 * An idempotency token for one batch (ClientRequestToken: ≤ 63 of `[A-Za-z0-9_.-]`): built from the
 * items' identities (queue message IDs, stable across redeliveries), so a retried batch does not start a
 * second task, while the same file restored again later (a new event, a new message) does.
 */
export function batchTokenSource(fileSystemId: string, itemIds: readonly string[]): string {
  return [fileSystemId, ...[...itemIds].sort()].join("\n");
}

/** The object a "Object Restore Completed" event names, or why the event is not one. */
export function restoredObjectOf(event: unknown): { bucket: string; key: string } | { unreadable: string } {
  const e = event as {
    source?: unknown;
    "detail-type"?: unknown;
    detail?: { bucket?: { name?: unknown }; object?: { key?: unknown } };
  } | null;
  if (!e || typeof e !== "object") return { unreadable: "not a JSON object" };
  if (e.source !== "aws.s3" || e["detail-type"] !== "Object Restore Completed")
    return { unreadable: `not an S3 Object Restore Completed event (${String(e["detail-type"])})` };
  const bucket = e.detail?.bucket?.name;
  const key = e.detail?.object?.key;
  if (typeof bucket !== "string" || typeof key !== "string" || key === "")
    return { unreadable: "event without detail.bucket.name and detail.object.key" };
  return { bucket, key };
}

/** Whether a log group's stack imports restored files into FSx: an fsx-logs trigger with associations. */
export function hasFsxImport(g: { readonly type: string; readonly associations?: readonly FsxAssociation[] }): boolean {
  return g.type === "fsx-logs" && (g.associations?.length ?? 0) > 0;
}

/**
 * The bucket/prefix scopes whose completed restores can need an import: each target's bucket and prefix
 * intersected with each association linking that bucket (the longer of two nested prefixes). Disjoint
 * prefixes do not intersect. Sorted and without repeats, so patterns and rule names are stable.
 */
export function importScopes(
  targets: readonly { readonly bucket: string; readonly prefix: string }[],
  associations: readonly FsxAssociation[],
): { bucket: string; prefix: string }[] {
  const scopes = new Map<string, { bucket: string; prefix: string }>();
  for (const t of targets)
    for (const a of associations) {
      const loc = repositoryLocation(a.dataRepositoryPath);
      if (!loc || loc.bucket !== t.bucket) continue;
      const [shorter, longer] = [t.prefix, loc.prefix].sort((x, y) => x.length - y.length) as [string, string];
      if (!longer.startsWith(shorter)) continue;
      scopes.set(`${t.bucket}/${longer}`, { bucket: t.bucket, prefix: longer });
    }
  const sorted = [...scopes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  // A scope inside another adds nothing: the outer one's events include it.
  return sorted.filter((s) => !sorted.some((o) => o !== s && o.bucket === s.bucket && s.prefix.startsWith(o.prefix)));
}

/** Two associations on one file system whose file system paths nest or repeat (FSx forbids overlaps). */
export function overlappingAssociations(associations: readonly FsxAssociation[]): [FsxAssociation, FsxAssociation][] {
  const pairs: [FsxAssociation, FsxAssociation][] = [];
  associations.forEach((a, i) =>
    associations.slice(i + 1).forEach((b) => {
      if (a.fileSystemId !== b.fileSystemId) return;
      const [p, q] = [directoryOf(a.fileSystemPath), directoryOf(b.fileSystemPath)];
      if (p.startsWith(q) || q.startsWith(p)) pairs.push([a, b]);
    }),
  );
  return pairs;
}

/** Physical names of the import resources in one log-trigger stack. */
export function fsxImportNames(stackName: string) {
  return {
    function: physicalName([NAME_PREFIX, stackName, "import"], NAME_LIMITS.lambdaFunction),
    role: physicalName([NAME_PREFIX, stackName, "import"], NAME_LIMITS.iamRole),
    queue: physicalName([NAME_PREFIX, stackName, "imports"], NAME_LIMITS.sqsQueue),
    deadLetterQueue: physicalName([NAME_PREFIX, stackName, "imports-dlq"], NAME_LIMITS.sqsQueue),
    rule: (i: number) => physicalName([NAME_PREFIX, stackName, `restored-${i}`], NAME_LIMITS.eventRule),
    alarm: (id: string) => physicalName([NAME_PREFIX, stackName, `import-${id}`], NAME_LIMITS.alarm),
  };
}

/** Environment of the import function (set by stacks/constructs/fsx-import.ts). */
export const FSX_IMPORT_ENV = { associations: "FSX_ASSOCIATIONS" } as const;
