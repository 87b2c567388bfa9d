/**
 * One restore attempt, owned in one place. The restore function, its directory expansion and
 * `glacier-restore stage` (direct) call `attemptRestore`; none of them re-implements a step of it. The model
 * is Powertools' idempotency handler: one object takes the in-progress mark, gives it back on error and
 * keeps it (here: remembers the object) on success.
 *
 * The steps, always in this order:
 * 1. this container's memory of recent restores (a hit asks nothing);
 * 2. the cross-container claim: a claim store that fails means "no claim" (logged, counted, the attempt
 *    goes on: a duplicate request costs little, a dropped one leaves a reader failing);
 * 3. the caller's plan, once the object is claimed (the function HEADs the object here);
 * 4. observe mode: count what would be requested, request nothing;
 * 5. the budget's reservation (refused: the claim is given back for the redrive);
 * 6. RestoreObject, with the Expedited fallback;
 * 7. the refund when S3 started nothing (its failure is logged and counted, never makes the attempt fail,
 *    and never happens twice);
 * 8. the caller's follow-up (the "restore initiated" notification), then remembering the object.
 * An error in steps 3 to 6 gives the reservation and the claim back and is rethrown. An error in step 8
 * keeps both: S3 has the restore, and the event's retry holds the same claim again.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Archive, Tier } from "../core/restore-rules";
import { errorCode } from "./aws-errors";
import type { BudgetStore } from "./budget";
import type { ClaimResult, ClaimStore } from "./claims";
import { restoreWithExpeditedFallback, type ObjectRef, type Pace, type RestoreOutcome } from "./restore-object";
import type { Log, RestoreMetrics } from "./telemetry";

/** This container's memory of objects it recently handled (functions/restore/recent.ts). */
export interface RestoreMemory {
  has(id: string, now: number): boolean;
  remember(id: string, now: number): void;
}

/** What an attempt may use; each part it lacks is a step it skips (the operator command has no claims). */
export interface AttemptDeps {
  readonly s3: S3Client;
  readonly log?: Log;
  readonly metrics?: RestoreMetrics;
  readonly recent?: RestoreMemory;
  readonly claims?: ClaimStore;
  readonly budget?: BudgetStore;
  /** Observe mode: count what would be requested and request nothing. */
  readonly observe?: boolean;
  /** Wraps each RestoreObject request (rate and SlowDown retries of the operator command). */
  readonly pace?: Pace;
}

/** The object as the event named it: its claim and its memory entry are kept under this name. */
export interface AttemptObject {
  readonly ref: ObjectRef;
  /** Only an event with a stable ID claims: Lambda's retries of it must pass their own claim. */
  readonly eventId?: string;
  /** When the attempt starts (the claim's time, the budget's day, the memory's clock). */
  readonly at: number;
  /** Fields of the attempt's own log lines; the object's name otherwise. */
  readonly fields?: Record<string, unknown>;
}

/** The RestoreObject request to make. */
export interface RestoreRequest {
  readonly tier: Tier;
  /** Absent for Intelligent-Tiering: those restores have no expiry and reject `Days`. */
  readonly days?: number;
  /** The object's size: what the budget reserves. */
  readonly bytes: number;
  readonly archive: Archive;
  /** The tier configured when the plan already chose another (Deep Archive has no Expedited). */
  readonly requestedTier?: Tier;
  /** The key form that exists, when it differs from the name the object was claimed under. */
  readonly ref?: ObjectRef;
  /** Runs before the Standard request that follows an Expedited one S3 had no capacity for. */
  readonly onFallback?: () => void;
}

/** What S3 answered, and the tier that got that answer (Standard after a fallback). */
export interface S3Answer {
  readonly outcome: RestoreOutcome;
  readonly tier: Tier;
}

/** The caller's plan, made once the object is claimed: a request, or none (and whether to remember it). */
export type Prepared =
  | { readonly request: RestoreRequest; readonly after?: (answer: S3Answer) => Promise<void> }
  | { readonly request?: undefined; readonly remember: boolean; readonly after?: () => Promise<void> };

export type Plan = (claim: ClaimResult | undefined) => Promise<Prepared>;

export type AttemptResult =
  | { readonly status: "recently-requested" | "claimed-elsewhere" | "no-request" }
  | { readonly status: "would-restore" | "budget-exceeded"; readonly request: RestoreRequest }
  | { readonly status: "requested"; readonly request: RestoreRequest; readonly answer: S3Answer };

/** The name an object is claimed and remembered under: one per bucket, key and version. */
export function objectId(ref: ObjectRef): string {
  return `${ref.bucket}\u0000${ref.key}\u0000${ref.versionId ?? ""}`;
}

/** Claims `id` for the event; a claim store that fails is logged and counted, and means no claim. */
export async function claimOrNone(
  deps: Pick<AttemptDeps, "claims" | "log" | "metrics">,
  id: string,
  eventId: string | undefined,
  at: number,
  fields: Record<string, unknown>,
): Promise<ClaimResult | undefined> {
  if (!deps.claims || !eventId) return undefined;
  try {
    return await deps.claims.claim(id, eventId, at);
  } catch (err) {
    deps.metrics?.count("ClaimStoreUnavailable", errorCode(err));
    deps.log?.warn("claim store unavailable; going on without a claim", { ...fields, errorCode: errorCode(err) });
    return undefined;
  }
}

/** Gives a claim back; one that cannot be given back expires by itself. */
export async function releaseClaim(
  deps: Pick<AttemptDeps, "claims" | "log">,
  id: string,
  eventId: string | undefined,
  fields: Record<string, unknown>,
): Promise<void> {
  if (!deps.claims || !eventId) return;
  await deps.claims
    .release(id, eventId)
    .catch((err: unknown) =>
      deps.log?.warn("could not release claim; it expires by itself", { ...fields, errorCode: errorCode(err) }),
    );
}

/** Runs one attempt (see the module comment for its steps); a request that failed is rethrown. */
export async function attemptRestore(
  deps: AttemptDeps,
  object: AttemptObject,
  request: RestoreRequest | Plan,
): Promise<AttemptResult> {
  const id = objectId(object.ref);
  const fields = object.fields ?? { ...object.ref, eventId: object.eventId };
  if (deps.recent?.has(id, object.at)) return { status: "recently-requested" };
  const claim = await claimOrNone(deps, id, object.eventId, object.at, fields);
  if (claim === "held-elsewhere") {
    deps.recent?.remember(id, object.at);
    return { status: "claimed-elsewhere" };
  }
  const held = claim !== undefined;
  const release = () => (held ? releaseClaim(deps, id, object.eventId, fields) : Promise.resolve());

  let prepared: Prepared;
  let answer: S3Answer | "budget-exceeded" | undefined;
  try {
    prepared = typeof request === "function" ? await request(claim) : { request };
    // Observe mode leaves `answer` undefined: nothing is reserved or requested.
    if (prepared.request && !deps.observe) answer = await reserveAndRequest(deps, object, prepared.request, fields);
  } catch (err) {
    await release();
    throw err;
  }
  if (!prepared.request) {
    await prepared.after?.();
    if (prepared.remember) deps.recent?.remember(id, object.at);
    return { status: "no-request" };
  }
  if (answer === undefined) {
    deps.metrics?.count("WouldRestore", prepared.request.archive);
    return { status: "would-restore", request: prepared.request };
  }
  if (answer === "budget-exceeded") {
    // Given back, so the redrive (or another event for this object) may act.
    await release();
    return { status: "budget-exceeded", request: prepared.request };
  }
  countAnswer(deps, prepared.request, answer);
  await prepared.after?.(answer);
  // Remembered only once everything is done, so a retry in this container is not answered from memory.
  deps.recent?.remember(id, object.at);
  return { status: "requested", request: prepared.request, answer };
}

/** Reserves from the budget, asks S3, and gives the reservation back when S3 started nothing. */
async function reserveAndRequest(
  deps: AttemptDeps,
  object: AttemptObject,
  request: RestoreRequest,
  fields: Record<string, unknown>,
): Promise<S3Answer | "budget-exceeded"> {
  const { budget } = deps;
  if (budget && (await budget.reserve(request.bytes, object.at)) === "exceeded") return "budget-exceeded";
  let answer: S3Answer;
  try {
    answer = await restoreWithExpeditedFallback(
      deps.s3,
      request.ref ?? object.ref,
      { tier: request.tier, ...(request.days !== undefined ? { days: request.days } : {}) },
      { ...(request.onFallback ? { onFallback: request.onFallback } : {}), ...(deps.pace ? { pace: deps.pace } : {}) },
    );
  } catch (err) {
    if (budget) await refund(deps, budget, object, request, fields);
    throw err;
  }
  // S3 started nothing (a copy exists or is on its way): the reservation goes back.
  if (budget && answer.outcome !== "initiated") await refund(deps, budget, object, request, fields);
  return answer;
}

/**
 * Gives a reservation back. A refund that fails leaves the day's count one restore too high (the budget
 * errs on the side of spending less): logged and counted, never a failure of the attempt.
 */
async function refund(
  deps: AttemptDeps,
  budget: BudgetStore,
  object: AttemptObject,
  request: RestoreRequest,
  fields: Record<string, unknown>,
): Promise<void> {
  try {
    await budget.refund(request.bytes, object.at);
  } catch (err) {
    deps.metrics?.count("BudgetRefundFailed", errorCode(err));
    deps.log?.warn("could not give the budget reservation back; today's budget counts it", {
      ...fields,
      bytes: request.bytes,
      errorCode: errorCode(err),
    });
  }
}

/** Counts what S3 answered, and a tier other than the configured one. */
function countAnswer(deps: AttemptDeps, request: RestoreRequest, answer: S3Answer): void {
  if (answer.tier !== request.tier) deps.metrics?.count("TierFallback", "expedited-unavailable");
  else if (request.requestedTier) deps.metrics?.count("TierFallback", "archive-has-no-expedited");
  if (answer.outcome === "initiated") deps.metrics?.count("RestoreInitiated", request.archive);
  else deps.metrics?.count("RestoreSkipped", answer.outcome);
}
