import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { encodeDigestEnv } from "../../core/function-env";
import { fromBundle, jsonLogging, ownLogsStatement, type DeployedBundle } from "./restore-function";
import { lambdaAssumeStatement, policyDocument, type Statement } from "../policy";
import type { DeadLetterQueue } from "./dead-letter-queue";
import { Foundation } from "./foundation";
import type { ResolvedTarget } from "../../config/resolve";
import { targetNames } from "../names";

export interface RestoreDigestProps {
  /** The configuration target: named in the digests; its function log retention applies here too. */
  readonly target: Pick<ResolvedTarget, "name" | "function">;
  /** Physical names of the digest function, its role and its schedule (`targetNames` of the target). */
  readonly names: Pick<ReturnType<typeof targetNames>, "digestFunction" | "digestRole" | "digestRule">;
  readonly windowMinutes: number;
  /** The restore function's deployment package in this stack (one copy of the zip serves both). */
  readonly bundle: DeployedBundle;
  /** Queue holding the window's per-object messages. */
  readonly queue: SqsQueue;
  readonly topicArn: string;
  /** What publishing to the (encrypted) topic needs. */
  readonly publishStatements: Statement[];
  /** The stack's dead-letter queue: scheduled invocations that still fail end there. */
  readonly deadLetters: DeadLetterQueue;
}

/**
 * The digest function: every `windowMinutes` an EventBridge schedule invokes it; it reads the digest
 * queue and publishes one message listing the window's objects. It ships in the restore function's zip
 * (handler `index.digestHandler`), so both are built and tested together.
 */
export class RestoreDigest extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: RestoreDigestProps) {
    super(scope, id);
    const { names, target } = props;
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${names.digestFunction}`,
      retentionInDays: target.function.logRetentionDays,
    });
    const trust = policyDocument(this, "trust", [lambdaAssumeStatement(Foundation.of(this).accountId)]);
    const role = new IamRole(this, "role", { name: names.digestRole, assumeRolePolicy: trust.json });
    const permissions = policyDocument(this, "permissions", [
      {
        sid: "ReadDigestQueue",
        effect: "Allow",
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
        resources: [props.queue.arn],
      },
      ...props.publishStatements,
      ownLogsStatement(logGroup),
      {
        sid: "DeadLetterFailedInvocations",
        effect: "Allow",
        actions: ["sqs:SendMessage"],
        resources: [props.deadLetters.queue.arn],
      },
    ]);
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: "publish-digests",
      role: role.id,
      policy: permissions.json,
    });
    this.function = new LambdaFunction(this, "function", {
      functionName: names.digestFunction,
      description: `Publishes one notification digest every ${props.windowMinutes} minutes for glacier-restore target ${target.name}`,
      role: role.arn,
      ...fromBundle(props.bundle),
      handler: "index.digestHandler",
      memorySize: 256,
      // Draining a busy window takes a while: reading stops after DIGEST_READ_BUDGET_MS (60 s), leaving the
      // rest to publish and delete; the queue's 300 s visibility timeout is longer.
      timeout: 120,
      // One run at a time: two runs would split one window into two digests.
      reservedConcurrentExecutions: 1,
      environment: {
        variables: encodeDigestEnv({
          queueUrl: props.queue.url,
          topicArn: props.topicArn,
          target: target.name,
          windowMinutes: props.windowMinutes,
        }),
      },
      loggingConfig: jsonLogging(logGroup),
      dependsOn: [logGroup, rolePolicy],
    });
    new LambdaFunctionEventInvokeConfig(this, "async-config", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 3600,
      destinationConfig: { onFailure: { destination: props.deadLetters.queue.arn } },
    });
    const rule = new CloudwatchEventRule(this, "schedule", {
      name: names.digestRule,
      description: `Every ${props.windowMinutes} minutes: the notification digest of glacier-restore target ${target.name}`,
      scheduleExpression: `rate(${props.windowMinutes} minutes)`,
      state: "ENABLED",
    });
    const queuePolicy = props.deadLetters.allowEventBridgeRule(rule.arn);
    new CloudwatchEventTarget(this, "target", {
      rule: rule.name,
      targetId: "digest-function",
      arn: this.function.arn,
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: props.deadLetters.queue.arn },
      dependsOn: [queuePolicy],
    });
    new LambdaPermission(this, "invoke-permission", {
      statementId: "AllowDigestSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });
  }
}
