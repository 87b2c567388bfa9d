/** The resolved configuration: what the stacks, the cost tool and the operator command are built from. */
import type { Budget, DirectoryLimits, RestoreMode, RestoreScope } from "../core/restore-policy";
import type { FsxAssociation } from "../core/fsx-import";
import type { Tier } from "../core/restore-rules";
import type { AssumeRole, CompletedVia, ParsedConfig, TrailMode, TriggerSource } from "./schema";

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
  readonly restoreTier: Tier;
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
  /** A Batch Operations role and reports bucket for `glacier-restore stage` (jobs are made at run time). */
  readonly batchOperations: boolean;
  /** What one miss restores: the object, or its directory's archived objects too. */
  readonly restoreScope: RestoreScope;
  readonly directory: DirectoryLimits;
  /** Unset fields: no limit. */
  readonly budget: Budget;
  /** "observe": the function restores nothing, it logs and counts what it would. */
  readonly mode: RestoreMode;
  /** Where misses come from: CloudTrail (trail + rule) and/or the readers' own log groups. */
  readonly trigger: readonly TriggerSource[];
}

/**
 * One reader log group and the targets it feeds: one stack owns its subscription filter (a log group allows
 * at most two) and a router function that hands each miss to the target holding the object.
 */
export interface LogTriggerGroup extends StackPlacement {
  readonly logGroupName: string;
  readonly type: "fsx-logs" | "file-gateway-logs";
  readonly routes: readonly {
    readonly target: string;
    readonly bucket: string;
    readonly prefix: string;
    /** File system or gateway IDs this target takes misses from; every reader when absent. */
    readonly readers?: readonly string[];
  }[];
  /** FSx data repository associations of the targets' triggers (distinct): restored files are imported. */
  readonly associations?: readonly FsxAssociation[];
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
  readonly logTriggers: readonly LogTriggerGroup[];
}
