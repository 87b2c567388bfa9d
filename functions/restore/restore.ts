/**
 * The shell around the decision core: reads the object's state with HeadObject, asks S3 for the restore,
 * interprets S3's answers, logs one structured line per event and counts outcomes.
 */
import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { errorCode, httpStatus, requestIdOf } from "../../aws/aws-errors";
import { restoreWithExpeditedFallback, type ObjectRef, type RestoreOutcome } from "../../aws/restore-object";
import type { HandlerConfig, Tier } from "./config";
import {
  classifyEvent,
  expectedReadyHours,
  planRestore,
  type ArchivedRead,
  type ObjectFacts,
  type ReadyWindow,
  type RestorePlan,
  type SkipReason,
} from "./decide";
import type { BudgetStore } from "../../aws/budget";
import type { ClaimResult, ClaimStore } from "../../aws/claims";
import { budgetDay } from "../../core/restore-policy";
import { archiveOf } from "../../core/restore-rules";
import { expandDirectory, type DirectorySummary } from "./directory";
import type { InitiatedNotice, Notifier } from "./notify";
import { RecentRestores } from "./recent";
import type { Log, RestoreMetrics } from "../../aws/telemetry";

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
  /** The daily budget (with config.budget); every restore reserves from it first. */
  readonly budget?: BudgetStore;
  /** Keeps an event the budget refused (the deferred queue); required with a budget. */
  readonly defer?: (event: unknown, reason: string) => Promise<void>;
}

export type { RestoreOutcome };

export type HandlerResult = (
  | { readonly outcome: "ignored"; readonly reason: string }
  | ({ readonly outcome: "skipped"; readonly reason: SkipReason; readonly storageClass?: string } & Partial<ObjectRef>)
  | ({
      readonly outcome: RestoreOutcome;
      readonly storageClass: string;
      readonly tier: Tier;
      readonly days?: number;
      readonly requestedTier?: Tier;
      /** Hours until the restored copy is expected to be readable (the message's field of the same name). */
      readonly expectedReadyWithinHours: ReadyWindow;
    } & ObjectRef)
  | ({
      /** Observe mode: the request that would have been made. The budget refused it: kept for a redrive. */
      readonly outcome: "would-restore" | "deferred";
      readonly storageClass: string;
      readonly tier: Tier;
      readonly days?: number;
      readonly bytes: number;
    } & ObjectRef)
) & {
  /** With restoreScope "directory": what the expansion of the missed key's directory did. */
  readonly directory?: DirectorySummary;
};

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

const RECENT_TTL_MS = 15 * 60 * 1000;
const RECENT_MAX_ENTRIES = 50_000;

/** What one event is about, carried through the steps and into every log line. */
interface EventContext {
  readonly read: ArchivedRead;
  /** Per-container memory key of the object. */
  readonly recentId: string;
  readonly started: number;
  /** The tier of the request being made, for the failure log line (Standard after a fallback). */
  tier?: Tier;
  readonly fields: {
    readonly bucket: string;
    readonly key: string | undefined;
    readonly versionId: string | undefined;
    readonly eventId: string | undefined;
    readonly requestId: string | undefined;
  };
}

/** A claim this event took (or holds again), to keep or release. */
interface HeldClaim {
  readonly store: ClaimStore;
  readonly eventId: string;
  readonly result: ClaimResult;
}

/** The object HeadObject found, under the key form that exists. */
interface FoundObject {
  readonly ref: ObjectRef;
  readonly out: HeadObjectCommandOutput;
  readonly facts: ObjectFacts;
  /** Storage class and archive status as logged. */
  readonly seen: { readonly key: string; readonly storageClass: string; readonly archiveStatus?: string };
}

/**
 * The restore handler as named steps: classify the event, skip what this container recently did,
 * acquire a claim, inspect the object, request the restore (with the Expedited fallback), announce it,
 * and release the claim when something failed before S3 accepted the request.
 */
export function createRestoreHandler(
  deps: HandlerDeps,
): (event: unknown, requestId?: string) => Promise<HandlerResult> {
  const { s3, config, log, metrics, claims, notifier, budget, defer } = deps;
  if (config.budget && (!budget || !defer)) throw new Error("a budget needs a budget store and a deferred queue");
  const clock = deps.clock ?? Date.now;
  const recent = deps.recent ?? new RecentRestores(RECENT_TTL_MS, RECENT_MAX_ENTRIES);

  function skip(ctx: EventContext, reason: SkipReason, extra: Record<string, unknown> = {}): HandlerResult {
    metrics.count("RestoreSkipped", reason);
    log.info("restore skipped", {
      ...ctx.fields,
      ...extra,
      outcome: "skipped",
      reason,
      latencyMs: clock() - ctx.started,
    });
    return { outcome: "skipped", reason, ...ctx.fields, ...extra } as HandlerResult;
  }

  /**
   * Only an event with a stable ID can claim: Lambda's retries of it must pass their own claim. A claim
   * store that fails is passed over: a duplicate restore request costs little, a dropped one leaves a
   * job failing.
   */
  async function acquireClaim(ctx: EventContext): Promise<HeldClaim | undefined> {
    if (!claims || !ctx.read.eventId) return undefined;
    try {
      const result = await claims.claim(ctx.recentId, ctx.read.eventId, ctx.started);
      return { store: claims, eventId: ctx.read.eventId, result };
    } catch (err) {
      metrics.count("ClaimStoreUnavailable", errorCode(err));
      log.warn("claim store unavailable; going on without a claim", { ...ctx.fields, errorCode: errorCode(err) });
      return undefined;
    }
  }

  async function releaseClaim(ctx: EventContext, claim: HeldClaim | undefined): Promise<void> {
    if (!claim) return;
    await claim.store.release(ctx.recentId, claim.eventId).catch((releaseError: unknown) =>
      log.warn("could not release claim; it expires by itself", {
        ...ctx.fields,
        errorCode: errorCode(releaseError),
      }),
    );
  }

  /** HEADs each candidate key until one exists; 404 on all of them means the object is gone. */
  async function inspect(read: ArchivedRead): Promise<FoundObject | undefined> {
    let denied: unknown;
    for (const key of read.keys) {
      const ref: ObjectRef = { bucket: read.bucket, key, ...(read.versionId ? { versionId: read.versionId } : {}) };
      try {
        const out = await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: key, VersionId: read.versionId }));
        const facts = { storageClass: out.StorageClass, archiveStatus: out.ArchiveStatus, restore: out.Restore };
        const seen = { key, storageClass: facts.storageClass ?? "STANDARD", archiveStatus: facts.archiveStatus };
        return { ref, out, facts, seen };
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

  /** The restore with the planned tier and days (Standard when Expedited capacity is gone). */
  async function requestWithFallback(
    ctx: EventContext,
    ref: ObjectRef,
    plan: RestorePlan,
  ): Promise<{ outcome: RestoreOutcome; tier: Tier; requestedTier?: Tier }> {
    ctx.tier = plan.tier;
    const { outcome, tier } = await restoreWithExpeditedFallback(
      s3,
      ref,
      { tier: plan.tier, ...(plan.days !== undefined ? { days: plan.days } : {}) },
      () => (ctx.tier = "Standard"),
    );
    if (tier !== plan.tier) return { outcome, tier, requestedTier: plan.tier };
    return { outcome, tier, ...(plan.requestedTier ? { requestedTier: plan.requestedTier } : {}) };
  }

  /** What subscribers are told about a restore. */
  function notice(found: FoundObject, plan: RestorePlan, tier: Tier, requestedTier: Tier | undefined, at: number) {
    return {
      ...(config.targetName ? { target: config.targetName } : {}),
      ...found.ref,
      storageClass: found.seen.storageClass,
      archive: plan.archive,
      tier,
      ...(requestedTier ? { requestedTier } : {}),
      ...(plan.days !== undefined ? { days: plan.days } : {}),
      expectedReadyWithinHours: expectedReadyHours(plan.archive, tier, found.out.ContentLength),
      requestedAtMs: at,
    } satisfies InitiatedNotice;
  }

  /** Publishes "restore initiated". A failure is thrown; the claim stays, so the retry publishes. */
  async function announce(ctx: EventContext, n: InitiatedNotice): Promise<void> {
    if (!notifier) return;
    try {
      await notifier.initiated(n);
      metrics.count("NotificationPublished", n.repeated ? "repeated" : "initiated");
    } catch (err) {
      metrics.count("NotificationFailed", errorCode(err));
      log.error("restore requested but its notification failed; the event will be retried", {
        ...ctx.fields,
        outcome: "notification-failed",
        tier: n.tier,
        errorCode: errorCode(err),
        httpStatus: httpStatus(err),
        latencyMs: clock() - ctx.started,
      });
      throw new NotificationFailedError(
        `restore of s3://${n.bucket}/${n.key} was requested, but publishing its notification failed: ${errorCode(err)}`,
        { cause: err },
      );
    }
  }

  /**
   * The object needs no request. When this event's own earlier attempt started the restore (it holds
   * the claim again), that attempt's notification may not have gone out: publish it again.
   */
  async function noRequestNeeded(
    ctx: EventContext,
    found: FoundObject,
    reason: SkipReason,
    claim: HeldClaim | undefined,
  ): Promise<HandlerResult> {
    const inProgress = reason === "restore-in-progress";
    const repeat =
      inProgress && claim?.result === "reclaimed" && notifier
        ? planRestore({ ...found.facts, restore: undefined }, config)
        : undefined;
    if (repeat?.restore) {
      const p = repeat.plan;
      await announce(ctx, { ...notice(found, p, p.tier, p.requestedTier, ctx.started), repeated: true });
      recent.remember(ctx.recentId, ctx.started);
      return skip(ctx, reason, { ...found.seen, notified: true });
    }
    if (inProgress) recent.remember(ctx.recentId, ctx.started);
    return skip(ctx, reason, found.seen);
  }

  /** Observe mode: what would be requested, logged and counted; no request. */
  function wouldRestore(ctx: EventContext, found: FoundObject, plan: RestorePlan): HandlerResult {
    const bytes = found.out.ContentLength ?? 0;
    metrics.count("WouldRestore", plan.archive);
    const result: HandlerResult = {
      outcome: "would-restore",
      ...found.ref,
      storageClass: found.seen.storageClass,
      tier: plan.tier,
      ...(plan.days !== undefined ? { days: plan.days } : {}),
      bytes,
    };
    log.info("would restore (observe mode)", { ...ctx.fields, ...found.seen, ...result, archive: plan.archive });
    return result;
  }

  /** The budget is spent: keep the event for a redrive, tell people once a day, request nothing. */
  async function deferEvent(ctx: EventContext, event: unknown, reason: string): Promise<void> {
    metrics.count("BudgetExceeded", reason);
    await defer!(event, reason);
    metrics.count("EventDeferred", reason);
    log.warn("restore budget exceeded: event kept in the deferred queue", {
      ...ctx.fields,
      outcome: "deferred",
      reason,
      budget: config.budget,
    });
    if (notifier && (await budget!.firstRefusalToday(ctx.started).catch(() => false)))
      await notifier
        .budgetExceeded({
          ...(config.targetName ? { target: config.targetName } : {}),
          bucket: config.bucket,
          day: budgetDay(ctx.started),
          ...config.budget,
          deferredQueueUrl: config.deferredQueueUrl!,
        })
        .catch((err: unknown) => log.warn("budget notification failed", { ...ctx.fields, errorCode: errorCode(err) }));
  }

  /** Requests the restore, counts and logs what S3 answered, announces a started restore. */
  async function requestRestore(
    ctx: EventContext,
    found: FoundObject,
    plan: RestorePlan,
    event: unknown,
    claim: HeldClaim | undefined,
  ): Promise<HandlerResult> {
    if (config.mode === "observe") return wouldRestore(ctx, found, plan);
    const bytes = found.out.ContentLength ?? 0;
    if (budget && (await budget.reserve(bytes, ctx.started)) === "exceeded") {
      await deferEvent(ctx, event, "object");
      // Given back, so the redrive (or another event for this object) may act.
      await releaseClaim(ctx, claim);
      return {
        outcome: "deferred",
        ...found.ref,
        storageClass: found.seen.storageClass,
        tier: plan.tier,
        ...(plan.days !== undefined ? { days: plan.days } : {}),
        bytes,
      };
    }
    let answer: Awaited<ReturnType<typeof requestWithFallback>>;
    try {
      answer = await requestWithFallback(ctx, found.ref, plan);
    } catch (err) {
      if (budget) await budget.refund(bytes, ctx.started).catch(() => undefined);
      throw err;
    }
    const { outcome, tier, requestedTier } = answer;
    // S3 started nothing (a copy exists or is on its way): the reservation goes back.
    if (budget && outcome !== "initiated") await budget.refund(bytes, ctx.started).catch(() => undefined);
    if (requestedTier)
      metrics.count("TierFallback", plan.requestedTier ? "archive-has-no-expedited" : "expedited-unavailable");
    if (outcome === "initiated") metrics.count("RestoreInitiated", plan.archive);
    else metrics.count("RestoreSkipped", outcome);
    const result: HandlerResult = {
      outcome,
      ...found.ref,
      storageClass: found.seen.storageClass,
      tier,
      ...(plan.days !== undefined ? { days: plan.days } : {}),
      ...(requestedTier ? { requestedTier } : {}),
      expectedReadyWithinHours: expectedReadyHours(plan.archive, tier, found.out.ContentLength),
    };
    log.info("restore requested", {
      ...ctx.fields,
      ...found.seen,
      ...result,
      archive: plan.archive,
      latencyMs: clock() - ctx.started,
    });
    if (outcome === "initiated") await announce(ctx, notice(found, plan, tier, requestedTier, ctx.started));
    // Remembered only once everything is done, so a retry in this container is not answered from memory.
    recent.remember(ctx.recentId, ctx.started);
    return result;
  }

  /** Counts, logs and returns the error Lambda retries on (and finally dead-letters). */
  function failed(ctx: EventContext, err: unknown): RestoreFailedError {
    metrics.count("RestoreFailed", errorCode(err instanceof RestoreFailedError ? err.cause : err));
    const failure =
      err instanceof RestoreFailedError
        ? err
        : new RestoreFailedError(
            `RestoreObject s3://${ctx.read.bucket}/${ctx.read.keys[0]} failed: ${errorCode(err)}`,
            ctx.fields as ObjectRef,
            { cause: err },
          );
    log.error("restore failed; the event will be retried and then dead-lettered", {
      ...ctx.fields,
      tier: ctx.tier,
      outcome: "failed",
      errorCode: errorCode(failure.cause),
      httpStatus: httpStatus(failure.cause),
      s3RequestId: requestIdOf(failure.cause),
      error: failure.message,
      latencyMs: clock() - ctx.started,
    });
    return failure;
  }

  /** Expands the missed key's directory; defers the event when the budget stops it part way. */
  async function directory(ctx: EventContext, event: unknown): Promise<DirectorySummary> {
    const { summary, release } = await expandDirectory(
      {
        s3,
        config: { ...config, directory: config.directory! },
        log,
        metrics,
        ...(claims ? { claims } : {}),
        ...(budget ? { budget } : {}),
        recent,
        clock,
      },
      ctx.read,
      ctx.fields,
    );
    if (summary.budgetExceeded) {
      // The redrive lists the directory again: what was restored by then costs no request.
      await deferEvent(ctx, event, "directory");
      await release();
    }
    if (summary.failed > 0)
      throw new RestoreFailedError(
        `${summary.failed} restores in s3://${ctx.read.bucket}/${summary.directory} failed`,
        { bucket: ctx.read.bucket, key: summary.directory },
        { cause: new Error("directory expansion") },
      );
    return summary;
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
    const ctx: EventContext = {
      read,
      recentId: RecentRestores.keyOf(read.bucket, read.keys[0]!, read.versionId),
      started,
      fields: { bucket: read.bucket, key: read.keys[0], versionId: read.versionId, eventId: read.eventId, requestId },
    };
    if (recent.has(ctx.recentId, started)) return skip(ctx, "recently-requested");
    const claim = await acquireClaim(ctx);
    if (claim?.result === "held-elsewhere") {
      recent.remember(ctx.recentId, started);
      return skip(ctx, "claimed-elsewhere");
    }

    try {
      const found = await inspect(read);
      if (!found) return skip(ctx, "not-found");
      const decision = planRestore(found.facts, config);
      const result = decision.restore
        ? await requestRestore(ctx, found, decision.plan, event, claim)
        : await noRequestNeeded(ctx, found, decision.reason, claim);
      // A miss on an archived object may restore its directory; not when the budget already refused it.
      if (config.scope !== "directory" || result.outcome === "deferred" || !archiveOf(found.facts)) return result;
      return { ...result, directory: await directory(ctx, event) };
    } catch (err) {
      // The restore is running: the claim must stay so the retry recognises it and publishes again.
      if (err instanceof NotificationFailedError) throw err;
      await releaseClaim(ctx, claim);
      throw failed(ctx, err);
    }
  };
}
