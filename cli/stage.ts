/**
 * `glacier-restore stage <location>`: restore every archived object of a dataset before a job needs it.
 * Plans first (objects, bytes, the tier each archive gets, when the copies should be readable, what it
 * costs from cost/prices.json); `--dry-run` stops there and makes no mutating call; above `--max-cost`
 * nothing is restored without `--yes`. Then restores directly, with bounded concurrency that halves on
 * S3's SlowDown. A rerun skips what is restoring or restored, so an interrupted stage simply resumes.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { errorCode } from "../aws/aws-errors";
import { listDataset } from "../aws/listing";
import { restoreObject } from "../aws/restore-object";
import { stateOf, type ListedObject } from "../core/dataset";
import { GlacierRestoreError } from "../core/errors";
import {
  archiveOf,
  expectedReadyHours,
  restoreDaysFor,
  tierFor,
  TIERS,
  type Archive,
  type Tier,
} from "../core/restore-rules";
import { restoreRequestCost, type Prices } from "../cost/estimate";
import { loadPrices } from "../cost/price-table";
import { flagHelp, parseArgs, type FlagSpec } from "./args";
import { awsFailure, progress, resolveLocation, s3Client, type Io } from "./context";

const FLAGS: Record<string, FlagSpec> = {
  tier: { value: true, help: "Expedited | Standard | Bulk (default: the target's restoreTier, else Standard)" },
  days: { value: true, help: "days the restored copies stay (default: the target's restoreDays, else 7)" },
  "dry-run": { help: "print the plan and stop: no restore request is made" },
  "max-cost": { value: true, help: "refuse to restore above this many USD without --yes (default 50)" },
  yes: { help: "restore even above --max-cost" },
  concurrency: {
    value: true,
    help: "restore requests in flight at first (default 16; grows to 100 while S3 keeps up)",
  },
  rate: { value: true, help: "restore requests per second at most (default 500; S3 allows 1,000 per account)" },
  json: { help: "print the plan and the outcome as one JSON document" },
  help: { help: "this text" },
};

export const STAGE_HELP = `Usage: glacier-restore stage <s3://bucket/prefix | target> [--tier T] [--days N] [--dry-run]
                            [--max-cost USD] [--yes] [--concurrency N] [--rate N] [--json]

Restores every archived object under the location: plans first (objects and bytes per archive, the tier
each gets, when they should be readable, the cost from cost/prices.json), then sends RestoreObject for
each, at most --rate a second (S3 allows 1,000 restore requests a second per account), with bounded
concurrency that halves when S3 answers SlowDown. Objects already restoring or
restored are skipped, so rerunning an interrupted stage resumes it. Intelligent-Tiering objects are
asked for their access tier (one HeadObject each). Follow with: glacier-restore wait <location>.

${flagHelp(FLAGS)}

Exit status: 0 every archived object is restoring or restored, 1 failures or over --max-cost, 2 bad usage.
`;

interface ArchivePlan {
  objects: number;
  bytes: number;
  tier: Tier;
  readyWithinHours: { min: number; max: number };
  usd: number;
  /** How the cost was found. */
  priced: string;
}

export interface StagePlan {
  location: { bucket: string; prefix: string };
  tier: Tier;
  days: number;
  archives: Partial<Record<Archive, ArchivePlan>>;
  toRestore: { objects: number; bytes: number };
  alreadyRestoring: number;
  alreadyReadable: number;
  usd: number;
  maxCost: number;
  listRequests: number;
}

function positiveInt(text: string | true | undefined, flag: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (typeof text !== "string" || !Number.isInteger(n) || n < 1 || n > max)
    throw new GlacierRestoreError(
      "usage",
      `${flag}: must be a whole number from 1 to ${max}; got ${JSON.stringify(text)}`,
    );
  return n;
}

/** Cost of restoring one archive's share (Intelligent-Tiering tiers priced as assumed, and said so). */
function priceArchive(archive: Archive, tier: Tier, objects: number, bytes: number, prices: Prices): ArchivePlan {
  const used = tierFor(archive, tier);
  const readyWithinHours = expectedReadyHours(archive, used);
  if (archive === "GLACIER" || archive === "DEEP_ARCHIVE") {
    const { usd } = restoreRequestCost(archive, tier, objects, bytes, prices.prices);
    return { objects, bytes, tier: used, readyWithinHours, usd, priced: `cost/prices.json, ${prices.region}` };
  }
  // Intelligent-Tiering archive tiers: the price table has no line for them; Expedited is priced as
  // Glacier Flexible Retrieval's, Standard and Bulk as free (an assumption to check on the S3 pricing page).
  const usd = used === "Expedited" ? restoreRequestCost("GLACIER", "Expedited", objects, bytes, prices.prices).usd : 0;
  return {
    objects,
    bytes,
    tier: used,
    readyWithinHours,
    usd,
    priced: "assumed: Intelligent-Tiering Standard/Bulk restores free, Expedited as Glacier's",
  };
}

/** An archived object of the listing, with its archive (undefined when it needs no restore). */
function archiveToRestore(o: ListedObject): Archive | undefined {
  if (stateOf(o).state !== "archived") return undefined;
  return archiveOf({ storageClass: o.storageClass, archiveStatus: o.archiveStatus || undefined });
}

async function plan(
  s3: S3Client,
  location: { bucket: string; prefix: string },
  tier: Tier,
  days: number,
  maxCost: number,
  io: Io,
): Promise<StagePlan> {
  const prices = loadPrices();
  const counts: Partial<Record<Archive, { objects: number; bytes: number }>> = {};
  let alreadyRestoring = 0;
  let alreadyReadable = 0;
  const counters = { list: 0, head: 0 };
  const bar = progress(io);
  let seen = 0;
  for await (const o of listDataset(s3, location, { deep: true, counters })) {
    if (++seen % 1000 === 0) bar.update(`planning s3://${location.bucket}/${location.prefix}: ${seen} objects`);
    const state = stateOf(o).state;
    if (state === "restoring") alreadyRestoring++;
    else if (state === "readable") alreadyReadable++;
    const archive = archiveToRestore(o);
    if (!archive) continue;
    const c = (counts[archive] ??= { objects: 0, bytes: 0 });
    c.objects++;
    c.bytes += o.size;
  }
  bar.done();
  const archives: StagePlan["archives"] = {};
  for (const [archive, c] of Object.entries(counts) as [Archive, { objects: number; bytes: number }][])
    archives[archive] = priceArchive(archive, tier, c.objects, c.bytes, prices);
  const all = Object.values(archives);
  return {
    location,
    tier,
    days,
    archives,
    toRestore: {
      objects: all.reduce((n, a) => n + a.objects, 0),
      bytes: all.reduce((n, a) => n + a.bytes, 0),
    },
    alreadyRestoring,
    alreadyReadable,
    usd: all.reduce((n, a) => n + a.usd, 0),
    maxCost,
    listRequests: counters.list,
  };
}

function hours(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} min` : `${h} h`;
}

export function planText(p: StagePlan): string {
  const lines = [
    `s3://${p.location.bucket}/${p.location.prefix}: ${p.toRestore.objects} objects to restore (${p.toRestore.bytes} bytes), ${p.alreadyRestoring} already restoring, ${p.alreadyReadable} readable`,
  ];
  for (const [archive, a] of Object.entries(p.archives))
    lines.push(
      `  ${archive.padEnd(34)} ${String(a.objects).padStart(8)} objects  ${a.tier.padEnd(9)} ready in ${hours(a.readyWithinHours.min)}-${hours(a.readyWithinHours.max)}  ${a.usd.toFixed(2)} USD (${a.priced})`,
    );
  lines.push(`  total ${p.usd.toFixed(2)} USD; restored copies kept ${p.days} days (their storage is billed too)`);
  return `${lines.join("\n")}\n`;
}

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

async function restoreAll(
  s3: S3Client,
  p: StagePlan,
  concurrency: number,
  perSecond: number,
  io: Io,
): Promise<StageOutcome> {
  const gate = new RateGate(perSecond);
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
  const bar = progress(io);
  let done = 0;
  const send = async (key: string, archive: Archive, tier: Tier): Promise<void> => {
    const days = restoreDaysFor(archive, p.days);
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire();
      await gate.pass();
      try {
        const result = await restoreObject(
          s3,
          { bucket: p.location.bucket, key },
          { tier, ...(days !== undefined ? { days } : {}) },
        );
        limiter.release("ok");
        if (result === "already-restored") outcome.alreadyRestored++;
        else if (result === "already-in-progress") outcome.alreadyInProgress++;
        else outcome.started++;
        return;
      } catch (err) {
        const code = errorCode(err);
        limiter.release(code === "SlowDown" ? "slow-down" : "ok");
        if (code === "GlacierExpeditedRetrievalNotAvailable" && tier === "Expedited") {
          outcome.tierFallbacks++;
          tier = "Standard";
          continue;
        }
        if (code === "SlowDown" && attempt < 8) {
          outcome.slowDowns++;
          continue;
        }
        outcome.failed++;
        if (outcome.failures.length < 20) outcome.failures.push({ key, code });
        return;
      }
    }
  };
  const pending = new Set<Promise<void>>();
  try {
    for await (const o of listDataset(s3, p.location, { deep: true })) {
      const archive = archiveToRestore(o);
      if (!archive) continue;
      // Wait for a slot before taking the next object, so memory stays flat however long the listing.
      while (pending.size >= limiter.limit) await Promise.race(pending);
      const task = send(o.key, archive, tierFor(archive, p.tier)).finally(() => {
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

export async function stage(argv: readonly string[], io: Io): Promise<void> {
  const { positional, flags } = parseArgs(argv, FLAGS, "stage");
  if (flags.help) return void io.stdout.write(STAGE_HELP);
  const location = resolveLocation(positional[0], io, "stage");
  const tierText = flags.tier ?? location.target?.restoreTier ?? "Standard";
  if (typeof tierText !== "string" || !(TIERS as readonly string[]).includes(tierText))
    throw new GlacierRestoreError("usage", `--tier: ${JSON.stringify(tierText)}; allowed: ${TIERS.join(", ")}`);
  const tier = tierText as Tier;
  const days = positiveInt(flags.days, "--days", location.target?.restoreDays ?? 7, 30000);
  const concurrency = positiveInt(flags.concurrency, "--concurrency", 16, 100);
  const perSecond = positiveInt(flags.rate, "--rate", 500, 1000);
  const maxCostText = flags["max-cost"] ?? "50";
  const maxCost = Number(maxCostText);
  if (typeof maxCostText !== "string" || !Number.isFinite(maxCost) || maxCost < 0)
    throw new GlacierRestoreError("usage", `--max-cost: must be a number of USD; got ${JSON.stringify(maxCostText)}`);
  const s3 = s3Client(location, io);
  const where = `stage s3://${location.bucket}/${location.prefix}`;
  let thePlan: StagePlan;
  try {
    thePlan = await plan(s3, location, tier, days, maxCost, io);
  } catch (err) {
    awsFailure(err, where);
  }
  const json = flags.json === true;
  const dryRun = flags["dry-run"] === true;
  const overBudget = thePlan.usd > maxCost && flags.yes !== true;
  if (dryRun || overBudget || thePlan.toRestore.objects === 0) {
    io.stdout.write(json ? `${JSON.stringify({ plan: thePlan, dryRun })}\n` : planText(thePlan));
    if (overBudget && !dryRun)
      throw new GlacierRestoreError(
        "external",
        `${where}: the plan costs ${thePlan.usd.toFixed(2)} USD, above --max-cost ${maxCost}: nothing was restored (rerun with --yes, or a higher --max-cost)`,
      );
    return;
  }
  if (!json) io.stdout.write(planText(thePlan));
  let outcome: StageOutcome;
  try {
    outcome = await restoreAll(s3, thePlan, concurrency, perSecond, io);
  } catch (err) {
    awsFailure(err, where);
  }
  io.stdout.write(
    json
      ? `${JSON.stringify({ plan: thePlan, outcome })}\n`
      : `started ${outcome.started}, already restored ${outcome.alreadyRestored}, already in progress ${outcome.alreadyInProgress}, failed ${outcome.failed}${outcome.slowDowns ? ` (${outcome.slowDowns} SlowDown answers, concurrency reduced)` : ""}\nnext: glacier-restore wait s3://${location.bucket}/${location.prefix}\n`,
  );
  if (outcome.failed > 0)
    throw new GlacierRestoreError(
      "external",
      `${where}: ${outcome.failed} restore requests failed (${outcome.failures
        .slice(0, 3)
        .map((f) => `${f.key}: ${f.code}`)
        .join("; ")}); rerun to retry them`,
    );
}
