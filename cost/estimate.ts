/**
 * Monthly cost of the generated design, from the resolved configuration, a few usage figures and the
 * reviewed price table (cost/prices.json). Pure: no I/O, so every line can be checked by hand.
 */
import { alarmCount, fsxImportAlarmSpecs, logTriggerAlarmSpecs } from "../core/alarms";
import { hasFsxImport, importScopes } from "../core/fsx-import";
import { s3RestoreEvents } from "../core/patterns";
import { TIERS } from "../core/restore-rules";
import { usesCloudTrail, type LogTriggerGroup, type ResolvedTarget } from "../config/resolve";
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
  /**
   * With `restoreScope: "directory"`: objects restored per archived object read — the one read plus the
   * archived siblings its directory expansion restores that no reader asked for (at least 1). An
   * assumption about the data's layout: measure it with `glacier-restore status` on a typical directory.
   */
  readonly directoryExpansion: number;
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
  directoryExpansion: 10,
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

/**
 * The alarms of one log-trigger stack, counted from the specs the stack builds them from (core/alarms.ts):
 * its router's, plus its FSx import's (one set of rule delivery alarms per import scope) when it has one.
 * Names do not change the count, so none are given.
 */
export function logTriggerStackAlarms(g: LogTriggerGroup): { router: number; fsxImport: number } {
  const router = logTriggerAlarmSpecs({ functionName: "", deadLetterQueueName: "" }).length;
  const fsxImport = hasFsxImport(g)
    ? fsxImportAlarmSpecs({
        functionName: "",
        deadLetterQueueName: "",
        ruleNames: importScopes(g.routes, g.associations ?? []).map((_, i) => String(i)),
      }).length
    : 0;
  return { router, fsxImport };
}

/** The alarms of one target stack (none when its alarms are disabled), from the specs the stack uses. */
export function targetAlarms(t: ResolvedTarget): number {
  if (!t.alarms.enabled) return 0;
  const nt = t.notifications;
  return alarmCount(nt?.completedVia === "eventbridge" ? s3RestoreEvents(nt).length : 0, !!nt?.digest, {
    cloudTrail: usesCloudTrail(t),
    deferredQueue: Object.keys(t.budget).length > 0,
  });
}

/** What one log-trigger stack costs (its alarms: the per-read cost is in each target it feeds). */
export function logTriggerStackCost(g: LogTriggerGroup, p: PriceList): number {
  const { router, fsxImport } = logTriggerStackAlarms(g);
  return (router + fsxImport) * p.cloudwatchAlarmPerMonth;
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

  const policy = restorePolicy(t, u, p);
  for (const line of policy.lines) lines.push(line);
  const nt = t.notifications;
  if (nt) {
    // "Initiated" is published for the object a reader missed only (siblings of a directory expansion get
    // none); "completed" and "expired" for every restored object. Observe mode restores nothing.
    const perRestore = (nt.completed ? 1 : 0) + (nt.expired ? 1 : 0);
    const messages = (nt.initiated ? policy.missedRestored : 0) + policy.restored * perRestore;
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
    const alarms = targetAlarms(t);
    add("CloudWatch alarms", alarms * p.cloudwatchAlarmPerMonth, `${alarms} standard-resolution metric alarms`);
  }
  const total = lines.reduce((s, l) => s + l.monthly, 0);
  return { target: t.name, lines, total };
}

/** What the restore policy makes of the month's archived reads: objects restored, and the lines that say so. */
interface PolicyOutcome {
  /** Objects restored a month (siblings included), after the budget. */
  readonly restored: number;
  /** Of those, objects a reader missed (each gets a "restore initiated" message). */
  readonly missedRestored: number;
  readonly lines: CostLine[];
}

/**
 * The month's restores under the target's policy (docs/operations.md, "Restore policy"): a directory
 * expansion multiplies them by `directoryExpansion` (at most `directory.maxObjects` per miss); a budget caps
 * them at 30 days of `maxRestoresPerDay` and `maxGBPerDay`, siblings included (they reserve like the missed
 * object); observe mode makes none, and the lines say what restoring would cost.
 */
export function restorePolicy(t: ResolvedTarget, u: Usage, p: PriceList): PolicyOutcome {
  const lines: CostLine[] = [];
  const expansion = t.restoreScope === "directory" ? Math.min(u.directoryExpansion, t.directory.maxObjects) : 1;
  const wanted = u.archivedReadsPerMonth * expansion;
  const cap = monthlyBudget(t, wanted, wanted * u.meanObjectSizeGB * GB);
  const restored = wanted * cap.factor;
  const restores = restoresCost(t, u, restored, p);
  const scope =
    t.restoreScope === "directory"
      ? ` (restoreScope directory: ${n(u.archivedReadsPerMonth)} archived reads × ${n(expansion)} objects each${expansion < u.directoryExpansion ? `, directory.maxObjects caps directoryExpansion ${n(u.directoryExpansion)}` : ""})`
      : "";
  const observe = t.mode === "observe";
  const said = (usd: number, basis: string) =>
    observe
      ? { monthly: 0, basis: `mode observe: none made (with mode "restore": ${usd.toFixed(2)} USD; ${basis})` }
      : { monthly: usd, basis };
  const requests = said(restores.usd, `${restores.basis}${scope}`);
  lines.push({ item: "Restores (requests + retrieval)", ...requests });
  const copies = said(restores.copies, `kept ${t.restoreDays} day${t.restoreDays === 1 ? "" : "s"}`);
  lines.push({ item: "Restored copies (S3 Standard)", ...copies });
  if (cap.line) lines.push({ item: "Daily budget", monthly: 0, basis: cap.line });
  return {
    restored: observe ? 0 : restored,
    missedRestored: observe ? 0 : u.archivedReadsPerMonth * cap.factor,
    lines,
  };
}

/** The share of `objects` restores (of `bytes`) a month's budget lets through, and the line that says so. */
function monthlyBudget(t: ResolvedTarget, objects: number, bytes: number): { factor: number; line?: string } {
  const { maxRestoresPerDay, maxBytesPerDay } = t.budget;
  if (maxRestoresPerDay === undefined && maxBytesPerDay === undefined) return { factor: 1 };
  const limits: string[] = [];
  let factor = 1;
  if (maxRestoresPerDay !== undefined) {
    limits.push(`${n(maxRestoresPerDay * 30)} restores (30 × maxRestoresPerDay ${n(maxRestoresPerDay)})`);
    if (objects > 0) factor = Math.min(factor, (maxRestoresPerDay * 30) / objects);
  }
  if (maxBytesPerDay !== undefined) {
    limits.push(`${n((maxBytesPerDay * 30) / 1e9)} GB (30 × maxGBPerDay ${n(maxBytesPerDay / 1e9)})`);
    if (bytes > 0) factor = Math.min(factor, (maxBytesPerDay * 30) / bytes);
  }
  const caps = `the budget allows ${limits.join(" and ")} a month`;
  return factor < 1
    ? {
        factor,
        line: `${caps}: ${n(objects * factor)} of ${n(objects)} restores are made, the rest wait in the deferred queue (redrive them)`,
      }
    : { factor: 1, line: `${caps}: all ${n(objects)} restores fit` };
}

/** Restore requests, retrieval and restored copies for `objects` restores, split by archive. */
function restoresCost(
  t: ResolvedTarget,
  u: Usage,
  objects: number,
  p: PriceList,
): { usd: number; copies: number; basis: string } {
  let usd = 0;
  let copies = 0;
  const parts: string[] = [];
  for (const [archive, share] of [
    ["GLACIER", 1 - u.deepArchiveShare],
    ["DEEP_ARCHIVE", u.deepArchiveShare],
  ] as const) {
    const count = objects * share;
    if (count === 0) continue;
    const cost = restoreCost(archive, t.restoreTier, count, count * u.meanObjectSizeGB * GB, p);
    usd += cost.usd;
    copies += count * u.meanObjectSizeGB * p.s3StandardStoragePerGBMonth * (t.restoreDays / 30);
    parts.push(`${n(count)} ${archive} (${cost.tier})`);
  }
  return { usd, copies, basis: `${parts.length ? parts.join(", ") : "no objects"} × ${u.meanObjectSizeGB} GB` };
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
  if (t.mode === "observe") rows.push({ choice: 'mode "restore"', monthly: base({ ...t, mode: "restore" }) });
  for (const tier of TIERS)
    if (tier !== t.restoreTier)
      rows.push({ choice: `restore tier ${tier}`, monthly: base({ ...t, restoreTier: tier }) });
  return rows;
}
