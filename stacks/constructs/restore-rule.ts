import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { archivedReadPattern, RULE_DESCRIPTION_MAX_CHARS, truncateDescription } from "../../core/patterns";
import type { DeadLetterQueue } from "./dead-letter-queue";
import type { ResolvedTarget } from "../../config/resolve";

export interface RestoreRuleProps {
  /** The configuration target: its bucket and prefix scope the pattern; its event retry applies to the target. */
  readonly target: Pick<ResolvedTarget, "bucket" | "prefix" | "eventRetry">;
  readonly ruleName: string;
  readonly restoreFunction: LambdaFunction;
  /** The stack's dead-letter queue: events the rule could not deliver to the function end there. */
  readonly deadLetters: DeadLetterQueue;
}

/** Routes failed reads of archived objects in one target to its restore function. */
export class RestoreRule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RestoreRuleProps) {
    super(scope, id);
    const { bucket, prefix, eventRetry } = props.target;
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: truncateDescription(
        `GetObject on archived objects under s3://${bucket}/${prefix}`,
        RULE_DESCRIPTION_MAX_CHARS,
      ),
      eventBusName: "default",
      eventPattern: JSON.stringify(archivedReadPattern(bucket, prefix)),
      state: "ENABLED",
    });
    const queuePolicy = props.deadLetters.allowEventBridgeRule(this.rule.arn);
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      eventBusName: "default",
      targetId: "restore-function",
      arn: props.restoreFunction.arn,
      retryPolicy: {
        maximumEventAgeInSeconds: eventRetry.maximumEventAgeSeconds,
        maximumRetryAttempts: eventRetry.maximumRetryAttempts,
      },
      deadLetterConfig: { arn: props.deadLetters.queue.arn },
      dependsOn: [queuePolicy],
    });
    new LambdaPermission(this, "invoke-permission", {
      statementId: "AllowRestoreRule",
      action: "lambda:InvokeFunction",
      functionName: props.restoreFunction.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
