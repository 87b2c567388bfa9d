/**
 * The pure decision core: which events to act on and which RestoreObject request an object needs.
 * No I/O here, so every branch is cheap to test.
 */
import { keyForms } from "../../core/keys";
import { isReaderMissEvent } from "../../core/reader-logs";
import {
  archiveOf,
  restoreDaysFor,
  restoreStateOf,
  tierFor,
  type Archive,
  type ObjectFacts,
  type Tier,
} from "../../core/restore-rules";
import type { HandlerConfig } from "./config";

export {
  archiveOf,
  expectedReadyHours,
  EXPEDITED_TYPICAL_BELOW_BYTES,
  restoreStateOf,
  supportsExpedited,
  type Archive,
  type ObjectFacts,
  type ReadyWindow,
  type RestoreState,
} from "../../core/restore-rules";

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
  // A miss a reader logged, handed over by the log router: the same decision from here on.
  if (isReaderMissEvent(event)) {
    const m = event.glacierRestoreReaderMiss;
    if (m.bucket !== scope.bucket) return { act: false, reason: "other-bucket", detail: m.bucket };
    // Readers log the key itself (no URL encoding), so there is one form to try.
    if (!m.key.startsWith(scope.prefix)) return { act: false, reason: "outside-prefix", detail: m.key };
    return { act: true, read: { bucket: m.bucket, keys: [m.key], eventId: `${m.source}:${m.eventId}` } };
  }
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
  readonly requestedTier?: Tier;
}

export type Plan =
  { readonly restore: true; readonly plan: RestorePlan } | { readonly restore: false; readonly reason: SkipReason };

/** Chooses the RestoreObject request for an object, or why none is needed. */
export function planRestore(facts: ObjectFacts, config: Pick<HandlerConfig, "tier" | "days">): Plan {
  const archive = archiveOf(facts);
  const state = restoreStateOf(facts.restore);
  if (state === "ongoing") return { restore: false, reason: "restore-in-progress" };
  if (!archive) return { restore: false, reason: state === "restored" ? "already-restored" : "not-archived" };
  if (state === "restored") return { restore: false, reason: "already-restored" };
  const tier = tierFor(archive, config.tier);
  const downgrade = tier !== config.tier;
  const days = restoreDaysFor(archive, config.days);
  return {
    restore: true,
    plan: {
      archive,
      tier,
      ...(days !== undefined ? { days } : {}),
      ...(downgrade ? { requestedTier: config.tier } : {}),
    },
  };
}
