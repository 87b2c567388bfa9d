/**
 * The direct path of `glacier-restore stage`: one restore attempt per archived object (the function's own,
 * aws/restore-attempt.ts, without memory, claims or budget), at most `perSecond` request starts a second,
 * with bounded concurrency that halves on S3's SlowDown and grows back while S3 keeps up. The objects
 * stream (from the plan's spool or a listing), so memory stays flat however many objects there are.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { errorCode } from "../aws/aws-errors";
import { attemptRestore } from "../aws/restore-attempt";
import type { Pace } from "../aws/restore-object";
import type { ListedObject } from "../core/dataset";
import { restoreDaysFor, tierFor, type Archive, type Tier } from "../core/restore-rules";
import { progress, type Io } from "./context";
import { archiveToRestore, type StagePlan } from "./stage-plan";

/** Spaces request starts so that no more than `perSecond` begin in any second. */
class RateGate {
  private next = 0;
  constructor(private readonly perSecond: number) {}

  async pass(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}

/** Restores run with at most `limit` in flight; SlowDown halves the limit, a run of successes raises it. */
class Limiter {
  private inFlight = 0;
  private streak = 0;
  private waiting: (() => void)[] = [];
  constructor(
    public limit: number,
    private readonly max: number,
  ) {}

  async acquire(): Promise<void> {
    while (this.inFlight >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
  }

  release(outcome: "ok" | "slow-down"): void {
    this.inFlight--;
    if (outcome === "slow-down") {
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      this.streak = 0;
    } else if (++this.streak >= 50 && this.limit < this.max) {
      this.limit++;
      this.streak = 0;
    }
    this.waiting.shift()?.();
  }
}

export interface StageOutcome {
  started: number;
  alreadyRestored: number;
  alreadyInProgress: number;
  failed: number;
  slowDowns: number;
  tierFallbacks: number;
  failures: { key: string; code: string }[];
}

/** SlowDown answers one request may meet before it counts as failed. */
const SLOW_DOWN_ATTEMPTS = 8;

/** Each request waits for a slot and its start time; SlowDown halves the slots and asks again. */
function pacer(limiter: Limiter, gate: RateGate, outcome: StageOutcome): Pace {
  return async (send) => {
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire();
      await gate.pass();
      try {
        const answer = await send();
        limiter.release("ok");
        return answer;
      } catch (err) {
        const slowDown = errorCode(err) === "SlowDown";
        limiter.release(slowDown ? "slow-down" : "ok");
        if (!slowDown || attempt >= SLOW_DOWN_ATTEMPTS) throw err;
        outcome.slowDowns++;
      }
    }
  };
}

/** Which of the plan's objects get a request (default: the archived ones). */
export interface Selection {
  readonly select?: (o: ListedObject) => Archive | undefined;
}

/**
 * One restore per selected object of `objects` (the plan's own listing read back, or a new listing),
 * at the plan's tier and days.
 */
export async function restoreAll(
  s3: S3Client,
  p: StagePlan,
  objects: AsyncIterable<ListedObject>,
  concurrency: number,
  perSecond: number,
  io: Io,
  selection: Selection = {},
): Promise<StageOutcome> {
  const outcome: StageOutcome = {
    started: 0,
    alreadyRestored: 0,
    alreadyInProgress: 0,
    failed: 0,
    slowDowns: 0,
    tierFallbacks: 0,
    failures: [],
  };
  const limiter = new Limiter(concurrency, Math.max(concurrency, 100));
  const deps = { s3, pace: pacer(limiter, new RateGate(perSecond), outcome) };
  const bar = progress(io);
  let done = 0;
  const send = async (key: string, size: number, archive: Archive, tier: Tier): Promise<void> => {
    const days = restoreDaysFor(archive, p.days);
    try {
      const result = await attemptRestore(
        deps,
        { ref: { bucket: p.location.bucket, key }, at: Date.now() },
        { tier, bytes: size, archive, ...(days !== undefined ? { days } : {}) },
      );
      // Without memory, claims, budget or observe mode every attempt asks S3.
      if (result.status !== "requested") return;
      if (result.answer.tier !== tier) outcome.tierFallbacks++;
      if (result.answer.outcome === "already-restored") outcome.alreadyRestored++;
      else if (result.answer.outcome === "already-in-progress") outcome.alreadyInProgress++;
      else outcome.started++;
    } catch (err) {
      outcome.failed++;
      if (outcome.failures.length < 20) outcome.failures.push({ key, code: errorCode(err) });
    }
  };
  const pending = new Set<Promise<void>>();
  try {
    const select = selection.select ?? archiveToRestore;
    for await (const o of objects) {
      const archive = select(o);
      if (!archive) continue;
      // Wait for a slot before taking the next object, so memory stays flat however long the listing.
      while (pending.size >= limiter.limit) await Promise.race(pending);
      const task = send(o.key, o.size, archive, tierFor(archive, p.tier)).finally(() => {
        pending.delete(task);
        bar.update(`staging: ${++done}/${p.toRestore.objects} requested`);
      });
      pending.add(task);
    }
    await Promise.all(pending);
  } finally {
    bar.done();
  }
  return outcome;
}
