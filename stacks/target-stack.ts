import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { GlacierRestoreStack } from "./stack";
import { usesCloudTrail, type ResolvedConfig, type ResolvedTarget } from "../config/resolve";
import type { HandlerArtifact } from "./artifact";
import { DeadLetterQueue } from "./constructs/dead-letter-queue";
import { Foundation } from "./constructs/foundation";
import { RestoreFunction } from "./constructs/restore-function";
import { RestoreNotifications } from "./constructs/restore-notifications";
import { RestoreRule } from "./constructs/restore-rule";
import { RestoreTrail } from "./constructs/restore-trail";
import { RestoreAlarms } from "./constructs/restore-alarms";
import { RestoreDigest } from "./constructs/restore-digest";
import { BatchOperations } from "./constructs/batch-operations";
import { DeferredQueue } from "./constructs/deferred-queue";
import { targetAlarmSpecs } from "../core/alarms";
import { EVENTBRIDGE_DELIVERY_EXTERNAL, eventBridgeDeliveryOwnedBy } from "../core/contract";
import { regionalArn } from "../core/partition";
import { s3RestoreEvents } from "./constructs/restore-notifications";
import { advancedEventSelectors, putEventSelectorsCommand } from "../core/selectors";
import { targetNames } from "./names";

export interface TargetStackProps {
  readonly target: ResolvedTarget;
  readonly stateBackend: ResolvedConfig["stateBackend"];
  readonly artifact: HandlerArtifact;
  /** The stack holding the shared trail, for `trail.mode: "shared"` targets. */
  readonly sharedTrailStack?: string;
  /** The stack writing this bucket's S3 notification configuration, when this project owns it. */
  readonly bucketNotificationsStack?: string;
  /** Alarms of reader log groups feeding this target that notify its notifications topic (alarm-routing.ts). */
  readonly routerAlarmNames?: readonly string[];
}

/** Everything one bucket/prefix target needs: trail (unless shared or existing), rule, function, queue. */
export class TargetStack extends GlacierRestoreStack {
  constructor(scope: Construct, props: TargetStackProps) {
    const t = props.target;
    super(scope, t.name);
    const cloudTrail = usesCloudTrail(t);
    if (cloudTrail && t.trail.mode === "shared" && !props.sharedTrailStack)
      throw new Error(`target ${t.name}: trail.mode is "shared" but no shared trail stack was given`);
    const names = targetNames(t.name);
    const base = new Foundation(this, "foundation", {
      stackName: t.name,
      region: t.region,
      stateBackend: props.stateBackend,
      tags: { ...t.tags, GlacierRestoreTarget: t.name },
      ...(t.assumeRole ? { assumeRole: t.assumeRole } : {}),
    });
    const trailScope = { bucket: t.bucket, prefix: t.prefix, readerArnPrefixes: t.trail.readerArnPrefixes };

    // A target fed only by reader logs has no trail and no CloudTrail rule (and pays for neither): its misses
    // arrive through the log-trigger stack of each of its log groups.
    if (cloudTrail && t.trail.mode === "dedicated") {
      const trail = new RestoreTrail(this, "trail", {
        trailName: names.trail,
        region: t.region,
        partition: base.partition,
        accountId: base.accountId,
        scopes: [trailScope],
        logBucketForceDestroy: t.trail.logBucketForceDestroy,
        logBucketPrefix: names.trailBucketPrefix,
        logExpirationDays: t.trail.logExpirationDays,
        ...(t.trail.cloudWatchLogs
          ? {
              cloudWatchLogs: {
                logGroupName: names.trailLogGroup,
                retentionDays: t.trail.cloudWatchLogsRetentionDays,
                roleName: names.trailRole,
              },
            }
          : {}),
      });
      new TerraformOutput(this, "trail_arn", {
        value: trail.trail.arn,
        description: "CloudTrail trail logging this target's GetObject data events",
      });
      new TerraformOutput(this, "trail_log_bucket", {
        value: trail.logBucket.bucket,
        description: "S3 bucket receiving this target's trail log files",
      });
    } else if (cloudTrail && t.trail.mode === "existing") {
      new TerraformOutput(this, "trail_arn", {
        value: t.trail.existingTrailArn,
        description: "Existing trail that must log this target's GetObject data events",
      });
      // What to add to the existing trail, since this stack does not manage it: CloudTrail's API shape,
      // ready for put-event-selectors once merged with the trail's own selectors.
      const selectors = advancedEventSelectors(base.partition, [trailScope]);
      new TerraformOutput(this, "required_event_selectors", {
        value: JSON.stringify(selectors),
        description: "Advanced event selectors the existing trail needs (CloudTrail API JSON: Name, FieldSelectors)",
      });
      new TerraformOutput(this, "put_event_selectors_command", {
        value: putEventSelectorsCommand(t.trail.existingTrailArn!, selectors),
        description:
          "WARNING: put-event-selectors REPLACES all of the trail's selectors; merge them with the output of get-event-selectors first",
      });
    } else if (cloudTrail) {
      new TerraformOutput(this, "trail_stack", {
        value: props.sharedTrailStack,
        description: "Stack whose shared trail logs this target's reads",
      });
    }

    const deadLetters = new DeadLetterQueue(this, "dead-letters", {
      queueName: names.deadLetterQueue,
      accountId: base.accountId,
    });
    const budgeted = Object.keys(t.budget).length > 0;
    const deferred = budgeted
      ? new DeferredQueue(this, "deferred", { queueName: names.deferredQueue, accountId: base.accountId })
      : undefined;
    // Alarm names (and so ARNs) are known up front: the topic's policies name the alarms that may publish.
    const alarmSpecs = t.alarms.enabled
      ? targetAlarmSpecs({
          functionName: names.function,
          deadLetterQueueName: names.deadLetterQueue,
          ...(cloudTrail ? { restoreRuleName: names.rule } : {}),
          notificationRuleNames:
            t.notifications?.completedVia === "eventbridge"
              ? s3RestoreEvents(t.notifications).map((e) =>
                  e === "completed" ? names.restoredRule : names.expiredRule,
                )
              : [],
          ...(t.notifications?.digest ? { digestFunctionName: names.digestFunction } : {}),
          ...(deferred ? { deferredQueueName: names.deferredQueue } : {}),
        })
      : [];
    const alarmsUseOwnTopic = alarmSpecs.length > 0 && !t.alarms.topicArn && t.notifications !== undefined;
    const notifications = t.notifications
      ? new RestoreNotifications(this, "notifications", {
          target: t.name,
          topicName: names.topic,
          keyAlias: names.topicKeyAlias,
          ruleNames: { completed: names.restoredRule, expired: names.expiredRule },
          accountId: base.accountId,
          region: t.region,
          partition: base.partition,
          bucket: t.bucket,
          prefix: t.prefix,
          notifications: t.notifications,
          ...(t.notifications.digest ? { digestQueueName: names.digestQueue } : {}),
          ...(alarmsUseOwnTopic
            ? {
                alarmArns: [...alarmSpecs.map((a) => names.alarm(a.id)), ...(props.routerAlarmNames ?? [])].map(
                  (alarm) => regionalArn(base.partition, "cloudwatch", t.region, base.accountId, `alarm:${alarm}`),
                ),
              }
            : {}),
          deadLetters,
          maximumEventAgeSeconds: t.eventRetry.maximumEventAgeSeconds,
          maximumRetryAttempts: t.eventRetry.maximumRetryAttempts,
        })
      : undefined;
    const fn = new RestoreFunction(this, "restore-function", {
      targetName: t.name,
      functionName: names.function,
      roleName: names.role,
      accountId: base.accountId,
      partition: base.partition,
      bucket: t.bucket,
      prefix: t.prefix,
      restoreTier: t.restoreTier,
      restoreDays: t.restoreDays,
      artifact: props.artifact,
      deadLetterQueueArn: deadLetters.queue.arn,
      memoryMb: t.function.memoryMb,
      timeoutSeconds: t.function.timeoutSeconds,
      logRetentionDays: t.function.logRetentionDays,
      ...(t.function.claims ? { claimTableName: names.claimTable } : {}),
      claimTtlSeconds: t.function.claimTtlSeconds,
      ...(t.function.reservedConcurrency !== undefined ? { reservedConcurrency: t.function.reservedConcurrency } : {}),
      policy: {
        restoreScope: t.restoreScope,
        directory: t.directory,
        budget: t.budget,
        mode: t.mode,
        ...(deferred ? { deferredQueue: { arn: deferred.queue.arn, url: deferred.queue.url } } : {}),
      },
      ...(notifications && t.notifications?.initiated
        ? {
            initiatedNotifications: {
              topicArn: notifications.topic.arn,
              statements: notifications.publishStatements(),
            },
          }
        : {}),
    });
    if (notifications?.digestQueue && t.notifications?.digest)
      new RestoreDigest(this, "digest", {
        target: t.name,
        functionName: names.digestFunction,
        roleName: names.digestRole,
        ruleName: names.digestRule,
        accountId: base.accountId,
        windowMinutes: t.notifications.digest.windowMinutes,
        bundle: fn.bundle,
        queue: notifications.digestQueue,
        topicArn: notifications.topic.arn,
        publishStatements: notifications.publishStatements(),
        deadLetters,
        logRetentionDays: t.function.logRetentionDays,
      });
    const rule = cloudTrail
      ? new RestoreRule(this, "restore-rule", {
          ruleName: names.rule,
          bucket: t.bucket,
          prefix: t.prefix,
          restoreFunction: fn.function,
          deadLetters,
          maximumEventAgeSeconds: t.eventRetry.maximumEventAgeSeconds,
          maximumRetryAttempts: t.eventRetry.maximumRetryAttempts,
        })
      : undefined;
    if (!rule && !(notifications?.rules.length ?? 0)) deadLetters.tlsOnly();

    if (alarmSpecs.length > 0) {
      const actions = t.alarms.topicArn ? [t.alarms.topicArn] : notifications ? [notifications.topic.arn] : [];
      const alarms = new RestoreAlarms(this, "alarms", { specs: alarmSpecs, alarmName: names.alarm, actions });
      new TerraformOutput(this, "alarm_names", {
        value: alarms.alarms.map((a) => a.alarmName),
        description: actions.length
          ? "CloudWatch alarms of this target"
          : "CloudWatch alarms of this target (no actions: set alarms.topicArn or notifications to be told)",
      });
    }

    new TerraformOutput(this, "function_name", {
      value: fn.function.functionName,
      description: "Lambda function restoring this target's archived objects",
    });
    new TerraformOutput(this, "function_arn", {
      value: fn.function.arn,
      description: "ARN of the Lambda function restoring this target's archived objects",
    });
    new TerraformOutput(this, "function_log_group", {
      value: fn.logGroup.name,
      description: "CloudWatch Logs group of the restore function (JSON logs)",
    });
    if (rule)
      new TerraformOutput(this, "rule_arn", {
        value: rule.rule.arn,
        description: "EventBridge rule sending this target's failed reads (CloudTrail) to the restore function",
      });
    if (notifications) {
      new TerraformOutput(this, "notifications_topic_arn", {
        value: notifications.topic.arn,
        description: "SNS topic receiving restore initiated/completed/expired messages",
      });
      new TerraformOutput(this, "notifications_key_arn", {
        value: notifications.keyArn,
        description: "KMS key encrypting the notifications topic",
      });
      if (notifications.rules.length > 0)
        new TerraformOutput(this, "bucket_eventbridge_delivery", {
          value: props.bucketNotificationsStack
            ? eventBridgeDeliveryOwnedBy(props.bucketNotificationsStack)
            : EVENTBRIDGE_DELIVERY_EXTERNAL,
          description: `Who turns on the bucket's EventBridge delivery, which completed/expired notifications need: "owned-by:<stack>", or "external" (turn it on once, keeping the bucket's other notifications: docs/notifications.md)`,
        });
    }
    if (t.batchOperations) {
      const batch = new BatchOperations(this, "batch-operations", {
        roleName: names.batchRole,
        reportsBucketPrefix: names.batchReportsBucketPrefix,
        partition: base.partition,
        bucket: t.bucket,
        prefix: t.prefix,
        reportExpirationDays: 30,
      });
      new TerraformOutput(this, "batch_role_arn", {
        value: batch.role.arn,
        description: "Role for S3 Batch Operations restore jobs (glacier-restore stage --batch)",
      });
      new TerraformOutput(this, "batch_reports_location", {
        value: batch.reportsLocation,
        description: "Where Batch Operations jobs write manifests and completion reports (kept 30 days)",
      });
    }
    if (deferred)
      new TerraformOutput(this, "deferred_queue_url", {
        value: deferred.queue.url,
        description:
          "Events the daily restore budget refused; redrive them after raising it (npx glacier-restore redrive)",
      });
    new TerraformOutput(this, "dead_letter_queue_url", {
      value: deadLetters.queue.url,
      description: "Events that could not be turned into a restore; inspect and redrive",
    });
  }
}
