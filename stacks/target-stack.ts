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
import { notificationRuleNames, s3RestoreEvents } from "./constructs/restore-notifications";
import { trailScopeOf } from "./constructs/restore-trail";
import { advancedEventSelectors, putEventSelectorsCommand } from "../core/selectors";
import { targetNames } from "./names";
import type { AlarmSpec } from "../core/alarms";

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

/** Physical names of one target's resources. */
type TargetNames = ReturnType<typeof targetNames>;

/** The target's alarms (none when disabled); their names are known up front, so policies can name them. */
function targetAlarms(t: ResolvedTarget, names: TargetNames, deferredQueue: boolean): AlarmSpec[] {
  if (!t.alarms.enabled) return [];
  const ruleNames = notificationRuleNames(names);
  return targetAlarmSpecs({
    functionName: names.function,
    deadLetterQueueName: names.deadLetterQueue,
    ...(usesCloudTrail(t) ? { restoreRuleName: names.rule } : {}),
    notificationRuleNames:
      t.notifications?.completedVia === "eventbridge" ? s3RestoreEvents(t.notifications).map((e) => ruleNames[e]) : [],
    ...(t.notifications?.digest ? { digestFunctionName: names.digestFunction } : {}),
    ...(deferredQueue ? { deferredQueueName: names.deferredQueue } : {}),
  });
}

/**
 * Everything one bucket/prefix target needs: trail (unless shared or existing), rule, function, queues,
 * notifications, alarms. The constructs take the configuration's own objects and the target's names; the
 * account, partition and region come from the stack's Foundation.
 */
export class TargetStack extends GlacierRestoreStack {
  constructor(scope: Construct, props: TargetStackProps) {
    const t = props.target;
    super(scope, t.name);
    const cloudTrail = usesCloudTrail(t);
    if (cloudTrail && t.trail.mode === "shared" && !props.sharedTrailStack)
      throw new Error(`target ${t.name}: trail.mode is "shared" but no shared trail stack was given`);
    const names = targetNames(t.name);
    new Foundation(this, "foundation", {
      stackName: t.name,
      region: t.region,
      stateBackend: props.stateBackend,
      tags: { ...t.tags, GlacierRestoreTarget: t.name },
      ...(t.assumeRole ? { assumeRole: t.assumeRole } : {}),
    });
    // A target fed only by reader logs has no trail and no CloudTrail rule (and pays for neither): its misses
    // arrive through the log-trigger stack of each of its log groups.
    if (cloudTrail) this.addTrail(t, names, props.sharedTrailStack);

    const deadLetters = new DeadLetterQueue(this, "dead-letters", { queueName: names.deadLetterQueue });
    const budgeted = Object.keys(t.budget).length > 0;
    const deferred = budgeted ? new DeferredQueue(this, "deferred", { queueName: names.deferredQueue }) : undefined;
    const alarmSpecs = targetAlarms(t, names, deferred !== undefined);
    const notifications = t.notifications
      ? this.addNotifications(t, t.notifications, names, deadLetters, alarmSpecs, props.routerAlarmNames ?? [])
      : undefined;
    const fn = new RestoreFunction(this, "restore-function", {
      target: t,
      names,
      artifact: props.artifact,
      deadLetters,
      ...(deferred ? { deferred } : {}),
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
        target: t,
        names,
        windowMinutes: t.notifications.digest.windowMinutes,
        bundle: fn.bundle,
        queue: notifications.digestQueue,
        topicArn: notifications.topic.arn,
        publishStatements: notifications.publishStatements(),
        deadLetters,
      });
    const rule = cloudTrail
      ? new RestoreRule(this, "restore-rule", {
          target: t,
          ruleName: names.rule,
          restoreFunction: fn.function,
          deadLetters,
        })
      : undefined;
    if (!rule && !(notifications?.rules.length ?? 0)) deadLetters.tlsOnly();

    if (alarmSpecs.length > 0) this.addAlarms(t, names, alarmSpecs, notifications);
    this.addFunctionOutputs(fn, rule);
    if (notifications) this.addNotificationOutputs(notifications, props.bucketNotificationsStack);
    if (t.batchOperations) this.addBatchOperations(t, names);
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

  /** The dedicated trail, or what an existing or shared trail needs from the operator (outputs). */
  private addTrail(t: ResolvedTarget, names: TargetNames, sharedTrailStack: string | undefined): void {
    if (t.trail.mode === "dedicated") {
      const trail = new RestoreTrail(this, "trail", { trail: t.trail, names, scopes: [trailScopeOf(t)] });
      new TerraformOutput(this, "trail_arn", {
        value: trail.trail.arn,
        description: "CloudTrail trail logging this target's GetObject data events",
      });
      new TerraformOutput(this, "trail_log_bucket", {
        value: trail.logBucket.bucket,
        description: "S3 bucket receiving this target's trail log files",
      });
    } else if (t.trail.mode === "existing") {
      new TerraformOutput(this, "trail_arn", {
        value: t.trail.existingTrailArn,
        description: "Existing trail that must log this target's GetObject data events",
      });
      // What to add to the existing trail, since this stack does not manage it: CloudTrail's API shape,
      // ready for put-event-selectors once merged with the trail's own selectors.
      const selectors = advancedEventSelectors(Foundation.of(this).partition, [trailScopeOf(t)]);
      new TerraformOutput(this, "required_event_selectors", {
        value: JSON.stringify(selectors),
        description: "Advanced event selectors the existing trail needs (CloudTrail API JSON: Name, FieldSelectors)",
      });
      new TerraformOutput(this, "put_event_selectors_command", {
        value: putEventSelectorsCommand(t.trail.existingTrailArn!, selectors),
        description:
          "WARNING: put-event-selectors REPLACES all of the trail's selectors; merge them with the output of get-event-selectors first",
      });
    } else {
      new TerraformOutput(this, "trail_stack", {
        value: sharedTrailStack,
        description: "Stack whose shared trail logs this target's reads",
      });
    }
  }

  /**
   * The notifications topic and its routes. When the target's alarms notify this topic (no alarms.topicArn),
   * the topic's policies name the alarms that may publish: the target's own and the reader-log routers'.
   */
  private addNotifications(
    t: ResolvedTarget,
    notifications: NonNullable<ResolvedTarget["notifications"]>,
    names: TargetNames,
    deadLetters: DeadLetterQueue,
    alarmSpecs: readonly AlarmSpec[],
    routerAlarmNames: readonly string[],
  ): RestoreNotifications {
    const alarmsUseOwnTopic = alarmSpecs.length > 0 && !t.alarms.topicArn;
    const foundation = Foundation.of(this);
    return new RestoreNotifications(this, "notifications", {
      target: t,
      notifications,
      names,
      deadLetters,
      ...(alarmsUseOwnTopic
        ? {
            alarmArns: [...alarmSpecs.map((a) => names.alarm(a.id)), ...routerAlarmNames].map((alarm) =>
              foundation.arn("cloudwatch", `alarm:${alarm}`),
            ),
          }
        : {}),
    });
  }

  private addAlarms(
    t: ResolvedTarget,
    names: TargetNames,
    specs: readonly AlarmSpec[],
    notifications: RestoreNotifications | undefined,
  ): void {
    const actions = t.alarms.topicArn ? [t.alarms.topicArn] : notifications ? [notifications.topic.arn] : [];
    const alarms = new RestoreAlarms(this, "alarms", { specs, alarmName: names.alarm, actions });
    new TerraformOutput(this, "alarm_names", {
      value: alarms.alarms.map((a) => a.alarmName),
      description: actions.length
        ? "CloudWatch alarms of this target"
        : "CloudWatch alarms of this target (no actions: set alarms.topicArn or notifications to be told)",
    });
  }

  private addFunctionOutputs(fn: RestoreFunction, rule: RestoreRule | undefined): void {
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
  }

  private addNotificationOutputs(notifications: RestoreNotifications, bucketNotificationsStack?: string): void {
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
        value: bucketNotificationsStack
          ? eventBridgeDeliveryOwnedBy(bucketNotificationsStack)
          : EVENTBRIDGE_DELIVERY_EXTERNAL,
        description: `Who turns on the bucket's EventBridge delivery, which completed/expired notifications need: "owned-by:<stack>", or "external" (turn it on once, keeping the bucket's other notifications: docs/notifications.md)`,
      });
  }

  private addBatchOperations(t: ResolvedTarget, names: TargetNames): void {
    const batch = new BatchOperations(this, "batch-operations", {
      roleName: names.batchRole,
      reportsBucketPrefix: names.batchReportsBucketPrefix,
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
}
