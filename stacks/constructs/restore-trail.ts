import { Construct } from "constructs";
import { Cloudtrail, type CloudtrailAdvancedEventSelector } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { advancedEventSelectors, type AdvancedEventSelector, type TrailScope } from "../../core/selectors";
import type { ResolvedTarget, ResolvedTrail } from "../../config/resolve";
import { targetNames } from "../names";
import { Foundation } from "./foundation";
import { policyDocument, serviceStatement } from "../policy";
import { PrivateBucket } from "./private-bucket";

/** The provider's form of CloudTrail's selectors (the binding calls `Equals` `equalTo`). */
export function providerSelectors(selectors: readonly AdvancedEventSelector[]): CloudtrailAdvancedEventSelector[] {
  return selectors.map((s) => ({
    name: s.Name,
    fieldSelector: s.FieldSelectors.map((f) => ({
      field: f.Field,
      ...(f.Equals ? { equalTo: [...f.Equals] } : {}),
      ...(f.StartsWith ? { startsWith: [...f.StartsWith] } : {}),
    })),
  }));
}

/** The physical names a trail uses (from `targetNames` of the target, or of the shared trail's stack). */
export type TrailNames = Pick<
  ReturnType<typeof targetNames>,
  "trail" | "trailBucketPrefix" | "trailLogGroup" | "trailRole"
>;

/** What a trail logs for one target: its bucket, prefix and reader ARN prefixes. */
export function trailScopeOf(target: Pick<ResolvedTarget, "bucket" | "prefix" | "trail">): TrailScope {
  return { bucket: target.bucket, prefix: target.prefix, readerArnPrefixes: target.trail.readerArnPrefixes };
}

export interface RestoreTrailProps {
  /**
   * The configuration's trail settings (a target's `trail`, or a shared trail group's): log expiry, log
   * bucket force-destroy and the optional CloudWatch Logs delivery with its retention.
   */
  readonly trail: ResolvedTrail;
  readonly names: TrailNames;
  /** The buckets/prefixes (and reader ARN prefixes) whose GetObject data events the trail logs. */
  readonly scopes: readonly TrailScope[];
}

/** A trail logging the GetObject data events EventBridge needs, with its own locked-down log bucket. */
export class RestoreTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly logBucket: S3Bucket;
  readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: RestoreTrailProps) {
    super(scope, id);
    const { trail: settings, names } = props;
    if (props.scopes.length === 0) throw new Error(`RestoreTrail ${names.trail}: at least one scope is required`);
    const foundation = Foundation.of(this);
    const { accountId, partition } = foundation;
    const trailArn = foundation.arn("cloudtrail", `trail/${names.trail}`);

    // Log bucket: private, encrypted, TLS-only, writable by this trail alone, expiring old logs.
    const logs = new PrivateBucket(this, "log-bucket", {
      name: { bucketPrefix: names.trailBucketPrefix },
      forceDestroy: settings.logBucketForceDestroy,
      lifecycleRules: [
        {
          id: "expire-trail-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: settings.logExpirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      policyStatements: (bucketArn) => [
        serviceStatement({
          sid: "CloudTrailAclCheck",
          service: "cloudtrail.amazonaws.com",
          actions: ["s3:GetBucketAcl"],
          resources: [bucketArn],
          sourceArn: trailArn,
          sourceAccount: accountId,
        }),
        serviceStatement({
          sid: "CloudTrailWrite",
          service: "cloudtrail.amazonaws.com",
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/AWSLogs/${accountId}/*`],
          sourceArn: trailArn,
          sourceAccount: accountId,
          extraConditions: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }],
        }),
      ],
    });
    this.logBucket = logs.bucket;
    const policy = logs.policy;

    // Optional CloudWatch Logs delivery through a role only this trail may assume.
    let cloudWatch: { groupArn: string; roleArn: string; rolePolicy: IamRolePolicy } | undefined;
    if (settings.cloudWatchLogs) {
      this.logGroup = new CloudwatchLogGroup(this, "log-group", {
        name: names.trailLogGroup,
        retentionInDays: settings.cloudWatchLogsRetentionDays,
      });
      // A plain service trust, as CloudTrail documents this role ("Sending events to CloudWatch Logs"):
      // aws:SourceArn/aws:SourceAccount conditions here are reported to fail CreateTrail with
      // InvalidCloudWatchLogsRoleArnException or to stop delivery. The role can only write this trail's
      // log group, and the log bucket policy keeps its SourceArn/SourceAccount conditions.
      const trust = policyDocument(this, "delivery-trust", [
        {
          sid: "CloudTrailAssume",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
        },
      ]);
      const role = new IamRole(this, "delivery-role", { name: names.trailRole, assumeRolePolicy: trust.json });
      const permissions = policyDocument(this, "delivery-permissions", [
        {
          sid: "WriteTrailLogStreams",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:log-stream:*`],
        },
      ]);
      const rolePolicy = new IamRolePolicy(this, "delivery-policy", {
        name: "cloudtrail-delivery",
        role: role.id,
        policy: permissions.json,
      });
      cloudWatch = { groupArn: `${this.logGroup.arn}:*`, roleArn: role.arn, rolePolicy };
    }

    this.trail = new Cloudtrail(this, "trail", {
      name: names.trail,
      s3BucketName: this.logBucket.id,
      enableLogging: true,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelector: providerSelectors(advancedEventSelectors(partition, props.scopes)),
      ...(cloudWatch ? { cloudWatchLogsGroupArn: cloudWatch.groupArn, cloudWatchLogsRoleArn: cloudWatch.roleArn } : {}),
      // CloudTrail checks bucket and delivery-role permissions when the trail is created.
      dependsOn: cloudWatch ? [policy, cloudWatch.rolePolicy] : [policy],
    });
  }
}
