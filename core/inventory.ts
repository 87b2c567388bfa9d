/**
 * Reading an S3 Inventory report instead of listing: its `manifest.json`, the CSV rows of its data files, a
 * summary by storage class and Intelligent-Tiering access tier, and the lines of an S3 Batch Operations
 * manifest for the objects to restore. Pure: no SDK (aws/inventory.ts fetches the files).
 *
 * Sources (S3 User Guide): "Amazon S3 Inventory" (the list's fields; CSV keys URL-encoded; daily or weekly;
 * eventual consistency), "Locating your inventory list" (manifest.json and its fields, example manifests),
 * "Creating an S3 Batch Operations job" (CSV manifest: Bucket,Key[,VersionId], keys URL-encoded).
 */
import { GlacierRestoreError } from "./errors";
import { JsonSyntaxError, parseJson } from "./json";
import { isS3Url, parseS3Url } from "./location";
import { archiveOf, type Archive } from "./restore-rules";

/** One data file the manifest lists (`files[]`: `key`, `size`, `MD5checksum`). */
export interface InventoryFile {
  readonly key: string;
  readonly size: number;
  readonly md5: string;
}

/** A CSV inventory's `manifest.json`, checked. */
export interface InventoryManifest {
  /** The bucket the inventory lists. */
  readonly sourceBucket: string;
  /** Where the data files are: the bucket of `destinationBucket` (an ARN in the manifest). */
  readonly destinationBucket: string;
  readonly version: string;
  /** `creationTimestamp` (epoch milliseconds: when S3 began scanning the bucket) as ISO 8601. */
  readonly asOf: string;
  /** The CSV columns, in order (`fileSchema`: "Bucket, Key, Size, …"). */
  readonly columns: readonly string[];
  readonly files: readonly InventoryFile[];
}

/** Where a report's manifest is: `--inventory s3://<bucket>/<…>/manifest.json`, checked. */
export function parseManifestUrl(text: string): { bucket: string; key: string } {
  const bad = () =>
    new GlacierRestoreError(
      "usage",
      `--inventory ${JSON.stringify(text)}: expected the s3:// URL of an inventory report's manifest.json (s3://<destination-bucket>/<destination-prefix>/<source-bucket>/<config-ID>/<YYYY-MM-DDTHH-MMZ>/manifest.json)`,
    );
  if (!isS3Url(text)) throw bad();
  let location: { bucket: string; prefix: string };
  try {
    location = parseS3Url(text);
  } catch {
    throw bad();
  }
  const { bucket, prefix } = location;
  if (prefix !== "manifest.json" && !prefix.endsWith("/manifest.json")) throw bad();
  return { bucket, key: prefix };
}

const MANIFEST_FIELDS = [
  "sourceBucket",
  "destinationBucket",
  "version",
  "creationTimestamp",
  "fileFormat",
  "fileSchema",
  "files",
];

/** Parses and checks a `manifest.json`; `where` names it in errors (its s3:// URL). */
export function parseManifest(text: string, where: string): InventoryManifest {
  const notOne = (why: string) =>
    new GlacierRestoreError(
      "external",
      `--inventory ${where}: not an S3 Inventory manifest.json (${why}); give the manifest.json of a CSV inventory report: <destination-prefix>/<source-bucket>/<config-ID>/<YYYY-MM-DDTHH-MMZ>/manifest.json`,
    );
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw notOne(`not JSON: ${err.message}`);
    throw err;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw notOne("not a JSON object");
  const m = doc as Record<string, unknown>;
  const missing = MANIFEST_FIELDS.filter((f) => m[f] === undefined);
  if (missing.length > 0) throw notOne(`no ${missing.join(", ")}`);
  for (const f of ["sourceBucket", "destinationBucket", "version", "fileFormat", "fileSchema"])
    if (typeof m[f] !== "string") throw notOne(`${f} is not a string`);
  const fileFormat = m.fileFormat as string;
  if (fileFormat !== "CSV")
    throw new GlacierRestoreError(
      "usage",
      `--inventory ${where}: fileFormat is ${JSON.stringify(fileFormat)}; only CSV inventories are read (reading ORC or Parquet would add a dependency without a well-kept Node reader); configure the inventory with output format CSV`,
    );
  const asOf = timestampOf(m.creationTimestamp);
  if (!asOf) throw notOne(`creationTimestamp ${JSON.stringify(m.creationTimestamp)} is not epoch milliseconds`);
  const destinationBucket = /^arn:[a-z-]+:s3:::([^/]+)$/.exec(m.destinationBucket as string)?.[1];
  if (!destinationBucket) throw notOne(`destinationBucket ${JSON.stringify(m.destinationBucket)} is not a bucket ARN`);
  const columns = (m.fileSchema as string).split(",").map((c) => c.trim());
  for (const needed of ["Key", "StorageClass"])
    if (!columns.includes(needed))
      throw new GlacierRestoreError(
        "usage",
        `--inventory ${where}: fileSchema has no ${needed} column (it has ${columns.join(", ")}); the summary needs Key and StorageClass: add the StorageClass field (and Size, IntelligentTieringAccessTier) to the inventory configuration`,
      );
  if (!Array.isArray(m.files)) throw notOne("files is not a list");
  const files = m.files.map((f: unknown, i) => fileOf(f, () => notOne(`files[${i}] is not {key, size, MD5checksum}`)));
  return {
    sourceBucket: m.sourceBucket as string,
    destinationBucket,
    version: m.version as string,
    asOf,
    columns,
    files,
  };
}

/** The manifest writes the timestamp as a string of epoch milliseconds ("1514944800000"). */
function timestampOf(value: unknown): string | undefined {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d{1,15}$/.test(text)) return undefined;
  return new Date(Number(text)).toISOString();
}

function fileOf(value: unknown, bad: () => Error): InventoryFile {
  const f = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof f.key !== "string" || f.key === "" || typeof f.size !== "number" || typeof f.MD5checksum !== "string")
    throw bad();
  return { key: f.key, size: f.size, md5: f.MD5checksum };
}

/**
 * The fields of one CSV line. Fields may be quoted, a quote inside doubled (RFC 4180). A line holds a whole
 * row: keys are URL-encoded in CSV inventories, and no other field holds a line break.
 */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new Error("unterminated quoted field");
        field += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      if (i < line.length && line[i] !== ",")
        throw new Error(`unexpected ${JSON.stringify(line[i])} after a quoted field`);
    } else {
      const comma = line.indexOf(",", i);
      field = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/**
 * An inventory key as the object's key. The User Guide says CSV keys are URL-encoded and must be decoded;
 * it does not say how a space is written. Keys seen in inventories write it as "+" and a "+" as "%2B"
 * (form encoding, as a public report shows: cloud-custodian/cloud-custodian#1997; AWS's own example writes
 * "~" as "%7E"), so "+" is read as a space.
 */
export function decodeInventoryKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
  } catch {
    throw new Error(`key ${JSON.stringify(encoded)} is not URL-encoded UTF-8`);
  }
}

/** One row of an inventory, reduced to what the summary needs. */
export interface InventoryRow {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Undefined when the inventory has no Size column. */
  readonly size?: number;
  readonly storageClass: string;
  /** IntelligentTieringAccessTier as written; undefined without the column, "" when empty. */
  readonly accessTier?: string;
  /** False for a noncurrent version (IsLatest, present when the inventory lists all versions). */
  readonly isLatest: boolean;
  readonly isDeleteMarker: boolean;
}

/** Reads one CSV line of a data file by the manifest's column names; `where` names the file and line. */
export function inventoryRow(line: string, columns: readonly string[], where: string): InventoryRow {
  const bad = (why: string) => new GlacierRestoreError("external", `inventory ${where}: ${why}`);
  let fields: string[];
  try {
    fields = csvFields(line);
  } catch (err) {
    throw bad(`not a CSV line (${(err as Error).message})`);
  }
  if (fields.length !== columns.length)
    throw bad(`${fields.length} fields where fileSchema names ${columns.length} (${columns.join(", ")})`);
  const value = (name: string): string | undefined => {
    const i = columns.indexOf(name);
    return i < 0 ? undefined : fields[i];
  };
  // "Set to True if …" (S3 User Guide); written lower-case in CSV files, so compared without case.
  const flag = (name: string) => value(name)?.toLowerCase() === "true";
  const sizeText = value("Size");
  if (sizeText !== undefined && sizeText !== "" && !/^\d+$/.test(sizeText))
    throw bad(`Size ${JSON.stringify(sizeText)} is not a number of bytes`);
  let key: string;
  try {
    key = decodeInventoryKey(value("Key") ?? "");
  } catch (err) {
    throw bad((err as Error).message);
  }
  const versionId = value("VersionId");
  const accessTier = value("IntelligentTieringAccessTier");
  return {
    bucket: value("Bucket") ?? "",
    key,
    ...(versionId ? { versionId } : {}),
    ...(sizeText ? { size: Number(sizeText) } : {}),
    storageClass: value("StorageClass") ?? "",
    ...(accessTier !== undefined ? { accessTier } : {}),
    isLatest: value("IsLatest") === undefined || flag("IsLatest"),
    isDeleteMarker: flag("IsDeleteMarker"),
  };
}

/**
 * What an inventory's `IntelligentTieringAccessTier` value means, as HeadObject's `x-amz-archive-status`
 * (what core/restore-rules.ts reads; "" is a tier read without a restore). The S3 User Guide ("Cataloging
 * and analyzing your data with S3 Inventory", S3 Intelligent-Tiering access tier) lists the values a report
 * writes: FREQUENT, INFREQUENT, ARCHIVE_INSTANT_ACCESS, ARCHIVE, DEEP_ARCHIVE. The archive tiers are named
 * differently from HeadObject's ArchiveStatus (ARCHIVE_ACCESS | DEEP_ARCHIVE_ACCESS), which are accepted
 * too. Any other value is not guessed at: such an object is "unknown", never counted as readable.
 */
const ARCHIVE_STATUS_OF_TIER: Readonly<Record<string, string>> = {
  FREQUENT: "",
  INFREQUENT: "",
  ARCHIVE_INSTANT_ACCESS: "",
  ARCHIVE: "ARCHIVE_ACCESS",
  DEEP_ARCHIVE: "DEEP_ARCHIVE_ACCESS",
  ARCHIVE_ACCESS: "ARCHIVE_ACCESS",
  DEEP_ARCHIVE_ACCESS: "DEEP_ARCHIVE_ACCESS",
};

export type InventoryState = "readable" | "archived" | "unknown";

/** The archive a row's object is in (undefined: not archived, or the inventory cannot tell). */
export function archiveOfRow(row: InventoryRow): Archive | undefined {
  const archiveStatus = row.accessTier === undefined ? undefined : ARCHIVE_STATUS_OF_TIER[row.accessTier];
  return archiveOf({ storageClass: row.storageClass, archiveStatus: archiveStatus || undefined });
}

/** Whether a row's object needs a restore before it can be read, as far as the inventory tells. */
export function inventoryStateOf(row: InventoryRow): { state: InventoryState; why?: string } {
  if (row.storageClass === "") return { state: "unknown", why: "no storage class in the inventory row" };
  if (row.storageClass !== "INTELLIGENT_TIERING")
    return { state: archiveOf({ storageClass: row.storageClass }) ? "archived" : "readable" };
  if (row.accessTier === undefined)
    return {
      state: "unknown",
      why: "Intelligent-Tiering objects: the inventory has no IntelligentTieringAccessTier field; add it to the inventory configuration, or use status --deep",
    };
  const archiveStatus = ARCHIVE_STATUS_OF_TIER[row.accessTier];
  if (archiveStatus !== undefined)
    return {
      state: archiveOf({ storageClass: row.storageClass, archiveStatus: archiveStatus || undefined })
        ? "archived"
        : "readable",
    };
  return {
    state: "unknown",
    why: `Intelligent-Tiering access tier ${JSON.stringify(row.accessTier)}: not a documented value (FREQUENT, INFREQUENT, ARCHIVE_INSTANT_ACCESS, ARCHIVE, DEEP_ARCHIVE), so not counted as readable; status --deep asks HeadObject`,
  };
}

export interface Tally {
  objects: number;
  bytes: number;
}

/** What an inventory says about a location. */
export interface InventorySummary {
  readonly source: "inventory";
  readonly location: { readonly bucket: string; readonly prefix: string };
  /** When S3 began scanning the bucket for this report (the manifest's creationTimestamp). */
  readonly asOf: string;
  objects: number;
  bytes: number;
  /** archived = needs a restore before reading; readable = without one; unknown = the inventory cannot say. */
  readonly states: Record<InventoryState, Tally>;
  readonly storageClasses: Record<string, Tally>;
  /** Intelligent-Tiering objects per IntelligentTieringAccessTier value ("" written as "(empty)"). */
  readonly accessTiers: Record<string, Tally>;
  /** Rows not counted: older versions, delete markers, keys outside the prefix. */
  readonly skipped: { noncurrentVersions: number; deleteMarkers: number; outsidePrefix: number };
  /** Why objects are "unknown", sorted. */
  unknownReasons: string[];
  /** What the inventory cannot tell, whatever its rows say. */
  cannotTell: string[];
}

/** What an inventory never tells (S3 User Guide, "Amazon S3 Inventory"), and what this one lacks. */
export function cannotTellOf(manifest: Pick<InventoryManifest, "asOf" | "columns">): string[] {
  const lines = [
    "restore status: an archived object may already have a restore running or a restored copy; the inventory lists its storage class only (status without --inventory lists RestoreStatus)",
    `changes after ${manifest.asOf}: objects written, deleted or transitioned since the report began are not in it (inventories are eventually consistent)`,
    "freshness: a report is delivered daily or weekly, not on demand",
  ];
  if (!manifest.columns.includes("Size")) lines.push("bytes: the inventory has no Size field");
  return lines;
}

export function emptyInventorySummary(
  manifest: Pick<InventoryManifest, "asOf" | "columns">,
  location: { bucket: string; prefix: string },
): InventorySummary {
  const tally = () => ({ objects: 0, bytes: 0 });
  return {
    source: "inventory",
    location: { bucket: location.bucket, prefix: location.prefix },
    asOf: manifest.asOf,
    objects: 0,
    bytes: 0,
    states: { readable: tally(), archived: tally(), unknown: tally() },
    storageClasses: {},
    accessTiers: {},
    skipped: { noncurrentVersions: 0, deleteMarkers: 0, outsidePrefix: 0 },
    unknownReasons: [],
    cannotTell: cannotTellOf(manifest),
  };
}

const add = (tallies: Record<string, Tally>, name: string, bytes: number) => {
  const t = (tallies[name] ??= { objects: 0, bytes: 0 });
  t.objects += 1;
  t.bytes += bytes;
};

/** Adds one row (so a data file is summarized as it streams): only current, non-deleted objects under the prefix. */
export function addInventoryRow(summary: InventorySummary, row: InventoryRow): void {
  if (row.bucket !== summary.location.bucket || !row.key.startsWith(summary.location.prefix)) {
    summary.skipped.outsidePrefix += 1;
    return;
  }
  if (row.isDeleteMarker) {
    summary.skipped.deleteMarkers += 1;
    return;
  }
  if (!row.isLatest) {
    summary.skipped.noncurrentVersions += 1;
    return;
  }
  const bytes = row.size ?? 0;
  const { state, why } = inventoryStateOf(row);
  summary.objects += 1;
  summary.bytes += bytes;
  add(summary.states, state, bytes);
  add(summary.storageClasses, row.storageClass || "(empty)", bytes);
  if (row.storageClass === "INTELLIGENT_TIERING" && row.accessTier !== undefined)
    add(summary.accessTiers, row.accessTier || "(empty)", bytes);
  if (why && !summary.unknownReasons.includes(why)) summary.unknownReasons = [...summary.unknownReasons, why].sort();
}

function mergeTallies(a: Record<string, Tally>, b: Record<string, Tally>): Record<string, Tally> {
  const out: Record<string, Tally> = {};
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
    out[name] = {
      objects: (a[name]?.objects ?? 0) + (b[name]?.objects ?? 0),
      bytes: (a[name]?.bytes ?? 0) + (b[name]?.bytes ?? 0),
    };
  return out;
}

const sortedUnion = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/**
 * Two summaries of the same report and location as one (data files summarized separately, in any order):
 * sums, with names in sorted order, so the result does not depend on the order of the files.
 */
export function mergeInventorySummaries(a: InventorySummary, b: InventorySummary): InventorySummary {
  if (a.asOf !== b.asOf || a.location.bucket !== b.location.bucket || a.location.prefix !== b.location.prefix)
    throw new Error("summaries of different reports or locations cannot be merged");
  return {
    source: "inventory",
    location: a.location,
    asOf: a.asOf,
    objects: a.objects + b.objects,
    bytes: a.bytes + b.bytes,
    states: mergeTallies(a.states, b.states) as Record<InventoryState, Tally>,
    storageClasses: mergeTallies(a.storageClasses, b.storageClasses),
    accessTiers: mergeTallies(a.accessTiers, b.accessTiers),
    skipped: {
      noncurrentVersions: a.skipped.noncurrentVersions + b.skipped.noncurrentVersions,
      deleteMarkers: a.skipped.deleteMarkers + b.skipped.deleteMarkers,
      outsidePrefix: a.skipped.outsidePrefix + b.skipped.outsidePrefix,
    },
    unknownReasons: sortedUnion(a.unknownReasons, b.unknownReasons),
    // Both from the same manifest (cannotTellOf), so the same lines in the same order.
    cannotTell: [...new Set([...a.cannotTell, ...b.cannotTell])],
  };
}

/** Whether a counted row's object needs a restore before reading (what a restore manifest is made of). */
export function needsRestore(row: InventoryRow): boolean {
  return row.isLatest && !row.isDeleteMarker && inventoryStateOf(row).state === "archived";
}

/** An object to put in a Batch Operations manifest. */
export interface ManifestObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/**
 * A key as an S3 Batch Operations CSV manifest needs it: URL-encoded ("Object keys must be URL-encoded";
 * AWS's example writes a space as %20 and keeps "/"). encodeURIComponent writes "+" as %2B, "%" as %25, ","
 * as %2C and '"' as %22, so no key can break a CSV field or read back as another key.
 */
export function batchManifestKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, "/");
}

/**
 * The lines of a Batch Operations manifest (format S3BatchOperations_CSV_20180820, fields Bucket,Key, or
 * Bucket,Key,VersionId when every object has a version: the User Guide says a manifest gives version IDs for
 * all objects or for none).
 */
export function batchManifestCsv(objects: readonly ManifestObject[]): string[] {
  const versioned = objects.filter((o) => o.versionId).length;
  if (versioned > 0 && versioned < objects.length)
    throw new GlacierRestoreError(
      "usage",
      `batch manifest: ${versioned} of ${objects.length} objects have a version ID; a Batch Operations manifest gives version IDs for all objects or for none`,
    );
  return objects.map(batchManifestLine);
}

/** One line of a Batch Operations CSV manifest (without its line break). */
export function batchManifestLine(o: ManifestObject): string {
  // Version IDs as S3 gives them: the User Guide's example writes them as they are.
  return [o.bucket, batchManifestKey(o.key), ...(o.versionId ? [o.versionId] : [])].join(",");
}

/**
 * The manifest object of a row, with a version ID when the manifest gives them (`versioned`). S3 Inventory
 * writes an empty version ID for an object stored before versioning was enabled; Batch Operations fails a
 * task with an empty version ID and reads the string "null" as that object's version (S3 User Guide,
 * "Converting empty version ID strings in Amazon S3 Inventory reports to null strings").
 */
export function manifestObjectOf(row: InventoryRow, versioned: boolean): ManifestObject {
  return {
    bucket: row.bucket,
    key: row.key,
    ...(versioned ? { versionId: row.versionId ?? "null" } : {}),
  };
}
