/**
 * Notification digests in the synthesized stack: who receives what (SNS body filter policies), the
 * digest queue and schedule, and, through the IAM policy simulator, what the digest function and the
 * topic may do with the queue.
 */
import { DIGEST_POLL_WAIT_SECONDS, DIGEST_READ_BUDGET_MS } from "../../functions/restore/digest";
import { notificationsConfig } from "../../testing/config";
import { ACCOUNT, References } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";
import { all, only, ref, single, statementsOf, synthConfig, type Synth } from "../../testing/synth";

const stack: Synth = synthConfig(notificationsConfig()).stacks["genomics-raw"]!;
const refs = new References(stack);
const digestFunction = only(
  stack,
  "aws_lambda_function",
  "digest function",
  (f) => f.handler === "index.digestHandler",
);
const digestQueue = only(stack, "aws_sqs_queue", "digest queue", (q) => q.name.endsWith("-digest"));
const queueArn = refs.attr("aws_sqs_queue", digestQueue, "arn");
const topicArn = refs.attr("aws_sns_topic", single(stack, "aws_sns_topic"), "arn");

describe("digest function", () => {
  it("runs on a schedule of the window, one run at a time, from the restore function's zip", () => {
    const schedule = only(stack, "aws_cloudwatch_event_rule", "schedule", (r) => r.schedule_expression);
    expect(schedule.schedule_expression).toBe("rate(15 minutes)");
    const target = all(stack, "aws_cloudwatch_event_target").find(
      (t) => t.rule === ref(stack, "aws_cloudwatch_event_rule", schedule, "name"),
    );
    expect(target.arn).toBe(ref(stack, "aws_lambda_function", digestFunction, "arn"));
    expect(target.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\.dead-letters/);
    expect(digestFunction).toMatchObject({
      function_name: "glacier-restore-genomics-raw-digest",
      reserved_concurrent_executions: 1,
      timeout: 120,
      runtime: "nodejs22.x",
    });
    // Reading (its budget plus one last long poll) leaves at least half a minute to publish and delete.
    expect(digestFunction.timeout * 1000 - DIGEST_READ_BUDGET_MS - DIGEST_POLL_WAIT_SECONDS * 1000).toBeGreaterThan(
      30_000,
    );
    const restoreFn = only(stack, "aws_lambda_function", "restore function", (f) => f.handler === "index.handler");
    expect(digestFunction.filename).toBe(restoreFn.filename);
    expect(digestFunction.source_code_hash).toBe(restoreFn.source_code_hash);
    expect(digestFunction.environment.variables).toEqual({
      DIGEST_QUEUE_URL: ref(stack, "aws_sqs_queue", digestQueue, "url"),
      NOTIFY_TOPIC_ARN: ref(stack, "aws_sns_topic", single(stack, "aws_sns_topic"), "arn"),
      TARGET_NAME: "genomics-raw",
      DIGEST_WINDOW_MINUTES: "15",
    });
    // Scheduled runs that still fail end in the target's dead-letter queue.
    const asyncConfig = all(stack, "aws_lambda_function_event_invoke_config").find(
      (c) => c.function_name === ref(stack, "aws_lambda_function", digestFunction, "function_name"),
    );
    expect(asyncConfig.destination_config.on_failure.destination).toMatch(/^\$\{aws_sqs_queue\.dead-letters/);
  });

  it("has an alarm on its errors", () => {
    expect(
      all(stack, "aws_cloudwatch_metric_alarm").find(
        (a) => a.alarm_name === "glacier-restore-genomics-raw-digest-errors",
      ),
    ).toMatchObject({ metric_name: "Errors", dimensions: { FunctionName: "glacier-restore-genomics-raw-digest" } });
  });

  it("keeps the queue encrypted and its messages for several windows", () => {
    expect(digestQueue.sqs_managed_sse_enabled).toBe(true);
    expect(digestQueue.message_retention_seconds).toBe(345_600);
  });
});

describe("digest permissions (IAM policy simulator)", () => {
  const role = all(stack, "aws_iam_role").find((r) => r.name === "glacier-restore-genomics-raw-digest");
  const roleArn = refs.attr("aws_iam_role", role, "arn");
  const policy = refs.policyOf(
    all(stack, "aws_iam_role_policy").find((p) => refs.resolve(p.role) === refs.attr("aws_iam_role", role, "id"))
      .policy,
  );
  const asDigest = (action: string, resource: string, context: Record<string, string> = {}) =>
    decide({ principal: roleArn, action, resource, identityPolicy: policy, context });

  it("may read and delete only its own queue's messages and publish only to its topic", async () => {
    expect(await asDigest("sqs:ReceiveMessage", queueArn)).toBe("Allowed");
    expect(await asDigest("sqs:DeleteMessage", queueArn)).toBe("Allowed");
    expect(await asDigest("sqs:SendMessage", queueArn)).toBe("ImplicitlyDenied");
    expect(await asDigest("sqs:PurgeQueue", queueArn)).toBe("ImplicitlyDenied");
    expect(await asDigest("sqs:ReceiveMessage", `arn:aws:sqs:us-east-1:${ACCOUNT}:another`)).toBe("ImplicitlyDenied");
    expect(await asDigest("sns:Publish", topicArn)).toBe("Allowed");
    expect(await asDigest("sns:Publish", `arn:aws:sns:us-east-1:${ACCOUNT}:another`)).toBe("ImplicitlyDenied");
    expect(await asDigest("s3:RestoreObject", "arn:aws:s3:::fsx4l-store/raw/x")).toBe("ImplicitlyDenied");
  });

  it("lets only this topic deliver to the queue, and only over TLS", async () => {
    const queuePolicy = refs.policyOf(
      all(stack, "aws_sqs_queue_policy").find((p) => p.queue_url === ref(stack, "aws_sqs_queue", digestQueue, "url"))
        .policy,
    );
    const send = (principal: string, sourceArn: string, tls = "true") =>
      decide({
        principal,
        action: "sqs:SendMessage",
        resource: queueArn,
        resourcePolicy: queuePolicy,
        context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": tls },
      });
    expect(await send("sns.amazonaws.com", topicArn)).toBe("Allowed");
    expect(await send("sns.amazonaws.com", `arn:aws:sns:us-east-1:${ACCOUNT}:another`)).not.toBe("Allowed");
    expect(await send("events.amazonaws.com", topicArn)).not.toBe("Allowed");
    expect(await send("sns.amazonaws.com", topicArn, "false")).toBe("ExplicitlyDenied");
  });

  it("publishes through SNS with the topic's key, like the restore function", () => {
    const digestPolicy = only(stack, "aws_iam_role_policy", "digest role policy", (p) => p.name === "publish-digests");
    expect(
      statementsOf(stack, digestPolicy.policy).find((s) => s.sid === "EncryptRestoreNotifications")?.condition,
    ).toEqual([{ test: "StringEquals", variable: "kms:ViaService", values: ["sns.us-east-1.amazonaws.com"] }]);
  });
});
