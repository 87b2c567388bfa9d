/** DeadLetterQueue on a bare stack: one TLS-only policy, open to EventBridge for exactly this stack's rules. */
import { DeadLetterQueue } from "../../../stacks/constructs/dead-letter-queue";
import { synthBare } from "../../../testing/bare-stack";
import { single, statementsOf } from "../../../testing/synth";

describe("DeadLetterQueue", () => {
  it("keeps failures two weeks, encrypted", () => {
    const s = synthBare((scope) => new DeadLetterQueue(scope, "dead-letters", { queueName: "dlq" }).tlsOnly());
    expect(single(s, "aws_sqs_queue")).toMatchObject({
      name: "dlq",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1_209_600,
    });
  });

  it("is TLS only, and open to no service, when no rule dead-letters to it", () => {
    const s = synthBare((scope) => new DeadLetterQueue(scope, "dead-letters", { queueName: "dlq" }).tlsOnly());
    const statements = statementsOf(s, single(s, "aws_sqs_queue_policy").policy);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ effect: "Deny", actions: ["sqs:*"] });
  });

  it("lets EventBridge send for every rule added, from the Foundation's account, in one policy", () => {
    const s = synthBare((scope) => {
      const dlq = new DeadLetterQueue(scope, "dead-letters", { queueName: "dlq" });
      const first = dlq.allowEventBridgeRule("arn:aws:events:us-east-1:123456789012:rule/a");
      expect(dlq.allowEventBridgeRule("arn:aws:events:us-east-1:123456789012:rule/b")).toBe(first);
    });
    const statements = statementsOf(s, single(s, "aws_sqs_queue_policy").policy);
    const account = Object.keys(s.data.aws_caller_identity!)[0];
    expect(statements.find((st) => st.sid === "EventBridgeDeadLetters")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["sqs:SendMessage"],
      condition: expect.arrayContaining([
        {
          test: "ArnEquals",
          variable: "aws:SourceArn",
          values: ["arn:aws:events:us-east-1:123456789012:rule/a", "arn:aws:events:us-east-1:123456789012:rule/b"],
        },
        {
          test: "StringEquals",
          variable: "aws:SourceAccount",
          values: [`\${data.aws_caller_identity.${account}.account_id}`],
        },
      ]),
    });
  });
});
