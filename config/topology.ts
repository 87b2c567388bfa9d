/**
 * Which stacks the configuration makes besides one per target, and their names: shared trails (one per
 * region and account) and the single owner of an owned bucket's notification configuration.
 */
import { ROUTER_ROUTES_MAX_CHARS, STACK_NAMES } from "../core/contract";
import { targetNames } from "../core/names";
import type { AssumeRole, CompletedVia, DefaultsInput, ParsedConfig } from "./schema";
import { createHash } from "node:crypto";
import type { BucketNotificationOwner, LogTriggerGroup, ResolvedTarget, SharedTrailGroup } from "./types";
import { importScopes, overlappingAssociations, type FsxAssociation } from "../core/fsx-import";

/** The stack that creates the state bucket (and lock table) when `stateBackend.bootstrap` is set. */
export const BOOTSTRAP_STACK = STACK_NAMES.bootstrap;
/** Stacks that own one bucket's S3 notification configuration are named this plus the bucket name. */
export const BUCKET_NOTIFICATIONS_STACK_PREFIX = STACK_NAMES.bucketNotificationsPrefix;
/** Shared trail stacks are named this plus the region (and account, when several share a region). */
export const SHARED_TRAIL_STACK_PREFIX = STACK_NAMES.sharedTrailPrefix;
/** The stack owning one reader log group's subscription filter: this plus the group name and a hash. */
export const LOG_TRIGGER_STACK_PREFIX = STACK_NAMES.logTriggerPrefix;

/** Whether a target's misses come from CloudTrail (then it needs a trail and a rule). */
export function usesCloudTrail(t: Pick<ResolvedTarget, "trigger">): boolean {
  return t.trigger.some((s) => s.type === "cloudtrail");
}

/**
 * Groups the log-group sources of all targets by log group (per region and account): one stack per group,
 * so no group gets two subscription filters of ours. A group feeds one kind of reader, in one region.
 */
export function groupLogTriggers(
  targets: readonly ResolvedTarget[],
  defaults: DefaultsInput,
  problems: string[],
): LogTriggerGroup[] {
  const groups = new Map<
    string,
    {
      type: LogTriggerGroup["type"];
      members: { t: ResolvedTarget; i: number; readers?: readonly string[] }[];
      associations: FsxAssociation[];
    }
  >();
  targets.forEach((t, i) => {
    for (const source of t.trigger) {
      if (source.type === "cloudtrail" || !t.region) continue;
      const key = `${trailHome(t.region, t.assumeRole)}|${source.logGroupName}`;
      const group = groups.get(key) ?? { type: source.type, members: [], associations: [] };
      groups.set(key, group);
      if (group.type !== source.type)
        problems.push(
          `targets[${i}].trigger: log group ${source.logGroupName} is already a ${group.type} source of target "${group.members[0]!.t.name}"; one log group feeds one kind of reader`,
        );
      const readers = source.type === "fsx-logs" ? source.fileSystemIds : source.gatewayIds;
      group.members.push({ t, i, ...(readers ? { readers } : {}) });
      if (source.type === "fsx-logs") group.associations.push(...(source.associations ?? []));
    }
  });
  return [...groups.entries()].map(([key, group]) => {
    const [region, account, logGroupName] = key.split("|") as [string, string, string];
    const slug = logGroupName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 30);
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 6);
    const first = group.members[0]!.t;
    void account;
    // The routes travel in the router's environment, which Lambda caps at 4 KB.
    const routesChars = JSON.stringify(
      group.members.map(({ t, readers }) => ({
        target: t.name,
        functionName: targetNames(t.name).function,
        bucket: t.bucket,
        prefix: t.prefix,
        ...(readers ? { readers } : {}),
      })),
    ).length;
    if (routesChars > ROUTER_ROUTES_MAX_CHARS)
      problems.push(
        `targets: log group ${logGroupName} feeds ${group.members.length} targets whose routes take ${routesChars} characters of the router's environment; Lambda allows 4 KB (keep them under ${ROUTER_ROUTES_MAX_CHARS}: fewer targets or shorter prefixes per log group)`,
      );
    const associations = distinctAssociations(group.associations);
    if (associations.length > 0) checkAssociations(logGroupName, group.members, associations, problems);
    return {
      stackName: `${LOG_TRIGGER_STACK_PREFIX}${slug}-${hash}`,
      region,
      ...(first.assumeRole ? { assumeRole: first.assumeRole } : {}),
      tags: { ...defaults.tags },
      logGroupName,
      type: group.type,
      routes: group.members.map(({ t, readers }) => ({
        target: t.name,
        bucket: t.bucket,
        prefix: t.prefix,
        ...(readers ? { readers } : {}),
      })),
      ...(associations.length > 0 ? { associations } : {}),
    };
  });
}

function distinctAssociations(list: readonly FsxAssociation[]): FsxAssociation[] {
  const byKey = new Map(list.map((a) => [`${a.fileSystemId}|${a.fileSystemPath}|${a.dataRepositoryPath}`, a]));
  return [...byKey.values()];
}

/**
 * The associations of one FSx log group: FSx allows no two nested file system paths on one file system;
 * they travel in the import function's environment (4 KB); and every target the group feeds must lie at
 * least partly in some association, or none of its restored files could ever be imported (an error, since
 * that configuration cannot do what it asks). Keys of a target outside every association are counted and
 * logged by the import function at run time.
 */
function checkAssociations(
  logGroupName: string,
  members: readonly { t: ResolvedTarget; i: number }[],
  associations: readonly FsxAssociation[],
  problems: string[],
): void {
  for (const [a, b] of overlappingAssociations(associations))
    problems.push(
      `targets: log group ${logGroupName}: associations ${a.fileSystemPath} → ${a.dataRepositoryPath} and ${b.fileSystemPath} → ${b.dataRepositoryPath} of ${a.fileSystemId} overlap; FSx allows no nested file system paths on one file system`,
    );
  const chars = JSON.stringify(associations).length;
  if (chars > ROUTER_ROUTES_MAX_CHARS)
    problems.push(
      `targets: log group ${logGroupName}: its associations take ${chars} characters of the import function's environment; Lambda allows 4 KB (keep them under ${ROUTER_ROUTES_MAX_CHARS})`,
    );
  for (const { t, i } of members)
    if (importScopes([t], associations).length === 0)
      problems.push(
        `targets[${i}].trigger: no association of log group ${logGroupName} links s3://${t.bucket}/${t.prefix}, so its restored files could never be imported; add the file system's association that links this bucket and prefix (aws fsx describe-data-repository-associations)`,
      );
}

export function accountKey(assumeRole: AssumeRole | undefined): string {
  const account = assumeRole?.roleArn.split(":")[4];
  return account ?? "default";
}

/** Where a trail lives: one region of one account (the trail quota and shared trails count per home). */
export function trailHome(region: string, assumeRole: AssumeRole | undefined): string {
  return `${region}|${accountKey(assumeRole)}`;
}

export function splitTrailHome(home: string): { region: string; account: string } {
  const [region, account] = home.split("|") as [string, string];
  return { region, account };
}

/** Whether a target's restored files are imported into FSx (an fsx-logs trigger with associations). */
export function importsRestoredFiles(t: Pick<ResolvedTarget, "trigger">): boolean {
  return t.trigger.some((s) => s.type === "fsx-logs" && (s.associations?.length ?? 0) > 0);
}

/** Notifications S3 itself must deliver for a target (completed/expired), and by which route. */
function s3Delivered(t: ResolvedTarget): CompletedVia | undefined {
  const n = t.notifications;
  return n && (n.completed || n.expired) ? n.completedVia : undefined;
}

export function bucketOwners(
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
    // FSx imports of restored files start from S3's "Object Restore Completed" on EventBridge too.
    const eventBridge = members.some((t) => s3Delivered(t) === "eventbridge" || importsRestoredFiles(t));
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

export function groupSharedTrails(
  targets: readonly ResolvedTarget[],
  defaults: DefaultsInput,
  problems: string[],
): SharedTrailGroup[] {
  const groups = new Map<string, ResolvedTarget[]>();
  for (const t of targets) {
    if (t.trail.mode !== "shared" || !t.region || !usesCloudTrail(t)) continue;
    const key = trailHome(t.region, t.assumeRole);
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const accountsPerRegion = new Map<string, Set<string>>();
  for (const key of groups.keys()) {
    const { region, account } = splitTrailHome(key);
    accountsPerRegion.set(region, (accountsPerRegion.get(region) ?? new Set()).add(account));
  }
  return [...groups.entries()].map(([key, members]) => {
    const { region, account } = splitTrailHome(key);
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
