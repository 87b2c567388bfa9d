/** RestoreFunction on a bare stack: its environment, its role's policy, and where failures go. */
import { Testing } from "cdktf";
import { resolveConfig } from "../../../config/resolve";
import { decodeRestoreEnv } from "../../../core/function-env";
import { DeadLetterQueue } from "../../../stacks/constructs/dead-letter-queue";
import { DeferredQueue } from "../../../stacks/constructs/deferred-queue";
import { RestoreFunction } from "../../../stacks/constructs/restore-function";
import { targetNames } from "../../../stacks/names";
import { synthBare } from "../../../testing/bare-stack";
import { exampleConfig } from "../../../testing/config";
import { single, statementsOf, type Synth } from "../../../testing/synth";

const artifact = { zipPath: "dist/handler.zip", sha256: "c2hhMjU2" };

/** The example's first target, with `change` applied to its configuration. */
function target(change: (t: Record<string, any>) => void = () => {}) {
  const raw = exampleConfig();
  change(raw.targets[0]);
  return resolveConfig(raw).targets[0]!;
}

function synth(t: ReturnType<typeof target>, options: { deferred?: boolean; region?: string } = {}): Synth {
  return synthBare((scope) => {
    const deadLetters = new DeadLetterQueue(scope, "dead-letters", { queueName: "dlq" });
    const deferred = options.deferred ? new DeferredQueue(scope, "deferred", { queueName: "deferred" }) : undefined;
    new RestoreFunction(scope, "restore-function", {
      target: t,
      names: targetNames(t.name),
      artifact,
      deadLetters,
      ...(deferred ? { deferred } : {}),
    });
  }, options.region);
}

const queueArn = (s: Synth, name: string) =>
  `\${aws_sqs_queue.${Object.entries(s.resource.aws_sqs_queue!).find(([, q]) => q.name === name)![0]}.arn}`;
const sids = (s: Synth) => statementsOf(s, single(s, "aws_iam_role_policy").policy).map((st) => st.sid);

describe("RestoreFunction", () => {
  it("encodes the target into an environment the handler decodes back", () => {
    const t = target();
    const fn = single(synth(t), "aws_lambda_function");
    expect(decodeRestoreEnv(fn.environment.variables)).toMatchObject({
      tier: "Expedited",
      days: 1,
      bucket: "fsx4l-store",
      prefix: "raw/",
      targetName: "genomics-raw",
    });
    expect(fn.function_name).toBe(targetNames("genomics-raw").function);
    expect(fn.memory_size).toBe(t.function.memoryMb);
  });

  it("carries a budget, its deferred queue and observe mode into the environment", () => {
    const s = synth(
      target((t) => {
        t.budget = { maxRestoresPerDay: 5 };
        t.mode = "observe";
      }),
      { deferred: true },
    );
    const env = decodeRestoreEnv(single(s, "aws_lambda_function").environment.variables);
    expect(env).toMatchObject({ mode: "observe", budget: { maxRestoresPerDay: 5 } });
    expect(env.deferredQueueUrl).toMatch(/^\$\{aws_sqs_queue\..+\.url\}$/);
    expect(sids(s)).toContain("KeepEventsTheBudgetRefused");
  });

  it("dead-letters failed invocations to the stack's queue, and its role may send there", () => {
    const s = synth(target());
    const dlq = queueArn(s, "dlq");
    expect(single(s, "aws_lambda_function_event_invoke_config").destination_config.on_failure.destination).toBe(dlq);
    const statements = statementsOf(s, single(s, "aws_iam_role_policy").policy);
    expect(statements.find((st) => st.sid === "DeadLetterFailedInvocations")!.resources).toEqual([dlq]);
    expect(sids(s)).not.toContain("KeepEventsTheBudgetRefused");
  });

  it("scopes restores to the target's prefix in the Foundation's partition, trusted by this account only", () => {
    const s = synth(target(), { region: "cn-north-1" });
    const statements = statementsOf(s, single(s, "aws_iam_role_policy").policy);
    const restore = statements.find((st) => st.sid === "RestoreArchivedObjectsInScope")!;
    expect(restore.resources).toEqual(["arn:aws-cn:s3:::fsx4l-store/raw/*"]);
    const trust = statementsOf(s, single(s, "aws_iam_role").assume_role_policy);
    const account = Object.keys(s.data.aws_caller_identity!)[0];
    expect(trust[0]!.condition).toEqual([
      {
        test: "StringEquals",
        variable: "aws:SourceAccount",
        values: [`\${data.aws_caller_identity.${account}.account_id}`],
      },
    ]);
  });

  it("refuses a budget without a deferred queue, naming the target", () => {
    expect(() => synth(target((t) => (t.budget = { maxRestoresPerDay: 5 })))).toThrow(
      "target genomics-raw: a restore budget needs the claims table and a deferred queue",
    );
  });

  it("needs a Foundation in its stack for the account and partition", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new DeadLetterQueue(scope, "dead-letters", { queueName: "dlq" }).allowEventBridgeRule("arn:rule");
      }),
    ).toThrow("stack stack has no Foundation");
  });
});
