/**
 * The deploy proof's seeded defects (testing/deploy/seeds.ts) are only worth their red runs if each one
 * lands in the deploy configuration with the shape that makes it fail at its step. The red runs themselves
 * are recorded in docs/testing.md ("Deploy proof against moto"); this checks the shapes without moto.
 */
import { deployConfiguration } from "../../testing/deploy/configuration";
import { SEEDS } from "../../testing/deploy/seeds";
import { synthConfig, type Synth } from "../../testing/synth";

const stacks = synthConfig(deployConfiguration().raw).stacks;
const copy = (stack: Synth): any => JSON.parse(JSON.stringify(stack));

/** The first stack (in name order) a seed lands in, seeded, with its name. */
function seeded(name: string): { stack: any; stackName: string } {
  for (const [stackName, original] of Object.entries(stacks)) {
    const stack = copy(original);
    if (SEEDS[name]!.seed(stack)) return { stack, stackName };
  }
  throw new Error(`no stack of the deploy configuration holds seed ${name}`);
}

describe("deploy proof seeds", () => {
  it.each(Object.keys(SEEDS))("%s lands in some stack of the deploy configuration", (name) => {
    expect(seeded(name).stackName).toBeTruthy();
  });

  it("ordering: the topic policy and its document no longer reference the topic, the topic still waits for its key", () => {
    const { stack } = seeded("ordering");
    const [policy] = Object.values<any>(stack.resource.aws_sns_topic_policy).filter((p) => !/^\$\{/.test(p.arn));
    expect(policy.arn).toMatch(/^arn:aws:sns:[a-z0-9-]+:123456789012:[\w-]+$/);
    expect(policy.depends_on).toBeUndefined();
    const docName = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policy.policy)![1]!;
    const document = JSON.stringify(stack.data.aws_iam_policy_document[docName]);
    expect(document).not.toContain("aws_sns_topic.");
    expect(document).toContain(policy.arn);
    const topic = Object.values<any>(stack.resource.aws_sns_topic).find((t) => policy.arn.endsWith(`:${t.name}`));
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
  });

  it("perpetual-diff: a role claims its inline policies with an empty block while aws_iam_role_policy adds one", () => {
    const { stack } = seeded("perpetual-diff");
    const claimed = Object.entries<any>(stack.resource.aws_iam_role).filter(([, role]) => role.inline_policy);
    expect(claimed).toHaveLength(1);
    const [roleName, role] = claimed[0]!;
    expect(role.inline_policy).toEqual([{}]);
    const policies = Object.values<any>(stack.resource.aws_iam_role_policy);
    expect(policies.some((p) => p.role === `\${aws_iam_role.${roleName}.id}`)).toBe(true);
  });
});
