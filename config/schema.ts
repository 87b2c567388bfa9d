import { z } from "zod";

import { associationProblem } from "../core/fsx-import";
import { codePointName } from "../core/policy-text";
import { RESTORE_MODES, RESTORE_SCOPES } from "../core/restore-policy";
import { TIERS } from "../core/restore-rules";

/** The only retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** AWS regions are written like `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`. */
const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const TARGET_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
const IAM_ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const region = z.string().regex(REGION_PATTERN, { message: "must be an AWS region code such as us-east-1" });

/**
 * Control characters (U+0000–U+001F, U+007F) in a key prefix: S3 lists them among the characters that need
 * special handling (S3 User Guide, "Naming Amazon S3 objects", object key naming guidelines), and IAM policies
 * cannot hold most of them. Position counts characters from 1.
 */
export function controlCharacterProblem(prefix: string): string | undefined {
  const characters = [...prefix];
  const at = characters.findIndex((c) => c.codePointAt(0)! < 0x20 || c.codePointAt(0) === 0x7f);
  if (at < 0) return undefined;
  return `contains control character ${codePointName(characters[at]!)} at position ${at + 1}; control characters (U+0000-U+001F, U+007F) are not allowed in a key prefix`;
}

/** S3 general purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not be formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with a reserved prefix";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return "must not end with a reserved suffix";
  return undefined;
}

const bucketName = z.string().superRefine((value, ctx) => {
  const problem = bucketNameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `"${value}" is not a valid S3 bucket name: ${problem}` });
});

const tier = z.enum(TIERS, {
  error: (issue) => `invalid restore tier ${JSON.stringify(issue.input)}; allowed: ${TIERS.join(", ")}`,
});

const positiveInt = (what: string, max: number) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    .int({ message: `must be a whole number of ${what}` })
    .min(1, { message: `must be at least 1 (${what})` })
    .max(max, { message: `must be at most ${max} (${what})` });

/**
 * An object of optional settings that must set at least one of them, because empty it would silently mean
 * the opposite of what writing it suggests (`budget: {}` limits nothing). Editors see it as minProperties.
 */
const settingOneOf = <T extends z.ZodObject>(settings: T, withoutThem: string) => {
  const keys = Object.keys(settings.shape);
  const set = keys.length === 1 ? keys[0] : `at least one of ${keys.join(", ")}`;
  return settings
    .refine((o) => Object.values(o).some((v) => v !== undefined), {
      message: `sets nothing; set ${set} (${withoutThem})`,
      // Unknown keys or bad values are reported by themselves.
      when: (payload) => payload.issues.length === 0,
    })
    .meta({ minProperties: 1 });
};

const retentionDays = z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
  message: `must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
});

const tags = z
  .record(
    z
      .string()
      .min(1)
      .max(128)
      .regex(/^(?!aws:)/, { message: "tag keys must not start with aws:" }),
    z.string().max(256),
  )
  .refine((t) => Object.keys(t).length <= 40, { message: "at most 40 tags (AWS allows 50, the stack adds its own)" });

const assumeRole = z
  .object({
    roleArn: z
      .string()
      .regex(IAM_ROLE_ARN_PATTERN, { message: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)" }),
    // STS AssumeRole's ExternalId pattern (AssumeRole API reference).
    externalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, { message: "must be 2-1224 characters of letters, digits and +=,.@:/_-" })
      .optional(),
    sessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, { message: "must be 2-64 characters of letters, digits and +=,.@_-" })
      .optional(),
  })
  .strict();

/** Where the trail that logs GetObject data events comes from. */
export const TRAIL_MODES = ["dedicated", "shared", "existing"] as const;
export type TrailMode = (typeof TRAIL_MODES)[number];

const trail = z
  .object({
    mode: z.enum(TRAIL_MODES, {
      error: (issue) => `invalid trail mode ${JSON.stringify(issue.input)}; allowed: ${TRAIL_MODES.join(", ")}`,
    }),
    existingTrailArn: z.string().regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]{3,128}$/, {
      message: "must be a CloudTrail trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>)",
    }),
    cloudWatchLogs: z.boolean(),
    /** Let `terraform destroy` delete the trail's log bucket with its logs. */
    logBucketForceDestroy: z.boolean(),
    cloudWatchLogsRetentionDays: retentionDays,
    logExpirationDays: positiveInt("days", 3650),
    readerArnPrefixes: z
      .array(
        z
          .string()
          .regex(/^arn:aws[a-z-]*:(sts|iam)::\d{12}:/, {
            message: "must start with arn:aws:sts::<account>: or arn:aws:iam::<account>:",
          })
          .superRefine((value, ctx) => {
            // CloudTrail records a role's calls as its session, arn:<p>:sts::<account>:assumed-role/<name>/<session>;
            // a role ARN never matches userIdentity.arn, so such a filter would log nothing at all.
            const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(value);
            if (role)
              ctx.addIssue({
                code: "custom",
                message: `is an IAM role ARN, which CloudTrail never records as the reader (it records the role's session), so the trail would log nothing; use "arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}"`,
              });
          }),
      )
      .max(20),
  })
  .partial()
  .strict();

const fn = z
  .object({
    memoryMb: z.number().int().min(128).max(10240),
    timeoutSeconds: positiveInt("seconds", 900),
    // 0 would throttle every invocation, so every event would end in the dead-letter queue.
    reservedConcurrency: z
      .number()
      .int()
      .min(1, { message: "must be at least 1: with 0 the function never runs and every event is dead-lettered" })
      .max(1000),
    logRetentionDays: retentionDays,
    claims: z.boolean(),
    claimTtlSeconds: z.number().int().min(60).max(86400),
  })
  .partial()
  .strict();

const eventRetry = z
  .object({
    maximumEventAgeSeconds: z.number().int().min(60).max(86400),
    maximumRetryAttempts: z.number().int().min(0).max(185),
  })
  .partial()
  .strict();

/** Where "restore completed" and "restore expired" notifications come from. */
export const COMPLETED_VIA = ["eventbridge", "bucket-notifications"] as const;
export type CompletedVia = (typeof COMPLETED_VIA)[number];

/** Who writes a bucket's S3 notification configuration (PutBucketNotificationConfiguration replaces all of it). */
export const NOTIFICATION_CONFIGURATION_OWNERS = ["external", "owned"] as const;
export type NotificationConfigurationOwner = (typeof NOTIFICATION_CONFIGURATION_OWNERS)[number];

const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]{1,128}$/;

const notifications = z
  .object({
    /** Turns notifications off for a target that would inherit them from `defaults`. */
    enabled: z.boolean(),
    email: z.array(z.email({ message: "must be an email address" })).max(20),
    https: z.array(z.url({ protocol: /^https$/, message: "must be an https:// URL" })).max(20),
    sqsQueueArns: z
      .array(
        z.string().regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/, {
          message: "must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>)",
        }),
      )
      .max(20),
    initiated: z.boolean(),
    completed: z.boolean(),
    expired: z.boolean(),
    completedVia: z.enum(COMPLETED_VIA, {
      error: (issue) => `invalid completedVia ${JSON.stringify(issue.input)}; allowed: ${COMPLETED_VIA.join(", ")}`,
    }),
    /**
     * One message per window for email subscribers, listing the objects; queue and https subscribers keep
     * one message per object.
     */
    digest: z
      .object({
        windowMinutes: z
          .number({ error: "must be a whole number of minutes" })
          .int({ message: "must be a whole number of minutes" })
          .min(5, { message: "must be at least 5 (minutes)" })
          .max(1440, { message: "must be at most 1440 (minutes, one day)" }),
      })
      .strict(),
    kmsKeyArn: z.string().superRefine((value, ctx) => {
      if (/(^|:)alias\/aws\//.test(value))
        ctx.addIssue({
          code: "custom",
          message:
            "an AWS managed key (alias/aws/...) cannot be used: its key policy cannot be changed to let S3 or EventBridge publish, so their notifications would be dropped; give a customer managed key ARN or leave kmsKeyArn out to have one created",
        });
      else if (!KMS_KEY_ARN_PATTERN.test(value))
        ctx.addIssue({
          code: "custom",
          message: "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); aliases are not accepted",
        });
    }),
  })
  .partial()
  .strict();

const SNS_TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

const alarms = z
  .object({
    /** CloudWatch alarms on the dead-letter queue, the function and the rules (default true). */
    enabled: z.boolean(),
    /** Topic the alarms notify; else the target's notifications topic, else no action. */
    topicArn: z.string().regex(SNS_TOPIC_ARN_PATTERN, {
      message: "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
    }),
  })
  .partial()
  .strict();

const directory = z
  .object({
    /** At most this many other archived objects are restored for one miss (default 1000). */
    maxObjects: z.number().int().min(1).max(100_000),
    /** At most this many bytes of them (default 1 TiB). */
    maxBytes: z.number().int().min(1),
  })
  .partial()
  .strict();

const budget = settingOneOf(
  z
    .object({
      /** Restore requests the function may start per UTC day (unset: no limit). */
      maxRestoresPerDay: z.number().int().min(1),
      /** Gigabytes (10^9 bytes) it may restore per UTC day (unset: no limit). */
      maxGBPerDay: z.number().positive(),
    })
    .partial()
    .strict(),
  "without one there is no daily limit",
);

/** One FSx for Lustre data repository association (FSx API: DataRepositoryAssociation). */
const fsxAssociation = z
  .object({
    /** The FSx for Lustre file system (fs-…). */
    fileSystemId: z.string(),
    /** Its directory linked to the repository, absolute: "/" or "/ns1/". */
    fileSystemPath: z.string(),
    /** The linked bucket and prefix: "s3://bucket/" or "s3://bucket/prefix/". */
    dataRepositoryPath: z.string(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const problem = associationProblem(a);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Where misses come from: CloudTrail data events (default), or the readers' own CloudWatch Logs. */
const LOG_GROUP_NAME = /^[\w./#-]{1,512}$/;
const triggerSource = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("cloudtrail") }).strict(),
    z
      .object({
        type: z.literal("fsx-logs"),
        /** FSx for Lustre / File Cache data repository event log group; FSx requires the /aws/fsx prefix. */
        logGroupName: z
          .string()
          .regex(/^\/aws\/fsx[\w./#-]*$/, {
            message: "must be a log group name starting with /aws/fsx (FSx requires it)",
          })
          .max(512),
        /** Only these file systems' misses (log streams datarepo_<id>); all when absent. */
        fileSystemIds: z
          .array(
            z.string().regex(/^(fs|fc)-[0-9a-f]{8,17}$/, { message: "must be a file system or cache ID (fs-…, fc-…)" }),
          )
          .min(1)
          .optional(),
        /**
         * The file systems' data repository associations (as `aws fsx describe-data-repository-associations`
         * lists them). With them, once a missed object's restore completes, an import task makes the file
         * appear on the file system that failed to import it; `wait --print-paths` prints its real path.
         */
        associations: z.array(fsxAssociation).min(1).max(50).optional(),
      })
      .strict()
      .superRefine((source, ctx) => {
        const ids = source.fileSystemIds;
        source.associations?.forEach((a, i) => {
          if (ids && !ids.includes(a.fileSystemId))
            ctx.addIssue({
              code: "custom",
              path: ["associations", i, "fileSystemId"],
              message: `${a.fileSystemId} is not among fileSystemIds (${ids.join(", ")}): this trigger takes no misses from it`,
            });
        });
      }),
    z
      .object({
        type: z.literal("file-gateway-logs"),
        /** The S3 File Gateway's health log group. */
        logGroupName: z.string().regex(LOG_GROUP_NAME, { message: "must be a CloudWatch Logs log group name" }),
        /** Only these gateways' misses (the log's "gateway" field); all when absent. */
        gatewayIds: z
          .array(z.string().regex(/^sgw-[0-9A-F]{8}$/, { message: "must be a gateway ID (sgw-…)" }))
          .min(1)
          .optional(),
      })
      .strict(),
  ],
  { error: () => `each trigger needs "type": one of cloudtrail, fsx-logs, file-gateway-logs` },
);
const trigger = z.array(triggerSource).min(1, { message: "needs at least one source" }).max(5);

/** Settings a target may set itself or inherit from `defaults`. */
const inheritable = {
  region,
  restoreTier: tier,
  restoreDays: positiveInt("days", 30000),
  tags,
  assumeRole,
  trail,
  function: fn,
  eventRetry,
  notifications,
  alarms,
  /**
   * An IAM role and a private reports bucket that let `glacier-restore stage` restore a large dataset with
   * S3 Batch Operations (default false). Jobs are created at run time, never by Terraform.
   */
  batchOperations: z.boolean(),
  /** "object" (default): restore the object a reader missed; "directory": also its archived siblings. */
  restoreScope: z.enum(RESTORE_SCOPES, {
    error: (issue) => `invalid restoreScope ${JSON.stringify(issue.input)}; allowed: ${RESTORE_SCOPES.join(", ")}`,
  }),
  directory,
  budget,
  /** "restore" (default), or "observe": decide, log and count what would be restored, restore nothing. */
  trigger,
  mode: z.enum(RESTORE_MODES, {
    error: (issue) => `invalid mode ${JSON.stringify(issue.input)}; allowed: ${RESTORE_MODES.join(", ")}`,
  }),
};

export const defaultsSchema = z.object(inheritable).partial().strict();

export const targetSchema = z
  .object({
    /**
     * The prefix is a directory: it must end with "/". False lets a prefix such as "runs" cover every key
     * starting with it ("runs-old/", "runsheet.csv" too), which is then a stated choice.
     */
    prefixIsDirectory: z.boolean().default(true),
    name: z.string().max(40, { message: "must be at most 40 characters" }).regex(TARGET_NAME_PATTERN, {
      message:
        "must start with a lowercase letter, contain only lowercase letters, digits and single hyphens, and not end with a hyphen",
    }),
    bucket: bucketName,
    prefix: z
      .string()
      .max(1024, { message: "must be at most 1024 characters" })
      .refine((p) => !p.startsWith("/"), {
        message: 'must not start with "/": S3 keys have no leading slash (use "raw/" not "/raw/")',
      })
      // Any other character an S3 key can hold is accepted: policies write what IAM cannot hold (and its
      // wildcards * and ?) as "?" (core/policy-text.ts); every other layer keeps the prefix as written.
      .superRefine((p, ctx) => {
        const problem = controlCharacterProblem(p);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(""),
  })
  .extend(defaultsSchema.shape)
  .strict();

export const stateBackendSchema = z
  .object({
    bucket: bucketName,
    region,
    keyPrefix: z
      .string()
      .regex(/^[\w!.*'()/-]{1,200}$/, { message: "must be 1-200 characters of letters, digits and !-_.*'()/" })
      .refine((p) => !p.startsWith("/") && !p.endsWith("/"), { message: "must not start or end with /" })
      .default("glacier-restore"),
    locking: z
      .enum(["lockfile", "dynamodb", "none"], {
        error: (issue) => `invalid locking ${JSON.stringify(issue.input)}; allowed: lockfile, dynamodb, none`,
      })
      .default("lockfile"),
    dynamodbTable: z
      .string()
      .regex(/^[\w.-]{3,255}$/, { message: "must be a DynamoDB table name (3-255 of A-Za-z0-9_.-)" })
      .optional(),
    assumeRole: assumeRole.optional(),
    /** Also generate the `state-bootstrap` stack (local state) that creates the bucket and lock table. */
    bootstrap: z.boolean().default(false),
  })
  .strict();

const bucketSettings = settingOneOf(
  z
    .object({
      notificationConfiguration: z.enum(NOTIFICATION_CONFIGURATION_OWNERS, {
        error: (issue) =>
          `invalid notificationConfiguration ${JSON.stringify(issue.input)}; allowed: ${NOTIFICATION_CONFIGURATION_OWNERS.join(", ")}`,
      }),
    })
    .partial()
    .strict(),
  "or remove the entry: a bucket not listed keeps the defaults",
);

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** Region codes to accept besides the known list (a Region AWS opened after this release). */
    extraRegions: z.array(region).max(20).default([]),
    stateBackend: stateBackendSchema,
    defaults: defaultsSchema.default({}),
    /** Per-bucket settings, keyed by bucket name; a bucket not listed keeps the defaults. */
    buckets: z.record(bucketName, bucketSettings).default({}),
    targets: z.array(targetSchema).min(1, { message: "must list at least one target" }).max(500),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type TargetInput = z.output<typeof targetSchema>;
export type DefaultsInput = z.output<typeof defaultsSchema>;
export type AssumeRole = z.output<typeof assumeRole>;
export type TrailInput = z.output<typeof trail>;
export type TriggerSource = z.output<typeof triggerSource>;
export type NotificationsInput = z.output<typeof notifications>;
export type AlarmsInput = z.output<typeof alarms>;
