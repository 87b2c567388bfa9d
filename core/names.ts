import { createHash } from "node:crypto";

/** Every physical name this project creates starts with this, so operators can find and scope them. */
export const NAME_PREFIX = "glacier-restore";

/** AWS name length limits of the resources named here. */
export const NAME_LIMITS = {
  lambdaFunction: 64,
  iamRole: 64,
  eventRule: 64,
  sqsQueue: 80,
  dynamodbTable: 255,
  trail: 128,
  snsTopic: 256,
  kmsAlias: 256,
  alarm: 255,
  /** `bucket_prefix` leaves 26 characters for Terraform's unique suffix. */
  bucketPrefix: 37,
} as const;

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/**
 * Joins parts with "-" and, when that exceeds `max`, cuts the result and appends a hash of the full name,
 * so long names stay unique and the same input always gives the same name.
 */
export function physicalName(parts: readonly string[], max: number): string {
  const full = parts.filter((p) => p !== "").join("-");
  if (full.length <= max) return full;
  const hash = shortHash(full);
  const head = full.slice(0, max - hash.length - 1).replace(/[-.]+$/, "");
  return `${head}-${hash}`;
}

/** Physical names of one target's resources, all derived from the target name. */
export function targetNames(target: string) {
  return {
    function: physicalName([NAME_PREFIX, target], NAME_LIMITS.lambdaFunction),
    role: physicalName([NAME_PREFIX, target], NAME_LIMITS.iamRole),
    rule: physicalName([NAME_PREFIX, target], NAME_LIMITS.eventRule),
    deadLetterQueue: physicalName([NAME_PREFIX, target, "dlq"], NAME_LIMITS.sqsQueue),
    claimTable: physicalName([NAME_PREFIX, target, "claims"], NAME_LIMITS.dynamodbTable),
    trail: physicalName([NAME_PREFIX, target], NAME_LIMITS.trail),
    trailRole: physicalName([NAME_PREFIX, target, "trail"], NAME_LIMITS.iamRole),
    trailBucketPrefix: `${physicalName(["gr", target, "trail"], NAME_LIMITS.bucketPrefix - 1)}-`,
    trailLogGroup: `/aws/cloudtrail/${physicalName([NAME_PREFIX, target], 200)}`,
    topic: physicalName([NAME_PREFIX, target, "restores"], NAME_LIMITS.snsTopic),
    topicKeyAlias: `alias/${physicalName([NAME_PREFIX, target, "restores"], NAME_LIMITS.kmsAlias - 6)}`,
    restoredRule: physicalName([NAME_PREFIX, target, "restored"], NAME_LIMITS.eventRule),
    expiredRule: physicalName([NAME_PREFIX, target, "expired"], NAME_LIMITS.eventRule),
    digestFunction: physicalName([NAME_PREFIX, target, "digest"], NAME_LIMITS.lambdaFunction),
    digestRole: physicalName([NAME_PREFIX, target, "digest"], NAME_LIMITS.iamRole),
    digestQueue: physicalName([NAME_PREFIX, target, "digest"], NAME_LIMITS.sqsQueue),
    digestRule: physicalName([NAME_PREFIX, target, "digest"], NAME_LIMITS.eventRule),
    deferredQueue: physicalName([NAME_PREFIX, target, "deferred"], NAME_LIMITS.sqsQueue),
    batchRole: physicalName([NAME_PREFIX, target, "batch"], NAME_LIMITS.iamRole),
    batchReportsBucketPrefix: `${physicalName(["gr", target, "batch"], NAME_LIMITS.bucketPrefix - 1)}-`,
    alarm: (id: string) => physicalName([NAME_PREFIX, target, id], NAME_LIMITS.alarm),
  };
}

/** Physical names of a log-trigger stack's resources (the router of one reader log group). */
export function logTriggerNames(stackName: string) {
  return {
    function: physicalName([NAME_PREFIX, stackName], NAME_LIMITS.lambdaFunction),
    role: physicalName([NAME_PREFIX, stackName], NAME_LIMITS.iamRole),
    deadLetterQueue: physicalName([NAME_PREFIX, stackName, "dlq"], NAME_LIMITS.sqsQueue),
    subscriptionFilter: physicalName([NAME_PREFIX, stackName], 512),
    alarm: (id: string) => physicalName([NAME_PREFIX, stackName, id], NAME_LIMITS.alarm),
  };
}
