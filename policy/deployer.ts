/**
 * The deployer's policy: what `terraform apply` and `destroy` of the synthesized stacks need. Derived from
 * the Terraform resource types the stacks contain (resource-actions.ts), scoped by the project's name
 * prefix where the resource's ARN carries a name we choose. Pure: configuration and types in, JSON out.
 *
 * State: the S3 backend needs s3:ListBucket on the state bucket, s3:GetObject/PutObject on the state key and
 * s3:DeleteObject on its lock file; DynamoDB locking needs GetItem/PutItem/DeleteItem (and DescribeTable) on
 * the table (Terraform documentation, "Backend Type: s3", S3 Bucket Permissions and DynamoDB Table Permissions).
 */
import type { ResolvedConfig } from "../config/types";
import { NAME_PREFIX } from "../core/names";
import { bucketArn, partitionOf, type Partition } from "../core/partition";
import { policyOf, sid, type IamPolicy, type IamStatement } from "./iam";
import { RESOURCE_ACTIONS, type DeployerScope } from "./resource-actions";

/** A Terraform resource type the table has no row for: the policy would miss what it needs. */
export class UnknownResourceTypeError extends Error {
  constructor(types: readonly string[]) {
    super(`policy/resource-actions.ts has no row for ${types.join(", ")}: add the actions its lifecycle needs`);
    this.name = "UnknownResourceTypeError";
  }
}

/** Every region the configuration deploys to or keeps state in. */
function regionsOf(config: ResolvedConfig): string[] {
  return [
    ...new Set([
      config.stateBackend.region,
      ...config.targets.map((t) => t.region),
      ...config.logTriggers.map((g) => g.region),
    ]),
  ];
}

const named = (p: Partition, service: string, resource: string) => `arn:${p.name}:${service}:*:*:${resource}`;

/** The ARN patterns of a scope in one partition (region and account `*`: names carry the prefix). */
function scopeArns(scope: DeployerScope, p: Partition, config: ResolvedConfig): string[] {
  const prefix = `${NAME_PREFIX}-*`;
  const bootstrap = config.stateBackend.bootstrap;
  switch (scope) {
    case "role":
      return [`arn:${p.name}:iam::*:role/${prefix}`];
    case "function":
      return [named(p, "lambda", `function:${prefix}`)];
    case "eventSourceMapping":
      // Event source mappings are named by a UUID AWS assigns: no name to scope by.
      return [named(p, "lambda", "event-source-mapping:*")];
    case "queue":
      return [named(p, "sqs", prefix)];
    case "topic":
      return [named(p, "sns", prefix)];
    case "rule":
      return [named(p, "events", `rule/${prefix}`)];
    case "alarm":
      return [named(p, "cloudwatch", `alarm:${prefix}`)];
    case "projectLogGroup":
      return [
        named(p, "logs", `log-group:/aws/lambda/${prefix}`),
        named(p, "logs", `log-group:/aws/cloudtrail/${prefix}`),
      ];
    case "readerLogGroup":
      return config.logTriggers
        .filter((g) => partitionOf(g.region).name === p.name)
        .flatMap((g) => [
          named(p, "logs", `log-group:${g.logGroupName}`),
          named(p, "logs", `log-group:${g.logGroupName}:*`),
        ]);
    case "table":
      return [
        named(p, "dynamodb", `table/${prefix}`),
        ...(bootstrap && config.stateBackend.dynamodbTable
          ? [named(p, "dynamodb", `table/${config.stateBackend.dynamodbTable}`)]
          : []),
      ];
    case "trail":
      return [named(p, "cloudtrail", `trail/${prefix}`)];
    case "projectBucket":
      // Trail and batch-report buckets: bucket_prefix "gr-<target>-..." (core/names.ts), Terraform's suffix after.
      return [bucketArn(p, "gr-*"), ...(bootstrap ? [bucketArn(p, config.stateBackend.bucket)] : [])];
    case "ownedBucket":
      return config.bucketNotificationOwners.map((o) => bucketArn(p, o.bucket));
    case "kmsKey":
      // Key ARNs hold a key ID AWS assigns: no name to scope by.
      return [named(p, "kms", "key/*")];
    case "kmsAlias":
      return [named(p, "kms", `alias/${prefix}`)];
    case "*":
      return ["*"];
  }
}

/** Read and write of the state objects and their lock (file or DynamoDB item). */
function stateStatements(config: ResolvedConfig): IamStatement[] {
  const sb = config.stateBackend;
  const p = partitionOf(sb.region);
  const bucket = bucketArn(p, sb.bucket);
  const statements: IamStatement[] = [
    { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucket] },
    {
      Sid: "StateObjects",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: [`${bucket}/${sb.keyPrefix}/*`],
    },
  ];
  if (sb.locking === "dynamodb" && sb.dynamodbTable)
    statements.push({
      Sid: "StateLock",
      Effect: "Allow",
      Action: ["dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: [`arn:${p.name}:dynamodb:${sb.region}:*:table/${sb.dynamodbTable}`],
    });
  return statements;
}

/**
 * The deployer policy for the given synthesized resource types (`aws_x`, and `data.aws_y` for data
 * sources). Throws UnknownResourceTypeError for a type the table does not know.
 */
export function deployerPolicy(config: ResolvedConfig, types: readonly string[]): IamPolicy {
  const unknown = types.filter((t) => !(t in RESOURCE_ACTIONS));
  if (unknown.length > 0) throw new UnknownResourceTypeError(unknown);
  const byScope = new Map<DeployerScope, Set<string>>();
  for (const type of [...new Set(types)].sort())
    for (const { action, scope } of RESOURCE_ACTIONS[type]!)
      byScope.set(scope, (byScope.get(scope) ?? new Set()).add(action));
  const partitions = [...new Map(regionsOf(config).map((r) => [partitionOf(r).name, partitionOf(r)])).values()];
  const statements = [...byScope].flatMap(([scope, actions]) => {
    const resources = [...new Set(partitions.flatMap((p) => scopeArns(scope, p, config)))];
    if (resources.length === 0) return [];
    return [
      {
        Sid: sid(scope === "*" ? "noResourceLevel" : scope),
        Effect: "Allow" as const,
        Action: [...actions].sort(),
        Resource: resources,
      },
    ];
  });
  return policyOf([...stateStatements(config), ...statements]);
}
