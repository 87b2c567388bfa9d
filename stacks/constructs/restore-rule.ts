import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { DeadLetterQueue } from "./dead-letter-queue";

/**
 * The event pattern for reads of archived objects in one target. It also filters on bucket and key prefix:
 * a shared trail (or another tool's trail) delivers every target's events to the same bus, and without
 * this filter each target's function would be invoked for the others' objects.
 */
/**
 * A key prefix as written and, when different, URL-encoded. Neither CloudTrail nor S3's EventBridge
 * events are documented to URL-encode keys (S3 event notifications do); if they did, a prefix with such
 * characters would only match its encoded form, so patterns list both forms when they differ.
 */
export function keyPrefixForms(prefix: string): string[] {
  return [...new Set([prefix, encodeURIComponent(prefix).replace(/%2F/g, "/")])];
}

export function archivedReadPattern(bucket: string, prefix: string): Record<string, unknown> {
  const prefixes = keyPrefixForms(prefix);
  return {
    source: ["aws.s3"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["s3.amazonaws.com"],
      eventName: ["GetObject"],
      errorCode: ["InvalidObjectState"],
      requestParameters: {
        bucketName: [bucket],
        ...(prefix === "" ? {} : { key: prefixes.map((p) => ({ prefix: p })) }),
      },
    },
  };
}

export interface RestoreRuleProps {
  readonly ruleName: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly restoreFunction: LambdaFunction;
  readonly deadLetters: DeadLetterQueue;
  readonly maximumEventAgeSeconds: number;
  readonly maximumRetryAttempts: number;
}

/** Routes failed reads of archived objects in one target to its restore function. */
export class RestoreRule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RestoreRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: `GetObject on archived objects under s3://${props.bucket}/${props.prefix}`,
      eventBusName: "default",
      eventPattern: JSON.stringify(archivedReadPattern(props.bucket, props.prefix)),
      state: "ENABLED",
    });
    const queuePolicy = props.deadLetters.allowEventBridgeRule(this.rule.arn);
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      eventBusName: "default",
      targetId: "restore-function",
      arn: props.restoreFunction.arn,
      retryPolicy: {
        maximumEventAgeInSeconds: props.maximumEventAgeSeconds,
        maximumRetryAttempts: props.maximumRetryAttempts,
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
