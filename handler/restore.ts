/**
 * The shell around the decision core: reads the object's state with HeadObject, asks S3 for the restore,
 * interprets S3's answers, logs one structured line per event and counts outcomes.
 */
import {
  HeadObjectCommand,
  RestoreObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { HandlerConfig, Tier } from "./config";
import {
  classifyEvent,
  expectedReadyHours,
  planRestore,
  type ArchivedRead,
  type RestorePlan,
  type SkipReason,
} from "./decide";
import type { ClaimResult, ClaimStore } from "./claims";
import type { InitiatedNotice, Notifier } from "./notify";
import { RecentRestores } from "./recent";
import type { Log, RestoreMetrics } from "./telemetry";

export interface HandlerDeps {
  readonly s3: S3Client;
  readonly config: HandlerConfig;
  readonly log: Log;
  readonly metrics: RestoreMetrics;
  /** Milliseconds since the epoch; injectable so tests control time. */
  readonly clock?: () => number;
  /** Per-container memory of restores already requested; a fresh one per handler when omitted. */
  readonly recent?: RecentRestores;
  /** Cross-container claims; without them only S3's state and this container's memory de-duplicate. */
  readonly claims?: ClaimStore;
  /** Publishes "restore initiated"; no notifications when omitted. */
  readonly notifier?: Notifier;
}

interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

export type RestoreOutcome = "initiated" | "already-restored" | "already-in-progress";

export type HandlerResult =
  | { readonly outcome: "ignored"; readonly reason: string }
  | ({ readonly outcome: "skipped"; readonly reason: SkipReason; readonly storageClass?: string } & Partial<ObjectRef>)
  | ({
      readonly outcome: RestoreOutcome;
      readonly storageClass: string;
      readonly tier: Tier;
      readonly days?: number;
      readonly fellBackFrom?: Tier;
      readonly readyWithinHours: number;
    } & ObjectRef);

/**
 * S3 accepted the restore but the "restore initiated" message could not be published. Thrown so Lambda
 * retries the event: the retry holds the same claim, finds the restore running and publishes again.
 */
export class NotificationFailedError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "NotificationFailedError";
  }
}

/** A restore that could not be requested; rethrown so Lambda retries the event and, finally, dead-letters it. */
export class RestoreFailedError extends Error {
  constructor(
    message: string,
    readonly object: ObjectRef,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = "RestoreFailedError";
  }
}

interface AwsErrorLike {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

function errorCode(err: unknown): string {
  const e = err as AwsErrorLike;
  return e?.Code ?? e?.name ?? "UnknownError";
}

function httpStatus(err: unknown): number | undefined {
  return (err as AwsErrorLike)?.$metadata?.httpStatusCode;
}

const RECENT_TTL_MS = 15 * 60 * 1000;
const RECENT_MAX_ENTRIES = 50_000;

export function createRestoreHandler(
  deps: HandlerDeps,
): (event: unknown, requestId?: string) => Promise<HandlerResult> {
  const { s3, config, log, metrics, claims, notifier } = deps;
  const clock = deps.clock ?? Date.now;
  const recent = deps.recent ?? new RecentRestores(RECENT_TTL_MS, RECENT_MAX_ENTRIES);

  /** HEADs each candidate key until one exists; 404 on all of them means the object is gone. */
  async function head(read: ArchivedRead): Promise<{ ref: ObjectRef; out: HeadObjectCommandOutput } | undefined> {
    let denied: unknown;
    for (const key of read.keys) {
      const ref: ObjectRef = { bucket: read.bucket, key, ...(read.versionId ? { versionId: read.versionId } : {}) };
      try {
        const out = await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: key, VersionId: read.versionId }));
        return { ref, out };
      } catch (err) {
        const status = httpStatus(err);
        if (status === 404) continue;
        // Without s3:ListBucket, S3 answers 403 for a missing key too; another key form may still exist.
        if (status === 403) {
          denied = err;
          continue;
        }
        throw new RestoreFailedError(`HeadObject s3://${ref.bucket}/${key} failed: ${errorCode(err)}`, ref, {
          cause: err,
        });
      }
    }
    if (denied !== undefined) {
      const ref = { bucket: read.bucket, key: read.keys[0]! };
      throw new RestoreFailedError(
        `HeadObject s3://${ref.bucket}/${ref.key} was denied (403): the role lacks s3:GetObject${read.versionId ? "Version" : ""} on this key, or the object no longer exists`,
        ref,
        { cause: denied },
      );
    }
    return undefined;
  }

  async function restore(ref: ObjectRef, plan: RestorePlan, tier: Tier): Promise<RestoreOutcome> {
    try {
      const out = await s3.send(
        new RestoreObjectCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          VersionId: ref.versionId,
          RestoreRequest: {
            ...(plan.days !== undefined ? { Days: plan.days } : {}),
            GlacierJobParameters: { Tier: tier },
          },
        }),
      );
      // 202 Accepted starts a restore; 200 OK means a restored copy already exists (its expiry is renewed).
      return out.$metadata.httpStatusCode === 200 ? "already-restored" : "initiated";
    } catch (err) {
      if (errorCode(err) === "RestoreAlreadyInProgress") return "already-in-progress";
      throw err;
    }
  }

  /** What subscribers are told about a restore. */
  function notice(
    ref: ObjectRef,
    storageClass: string,
    plan: RestorePlan,
    tier: Tier,
    fellBackFrom: Tier | undefined,
    requestedAtMs: number,
    sizeBytes: number | undefined,
  ): InitiatedNotice {
    return {
      ...(config.targetName ? { target: config.targetName } : {}),
      ...ref,
      storageClass,
      archive: plan.archive,
      tier,
      ...(fellBackFrom ? { fellBackFrom } : {}),
      ...(plan.days !== undefined ? { days: plan.days } : {}),
      readyWithinHours: expectedReadyHours(plan.archive, tier, sizeBytes),
      requestedAtMs,
    };
  }

  return async function handle(event: unknown, requestId?: string): Promise<HandlerResult> {
    const started = clock();
    const verdict = classifyEvent(event, config);
    if (!verdict.act) {
      metrics.count("EventIgnored", verdict.reason);
      log.info("event ignored", { outcome: "ignored", reason: verdict.reason, detail: verdict.detail, requestId });
      return { outcome: "ignored", reason: verdict.reason };
    }
    const read = verdict.read;
    const base = {
      bucket: read.bucket,
      key: read.keys[0],
      versionId: read.versionId,
      eventId: read.eventId,
      requestId,
    };
    const skip = (reason: SkipReason, extra: Record<string, unknown> = {}): HandlerResult => {
      metrics.count("RestoreSkipped", reason);
      log.info("restore skipped", { ...base, ...extra, outcome: "skipped", reason, latencyMs: clock() - started });
      return { outcome: "skipped", reason, ...base, ...extra } as HandlerResult;
    };

    /** Publishes "restore initiated". A failure is thrown; the claim stays, so the retry publishes. */
    async function announce(n: InitiatedNotice): Promise<void> {
      if (!notifier) return;
      try {
        await notifier.initiated(n);
        metrics.count("NotificationPublished", n.repeated ? "repeated" : "initiated");
      } catch (err) {
        metrics.count("NotificationFailed", errorCode(err));
        log.error("restore requested but its notification failed; the event will be retried", {
          ...base,
          outcome: "notification-failed",
          tier: n.tier,
          errorCode: errorCode(err),
          httpStatus: httpStatus(err),
          latencyMs: clock() - started,
        });
        throw new NotificationFailedError(
          `restore of s3://${n.bucket}/${n.key} was requested, but publishing its notification failed: ${errorCode(err)}`,
          { cause: err },
        );
      }
    }

    const recentId = RecentRestores.keyOf(read.bucket, read.keys[0]!, read.versionId);
    if (recent.has(recentId, started)) return skip("recently-requested");

    // Only an event with a stable ID can claim: Lambda's retries of it must pass their own claim.
    const claimant = claims && read.eventId ? { store: claims, eventId: read.eventId } : undefined;
    let claim: ClaimResult | undefined;
    if (claimant) {
      try {
        claim = await claimant.store.claim(recentId, claimant.eventId, started);
        if (claim === "held-elsewhere") {
          recent.remember(recentId, started);
          return skip("claimed-elsewhere");
        }
      } catch (err) {
        // Fail open: a duplicate restore request costs little, a dropped one leaves a job failing.
        metrics.count("ClaimStoreUnavailable", errorCode(err));
        log.warn("claim store unavailable; going on without a claim", { ...base, errorCode: errorCode(err) });
      }
    }

    let tier: Tier | undefined;
    try {
      const found = await head(read);
      if (!found) return skip("not-found");
      const { ref, out } = found;
      const facts = { storageClass: out.StorageClass, archiveStatus: out.ArchiveStatus, restore: out.Restore };
      const seen = { key: ref.key, storageClass: facts.storageClass ?? "STANDARD", archiveStatus: facts.archiveStatus };
      const decision = planRestore(facts, config);
      if (!decision.restore) {
        const inProgress = decision.reason === "restore-in-progress";
        // This event's earlier attempt started the restore; its notification may not have gone out.
        const repeat =
          inProgress && claim === "reclaimed" && notifier
            ? planRestore({ ...facts, restore: undefined }, config)
            : undefined;
        if (repeat?.restore) {
          const p = repeat.plan;
          await announce({
            ...notice(ref, seen.storageClass, p, p.tier, p.tierDowngradedFrom, started, out.ContentLength),
            repeated: true,
          });
          recent.remember(recentId, started);
          return skip(decision.reason, { ...seen, notified: true });
        }
        if (inProgress) recent.remember(recentId, started);
        return skip(decision.reason, seen);
      }
      const plan = decision.plan;
      tier = plan.tier;
      let fellBackFrom: Tier | undefined = plan.tierDowngradedFrom;
      let outcome: RestoreOutcome;
      try {
        outcome = await restore(ref, plan, tier);
      } catch (err) {
        if (tier !== "Expedited" || errorCode(err) !== "GlacierExpeditedRetrievalNotAvailable") throw err;
        // Expedited capacity is not guaranteed; Standard always is.
        fellBackFrom = "Expedited";
        tier = "Standard";
        outcome = await restore(ref, plan, tier);
      }
      if (fellBackFrom)
        metrics.count("TierFallback", plan.tierDowngradedFrom ? "archive-has-no-expedited" : "expedited-unavailable");
      if (outcome === "initiated") metrics.count("RestoreInitiated", plan.archive);
      else metrics.count("RestoreSkipped", outcome);
      const result: HandlerResult = {
        outcome,
        ...ref,
        storageClass: seen.storageClass,
        tier,
        ...(plan.days !== undefined ? { days: plan.days } : {}),
        ...(fellBackFrom ? { fellBackFrom } : {}),
        readyWithinHours: expectedReadyHours(plan.archive, tier, out.ContentLength).max,
      };
      log.info("restore requested", {
        ...base,
        ...seen,
        ...result,
        archive: plan.archive,
        latencyMs: clock() - started,
      });
      if (outcome === "initiated")
        await announce(notice(ref, seen.storageClass, plan, tier, fellBackFrom, started, out.ContentLength));
      // Remembered only once everything is done, so a retry in this container is not answered from memory.
      recent.remember(recentId, started);
      return result;
    } catch (err) {
      // The restore is running: the claim must stay so the retry recognises it and publishes again.
      if (err instanceof NotificationFailedError) throw err;
      if (claimant && claim) {
        await claimant.store
          .release(recentId, claimant.eventId)
          .catch((releaseError: unknown) =>
            log.warn("could not release claim; it expires by itself", { ...base, errorCode: errorCode(releaseError) }),
          );
      }
      metrics.count("RestoreFailed", errorCode(err instanceof RestoreFailedError ? err.cause : err));
      const failure =
        err instanceof RestoreFailedError
          ? err
          : new RestoreFailedError(
              `RestoreObject s3://${read.bucket}/${read.keys[0]} failed: ${errorCode(err)}`,
              base as ObjectRef,
              {
                cause: err,
              },
            );
      log.error("restore failed; the event will be retried and then dead-lettered", {
        ...base,
        tier,
        outcome: "failed",
        errorCode: errorCode(failure.cause),
        httpStatus: httpStatus(failure.cause),
        s3RequestId: (failure.cause as AwsErrorLike)?.$metadata?.requestId,
        error: failure.message,
        latencyMs: clock() - started,
      });
      throw failure;
    }
  };
}
