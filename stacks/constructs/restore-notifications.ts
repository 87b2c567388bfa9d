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
import type { ResolvedNotifications } from "../../config/resolve";
import { denyInsecureTransport, policyDocument, serviceStatement, type Statement } from "../policy";
import type { DeadLetterQueue } from "./dead-letter-queue";
import {
  RESTORE_DETAIL_TYPES,
  restoreEventPattern,
  RULE_DESCRIPTION_MAX_CHARS,
  s3RestoreEvents,
  truncateDescription,
  type S3RestoreEvent,
} from "../../core/patterns";
import { accountRootArn, bucketArn, regionalArn, serviceEndpoint, type Partition } from "../../core/partition";

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

export interface RestoreNotificationsProps {
  readonly target: string;
  readonly topicName: string;
  readonly keyAlias: string;
  readonly ruleNames: Record<S3RestoreEvent, string>;
  readonly accountId: string;
  readonly region: string;
  readonly partition: Partition;
  readonly bucket: string;
  readonly prefix: string;
  readonly notifications: ResolvedNotifications;
  readonly deadLetters: DeadLetterQueue;
  readonly maximumEventAgeSeconds: number;
  readonly maximumRetryAttempts: number;
  /** CloudWatch alarms that notify this topic (their ARNs), so CloudWatch may publish and use the key. */
  readonly alarmArns?: readonly string[];
  /** Name of the queue collecting per-object messages for digests (with `notifications.digest`). */
  readonly digestQueueName?: string;
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
    const n = props.notifications;
    this.snsEndpoint = serviceEndpoint(props.partition, "sns", props.region);
    // Known before the topic exists, so the key policy can name it without a dependency cycle.
    const topicArn = regionalArn(props.partition, "sns", props.region, props.accountId, props.topicName);
    const bucket = bucketArn(props.partition, props.bucket);
    const events = s3RestoreEvents(n);

    if (n.completedVia === "eventbridge") {
      for (const event of events) {
        this.rules.push(
          new CloudwatchEventRule(this, `${event}-rule`, {
            name: props.ruleNames[event],
            description: truncateDescription(
              `S3 ${RESTORE_DETAIL_TYPES[event]} under s3://${props.bucket}/${props.prefix}`,
              RULE_DESCRIPTION_MAX_CHARS,
            ),
            eventBusName: "default",
            eventPattern: JSON.stringify(restoreEventPattern(event, props.bucket, props.prefix)),
            state: "ENABLED",
          }),
        );
      }
    }
    // Who may publish (and so use the key), besides the function, whose role is in this account.
    // `keySourceConditions: false`: the SNS developer guide ("Managing Amazon SNS encryption keys and
    // costs", event sources and encrypted topics) says aws:SourceArn / aws:SourceAccount are not supported
    // in the key policy statement for EventBridge; with them KMS refuses every delivery. The topic policy
    // keeps them. S3 and CloudWatch are told to add them, so they keep them on the key too.
    const publishers: { sid: string; service: string; sourceArns: string[]; keySourceConditions: boolean }[] = [];
    if (this.rules.length > 0)
      publishers.push({
        sid: "EventBridgeRestoreRules",
        service: "events.amazonaws.com",
        sourceArns: this.rules.map((r) => r.arn),
        keySourceConditions: false,
      });
    if (n.completedVia === "bucket-notifications" && events.length > 0)
      publishers.push({
        sid: "S3RestoreEvents",
        service: "s3.amazonaws.com",
        sourceArns: [bucket],
        keySourceConditions: true,
      });
    if (props.alarmArns && props.alarmArns.length > 0)
      publishers.push({
        sid: "CloudWatchAlarms",
        service: "cloudwatch.amazonaws.com",
        sourceArns: [...props.alarmArns],
        keySourceConditions: true,
      });

    if (n.kmsKeyArn) {
      this.keyArn = n.kmsKeyArn;
    } else {
      const keyPolicy = policyDocument(this, "key-policy", [
        {
          sid: "AccountAdministersKey",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [accountRootArn(props.partition, props.accountId)] }],
          actions: KEY_ADMIN_ACTIONS,
          resources: ["*"],
        },
        ...publishers.map((p) => {
          const topicContext = {
            test: "StringEquals",
            variable: "kms:EncryptionContext:aws:sns:topicArn",
            values: [topicArn],
          };
          return p.keySourceConditions
            ? serviceStatement({
                sid: p.sid,
                service: p.service,
                actions: TOPIC_KEY_PUBLISH_ACTIONS,
                resources: ["*"],
                sourceArn: p.sourceArns,
                sourceAccount: props.accountId,
                extraConditions: [topicContext],
              })
            : {
                sid: p.sid,
                effect: "Allow",
                principals: [{ type: "Service", identifiers: [p.service] }],
                actions: TOPIC_KEY_PUBLISH_ACTIONS,
                resources: ["*"],
                condition: [topicContext],
              };
        }),
      ]);
      this.key = new KmsKey(this, "key", {
        description: `Encrypts the restore notifications topic of glacier-restore target ${props.target}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: keyPolicy.json,
      });
      new KmsAlias(this, "key-alias", { name: props.keyAlias, targetKeyId: this.key.keyId });
      this.keyArn = this.key.arn;
    }

    this.topic = new SnsTopic(this, "topic", {
      name: props.topicName,
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
          sourceAccount: props.accountId,
        }),
      ),
    ]);
    const policy = new SnsTopicPolicy(this, "topic-access", { arn: this.topic.arn, policy: topicPolicy.json });

    this.rules.forEach((rule, i) => {
      const event = events[i]!;
      const queuePolicy = props.deadLetters.allowEventBridgeRule(rule.arn);
      new CloudwatchEventTarget(this, `${event}-target`, {
        rule: rule.name,
        eventBusName: "default",
        targetId: "notifications-topic",
        arn: this.topic.arn,
        inputTransformer: restoreEventInputTransformer(event, props.target),
        retryPolicy: {
          maximumEventAgeInSeconds: props.maximumEventAgeSeconds,
          maximumRetryAttempts: props.maximumRetryAttempts,
        },
        deadLetterConfig: { arn: props.deadLetters.queue.arn },
        dependsOn: [queuePolicy, policy],
      });
    });

    // With a digest, email gets digests instead of per-object messages and https/SQS per-object messages
    // instead of digests; every other message (alarms, budget notices, S3's own events) reaches both.
    // Without a digest nobody needs a filter.
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

    if (n.digest && props.digestQueueName) {
      // Every per-object message also waits here until the digest function lists it in a digest.
      this.digestQueue = new SqsQueue(this, "digest-queue", {
        name: props.digestQueueName,
        sqsManagedSseEnabled: true,
        // Several windows, and at least four days, so a failing digest function loses nothing quickly.
        messageRetentionSeconds: Math.max(345_600, Math.min(1_209_600, n.digest.windowMinutes * 60 * 10)),
      });
      const queuePolicy = policyDocument(this, "digest-queue-policy-document", [
        denyInsecureTransport(["sqs:*"], [this.digestQueue.arn]),
        serviceStatement({
          sid: "TopicDeliversToDigest",
          service: "sns.amazonaws.com",
          actions: ["sqs:SendMessage"],
          resources: [this.digestQueue.arn],
          sourceArn: this.topic.arn,
          sourceAccount: props.accountId,
        }),
      ]);
      const access = new SqsQueuePolicy(this, "digest-queue-policy", {
        queueUrl: this.digestQueue.url,
        policy: queuePolicy.json,
      });
      new SnsTopicSubscription(this, "digest-subscription", {
        topicArn: this.topic.arn,
        protocol: "sqs",
        endpoint: this.digestQueue.arn,
        rawMessageDelivery: true,
        filterPolicy: JSON.stringify(FILTER_POLICIES.digestQueue),
        filterPolicyScope: "MessageBody",
        dependsOn: [access],
      });
    }
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
}
