import type { Construct } from "constructs";
import { LocalBackend, TerraformOutput } from "cdktf";
import { GlacierRestoreStack } from "./stack";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { BOOTSTRAP_STACK, type ResolvedConfig } from "../config/resolve";
import { NAME_PREFIX } from "./names";
import { PrivateBucket } from "./constructs/private-bucket";
import { providerAssumeRole, REQUIRED_TERRAFORM_VERSION } from "./constructs/foundation";

export interface StateBootstrapStackProps {
  readonly stateBackend: ResolvedConfig["stateBackend"];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Creates what the other stacks' S3 backend needs: the state bucket (versioned, encrypted, private,
 * TLS-only) and, with DynamoDB locking, the lock table. It keeps its own state locally, since the bucket
 * it would store it in does not exist yet.
 */
export class StateBootstrapStack extends GlacierRestoreStack {
  constructor(scope: Construct, props: StateBootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK);
    const sb = props.stateBackend;
    // Relative to the stack directory (<outdir>/stacks/state-bootstrap): the project directory, where a
    // re-synth does not overwrite it. CDKTF's default would write this machine's absolute path instead.
    new LocalBackend(this, { path: `../../../terraform.${BOOTSTRAP_STACK}.tfstate` });
    new AwsProvider(this, "aws", {
      region: sb.region,
      defaultTags: [{ tags: { ...props.tags, ManagedBy: NAME_PREFIX, GlacierRestoreStack: BOOTSTRAP_STACK } }],
      ...(sb.assumeRole ? providerAssumeRole(sb.assumeRole) : {}),
    });
    this.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
    this.setTerraformAttribute("required_version", REQUIRED_TERRAFORM_VERSION);
    new DataAwsCallerIdentity(this, "account");

    // Losing this bucket loses every stack's state: Terraform refuses to destroy it. Versions are how a
    // damaged state is recovered.
    const bucket = new PrivateBucket(this, "state-bucket", {
      name: { bucket: sb.bucket },
      preventDestroy: true,
      lifecycleRules: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    }).bucket;
    new TerraformOutput(this, "state_bucket", {
      value: bucket.bucket,
      description: "S3 bucket holding the Terraform state of every glacier-restore stack",
    });

    if (sb.locking === "dynamodb" && sb.dynamodbTable) {
      const table = new DynamodbTable(this, "lock-table", {
        name: sb.dynamodbTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        serverSideEncryption: { enabled: true },
        lifecycle: { preventDestroy: true },
      });
      new TerraformOutput(this, "lock_table", {
        value: table.name,
        description: "DynamoDB table holding the Terraform state locks",
      });
    }
  }
}
