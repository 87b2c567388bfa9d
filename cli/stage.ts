/**
 * `glacier-restore stage <location>`: restore every archived object of a dataset before a job needs it.
 * Plans first (objects, bytes, the tier each archive gets, when the copies should be readable, what it
 * costs from cost/prices.json); `--dry-run` stops there and makes no mutating call; above `--max-cost`
 * nothing is restored without `--yes`. Then restores directly (RestoreObject per object: stage-direct.ts)
 * or, for a large dataset, with one S3 Batch Operations job per archive family (stage-batch.ts). A rerun
 * skips what is restoring or restored, so an interrupted stage simply resumes.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { ListingCounters } from "../aws/listing";
import { BATCH_THRESHOLD_OBJECTS, BATCH_TIERS } from "../core/batch-jobs";
import type { ListedObject } from "../core/dataset";
import { GlacierRestoreError } from "../core/errors";
import { TIERS } from "../core/restore-rules";
import { loadPrices } from "../cost/price-table";
import { flagHelp, HELP_FLAG, parseArgs, type FlagTable, type FlagValues } from "./args";
import { awsFailure, resolveLocation, s3Client, type Io } from "./context";
import { batchSettings, createJobs, planJobs, s3ControlClient } from "./stage-batch";
import { eachObject } from "../aws/listing";
import { listLocation, parallelFlag } from "./listing";
import { ListingSpool, SPOOL_LIMIT } from "./spool";
import { stageFromInventory } from "./stage-inventory";
import { restoreAll, type Selection, type StageOutcome } from "./stage-direct";
import {
  listPlan,
  planText,
  stopBeforeSpending,
  type PlanSource,
  type Spending,
  type SpendingGate,
  type StagePlan,
} from "./stage-plan";
import { expiringCopy, listRefreshPlan, refreshOutcomeText, refreshPlanText } from "./stage-refresh";

const FLAGS = {
  tier: {
    type: "enum",
    values: TIERS,
    placeholder: "tier",
    help: "Expedited | Standard | Bulk (default: the target's restoreTier, else Standard)",
  },
  days: {
    type: "int",
    min: 1,
    max: 30000,
    help: "days the restored copies stay (default: the target's restoreDays, else 7)",
  },
  "dry-run": { type: "boolean", help: "print the plan and stop: no restore request, no job" },
  "max-cost": {
    type: "number",
    min: 0,
    unit: "USD",
    default: 50,
    placeholder: "USD",
    help: "refuse to restore above this many USD without --yes",
  },
  yes: { type: "boolean", help: "restore even above --max-cost" },
  batch: {
    type: "boolean",
    conflicts: { direct: "--batch and --direct: choose one (default: by the size of the dataset)" },
    help: "one S3 Batch Operations job per archive family (default above 10,000 objects)",
  },
  direct: { type: "boolean", help: "one RestoreObject per object, whatever the size" },
  "role-arn": {
    type: "string",
    placeholder: "ARN",
    help: "Batch Operations job role (default: the target stack's batch_role_arn)",
  },
  reports: {
    type: "string",
    placeholder: "url",
    help: "s3://bucket/prefix/ for job manifests and reports (default: batch_reports_location)",
  },
  inventory: {
    type: "string",
    placeholder: "manifest",
    // Required, not implied: the report path makes Batch Operations jobs only, and --batch says so.
    requires: "batch",
    conflicts: {
      refresh:
        "--inventory with --refresh: a report has no restore expiry, so it cannot tell which copies to renew; --refresh lists the location",
      direct: "--inventory with --direct: the report feeds Batch Operations jobs; --direct restores from a listing",
      parallel: "--inventory with --parallel: a report is read, not listed",
    },
    help: "with --batch: plan from the S3 Inventory report at s3://bucket/.../manifest.json instead of listing, and give each job a manifest made from it (docs/inventory.md)",
  },
  "new-job": { type: "boolean", help: "make new Batch Operations jobs even if the same ones were made today" },
  concurrency: {
    type: "int",
    min: 1,
    max: 100,
    default: 16,
    help: "restore requests in flight at first; grows to 100 while S3 keeps up",
  },
  rate: {
    type: "int",
    min: 1,
    max: 1000,
    default: 500,
    help: "restore requests per second at most; S3 allows 1,000 per account",
  },
  refresh: {
    type: "boolean",
    conflicts: {
      batch:
        "--refresh with --batch: a Batch Operations job's generated manifest holds every object of the storage classes (S3 cannot select restored copies by expiry), so it would restore archived objects too; --refresh re-issues directly, one RestoreObject per expiring copy",
    },
    help: "renew restored copies expiring within --within (RestoreObject with the new --days; no other object)",
  },
  within: {
    type: "duration",
    default: "2d",
    requires: "refresh",
    help: "with --refresh: copies expiring within this long",
  },
  json: { type: "boolean", help: "print the plan and the outcome as one JSON document" },
  ...parallelFlag(1),
  ...HELP_FLAG,
} as const satisfies FlagTable;

const SPOOL_LIMIT_TEXT = SPOOL_LIMIT.toLocaleString("en-US");

export const STAGE_HELP = `Usage: glacier-restore stage <s3://bucket/prefix | target> [--tier T] [--days N] [--dry-run]
                            [--max-cost USD] [--yes] [--batch | --direct] [--role-arn ARN]
                            [--reports s3://bucket/prefix/] [--new-job] [--concurrency N] [--rate N] [--json]
                            [--parallel N]
       glacier-restore stage <location> --refresh [--within 2d] [--days N] [--dry-run] [--max-cost USD] [--yes]
       glacier-restore stage <location> --batch --inventory <s3://bucket/.../manifest.json> [--tier T] [--days N]
                            [--dry-run] [--max-cost USD] [--yes] [--role-arn ARN] [--reports url] [--json]

Restores every archived object under the location. Plans first (objects and bytes per archive, the tier
each gets, when they should be readable, the cost from cost/prices.json), then either
  directly: RestoreObject for each, at most --rate a second (S3 allows 1,000 restore requests a second
    per account), with bounded concurrency that halves when S3 answers SlowDown; Intelligent-Tiering
    objects are asked for their access tier (one HeadObject each); or
  with S3 Batch Operations (--batch, or above ${BATCH_THRESHOLD_OBJECTS.toLocaleString("en-US")} objects when the target has
    batchOperations: true): one job per archive family (Glacier Flexible Retrieval and Deep Archive
    apart from Intelligent-Tiering, as S3 requires), its manifest generated by S3 from the prefix and
    storage classes, a completion report in the reports location. Standard and Bulk only. The job is
    created in the bucket's region; it only starts the restores.
Objects already restoring or restored are skipped, so rerunning an interrupted stage resumes it (a batch
job made today for the same dataset, tier and days is not made twice). Follow with:
glacier-restore wait <location>.

The location is listed once: the restores read back what the plan listed (kept in a private temporary
file, removed at the end; above ${SPOOL_LIMIT_TEXT} objects it is listed again). --parallel N lists a tree of
directories by N streams; the plan's Batch Operations failure warning then judges totals, not windows of
the listing order. --json says the requests made (requests.list, requests.head).

--refresh keeps a dataset a job still uses: for each object whose restored copy expires within --within
(default 2d), RestoreObject again with --days, which S3 counts from now and charges as a request only (no
retrieval; S3 API Reference, RestoreObject). Nothing else is requested: archived objects without a copy,
copies expiring later and Intelligent-Tiering objects (their restores have no expiry) are left alone.
Planned, priced and --dry-run as above; always direct (--batch is refused: a generated manifest cannot
select copies by expiry).

${flagHelp(FLAGS)}

Exit status: 0 every archived object is restoring, restored or in a created job; 1 failures or over
--max-cost; 2 bad usage.
`;

export async function stage(argv: readonly string[], io: Io): Promise<void> {
  const args = parseArgs(argv, FLAGS, "stage");
  if (args.help) return void io.stdout.write(STAGE_HELP);
  const { positional, flags } = args;
  const location = await resolveLocation(positional[0], io, "stage");
  const tier = flags.tier ?? location.target?.restoreTier ?? "Standard";
  if (flags.batch && !(BATCH_TIERS as readonly string[]).includes(tier))
    throw new GlacierRestoreError(
      "usage",
      `--tier ${tier} with --batch: S3 Batch Operations restores with ${BATCH_TIERS.join(" or ")} only (S3InitiateRestoreObjectOperation); use --direct for ${tier}`,
    );
  const refresh = refreshWindow(flags);
  const days = flags.days ?? location.target?.restoreDays ?? 7;
  const { concurrency, rate: perSecond, "max-cost": maxCost } = flags;
  const batchFlags = {
    ...(flags["role-arn"] ? { roleArn: flags["role-arn"] } : {}),
    ...(flags.reports ? { reports: flags.reports } : {}),
  };
  if (flags.inventory !== undefined)
    return stageFromInventory(
      {
        location,
        inventory: flags.inventory,
        tier,
        days,
        maxCost,
        prices: loadPrices(),
        batchFlags,
        newJob: flags["new-job"],
        dryRun: flags["dry-run"],
        yes: flags.yes,
        json: flags.json,
      },
      io,
    );
  const s3 = s3Client(location, io);
  const where = `stage s3://${location.bucket}/${location.prefix}`;
  const prices = loadPrices();
  // Jobs are created in the bucket's region: the target's or --region, else the one the listing client
  // found for the bucket (cli/region.ts), asked after the listing so no second lookup is made.
  const jobRegion = async () => location.region ?? (await s3.config.region());
  const counters: ListingCounters = { list: 0, head: 0 };
  const source = (deep: boolean, more: Pick<PlanSource, "from" | "keep"> = {}): PlanSource => ({
    parallel: flags.parallel,
    deep,
    counters,
    ...more,
  });
  const planOf = async (from: PlanSource): Promise<StagePlan> => {
    try {
      return await listPlan(s3, { location, tier, days, maxCost, prices }, from, io);
    } catch (err) {
      awsFailure(err, where);
    }
  };
  // What the plan listed, kept so that the restores read it back rather than list again; --batch restores
  // nothing directly, so it keeps nothing.
  let kept = flags.batch ? undefined : new ListingSpool();
  const spending = { json: flags.json, dryRun: flags["dry-run"], yes: flags.yes, where, requests: counters };
  try {
    if (refresh) {
      let plan: StagePlan;
      try {
        plan = await listRefreshPlan(
          s3,
          { location, tier, days, maxCost, prices, ...refresh },
          source(false, { keep: kept }),
          io,
        );
      } catch (err) {
        awsFailure(err, where);
      }
      if (stopBeforeSpending(gate(plan), spending, io)) return;
      const select = (o: ListedObject) => expiringCopy(o, refresh.before);
      return await restoreDirectly(s3, plan, objectsToRestore(false), { concurrency, perSecond, select }, spending, io);
    }

    // --direct lists once with HeadObject for Intelligent-Tiering; otherwise list without it first, and
    // ask for the tiers (reading back what was listed) only when the dataset turns out small enough to
    // restore directly.
    let thePlan = await planOf(source(flags.direct, { keep: kept }));
    if (flags.direct) thePlan.modeReason = "--direct";
    else {
      const candidates = thePlan.toRestore.objects + thePlan.unknownTier;
      const wanted = flags.batch || (candidates >= BATCH_THRESHOLD_OBJECTS && tier !== "Expedited");
      const settings = wanted ? batchSettings(location, batchFlags, io) : undefined;
      if (settings && !("missing" in settings)) {
        const day = flags["new-job"] ? new Date().toISOString() : new Date().toISOString().slice(0, 10);
        thePlan.mode = "batch";
        thePlan.modeReason = flags.batch
          ? `--batch, role and reports from ${settings.from}`
          : `${candidates} objects, above ${BATCH_THRESHOLD_OBJECTS}; role and reports from ${settings.from}`;
        thePlan.jobs = planJobs(thePlan, settings, await jobRegion(), prices, day);
        thePlan.usd = thePlan.jobs.reduce((n, j) => n + j.usd, 0);
      } else {
        if (flags.batch)
          throw new GlacierRestoreError(
            "usage",
            `--batch: ${settings && "missing" in settings ? settings.missing : ""}`,
          );
        const reason =
          candidates >= BATCH_THRESHOLD_OBJECTS
            ? tier === "Expedited"
              ? `${candidates} objects, but Batch Operations has no Expedited tier`
              : `${candidates} objects: Batch Operations would take one job per family, but ${settings && "missing" in settings ? settings.missing : ""}`
            : `${candidates} objects, under ${BATCH_THRESHOLD_OBJECTS}`;
        if (thePlan.unknownTier > 0) {
          // The tiers of the Intelligent-Tiering objects: from what was kept (HeadObject only), else a new listing.
          const deeper = new ListingSpool();
          thePlan = await planOf(source(true, { keep: deeper, ...(kept?.complete ? { from: kept } : {}) }));
          kept?.dispose();
          kept = deeper;
        }
        thePlan.modeReason = reason;
      }
    }

    if (stopBeforeSpending(gate(thePlan), spending, io)) return;
    if (thePlan.mode === "batch") return await stageWithJobs(thePlan, await jobRegion(), spending, io);
    return await restoreDirectly(s3, thePlan, objectsToRestore(true), { concurrency, perSecond }, spending, io);
  } finally {
    kept?.dispose();
  }

  /** The plan's objects read back, or (past the spool's limit) listed again, with tiers when `deep`. */
  function objectsToRestore(deep: boolean): AsyncIterable<ListedObject> {
    if (kept?.complete) return kept.replay();
    const label = `listing s3://${location.bucket}/${location.prefix} again (over ${SPOOL_LIMIT_TEXT} objects)`;
    return eachObject(listLocation(s3, location, { parallel: flags.parallel, deep, counters, label }, io));
  }
}

/** With --refresh, the window of copies to renew (--within; the parser checked its pairing). */
function refreshWindow(flags: FlagValues<typeof FLAGS>): { within: string; before: Date } | undefined {
  if (!flags.refresh) return undefined;
  return { within: flags.within.text, before: new Date(Date.now() + flags.within.ms) };
}

/** The plan as stopBeforeSpending weighs it. */
function gate(p: StagePlan): SpendingGate {
  return {
    plan: p,
    nothing: p.mode === "batch" ? (p.jobs ?? []).length === 0 : p.toRestore.objects === 0,
    text: p.refresh ? refreshPlanText({ ...p, refresh: p.refresh }) : planText(p),
    verb: p.refresh ? "refreshed" : "restored",
  };
}

/** One RestoreObject per selected object (stage-direct.ts), then the outcome; failures exit 1. */
async function restoreDirectly(
  s3: S3Client,
  p: StagePlan,
  objects: AsyncIterable<ListedObject>,
  pace: { concurrency: number; perSecond: number } & Selection,
  s: Spending,
  io: Io,
): Promise<void> {
  let outcome: StageOutcome;
  try {
    outcome = await restoreAll(s3, p, objects, pace.concurrency, pace.perSecond, io, {
      ...(pace.select ? { select: pace.select } : {}),
    });
  } catch (err) {
    awsFailure(err, s.where);
  }
  const { location } = p;
  io.stdout.write(
    s.json
      ? `${JSON.stringify({ plan: p, outcome, requests: s.requests })}\n`
      : p.refresh
        ? refreshOutcomeText(p, outcome)
        : `started ${outcome.started}, already restored ${outcome.alreadyRestored}, already in progress ${outcome.alreadyInProgress}, failed ${outcome.failed}${outcome.slowDowns ? ` (${outcome.slowDowns} SlowDown answers, concurrency reduced)` : ""}\nnext: glacier-restore wait s3://${location.bucket}/${location.prefix}\n`,
  );
  if (outcome.failed > 0)
    throw new GlacierRestoreError(
      "external",
      `${s.where}: ${outcome.failed} restore requests failed (${outcome.failures
        .slice(0, 3)
        .map((f) => `${f.key}: ${f.code}`)
        .join("; ")}); rerun to retry them`,
    );
}

async function stageWithJobs(p: StagePlan, region: string, s: Spending, io: Io): Promise<void> {
  const { where, json } = s;
  const client = s3ControlClient(region, io);
  const jobs = await createJobs(client, p.jobs ?? [], region, where);
  const url = `s3://${p.location.bucket}/${p.location.prefix}`;
  io.stdout.write(
    json
      ? `${JSON.stringify({ plan: p, jobs, requests: s.requests })}\n`
      : `${jobs
          .map(
            (j) =>
              `created S3 Batch Operations job ${j.jobId} (${j.family}, ${j.tasks} tasks)\n  follow: ${j.follow}\n  report: ${j.report} (when the job ends)`,
          )
          .join("\n")}\nthe jobs only start the restores (hours); next: glacier-restore wait ${url}\n`,
  );
}
