/**
 * The pure decision core: which events to act on and which RestoreObject request an object needs.
 * No I/O here, so every branch is cheap to test.
 */
import { keyForms } from "../core/keys";
import type { HandlerConfig, Tier } from "./config";

/** The object named by a GetObject that failed because the object is archived. */
export interface ArchivedRead {
  readonly bucket: string;
  /** Keys to try in order: the key as logged, then its URL-decoded form when that differs. */
  readonly keys: readonly string[];
  readonly versionId?: string;
  readonly eventId?: string;
}

export type IgnoreReason =
  | "malformed-event"
  | "not-cloudtrail-s3"
  | "not-getobject"
  | "not-invalid-object-state"
  | "other-bucket"
  | "outside-prefix";

export type EventVerdict =
  | { readonly act: true; readonly read: ArchivedRead }
  | { readonly act: false; readonly reason: IgnoreReason; readonly detail?: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export { keyForms };

/** Decides whether an EventBridge event is a failed GetObject on an archived object inside this target. */
export function classifyEvent(event: unknown, scope: Pick<HandlerConfig, "bucket" | "prefix">): EventVerdict {
  if (!isRecord(event) || !isRecord(event.detail))
    return { act: false, reason: "malformed-event", detail: "no detail object" };
  const d = event.detail;
  if (event.source !== "aws.s3" || d.eventSource !== "s3.amazonaws.com")
    return { act: false, reason: "not-cloudtrail-s3", detail: `source ${String(event.source)}` };
  if (d.eventName !== "GetObject") return { act: false, reason: "not-getobject", detail: String(d.eventName) };
  if (d.errorCode !== "InvalidObjectState")
    return { act: false, reason: "not-invalid-object-state", detail: String(d.errorCode ?? "no errorCode") };
  const params = d.requestParameters;
  if (!isRecord(params) || typeof params.bucketName !== "string" || typeof params.key !== "string" || params.key === "")
    return { act: false, reason: "malformed-event", detail: "requestParameters.bucketName/key missing" };
  if (params.bucketName !== scope.bucket) return { act: false, reason: "other-bucket", detail: params.bucketName };
  const keys = keyForms(params.key).filter((k) => k.startsWith(scope.prefix));
  if (keys.length === 0) return { act: false, reason: "outside-prefix", detail: params.key };
  const versionId = typeof params.versionId === "string" && params.versionId !== "" ? params.versionId : undefined;
  const eventId = typeof d.eventID === "string" ? d.eventID : typeof event.id === "string" ? event.id : undefined;
  return {
    act: true,
    read: {
      bucket: params.bucketName,
      keys,
      ...(versionId !== undefined ? { versionId } : {}),
      ...(eventId !== undefined ? { eventId } : {}),
    },
  };
}

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

export type SkipReason =
  | "not-found"
  | "not-archived"
  | "restore-in-progress"
  | "already-restored"
  | "recently-requested"
  | "claimed-elsewhere";

export interface RestorePlan {
  readonly archive: Archive;
  readonly tier: Tier;
  /** Absent for Intelligent-Tiering: those restores have no expiry and reject `Days`. */
  readonly days?: number;
  /** Set when the configured tier is not available for this archive. */
  readonly tierDowngradedFrom?: Tier;
}

export type Plan =
  { readonly restore: true; readonly plan: RestorePlan } | { readonly restore: false; readonly reason: SkipReason };

/** Expedited retrieval exists only for S3 Glacier Flexible Retrieval and Intelligent-Tiering Archive Access. */
export function supportsExpedited(archive: Archive): boolean {
  return archive === "GLACIER" || archive === "INTELLIGENT_TIERING_ARCHIVE";
}

/** Chooses the RestoreObject request for an object, or why none is needed. */
export function planRestore(facts: ObjectFacts, config: Pick<HandlerConfig, "tier" | "days">): Plan {
  const archive = archiveOf(facts);
  const state = restoreStateOf(facts.restore);
  if (state === "ongoing") return { restore: false, reason: "restore-in-progress" };
  if (!archive) return { restore: false, reason: state === "restored" ? "already-restored" : "not-archived" };
  if (state === "restored") return { restore: false, reason: "already-restored" };
  const downgrade = config.tier === "Expedited" && !supportsExpedited(archive);
  const intelligentTiering = archive.startsWith("INTELLIGENT_TIERING");
  return {
    restore: true,
    plan: {
      archive,
      tier: downgrade ? "Standard" : config.tier,
      ...(intelligentTiering ? {} : { days: config.days }),
      ...(downgrade ? { tierDowngradedFrom: config.tier } : {}),
    },
  };
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
