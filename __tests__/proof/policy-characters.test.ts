/**
 * Every policy document of every stack of every proof configuration holds only the characters IAM and KMS
 * accept (tab, line feed, carriage return, U+0020–U+00FF: IAM User Guide, "IAM and AWS STS quotas"; KMS API
 * Reference, PutKeyPolicy `Policy`). SNS, SQS and S3 document no such set; their policies are held to it too.
 */
import { charactersOutsidePolicy, codePointName } from "../../core/policy-text";
import { proofConfigurations } from "../../testing/configurations";
import { synthConfig, type Synth } from "../../testing/synth";

/** Resource attributes that hold a policy document (inline JSON, or a data source reference). */
const POLICY_ATTRIBUTES: Record<string, string> = {
  aws_iam_role: "assume_role_policy",
  aws_iam_role_policy: "policy",
  aws_kms_key: "policy",
  aws_sns_topic_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_s3_bucket_policy: "policy",
};

/** Every string in a value, with where it is. */
function strings(value: unknown, where: string): [string, string][] {
  if (typeof value === "string") return [[where, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${where}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [...strings(k, `${where}(key)`), ...strings(v, `${where}.${k}`)]);
  return [];
}

/** Every policy text of a stack: each aws_iam_policy_document's strings and each inline policy attribute. */
function policyTexts(stack: Synth): [string, string][] {
  const documents = Object.entries(stack.data?.aws_iam_policy_document ?? {}).flatMap(([name, doc]) =>
    strings(doc, `data.aws_iam_policy_document.${name}`),
  );
  const inline = Object.entries(POLICY_ATTRIBUTES).flatMap(([type, attr]) =>
    Object.entries(stack.resource?.[type] ?? {}).flatMap(([name, r]) => strings(r[attr], `${type}.${name}.${attr}`)),
  );
  return [...documents, ...inline];
}

const configurations = Object.entries(proofConfigurations());

it("covers the configuration with keys outside Latin-1", () => {
  expect(configurations.map(([name]) => name)).toContain("unicode");
});

describe.each(configurations)("configuration %s", (_name, raw) => {
  const { stacks } = synthConfig(raw);

  it.each(Object.keys(stacks))("stack %s: every policy document is within IAM's character set", (name) => {
    const texts = policyTexts(stacks[name]!);
    const outside = texts
      .map(([where, text]) => [where, charactersOutsidePolicy(text).map(codePointName)] as const)
      .filter(([, found]) => found.length > 0);
    expect(outside).toEqual([]);
  });

  it("has policy documents to check in every stack that has roles or resource policies", () => {
    for (const stack of Object.values(stacks)) {
      const hasPolicies = Object.keys(POLICY_ATTRIBUTES).some((t) => Object.keys(stack.resource?.[t] ?? {}).length);
      if (hasPolicies) expect(policyTexts(stack).length).toBeGreaterThan(0);
    }
  });
});
