/**
 * Restore notifications, proven offline: the synthesized rules match S3's own restore events (in the
 * shape of the S3 User Guide's examples) for their target only, and moto's matcher agrees; the message
 * EventBridge builds from each event is valid JSON carrying the object for any key; the topic policy, key
 * policy and function role allow exactly the intended publishers (IAM policy simulator).
 */
import type { ResolvedTarget } from "../../config/resolve";
import { restoreEventInputTransformer } from "../../stacks/constructs/restore-notifications";
import { targetNames } from "../../stacks/names";
import { s3ApiCallEvent } from "../../testing/fixtures/cloudtrail-events";
import {
  restoreCompletedEvent,
  restoreExpiredEvent,
  restoreInitiatedEvent,
} from "../../testing/fixtures/s3-restore-events";
import { notificationsConfig } from "../../testing/config";
import { motoAvailable } from "../../testing/moto";
import { layerAvailable } from "../../testing/layers";
import { matchesPattern } from "../../testing/proof/event-pattern";
import { applyInputTransformer } from "../../testing/proof/input-transformer";
import { motoMatches } from "../../testing/proof/moto-patterns";
import { ACCOUNT, References, type IamPolicy } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";
import { all, ref, restoreRule, single, synthConfig, type Synth } from "../../testing/synth";

const OTHER_ACCOUNT = "210987654321";
const SNS_CONTEXT_KEY = "kms:EncryptionContext:aws:sns:topicArn";

/** The policy without one condition key, and that key's conditions as `{ operator: values }`, one per statement. */
function withoutConditionKey(
  policy: IamPolicy,
  key: string,
): { policy: IamPolicy; removed: Record<string, unknown>[] } {
  const removed: Record<string, unknown>[] = [];
  const Statement = policy.Statement.map((st: any) => {
    if (!st.Condition) return st;
    const found: Record<string, unknown> = {};
    const Condition = Object.fromEntries(
      Object.entries(st.Condition as Record<string, Record<string, unknown>>).map(([operator, keys]) => {
        const { [key]: value, ...rest } = keys;
        if (value !== undefined) found[operator] = value;
        return [operator, rest];
      }),
    );
    if (Object.keys(found).length > 0) removed.push(found);
    return { ...st, Condition };
  });
  return { policy: { ...policy, Statement }, removed };
}
const { config, stacks } = synthConfig(notificationsConfig());
const moto = layerAvailable("moto cross-check of the notification rules", motoAvailable);

interface Labelled {
  label: string;
  event: Record<string, any>;
  /** `<target>/<completed|expired>`: the rule that must match, if any. */
  rule?: string;
}

/** S3 restore events around one target: its own completed/expired events and near misses. */
function eventsFor(t: ResolvedTarget): Labelled[] {
  const base = { bucket: t.bucket, region: t.region };
  const key = (rest: string) => `${t.prefix}${rest}`;
  return [
    { label: "completed", event: restoreCompletedEvent({ ...base, key: key("a.bam") }), rule: `${t.name}/completed` },
    {
      label: "completed, unversioned bucket",
      event: restoreCompletedEvent({ ...base, key: key("b.bam"), versionId: null }),
      rule: `${t.name}/completed`,
    },
    {
      label: "completed, unicode key",
      event: restoreCompletedEvent({ ...base, key: key("ünï/数据 1.h5") }),
      rule: `${t.name}/completed`,
    },
    { label: "expired", event: restoreExpiredEvent({ ...base, key: key("a.bam") }), rule: `${t.name}/expired` },
    { label: "initiated", event: restoreInitiatedEvent({ ...base, key: key("a.bam") }) },
    { label: "other bucket", event: restoreCompletedEvent({ ...base, bucket: `${t.bucket}-x`, key: key("a") }) },
    { label: "outside the prefix", event: restoreCompletedEvent({ ...base, key: `zz-${t.prefix}a` }) },
    { label: "failed read (CloudTrail)", event: s3ApiCallEvent({ ...base, key: key("a.bam") }) },
  ];
}

/** Every notification rule of every stack, labelled `<target>/<event>`. */
const rules = new Map<string, { stack: Synth; rule: any }>();
for (const t of config.targets)
  for (const rule of all(stacks[t.name]!, "aws_cloudwatch_event_rule").filter((r) => r.event_pattern)) {
    const type = JSON.parse(rule.event_pattern)["detail-type"][0] as string;
    if (type === "Object Restore Completed") rules.set(`${t.name}/completed`, { stack: stacks[t.name]!, rule });
    if (type === "Object Restore Expired") rules.set(`${t.name}/expired`, { stack: stacks[t.name]!, rule });
  }
const events = config.targets.flatMap((t) => eventsFor(t).map((e) => ({ ...e, of: t.name })));

describe("notification rules against S3 restore events", () => {
  it("exist for the EventBridge target only; the bucket-notification target has none", () => {
    expect([...rules.keys()]).toEqual(["genomics-raw/completed", "genomics-raw/expired"]);
  });

  it.each([...rules.keys()])("%s matches its own events and nothing else", (label) => {
    const pattern = JSON.parse(rules.get(label)!.rule.event_pattern);
    const wrong = events.filter((e) => matchesPattern(pattern, e.event) !== (e.rule === label));
    expect(wrong.map((e) => `${e.of}: ${e.label}`)).toEqual([]);
  });

  it("the restore rules do not take S3's restore events for failed reads", () => {
    for (const t of config.targets) {
      const pattern = JSON.parse(restoreRule(stacks[t.name]!).event_pattern);
      expect(events.filter((e) => e.rule && matchesPattern(pattern, e.event))).toEqual([]);
    }
  });

  (moto ? it : it.skip)("moto's matcher gives the same answers", () => {
    const cases = [...rules.values()].flatMap(({ rule }) =>
      events.map((e) => ({ pattern: JSON.parse(rule.event_pattern), event: e.event })),
    );
    expect(motoMatches(cases)).toEqual(cases.map((c) => matchesPattern(c.pattern as any, c.event)));
  });
});

describe("the message EventBridge sends to the topic", () => {
  const transformerOf = (label: string) => {
    const { stack, rule } = rules.get(label)!;
    const ruleName = ref(stack, "aws_cloudwatch_event_rule", rule, "name");
    const target = all(stack, "aws_cloudwatch_event_target").find((t) => t.rule === ruleName);
    return { inputPaths: target.input_transformer.input_paths, inputTemplate: target.input_transformer.input_template };
  };

  it("is the synthesized transformer, for completed and expired", () => {
    expect(transformerOf("genomics-raw/completed")).toEqual(restoreEventInputTransformer("completed", "genomics-raw"));
    expect(transformerOf("genomics-raw/expired")).toEqual(restoreEventInputTransformer("expired", "genomics-raw"));
  });

  it.each([
    ["plain", "raw/run-42/sample.bam"],
    ["unicode and spaces", "raw/ünï/数据 1.h5"],
    ["quotes, backslashes and angle brackets", 'raw/a "quoted" \\ <odd> name.bam'],
  ])("carries the object and restore expiry as parseable JSON for a %s key", (_what, key) => {
    const event = restoreCompletedEvent({ key, expiry: "2026-03-08T00:00:00Z" });
    const message = JSON.parse(applyInputTransformer(transformerOf("genomics-raw/completed"), event));
    expect(message).toEqual({
      event: "restore-completed",
      summary:
        "A restored copy is readable in bucket fsx4l-store; re-run the job or hsm_restore that needs it. Restored copy expires: 2026-03-08T00:00:00Z (none for Intelligent-Tiering).",
      target: "genomics-raw",
      bucket: "fsx4l-store",
      key,
      object: event.detail.object,
      sourceStorageClass: "GLACIER",
      restoreExpiryTime: "2026-03-08T00:00:00Z",
      eventTime: "2026-03-01T14:52:10Z",
    });
    expect(message.object["version-id"]).toBe("3HL4kqtJvjVBH40Nrjfkd");
  });

  it("needs no field an unversioned bucket's or an expired event lacks", () => {
    const completed = applyInputTransformer(
      transformerOf("genomics-raw/completed"),
      restoreCompletedEvent({ versionId: null }),
    );
    expect(JSON.parse(completed).object).not.toHaveProperty("version-id");
    const expired = JSON.parse(applyInputTransformer(transformerOf("genomics-raw/expired"), restoreExpiredEvent()));
    expect(expired).toMatchObject({
      event: "restore-expired",
      summary: "The restored copy in bucket fsx4l-store has expired; the object is archived again.",
      key: "raw/run-42/sample.bam",
    });
  });

  it.each(["empty", "unsubstituted"] as const)(
    "stays valid JSON when S3 leaves out the expiry and storage class (missing paths become %s)",
    (missing) => {
      // An Intelligent-Tiering restore has no expiry; the template must not depend on it being there.
      const event = restoreCompletedEvent({ expiry: null, storageClass: null });
      const message = JSON.parse(applyInputTransformer(transformerOf("genomics-raw/completed"), event, missing));
      expect(message).toMatchObject({ event: "restore-completed", key: "raw/run-42/sample.bam" });
      expect(message.restoreExpiryTime).toBe(missing === "empty" ? "" : "<expiry>");
      expect(message.sourceStorageClass).toBe(missing === "empty" ? "" : "<storageClass>");
      // The unquoted placeholders used before would have made the message invalid JSON.
      const unquoted = { inputPaths: { expiry: "$.detail.restore-expiry-time" }, inputTemplate: '{"e": <expiry>}' };
      expect(() => JSON.parse(applyInputTransformer(unquoted, event, missing))).toThrow(SyntaxError);
    },
  );

  it("would be caught if a template used a path the event lacks", () => {
    const transformer = { inputPaths: { v: "$.detail.object.version-id" }, inputTemplate: '{"v": <v>}' };
    expect(() => applyInputTransformer(transformer, restoreCompletedEvent({ versionId: null }))).toThrow(
      "input path $.detail.object.version-id is not in the event",
    );
  });
});

describe.each(config.targets.map((t) => [t.name, t] as const))("who may publish to the topic of %s", (_n, t) => {
  const stack = stacks[t.name]!;
  const refs = new References(stack);
  const topicArn = refs.attr("aws_sns_topic", single(stack, "aws_sns_topic"), "arn");
  const topicPolicy = refs.policyOf(single(stack, "aws_sns_topic_policy").policy);
  const key = single(stack, "aws_kms_key");
  const keyArn = refs.attr("aws_kms_key", key, "arn");
  // The simulator models variable condition keys only in the `prefix/name` form, not
  // `kms:EncryptionContext:<name>`: that condition is taken out here and checked on its own below.
  const { policy: keyPolicy, removed: contextConditions } = withoutConditionKey(
    refs.policyOf(key.policy),
    SNS_CONTEXT_KEY,
  );
  const ownRules = all(stack, "aws_cloudwatch_event_rule")
    .filter((r) => r.event_pattern && JSON.parse(r.event_pattern)["detail-type"][0].startsWith("Object Restore"))
    .map((r) => refs.attr("aws_cloudwatch_event_rule", r, "arn"));
  const viaBucket = t.notifications!.completedVia === "bucket-notifications";
  const bucketArn = `arn:${refs.partition}:s3:::${t.bucket}`;

  const publish = (principal: string, sourceArn: string, account = ACCOUNT, tls = "true") =>
    decide({
      principal,
      action: "sns:Publish",
      resource: topicArn,
      resourcePolicy: topicPolicy,
      context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": account, "aws:SecureTransport": tls },
    });
  const useKey = (principal: string, sourceArn: string, account = ACCOUNT) =>
    decide({
      principal,
      action: "kms:GenerateDataKey",
      resource: keyArn,
      resourcePolicy: keyPolicy,
      context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": account },
    });

  it("lets services use the key only for this topic's messages (SNS encryption context)", () => {
    const services = keyPolicy.Statement.filter((st: any) => st.Principal?.Service);
    expect(contextConditions).toHaveLength(services.length);
    for (const c of contextConditions) expect(c).toEqual({ StringEquals: [topicArn] });
  });

  it("S3 may publish and use the key for this bucket only, and only when the bucket notifies directly", async () => {
    const expected = viaBucket ? "Allowed" : "ImplicitlyDenied";
    expect(await publish("s3.amazonaws.com", bucketArn)).toBe(expected);
    expect(await useKey("s3.amazonaws.com", bucketArn)).toBe(expected);
    expect(await publish("s3.amazonaws.com", `arn:${refs.partition}:s3:::someone-elses-bucket`)).not.toBe("Allowed");
    expect(await publish("s3.amazonaws.com", bucketArn, OTHER_ACCOUNT)).not.toBe("Allowed");
    expect(await useKey("s3.amazonaws.com", `arn:${refs.partition}:s3:::someone-elses-bucket`)).not.toBe("Allowed");
  });

  it("EventBridge may publish for this target's rules only, and use the key for this topic only", async () => {
    expect(ownRules.length).toBe(viaBucket ? 0 : 2);
    for (const ruleArn of ownRules) {
      expect(await publish("events.amazonaws.com", ruleArn)).toBe("Allowed");
      expect(await useKey("events.amazonaws.com", ruleArn)).toBe("Allowed");
      expect(await publish("events.amazonaws.com", ruleArn, OTHER_ACCOUNT)).not.toBe("Allowed");
      expect(await publish("events.amazonaws.com", ruleArn, ACCOUNT, "false")).toBe("ExplicitlyDenied");
    }
    const restoreRuleArn = refs.attr("aws_cloudwatch_event_rule", restoreRule(stack), "arn");
    expect(await publish("events.amazonaws.com", restoreRuleArn)).not.toBe("Allowed");
    // The topic policy holds EventBridge to this target's rules. On the key, the SNS developer guide
    // ("Managing Amazon SNS encryption keys and costs") says source conditions are not supported for
    // EventBridge: the key statement has none (a delivery carrying no source context is allowed), and the
    // topic's encryption context (checked above) keeps it to this topic.
    const eventsKeyStatement = refs
      .policyOf(key.policy)
      .Statement.find((st: any) => st.Principal?.Service?.includes("events.amazonaws.com")) as
      { Condition: Record<string, Record<string, string[]>> } | undefined;
    if (ownRules.length > 0) {
      expect(Object.keys(eventsKeyStatement!.Condition)).toEqual(["StringEquals"]);
      expect(Object.keys(eventsKeyStatement!.Condition.StringEquals!)).toEqual([SNS_CONTEXT_KEY]);
      expect(
        await decide({
          principal: "events.amazonaws.com",
          action: "kms:GenerateDataKey",
          resource: keyArn,
          resourcePolicy: keyPolicy,
        }),
      ).toBe("Allowed");
    } else expect(eventsKeyStatement).toBeUndefined();
  });

  it("no other service or account may publish", async () => {
    for (const principal of [
      "sns.amazonaws.com",
      "lambda.amazonaws.com",
      `arn:${refs.partition}:iam::${OTHER_ACCOUNT}:root`,
    ])
      expect([principal, await publish(principal, bucketArn)]).toEqual([
        principal,
        expect.not.stringMatching(/^Allowed$/),
      ]);
  });

  it("leaves the key to the account's IAM policies; other accounts get nothing", async () => {
    const admin = (account: string, action: string) =>
      decide({
        principal: `arn:${refs.partition}:iam::${account}:role/platform-admin`,
        action,
        resource: keyArn,
        resourceAccount: ACCOUNT,
        resourcePolicy: keyPolicy,
        identityPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: keyArn }] },
      });
    expect(await admin(ACCOUNT, "kms:PutKeyPolicy")).toBe("Allowed");
    expect(await admin(ACCOUNT, "kms:ScheduleKeyDeletion")).toBe("Allowed");
    expect(await admin(OTHER_ACCOUNT, "kms:Decrypt")).not.toBe("Allowed");
    expect(await admin(OTHER_ACCOUNT, "kms:PutKeyPolicy")).not.toBe("Allowed");
  });

  it("the restore function may publish to its own topic, through SNS only", async () => {
    const role = all(stack, "aws_iam_role").find((r) => r.name === targetNames(t.name).role);
    const roleArn = refs.attr("aws_iam_role", role, "arn");
    const policy = refs.policyOf(
      all(stack, "aws_iam_role_policy").find((p) => p.name === "restore-archived-objects").policy,
    );
    // KMS needs both: the key policy (which delegates to the account's IAM policies) and the role policy.
    const asFunction = (action: string, resource: string, context: Record<string, string> = {}) =>
      decide({
        principal: roleArn,
        action,
        resource,
        identityPolicy: policy,
        ...(resource === keyArn ? { resourcePolicy: keyPolicy } : {}),
        context,
      });
    expect(await asFunction("sns:Publish", topicArn)).toBe("Allowed");
    expect(await asFunction("sns:Publish", `${topicArn}-other`)).toBe("ImplicitlyDenied");
    expect(await asFunction("sns:Subscribe", topicArn)).toBe("ImplicitlyDenied");
    const via = { "kms:ViaService": `sns.${refs.region}.amazonaws.com` };
    expect(await asFunction("kms:GenerateDataKey", keyArn, via)).toBe("Allowed");
    expect(await asFunction("kms:Decrypt", keyArn, via)).toBe("Allowed");
    expect(await asFunction("kms:Decrypt", keyArn, { "kms:ViaService": `s3.${refs.region}.amazonaws.com` })).toBe(
      "ImplicitlyDenied",
    );
    expect(await asFunction("kms:Decrypt", keyArn)).toBe("ImplicitlyDenied");
  });
});
