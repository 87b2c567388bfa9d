import type { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { BOOTSTRAP_STACK, type ResolvedConfig } from "../config/resolve";
import { NAME_PREFIX } from "./names";
import { denyInsecureTransport, policyDocument } from "./policy";

export interface StateBootstrapStackProps {
  readonly stateBackend: ResolvedConfig["stateBackend"];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Creates what the other stacks' S3 backend needs: the state bucket (versioned, encrypted, private,
 * TLS-only) and, with DynamoDB locking, the lock table. It keeps its own state locally, since the bucket
 * it would store it in does not exist yet.
 */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, props: StateBootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK);
    const sb = props.stateBackend;
    // Relative to the stack directory (<outdir>/stacks/state-bootstrap): the project directory, where a
    // re-synth does not overwrite it. CDKTF's default would write this machine's absolute path instead.
    new LocalBackend(this, { path: `../../../terraform.${BOOTSTRAP_STACK}.tfstate` });
    new AwsProvider(this, "aws", {
      region: sb.region,
      defaultTags: [{ tags: { ...props.tags, ManagedBy: NAME_PREFIX, GlacierRestoreStack: BOOTSTRAP_STACK } }],
      ...(sb.assumeRole
        ? {
            assumeRole: [
              {
                roleArn: sb.assumeRole.roleArn,
                ...(sb.assumeRole.externalId ? { externalId: sb.assumeRole.externalId } : {}),
                sessionName: sb.assumeRole.sessionName ?? NAME_PREFIX,
              },
            ],
          }
        : {}),
    });
    this.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
    new DataAwsCallerIdentity(this, "account");

    // Losing this bucket loses every stack's state: Terraform refuses to destroy it.
    const bucket = new S3Bucket(this, "state-bucket", {
      bucket: sb.bucket,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketOwnershipControls(this, "state-bucket-ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "state-bucket-public-access", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "state-bucket-encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    // Versions are how a damaged state is recovered.
    new S3BucketVersioningA(this, "state-bucket-versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketLifecycleConfiguration(this, "state-bucket-lifecycle", {
      bucket: bucket.id,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const policy = policyDocument(this, "state-bucket-policy-document", [
      denyInsecureTransport(["s3:*"], [bucket.arn, `${bucket.arn}/*`]),
    ]);
    new S3BucketPolicy(this, "state-bucket-policy", {
      bucket: bucket.id,
      policy: policy.json,
      dependsOn: [publicAccess],
    });
    new TerraformOutput(this, "state_bucket", { value: bucket.bucket });

    if (sb.locking === "dynamodb" && sb.dynamodbTable) {
      const table = new DynamodbTable(this, "lock-table", {
        name: sb.dynamodbTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        serverSideEncryption: { enabled: true },
        lifecycle: { preventDestroy: true },
      });
      new TerraformOutput(this, "lock_table", { value: table.name });
    }
  }
}
