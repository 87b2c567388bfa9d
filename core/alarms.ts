/**
 * The alarms of one target: what can still go wrong once it is deployed. Pure, so the stacks build them
 * and the cost estimate counts them from one list.
 */
/**
 * Every metric the project alarms on, each exactly as its service's metric table spells it (CloudWatch
 * metric names are exact, case-sensitive strings: a misspelt name makes an alarm that never leaves OK),
 * with the page holding that table. Specs name metrics only through this table.
 */
export const ALARM_METRICS = {
  sqsVisibleMessages: {
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimension: "QueueName",
    page: "Amazon SQS Developer Guide, Available CloudWatch metrics for Amazon SQS",
  },
  lambdaErrors: {
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimension: "FunctionName",
    page: "AWS Lambda Developer Guide, Types of metrics for Lambda functions (invocation metrics)",
  },
  lambdaThrottles: {
    namespace: "AWS/Lambda",
    metricName: "Throttles",
    dimension: "FunctionName",
    page: "AWS Lambda Developer Guide, Types of metrics for Lambda functions (invocation metrics)",
  },
  ruleFailedInvocations: {
    namespace: "AWS/Events",
    metricName: "FailedInvocations",
    dimension: "RuleName",
    page: "Amazon EventBridge User Guide, Monitoring Amazon EventBridge (metrics table; RuleName only = default bus)",
  },
  ruleInvocationsSentToDlq: {
    namespace: "AWS/Events",
    metricName: "InvocationsSentToDlq",
    dimension: "RuleName",
    page: "Amazon EventBridge User Guide, Monitoring Amazon EventBridge (metrics table; RuleName only = default bus)",
  },
  ruleInvocationsFailedToBeSentToDlq: {
    namespace: "AWS/Events",
    metricName: "InvocationsFailedToBeSentToDlq",
    dimension: "RuleName",
    page: "Amazon EventBridge User Guide, Monitoring Amazon EventBridge (metrics table; RuleName only = default bus)",
  },
} as const;
export type AlarmMetric = keyof typeof ALARM_METRICS;

function metricAlarm(
  id: string,
  metric: AlarmMetric,
  dimensionValue: string,
  statistic: AlarmSpec["statistic"],
  description: string,
): AlarmSpec {
  const m = ALARM_METRICS[metric];
  return {
    id,
    namespace: m.namespace,
    metricName: m.metricName,
    dimensions: { [m.dimension]: dimensionValue },
    statistic,
    description,
  };
}

/** One CloudWatch alarm: a metric, its dimensions, and why it matters (the alarm's description). */
export interface AlarmSpec {
  /** Short name, part of the alarm's physical name (`glacier-restore-<target>-<id>`). */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum";
  readonly description: string;
}

/** Messages waiting in a queue (dead-letter or deferred): the alarm fires on the first one. */
export function queueDepthAlarm(id: string, queueName: string, description: string): AlarmSpec {
  return metricAlarm(id, "sqsVisibleMessages", queueName, "Maximum", description);
}

/** A Lambda function's errors. */
export function functionErrorsAlarm(id: string, functionName: string, description: string): AlarmSpec {
  return metricAlarm(id, "lambdaErrors", functionName, "Sum", description);
}

/**
 * What can still go wrong once a target is deployed, each an alarm that fires on the first occurrence:
 * events waiting in the dead-letter queue, function errors and throttles, and rule deliveries that
 * failed or were dead-lettered. Metrics and dimensions from the Lambda, SQS and EventBridge monitoring
 * pages ("Lambda function metrics", "Available CloudWatch metrics for Amazon SQS", "Monitoring Amazon
 * EventBridge": rule metrics on the default bus have only the RuleName dimension).
 */
export function targetAlarmSpecs(names: {
  readonly functionName: string;
  readonly deadLetterQueueName: string;
  /** The CloudTrail rule, when the target's misses come from CloudTrail. */
  readonly restoreRuleName?: string;
  readonly notificationRuleNames: readonly string[];
  /** The digest function, when notifications are sent as digests. */
  readonly digestFunctionName?: string;
  /** The queue of events a daily budget refused, when the target has a budget. */
  readonly deferredQueueName?: string;
}): AlarmSpec[] {
  return [
    queueDepthAlarm(
      "dlq",
      names.deadLetterQueueName,
      `Events wait in ${names.deadLetterQueueName}: a restore was not requested; inspect and redrive them`,
    ),
    functionErrorsAlarm(
      "errors",
      names.functionName,
      `The restore function ${names.functionName} failed; Lambda retries, then dead-letters the event`,
    ),
    metricAlarm(
      "throttles",
      "lambdaThrottles",
      names.functionName,
      "Sum",
      `The restore function ${names.functionName} was throttled (reserved concurrency or account limit)`,
    ),
    ...(names.restoreRuleName !== undefined
      ? ruleDeliveryAlarms(names.restoreRuleName, "rule", "a failed read's event")
      : []),
    ...(names.deferredQueueName !== undefined
      ? [
          queueDepthAlarm(
            "deferred",
            names.deferredQueueName,
            `The daily restore budget refused events; they wait in ${names.deferredQueueName} (raise the budget, then npx glacier-restore redrive)`,
          ),
        ]
      : []),
    ...(names.digestFunctionName !== undefined
      ? [
          functionErrorsAlarm(
            "digest-errors",
            names.digestFunctionName,
            `The digest function ${names.digestFunctionName} failed; its messages wait in the digest queue for the next run`,
          ),
        ]
      : []),
    ...names.notificationRuleNames.flatMap((rule, i) =>
      ruleDeliveryAlarms(rule, `notify-${i}`, "a restore notification"),
    ),
  ];
}

/**
 * A rule's deliveries that failed, were dead-lettered, or could not even be dead-lettered (then the event
 * is lost): three alarms per EventBridge rule.
 */
export function ruleDeliveryAlarms(rule: string, label: string, what: string): AlarmSpec[] {
  return [
    metricAlarm(
      `${label}-failed`,
      "ruleFailedInvocations",
      rule,
      "Sum",
      `EventBridge could not deliver ${what} (rule ${rule}); check the target's permissions`,
    ),
    metricAlarm(
      `${label}-dlq`,
      "ruleInvocationsSentToDlq",
      rule,
      "Sum",
      `${what} went to the dead-letter queue after EventBridge's retries (rule ${rule})`,
    ),
    metricAlarm(
      `${label}-dlq-failed`,
      "ruleInvocationsFailedToBeSentToDlq",
      rule,
      "Sum",
      `EventBridge could not put ${what} into the dead-letter queue either: it is lost (rule ${rule}); check the queue's policy and encryption`,
    ),
  ];
}

/**
 * The alarms of a reader log group's stack: deliveries its router could not hand over (they wait in its
 * dead-letter queue) and router failures. They notify where the alarms of the targets it feeds go.
 */
export function logTriggerAlarmSpecs(names: {
  readonly functionName: string;
  readonly deadLetterQueueName: string;
}): AlarmSpec[] {
  return [
    queueDepthAlarm(
      "dlq",
      names.deadLetterQueueName,
      `Log deliveries wait in ${names.deadLetterQueueName}: misses were not handed to a target; inspect and redrive`,
    ),
    functionErrorsAlarm(
      "errors",
      names.functionName,
      `The log router ${names.functionName} failed; Lambda retries, then dead-letters the delivery`,
    ),
  ];
}

/**
 * The alarms of a log group's FSx import (stacks/constructs/fsx-import.ts): its rules' deliveries to the
 * import queue, restored files for which no import task could be created (its dead-letter queue), and
 * import function failures.
 */
export function fsxImportAlarmSpecs(names: {
  readonly functionName: string;
  readonly deadLetterQueueName: string;
  /** The rules catching completed restores for the import queue. */
  readonly ruleNames: readonly string[];
}): AlarmSpec[] {
  return [
    ...names.ruleNames.flatMap((rule, i) => ruleDeliveryAlarms(rule, `rule-${i}`, "a completed restore to import")),
    queueDepthAlarm(
      "dlq",
      names.deadLetterQueueName,
      `Restored files wait in ${names.deadLetterQueueName}: no import task was created for them; see the import function's log, then redrive`,
    ),
    functionErrorsAlarm(
      "errors",
      names.functionName,
      `The FSx import function ${names.functionName} failed; its messages come back and finally reach ${names.deadLetterQueueName}`,
    ),
  ];
}

/** How many alarms a target gets: three, three per EventBridge rule (restore and notification), one each for a digest and a deferred queue. */
export function alarmCount(
  eventBridgeNotificationRules: number,
  digest: boolean,
  options: { readonly cloudTrail?: boolean; readonly deferredQueue?: boolean } = {},
): number {
  return targetAlarmSpecs({
    functionName: "",
    deadLetterQueueName: "",
    ...(options.cloudTrail === false ? {} : { restoreRuleName: "" }),
    ...(options.deferredQueue ? { deferredQueueName: "" } : {}),
    notificationRuleNames: Array.from({ length: eventBridgeNotificationRules }, (_, i) => String(i)),
    ...(digest ? { digestFunctionName: "digest" } : {}),
  }).length;
}
