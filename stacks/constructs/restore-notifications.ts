import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { FILTER_POLICIES } from "../../core/notifications";
import type { ResolvedNotifications, ResolvedTarget } from "../../config/resolve";
import { denyInsecureTransport, policyDocument, serviceStatement, type Statement } from "../policy";
import type { DeadLetterQueue } from "./dead-letter-queue";
import { Foundation } from "./foundation";
import { targetNames } from "../names";
import {
  RESTORE_DETAIL_TYPES,
  restoreEventPattern,
  RULE_DESCRIPTION_MAX_CHARS,
  s3RestoreEvents,
  truncateDescription,
  type S3RestoreEvent,
} from "../../core/patterns";
import { accountRootArn, bucketArn, serviceEndpoint } from "../../core/partition";

export { s3RestoreEvents };

/** S3 event notification types for the same events, used when S3 publishes to the topic directly. */
export const RESTORE_S3_EVENT_TYPES: Record<S3RestoreEvent, string> = {
  completed: "s3:ObjectRestore:Completed",
  expired: "s3:ObjectRestore:Delete",
};

/**
 * The message EventBridge sends to the topic for one S3 restore event. Values that can hold any
 * character (keys, the object record) are inserted as JSON values, never inside a JSON string, because
 * EventBridge does not escape values placed inside quotes. Only the bucket name (a restricted alphabet)
 * and S3's timestamp appear inside the summary sentence.
 */
export function restoreEventInputTransformer(
  event: S3RestoreEvent,
  target: string,
): { inputPaths: Record<string, string>; inputTemplate: string } {
  // Values that are always present (bucket, key, object, time) are inserted as JSON values. Restore
  // expiry and storage class can be missing (an Intelligent-Tiering restore has no expiry), and
  // EventBridge does not substitute a path the event lacks, so they only ever appear inside JSON strings:
  // the message stays valid JSON either way. Both have a restricted alphabet (a timestamp, a class name).
  const inputPaths: Record<string, string> = {
    bucket: "$.detail.bucket.name",
    key: "$.detail.object.key",
    object: "$.detail.object",
    time: "$.time",
    ...(event === "completed"
      ? { expiry: "$.detail.restore-expiry-time", storageClass: "$.detail.source-storage-class" }
      : {}),
  };
  const summary =
    event === "completed"
      ? "A restored copy is readable in bucket <bucket>; re-run the job or hsm_restore that needs it. Restored copy expires: <expiry> (none for Intelligent-Tiering)."
      : "The restored copy in bucket <bucket> has expired; the object is archived again.";
  // Placeholders for JSON values are written as marker strings, then the quotes around each marker are removed.
  const body: Record<string, string> = {
    event: `restore-${event}`,
    summary,
    target,
    bucket: "@@bucket@@",
    key: "@@key@@",
    object: "@@object@@",
    ...(event === "completed" ? { sourceStorageClass: "<storageClass>", restoreExpiryTime: "<expiry>" } : {}),
    eventTime: "@@time@@",
  };
  const inputTemplate = JSON.stringify(body, null, 2).replace(/"@@(\w+)@@"/g, "<$1>");
  return { inputPaths, inputTemplate };
}

/** Actions the account keeps on a key it creates; listed rather than `kms:*` so nothing is a wildcard. */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** What a publisher to an SSE-KMS topic needs on the key (SNS encrypts each message with a data key). */
export const TOPIC_KEY_PUBLISH_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

/** The physical names the notifications use (`targetNames` of the target). */
export type NotificationNames = Pick<
  ReturnType<typeof targetNames>,
  "topic" | "topicKeyAlias" | "restoredRule" | "expiredRule" | "digestQueue"
>;

/** The EventBridge rule name of each S3 restore event. */
export function notificationRuleNames(names: Pick<NotificationNames, "restoredRule" | "expiredRule">) {
  return { completed: names.restoredRule, expired: names.expiredRule } satisfies Record<S3RestoreEvent, string>;
}

/** A service that may publish to the topic (and so use its key), and the sources it publishes for. */
interface Publisher {
  readonly sid: string;
  readonly service: string;
  readonly sourceArns: string[];
  /** Whether the key policy statement may carry aws:SourceArn / aws:SourceAccount (see `publishers`). */
  readonly keySourceConditions: boolean;
}

export interface RestoreNotificationsProps {
  /** The configuration target: named in messages; its bucket and prefix scope the rules; its event retry. */
  readonly target: Pick<ResolvedTarget, "name" | "bucket" | "prefix" | "eventRetry">;
  readonly notifications: ResolvedNotifications;
  readonly names: NotificationNames;
  /** The stack's dead-letter queue: events the rules could not deliver to the topic end there. */
  readonly deadLetters: DeadLetterQueue;
  /** CloudWatch alarms that notify this topic (their ARNs), so CloudWatch may publish and use the key. */
  readonly alarmArns?: readonly string[];
}

/**
 * One target's restore notifications: an encrypted SNS topic with its subscriptions, and the routes
 * S3's "restore completed/expired" events take to it. "Restore initiated" is published by the restore
 * function itself, so it needs no bucket configuration at all. This construct never writes the bucket's
 * notification configuration; with `completedVia: "bucket-notifications"` the single owner of that
 * configuration (the bucket notifications stack) points S3 at this topic, which lets S3 publish here.
 */
export class RestoreNotifications extends Construct {
  readonly topic: SnsTopic;
  /** ARN of the key encrypting the topic (created here unless the configuration names one). */
  readonly keyArn: string;
  readonly key?: KmsKey;
  readonly rules: CloudwatchEventRule[] = [];
  /** Collects per-object messages for the digest function (with `notifications.digest`). */
  readonly digestQueue?: SqsQueue;
  /** SNS's endpoint in the topic's region, which KMS sees as the caller for the function's publishes. */
  private readonly snsEndpoint: string;

  constructor(scope: Construct, id: string, props: RestoreNotificationsProps) {
    super(scope, id);
    const { notifications: n, names, target: t } = props;
    const foundation = Foundation.of(this);
    this.snsEndpoint = serviceEndpoint(foundation.partition, "sns", foundation.region);
    // Known before the topic exists, so the key policy can name it without a dependency cycle.
    const topicArn = foundation.arn("sns", names.topic);
    const events = s3RestoreEvents(n);

    if (n.completedVia === "eventbridge") {
      const ruleNames = notificationRuleNames(names);
      for (const event of events) {
        this.rules.push(
          new CloudwatchEventRule(this, `${event}-rule`, {
            name: ruleNames[event],
            description: truncateDescription(
              `S3 ${RESTORE_DETAIL_TYPES[event]} under s3://${t.bucket}/${t.prefix}`,
              RULE_DESCRIPTION_MAX_CHARS,
            ),
            eventBusName: "default",
            eventPattern: JSON.stringify(restoreEventPattern(event, t.bucket, t.prefix)),
            state: "ENABLED",
          }),
        );
      }
    }
    const publishers = this.publishers(props, events);
    if (n.kmsKeyArn) {
      this.keyArn = n.kmsKeyArn;
    } else {
      this.key = this.createKey(props, publishers, topicArn);
      this.keyArn = this.key.arn;
    }

    this.topic = new SnsTopic(this, "topic", {
      name: names.topic,
      displayName: "glacier-restore",
      kmsMasterKeyId: this.keyArn,
    });
    const topicPolicy = policyDocument(this, "topic-policy", [
      denyInsecureTransport(["sns:Publish"], [this.topic.arn]),
      ...publishers.map((p) =>
        serviceStatement({
          sid: p.sid,
          service: p.service,
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          sourceArn: p.sourceArns,
          sourceAccount: foundation.accountId,
        }),
      ),
    ]);
    const policy = new SnsTopicPolicy(this, "topic-access", { arn: this.topic.arn, policy: topicPolicy.json });
    this.routeRulesToTopic(props, events, policy);
    this.subscribe(n);
    if (n.digest) this.digestQueue = this.createDigestQueue(names.digestQueue, n.digest.windowMinutes);
  }

  /** Statements the restore function's role needs to publish "restore initiated". */
  publishStatements(): Statement[] {
    return [
      { sid: "PublishRestoreNotifications", effect: "Allow", actions: ["sns:Publish"], resources: [this.topic.arn] },
      {
        sid: "EncryptRestoreNotifications",
        effect: "Allow",
        actions: TOPIC_KEY_PUBLISH_ACTIONS,
        resources: [this.keyArn],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [this.snsEndpoint] }],
      },
    ];
  }

  /**
   * Who may publish (and so use the key), besides the function, whose role is in this account.
   * `keySourceConditions: false`: the SNS developer guide ("Managing Amazon SNS encryption keys and
   * costs", event sources and encrypted topics) says aws:SourceArn / aws:SourceAccount are not supported
   * in the key policy statement for EventBridge; with them KMS refuses every delivery. The topic policy
   * keeps them. S3 and CloudWatch are told to add them, so they keep them on the key too.
   */
  private publishers(props: RestoreNotificationsProps, events: readonly S3RestoreEvent[]): Publisher[] {
    const publishers: Publisher[] = [];
    if (this.rules.length > 0)
      publishers.push({
        sid: "EventBridgeRestoreRules",
        service: "events.amazonaws.com",
        sourceArns: this.rules.map((r) => r.arn),
        keySourceConditions: false,
      });
    if (props.notifications.completedVia === "bucket-notifications" && events.length > 0)
      publishers.push({
        sid: "S3RestoreEvents",
        service: "s3.amazonaws.com",
        sourceArns: [bucketArn(Foundation.of(this).partition, props.target.bucket)],
        keySourceConditions: true,
      });
    if (props.alarmArns && props.alarmArns.length > 0)
      publishers.push({
        sid: "CloudWatchAlarms",
        service: "cloudwatch.amazonaws.com",
        sourceArns: [...props.alarmArns],
        keySourceConditions: true,
      });
    return publishers;
  }

  /** The topic's key: administered by the account, usable by the publishers for this topic only. */
  private createKey(props: RestoreNotificationsProps, publishers: readonly Publisher[], topicArn: string): KmsKey {
    const { accountId, partition } = Foundation.of(this);
    const topicContext = {
      test: "StringEquals",
      variable: "kms:EncryptionContext:aws:sns:topicArn",
      values: [topicArn],
    };
    const keyPolicy = policyDocument(this, "key-policy", [
      {
        sid: "AccountAdministersKey",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [accountRootArn(partition, accountId)] }],
        actions: KEY_ADMIN_ACTIONS,
        resources: ["*"],
      },
      ...publishers.map((p) =>
        p.keySourceConditions
          ? serviceStatement({
              sid: p.sid,
              service: p.service,
              actions: TOPIC_KEY_PUBLISH_ACTIONS,
              resources: ["*"],
              sourceArn: p.sourceArns,
              sourceAccount: accountId,
              extraConditions: [topicContext],
            })
          : {
              sid: p.sid,
              effect: "Allow",
              principals: [{ type: "Service", identifiers: [p.service] }],
              actions: TOPIC_KEY_PUBLISH_ACTIONS,
              resources: ["*"],
              condition: [topicContext],
            },
      ),
    ]);
    const key = new KmsKey(this, "key", {
      description: `Encrypts the restore notifications topic of glacier-restore target ${props.target.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: props.names.topicKeyAlias, targetKeyId: key.keyId });
    return key;
  }

  /** Each S3 restore event's rule targets the topic, dead-lettering what it cannot deliver. */
  private routeRulesToTopic(
    props: RestoreNotificationsProps,
    events: readonly S3RestoreEvent[],
    topicAccess: SnsTopicPolicy,
  ): void {
    this.rules.forEach((rule, i) => {
      const event = events[i]!;
      const queuePolicy = props.deadLetters.allowEventBridgeRule(rule.arn);
      new CloudwatchEventTarget(this, `${event}-target`, {
        rule: rule.name,
        eventBusName: "default",
        targetId: "notifications-topic",
        arn: this.topic.arn,
        inputTransformer: restoreEventInputTransformer(event, props.target.name),
        retryPolicy: {
          maximumEventAgeInSeconds: props.target.eventRetry.maximumEventAgeSeconds,
          maximumRetryAttempts: props.target.eventRetry.maximumRetryAttempts,
        },
        deadLetterConfig: { arn: props.deadLetters.queue.arn },
        dependsOn: [queuePolicy, topicAccess],
      });
    });
  }

  /**
   * With a digest, email gets digests instead of per-object messages and https/SQS per-object messages
   * instead of digests; every other message (alarms, budget notices, S3's own events) reaches both.
   * Without a digest nobody needs a filter.
   */
  private subscribe(n: ResolvedNotifications): void {
    const only = (policy: object) =>
      n.digest ? { filterPolicy: JSON.stringify(policy), filterPolicyScope: "MessageBody" } : {};
    const subscribe = (kind: string, protocol: string, endpoints: readonly string[], policy: object, raw = false) =>
      endpoints.forEach(
        (endpoint, i) =>
          new SnsTopicSubscription(this, `${kind}-${i}`, {
            topicArn: this.topic.arn,
            protocol,
            endpoint,
            ...(raw ? { rawMessageDelivery: true } : {}),
            ...only(policy),
          }),
      );
    subscribe("email", "email", n.email, FILTER_POLICIES.people);
    subscribe("https", "https", n.https, FILTER_POLICIES.objects);
    // Raw delivery: the queue receives the message JSON itself, not wrapped in an SNS envelope.
    subscribe("sqs", "sqs", n.sqsQueueArns, FILTER_POLICIES.objects, true);
  }

  /** Every per-object message also waits here until the digest function lists it in a digest. */
  private createDigestQueue(queueName: string, windowMinutes: number): SqsQueue {
    const queue = new SqsQueue(this, "digest-queue", {
      name: queueName,
      sqsManagedSseEnabled: true,
      // Several windows, and at least four days, so a failing digest function loses nothing quickly.
      messageRetentionSeconds: Math.max(345_600, Math.min(1_209_600, windowMinutes * 60 * 10)),
    });
    const queuePolicy = policyDocument(this, "digest-queue-policy-document", [
      denyInsecureTransport(["sqs:*"], [queue.arn]),
      serviceStatement({
        sid: "TopicDeliversToDigest",
        service: "sns.amazonaws.com",
        actions: ["sqs:SendMessage"],
        resources: [queue.arn],
        sourceArn: this.topic.arn,
        sourceAccount: Foundation.of(this).accountId,
      }),
    ]);
    const access = new SqsQueuePolicy(this, "digest-queue-policy", { queueUrl: queue.url, policy: queuePolicy.json });
    new SnsTopicSubscription(this, "digest-subscription", {
      topicArn: this.topic.arn,
      protocol: "sqs",
      endpoint: queue.arn,
      rawMessageDelivery: true,
      filterPolicy: JSON.stringify(FILTER_POLICIES.digestQueue),
      filterPolicyScope: "MessageBody",
      dependsOn: [access],
    });
    return queue;
  }
}
