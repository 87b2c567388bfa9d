import { Testing, type TerraformStack } from "cdktf";
import { resolveConfig } from "../../config/resolve";
import { loadHandlerArtifact } from "../../stacks/artifact";
import { addStacks } from "../../stacks/app";
import { KEY_ADMIN_ACTIONS } from "../../stacks/constructs/restore-notifications";
import { exampleConfig, notificationsConfig } from "../../testing/config";
import {
  all,
  ref,
  single,
  statementsOf,
  synthConfig,
  type Synth,
  deadLetterQueue,
  restoreFunction,
  deadLetterQueuePolicy,
} from "../../testing/synth";

const ACCOUNT = "${data.aws_caller_identity.foundation_account_B8EF7927.account_id}";

/** Statements of the restore function's role policy. */
function functionStatements(s: Synth) {
  const policy = all(s, "aws_iam_role_policy").find((p) => p.name === "restore-archived-objects");
  return statementsOf(s, policy.policy);
}

function rulesByDetailType(s: Synth): Record<string, any> {
  return Object.fromEntries(
    all(s, "aws_cloudwatch_event_rule")
      .filter((r) => r.event_pattern)
      .map((r) => [JSON.parse(r.event_pattern)["detail-type"][0], r] as const)
      .filter(([type]) => type.startsWith("Object Restore")),
  );
}

/** A statement with its condition values sorted (synthesis orders resources by their IDs). */
function sortedValues<T extends { condition?: { values: string[] }[] }>(statement: T | undefined): T | undefined {
  return (
    statement && { ...statement, condition: statement.condition?.map((c) => ({ ...c, values: [...c.values].sort() })) }
  );
}

/** The statement letting this stack's alarms (and nothing else) publish: CloudWatch, their ARNs, this account. */
function alarmPublisher(synth: Synth, actions: string[], resources: string[]) {
  const alarmArns = all(synth, "aws_cloudwatch_metric_alarm")
    .map((a) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${a.alarm_name}`)
    .sort();
  expect(alarmArns.length).toBeGreaterThan(0);
  return {
    sid: "CloudWatchAlarms",
    effect: "Allow",
    principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
    actions,
    resources,
    condition: [
      { test: "ArnEquals", variable: "aws:SourceArn", values: alarmArns },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] },
    ],
  };
}
describe("notifications in a target stack", () => {
  const { stacks } = synthConfig(notificationsConfig());
  const raw = stacks["genomics-raw"]!;
  const refStack = stacks["genomics-ref"]!;

  it("creates one topic per target, encrypted with the target's own rotating key", () => {
    const topic = single(raw, "aws_sns_topic");
    const key = single(raw, "aws_kms_key");
    expect(topic.name).toBe("glacier-restore-genomics-raw-restores");
    expect(topic.kms_master_key_id).toBe(ref(raw, "aws_kms_key", key, "arn"));
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(single(raw, "aws_kms_alias")).toMatchObject({
      name: "alias/glacier-restore-genomics-raw-restores",
      target_key_id: ref(raw, "aws_kms_key", key, "key_id"),
    });
    expect(single(refStack, "aws_sns_topic").name).toBe("glacier-restore-genomics-ref-restores");
  });

  it("routes S3's restore completed and expired events of the target's prefix to the topic", () => {
    const rules = rulesByDetailType(raw);
    expect(Object.keys(rules).sort()).toEqual(["Object Restore Completed", "Object Restore Expired"]);
    expect(JSON.parse(rules["Object Restore Completed"].event_pattern)).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Restore Completed"],
      detail: { bucket: { name: ["fsx4l-store"] }, object: { key: [{ prefix: "raw/" }] } },
    });
    expect(rules["Object Restore Completed"].name).toBe("glacier-restore-genomics-raw-restored");
    expect(rules["Object Restore Expired"].name).toBe("glacier-restore-genomics-raw-expired");
    const topicArn = ref(raw, "aws_sns_topic", single(raw, "aws_sns_topic"), "arn");
    const targets = all(raw, "aws_cloudwatch_event_target").filter((t) => t.arn === topicArn);
    expect(targets).toHaveLength(2);
    for (const t of targets) {
      expect(t.dead_letter_config.arn).toBe(ref(raw, "aws_sqs_queue", deadLetterQueue(raw), "arn"));
      expect(t.retry_policy).toEqual({ maximum_event_age_in_seconds: 21600, maximum_retry_attempts: 185 });
      expect(t.input_transformer.input_template).toContain('"event": "restore-');
    }
  });

  it("lets only its own rules' EventBridge deliveries publish, and nothing without TLS", () => {
    const topic = single(raw, "aws_sns_topic");
    const policy = single(raw, "aws_sns_topic_policy");
    expect(policy.arn).toBe(ref(raw, "aws_sns_topic", topic, "arn"));
    const [tls, events, alarms, ...rest] = statementsOf(raw, policy.policy);
    expect(rest).toEqual([]);
    expect(sortedValues(alarms)).toEqual(
      alarmPublisher(raw, ["sns:Publish"], [ref(raw, "aws_sns_topic", topic, "arn")]),
    );
    expect(tls).toMatchObject({ sid: "DenyInsecureTransport", effect: "Deny", actions: ["sns:Publish"] });
    const ruleArns = Object.values(rulesByDetailType(raw)).map((r) => ref(raw, "aws_cloudwatch_event_rule", r, "arn"));
    expect(events).toEqual({
      sid: "EventBridgeRestoreRules",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["sns:Publish"],
      resources: [ref(raw, "aws_sns_topic", topic, "arn")],
      condition: [
        { test: "ArnEquals", variable: "aws:SourceArn", values: ruleArns },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] },
      ],
    });
  });

  it("lets the same publishers use the key, only for this topic, and keeps the account in control", () => {
    const key = single(raw, "aws_kms_key");
    const [admin, events, alarms, ...rest] = statementsOf(raw, key.policy);
    expect(rest).toEqual([]);
    // CloudWatch may use the key only for this topic and only for this target's alarms.
    expect(alarms).toMatchObject({ sid: "CloudWatchAlarms", actions: ["kms:GenerateDataKey", "kms:Decrypt"] });
    expect(sortedValues(alarms)!.condition).toEqual([
      ...alarmPublisher(raw, [], []).condition,
      {
        test: "StringEquals",
        variable: "kms:EncryptionContext:aws:sns:topicArn",
        values: [`arn:aws:sns:us-east-1:${ACCOUNT}:glacier-restore-genomics-raw-restores`],
      },
    ]);
    expect(admin).toMatchObject({
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${ACCOUNT}:root`] }],
      actions: KEY_ADMIN_ACTIONS,
    });
    // The account can always fix the policy, and no action is a wildcard.
    expect(admin!.actions).toContain("kms:PutKeyPolicy");
    expect(admin!.actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(events).toMatchObject({
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    });
    // Only the topic's encryption context: the SNS developer guide ("Managing Amazon SNS encryption keys
    // and costs") says source conditions are not supported for EventBridge on an encrypted topic's key.
    expect(events!.condition).toEqual([
      {
        test: "StringEquals",
        variable: "kms:EncryptionContext:aws:sns:topicArn",
        values: [`arn:aws:sns:us-east-1:${ACCOUNT}:glacier-restore-genomics-raw-restores`],
      },
    ]);
  });

  it("lets S3 publish to a target whose completed/expired notifications come from the bucket itself", () => {
    expect(rulesByDetailType(refStack)).toEqual({});
    const statements = statementsOf(refStack, single(refStack, "aws_sns_topic_policy").policy);
    expect(statements.map((s) => s.sid)).toEqual(["DenyInsecureTransport", "S3RestoreEvents", "CloudWatchAlarms"]);
    expect(statements[1]!.principals).toEqual([{ type: "Service", identifiers: ["s3.amazonaws.com"] }]);
    expect(statements[1]!.condition).toEqual([
      { test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:aws:s3:::fsx4l-store"] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] },
    ]);
    const keyStatements = statementsOf(refStack, single(refStack, "aws_kms_key").policy);
    expect(keyStatements[1]).toMatchObject({
      sid: "S3RestoreEvents",
      principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
    });
    // S3 is told to add its source conditions on the key as well (same page).
    expect(keyStatements[1]!.condition).toEqual([
      { test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:aws:s3:::fsx4l-store"] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] },
      {
        test: "StringEquals",
        variable: "kms:EncryptionContext:aws:sns:topicArn",
        values: [`arn:aws:sns:us-east-1:${ACCOUNT}:glacier-restore-genomics-ref-restores`],
      },
    ]);
  });

  it("subscribes the configured endpoints; queues get the message itself", () => {
    // genomics-raw sends digests: email takes digests instead of per-object messages, the webhook
    // per-object messages instead of digests, both everything else (alarms carry no "event"); the digest
    // queue takes exactly the per-object messages. __tests__/proof/notification-delivery.test.ts shows
    // with moto's SNS which message reaches whom.
    const perObject = ["restore-initiated", "restore-completed", "restore-expired"];
    const allBut = (events: string[]) => JSON.stringify({ event: [{ exists: false }, { "anything-but": events }] });
    const digests = allBut(perObject);
    const objects = allBut(["restore-digest"]);
    const digestQueue = JSON.stringify({ event: perObject });
    const queue = ref(
      raw,
      "aws_sqs_queue",
      all(raw, "aws_sqs_queue").find((q) => q.name.endsWith("-digest")),
      "arn",
    );
    const subs = all(raw, "aws_sns_topic_subscription").map((s) => [
      s.protocol,
      s.endpoint,
      s.raw_message_delivery,
      s.filter_policy,
      s.filter_policy_scope,
    ]);
    expect(subs).toEqual([
      ["sqs", queue, true, digestQueue, "MessageBody"],
      ["email", "hpc-ops@example.com", undefined, digests, "MessageBody"],
      ["https", "https://hooks.example.com/restores", undefined, objects, "MessageBody"],
    ]);
    // Without a digest nobody is filtered.
    expect(
      all(refStack, "aws_sns_topic_subscription").map((s) => [s.protocol, s.raw_message_delivery, s.filter_policy]),
    ).toEqual([
      ["email", undefined, undefined],
      ["sqs", true, undefined],
    ]);
  });

  it("gives the function the topic and exactly the rights to publish to it through SNS", () => {
    const fn = restoreFunction(raw);
    const topic = single(raw, "aws_sns_topic");
    expect(fn.environment.variables.NOTIFY_TOPIC_ARN).toBe(ref(raw, "aws_sns_topic", topic, "arn"));
    const statements = functionStatements(raw);
    expect(statements.find((s) => s.sid === "PublishRestoreNotifications")).toEqual({
      sid: "PublishRestoreNotifications",
      effect: "Allow",
      actions: ["sns:Publish"],
      resources: [ref(raw, "aws_sns_topic", topic, "arn")],
    });
    expect(statements.find((s) => s.sid === "EncryptRestoreNotifications")).toEqual({
      sid: "EncryptRestoreNotifications",
      effect: "Allow",
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: [ref(raw, "aws_kms_key", single(raw, "aws_kms_key"), "arn")],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["sns.us-east-1.amazonaws.com"] }],
    });
  });

  it("lets EventBridge dead-letter every rule of the stack into the one queue", () => {
    const statements = statementsOf(raw, deadLetterQueuePolicy(raw).policy);
    const sourceArns = statements[1]!.condition!.find((c) => c.variable === "aws:SourceArn")!.values;
    expect(sourceArns.sort()).toEqual(
      all(raw, "aws_cloudwatch_event_rule")
        .map((r) => ref(raw, "aws_cloudwatch_event_rule", r, "arn"))
        .sort(),
    );
    // The restore rule, the completed and expired rules, and the digest schedule.
    expect(sourceArns).toHaveLength(4);
  });

  it("says in an output, as a value a pipeline can compare, who turns the bucket's EventBridge delivery on", () => {
    expect(raw.output.bucket_eventbridge_delivery.value).toBe("owned-by:bucket-notifications-fsx4l-store");
    const external = exampleConfig();
    external.targets[0].notifications = {};
    const { stacks: ext } = synthConfig(external);
    expect(ext["genomics-raw"]!.output.bucket_eventbridge_delivery.value).toBe("external");
    expect(ext["genomics-raw"]!.output.notifications_topic_arn).toBeDefined();
  });
});

describe("who writes a bucket's notification configuration", () => {
  it("is exactly one resource in one stack for two prefixes of one bucket", () => {
    const { stacks } = synthConfig(notificationsConfig());
    const writers = Object.entries(stacks).flatMap(([name, s]) =>
      all(s, "aws_s3_bucket_notification").map((n) => [name, n.bucket]),
    );
    expect(writers).toEqual([["bucket-notifications-fsx4l-store", "fsx4l-store"]]);
  });

  it("holds EventBridge delivery and every direct topic of the bucket, each limited to its prefix", () => {
    const { stacks } = synthConfig(notificationsConfig());
    const owner = stacks["bucket-notifications-fsx4l-store"]!;
    const n = single(owner, "aws_s3_bucket_notification");
    expect(n.eventbridge).toBe(true);
    expect(n.topic).toEqual([
      {
        id: "glacier-restore-genomics-ref",
        topic_arn: `arn:aws:sns:us-east-1:${ACCOUNT}:glacier-restore-genomics-ref-restores`,
        events: ["s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete"],
        filter_prefix: "reference/",
      },
    ]);
    expect(owner.terraform.backend.s3.key).toBe("glacier-restore/bucket-notifications-fsx4l-store.tfstate");
  });

  it("is deployed after the target stacks whose topics it names", () => {
    const app = Testing.app();
    addStacks(app, resolveConfig(notificationsConfig()), loadHandlerArtifact());
    const owner = app.node.findChild("bucket-notifications-fsx4l-store") as TerraformStack;
    expect(owner.dependencies.map((d) => d.node.id)).toEqual(["genomics-ref"]);
  });

  it("is never written when no bucket is declared owned, even with notifications on", () => {
    const config = exampleConfig();
    config.defaults.notifications = { expired: true };
    const { stacks } = synthConfig(config);
    for (const s of Object.values(stacks)) expect(all(s, "aws_s3_bucket_notification")).toEqual([]);
  });
});

describe("notification variants", () => {
  it("uses a given customer managed key instead of creating one", () => {
    const config = exampleConfig();
    const keyArn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    config.targets[0].notifications = { kmsKeyArn: keyArn };
    const s = synthConfig(config).stacks["genomics-raw"]!;
    expect(all(s, "aws_kms_key")).toEqual([]);
    expect(single(s, "aws_sns_topic").kms_master_key_id).toBe(keyArn);
    const fnStatements = functionStatements(s);
    expect(fnStatements.find((st) => st.sid === "EncryptRestoreNotifications")!.resources).toEqual([keyArn]);
  });

  it("needs no rules and lets no service publish when only 'initiated' is wanted", () => {
    const config = exampleConfig();
    config.targets[0].notifications = { completed: false };
    const s = synthConfig(config).stacks["genomics-raw"]!;
    expect(rulesByDetailType(s)).toEqual({});
    // Only the target's alarms publish (they notify this topic when no alarms.topicArn is given).
    expect(statementsOf(s, single(s, "aws_sns_topic_policy").policy).map((st) => st.sid)).toEqual([
      "DenyInsecureTransport",
      "CloudWatchAlarms",
    ]);
    expect(statementsOf(s, single(s, "aws_kms_key").policy).map((st) => st.sid)).toEqual([
      "AccountAdministersKey",
      "CloudWatchAlarms",
    ]);
    expect(s.output.bucket_eventbridge_delivery).toBeUndefined();
  });

  it("does not give the function the topic when 'initiated' is off", () => {
    const config = exampleConfig();
    config.targets[0].notifications = { initiated: false };
    const s = synthConfig(config).stacks["genomics-raw"]!;
    expect(restoreFunction(s).environment.variables.NOTIFY_TOPIC_ARN).toBeUndefined();
    const sids = functionStatements(s).map((st) => st.sid);
    expect(sids).not.toContain("PublishRestoreNotifications");
    expect(sids).not.toContain("EncryptRestoreNotifications");
  });

  it("matches the whole bucket for a target without a prefix", () => {
    const config = exampleConfig();
    config.targets = [{ name: "all", bucket: "climate-archive", notifications: {} }];
    const s = synthConfig(config).stacks["all"]!;
    expect(JSON.parse(rulesByDetailType(s)["Object Restore Completed"].event_pattern).detail).toEqual({
      bucket: { name: ["climate-archive"] },
    });
  });
});
