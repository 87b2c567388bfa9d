/** The FSx import resources of a log-trigger stack, read from the synthesized Terraform JSON. */
import { proofConfigurations } from "../../testing/configurations";
import { all, only, statementsOf, synthConfig, type Synth } from "../../testing/synth";

function logTriggerStack(raw: unknown): Synth {
  const { stacks } = synthConfig(raw);
  return Object.entries(stacks).find(([name]) => name.startsWith("log-trigger-"))![1];
}

const configs = proofConfigurations();
const stack = logTriggerStack(configs["fsx-import"]);
const NAME = "glacier-restore-log-trigger-aws-fsx-lustre-bcbb92";

function importFunction(s: Synth) {
  return only(s, "aws_lambda_function", "import function", (f) => f.function_name === `${NAME}-import`);
}

describe("FSx import in the log-trigger stack", () => {
  it("catches S3's Object Restore Completed in the target's prefix, into a TLS-only queue only its rule may send to", () => {
    const rules = all(stack, "aws_cloudwatch_event_rule");
    expect(rules.map((r) => JSON.parse(r.event_pattern))).toEqual([
      {
        source: ["aws.s3"],
        "detail-type": ["Object Restore Completed"],
        detail: { bucket: { name: ["fsx4l-store"] }, object: { key: [{ prefix: "raw/" }] } },
      },
    ]);
    const queue = only(stack, "aws_sqs_queue", "import queue", (q) => q.name === `${NAME}-imports`);
    expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, visibility_timeout_seconds: 900 });
    // Terraform's jsonencode of the dead-letter queue's ARN and the receive count (valid in JSON and HCL).
    expect(queue.redrive_policy).toMatch(
      /^\$\{jsonencode\(\{"deadLetterTargetArn" = aws_sqs_queue\.fsx-import_dead-letters_queue_\w+\.arn, "maxReceiveCount" = 24\}\)\}$/,
    );
    const target = all(stack, "aws_cloudwatch_event_target")[0];
    expect(target.arn).toMatch(/fsx-import_queue_.*\.arn\}$/);
    expect(target.dead_letter_config.arn).toMatch(/fsx-import_dead-letters_queue_.*\.arn\}$/);
    const policy = only(stack, "aws_sqs_queue_policy", "import queue policy", (p) =>
      /fsx-import_queue_.*\.url\}$/.test(p.queue_url),
    );
    const statements = statementsOf(stack, policy.policy);
    expect(statements.map((s) => s.sid)).toEqual(["DenyInsecureTransport", "RestoreCompletedEvents"]);
    expect(statements[1]!.condition).toContainEqual({
      test: "ArnEquals",
      variable: "aws:SourceArn",
      values: [expect.stringMatching(/aws_cloudwatch_event_rule\.fsx-import_restored-0_.*\.arn\}$/)],
    });
  });

  it("feeds the function in batches of up to 100 with partial failures and little concurrency", () => {
    const mapping = all(stack, "aws_lambda_event_source_mapping")[0];
    expect(mapping).toMatchObject({
      batch_size: 100,
      maximum_batching_window_in_seconds: 60,
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: 2 },
    });
    const fn = importFunction(stack);
    expect(fn.timeout * 6).toBeLessThanOrEqual(900);
    expect(JSON.parse(fn.environment.variables.FSX_ASSOCIATIONS)).toEqual(
      configs["fsx-import"]!.targets[0].trigger[0].associations,
    );
    const group = only(stack, "aws_cloudwatch_log_group", "import log group", (g) => g.name.endsWith("-import"));
    expect(group.retention_in_days).toBe(30);
  });

  it("lets the role create data repository tasks on the configured file systems only", () => {
    const policy = only(stack, "aws_iam_role_policy", "import role policy", (p) => p.name === "import-restored-files");
    const fsx = statementsOf(stack, policy.policy).find((s) => s.actions.some((a) => a.startsWith("fsx:")))!;
    expect(fsx.actions).toEqual(["fsx:CreateDataRepositoryTask"]);
    const account = "${data.aws_caller_identity.foundation_account_B8EF7927.account_id}";
    expect(fsx.resources).toEqual([
      `arn:aws:fsx:us-east-1:${account}:file-system/fs-0123456789abcdef0`,
      `arn:aws:fsx:us-east-1:${account}:file-system/fs-0fedcba9876543210`,
      `arn:aws:fsx:us-east-1:${account}:task/*`,
    ]);
  });

  it("alarms on its rule's deliveries, its dead-letter queue and its errors", () => {
    const alarms = all(stack, "aws_cloudwatch_metric_alarm").filter((a) => a.alarm_name.includes("-import-"));
    const rule = { RuleName: `${NAME}-restored-0` };
    const byName = (x: unknown[], y: unknown[]) => String(x[0]).localeCompare(String(y[0]));
    expect(alarms.map((a) => [a.metric_name, a.dimensions]).sort(byName)).toEqual(
      [
        ["FailedInvocations", rule],
        ["InvocationsSentToDlq", rule],
        ["InvocationsFailedToBeSentToDlq", rule],
        ["ApproximateNumberOfMessagesVisible", { QueueName: `${NAME}-imports-dlq` }],
        ["Errors", { FunctionName: `${NAME}-import` }],
      ].sort(byName),
    );
  });

  it("uses the region's partition in the file system ARNs", () => {
    const raw = structuredClone(configs["fsx-import"]!);
    raw.stateBackend.region = "us-gov-west-1";
    raw.defaults.region = "us-gov-west-1";
    const gov = logTriggerStack(raw);
    const policy = only(gov, "aws_iam_role_policy", "import role policy", (p) => p.name === "import-restored-files");
    const fsx = statementsOf(gov, policy.policy).find((s) => s.actions.includes("fsx:CreateDataRepositoryTask"))!;
    expect(fsx.resources!.every((r) => r.startsWith("arn:aws-us-gov:fsx:us-gov-west-1:"))).toBe(true);
  });

  it("is absent without associations", () => {
    const readers = logTriggerStack(configs.readers);
    expect(all(readers, "aws_lambda_event_source_mapping")).toEqual([]);
    expect(all(readers, "aws_cloudwatch_event_rule")).toEqual([]);
  });
});

describe("FSx import alarms", () => {
  it("notify where the fed target's alarms go, and its own topic lets them publish", () => {
    const raw = proofConfigurations()["fsx-import"]!;
    raw.targets[0].notifications = { email: ["hpc-ops@example.com"] };
    const { stacks } = synthConfig(raw);
    const logStack = Object.entries(stacks).find(([name]) => name.startsWith("log-trigger-"))![1];
    const importAlarms = all(logStack, "aws_cloudwatch_metric_alarm").filter((a) =>
      String(a.alarm_name).startsWith(`${NAME}-import`),
    );
    // The rule's deliveries too (failed, dead-lettered, lost), like every other rule of the project.
    expect(importAlarms.map((a) => a.alarm_name).sort()).toEqual([
      `${NAME}-import-dlq`,
      `${NAME}-import-errors`,
      `${NAME}-import-rule-0-dlq`,
      `${NAME}-import-rule-0-dlq-failed`,
      `${NAME}-import-rule-0-failed`,
    ]);
    expect(
      importAlarms.filter((a) => a.namespace === "AWS/Events").map((a) => [a.metric_name, a.dimensions.RuleName]),
    ).toEqual(expect.arrayContaining([["InvocationsFailedToBeSentToDlq", `${NAME}-restored-0`]]));
    for (const a of importAlarms)
      expect(a.alarm_actions).toEqual([expect.stringMatching(/:glacier-restore-lab-raw-restores$/)]);
    expect(logStack.output.alarm_names.value).toHaveLength(7);
    const topicPolicy = all(stacks["lab-raw"]!, "aws_sns_topic_policy")[0];
    const topicStatements = JSON.stringify(statementsOf(stacks["lab-raw"]!, topicPolicy.policy));
    expect(topicStatements).toContain(`alarm:${NAME}-import-dlq`);
    expect(topicStatements).toContain(`alarm:${NAME}-import-rule-0-dlq-failed`);
  });
});
