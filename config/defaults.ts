/** Built-in defaults, and one target with `defaults` and them applied (with the checks of one target). */
import { EVENT_PATTERN_MAX_CHARS, largestPatternChars } from "../core/patterns";
import { isIsolatedRegion } from "../core/partition";
import { DEFAULT_DIRECTORY_LIMITS, type RestoreMode, type RestoreScope } from "../core/restore-policy";
import type { Tier } from "../core/restore-rules";
import type { CompletedVia, DefaultsInput, TargetInput, TrailMode } from "./schema";
import type { ResolvedNotifications, ResolvedTarget } from "./types";

/** Built-in values for everything neither a target nor `defaults` sets. */
export const BUILT_IN_DEFAULTS = {
  restoreTier: "Standard" as Tier,
  restoreDays: 7,
  trail: {
    mode: "dedicated" as TrailMode,
    // Off: EventBridge receives the trail's data events without it, and ingesting every in-scope read
    // into CloudWatch Logs costs money nobody asked for.
    cloudWatchLogs: false,
    cloudWatchLogsRetentionDays: 30,
    logExpirationDays: 90,
    readerArnPrefixes: [] as string[],
    logBucketForceDestroy: false,
  },
  alarms: { enabled: true },
  batchOperations: false,
  restoreScope: "object" as RestoreScope,
  directory: DEFAULT_DIRECTORY_LIMITS,
  mode: "restore" as RestoreMode,
  function: { memoryMb: 256, timeoutSeconds: 60, logRetentionDays: 30, claims: true, claimTtlSeconds: 900 },
  eventRetry: { maximumEventAgeSeconds: 21600, maximumRetryAttempts: 185 },
  notifications: {
    email: [] as string[],
    https: [] as string[],
    sqsQueueArns: [] as string[],
    initiated: true,
    completed: true,
    expired: false,
    completedVia: "eventbridge" as CompletedVia,
  },
};

function resolveNotifications(
  t: TargetInput,
  d: DefaultsInput,
  at: string,
  problems: string[],
): ResolvedNotifications | undefined {
  if (!t.notifications && !d.notifications) return undefined;
  const { enabled, ...merged } = { ...BUILT_IN_DEFAULTS.notifications, ...d.notifications, ...t.notifications };
  if (enabled === false) return undefined;
  if (!merged.initiated && !merged.completed && !merged.expired)
    problems.push(
      `${at}.notifications: initiated, completed and expired are all false; turn one on, or set notifications.enabled to false`,
    );
  if (merged.digest && merged.completedVia === "bucket-notifications" && (merged.completed || merged.expired))
    problems.push(
      `${at}.notifications.digest: needs completedVia "eventbridge": the messages S3's bucket notifications send are S3's own event records, which a digest cannot sort (and email filters cannot tell from digests)`,
    );
  if (merged.digest && merged.email.length === 0)
    problems.push(
      `${at}.notifications.digest: only email subscribers receive digests, and this target has none; add notifications.email or remove digest`,
    );
  // The key's region and partition are checked with every other ARN (arns.ts).
  return merged;
}

export function applyDefaults(t: TargetInput, d: DefaultsInput, index: number, problems: string[]): ResolvedTarget {
  const at = `targets[${index}]`;
  const region = t.region ?? d.region;
  if (t.prefixIsDirectory && t.prefix !== "" && !t.prefix.endsWith("/"))
    problems.push(
      `${at}.prefix: "${t.prefix}" does not end with "/", so it would also cover keys such as "${t.prefix}-old/..." and "${t.prefix}2.csv" (IAM resources, trail selectors and rules all match by prefix); write "${t.prefix}/" for the directory, or set prefixIsDirectory to false to cover every key starting with "${t.prefix}"`,
    );
  if (!region) problems.push(`${at}.region: is required (set it on the target or in defaults.region)`);
  if (region && isIsolatedRegion(region))
    problems.push(
      `${at}.region: ${region} is in an isolated AWS partition, which this project does not support (supported partitions: aws, aws-cn, aws-us-gov)`,
    );
  const patternChars = largestPatternChars(t.bucket, t.prefix);
  if (patternChars > EVENT_PATTERN_MAX_CHARS)
    problems.push(
      `${at}.prefix: the EventBridge event pattern for this bucket and prefix (every encoded form of the prefix included) would be ${patternChars} characters; EventBridge allows ${EVENT_PATTERN_MAX_CHARS} by default (use a shorter prefix, or fewer characters that need URL encoding)`,
    );
  const trail = { ...BUILT_IN_DEFAULTS.trail, ...d.trail, ...t.trail };
  if (trail.mode === "existing" && !trail.existingTrailArn)
    problems.push(`${at}.trail.existingTrailArn: is required when trail.mode is "existing"`);
  if (trail.mode !== "existing" && t.trail?.existingTrailArn)
    problems.push(`${at}.trail.existingTrailArn: only allowed when trail.mode is "existing"`);
  const fn = { ...BUILT_IN_DEFAULTS.function, ...d.function, ...t.function };
  const assumeRole = t.assumeRole ?? d.assumeRole;
  const notifications = resolveNotifications(t, d, at, problems);
  const restoreScope = t.restoreScope ?? d.restoreScope ?? BUILT_IN_DEFAULTS.restoreScope;
  const trigger = t.trigger ?? d.trigger ?? [{ type: "cloudtrail" as const }];
  const seenSources = new Set<string>();
  for (const source of trigger) {
    const id = source.type === "cloudtrail" ? "cloudtrail" : `${source.type} ${source.logGroupName}`;
    if (seenSources.has(id)) problems.push(`${at}.trigger: ${id} is listed twice`);
    seenSources.add(id);
  }
  const budgetInput = { ...d.budget, ...t.budget };
  const budget = {
    ...(budgetInput.maxRestoresPerDay !== undefined ? { maxRestoresPerDay: budgetInput.maxRestoresPerDay } : {}),
    ...(budgetInput.maxGBPerDay !== undefined ? { maxBytesPerDay: Math.round(budgetInput.maxGBPerDay * 1e9) } : {}),
  };
  // Directory expansions and budget counters live in the claims table, and only claims make them atomic.
  if (!fn.claims && restoreScope === "directory")
    problems.push(
      `${at}.restoreScope: "directory" needs function.claims (each directory is claimed once per claim TTL)`,
    );
  if (!fn.claims && Object.keys(budget).length > 0)
    problems.push(`${at}.budget: needs function.claims (the daily counters are kept in the claims table)`);
  return {
    name: t.name,
    bucket: t.bucket,
    prefix: t.prefix,
    region: region ?? "",
    restoreTier: t.restoreTier ?? d.restoreTier ?? BUILT_IN_DEFAULTS.restoreTier,
    restoreDays: t.restoreDays ?? d.restoreDays ?? BUILT_IN_DEFAULTS.restoreDays,
    tags: { ...d.tags, ...t.tags },
    ...(assumeRole ? { assumeRole } : {}),
    trail,
    function: fn,
    eventRetry: { ...BUILT_IN_DEFAULTS.eventRetry, ...d.eventRetry, ...t.eventRetry },
    ...(notifications ? { notifications } : {}),
    alarms: { ...BUILT_IN_DEFAULTS.alarms, ...d.alarms, ...t.alarms },
    batchOperations: t.batchOperations ?? d.batchOperations ?? BUILT_IN_DEFAULTS.batchOperations,
    restoreScope,
    directory: { ...BUILT_IN_DEFAULTS.directory, ...d.directory, ...t.directory },
    budget,
    mode: t.mode ?? d.mode ?? BUILT_IN_DEFAULTS.mode,
    trigger,
  };
}
