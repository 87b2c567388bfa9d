/**
 * The shell around the decision core: reads the object's state with HeadObject, has the restore attempt
 * (aws/restore-attempt.ts) ask S3, logs one structured line per event and counts outcomes. A module of
 * named steps over one `Shell` (the handler's dependencies, resolved once per container).
 */
import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { errorCode, httpStatus, requestIdOf } from "../../aws/aws-errors";
import {
  attemptRestore,
  type AttemptDeps,
  type AttemptResult,
  type Prepared,
  type S3Answer,
} from "../../aws/restore-attempt";
import type { ObjectRef, RestoreOutcome } from "../../aws/restore-object";
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

/** The handler's dependencies with their defaults filled in, as every step below receives them. */
interface Shell extends HandlerDeps {
  readonly clock: () => number;
  readonly recent: RecentRestores;
  /** What the restore attempt uses: S3, the memory, the claims, the budget, observe mode. */
  readonly attempt: AttemptDeps;
}

/** What one event is about, carried through the steps and into every log line. */
interface EventContext {
  readonly read: ArchivedRead;
  readonly started: number;
  /** The tier of the request being made, for the failure log line (Standard after a fallback). */
  tier?: Tier;
  /** What HeadObject found and what the plan said, once the claimed attempt looked. */
  found?: FoundObject;
  plan?: RestorePlan;
  /** Why no request was needed, and what to log with it. */
  noRequest?: { readonly reason: SkipReason; readonly extra: Record<string, unknown> };
  readonly fields: {
    readonly bucket: string;
    readonly key: string | undefined;
    readonly versionId: string | undefined;
    readonly eventId: string | undefined;
    readonly requestId: string | undefined;
  };
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
 * The restore handler: classify the event, let the restore attempt check this container's memory and
 * claim the object, inspect the object, request the restore (with the Expedited fallback), announce it,
 * and expand the object's directory when so configured.
 */
export function createRestoreHandler(
  deps: HandlerDeps,
): (event: unknown, requestId?: string) => Promise<HandlerResult> {
  const { config, budget, defer } = deps;
  if (config.budget && (!budget || !defer)) throw new Error("a budget needs a budget store and a deferred queue");
  const recent = deps.recent ?? new RecentRestores(RECENT_TTL_MS, RECENT_MAX_ENTRIES);
  const shell: Shell = {
    ...deps,
    clock: deps.clock ?? Date.now,
    recent,
    attempt: {
      s3: deps.s3,
      log: deps.log,
      metrics: deps.metrics,
      recent,
      observe: config.mode === "observe",
      ...(deps.claims ? { claims: deps.claims } : {}),
      ...(budget ? { budget } : {}),
    },
  };
  return (event, requestId) => handleEvent(shell, event, requestId);
}

async function handleEvent(h: Shell, event: unknown, requestId: string | undefined): Promise<HandlerResult> {
  const started = h.clock();
  const verdict = classifyEvent(event, h.config);
  if (!verdict.act) {
    h.metrics.count("EventIgnored", verdict.reason);
    h.log.info("event ignored", { outcome: "ignored", reason: verdict.reason, detail: verdict.detail, requestId });
    return { outcome: "ignored", reason: verdict.reason };
  }
  const read = verdict.read;
  const ctx: EventContext = {
    read,
    started,
    fields: { bucket: read.bucket, key: read.keys[0], versionId: read.versionId, eventId: read.eventId, requestId },
  };
  try {
    const named = { bucket: read.bucket, key: read.keys[0]!, ...(read.versionId ? { versionId: read.versionId } : {}) };
    const attempt = await attemptRestore(
      h.attempt,
      { ref: named, at: started, fields: ctx.fields, ...(read.eventId ? { eventId: read.eventId } : {}) },
      (claim) => prepare(h, ctx, claim),
    );
    const result = await resultOf(h, ctx, attempt, event);
    // A miss on an archived object may restore its directory; not when the budget already refused it.
    if (h.config.scope !== "directory" || result.outcome === "deferred" || !ctx.found || !archiveOf(ctx.found.facts))
      return result;
    return { ...result, directory: await directory(h, ctx, event) };
  } catch (err) {
    // The restore is running: the claim stays so the retry recognises it and publishes again.
    if (err instanceof NotificationFailedError) throw err;
    throw failed(h, ctx, err);
  }
}

/**
 * The attempt's plan, run once the object is claimed: HEAD the object and choose the request, or say why
 * none is needed. What it found stays in the context for the result.
 */
async function prepare(h: Shell, ctx: EventContext, claim: ClaimResult | undefined): Promise<Prepared> {
  const found = await inspect(h.s3, ctx.read);
  if (!found) {
    ctx.noRequest = { reason: "not-found", extra: {} };
    return { remember: false };
  }
  ctx.found = found;
  const decision = planRestore(found.facts, h.config);
  if (!decision.restore) return noRequestNeeded(h, ctx, found, decision.reason, claim);
  const plan = decision.plan;
  ctx.plan = plan;
  ctx.tier = plan.tier;
  return {
    request: {
      ref: found.ref,
      tier: plan.tier,
      ...(plan.days !== undefined ? { days: plan.days } : {}),
      bytes: found.out.ContentLength ?? 0,
      archive: plan.archive,
      ...(plan.requestedTier ? { requestedTier: plan.requestedTier } : {}),
      onFallback: () => (ctx.tier = "Standard"),
    },
    after: (answer) => reportRequested(h, ctx, found, plan, answer),
  };
}

/** HEADs each candidate key until one exists; 404 on all of them means the object is gone. */
async function inspect(s3: S3Client, read: ArchivedRead): Promise<FoundObject | undefined> {
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

/**
 * The object needs no request; a restore in progress is remembered. When this event's own earlier attempt
 * started the restore (it holds the claim again), that attempt's notification may not have gone out:
 * publish it again.
 */
function noRequestNeeded(
  h: Shell,
  ctx: EventContext,
  found: FoundObject,
  reason: SkipReason,
  claim: ClaimResult | undefined,
): Prepared {
  const inProgress = reason === "restore-in-progress";
  const repeat =
    inProgress && claim === "reclaimed" && h.notifier
      ? planRestore({ ...found.facts, restore: undefined }, h.config)
      : undefined;
  if (repeat?.restore) {
    const p = repeat.plan;
    ctx.noRequest = { reason, extra: { ...found.seen, notified: true } };
    const n = { ...notice(h, found, p, p.tier, p.requestedTier, ctx.started), repeated: true };
    return { remember: true, after: () => announce(h, ctx, n) };
  }
  ctx.noRequest = { reason, extra: found.seen };
  return { remember: inProgress };
}

/** The event's result from the attempt's: a skip, observe mode, a deferral, or what S3 answered. */
async function resultOf(h: Shell, ctx: EventContext, attempt: AttemptResult, event: unknown): Promise<HandlerResult> {
  switch (attempt.status) {
    case "recently-requested":
    case "claimed-elsewhere":
      return skip(h, ctx, attempt.status);
    case "no-request":
      return skip(h, ctx, ctx.noRequest!.reason, ctx.noRequest!.extra);
    case "would-restore":
      return wouldRestore(h, ctx, ctx.found!, ctx.plan!);
    case "budget-exceeded":
      await deferEvent(h, ctx, event, "object");
      return { ...planned(ctx.found!, ctx.plan!), outcome: "deferred" };
    case "requested":
      return requestedResult(ctx.found!, ctx.plan!, attempt.answer);
  }
}

function skip(h: Shell, ctx: EventContext, reason: SkipReason, extra: Record<string, unknown> = {}): HandlerResult {
  h.metrics.count("RestoreSkipped", reason);
  h.log.info("restore skipped", {
    ...ctx.fields,
    ...extra,
    outcome: "skipped",
    reason,
    latencyMs: h.clock() - ctx.started,
  });
  return { outcome: "skipped", reason, ...ctx.fields, ...extra } as HandlerResult;
}

/** The request a plan makes for the object (observe mode and a deferral report it). */
function planned(found: FoundObject, plan: RestorePlan) {
  return {
    ...found.ref,
    storageClass: found.seen.storageClass,
    tier: plan.tier,
    ...(plan.days !== undefined ? { days: plan.days } : {}),
    bytes: found.out.ContentLength ?? 0,
  };
}

/** Observe mode: what would be requested, logged (the attempt counted it); no request. */
function wouldRestore(h: Shell, ctx: EventContext, found: FoundObject, plan: RestorePlan): HandlerResult {
  const result: HandlerResult = { outcome: "would-restore", ...planned(found, plan) };
  h.log.info("would restore (observe mode)", { ...ctx.fields, ...found.seen, ...result, archive: plan.archive });
  return result;
}

/** What S3 answered, as the event's result. */
function requestedResult(found: FoundObject, plan: RestorePlan, answer: S3Answer): HandlerResult {
  const { outcome, tier } = answer;
  const requestedTier = tier !== plan.tier ? plan.tier : plan.requestedTier;
  return {
    outcome,
    ...found.ref,
    storageClass: found.seen.storageClass,
    tier,
    ...(plan.days !== undefined ? { days: plan.days } : {}),
    ...(requestedTier ? { requestedTier } : {}),
    expectedReadyWithinHours: expectedReadyHours(plan.archive, tier, found.out.ContentLength),
  };
}

/** Logs what S3 answered and announces a started restore (before the attempt remembers the object). */
async function reportRequested(
  h: Shell,
  ctx: EventContext,
  found: FoundObject,
  plan: RestorePlan,
  answer: S3Answer,
): Promise<void> {
  const result = requestedResult(found, plan, answer);
  h.log.info("restore requested", {
    ...ctx.fields,
    ...found.seen,
    ...result,
    archive: plan.archive,
    latencyMs: h.clock() - ctx.started,
  });
  if (answer.outcome !== "initiated") return;
  const requestedTier = "requestedTier" in result ? result.requestedTier : undefined;
  await announce(h, ctx, notice(h, found, plan, answer.tier, requestedTier, ctx.started));
}

/** What subscribers are told about a restore. */
function notice(
  h: Shell,
  found: FoundObject,
  plan: RestorePlan,
  tier: Tier,
  requestedTier: Tier | undefined,
  at: number,
): InitiatedNotice {
  return {
    ...(h.config.targetName ? { target: h.config.targetName } : {}),
    ...found.ref,
    storageClass: found.seen.storageClass,
    archive: plan.archive,
    tier,
    ...(requestedTier ? { requestedTier } : {}),
    ...(plan.days !== undefined ? { days: plan.days } : {}),
    expectedReadyWithinHours: expectedReadyHours(plan.archive, tier, found.out.ContentLength),
    requestedAtMs: at,
  };
}

/** Publishes "restore initiated". A failure is thrown; the claim stays, so the retry publishes. */
async function announce(h: Shell, ctx: EventContext, n: InitiatedNotice): Promise<void> {
  if (!h.notifier) return;
  try {
    await h.notifier.initiated(n);
    h.metrics.count("NotificationPublished", n.repeated ? "repeated" : "initiated");
  } catch (err) {
    h.metrics.count("NotificationFailed", errorCode(err));
    h.log.error("restore requested but its notification failed; the event will be retried", {
      ...ctx.fields,
      outcome: "notification-failed",
      tier: n.tier,
      errorCode: errorCode(err),
      httpStatus: httpStatus(err),
      latencyMs: h.clock() - ctx.started,
    });
    throw new NotificationFailedError(
      `restore of s3://${n.bucket}/${n.key} was requested, but publishing its notification failed: ${errorCode(err)}`,
      { cause: err },
    );
  }
}

/** The budget is spent: keep the event for a redrive, tell people once a day, request nothing. */
async function deferEvent(h: Shell, ctx: EventContext, event: unknown, reason: string): Promise<void> {
  const { config, budget, notifier, metrics, log } = h;
  metrics.count("BudgetExceeded", reason);
  await h.defer!(event, reason);
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

/** Counts, logs and returns the error Lambda retries on (and finally dead-letters). */
function failed(h: Shell, ctx: EventContext, err: unknown): RestoreFailedError {
  h.metrics.count("RestoreFailed", errorCode(err instanceof RestoreFailedError ? err.cause : err));
  const failure =
    err instanceof RestoreFailedError
      ? err
      : new RestoreFailedError(
          `RestoreObject s3://${ctx.read.bucket}/${ctx.read.keys[0]} failed: ${errorCode(err)}`,
          ctx.fields as ObjectRef,
          { cause: err },
        );
  h.log.error("restore failed; the event will be retried and then dead-lettered", {
    ...ctx.fields,
    tier: ctx.tier,
    outcome: "failed",
    errorCode: errorCode(failure.cause),
    httpStatus: httpStatus(failure.cause),
    s3RequestId: requestIdOf(failure.cause),
    error: failure.message,
    latencyMs: h.clock() - ctx.started,
  });
  return failure;
}

/** Expands the missed key's directory; defers the event when the budget stops it part way. */
async function directory(h: Shell, ctx: EventContext, event: unknown): Promise<DirectorySummary> {
  const { summary, release } = await expandDirectory(
    {
      s3: h.s3,
      config: { ...h.config, directory: h.config.directory! },
      log: h.log,
      metrics: h.metrics,
      ...(h.claims ? { claims: h.claims } : {}),
      ...(h.budget ? { budget: h.budget } : {}),
      recent: h.recent,
      clock: h.clock,
    },
    ctx.read,
    ctx.fields,
  );
  if (summary.budgetExceeded) {
    // The redrive lists the directory again: what was restored by then costs no request.
    await deferEvent(h, ctx, event, "directory");
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
