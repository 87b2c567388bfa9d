import { Construct } from "constructs";
import { Cloudtrail, type CloudtrailAdvancedEventSelector } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { advancedEventSelectors, type AdvancedEventSelector, type TrailScope } from "../../core/selectors";
import { regionalArn, type Partition } from "../../core/partition";
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

export interface RestoreTrailProps {
  readonly trailName: string;
  readonly region: string;
  readonly partition: Partition;
  readonly accountId: string;
  readonly scopes: readonly TrailScope[];
  /** `bucket_prefix` of the log bucket (Terraform appends a unique suffix). */
  readonly logBucketPrefix: string;
  /** Let `terraform destroy` delete the log bucket with the logs in it (default: refuse while not empty). */
  readonly logBucketForceDestroy?: boolean;
  /** Days CloudTrail log files are kept in the log bucket. */
  readonly logExpirationDays: number;
  /** Also deliver events to CloudWatch Logs (not needed by EventBridge; useful for searching reads). */
  readonly cloudWatchLogs?: {
    readonly logGroupName: string;
    readonly retentionDays: number;
    readonly roleName: string;
  };
}

/** A trail logging the GetObject data events EventBridge needs, with its own locked-down log bucket. */
export class RestoreTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly logBucket: S3Bucket;
  readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: RestoreTrailProps) {
    super(scope, id);
    if (props.scopes.length === 0) throw new Error(`RestoreTrail ${props.trailName}: at least one scope is required`);
    const trailArn = regionalArn(
      props.partition,
      "cloudtrail",
      props.region,
      props.accountId,
      `trail/${props.trailName}`,
    );

    // Log bucket: private, encrypted, TLS-only, writable by this trail alone, expiring old logs.
    const logs = new PrivateBucket(this, "log-bucket", {
      name: { bucketPrefix: props.logBucketPrefix },
      forceDestroy: props.logBucketForceDestroy ?? false,
      lifecycleRules: [
        {
          id: "expire-trail-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.logExpirationDays }],
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
          sourceAccount: props.accountId,
        }),
        serviceStatement({
          sid: "CloudTrailWrite",
          service: "cloudtrail.amazonaws.com",
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/AWSLogs/${props.accountId}/*`],
          sourceArn: trailArn,
          sourceAccount: props.accountId,
          extraConditions: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }],
        }),
      ],
    });
    this.logBucket = logs.bucket;
    const policy = logs.policy;

    // Optional CloudWatch Logs delivery through a role only this trail may assume.
    let cloudWatch: { groupArn: string; roleArn: string; rolePolicy: IamRolePolicy } | undefined;
    if (props.cloudWatchLogs) {
      const cw = props.cloudWatchLogs;
      this.logGroup = new CloudwatchLogGroup(this, "log-group", {
        name: cw.logGroupName,
        retentionInDays: cw.retentionDays,
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
      const role = new IamRole(this, "delivery-role", { name: cw.roleName, assumeRolePolicy: trust.json });
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
      name: props.trailName,
      s3BucketName: this.logBucket.id,
      enableLogging: true,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelector: providerSelectors(advancedEventSelectors(props.partition, props.scopes)),
      ...(cloudWatch ? { cloudWatchLogsGroupArn: cloudWatch.groupArn, cloudWatchLogsRoleArn: cloudWatch.roleArn } : {}),
      // CloudTrail checks bucket and delivery-role permissions when the trail is created.
      dependsOn: cloudWatch ? [policy, cloudWatch.rolePolicy] : [policy],
    });
  }
}
