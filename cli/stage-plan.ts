/**
 * The plan of `glacier-restore stage`: one streamed listing summarized into what needs a restore (per
 * archive, with tier, ready window and cost) and what a Batch Operations job per family would meet.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { eachObject, withAccessTier, type ListingCounters } from "../aws/listing";
import { addToFamilies, type BatchFamily, type CreateRestoreJobRequest, type FamilyTally } from "../core/batch-jobs";
import { stateOf, type ListedObject } from "../core/dataset";
import { archiveOf, expectedReadyHours, type Archive, type Tier } from "../core/restore-rules";
import { restoreCost, type Prices } from "../cost/pricing";
import { GlacierRestoreError } from "../core/errors";
import type { Io } from "./context";
import { listLocation } from "./listing";
import type { ListingSpool } from "./spool";

export interface ArchivePlan {
  objects: number;
  bytes: number;
  tier: Tier;
  readyWithinHours: { min: number; max: number };
  usd: number;
  /** How the cost was found. */
  priced: string;
}

export interface BatchJobPlan {
  family: BatchFamily;
  /** Objects the generated manifest will hold (each one a task, billed). */
  tasks: number;
  expectedFailures: number;
  unknownTier: number;
  /** Why S3 may fail the job for its failure rate, when it may. */
  risk?: string;
  /** Restores plus the job's fees. */
  usd: number;
  request: CreateRestoreJobRequest;
}

/** What a refresh (`stage --refresh`, stage-refresh.ts) found besides the copies it renews. */
export interface RefreshFindings {
  /** The window, as given (`--within`). */
  within: string;
  /** Copies expiring before this instant are renewed (ISO 8601). */
  before: string;
  /** Restored copies that expire later: left alone. */
  laterCopies: number;
  /** Archived objects without a restored copy: not restored by a refresh (stage without --refresh does). */
  archived: number;
  /** Intelligent-Tiering objects: their restores have no expiry, so there is nothing to renew. */
  intelligentTieringSkipped: number;
}

export interface StagePlan {
  location: { bucket: string; prefix: string };
  tier: Tier;
  days: number;
  mode: "direct" | "batch";
  /** Why this mode (the flag, or the size of the dataset). */
  modeReason: string;
  archives: Partial<Record<Archive, ArchivePlan>>;
  toRestore: { objects: number; bytes: number };
  alreadyRestoring: number;
  alreadyReadable: number;
  /** Intelligent-Tiering objects whose access tier was not asked (a batch plan lists without HeadObject). */
  unknownTier: number;
  families: Partial<Record<BatchFamily, FamilyTally>>;
  jobs?: BatchJobPlan[];
  usd: number;
  maxCost: number;
  /** ListObjectsV2 and HeadObject requests made by the command up to this plan (every pass). */
  listRequests: number;
  headRequests: number;
  /** With --refresh: the window and what the listing left alone. */
  refresh?: RefreshFindings;
}

/** Cost of restoring one archive's share (cost/pricing.ts; an assumption, when the figure rests on one, is said). */
export function priceArchive(
  archive: Archive,
  tier: Tier,
  objects: number,
  bytes: number,
  prices: Prices,
): ArchivePlan {
  const { tier: used, usd, assumption } = restoreCost(archive, tier, objects, bytes, prices.prices);
  const readyWithinHours = expectedReadyHours(archive, used);
  return {
    objects,
    bytes,
    tier: used,
    readyWithinHours,
    usd,
    priced: assumption ?? `cost/prices.json, ${prices.region}`,
  };
}

/** An archived object of the listing, with its archive (undefined when it needs no restore). */
export function archiveToRestore(o: ListedObject): Archive | undefined {
  if (stateOf(o).state !== "archived") return undefined;
  return archiveOf({ storageClass: o.storageClass, archiveStatus: o.archiveStatus || undefined });
}

/** Objects and bytes per archive, as a listing tallies them. */
export type ArchiveCounts = Partial<Record<Archive, { objects: number; bytes: number }>>;

export function countArchive(counts: ArchiveCounts, archive: Archive, size: number): void {
  const c = (counts[archive] ??= { objects: 0, bytes: 0 });
  c.objects++;
  c.bytes += size;
}

/** Objects, bytes and USD of a plan: the sums over its priced archives. */
export function planTotals(archives: StagePlan["archives"]): Pick<StagePlan, "toRestore" | "usd"> {
  const all = Object.values(archives);
  return {
    toRestore: { objects: all.reduce((n, a) => n + a.objects, 0), bytes: all.reduce((n, a) => n + a.bytes, 0) },
    usd: all.reduce((n, a) => n + a.usd, 0),
  };
}

/**
 * Where a plan's objects come from: a listing of the location (by `parallel` streams; in listing order
 * when 1), or what an earlier pass kept (`from`), read back without a request. Either way, with `deep`
 * each Intelligent-Tiering object not yet asked gets one HeadObject; `keep` keeps every object visited
 * so the restores read them back instead of listing again.
 */
export interface PlanSource {
  readonly parallel: number;
  readonly deep: boolean;
  readonly counters: ListingCounters;
  readonly from?: ListingSpool;
  readonly keep?: ListingSpool;
}

/** The one listing loop of every stage plan: visits each object once, with a progress line on a terminal. */
export async function forEachListed(
  s3: S3Client,
  location: { bucket: string; prefix: string },
  source: PlanSource,
  io: Io,
  visit: (o: ListedObject) => void,
): Promise<void> {
  const label = `planning s3://${location.bucket}/${location.prefix}`;
  const objects = source.from
    ? source.from.replay()
    : eachObject(
        listLocation(
          s3,
          location,
          { parallel: source.parallel, deep: source.deep, counters: source.counters, label },
          io,
        ),
      );
  for await (const listed of objects) {
    const o =
      source.from && source.deep && listed.archiveStatus === undefined
        ? await withAccessTier(s3, location.bucket, listed, source.counters)
        : listed;
    source.keep?.add(o);
    visit(o);
  }
}

/** Lists the location once (HEADing Intelligent-Tiering objects only with `deep`) and prices the restores. */
export async function listPlan(
  s3: S3Client,
  options: {
    location: { bucket: string; prefix: string };
    tier: Tier;
    days: number;
    maxCost: number;
    prices: Prices;
  },
  source: PlanSource,
  io: Io,
): Promise<StagePlan> {
  const { location, tier } = options;
  const counts: ArchiveCounts = {};
  const families: StagePlan["families"] = {};
  let alreadyRestoring = 0;
  let alreadyReadable = 0;
  let unknownTier = 0;
  // Fanned out, objects arrive in no fixed order: the failure warning then judges the totals only.
  const ordered = source.parallel <= 1;
  await forEachListed(s3, location, source, io, (o) => {
    // In listing order: the job failure warning judges the prefixes of that order (failureRisk).
    addToFamilies(families, o, ordered);
    const state = stateOf(o).state;
    if (state === "restoring") alreadyRestoring++;
    else if (state === "readable") alreadyReadable++;
    else if (state === "unknown") unknownTier++;
    const archive = archiveToRestore(o);
    if (archive) countArchive(counts, archive, o.size);
  });
  const archives: StagePlan["archives"] = {};
  for (const [archive, c] of Object.entries(counts) as [Archive, { objects: number; bytes: number }][])
    archives[archive] = priceArchive(archive, tier, c.objects, c.bytes, options.prices);
  const totals = planTotals(archives);
  return {
    location,
    tier,
    days: options.days,
    mode: "direct",
    modeReason: "",
    archives,
    toRestore: totals.toRestore,
    alreadyRestoring,
    alreadyReadable,
    unknownTier,
    families,
    usd: totals.usd,
    maxCost: options.maxCost,
    listRequests: source.counters.list,
    headRequests: source.counters.head,
  };
}

function hours(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} min` : `${h} h`;
}

/** One archive's line of a plan: objects, tier, ready window, cost and how it was priced. */
export function archiveLine(archive: string, a: ArchivePlan): string {
  return `  ${archive.padEnd(34)} ${String(a.objects).padStart(8)} objects  ${a.tier.padEnd(9)} ready in ${hours(a.readyWithinHours.min)}-${hours(a.readyWithinHours.max)}  ${a.usd.toFixed(2)} USD (${a.priced})`;
}

export function planText(p: StagePlan): string {
  const lines = [
    `s3://${p.location.bucket}/${p.location.prefix}: ${p.toRestore.objects} objects to restore (${p.toRestore.bytes} bytes), ${p.alreadyRestoring} already restoring, ${p.alreadyReadable} readable${p.unknownTier ? `, ${p.unknownTier} Intelligent-Tiering objects of unlisted tier` : ""}`,
  ];
  for (const [archive, a] of Object.entries(p.archives)) lines.push(archiveLine(archive, a));
  if (p.mode === "batch") {
    lines.push(`  with S3 Batch Operations (${p.modeReason}):`);
    for (const j of p.jobs ?? [])
      lines.push(
        `    ${j.family} job: ${j.tasks} tasks (${j.request.ManifestGenerator.S3JobManifestGenerator.Filter.MatchAnyStorageClass.join(", ")}), ${j.expectedFailures} expected to fail harmlessly, ${j.usd.toFixed(2)} USD with its fees${j.risk ? `\n      warning: ${j.risk}` : ""}`,
      );
  } else if (p.modeReason) lines.push(`  directly, one RestoreObject per object (${p.modeReason})`);
  lines.push(`  total ${p.usd.toFixed(2)} USD; restored copies kept ${p.days} days (their storage is billed too)`);
  return `${lines.join("\n")}\n`;
}

/** What stopBeforeSpending weighs: a plan's cost and limit, whether it has anything to do, its text. */
export interface SpendingGate {
  readonly plan: { readonly usd: number; readonly maxCost: number };
  readonly nothing: boolean;
  readonly text: string;
  /** What the command would have done: "restored", "refreshed". */
  readonly verb: string;
}

/** The flags and context of a spending command. */
export interface Spending {
  readonly json: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly where: string;
  /** The requests the command made, for --json. */
  readonly requests: object;
}

/**
 * Prints the plan (text, or with --json only when it stops here) and stops on --dry-run, on nothing to
 * do, or above --max-cost without --yes (exit 1).
 */
export function stopBeforeSpending(g: SpendingGate, s: Spending, io: Pick<Io, "stdout">): boolean {
  const overBudget = g.plan.usd > g.plan.maxCost && !s.yes;
  if (!s.dryRun && !overBudget && !g.nothing) {
    if (!s.json) io.stdout.write(g.text);
    return false;
  }
  io.stdout.write(s.json ? `${JSON.stringify({ plan: g.plan, dryRun: s.dryRun, requests: s.requests })}\n` : g.text);
  if (overBudget && !s.dryRun)
    throw new GlacierRestoreError(
      "external",
      `${s.where}: the plan costs ${g.plan.usd.toFixed(2)} USD, above --max-cost ${g.plan.maxCost}: nothing was ${g.verb} (rerun with --yes, or a higher --max-cost)`,
    );
  return true;
}
