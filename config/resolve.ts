import type { z } from "zod";
import { STACK_NAMES } from "../core/contract";
import { EVENT_PATTERN_MAX_CHARS, largestPatternChars } from "../core/patterns";
import { isIsolatedRegion, partitionOf } from "../core/partition";
import { KNOWN_REGIONS } from "../core/regions";
import { advancedEventSelectors, selectorValueCount as countSelectorValues } from "../core/selectors";
import {
  configSchema,
  type AssumeRole,
  type CompletedVia,
  type DefaultsInput,
  type ParsedConfig,
  type RestoreTier,
  type TargetInput,
  type TrailMode,
} from "./schema";

/** The stack that creates the state bucket (and lock table) when `stateBackend.bootstrap` is set. */
export const BOOTSTRAP_STACK = STACK_NAMES.bootstrap;
/** Stacks that own one bucket's S3 notification configuration are named this plus the bucket name. */
export const BUCKET_NOTIFICATIONS_STACK_PREFIX = STACK_NAMES.bucketNotificationsPrefix;
/** Shared trail stacks are named this plus the region (and account, when several share a region). */
export const SHARED_TRAIL_STACK_PREFIX = STACK_NAMES.sharedTrailPrefix;

/** CloudTrail allows at most this many trails per region per account; the quota cannot be raised. */
export const MAX_TRAILS_PER_REGION = 5;
/** CloudTrail allows at most this many condition values across a trail's advanced event selectors. */
export const MAX_SELECTOR_VALUES_PER_TRAIL = 500;

export interface ResolvedTrail {
  readonly mode: TrailMode;
  readonly existingTrailArn?: string;
  readonly cloudWatchLogs: boolean;
  readonly cloudWatchLogsRetentionDays: number;
  readonly logExpirationDays: number;
  readonly readerArnPrefixes: readonly string[];
  /** `terraform destroy` may delete the log bucket with its logs. */
  readonly logBucketForceDestroy: boolean;
}

/** CloudWatch alarms of one target. */
export interface ResolvedAlarms {
  readonly enabled: boolean;
  /** Topic the alarms notify, when the configuration names one. */
  readonly topicArn?: string;
}

/** Restore notifications of one target (absent when the target has none). */
export interface ResolvedNotifications {
  readonly email: readonly string[];
  readonly https: readonly string[];
  readonly sqsQueueArns: readonly string[];
  /** Published by the restore function after S3 accepts a restore (202). */
  readonly initiated: boolean;
  /** S3's "restore completed": the object is readable again. */
  readonly completed: boolean;
  /** S3's "restore expired": the restored copy is gone again. */
  readonly expired: boolean;
  readonly completedVia: CompletedVia;
  /** Customer managed key for the topic; a key is created when absent. */
  readonly kmsKeyArn?: string;
  /** Email subscribers get one message per window listing the objects instead of one per object. */
  readonly digest?: { readonly windowMinutes: number };
}

/** A target with every default applied: what a stack is built from. */
export interface ResolvedTarget {
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly restoreTier: RestoreTier;
  readonly restoreDays: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly assumeRole?: AssumeRole;
  readonly trail: ResolvedTrail;
  readonly function: {
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly reservedConcurrency?: number;
    readonly logRetentionDays: number;
    /** Keep a DynamoDB claim table so concurrent duplicate events issue one restore. */
    readonly claims: boolean;
    readonly claimTtlSeconds: number;
  };
  readonly eventRetry: {
    readonly maximumEventAgeSeconds: number;
    readonly maximumRetryAttempts: number;
  };
  readonly notifications?: ResolvedNotifications;
  readonly alarms: ResolvedAlarms;
}

/** Where a stack that belongs to no single target deploys: its name, region, account (role) and tags. */
export interface StackPlacement {
  readonly stackName: string;
  readonly region: string;
  readonly assumeRole?: AssumeRole;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The single writer of one bucket's S3 notification configuration, for a bucket the configuration says
 * this project owns. PutBucketNotificationConfiguration replaces the whole configuration, so every
 * target on the bucket contributes to this one resource instead of writing its own.
 */
export interface BucketNotificationOwner extends StackPlacement {
  readonly bucket: string;
  /** Turn on delivery of all the bucket's events to EventBridge (some target's notifications need it). */
  readonly eventBridge: boolean;
  /** Targets whose completed/expired notifications S3 sends straight to their topics. */
  readonly topicTargets: readonly ResolvedTarget[];
}

/** One trail shared by every `shared`-mode target of a region (and account). */
export interface SharedTrailGroup extends StackPlacement {
  readonly trail: ResolvedTrail;
  readonly targets: readonly ResolvedTarget[];
}

export interface ResolvedConfig {
  readonly stateBackend: ParsedConfig["stateBackend"];
  /** `defaults.tags`, for stacks that belong to no target. */
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly targets: readonly ResolvedTarget[];
  readonly sharedTrails: readonly SharedTrailGroup[];
  readonly bucketNotificationOwners: readonly BucketNotificationOwner[];
}

/** Built-in values for everything neither a target nor `defaults` sets. */
export const BUILT_IN_DEFAULTS = {
  restoreTier: "Standard" as RestoreTier,
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

/** Every problem found in a configuration, each as `field.path: what is wrong; what is allowed`. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `invalid glacier-restore configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path) || "(config)";
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `${at}: is required (expected ${issue.expected})`;
      return `${at}: ${issue.message}`;
    case "unrecognized_keys":
      return `${at}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (see the "help" file for the allowed keys)`;
    default:
      return `${at}: ${issue.message}`;
  }
}

/**
 * Every string in the configuration that holds `${` or `%{`: Terraform reads those as the start of an
 * expression or directive in any string of the generated JSON (and IAM reads `${` in a policy as a
 * variable), so such a value would change the generated Terraform instead of being used as written.
 */
export function templateSequenceProblems(raw: unknown, path: PropertyKey[] = []): string[] {
  if (typeof raw === "string")
    return /[$%]\{/.test(raw)
      ? [
          `${formatPath(path) || "(config)"}: must not contain "\${" or "%{" (Terraform would read it as an expression, not as text); found in ${JSON.stringify(raw)}`,
        ]
      : [];
  if (Array.isArray(raw)) return raw.flatMap((v, i) => templateSequenceProblems(v, [...path, i]));
  if (raw !== null && typeof raw === "object")
    return Object.entries(raw).flatMap(([k, v]) => [
      ...templateSequenceProblems(k, [...path, `${k}(key)`]).slice(0, 1),
      ...templateSequenceProblems(v, [...path, k]),
    ]);
  return [];
}

/** Validates raw configuration and applies defaults; throws ConfigError listing every problem. */
export function resolveConfig(raw: unknown): ResolvedConfig {
  const templateProblems = templateSequenceProblems(raw);
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // Field problems first, then what the targets that can still be read say about each other, so one
    // run reports everything there is to fix (not the overlap only after the tier is fixed).
    const crossTarget: string[] = [];
    checkTargetsAgainstEachOther(readableTargets(raw), crossTarget);
    throw new ConfigError([...templateProblems, ...parsed.error.issues.map(describeIssue), ...crossTarget]);
  }
  if (templateProblems.length > 0) throw new ConfigError(templateProblems);
  const config = parsed.data;
  const problems: string[] = [];
  checkRegions(config, problems);
  const targets = config.targets.map((t, i) => applyDefaults(t, config.defaults, i, problems));
  if (config.stateBackend.locking === "dynamodb" && !config.stateBackend.dynamodbTable)
    problems.push('stateBackend.dynamodbTable: is required when stateBackend.locking is "dynamodb"');
  if (config.stateBackend.locking !== "dynamodb" && config.stateBackend.dynamodbTable)
    problems.push('stateBackend.dynamodbTable: only allowed when stateBackend.locking is "dynamodb"');
  checkTargetsAgainstEachOther(targets, problems);
  const sharedTrails = groupSharedTrails(targets, config.defaults, problems);
  checkTrailBudget(targets, sharedTrails, problems);
  const bucketNotificationOwners = bucketOwners(targets, config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    stateBackend: config.stateBackend,
    defaultTags: { ...config.defaults.tags },
    targets,
    sharedTrails,
    bucketNotificationOwners,
  };
}

function resolveNotifications(
  t: TargetInput,
  d: DefaultsInput,
  region: string | undefined,
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
  const keyRegion = merged.kmsKeyArn?.split(":")[3];
  if (keyRegion && region && keyRegion !== region)
    problems.push(
      `${at}.notifications.kmsKeyArn: the key is in ${keyRegion} but the topic is in ${region}; SNS needs a key in the topic's region`,
    );
  return merged;
}

/** Notifications S3 itself must deliver for a target (completed/expired), and by which route. */
function s3Delivered(t: ResolvedTarget): CompletedVia | undefined {
  const n = t.notifications;
  return n && (n.completed || n.expired) ? n.completedVia : undefined;
}

function bucketOwners(
  targets: readonly ResolvedTarget[],
  config: ParsedConfig,
  problems: string[],
): BucketNotificationOwner[] {
  const owned = new Set<string>();
  for (const [bucket, settings] of Object.entries(config.buckets)) {
    if (!targets.some((t) => t.bucket === bucket)) {
      problems.push(
        `buckets.${bucket}: no target uses this bucket (targets use: ${[...new Set(targets.map((t) => t.bucket))].join(", ")})`,
      );
      continue;
    }
    if (settings.notificationConfiguration === "owned") owned.add(bucket);
  }
  targets.forEach((t, i) => {
    if (s3Delivered(t) === "bucket-notifications" && !owned.has(t.bucket))
      problems.push(
        `targets[${i}].notifications.completedVia: "bucket-notifications" writes the bucket's S3 notification configuration, which replaces whatever FSx for Lustre or other tools configured there; set buckets.${t.bucket}.notificationConfiguration to "owned" to state that this project owns it, or use "eventbridge"`,
      );
  });
  const owners: BucketNotificationOwner[] = [];
  for (const bucket of owned) {
    const members = targets.filter((t) => t.bucket === bucket);
    const first = members[0]!;
    for (const m of members.slice(1))
      if (accountKey(m.assumeRole) !== accountKey(first.assumeRole))
        problems.push(
          `targets[${targets.indexOf(m)}].assumeRole: bucket "${bucket}" has an owned notification configuration, so its targets must deploy to one account (target "${first.name}" uses ${accountKey(first.assumeRole)})`,
        );
    const eventBridge = members.some((t) => s3Delivered(t) === "eventbridge");
    const topicTargets = members.filter((t) => s3Delivered(t) === "bucket-notifications");
    if (!eventBridge && topicTargets.length === 0) {
      problems.push(
        `buckets.${bucket}.notificationConfiguration: "owned" but no target on this bucket has completed or expired notifications, so the configuration would only remove what others set; remove the setting or turn notifications on`,
      );
      continue;
    }
    owners.push({
      stackName: `${BUCKET_NOTIFICATIONS_STACK_PREFIX}${bucket}`,
      bucket,
      region: first.region,
      ...(first.assumeRole ? { assumeRole: first.assumeRole } : {}),
      tags: { ...config.defaults.tags },
      eventBridge,
      topicTargets,
    });
  }
  return owners;
}

function applyDefaults(t: TargetInput, d: DefaultsInput, index: number, problems: string[]): ResolvedTarget {
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
  if (trail.mode === "existing" && trail.existingTrailArn && region && trail.existingTrailArn.split(":")[3] !== region)
    problems.push(
      `${at}.trail.existingTrailArn: the trail is in region ${trail.existingTrailArn.split(":")[3]} but the target is in ${region}; EventBridge only sees events of its own region`,
    );
  const fn = { ...BUILT_IN_DEFAULTS.function, ...d.function, ...t.function };
  const assumeRole = t.assumeRole ?? d.assumeRole;
  const notifications = resolveNotifications(t, d, region, at, problems);
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
  };
}

/** What the cross-target checks read of a target. */
type TargetIdentity = Pick<ResolvedTarget, "name" | "bucket" | "prefix" | "region">;

/**
 * The targets of a configuration the schema rejected, as far as the name and overlap checks need them;
 * undefined for an entry without a string name and bucket, so the indices stay those of the file.
 */
function readableTargets(raw: unknown): (TargetIdentity | undefined)[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (!isObject(raw) || !Array.isArray(raw.targets)) return [];
  return raw.targets.map((t: unknown) =>
    isObject(t) && typeof t.name === "string" && typeof t.bucket === "string"
      ? {
          name: t.name,
          bucket: t.bucket,
          prefix: typeof t.prefix === "string" ? t.prefix : "",
          // Regions are compared only once the schema accepts them: a bad one is reported by itself.
          region: "",
        }
      : undefined,
  );
}

/** Every region in the configuration is a known AWS Region code or listed in `extraRegions`. */
function checkRegions(config: ParsedConfig, problems: string[]): void {
  const allowed = new Set([...KNOWN_REGIONS, ...config.extraRegions]);
  const check = (at: string, region: string | undefined) => {
    if (region && !allowed.has(region) && !isIsolatedRegion(region))
      problems.push(
        `${at}: "${region}" is not a known AWS Region code (known: ${KNOWN_REGIONS.join(", ")}); if AWS opened it after this release, add it to "extraRegions"`,
      );
  };
  check("stateBackend.region", config.stateBackend.region);
  check("defaults.region", config.defaults.region);
  config.targets.forEach((t, i) => check(`targets[${i}].region`, t.region));
}

function checkTargetsAgainstEachOther(targets: readonly (TargetIdentity | undefined)[], problems: string[]): void {
  targets.forEach((t, i) => {
    if (!t) return;
    let regionReported = false;
    for (let j = 0; j < i; j++) {
      const other = targets[j];
      if (!other) continue;
      if (other.name === t.name)
        problems.push(`targets[${i}].name: "${t.name}" is already used by targets[${j}]; target names must be unique`);
      if (other.bucket !== t.bucket) continue;
      if (other.region !== t.region && t.region && other.region && !regionReported) {
        regionReported = true;
        problems.push(
          `targets[${i}].region: bucket "${t.bucket}" is also used by target "${other.name}" in ${other.region}; a bucket lives in one region`,
        );
      }
      if (t.prefix.startsWith(other.prefix) || other.prefix.startsWith(t.prefix))
        problems.push(
          `targets[${i}].prefix: "${t.prefix}" overlaps target "${other.name}" (prefix "${other.prefix}") on bucket "${t.bucket}"; every object must belong to at most one target`,
        );
    }
    if (t.name.startsWith(SHARED_TRAIL_STACK_PREFIX))
      problems.push(
        `targets[${i}].name: names starting with "${SHARED_TRAIL_STACK_PREFIX}" are reserved for shared trail stacks`,
      );
    if (t.name.startsWith(BUCKET_NOTIFICATIONS_STACK_PREFIX))
      problems.push(
        `targets[${i}].name: names starting with "${BUCKET_NOTIFICATIONS_STACK_PREFIX}" are reserved for bucket notification stacks`,
      );
    if (t.name === BOOTSTRAP_STACK)
      problems.push(`targets[${i}].name: "${BOOTSTRAP_STACK}" is reserved for the state bootstrap stack`);
  });
}

function accountKey(assumeRole: AssumeRole | undefined): string {
  const account = assumeRole?.roleArn.split(":")[4];
  return account ?? "default";
}

function groupSharedTrails(
  targets: readonly ResolvedTarget[],
  defaults: DefaultsInput,
  problems: string[],
): SharedTrailGroup[] {
  const groups = new Map<string, ResolvedTarget[]>();
  for (const t of targets) {
    if (t.trail.mode !== "shared" || !t.region) continue;
    const key = `${t.region}|${accountKey(t.assumeRole)}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const accountsPerRegion = new Map<string, Set<string>>();
  for (const key of groups.keys()) {
    const [region, account] = key.split("|") as [string, string];
    accountsPerRegion.set(region, (accountsPerRegion.get(region) ?? new Set()).add(account));
  }
  return [...groups.entries()].map(([key, members]) => {
    const [region, account] = key.split("|") as [string, string];
    const first = members[0]!;
    for (const m of members.slice(1)) {
      for (const field of [
        "cloudWatchLogs",
        "cloudWatchLogsRetentionDays",
        "logExpirationDays",
        "logBucketForceDestroy",
      ] as const) {
        if (m.trail[field] !== first.trail[field])
          problems.push(
            `targets[${targets.indexOf(m)}].trail.${field}: targets sharing the ${region} trail must agree (target "${first.name}" has ${String(first.trail[field])}, this one ${String(m.trail[field])}); set it in defaults.trail`,
          );
      }
    }
    const several = (accountsPerRegion.get(region)?.size ?? 0) > 1;
    return {
      stackName: `${SHARED_TRAIL_STACK_PREFIX}${region}${several ? `-${account}` : ""}`,
      region,
      ...(first.assumeRole ? { assumeRole: first.assumeRole } : {}),
      tags: { ...defaults.tags },
      trail: first.trail,
      targets: members,
    };
  });
}

/** Condition values the advanced event selectors of one trail covering these targets use. */
export function selectorValueCount(targets: readonly ResolvedTarget[]): number {
  const first = targets[0];
  if (!first) return 0;
  return countSelectorValues(
    advancedEventSelectors(
      partitionOf(first.region),
      targets.map((t) => ({ bucket: t.bucket, prefix: t.prefix, readerArnPrefixes: t.trail.readerArnPrefixes })),
    ),
  );
}

function checkTrailBudget(
  targets: readonly ResolvedTarget[],
  shared: readonly SharedTrailGroup[],
  problems: string[],
): void {
  const count = new Map<string, number>();
  const bump = (key: string) => count.set(key, (count.get(key) ?? 0) + 1);
  for (const t of targets)
    if (t.trail.mode === "dedicated" && t.region) bump(`${t.region}|${accountKey(t.assumeRole)}`);
  for (const g of shared) {
    bump(`${g.region}|${accountKey(g.assumeRole)}`);
    const values = selectorValueCount(g.targets);
    if (values > MAX_SELECTOR_VALUES_PER_TRAIL)
      problems.push(
        `targets: the shared ${g.region} trail would need ${values} advanced event selector values; CloudTrail allows ${MAX_SELECTOR_VALUES_PER_TRAIL} per trail (use fewer, broader prefixes)`,
      );
  }
  for (const [key, n] of count) {
    if (n <= MAX_TRAILS_PER_REGION) continue;
    const [region, account] = key.split("|");
    problems.push(
      `targets: this configuration creates ${n} trails in ${region}${account === "default" ? "" : ` for account ${account}`}; CloudTrail allows at most ${MAX_TRAILS_PER_REGION} per region (set defaults.trail.mode to "shared" for one trail per region, or "existing")`,
    );
  }
}
