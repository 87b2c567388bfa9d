/** The restore policy in the synthesized stacks: environment, deferred queue, alarm, outputs, untouched defaults. */
import { targetNames } from "../../stacks/names";
import { exampleConfig } from "../../testing/config";
import { all, restoreFunction, statementsOf, synthConfig } from "../../testing/synth";

function policyConfig() {
  const c = exampleConfig();
  c.targets[0] = {
    ...c.targets[0],
    restoreScope: "directory",
    directory: { maxObjects: 200, maxBytes: 5_000_000_000 },
    budget: { maxRestoresPerDay: 300, maxGBPerDay: 2.5 },
    mode: "observe",
  };
  return c;
}

describe("restore policy in the stack", () => {
  const { stacks } = synthConfig(policyConfig());
  const policed = stacks["genomics-raw"]!;
  const plain = stacks["genomics-ref"]!;

  it("passes only non-default settings to the function's environment", () => {
    expect(restoreFunction(policed).environment.variables).toMatchObject({
      RESTORE_SCOPE: "directory",
      DIRECTORY_MAX_OBJECTS: "200",
      DIRECTORY_MAX_BYTES: "5000000000",
      BUDGET_MAX_RESTORES_PER_DAY: "300",
      BUDGET_MAX_BYTES_PER_DAY: "2500000000",
      RESTORE_MODE: "observe",
    });
    expect(restoreFunction(policed).environment.variables.DEFERRED_QUEUE_URL).toMatch(
      /aws_sqs_queue\.deferred_queue_.*\.url/,
    );
    const variables = Object.keys(restoreFunction(plain).environment.variables);
    for (const name of [
      "RESTORE_SCOPE",
      "DIRECTORY_MAX_OBJECTS",
      "BUDGET_MAX_RESTORES_PER_DAY",
      "DEFERRED_QUEUE_URL",
      "RESTORE_MODE",
    ])
      expect(variables).not.toContain(name);
  });

  it("keeps refused events in an encrypted, TLS-only queue for 14 days, alarmed and given as an output", () => {
    const queue = all(policed, "aws_sqs_queue").find((q) => q.name === targetNames("genomics-raw").deferredQueue);
    expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1_209_600 });
    const alarm = all(policed, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name.endsWith("-deferred"));
    expect(alarm).toMatchObject({
      namespace: "AWS/SQS",
      dimensions: { QueueName: targetNames("genomics-raw").deferredQueue },
    });
    expect(policed.output.deferred_queue_url).toBeDefined();
    expect(all(plain, "aws_sqs_queue").map((q) => q.name)).not.toContain(targetNames("genomics-ref").deferredQueue);
    expect(plain.output.deferred_queue_url).toBeUndefined();
  });

  it("grants UpdateItem on the claims table and SendMessage on the deferred queue only with a budget", () => {
    const actions = (stack: typeof policed) =>
      statementsOf(
        stack,
        all(stack, "aws_iam_role_policy").find((p) => p.name === "restore-archived-objects").policy,
      ).flatMap((s) => s.actions ?? []);
    expect(actions(policed)).toEqual(expect.arrayContaining(["dynamodb:UpdateItem", "sqs:SendMessage"]));
    expect(actions(plain)).not.toContain("dynamodb:UpdateItem");
  });
});
