/**
 * `glacier-restore stage <location> --batch --inventory <s3://…/manifest.json>`: for a dataset too large to
 * list, the plan comes from an S3 Inventory report, and each Batch Operations job gets a CSV manifest made
 * from it (core/inventory-stage.ts says why the report itself is not handed over). The report is read twice
 * when jobs are made: once for the plan (which --dry-run, --max-cost and --yes judge, as for a listing),
 * once streaming its archived rows into one manifest per family (aws/manifest-upload.ts), so memory stays at
 * one upload part per family whatever the report's size. Then CreateJob with each manifest's ETag.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { inventoryRows, readManifestOf, type InventoryCounters } from "../aws/inventory";
import { ManifestUpload, type UploadedManifest } from "../aws/manifest-upload";
import {
  BATCH_FAMILIES,
  jobToken,
  manifestFields,
  manifestKey,
  manifestRestoreJobRequest,
  type BatchFamily,
  type CreateManifestRestoreJobRequest,
} from "../core/batch-jobs";
import { GlacierRestoreError } from "../core/errors";
import {
  batchManifestLine,
  manifestObjectOf,
  parseManifestUrl,
  type InventoryManifest,
  type InventorySummary,
} from "../core/inventory";
import {
  addInventoryStageRow,
  emptyInventoryStageTally,
  inventoryRestoreRisk,
  inventoryTaskOf,
  manifestVersioned,
  type InventoryStageTally,
} from "../core/inventory-stage";
import type { Archive, Tier } from "../core/restore-rules";
import type { Prices } from "../cost/pricing";
import { awsFailure, progress, s3Client, type Io, type ResolvedLocation } from "./context";
import {
  batchSettings,
  createJobs,
  familyJobUsd,
  s3ControlClient,
  type BatchSettings,
  type CreatedJob,
} from "./stage-batch";
import {
  archiveLine,
  planTotals,
  priceArchive,
  stopBeforeSpending,
  type BatchJobPlan,
  type StagePlan,
} from "./stage-plan";

export interface InventoryStageArgs {
  readonly location: ResolvedLocation;
  /** --inventory, as given. */
  readonly inventory: string;
  readonly tier: Tier;
  readonly days: number;
  readonly maxCost: number;
  readonly prices: Prices;
  readonly batchFlags: { roleArn?: string; reports?: string };
  /** --new-job: the token takes the instant, not the day. */
  readonly newJob: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
}

/** Where an inventory plan's figures come from, and what they cannot show. */
export interface InventorySource {
  readonly kind: "inventory";
  /** The report's manifest.json. */
  readonly manifest: string;
  /** When S3 began scanning the bucket for it (creationTimestamp). */
  readonly asOf: string;
  readonly cannotTell: string[];
  readonly skipped: InventorySummary["skipped"];
  readonly unknownReasons: string[];
}

/** A family's job: its manifest to be written (and, once written, the CreateJob request with its ETag). */
export interface InventoryJobPlan extends Omit<BatchJobPlan, "request"> {
  readonly token: string;
  readonly manifest: { readonly url: string; readonly fields: string[] };
  request?: CreateManifestRestoreJobRequest;
}

/** The stage plan (the listing's shape), with its source and jobs whose manifests are written by this command. */
export interface InventoryStagePlan extends Omit<StagePlan, "jobs"> {
  readonly source: InventorySource;
  jobs: InventoryJobPlan[];
}

/** Requests made: GetObject (manifest.json and data files, each pass), uploads, CreateJob. */
export interface InventoryStageRequests extends InventoryCounters {
  put: number;
  createJob: number;
}

export async function stageFromInventory(args: InventoryStageArgs, io: Io): Promise<void> {
  const { location } = args;
  const manifestAt = parseManifestUrl(args.inventory);
  const settings = batchSettings(location, args.batchFlags, io);
  if ("missing" in settings) throw new GlacierRestoreError("usage", `--batch: ${settings.missing}`);
  const where = `stage s3://${location.bucket}/${location.prefix}`;
  const report = `s3://${manifestAt.bucket}/${manifestAt.key}`;
  const requests: InventoryStageRequests = { get: 0, put: 0, createJob: 0 };
  // The destination bucket of an inventory is in the source bucket's region (S3 User Guide, "Amazon S3
  // Inventory"), so the location's client reads it; the reports bucket gets a client of its own region.
  const s3 = s3Client(location, io);
  const uploads = s3Client({ ...location, bucket: settings.reports.bucket }, io);
  const readFailure: (err: unknown) => never = (err) =>
    awsFailure(
      err,
      `${where} --inventory ${report}`,
      "the credentials may not read the inventory's destination bucket (s3:GetObject on the manifest and its data files)",
    );
  try {
    let manifest: InventoryManifest;
    let tally: InventoryStageTally;
    let region: string;
    try {
      manifest = await readManifestOf(s3, manifestAt, location, requests);
      tally = emptyInventoryStageTally(manifest, location);
      for await (const row of inventoryRows(s3, manifest, requests, fileProgress(io, "planning from")))
        addInventoryStageRow(tally, row);
      // Jobs are created in the bucket's region: the target's or --region, else the one found for the bucket.
      region = location.region ?? (await s3.config.region());
    } catch (err) {
      readFailure(err);
    }
    const day = args.newJob ? new Date().toISOString() : new Date().toISOString().slice(0, 10);
    const plan = inventoryPlan(args, tally, settings, { report, day });
    const gate = { plan, nothing: plan.jobs.length === 0, text: inventoryPlanText(plan), verb: "restored" };
    if (stopBeforeSpending(gate, { json: args.json, dryRun: args.dryRun, yes: args.yes, where, requests }, io)) return;

    const written = await writeManifests(s3, uploads, manifest, plan, settings, requests, io).catch((err: unknown) =>
      err instanceof ManifestWriteFailure
        ? awsFailure(
            err.cause,
            `${where}: PutObject ${err.url}`,
            "the credentials need s3:PutObject on the reports location",
          )
        : readFailure(err),
    );
    for (const job of plan.jobs) {
      const manifestWritten = written.get(job.family)!;
      job.request = manifestRestoreJobRequest(
        {
          accountId: settings.accountId,
          region,
          bucket: location.bucket,
          prefix: location.prefix,
          family: job.family,
          tier: plan.tier,
          days: plan.days,
          roleArn: settings.roleArn,
          reports: settings.reports,
          token: job.token,
        },
        {
          key: manifestKey(settings.reports, job.token, job.family),
          etag: manifestWritten.etag,
          versioned: job.manifest.fields.includes("VersionId"),
        },
      );
    }
    const jobs = await makeJobs(plan, region, where, requests, io);
    io.stdout.write(
      args.json
        ? `${JSON.stringify({ plan, jobs, requests })}\n`
        : createdText(jobs, `s3://${location.bucket}/${location.prefix}`),
    );
  } finally {
    s3.destroy();
    uploads.destroy();
  }
}

function fileProgress(io: Io, what: string): (done: number, total: number) => void {
  const bar = progress(io);
  return (done, total) => (done === total ? bar.done() : bar.update(`${what} inventory file ${done}/${total}`));
}

/** The plan from one pass over the report: the listing plan's figures, a job per family with tasks. */
export function inventoryPlan(
  args: Pick<InventoryStageArgs, "location" | "tier" | "days" | "maxCost" | "prices">,
  tally: InventoryStageTally,
  settings: BatchSettings,
  at: { report: string; day: string },
): InventoryStagePlan {
  const { location, tier, prices } = args;
  const { summary } = tally;
  const counts: Partial<Record<Archive, { objects: number; bytes: number }>> = {};
  for (const family of Object.values(tally.families))
    for (const [archive, c] of Object.entries(family.toRestore) as [Archive, { objects: number; bytes: number }][]) {
      const sum = (counts[archive] ??= { objects: 0, bytes: 0 });
      sum.objects += c.objects;
      sum.bytes += c.bytes;
    }
  const archives: StagePlan["archives"] = {};
  for (const [archive, c] of Object.entries(counts) as [Archive, { objects: number; bytes: number }][])
    archives[archive] = priceArchive(archive, tier, c.objects, c.bytes, prices);
  const jobs: InventoryJobPlan[] = [];
  for (const family of BATCH_FAMILIES) {
    const t = tally.families[family];
    if (!t || t.tasks === 0) continue;
    const token = jobToken({ ...location, family, tier, days: args.days, day: at.day, source: at.report });
    const risk = inventoryRestoreRisk(t.tasks, summary.asOf);
    jobs.push({
      family,
      tasks: t.tasks,
      expectedFailures: 0,
      unknownTier: 0,
      ...(risk ? { risk } : {}),
      usd: familyJobUsd(t, tier, prices),
      token,
      manifest: {
        url: `s3://${settings.reports.bucket}/${manifestKey(settings.reports, token, family)}`,
        fields: manifestFields(manifestVersioned(tally, family)),
      },
    });
  }
  return {
    location: { bucket: location.bucket, prefix: location.prefix },
    tier,
    days: args.days,
    mode: "batch",
    modeReason: `--batch --inventory, role and reports from ${settings.from}`,
    archives,
    toRestore: planTotals(archives).toRestore,
    // Not known: a report has no restore status (source.cannotTell).
    alreadyRestoring: 0,
    alreadyReadable: summary.states.readable.objects,
    unknownTier: summary.states.unknown.objects,
    families: tally.families,
    jobs,
    usd: jobs.reduce((n, j) => n + j.usd, 0),
    maxCost: args.maxCost,
    listRequests: 0,
    headRequests: 0,
    source: {
      kind: "inventory",
      manifest: at.report,
      asOf: summary.asOf,
      cannotTell: [
        ...summary.cannotTell,
        "so objects already restored are counted (and priced) as archived: their tasks renew the copy's expiry; objects whose restore is still running become tasks that fail",
      ],
      skipped: summary.skipped,
      unknownReasons: summary.unknownReasons,
    },
  };
}

export function inventoryPlanText(p: InventoryStagePlan): string {
  const s = p.source;
  const lines = [
    `s3://${p.location.bucket}/${p.location.prefix}: ${p.toRestore.objects} objects to restore (${p.toRestore.bytes} bytes), ${p.alreadyReadable} readable${p.unknownTier ? `, ${p.unknownTier} of unknown state (left out)` : ""}, from the S3 Inventory report of ${s.asOf} (${s.manifest})`,
  ];
  for (const [archive, a] of Object.entries(p.archives)) lines.push(archiveLine(archive, a));
  for (const why of s.unknownReasons) lines.push(`  unknown: ${why}`);
  lines.push(`  with S3 Batch Operations (${p.modeReason}), a manifest per job made from the report:`);
  for (const j of p.jobs)
    lines.push(
      `    ${j.family} job: ${j.tasks} tasks (${p.families[j.family]?.storageClasses.join(", ") ?? ""}), manifest ${j.manifest.url} (${j.manifest.fields.join(",")}), ${j.usd.toFixed(2)} USD with its fees${j.risk ? `\n      warning: ${j.risk}` : ""}`,
    );
  lines.push("  the inventory cannot tell:");
  for (const text of s.cannotTell) lines.push(`    - ${text}`);
  lines.push(
    `  total ${p.usd.toFixed(2)} USD at most; restored copies kept ${p.days} days (their storage is billed too)`,
  );
  return `${lines.join("\n")}\n`;
}

/** A failed upload, told apart from a failed read of the report. */
class ManifestWriteFailure extends Error {
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`upload of ${url} failed`);
  }
}

/**
 * The second pass: the report's archived rows of the location, streamed into one manifest per planned job.
 * Each manifest must hold exactly the tasks the plan counted (a report's files do not change; if they did,
 * no job is made from a manifest the plan did not judge).
 */
async function writeManifests(
  s3: S3Client,
  uploads: S3Client,
  manifest: InventoryManifest,
  plan: InventoryStagePlan,
  settings: BatchSettings,
  requests: InventoryStageRequests,
  io: Io,
): Promise<Map<BatchFamily, UploadedManifest>> {
  const writers = new Map<BatchFamily, { upload: ManifestUpload; versioned: boolean; url: string }>();
  for (const job of plan.jobs)
    writers.set(job.family, {
      upload: new ManifestUpload(
        uploads,
        {
          bucket: settings.reports.bucket,
          key: manifestKey(settings.reports, job.token, job.family),
          expectedOwner: settings.accountId,
        },
        requests,
      ),
      versioned: job.manifest.fields.includes("VersionId"),
      url: job.manifest.url,
    });
  const written = new Map<BatchFamily, UploadedManifest>();
  const write = async (w: { url: string }, step: () => Promise<void>) => {
    try {
      await step();
    } catch (err) {
      throw new ManifestWriteFailure(w.url, err);
    }
  };
  try {
    for await (const row of inventoryRows(s3, manifest, requests, fileProgress(io, "writing manifests from"))) {
      const task = inventoryTaskOf(row, plan.location);
      const w = task && writers.get(task.family);
      if (w) await write(w, () => w.upload.writeLine(batchManifestLine(manifestObjectOf(row, w.versioned))));
    }
    for (const job of plan.jobs) {
      const w = writers.get(job.family)!;
      let done: UploadedManifest | undefined;
      await write(w, async () => void (done = await w.upload.finish()));
      if (done!.lines !== job.tasks)
        throw new GlacierRestoreError(
          "external",
          `--inventory ${plan.source.manifest}: the report gave ${done!.lines} ${job.family} objects on the second reading, ${job.tasks} on the first; no job was made (did its data files change?)`,
        );
      written.set(job.family, done!);
    }
  } catch (err) {
    // Parts of an unfinished multipart upload are billed until aborted.
    await Promise.allSettled([...writers.values()].map((w) => w.upload.abort()));
    throw err;
  }
  return written;
}

async function makeJobs(
  p: InventoryStagePlan,
  region: string,
  where: string,
  requests: InventoryStageRequests,
  io: Io,
): Promise<CreatedJob[]> {
  const client = s3ControlClient(region, io);
  try {
    const ready = p.jobs.map((j) => ({ family: j.family, tasks: j.tasks, request: j.request! }));
    const created = await createJobs(client, ready, region, where, (made) => (requests.createJob = made));
    requests.createJob = created.length;
    return created;
  } finally {
    client.destroy();
  }
}

function createdText(jobs: CreatedJob[], url: string): string {
  return `${jobs
    .map(
      (j) =>
        `created S3 Batch Operations job ${j.jobId} (${j.family}, ${j.tasks} tasks)\n  follow: ${j.follow}\n  report: ${j.report} (when the job ends)`,
    )
    .join("\n")}\nthe jobs only start the restores (hours); next: glacier-restore wait ${url}\n`;
}
