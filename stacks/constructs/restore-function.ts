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
import { bucketArn } from "../../core/partition";
import { FUNCTION_DESCRIPTION_MAX_CHARS, truncateDescription } from "../../core/patterns";
import type { ResolvedTarget } from "../../config/resolve";
import { targetNames } from "../names";
import type { DeadLetterQueue } from "./dead-letter-queue";
import type { DeferredQueue } from "./deferred-queue";
import { Foundation } from "./foundation";

/** What the restore function reads from its configuration target. */
export type RestoreFunctionTarget = Pick<
  ResolvedTarget,
  | "name"
  | "bucket"
  | "prefix"
  | "restoreTier"
  | "restoreDays"
  | "function"
  | "restoreScope"
  | "directory"
  | "budget"
  | "mode"
>;

export interface RestoreFunctionProps {
  /**
   * The configuration target: its bucket and prefix (the role's scope), tier and days, `function` settings
   * (memory, timeout, log retention, concurrency, claims) and restore policy (scope, directory limits,
   * budget, mode). Only what differs from "object, no budget, restore" reaches the environment.
   */
  readonly target: RestoreFunctionTarget;
  /** Physical names of the function, its role and its claims table (`targetNames` of the target). */
  readonly names: Pick<ReturnType<typeof targetNames>, "function" | "role" | "claimTable">;
  readonly artifact: HandlerArtifact;
  /** The stack's dead-letter queue: invocations that still fail after Lambda's own retries end there. */
  readonly deadLetters: DeadLetterQueue;
  /** Where events the budget refused are kept (required with a budget). */
  readonly deferred?: DeferredQueue;
  /** Topic for "restore initiated" messages, and the role statements publishing to it needs. */
  readonly initiatedNotifications?: { readonly topicArn: string; readonly statements: Statement[] };
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
    const { target: t, names } = props;
    const budgeted = Object.keys(t.budget).length > 0;
    if (budgeted && (!props.deferred || !t.function.claims))
      throw new Error(`target ${t.name}: a restore budget needs the claims table and a deferred queue`);

    // Created here, not by Lambda on first write, so retention is set and the role needs no CreateLogGroup.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${names.function}`,
      retentionInDays: t.function.logRetentionDays,
    });

    // Short-lived claims (one item per archived object being restored), deleted by TTL. Point-in-time
    // recovery is left off on purpose: the items are worthless minutes after they are written.
    if (t.function.claims) {
      this.claimTable = new DynamodbTable(this, "claims", {
        name: names.claimTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: CLAIM_FIELDS.key,
        attribute: [{ name: CLAIM_FIELDS.key, type: "S" }],
        ttl: { attributeName: CLAIM_FIELDS.expiresAt, enabled: true },
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: false },
      });
    }

    const trust = policyDocument(this, "trust", [lambdaAssumeStatement(Foundation.of(this).accountId)]);
    this.role = new IamRole(this, "role", { name: names.role, assumeRolePolicy: trust.json });
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: "restore-archived-objects",
      role: this.role.id,
      policy: policyDocument(this, "permissions", this.permissions(props, budgeted)).json,
    });

    // Copied into each stack's output directory, so every stack is a self-contained Terraform root module.
    const asset = new TerraformAsset(this, "bundle", { path: props.artifact.zipPath, type: AssetType.FILE });
    this.bundle = { filename: asset.path, sourceCodeHash: props.artifact.sha256 };
    this.function = new LambdaFunction(this, "function", {
      functionName: names.function,
      description: truncateDescription(
        `Restores archived objects under s3://${t.bucket}/${t.prefix} when a read fails with InvalidObjectState`,
        FUNCTION_DESCRIPTION_MAX_CHARS,
      ),
      role: this.role.arn,
      ...fromBundle(this.bundle),
      handler: "index.handler",
      memorySize: t.function.memoryMb,
      timeout: t.function.timeoutSeconds,
      ...(t.function.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: t.function.reservedConcurrency }
        : {}),
      environment: { variables: this.environment(props, budgeted) },
      loggingConfig: jsonLogging(this.logGroup),
      dependsOn: [this.logGroup, rolePolicy],
    });

    new LambdaFunctionEventInvokeConfig(this, "async-config", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: props.deadLetters.queue.arn } },
    });
  }

  /** The role's statements: restore and list in scope, its own logs, claims, budget, notices, dead letters. */
  private permissions(props: RestoreFunctionProps, budgeted: boolean): Statement[] {
    const { target: t } = props;
    const { partition } = Foundation.of(this);
    return [
      {
        // HeadObject is authorized as GetObject (GetObjectVersion with a versionId); no object data is read.
        sid: "RestoreArchivedObjectsInScope",
        effect: "Allow",
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:RestoreObject"],
        resources: objectsUnderPrefix(partition, t.bucket, t.prefix),
      },
      // With s3:ListBucket, HeadObject on a deleted key answers 404 (gone) instead of 403 (HeadObject API
      // reference, "Permissions"); the condition keeps listing to this target's prefix.
      listUnderPrefixStatement(bucketArn(partition, t.bucket), t.prefix),
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
      ...(budgeted && props.deferred
        ? [
            {
              sid: "KeepEventsTheBudgetRefused",
              effect: "Allow",
              actions: ["sqs:SendMessage"],
              resources: [props.deferred.queue.arn],
            },
          ]
        : []),
      ...(props.initiatedNotifications?.statements ?? []),
      {
        sid: "DeadLetterFailedInvocations",
        effect: "Allow",
        actions: ["sqs:SendMessage"],
        resources: [props.deadLetters.queue.arn],
      },
    ];
  }

  /** The function's environment, encoded by the one contract the handler decodes (core/function-env.ts). */
  private environment(props: RestoreFunctionProps, budgeted: boolean): Record<string, string> {
    const { target: t } = props;
    return encodeRestoreEnv({
      tier: t.restoreTier,
      days: t.restoreDays,
      bucket: t.bucket,
      prefix: t.prefix,
      targetName: t.name,
      ...(this.claimTable ? { claimTable: this.claimTable.name } : {}),
      claimTtlSeconds: t.function.claimTtlSeconds,
      ...(props.initiatedNotifications ? { notifyTopicArn: props.initiatedNotifications.topicArn } : {}),
      ...(t.restoreScope === "directory" ? { scope: "directory", directory: t.directory } : {}),
      ...(budgeted && props.deferred ? { budget: t.budget, deferredQueueUrl: props.deferred.queue.url } : {}),
      ...(t.mode === "observe" ? { mode: "observe" } : {}),
    });
  }
}
