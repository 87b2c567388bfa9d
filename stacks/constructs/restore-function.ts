import { Construct } from "constructs";
import { TerraformAsset, AssetType } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { HANDLER_RUNTIME, type HandlerArtifact } from "../artifact";
import {
  lambdaAssumeStatement,
  listUnderPrefixStatement,
  objectsUnderPrefix,
  policyDocument,
  type Statement,
} from "../policy";
import { CLAIM_FIELDS } from "../../core/contract";
import { encodeRestoreEnv } from "../../core/function-env";
import { bucketArn, type Partition } from "../../core/partition";
import { FUNCTION_DESCRIPTION_MAX_CHARS, truncateDescription } from "../../core/patterns";
import type { Budget, DirectoryLimits, RestoreMode, RestoreScope } from "../../core/restore-policy";
import type { Tier } from "../../core/restore-rules";

export interface RestoreFunctionProps {
  /** The configuration target, named in the function's notifications. */
  readonly targetName: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly partition: Partition;
  readonly bucket: string;
  readonly prefix: string;
  readonly restoreTier: Tier;
  readonly restoreDays: number;
  readonly artifact: HandlerArtifact;
  /** Queue receiving invocations that still fail after Lambda's own retries. */
  readonly deadLetterQueueArn: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
  /** Caps concurrent restores; unreserved when omitted. */
  readonly reservedConcurrency?: number;
  /** Name of a DynamoDB table for cross-container claims; none when omitted. */
  readonly claimTableName?: string;
  readonly claimTtlSeconds: number;
  /** Topic for "restore initiated" messages, and the role statements publishing to it needs. */
  readonly initiatedNotifications?: { readonly topicArn: string; readonly statements: Statement[] };
  /** The restore policy; only what differs from "object, no budget, restore" reaches the environment. */
  readonly policy?: {
    readonly restoreScope: RestoreScope;
    readonly directory: DirectoryLimits;
    readonly budget: Budget;
    readonly mode: RestoreMode;
    /** Where events the budget refused are kept (required with a budget). */
    readonly deferredQueue?: { readonly arn: string; readonly url: string };
  };
}

/** The function package as a stack holds it: a path inside the stack directory, and the zip's hash. */
export interface DeployedBundle {
  readonly filename: string;
  readonly sourceCodeHash: string;
}

/** How a function runs the shared zip: every handler in it gets the runtime the zip was built for. */
export function fromBundle(bundle: DeployedBundle) {
  return {
    filename: bundle.filename,
    sourceCodeHash: bundle.sourceCodeHash,
    ...HANDLER_RUNTIME,
  };
}

/** Structured JSON logs into the function's own log group (created by the stack, with retention). */
export function jsonLogging(logGroup: CloudwatchLogGroup) {
  return {
    logFormat: "JSON",
    logGroup: logGroup.name,
    applicationLogLevel: "INFO",
    systemLogLevel: "WARN",
  };
}

/** What a function's role needs to write its own logs (the group exists: no CreateLogGroup). */
export function ownLogsStatement(logGroup: CloudwatchLogGroup): Statement {
  return {
    sid: "WriteOwnLogs",
    effect: "Allow",
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    resources: [`${logGroup.arn}:*`],
  };
}

/** The Lambda that asks S3 to restore archived objects, with a role limited to its target's keys. */
export class RestoreFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly claimTable?: DynamodbTable;
  readonly bundle: DeployedBundle;

  constructor(scope: Construct, id: string, props: RestoreFunctionProps) {
    super(scope, id);
    const objects = objectsUnderPrefix(props.partition, props.bucket, props.prefix);
    const policy = props.policy;
    const budgeted = policy !== undefined && Object.keys(policy.budget).length > 0;
    if (budgeted && (!policy.deferredQueue || !props.claimTableName))
      throw new Error("a restore budget needs the claims table and a deferred queue");

    // Created here, not by Lambda on first write, so retention is set and the role needs no CreateLogGroup.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    // Short-lived claims (one item per archived object being restored), deleted by TTL. Point-in-time
    // recovery is left off on purpose: the items are worthless minutes after they are written.
    if (props.claimTableName) {
      this.claimTable = new DynamodbTable(this, "claims", {
        name: props.claimTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: CLAIM_FIELDS.key,
        attribute: [{ name: CLAIM_FIELDS.key, type: "S" }],
        ttl: { attributeName: CLAIM_FIELDS.expiresAt, enabled: true },
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: false },
      });
    }

    const trust = policyDocument(this, "trust", [lambdaAssumeStatement(props.accountId)]);
    this.role = new IamRole(this, "role", { name: props.roleName, assumeRolePolicy: trust.json });
    const permissions = policyDocument(this, "permissions", [
      {
        // HeadObject is authorized as GetObject (GetObjectVersion with a versionId); no object data is read.
        sid: "RestoreArchivedObjectsInScope",
        effect: "Allow",
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:RestoreObject"],
        resources: objects,
      },
      // With s3:ListBucket, HeadObject on a deleted key answers 404 (gone) instead of 403 (HeadObject API
      // reference, "Permissions"); the condition keeps listing to this target's prefix.
      listUnderPrefixStatement(bucketArn(props.partition, props.bucket), props.prefix),
      ownLogsStatement(this.logGroup),
      ...(this.claimTable
        ? [
            {
              sid: "ClaimObjects",
              effect: "Allow",
              // UpdateItem only with a budget: its daily counters are conditional ADDs.
              actions: ["dynamodb:PutItem", "dynamodb:DeleteItem", ...(budgeted ? ["dynamodb:UpdateItem"] : [])],
              resources: [this.claimTable.arn],
            },
          ]
        : []),
      ...(budgeted
        ? [
            {
              sid: "KeepEventsTheBudgetRefused",
              effect: "Allow",
              actions: ["sqs:SendMessage"],
              resources: [policy.deferredQueue!.arn],
            },
          ]
        : []),
      ...(props.initiatedNotifications?.statements ?? []),
      {
        sid: "DeadLetterFailedInvocations",
        effect: "Allow",
        actions: ["sqs:SendMessage"],
        resources: [props.deadLetterQueueArn],
      },
    ]);
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: "restore-archived-objects",
      role: this.role.id,
      policy: permissions.json,
    });

    // Copied into each stack's output directory, so every stack is a self-contained Terraform root module.
    const asset = new TerraformAsset(this, "bundle", { path: props.artifact.zipPath, type: AssetType.FILE });
    this.bundle = { filename: asset.path, sourceCodeHash: props.artifact.sha256 };
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: truncateDescription(
        `Restores archived objects under s3://${props.bucket}/${props.prefix} when a read fails with InvalidObjectState`,
        FUNCTION_DESCRIPTION_MAX_CHARS,
      ),
      role: this.role.arn,
      ...fromBundle(this.bundle),
      handler: "index.handler",
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        variables: encodeRestoreEnv({
          tier: props.restoreTier,
          days: props.restoreDays,
          bucket: props.bucket,
          prefix: props.prefix,
          targetName: props.targetName,
          ...(this.claimTable ? { claimTable: this.claimTable.name } : {}),
          claimTtlSeconds: props.claimTtlSeconds,
          ...(props.initiatedNotifications ? { notifyTopicArn: props.initiatedNotifications.topicArn } : {}),
          ...(policy?.restoreScope === "directory" ? { scope: "directory", directory: policy.directory } : {}),
          ...(budgeted ? { budget: policy.budget, deferredQueueUrl: policy.deferredQueue!.url } : {}),
          ...(policy?.mode === "observe" ? { mode: "observe" } : {}),
        }),
      },
      loggingConfig: jsonLogging(this.logGroup),
      dependsOn: [this.logGroup, rolePolicy],
    });

    new LambdaFunctionEventInvokeConfig(this, "async-config", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: props.deadLetterQueueArn } },
    });
  }
}
