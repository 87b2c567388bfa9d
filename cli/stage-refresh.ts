/**
 * `glacier-restore stage <location> --refresh [--within 2d]`: keeps the restored copies a job still needs.
 * Re-issues RestoreObject, with the new `Days`, for each object whose restored copy expires within the
 * window, and for nothing else. The S3 API Reference (RestoreObject) says: "After restoring an archived
 * object, you can update the restoration period by reissuing the request with a new period. Amazon S3
 * updates the restoration period relative to the current time and charges only for the request-there are
 * no data transfer charges." S3 answers such a request 200 (aws/restore-object.ts: "already-restored").
 * Intelligent-Tiering restores have no expiry (the object moves back to Frequent Access): skipped.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { stateOf, type ListedObject } from "../core/dataset";
import { archiveOf, type Archive, type Tier } from "../core/restore-rules";
import type { Prices } from "../cost/pricing";
import type { Io } from "./context";
import type { StageOutcome } from "./stage-direct";
import {
  countArchive,
  forEachListed,
  planTotals,
  priceArchive,
  type ArchiveCounts,
  type PlanSource,
  type RefreshFindings,
  type StagePlan,
} from "./stage-plan";

/** The archive of an object whose restored copy expires before `before`, else undefined. */
export function expiringCopy(o: ListedObject, before: Date): Archive | undefined {
  if (o.storageClass === "INTELLIGENT_TIERING" || !o.restoreExpiry || !stateOf(o).restoredCopy) return undefined;
  if (o.restoreExpiry.getTime() > before.getTime()) return undefined;
  return archiveOf({ storageClass: o.storageClass });
}

/**
 * Lists the location once (no HeadObject: Intelligent-Tiering objects are skipped anyway) and prices the
 * renewals: requests only, at the tier's request price (no retrieval per GB).
 */
export async function listRefreshPlan(
  s3: S3Client,
  options: {
    location: { bucket: string; prefix: string };
    tier: Tier;
    days: number;
    maxCost: number;
    prices: Prices;
    within: string;
    before: Date;
  },
  source: PlanSource,
  io: Io,
): Promise<StagePlan> {
  const { location, tier, before } = options;
  const counts: ArchiveCounts = {};
  const found: RefreshFindings = {
    within: options.within,
    before: before.toISOString(),
    laterCopies: 0,
    archived: 0,
    intelligentTieringSkipped: 0,
  };
  let alreadyRestoring = 0;
  let alreadyReadable = 0;
  await forEachListed(s3, location, source, io, (o) => {
    const state = stateOf(o);
    if (o.storageClass === "INTELLIGENT_TIERING") found.intelligentTieringSkipped++;
    else if (state.state === "restoring") alreadyRestoring++;
    else if (state.state === "archived") found.archived++;
    else if (state.state === "readable") alreadyReadable++;
    const archive = expiringCopy(o, before);
    if (archive) countArchive(counts, archive, o.size);
    else if (state.restoredCopy && o.storageClass !== "INTELLIGENT_TIERING") found.laterCopies++;
  });
  const archives: StagePlan["archives"] = {};
  for (const [archive, c] of Object.entries(counts) as [Archive, { objects: number; bytes: number }][])
    archives[archive] = {
      // Priced with no bytes: only the request is charged.
      ...priceArchive(archive, tier, c.objects, 0, options.prices),
      bytes: c.bytes,
      readyWithinHours: { min: 0, max: 0 },
      priced: `requests only, no retrieval (S3 API Reference, RestoreObject); cost/prices.json, ${options.prices.region}`,
    };
  const totals = planTotals(archives);
  return {
    location,
    tier,
    days: options.days,
    mode: "direct",
    modeReason: "--refresh: one RestoreObject per expiring copy",
    archives,
    toRestore: totals.toRestore,
    alreadyRestoring,
    alreadyReadable,
    unknownTier: 0,
    families: {},
    usd: totals.usd,
    maxCost: options.maxCost,
    listRequests: source.counters.list,
    headRequests: source.counters.head,
    refresh: found,
  };
}

/** The refresh plan for people. */
export function refreshPlanText(p: StagePlan & { refresh: RefreshFindings }): string {
  const r = p.refresh;
  const lines = [
    `s3://${p.location.bucket}/${p.location.prefix}: ${p.toRestore.objects} restored copies expire within ${r.within} (before ${r.before}) and get ${p.days} more days from now; ${r.laterCopies} expire later, ${p.alreadyRestoring} restoring, ${r.archived} archived without a copy (not restored by --refresh)`,
  ];
  if (r.intelligentTieringSkipped > 0)
    lines.push(
      `  ${r.intelligentTieringSkipped} Intelligent-Tiering objects skipped: their restores have no expiry (the object moves back to Frequent Access)`,
    );
  for (const [archive, a] of Object.entries(p.archives))
    lines.push(
      `  ${archive.padEnd(34)} ${String(a.objects).padStart(8)} copies   ${a.tier.padEnd(9)} ${a.usd.toFixed(2)} USD (${a.priced})`,
    );
  lines.push(`  total ${p.usd.toFixed(2)} USD; the renewed copies' storage is billed for the added days`);
  return `${lines.join("\n")}\n`;
}

/** What a refresh did, for people: S3's 200 is a renewed copy, a 202 a copy that expired meanwhile. */
export function refreshOutcomeText(p: StagePlan, outcome: StageOutcome): string {
  const where = `s3://${p.location.bucket}/${p.location.prefix}`;
  return `refreshed ${outcome.alreadyRestored} (each copy now expires ${p.days} days from now), expired meanwhile and restored again ${outcome.started}, already in progress ${outcome.alreadyInProgress}, failed ${outcome.failed}\nnext: glacier-restore status ${where}\n`;
}
