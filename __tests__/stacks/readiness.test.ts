/**
 * What `terraform validate` and a mock plan cannot see but AWS would reject or misread: descriptions over
 * AWS's limits, ARNs in the wrong partition, notification filters in the wrong encoding, and the alarms
 * that say when something still goes wrong.
 */
import { restoreCompletedEvent } from "../../testing/fixtures/s3-restore-events";
import { proofConfigurations } from "../../testing/configurations";
import { matchesPattern } from "../../testing/proof/event-pattern";
import { exampleConfig, notificationsConfig } from "../../testing/config";
import { all, restoreRule, single, synthConfig, type Synth, restoreFunction } from "../../testing/synth";

describe("AWS limits the provider does not check", () => {
  const c = exampleConfig();
  c.targets[0].prefix = `${"p".repeat(599)}/`;
  c.targets[0].notifications = { email: ["ops@example.com"], expired: true };
  const s = synthConfig(c).stacks["genomics-raw"]!;

  it("cuts the function description to 256 characters", () => {
    const description = restoreFunction(s).description as string;
    expect(description).toHaveLength(256);
    expect(description.startsWith("Restores archived objects under s3://fsx4l-store/ppp")).toBe(true);
    expect(description.endsWith("...")).toBe(true);
  });

  it("cuts every rule description to 512 characters", () => {
    const rules = all(s, "aws_cloudwatch_event_rule");
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.description).toHaveLength(512);
      expect(rule.description.endsWith("...")).toBe(true);
    }
  });

  it("requires the Terraform version whose S3-native locking is no longer experimental", () => {
    const c = notificationsConfig();
    c.stateBackend.bootstrap = true;
    c.defaults.trail = { mode: "shared" };
    const stacks = synthConfig(c).stacks;
    expect(Object.keys(stacks)).toHaveLength(5);
    for (const stack of Object.values(stacks)) expect(stack.terraform.required_version).toBe(">= 1.11");
  });
});

describe.each(["govcloud", "china"])("the %s configuration stays in its partition", (name) => {
  const { config, stacks } = synthConfig(proofConfigurations()[name]!);
  const partition = name === "china" ? "aws-cn" : "aws-us-gov";

  it.each(Object.keys(stacks))("%s names no ARN of the aws partition", (stack) => {
    const text = JSON.stringify(stacks[stack]);
    expect(text).not.toMatch(/arn:aws:/);
    expect(text).toContain(`arn:${partition}:`);
  });

  it("scopes the function, the trail and the topic key to that partition", () => {
    const t = config.targets[0]!;
    const s = stacks[t.name]!;
    const statements = Object.values(s.data.aws_iam_policy_document!).flatMap((d: any) => d.statement);
    expect(statements.find((st) => st.sid === "RestoreArchivedObjectsInScope").resources).toEqual([
      `arn:${partition}:s3:::${t.bucket}/${t.prefix}*`,
    ]);
    const dnsSuffix = name === "china" ? "amazonaws.com.cn" : "amazonaws.com";
    expect(statements.find((st) => st.sid === "EncryptRestoreNotifications").condition).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: [`sns.${t.region}.${dnsSuffix}`] },
    ]);
    const trailStack: Synth = t.trail.mode === "shared" ? stacks[s.output.trail_stack.value]! : s;
    const arnSelector = single(trailStack, "aws_cloudtrail")
      .advanced_event_selector.flatMap((sel: any) => sel.field_selector)
      .find((f: any) => f.field === "resources.ARN");
    expect(arnSelector.starts_with).toContain(`arn:${partition}:s3:::${t.bucket}/${t.prefix}`);
  });
});

describe("bucket notification filters", () => {
  it("are form-encoded, so a prefix with a space matches the keys S3 compares", () => {
    const c = notificationsConfig();
    c.targets[1].prefix = "cold data/";
    const { stacks } = synthConfig(c);
    const notification = single(stacks["bucket-notifications-fsx4l-store"]!, "aws_s3_bucket_notification");
    expect(notification.topic.map((t: any) => t.filter_prefix)).toEqual(["cold+data/"]);
  });
});

describe("restore rules", () => {
  it("list a prefix's +-for-space form, the form S3 event notifications use", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "cold data/";
    const pattern = JSON.parse(restoreRule(synthConfig(c).stacks["genomics-raw"]!).event_pattern);
    expect(pattern.detail.requestParameters.key).toEqual([
      { prefix: "cold data/" },
      { prefix: "cold%20data/" },
      { prefix: "cold+data/" },
    ]);
  });
});

describe("notification rules", () => {
  it("match S3's restore events for a prefix with a space in every form the key may take", () => {
    const c = notificationsConfig();
    c.targets[0].prefix = "cold data/";
    const rule = all(synthConfig(c).stacks["genomics-raw"]!, "aws_cloudwatch_event_rule").find(
      (r) => r.event_pattern && JSON.parse(r.event_pattern)["detail-type"][0] === "Object Restore Completed",
    );
    const pattern = JSON.parse(rule.event_pattern);
    for (const key of ["cold data/x.nc", "cold+data/x.nc", "cold%20data/x.nc"])
      expect([key, matchesPattern(pattern, restoreCompletedEvent({ key }))]).toEqual([key, true]);
    expect(matchesPattern(pattern, restoreCompletedEvent({ key: "colder/x.nc" }))).toBe(false);
  });
});

describe("alarms", () => {
  const alarmsOf = (s: Synth) =>
    Object.fromEntries(
      all(s, "aws_cloudwatch_metric_alarm").map((a) => [
        a.alarm_name,
        [a.namespace, a.metric_name, a.dimensions, a.statistic, a.threshold, a.comparison_operator],
      ]),
    );

  it("watch the dead-letter queue, the function and the rule, without actions when nobody is named", () => {
    const s = synthConfig(exampleConfig()).stacks["genomics-raw"]!;
    const above = (ns: string, metric: string, dims: object, stat = "Sum") => [
      ns,
      metric,
      dims,
      stat,
      0,
      "GreaterThanThreshold",
    ];
    expect(alarmsOf(s)).toEqual({
      "glacier-restore-genomics-raw-dlq": above(
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        { QueueName: "glacier-restore-genomics-raw-dlq" },
        "Maximum",
      ),
      "glacier-restore-genomics-raw-errors": above("AWS/Lambda", "Errors", {
        FunctionName: "glacier-restore-genomics-raw",
      }),
      "glacier-restore-genomics-raw-throttles": above("AWS/Lambda", "Throttles", {
        FunctionName: "glacier-restore-genomics-raw",
      }),
      "glacier-restore-genomics-raw-rule-failed": above("AWS/Events", "FailedInvocations", {
        RuleName: "glacier-restore-genomics-raw",
      }),
      // Spelt as the metrics table of "Monitoring Amazon EventBridge" spells them ("Dlq", not "DLQ").
      "glacier-restore-genomics-raw-rule-dlq": above("AWS/Events", "InvocationsSentToDlq", {
        RuleName: "glacier-restore-genomics-raw",
      }),
      "glacier-restore-genomics-raw-rule-dlq-failed": above("AWS/Events", "InvocationsFailedToBeSentToDlq", {
        RuleName: "glacier-restore-genomics-raw",
      }),
    });
    for (const a of all(s, "aws_cloudwatch_metric_alarm")) {
      expect(a.alarm_actions).toBeUndefined();
      // Metrics published only when not zero must not leave the alarm in INSUFFICIENT_DATA.
      expect(a.treat_missing_data).toBe("notBreaching");
    }
    expect(s.output.alarm_names.description).toMatch(/no actions: set alarms.topicArn or notifications/);
  });

  it("notify the configured topic, else the target's notifications topic, and watch its rules too", () => {
    const c = notificationsConfig();
    c.targets[1].alarms = { topicArn: "arn:aws:sns:us-east-1:123456789012:ops" };
    const { stacks } = synthConfig(c);
    const raw = stacks["genomics-raw"]!;
    const topicRef = `\${aws_sns_topic.${Object.keys(raw.resource.aws_sns_topic!)[0]}.arn}`;
    for (const a of all(raw, "aws_cloudwatch_metric_alarm")) {
      expect(a.alarm_actions).toEqual([topicRef]);
      expect(a.ok_actions).toEqual([topicRef]);
    }
    const notificationRules = all(raw, "aws_cloudwatch_event_rule")
      .filter((r) => r.event_pattern)
      .map((r) => r.name)
      .filter((n: string) => n !== "glacier-restore-genomics-raw");
    expect(notificationRules).toHaveLength(2);
    for (const rule of notificationRules)
      expect(all(raw, "aws_cloudwatch_metric_alarm").filter((a) => a.dimensions.RuleName === rule)).toHaveLength(3);
    for (const a of all(stacks["genomics-ref"]!, "aws_cloudwatch_metric_alarm"))
      expect(a.alarm_actions).toEqual(["arn:aws:sns:us-east-1:123456789012:ops"]);
  });

  it("can be turned off, and never repeat a name across stacks", () => {
    const c = exampleConfig();
    c.targets[1].alarms = { enabled: false };
    const { stacks } = synthConfig(c);
    expect(all(stacks["genomics-ref"]!, "aws_cloudwatch_metric_alarm")).toEqual([]);
    const names = Object.values(synthConfig(proofConfigurations().shared!).stacks).flatMap((s) =>
      all(s, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name),
    );
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("retiring a trail", () => {
  it("keeps the log bucket on destroy unless told otherwise", () => {
    const bucketOf = (c: Record<string, any>) =>
      all(synthConfig(c).stacks["genomics-raw"]!, "aws_s3_bucket").find((b) => b.bucket_prefix?.startsWith("gr-"));
    expect(bucketOf(exampleConfig()).force_destroy).toBe(false);
    const c = exampleConfig();
    c.defaults.trail = { logBucketForceDestroy: true };
    expect(bucketOf(c).force_destroy).toBe(true);
  });
});
