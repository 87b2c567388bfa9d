import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BATCH_REPORTS_PREFIX } from "../../core/batch-jobs";
import { bucketArn } from "../../core/partition";
import { listUnderPrefixStatement, objectsUnderPrefix, policyDocument } from "../policy";
import { Foundation } from "./foundation";
import { PrivateBucket } from "./private-bucket";

export interface BatchOperationsProps {
  readonly roleName: string;
  readonly reportsBucketPrefix: string;
  readonly bucket: string;
  readonly prefix: string;
  /** Days manifests and completion reports are kept. */
  readonly reportExpirationDays: number;
}

/**
 * What `glacier-restore stage` needs to restore a large dataset with S3 Batch Operations: a role the
 * service assumes, allowed to restore only this target's objects and to write only to a private reports
 * bucket. Jobs themselves are made at run time (Terraform has no resource for them).
 *
 * Trust and permissions follow the S3 User Guide, "Granting permissions for Batch Operations"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html): its trust
 * policy for `batchoperations.s3.amazonaws.com` has no condition; "Restore objects" grants s3:RestoreObject
 * on the objects and s3:PutObject for the report; its S3-generated-manifest examples add
 * s3:PutInventoryConfiguration on the source bucket and s3:PutObject/s3:GetObject where the manifest is
 * written. Listing the prefix and s3:GetBucketLocation (earlier versions of that page) are kept, as scoped.
 */
export class BatchOperations extends Construct {
  readonly role: IamRole;
  readonly reports: PrivateBucket;

  constructor(scope: Construct, id: string, props: BatchOperationsProps) {
    super(scope, id);
    this.reports = new PrivateBucket(this, "reports", {
      name: { bucketPrefix: props.reportsBucketPrefix },
      lifecycleRules: [
        {
          id: "expire-batch-reports",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.reportExpirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const reportsArn = this.reports.bucket.arn;
    const { partition } = Foundation.of(this);

    // The documented trust, without conditions: who may run jobs as this role is decided by iam:PassRole
    // (CreateJob needs s3:CreateJob and iam:PassRole on the role), not by the trust policy.
    const trust = policyDocument(this, "trust", [
      {
        sid: "BatchOperationsAssume",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["batchoperations.s3.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
      },
    ]);
    this.role = new IamRole(this, "role", { name: props.roleName, assumeRolePolicy: trust.json });
    const permissions = policyDocument(this, "permissions", [
      {
        sid: "RestoreTargetObjects",
        effect: "Allow",
        actions: ["s3:RestoreObject"],
        resources: objectsUnderPrefix(partition, props.bucket, props.prefix),
      },
      {
        // AWS's examples for an S3-generated manifest grant this on the source bucket (the bucket, not objects).
        sid: "GenerateManifest",
        effect: "Allow",
        actions: ["s3:PutInventoryConfiguration"],
        resources: [bucketArn(partition, props.bucket)],
      },
      // Not in AWS's current examples; kept, and limited to this target's prefix by its condition.
      listUnderPrefixStatement(bucketArn(partition, props.bucket), props.prefix),
      {
        sid: "WriteManifestsAndReports",
        effect: "Allow",
        actions: ["s3:PutObject", "s3:GetObject"],
        resources: [`${reportsArn}/${BATCH_REPORTS_PREFIX}*`],
      },
      {
        sid: "LocateReportsBucket",
        effect: "Allow",
        actions: ["s3:GetBucketLocation"],
        resources: [reportsArn],
      },
    ]);
    new IamRolePolicy(this, "role-policy", {
      name: "restore-target-objects",
      role: this.role.id,
      policy: permissions.json,
    });
  }

  /** `s3://<bucket>/batch/`: where the CLI points jobs' manifests and reports. */
  get reportsLocation(): string {
    return `s3://${this.reports.bucket.bucket}/${BATCH_REPORTS_PREFIX}`;
  }
}
