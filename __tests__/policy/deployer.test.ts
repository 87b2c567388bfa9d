import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resolveConfig, type ResolvedConfig } from "../../config/resolve";
import { partitionOf } from "../../core/partition";
import { synthesizedTypes } from "../../policy/cli";
import { deployerPolicy, UnknownResourceTypeError } from "../../policy/deployer";
import { RESOURCE_ACTIONS, type DeployerScope } from "../../policy/resource-actions";
import { proofConfigurations } from "../../testing/configurations";
import { ACCOUNT, type IamPolicy } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";

const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/ci-apply`;
const IAM_DATA = path.join(__dirname, "..", "..", "node_modules", "@cloud-copilot", "iam-data", "data", "actions");

/** The simulator's copy of the Service Authorization Reference: an action's resource types, or undefined. */
function referenceResourceTypes(action: string): string[] | undefined {
  const [service, name] = action.split(":") as [string, string];
  const actions = JSON.parse(readFileSync(path.join(IAM_DATA, `${service}.json`), "utf8")) as Record<
    string,
    { resourceTypes?: { name: string }[] }
  >;
  return actions[name.toLowerCase()]?.resourceTypes?.map((r) => r.name);
}

/** A resource named as the stacks name it (prefix glacier-restore-, or gr- for buckets), in ACCOUNT. */
function sampleResource(scope: DeployerScope, config: ResolvedConfig): string {
  const region = config.targets[0]!.region;
  const p = partitionOf(region).name;
  const arn = (service: string, resource: string) => `arn:${p}:${service}:${region}:${ACCOUNT}:${resource}`;
  switch (scope) {
    case "role":
      return `arn:${p}:iam::${ACCOUNT}:role/glacier-restore-genomics-raw`;
    case "function":
      return arn("lambda", "function:glacier-restore-genomics-raw");
    case "eventSourceMapping":
      return arn("lambda", "event-source-mapping:6f1c2a3b-0000-4000-8000-000000000001");
    case "queue":
      return arn("sqs", "glacier-restore-genomics-raw-dlq");
    case "topic":
      return arn("sns", "glacier-restore-genomics-raw-restores");
    case "rule":
      return arn("events", "rule/glacier-restore-genomics-raw");
    case "alarm":
      return arn("cloudwatch", "alarm:glacier-restore-genomics-raw-errors");
    case "projectLogGroup":
      return arn("logs", "log-group:/aws/lambda/glacier-restore-genomics-raw:*");
    case "readerLogGroup": {
      const g = config.logTriggers[0]!;
      return `arn:${partitionOf(g.region).name}:logs:${g.region}:${ACCOUNT}:log-group:${g.logGroupName}:*`;
    }
    case "table":
      return arn("dynamodb", "table/glacier-restore-genomics-raw-claims");
    case "trail":
      return arn("cloudtrail", "trail/glacier-restore-genomics-raw");
    case "projectBucket":
      return `arn:${p}:s3:::gr-genomics-raw-trail-20261126000000000000000001`;
    case "ownedBucket":
      return `arn:${p}:s3:::${config.bucketNotificationOwners[0]!.bucket}`;
    case "kmsKey":
      return arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
    case "kmsAlias":
      return arn("kms", "alias/glacier-restore-genomics-raw-restores");
    case "*":
      return "*";
  }
}

/**
 * KMS checks the key policy first: IAM policies count only where it delegates to the account (AWS KMS
 * Developer Guide, "Default key policy"), as the topic key the stacks write does for the account root.
 */
function keyPolicy(partition: string): IamPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ],
  };
}

/** The printed JSON, as the simulator reads it. */
const simulated = (policy: object): IamPolicy => JSON.parse(JSON.stringify(policy)) as IamPolicy;

const configs = Object.entries(proofConfigurations()).map(([name, raw]) => {
  const config = resolveConfig(raw);
  return { name, config, types: synthesizedTypes(config) };
});

describe("deployer policy", () => {
  it("has a row for every resource type the stacks synthesize", () => {
    const missing = configs.flatMap(({ types }) => types.filter((t) => !(t in RESOURCE_ACTIONS)));
    expect([...new Set(missing)]).toEqual([]);
    const first = configs[0]!;
    expect(() => deployerPolicy(first.config, [...first.types, "aws_instance"])).toThrow(UnknownResourceTypeError);
  });

  it("keeps only rows of types some stack uses", () => {
    const used = new Set(configs.flatMap(({ types }) => types));
    expect(Object.keys(RESOURCE_ACTIONS).filter((t) => !used.has(t))).toEqual([]);
  });

  it("names real actions, and scopes '*' exactly the actions without resource-level permissions", () => {
    const wrong: string[] = [];
    for (const [type, rows] of Object.entries(RESOURCE_ACTIONS))
      for (const { action, scope } of rows) {
        const types = referenceResourceTypes(action);
        if (types === undefined) wrong.push(`${type}: ${action} is not in the reference`);
        else if ((types.length === 0) !== (scope === "*"))
          wrong.push(`${type}: ${action} has resource types [${types.join(", ")}] but scope ${scope}`);
      }
    expect(wrong).toEqual([]);
  });

  it.each(configs.map((c) => [c.name, c] as const))(
    "%s: allows every action of every synthesized type on a prefixed resource",
    async (_name, { config, types }) => {
      const policy = simulated(deployerPolicy(config, types));
      const denied: string[] = [];
      for (const type of types)
        for (const { action, scope } of RESOURCE_ACTIONS[type]!) {
          const resource = sampleResource(scope, config);
          const decision = await decide({
            principal: PRINCIPAL,
            action,
            resource,
            identityPolicy: policy,
            ...(scope === "kmsKey" ? { resourcePolicy: keyPolicy(partitionOf(config.targets[0]!.region).name) } : {}),
          });
          if (decision !== "Allowed") denied.push(`${type} ${action} ${resource}: ${decision}`);
        }
      expect(denied).toEqual([]);
    },
  );

  it("denies the same actions on resources without the prefix", async () => {
    const { config, types } = configs.find((c) => c.name === "options")!;
    const policy = simulated(deployerPolicy(config, types));
    const outside = [
      ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/admin`],
      ["iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT}:role/ci-apply`],
      ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`],
      ["lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:payroll`],
      ["sqs:DeleteQueue", `arn:aws:sqs:eu-west-1:${ACCOUNT}:orders`],
      ["s3:DeleteBucket", "arn:aws:s3:::lab-data"],
      ["s3:PutObject", "arn:aws:s3:::acme-tf-state/other-project/x.tfstate"],
    ] as const;
    for (const [action, resource] of outside)
      expect(
        `${action} ${resource}: ${await decide({ principal: PRINCIPAL, action, resource, identityPolicy: policy })}`,
      ).toBe(`${action} ${resource}: ImplicitlyDenied`);
  });

  it("allows the state objects and the DynamoDB lock of the configured backend", async () => {
    const { config, types } = configs.find((c) => c.name === "options")!;
    const policy = simulated(deployerPolicy(config, types));
    const checks = [
      ["s3:GetObject", "arn:aws:s3:::acme-tf-state/glacier-restore/options.tfstate"],
      ["s3:DeleteObject", "arn:aws:s3:::acme-tf-state/glacier-restore/options.tfstate.tflock"],
      ["s3:ListBucket", "arn:aws:s3:::acme-tf-state"],
      ["dynamodb:PutItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/tf-locks`],
    ] as const;
    for (const [action, resource] of checks)
      expect(await decide({ principal: PRINCIPAL, action, resource, identityPolicy: policy })).toBe("Allowed");
  });
});
