import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { StackWork } from "./stack-run";

/**
 * Defects the deploy proof must catch, seeded into the temporary copy of one synthesized stack (never into
 * the product) when DEPLOY_PROOF_SEED names one: the run must then fail, at the step named.
 */
export const SEEDS: Record<string, { step: string; seed: (stack: any) => boolean }> = {
  // The role claims exclusive ownership of its inline policies with one empty `inline_policy` block while
  // aws_iam_role_policy adds one: the provider documents that "both will attempt to manage the role's inline
  // policies and the provider will show a permanent difference" (Terraform AWS provider, aws_iam_role_policy,
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy). Neither
  // create waits for the other, so the apply succeeds and only the re-plan shows it. Seen red (gateway, 189 s):
  // apply 71 s, re-plan "aws_iam_role.restore-function_role_A275B478 (update: inline_policy)".
  "perpetual-diff": {
    step: "plan again",
    seed: (stack) => {
      const rolePolicy = Object.values<any>(stack.resource?.aws_iam_role_policy ?? {}).find((p) =>
        /^\$\{aws_iam_role\.[^.]+\.(id|name)\}$/.test(p.role),
      );
      if (!rolePolicy) return false;
      const roleName = /^\$\{aws_iam_role\.([^.]+)\./.exec(rolePolicy.role)![1]!;
      stack.resource.aws_iam_role[roleName].inline_policy = [{}];
      return true;
    },
  },
  // EventBridge pattern values must be arrays or objects: valid JSON to the provider, rejected by the API.
  // Seen red at apply (gateway, 93 s): PutRule InvalidEventPatternException "'source' must be an object or an array".
  "apply-reject": {
    step: "apply",
    seed: (stack) => {
      const rule = Object.values<any>(stack.resource?.aws_cloudwatch_event_rule ?? {}).find((r) => r.event_pattern);
      if (!rule) return false;
      rule.event_pattern = JSON.stringify({ ...JSON.parse(rule.event_pattern), source: "aws.s3" });
      return true;
    },
  },
  // A resource that cannot be destroyed: fails the destroy. Seen red at destroy (gateway, 158 s): "Instance
  // cannot be destroyed" (aws_sqs_queue with lifecycle.prevent_destroy) after a clean apply and re-plan.
  undestroyable: {
    step: "destroy",
    seed: (stack) => {
      const queue = Object.values<any>(stack.resource?.aws_sqs_queue ?? {})[0];
      if (!queue) return false;
      queue.lifecycle = { ...queue.lifecycle, prevent_destroy: true };
      return true;
    },
  },
  ordering: { step: "apply", seed: seedTopicPolicyByLiteral },
};

/** moto's account (its STS answers it), which a hand-written ARN would spell out. */
const MOTO_ACCOUNT = "123456789012";

/**
 * The ordering defect: the topic policy (and the policy document it sets) names its topic by a literal ARN
 * instead of `aws_sns_topic.X.arn`, so nothing orders it after the topic. It races deterministically: the
 * topic waits for its KMS key (created with the provider's propagation waits), the policy only for the
 * event rules its conditions name. The provider's SetTopicAttributes retries InvalidParameter only
 * (internal/service/sns/topic.go, putTopicAttribute), and SNS answers a missing topic with NotFound
 * (Amazon SNS API Reference, "SetTopicAttributes", Errors: "NotFound ... the requested resource does not
 * exist", https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html), so the apply fails. Seen red
 * at apply twice (gateway, 85 s and 107 s): "setting SNS Topic (arn:aws:sns:us-east-1:123456789012:
 * glacier-restore-gateway-restores) attribute (Policy): ... 404 ... NotFound: Topic does not exist".
 */
function seedTopicPolicyByLiteral(stack: any): boolean {
  const found = Object.values<any>(stack.resource?.aws_sns_topic_policy ?? {}).find((p) =>
    /^\$\{aws_sns_topic\.[^.]+\.arn\}$/.test(p.arn),
  );
  const docName = found && /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(found.policy)?.[1];
  if (!found || !docName || found.depends_on) return false;
  const reference = found.arn as string;
  const topic = stack.resource.aws_sns_topic[/^\$\{aws_sns_topic\.([^.]+)\./.exec(reference)![1]!];
  const region = providerRegion(stack, topic.provider);
  const literal = `arn:aws:sns:${region}:${MOTO_ACCOUNT}:${topic.name}`;
  const doc = stack.data.aws_iam_policy_document[docName];
  stack.data.aws_iam_policy_document[docName] = JSON.parse(JSON.stringify(doc).split(reference).join(literal));
  found.arn = literal;
  return true;
}

/** The region of the `aws` provider block a resource names (`aws.<alias>`), or of the default block. */
function providerRegion(stack: any, provider?: string): string {
  const alias = provider?.replace(/^aws\./, "");
  const block = (stack.provider.aws as any[]).find((b) => (alias ? b.alias === alias : !b.alias));
  return block.region;
}

/** Seeds the named defect into the first stack that has what it needs; throws when none has. */
export function seedDefect(name: string, works: StackWork[]): string {
  const entry = SEEDS[name];
  if (!entry) throw new Error(`DEPLOY_PROOF_SEED=${name} is not one of: ${Object.keys(SEEDS).join(", ")}`);
  const work = works.find((w) => entry.seed(w.stack));
  if (!work) throw new Error(`no stack can hold the seeded defect ${name}`);
  writeFileSync(path.join(work.dir, "cdk.tf.json"), JSON.stringify(work.stack, null, 2));
  return `seeded ${name} into ${work.name}: expect a failure at ${entry.step}`;
}
