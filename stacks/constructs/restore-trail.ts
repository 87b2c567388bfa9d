import { Construct } from "constructs";
import { Cloudtrail, type CloudtrailAdvancedEventSelector } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { policyDocument, serviceStatement } from "../policy";
import { PrivateBucket } from "./private-bucket";

/** What one trail must log for one target: GetObject on its keys, optionally only by some readers. */
export interface TrailScope {
  readonly bucket: string;
  readonly prefix: string;
  readonly readerArnPrefixes: readonly string[];
}

/** The ARN prefix of a target's objects; the "/" keeps bucket "data" from matching "data-old". */
export function objectArnPrefix(bucket: string, prefix: string): string {
  return `arn:aws:s3:::${bucket}/${prefix}`;
}

/**
 * Advanced event selectors that log only GetObject data events on the scopes' objects: one selector per
 * distinct reader filter (selectors are ORed, the values of one field are ORed, fields are ANDed).
 * `errorCode` is not a data-event selector field, so successful reads in scope are logged (and billed) too.
 */
export function advancedEventSelectors(scopes: readonly TrailScope[]): CloudtrailAdvancedEventSelector[] {
  const byReaders = new Map<string, TrailScope[]>();
  for (const s of scopes) {
    const key = JSON.stringify([...s.readerArnPrefixes].sort());
    byReaders.set(key, [...(byReaders.get(key) ?? []), s]);
  }
  return [...byReaders.entries()].map(([key, group]) => {
    const readers = JSON.parse(key) as string[];
    return {
      name: `GetObject in ${group.length} glacier-restore scope${group.length === 1 ? "" : "s"}${readers.length ? " by selected readers" : ""}`,
      fieldSelector: [
        { field: "eventCategory", equalTo: ["Data"] },
        { field: "resources.type", equalTo: ["AWS::S3::Object"] },
        { field: "eventName", equalTo: ["GetObject"] },
        {
          field: "resources.ARN",
          startsWith: [...new Set(group.map((s) => objectArnPrefix(s.bucket, s.prefix)))].sort(),
        },
        ...(readers.length ? [{ field: "userIdentity.arn", startsWith: readers }] : []),
      ],
    };
  });
}

export interface RestoreTrailProps {
  readonly trailName: string;
  readonly region: string;
  readonly accountId: string;
  readonly scopes: readonly TrailScope[];
  /** `bucket_prefix` of the log bucket (Terraform appends a unique suffix). */
  readonly logBucketPrefix: string;
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
    const trailArn = `arn:aws:cloudtrail:${props.region}:${props.accountId}:trail/${props.trailName}`;

    // Log bucket: private, encrypted, TLS-only, writable by this trail alone, expiring old logs.
    const logs = new PrivateBucket(this, "log-bucket", {
      name: { bucketPrefix: props.logBucketPrefix },
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
      const trust = policyDocument(this, "delivery-trust", [
        serviceStatement({
          sid: "CloudTrailAssume",
          service: "cloudtrail.amazonaws.com",
          actions: ["sts:AssumeRole"],
          sourceArn: trailArn,
          sourceAccount: props.accountId,
        }),
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
      advancedEventSelector: advancedEventSelectors(props.scopes),
      ...(cloudWatch ? { cloudWatchLogsGroupArn: cloudWatch.groupArn, cloudWatchLogsRoleArn: cloudWatch.roleArn } : {}),
      // CloudTrail checks bucket and delivery-role permissions when the trail is created.
      dependsOn: cloudWatch ? [policy, cloudWatch.rolePolicy] : [policy],
    });
  }
}
