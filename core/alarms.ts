/**
 * The alarms of one target: what can still go wrong once it is deployed. Pure, so the stacks build them
 * and the cost estimate counts them from one list.
 */
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
  return {
    id,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queueName },
    statistic: "Maximum",
    description,
  };
}

/** A Lambda function's errors. */
export function functionErrorsAlarm(id: string, functionName: string, description: string): AlarmSpec {
  return {
    id,
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: functionName },
    statistic: "Sum",
    description,
  };
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
  const ruleAlarms = (rule: string, label: string, what: string): AlarmSpec[] => [
    {
      id: `${label}-failed`,
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensions: { RuleName: rule },
      statistic: "Sum",
      description: `EventBridge could not deliver ${what} (rule ${rule}); check the target's permissions`,
    },
    {
      id: `${label}-dlq`,
      namespace: "AWS/Events",
      metricName: "InvocationsSentToDLQ",
      dimensions: { RuleName: rule },
      statistic: "Sum",
      description: `${what} went to the dead-letter queue after EventBridge's retries (rule ${rule})`,
    },
  ];
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
    {
      id: "throttles",
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: names.functionName },
      statistic: "Sum",
      description: `The restore function ${names.functionName} was throttled (reserved concurrency or account limit)`,
    },
    ...(names.restoreRuleName !== undefined ? ruleAlarms(names.restoreRuleName, "rule", "a failed read's event") : []),
    ...(names.deferredQueueName
      ? [
          queueDepthAlarm(
            "deferred",
            names.deferredQueueName,
            `The daily restore budget refused events; they wait in ${names.deferredQueueName} (raise the budget, then npx glacier-restore redrive)`,
          ),
        ]
      : []),
    ...(names.digestFunctionName
      ? [
          {
            id: "digest-errors",
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: names.digestFunctionName },
            statistic: "Sum" as const,
            description: `The digest function ${names.digestFunctionName} failed; its messages wait in the digest queue for the next run`,
          },
        ]
      : []),
    ...names.notificationRuleNames.flatMap((rule, i) => ruleAlarms(rule, `notify-${i}`, "a restore notification")),
  ];
}

/** How many alarms a target gets: five, two per notification rule (EventBridge route), one for a digest. */
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
