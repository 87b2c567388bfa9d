/**
 * Monthly cost of the generated design, from the resolved configuration, a few usage figures and the
 * reviewed price table (cost/prices.json). Pure: no I/O, so every line can be checked by hand.
 */
import { alarmCount } from "../core/alarms";
import { s3RestoreEvents } from "../core/patterns";
import { TIERS } from "../core/restore-rules";
import { usesCloudTrail, type ResolvedTarget } from "../config/resolve";
import { restoreCost, type PriceList } from "./pricing";

export type { Prices } from "./pricing";

/** What the estimate needs to know about use, for one target (cost/usage.ts decides which figures apply). */
export interface Usage {
  /** GetObject requests per month under the target's prefix, by every reader, failed or not. */
  readonly getObjectsPerMonth: number;
  /** Share of those requests made by the readers named in `trail.readerArnPrefixes` (when set). */
  readonly readerShare: number;
  /** Archived objects read per month (each needs one restore). */
  readonly archivedReadsPerMonth: number;
  /** Failed reads per archived object (readers retry, many ranks open one file). */
  readonly failedReadsPerArchivedObject: number;
  /** Mean size of a restored object, in GB. */
  readonly meanObjectSizeGB: number;
  /** Share of archived objects in Deep Archive (the rest in Glacier Flexible Retrieval). */
  readonly deepArchiveShare: number;
  /** Size of one CloudTrail data event record, bytes (CloudWatch Logs ingestion and log storage). */
  readonly cloudTrailRecordBytes: number;
  /** Mean billed duration of one invocation, ms. */
  readonly lambdaMsPerInvocation: number;
}

export const DEFAULT_USAGE: Usage = {
  getObjectsPerMonth: 10_000_000,
  readerShare: 1,
  archivedReadsPerMonth: 1_000,
  failedReadsPerArchivedObject: 10,
  meanObjectSizeGB: 1,
  deepArchiveShare: 0.2,
  cloudTrailRecordBytes: 1_500,
  lambdaMsPerInvocation: 150,
};

export interface CostLine {
  readonly item: string;
  readonly monthly: number;
  /** How the figure was computed, in words and numbers. */
  readonly basis: string;
}

export interface TargetEstimate {
  readonly target: string;
  readonly lines: readonly CostLine[];
  readonly total: number;
}

const GB = 1024 ** 3;
const MINUTES_PER_MONTH = 30 * 24 * 60;

function n(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** Events a target's trail logs per month: all its GetObjects, or only its readers' when filtered. */
export function loggedEvents(t: ResolvedTarget, u: Usage): number {
  return t.trail.readerArnPrefixes.length > 0 ? u.getObjectsPerMonth * u.readerShare : u.getObjectsPerMonth;
}

/** The alarms of one log-trigger stack (router errors, router dead-letter queue): once per log group. */
export const LOG_TRIGGER_STACK_ALARMS = 2;

export function logTriggerStackCost(p: PriceList): number {
  return LOG_TRIGGER_STACK_ALARMS * p.cloudwatchAlarmPerMonth;
}

/** Bytes of one reader warning line (an FSx data repository warning or a File Gateway health record). */
export const READER_LOG_RECORD_BYTES = 400;

export function estimateTarget(t: ResolvedTarget, u: Usage, p: PriceList): TargetEstimate {
  const lines: CostLine[] = [];
  const add = (item: string, monthly: number, basis: string) => lines.push({ item, monthly, basis });
  const logged = loggedEvents(t, u);
  const failed = u.archivedReadsPerMonth * u.failedReadsPerArchivedObject;
  // Without CloudTrail among the sources there is no trail and no rule: nothing is billed per GetObject.
  const cloudTrail = usesCloudTrail(t);

  if (cloudTrail && t.trail.mode !== "existing")
    add(
      "CloudTrail data events",
      (logged / 100_000) * p.cloudtrailDataEventsPer100k,
      `${n(logged)} GetObject events logged${t.trail.readerArnPrefixes.length ? ` (reader filter: ${u.readerShare * 100} %)` : ""}`,
    );
  else if (cloudTrail) add("CloudTrail data events", 0, "billed to the existing trail's owner");
  if (cloudTrail && t.trail.mode !== "existing") {
    const gb = (logged * u.cloudTrailRecordBytes) / GB;
    add("Trail log files in S3", gb * 0.15 * p.s3StandardStoragePerGBMonth, `${n(gb)} GB of records, gzip ~15 %`);
    if (t.trail.cloudWatchLogs)
      add(
        "CloudWatch Logs (trail delivery)",
        gb * p.cloudwatchLogsIngestionPerGB + gb * p.cloudwatchLogsStoragePerGBMonth,
        `${n(gb)} GB ingested and kept`,
      );
  }
  if (cloudTrail)
    add(
      "EventBridge (data events reaching the bus)",
      (logged / 1e6) * p.eventbridgeOptInDataEventsPerMillion,
      `${n(logged)} events from CloudTrail; the rule keeps ${n(failed)}`,
    );
  for (const source of logSources(t)) {
    // The reader writes only its warnings; the subscription filter passes the archived-object ones, each
    // one router invocation at most (CloudWatch Logs batches deliveries, so this is an upper bound).
    const gb = (failed * READER_LOG_RECORD_BYTES) / GB;
    const routerSeconds = failed * 0.05 * (128 / 1024);
    add(
      `Reader log trigger (${source.type} ${source.logGroupName})`,
      gb * (p.cloudwatchLogsIngestionPerGB + p.cloudwatchLogsStoragePerGBMonth) +
        (failed / 1e6) * p.lambdaRequestsPerMillion +
        routerSeconds * p.lambdaArmPerGBSecond,
      `${n(failed)} warning lines × ${READER_LOG_RECORD_BYTES} B ingested and kept; router ≤ ${n(failed)} invocations × 50 ms × 128 MB${
        source.type === "fsx-logs"
          ? " (FSx logs import misses only: a lazy load of an imported file writes no line)"
          : ""
      }`,
    );
  }
  const gbSeconds = failed * (u.lambdaMsPerInvocation / 1000) * (t.function.memoryMb / 1024);
  add(
    "Lambda",
    (failed / 1e6) * p.lambdaRequestsPerMillion + gbSeconds * p.lambdaArmPerGBSecond,
    `${n(failed)} invocations × ${u.lambdaMsPerInvocation} ms × ${t.function.memoryMb} MB (arm64)`,
  );
  if (t.function.claims)
    add("DynamoDB claims", (failed / 1e6) * p.dynamodbOnDemandWritesPerMillion, `${n(failed)} conditional writes`);

  let restoresUsd = 0;
  let copyCost = 0;
  const parts: string[] = [];
  for (const [archive, share] of [
    ["GLACIER", 1 - u.deepArchiveShare],
    ["DEEP_ARCHIVE", u.deepArchiveShare],
  ] as const) {
    const objects = u.archivedReadsPerMonth * share;
    if (objects === 0) continue;
    const { tier, usd } = restoreCost(archive, t.restoreTier, objects, objects * u.meanObjectSizeGB * GB, p);
    restoresUsd += usd;
    copyCost += objects * u.meanObjectSizeGB * p.s3StandardStoragePerGBMonth * (t.restoreDays / 30);
    parts.push(`${n(objects)} ${archive} (${tier})`);
  }
  add("Restores (requests + retrieval)", restoresUsd, `${parts.join(", ")} × ${u.meanObjectSizeGB} GB`);
  add("Restored copies (S3 Standard)", copyCost, `kept ${t.restoreDays} day${t.restoreDays === 1 ? "" : "s"}`);

  const nt = t.notifications;
  if (nt) {
    const published = (nt.initiated ? 1 : 0) + (nt.completed ? 1 : 0) + (nt.expired ? 1 : 0);
    const messages = u.archivedReadsPerMonth * published;
    // With a digest, email gets at most one message per window instead of one per object.
    const windows = nt.digest ? MINUTES_PER_MONTH / nt.digest.windowMinutes : 0;
    const emails = nt.digest ? Math.min(messages, windows) : messages;
    const digestCost = nt.digest
      ? (windows / 1e6) * p.lambdaRequestsPerMillion +
        windows * 1 * (256 / 1024) * p.lambdaArmPerGBSecond +
        ((messages * 2 + windows) / 1e6) * p.sqsRequestsPerMillion +
        (windows / 1e6) * p.snsPublishesPerMillion
      : 0;
    add(
      "Notifications (SNS, KMS key)",
      (messages / 1e6) * p.snsPublishesPerMillion +
        ((emails * nt.email.length) / 100_000) * p.snsEmailPer100k +
        ((messages * nt.https.length) / 1e6) * p.snsHttpsPerMillion +
        (nt.kmsKeyArn ? 0 : p.kmsKeyPerMonth) +
        ((messages * 2) / 10_000) * p.kmsRequestsPer10k +
        digestCost,
      `${n(messages)} messages to ${nt.https.length} https, ${nt.sqsQueueArns.length} queue subscriber(s); ${n(emails)} to each of ${nt.email.length} email address(es)${nt.digest ? ` (digest every ${nt.digest.windowMinutes} minutes: ${n(windows)} scheduled runs)` : ""}${nt.kmsKeyArn ? "" : "; one key"}`,
    );
  }
  if (t.alarms.enabled) {
    const nt = t.notifications;
    const alarms = alarmCount(nt?.completedVia === "eventbridge" ? s3RestoreEvents(nt).length : 0, !!nt?.digest, {
      cloudTrail,
      deferredQueue: Object.keys(t.budget).length > 0,
    });
    add("CloudWatch alarms", alarms * p.cloudwatchAlarmPerMonth, `${alarms} standard-resolution metric alarms`);
  }
  const total = lines.reduce((s, l) => s + l.monthly, 0);
  return { target: t.name, lines, total };
}

function logSources(t: ResolvedTarget) {
  return t.trigger.filter((s) => s.type !== "cloudtrail");
}

/** The same target under another setting, to show what a choice is worth. */
export function whatIf(t: ResolvedTarget, u: Usage, p: PriceList): { choice: string; monthly: number }[] {
  const base = (x: ResolvedTarget, usage = u) => estimateTarget(x, usage, p).total;
  const rows = [{ choice: "as configured", monthly: base(t) }];
  // Trail settings and read volume change nothing for a target without CloudTrail.
  const cloudTrail = usesCloudTrail(t);
  if (cloudTrail && t.trail.readerArnPrefixes.length === 0)
    rows.push({
      choice: `reader filter for FSx's role only (readerShare ${u.readerShare} of the reads)`,
      monthly: base(
        {
          ...t,
          trail: {
            ...t.trail,
            readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
          },
        },
        u,
      ),
    });
  else if (cloudTrail)
    rows.push({
      // With readerShare 1 the filtered readers make every read, so dropping the filter changes nothing:
      // say so rather than print the same figure as if it were a finding.
      choice:
        u.readerShare < 1
          ? `no reader filter (all reads logged, not ${u.readerShare * 100} %)`
          : "no reader filter (same as configured while readerShare is 1: give --reader-share, the share of reads the filtered readers make)",
      monthly: base({ ...t, trail: { ...t.trail, readerArnPrefixes: [] } }),
    });
  if (cloudTrail && t.trail.cloudWatchLogs)
    rows.push({
      choice: "trail without CloudWatch Logs",
      monthly: base({ ...t, trail: { ...t.trail, cloudWatchLogs: false } }),
    });
  else if (cloudTrail && t.trail.mode !== "existing")
    rows.push({
      choice: "trail with CloudWatch Logs delivery",
      monthly: base({ ...t, trail: { ...t.trail, cloudWatchLogs: true } }),
    });
  if (logSources(t).length === 0)
    rows.push({
      choice:
        "trigger from FSx logs instead of CloudTrail (no trail, no data events; catches FSx import misses only, not lazy loads of already-imported files)",
      monthly: base({ ...t, trigger: [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }] }),
    });
  else if (!cloudTrail)
    rows.push({
      choice: "trigger from CloudTrail instead",
      monthly: base({ ...t, trigger: [{ type: "cloudtrail" }] }),
    });
  if (cloudTrail)
    rows.push({
      choice: "prefix holding half the reads",
      monthly: base(t, { ...u, getObjectsPerMonth: u.getObjectsPerMonth / 2 }),
    });
  for (const tier of TIERS)
    if (tier !== t.restoreTier)
      rows.push({ choice: `restore tier ${tier}`, monthly: base({ ...t, restoreTier: tier }) });
  return rows;
}
