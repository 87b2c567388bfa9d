/**
 * The restore rules of S3's archive storage classes, shared by the restore function, the operator
 * command, the configuration and the cost estimate. Pure: no SDK, no cdktf.
 * (S3 User Guide: "Working with archived objects", "Understanding archive retrieval options";
 * RestoreObject and HeadObject API reference.)
 */

/** Restore speeds S3 offers (RestoreObject `GlacierJobParameters.Tier`). */
export const TIERS = ["Expedited", "Standard", "Bulk"] as const;
export type Tier = (typeof TIERS)[number];

/** What HeadObject told us, reduced to the fields the decision needs. */
export interface ObjectFacts {
  /** `StorageClass`; S3 omits it for STANDARD. */
  readonly storageClass?: string;
  /** `x-amz-archive-status` (Intelligent-Tiering only). */
  readonly archiveStatus?: string;
  /** `x-amz-restore`. */
  readonly restore?: string;
}

/** Where an archived object lives; decides which tiers and fields RestoreObject accepts. */
export type Archive = "GLACIER" | "DEEP_ARCHIVE" | "INTELLIGENT_TIERING_ARCHIVE" | "INTELLIGENT_TIERING_DEEP_ARCHIVE";

export function archiveOf(facts: ObjectFacts): Archive | undefined {
  switch (facts.storageClass) {
    case "GLACIER":
      return "GLACIER";
    case "DEEP_ARCHIVE":
      return "DEEP_ARCHIVE";
    case "INTELLIGENT_TIERING":
      if (facts.archiveStatus === "ARCHIVE_ACCESS") return "INTELLIGENT_TIERING_ARCHIVE";
      if (facts.archiveStatus === "DEEP_ARCHIVE_ACCESS") return "INTELLIGENT_TIERING_DEEP_ARCHIVE";
  }
  // STANDARD (absent), *_IA, GLACIER_IR, REDUCED_REDUNDANCY, EXPRESS_ONEZONE, Intelligent-Tiering's
  // frequent and infrequent tiers: readable without a restore.
  return undefined;
}

export type RestoreState = "none" | "ongoing" | "restored";

/** Reads `x-amz-restore`: `ongoing-request="true"` while running, `"false", expiry-date=…` once done. */
export function restoreStateOf(header: string | undefined): RestoreState {
  const ongoing = /ongoing-request="(true|false)"/.exec(header ?? "")?.[1];
  if (ongoing === "true") return "ongoing";
  if (ongoing === "false") return "restored";
  return "none";
}

/**
 * The `Days` a restore of an archive asks for: Intelligent-Tiering restores have no expiry (the object
 * moves back to its Frequent Access tier) and RestoreObject rejects `Days` for them.
 */
export function restoreDaysFor(archive: Archive, days: number): number | undefined {
  return archive.startsWith("INTELLIGENT_TIERING") ? undefined : days;
}

/** Expedited retrieval exists only for S3 Glacier Flexible Retrieval and Intelligent-Tiering Archive Access. */
export function supportsExpedited(archive: Archive): boolean {
  return archive === "GLACIER" || archive === "INTELLIGENT_TIERING_ARCHIVE";
}

/** The tier a restore of an archive gets when `tier` is asked for: Expedited falls back to Standard where absent. */
export function tierFor(archive: Archive, tier: Tier): Tier {
  return tier === "Expedited" && !supportsExpedited(archive) ? "Standard" : tier;
}

/**
 * Expedited retrievals are typically ready in 1-5 minutes only for objects under 250 MB; larger ones are
 * retrieved at up to 300 MB per second, with no typical time given (S3 User Guide, "Understanding archive
 * retrieval options").
 */
export const EXPEDITED_TYPICAL_BELOW_BYTES = 250_000_000;
const EXPEDITED_LARGE_OBJECT_BYTES_PER_SECOND = 300_000_000;

/** Hours until a restored copy is expected to be readable. */
export interface ReadyWindow {
  readonly min: number;
  readonly max: number;
  /** Only a lower bound is known (a large Expedited restore): `min` = `max` = the earliest time. */
  readonly atLeast?: true;
}

/** Typical hours until a restored copy is readable (S3 User Guide, archive retrieval options). */
export function expectedReadyHours(archive: Archive, tier: Tier, sizeBytes?: number): ReadyWindow {
  const deep = archive === "DEEP_ARCHIVE" || archive === "INTELLIGENT_TIERING_DEEP_ARCHIVE";
  if (tier === "Expedited") {
    if (sizeBytes === undefined || sizeBytes < EXPEDITED_TYPICAL_BELOW_BYTES) return { min: 1 / 60, max: 5 / 60 };
    const earliest = 1 / 60 + sizeBytes / EXPEDITED_LARGE_OBJECT_BYTES_PER_SECOND / 3600;
    return { min: earliest, max: earliest, atLeast: true };
  }
  if (tier === "Standard") return deep ? { min: 12, max: 12 } : { min: 3, max: 5 };
  return deep ? { min: 48, max: 48 } : { min: 5, max: 12 };
}
