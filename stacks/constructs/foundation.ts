import { Construct, type IConstruct } from "constructs";
import { S3Backend, TerraformStack } from "cdktf";
import { AwsProvider, type AwsProviderAssumeRole } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import type { AssumeRole } from "../../config/schema";
import type { ResolvedConfig, StackPlacement } from "../../config/resolve";
import { partitionOf, regionalArn, type Partition } from "../../core/partition";
import terraformVersion from "../../core/terraform-version.json";
import { NAME_PREFIX } from "../names";
import type { GlacierRestoreStack } from "../stack";

/** S3-native state locking (`use_lockfile`) is experimental before Terraform 1.11. */
export const REQUIRED_TERRAFORM_VERSION = terraformVersion.requiredVersion;

export interface FoundationProps {
  /** The stack's name; its state lives at `<keyPrefix>/<stackName>.tfstate`. */
  readonly stackName: string;
  readonly region: string;
  readonly stateBackend: ResolvedConfig["stateBackend"];
  readonly tags: Readonly<Record<string, string>>;
  readonly assumeRole?: AssumeRole;
}

/** Foundation props for a stack placed by the configuration (shared trail, bucket notifications). */
export function placedFoundation(
  placement: StackPlacement,
  stateBackend: ResolvedConfig["stateBackend"],
): FoundationProps {
  return {
    stackName: placement.stackName,
    region: placement.region,
    stateBackend,
    tags: placement.tags,
    ...(placement.assumeRole ? { assumeRole: placement.assumeRole } : {}),
  };
}

/** The AWS provider's `assume_role` block for a configured role. */
export function providerAssumeRole(role: AssumeRole): { assumeRole: AwsProviderAssumeRole[] } {
  return {
    assumeRole: [
      {
        roleArn: role.roleArn,
        ...(role.externalId ? { externalId: role.externalId } : {}),
        sessionName: role.sessionName ?? NAME_PREFIX,
      },
    ],
  };
}

/**
 * What every stack starts with: its remote state, the AWS provider and the account it deploys to. It is
 * the one owner of the stack's shared facts (account, partition, region): constructs look them up with
 * `Foundation.of(this)` instead of taking them as props.
 */
export class Foundation extends Construct {
  readonly provider: AwsProvider;
  /** The deploying account's ID, for ARNs and `aws:SourceAccount` conditions. */
  readonly accountId: string;
  /** The stack region's partition (ARN prefix, service DNS suffix). */
  readonly partition: Partition;
  /** The region the stack's provider deploys to. */
  readonly region: string;

  /** The foundation of the stack holding `scope`; fails, naming the scope, when the stack has none. */
  static of(scope: IConstruct): Foundation {
    const stack = TerraformStack.of(scope);
    const found = stack.node.children.find((child): child is Foundation => child instanceof Foundation);
    if (!found)
      throw new Error(
        `${scope.node.path}: stack ${stack.node.id} has no Foundation; create it before the constructs that need its account, partition or region`,
      );
    return found;
  }

  constructor(stack: GlacierRestoreStack, id: string, props: FoundationProps) {
    super(stack, id);
    const sb = props.stateBackend;
    const backend = new S3Backend(stack, {
      bucket: sb.bucket,
      key: `${sb.keyPrefix}/${props.stackName}.tfstate`,
      region: sb.region,
      encrypt: true,
      ...(sb.locking === "dynamodb" && sb.dynamodbTable ? { dynamodbTable: sb.dynamodbTable } : {}),
      ...(sb.assumeRole
        ? {
            assumeRole: {
              roleArn: sb.assumeRole.roleArn,
              externalId: sb.assumeRole.externalId,
              sessionName: sb.assumeRole.sessionName,
            },
          }
        : {}),
    });
    // S3-native state locking (Terraform >= 1.10); CDKTF 0.21's S3BackendConfig has no field for it.
    if (sb.locking === "lockfile") backend.addOverride("use_lockfile", true);

    this.provider = new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { ...props.tags, ManagedBy: NAME_PREFIX, GlacierRestoreStack: props.stackName } }],
      ...(props.assumeRole
        ? {
            ...providerAssumeRole(props.assumeRole),
            // A role in another account must not be paired with this state by mistake.
            allowedAccountIds: [props.assumeRole.roleArn.split(":")[4]!],
          }
        : {}),
    });
    // The fully-qualified source works with terraform and OpenTofu alike, without CDKTF.
    stack.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
    stack.setTerraformAttribute("required_version", REQUIRED_TERRAFORM_VERSION);
    this.region = props.region;
    this.partition = partitionOf(props.region);
    this.accountId = new DataAwsCallerIdentity(this, "account").accountId;
  }

  /** The ARN of `resource` of `service` in this stack's partition, region and account. */
  arn(service: string, resource: string): string {
    return regionalArn(this.partition, service, this.region, this.accountId, resource);
  }
}
