import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { StackWork } from "./stack-run";

/**
 * Defects the deploy proof must catch, seeded into the temporary copy of one synthesized stack (never into
 * the product) when DEPLOY_PROOF_SEED names one: the run must then fail, at the step named.
 */
export const SEEDS: Record<string, { step: string; seed: (stack: any) => boolean }> = {
  // Two resources own one attribute (the queue's inline policy and aws_sqs_queue_policy). Seen red at apply:
  // the provider waits for the queue's attributes to equal what it set, which the policy resource undoes.
  "perpetual-diff": {
    step: "apply (attribute wait) or plan again",
    seed: (stack) => {
      const policy = Object.values<any>(stack.resource?.aws_sqs_queue_policy ?? {})[0];
      const match = policy && /^\$\{aws_sqs_queue\.([^.]+)\.url\}$/.exec(policy.queue_url);
      if (!match) return false;
      stack.resource.aws_sqs_queue[match[1]!].policy = JSON.stringify({ Version: "2012-10-17", Statement: [] });
      return true;
    },
  },
  // EventBridge pattern values must be arrays or objects: valid JSON to the provider, rejected by the API.
  "apply-reject": {
    step: "apply",
    seed: (stack) => {
      const rule = Object.values<any>(stack.resource?.aws_cloudwatch_event_rule ?? {}).find((r) => r.event_pattern);
      if (!rule) return false;
      rule.event_pattern = JSON.stringify({ ...JSON.parse(rule.event_pattern), source: "aws.s3" });
      return true;
    },
  },
  // A resource that cannot be destroyed: fails the destroy.
  undestroyable: {
    step: "destroy",
    seed: (stack) => {
      const queue = Object.values<any>(stack.resource?.aws_sqs_queue ?? {})[0];
      if (!queue) return false;
      queue.lifecycle = { ...queue.lifecycle, prevent_destroy: true };
      return true;
    },
  },
  // The permission names its function by a literal instead of a reference, so Terraform no longer orders
  // it after the function. NOT a working seed yet: the provider's aws_lambda_permission create retries
  // AddPermission on "function not found" until the function exists, so the apply still succeeds (seen
  // with DEPLOY_PROOF_ONLY=existing); an ordering seed needs a create the provider does not retry.
  ordering: {
    step: "apply",
    seed: (stack) => {
      const permission = Object.values<any>(stack.resource?.aws_lambda_permission ?? {})[0];
      const match = permission && /^\$\{aws_lambda_function\.([^.]+)\.function_name\}$/.exec(permission.function_name);
      if (!match) return false;
      permission.function_name = stack.resource.aws_lambda_function[match[1]!].function_name;
      return true;
    },
  },
};

/** Seeds the named defect into the first stack that has what it needs; throws when none has. */
export function seedDefect(name: string, works: StackWork[]): string {
  const entry = SEEDS[name];
  if (!entry) throw new Error(`DEPLOY_PROOF_SEED=${name} is not one of: ${Object.keys(SEEDS).join(", ")}`);
  const work = works.find((w) => entry.seed(w.stack));
  if (!work) throw new Error(`no stack can hold the seeded defect ${name}`);
  writeFileSync(path.join(work.dir, "cdk.tf.json"), JSON.stringify(work.stack, null, 2));
  return `seeded ${name} into ${work.name}: expect a failure at ${entry.step}`;
}
