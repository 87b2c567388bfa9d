/** Runtime settings of the restore function, read once per container from its environment. */
import { RESTORE_ENV } from "../../core/contract";
import {
  DEFAULT_DIRECTORY_LIMITS,
  type Budget,
  type DirectoryLimits,
  type RestoreMode,
  type RestoreScope,
} from "../../core/restore-policy";
import { TIERS, type Tier } from "../../core/restore-rules";

export { TIERS, type Tier };

export interface HandlerConfig {
  /** Tier asked for when the archive allows it (RESTORE_TIER). */
  readonly tier: Tier;
  /** Days a restored copy stays readable (RESTORED_OBJECT_AVAILABILITY_DAYS). */
  readonly days: number;
  /** Only events for this bucket are acted on (TARGET_BUCKET). */
  readonly bucket: string;
  /** Only keys starting with this are acted on (TARGET_PREFIX, may be empty). */
  readonly prefix: string;
  /** DynamoDB table for cross-container claims (CLAIM_TABLE); no claims when absent. */
  readonly claimTable?: string;
  /** How long a claim holds (CLAIM_TTL_SECONDS, default 900). */
  readonly claimTtlSeconds: number;
  /** The configuration target this function serves (TARGET_NAME), named in notifications. */
  readonly targetName?: string;
  /** SNS topic for "restore initiated" notifications (NOTIFY_TOPIC_ARN); none when absent. */
  readonly notifyTopicArn?: string;
  /** What one miss restores (RESTORE_SCOPE, default "object"); limits of a directory expansion. */
  readonly scope?: RestoreScope;
  readonly directory?: DirectoryLimits;
  /** Daily limits (BUDGET_MAX_*_PER_DAY) and the queue keeping what they refuse (DEFERRED_QUEUE_URL). */
  readonly budget?: Budget;
  readonly deferredQueueUrl?: string;
  /** RESTORE_MODE "observe": decide and count, restore nothing. */
  readonly mode?: RestoreMode;
}

export class HandlerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HandlerConfigError";
  }
}

/** Parses the function's environment; throws HandlerConfigError naming the variable at fault. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): HandlerConfig {
  const tier = env[RESTORE_ENV.tier];
  if (!tier || !(TIERS as readonly string[]).includes(tier))
    throw new HandlerConfigError(
      `RESTORE_TIER must be one of ${TIERS.join(", ")}; got ${tier === undefined ? "nothing" : JSON.stringify(tier)}`,
    );
  const daysText = env[RESTORE_ENV.days];
  const days = Number(daysText);
  // Round-tripping through String rejects "", " 7", "07", "7.0" and "1e3" as well as fractions.
  if (!Number.isSafeInteger(days) || days < 1 || String(days) !== daysText)
    throw new HandlerConfigError(
      `RESTORED_OBJECT_AVAILABILITY_DAYS must be a whole number of days, at least 1; got ${daysText === undefined ? "nothing" : JSON.stringify(daysText)}`,
    );
  const bucket = env[RESTORE_ENV.bucket];
  if (!bucket) throw new HandlerConfigError("TARGET_BUCKET must name the bucket whose objects this function restores");
  const ttlText = env[RESTORE_ENV.claimTtlSeconds] ?? "900";
  const claimTtlSeconds = Number(ttlText);
  if (String(claimTtlSeconds) !== ttlText || claimTtlSeconds < 60 || claimTtlSeconds > 86_400)
    throw new HandlerConfigError(
      `CLAIM_TTL_SECONDS must be a whole number from 60 to 86400; got ${JSON.stringify(ttlText)}`,
    );
  const topic = env[RESTORE_ENV.topicArn];
  if (topic !== undefined && topic !== "" && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(topic))
    throw new HandlerConfigError(
      `NOTIFY_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); got ${JSON.stringify(topic)}`,
    );
  const positive = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 1 || String(n) !== text)
      throw new HandlerConfigError(`${name} must be a whole number, at least 1; got ${JSON.stringify(text)}`);
    return n;
  };
  const scope = env[RESTORE_ENV.scope] || "object";
  if (scope !== "object" && scope !== "directory")
    throw new HandlerConfigError(`RESTORE_SCOPE must be object or directory; got ${JSON.stringify(scope)}`);
  const mode = env[RESTORE_ENV.mode] || "restore";
  if (mode !== "restore" && mode !== "observe")
    throw new HandlerConfigError(`RESTORE_MODE must be restore or observe; got ${JSON.stringify(mode)}`);
  const maxRestoresPerDay = positive(RESTORE_ENV.budgetMaxRestores);
  const maxBytesPerDay = positive(RESTORE_ENV.budgetMaxBytes);
  const budgeted = maxRestoresPerDay !== undefined || maxBytesPerDay !== undefined;
  const deferredQueueUrl = env[RESTORE_ENV.deferredQueueUrl];
  // A budget without its queue or counters would drop what it refuses, or count nowhere.
  if (budgeted && (!deferredQueueUrl || !env[RESTORE_ENV.claimTable]))
    throw new HandlerConfigError("a budget (BUDGET_MAX_*_PER_DAY) needs DEFERRED_QUEUE_URL and CLAIM_TABLE");
  if (scope === "directory" && !env[RESTORE_ENV.claimTable])
    throw new HandlerConfigError("RESTORE_SCOPE directory needs CLAIM_TABLE (directories are claimed)");
  return {
    tier: tier as Tier,
    days,
    bucket,
    prefix: env[RESTORE_ENV.prefix] ?? "",
    ...(env[RESTORE_ENV.claimTable] ? { claimTable: env[RESTORE_ENV.claimTable] } : {}),
    claimTtlSeconds,
    ...(env[RESTORE_ENV.target] ? { targetName: env[RESTORE_ENV.target] } : {}),
    ...(topic ? { notifyTopicArn: topic } : {}),
    ...(scope === "directory"
      ? {
          scope,
          directory: {
            maxObjects: positive(RESTORE_ENV.directoryMaxObjects) ?? DEFAULT_DIRECTORY_LIMITS.maxObjects,
            maxBytes: positive(RESTORE_ENV.directoryMaxBytes) ?? DEFAULT_DIRECTORY_LIMITS.maxBytes,
          },
        }
      : {}),
    ...(budgeted
      ? {
          budget: {
            ...(maxRestoresPerDay !== undefined ? { maxRestoresPerDay } : {}),
            ...(maxBytesPerDay !== undefined ? { maxBytesPerDay } : {}),
          },
          deferredQueueUrl,
        }
      : {}),
    ...(mode === "observe" ? { mode } : {}),
  };
}
