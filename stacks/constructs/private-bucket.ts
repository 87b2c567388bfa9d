import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { denyInsecureTransport, policyDocument, type Statement } from "../policy";

export interface PrivateBucketProps {
  /** An exact name, or a `bucket_prefix` to which Terraform appends a unique suffix. */
  readonly name: { readonly bucket: string } | { readonly bucketPrefix: string };
  /** Terraform refuses to destroy the bucket (for buckets whose loss is not recoverable). */
  readonly preventDestroy?: boolean;
  /** Let `terraform destroy` delete the bucket with its objects (default false: destroy fails while it holds any). */
  readonly forceDestroy?: boolean;
  readonly lifecycleRules: S3BucketLifecycleConfigurationRule[];
  /** Statements added to the bucket policy after the TLS-only denial; given the bucket's ARN. */
  readonly policyStatements?: (bucketArn: string) => Statement[];
}

/**
 * A bucket no one outside the account can read: owner-enforced objects, public access blocked, SSE-S3,
 * versioning, a lifecycle, and a policy that denies every request without TLS.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      ...props.name,
      forceDestroy: props.forceDestroy ?? false,
      ...(props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
    });
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket, rule: props.lifecycleRules });
    const arn = this.bucket.arn;
    const document = policyDocument(this, "policy-document", [
      denyInsecureTransport(["s3:*"], [arn, `${arn}/*`]),
      ...(props.policyStatements?.(arn) ?? []),
    ]);
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: document.json,
      // S3 rejects a policy put while the public access block is being changed.
      dependsOn: [publicAccess],
    });
  }
}
