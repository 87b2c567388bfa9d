/**
 * The Batch Operations path of `glacier-restore stage`: where the job role and reports location come
 * from, one job per family (Glacier classes apart from Intelligent-Tiering, as S3 requires), and CreateJob.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { S3ControlClient } from "@aws-sdk/client-s3-control";
import { createRestoreJob } from "../aws/batch-job";
import {
  BATCH_FAMILIES,
  accountOfRoleArn,
  failureRisk,
  jobToken,
  parseReportsLocation,
  restoreJobRequest,
  type AnyRestoreJobRequest,
  type FamilyTally,
  type ReportsLocation,
} from "../core/batch-jobs";
import { GlacierRestoreError } from "../core/errors";
import { tierFor, type Archive, type Tier } from "../core/restore-rules";
import { batchJobCost, type Prices } from "../cost/pricing";
import { awsFailure, clientOptions, stackDirectory, type Io, type ResolvedLocation } from "./context";
import { priceArchive, type BatchJobPlan, type StagePlan } from "./stage-plan";

export interface BatchSettings {
  readonly roleArn: string;
  readonly accountId: string;
  readonly reports: ReportsLocation;
  /** Where they came from, for messages. */
  readonly from: string;
}

/** What `terraform output -json` prints for the target's stack, when it can be read (else undefined). */
function stackOutputs(io: Io, stack: string): Record<string, { value?: unknown }> | undefined {
  const dir = stackDirectory(io, stack);
  const run = spawnSync("terraform", [`-chdir=${dir}`, "output", "-json"], {
    env: { ...io.env, TF_IN_AUTOMATION: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0 || !run.stdout) return undefined;
  try {
    return JSON.parse(run.stdout) as Record<string, { value?: unknown }>;
  } catch {
    return undefined;
  }
}

/**
 * The job role and reports location: from --role-arn and --reports, else from the target stack's
 * Terraform outputs (`batch_role_arn`, `batch_reports_location`). Undefined when neither gives them.
 */
export function batchSettings(
  location: ResolvedLocation,
  flags: { roleArn?: string; reports?: string },
  io: Io,
): BatchSettings | { missing: string } {
  let roleArn = flags.roleArn;
  let reportsText = flags.reports;
  let from = "--role-arn and --reports";
  if ((!roleArn || !reportsText) && location.target) {
    if (!location.target.batchOperations)
      return {
        missing: `target ${location.target.name} has no batchOperations (set "batchOperations": true and apply, or pass --role-arn and --reports)`,
      };
    const outputs = stackOutputs(io, location.target.name);
    roleArn ??= typeof outputs?.batch_role_arn?.value === "string" ? outputs.batch_role_arn.value : undefined;
    reportsText ??=
      typeof outputs?.batch_reports_location?.value === "string" ? outputs.batch_reports_location.value : undefined;
    from = `the outputs of stack ${location.target.name}`;
    if (!roleArn || !reportsText)
      return {
        missing: `could not read batch_role_arn and batch_reports_location with \`terraform -chdir=${path.relative(io.cwd, stackDirectory(io, location.target.name)) || "."} output -json\` (is the stack applied and initialized here?); pass --role-arn and --reports`,
      };
  }
  if (!roleArn || !reportsText)
    return {
      missing: "S3 Batch Operations needs --role-arn and --reports (a target with batchOperations: true gives both)",
    };
  const accountId = accountOfRoleArn(roleArn);
  if (!accountId)
    throw new GlacierRestoreError(
      "usage",
      `--role-arn: ${JSON.stringify(roleArn)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  const reports = parseReportsLocation(reportsText);
  if (!reports)
    throw new GlacierRestoreError(
      "usage",
      `--reports: ${JSON.stringify(reportsText)} is not s3://<bucket>/<prefix>/ (the stack's batch_reports_location)`,
    );
  return { roleArn, accountId, reports, from };
}

/** What one family's job costs: the job's fees (per job and per task) and the restores of its archives. */
export function familyJobUsd(t: FamilyTally, tier: Tier, prices: Prices): number {
  let usd = batchJobCost(t.tasks, prices.prices);
  for (const [archive, c] of Object.entries(t.toRestore) as [Archive, { objects: number; bytes: number }][])
    usd += priceArchive(archive, tierFor(archive, tier), c.objects, c.bytes, prices).usd;
  return usd;
}

/** One job per family that has anything a job could restore, with its CreateJob request and cost. */
export function planJobs(
  p: StagePlan,
  settings: BatchSettings,
  region: string,
  prices: Prices,
  /** The UTC day (one job per dataset, family, tier and days a day), or a timestamp for a new job. */
  day: string,
): BatchJobPlan[] {
  const jobs: BatchJobPlan[] = [];
  for (const family of BATCH_FAMILIES) {
    const t = p.families[family];
    if (!t) continue;
    const restoring = Object.values(t.toRestore).reduce((n, c) => n + c.objects, 0);
    if (restoring === 0 && t.unknownTier === 0) continue;
    const usd = familyJobUsd(t, p.tier, prices);
    const token = jobToken({
      bucket: p.location.bucket,
      prefix: p.location.prefix,
      family,
      tier: p.tier,
      days: p.days,
      day,
    });
    const risk = failureRisk(t);
    jobs.push({
      family,
      tasks: t.tasks,
      expectedFailures: t.expectedFailures,
      unknownTier: t.unknownTier,
      ...(risk ? { risk } : {}),
      usd,
      request: restoreJobRequest({
        accountId: settings.accountId,
        region,
        bucket: p.location.bucket,
        prefix: p.location.prefix,
        family,
        storageClasses: t.storageClasses,
        tier: p.tier,
        days: p.days,
        roleArn: settings.roleArn,
        reports: settings.reports,
        token,
      }),
    });
  }
  return jobs;
}

export function s3ControlClient(region: string | undefined, io: Io): S3ControlClient {
  return new S3ControlClient(clientOptions(region, io));
}

export interface CreatedJob {
  family: string;
  jobId: string;
  tasks: number;
  report: string;
  follow: string;
}

/** Creates the planned jobs in order; a failure names the jobs already created, so none is lost. */
export async function createJobs(
  client: S3ControlClient,
  jobs: readonly { family: string; tasks: number; request: AnyRestoreJobRequest }[],
  region: string,
  where: string,
  /** Told the number of CreateJob requests made so far, before each one. */
  onRequest?: (made: number) => void,
): Promise<CreatedJob[]> {
  const created: CreatedJob[] = [];
  for (const job of jobs) {
    let jobId: string;
    onRequest?.(created.length + 1);
    try {
      jobId = await createRestoreJob(client, job.request);
    } catch (err) {
      // A job already created is named, so a failure of the next one loses nothing.
      const already = created.length
        ? ` (already created: ${created.map((c) => `${c.family} job ${c.jobId}`).join(", ")})`
        : "";
      awsFailure(
        err,
        `${where}: CreateJob${already}`,
        "the credentials need s3:CreateJob, and iam:PassRole on the job role",
      );
    }
    const reportBucket = job.request.Report.Bucket.replace(/^arn:[^:]+:s3:::/, "");
    created.push({
      family: job.family,
      jobId,
      tasks: job.tasks,
      report: `s3://${reportBucket}/${job.request.Report.Prefix}/job-${jobId}/`,
      follow: `aws s3control describe-job --region ${region} --account-id ${job.request.AccountId} --job-id ${jobId}`,
    });
  }
  return created;
}
