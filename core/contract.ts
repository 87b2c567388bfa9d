/**
 * Names shared across the stack/function boundary: what the stacks set and the functions read. Defined
 * once here, so a rename on one side cannot silently break the other.
 */

/** Environment variables of the restore function (set by stacks/constructs/restore-function.ts). */
export const RESTORE_ENV = {
  tier: "RESTORE_TIER",
  days: "RESTORED_OBJECT_AVAILABILITY_DAYS",
  bucket: "TARGET_BUCKET",
  prefix: "TARGET_PREFIX",
  target: "TARGET_NAME",
  claimTable: "CLAIM_TABLE",
  claimTtlSeconds: "CLAIM_TTL_SECONDS",
  topicArn: "NOTIFY_TOPIC_ARN",
  scope: "RESTORE_SCOPE",
  directoryMaxObjects: "DIRECTORY_MAX_OBJECTS",
  directoryMaxBytes: "DIRECTORY_MAX_BYTES",
  budgetMaxRestores: "BUDGET_MAX_RESTORES_PER_DAY",
  budgetMaxBytes: "BUDGET_MAX_BYTES_PER_DAY",
  deferredQueueUrl: "DEFERRED_QUEUE_URL",
  mode: "RESTORE_MODE",
} as const;

/** Environment variables of the log router (set by stacks/log-trigger-stack.ts). */
export const ROUTER_ENV = {
  source: "READER_LOG_SOURCE",
  routes: "ROUTES",
} as const;

/** Lambda allows 4 KB of environment variables per function; the routes must fit with room to spare. */
export const ROUTER_ROUTES_MAX_CHARS = 3500;

/** Environment variables of the digest function (set by stacks/constructs/restore-digest.ts). */
export const DIGEST_ENV = {
  queueUrl: "DIGEST_QUEUE_URL",
  topicArn: RESTORE_ENV.topicArn,
  target: RESTORE_ENV.target,
  windowMinutes: "DIGEST_WINDOW_MINUTES",
} as const;

/** Attributes of the claims table: the key the stack declares, the TTL attribute it enables. */
export const CLAIM_FIELDS = {
  key: "pk",
  expiresAt: "expiresAt",
  eventId: "eventId",
} as const;

/** Stack names that belong to no single target. */
export const STACK_NAMES = {
  bootstrap: "state-bootstrap",
  sharedTrailPrefix: "shared-trail-",
  bucketNotificationsPrefix: "bucket-notifications-",
  logTriggerPrefix: "log-trigger-",
} as const;

/**
 * Values of a target stack's `bucket_eventbridge_delivery` output: the stack that turns the bucket's
 * EventBridge delivery on (a bucket declared `owned`), or "external" (the bucket's notifications are not
 * this project's: synth says what to do once). Values a pipeline can compare, not sentences.
 */
export const EVENTBRIDGE_DELIVERY_EXTERNAL = "external";
export function eventBridgeDeliveryOwnedBy(stack: string): string {
  return `owned-by:${stack}`;
}
