/**
 * The operator's policy: exactly the calls `glacier-restore status | stage | wait | check | redrive` make,
 * scoped to the configured targets. Pure: configuration in, policy JSON out.
 *
 * Action names, resource types and ARN formats: Service Authorization Reference, "Actions, resources, and
 * condition keys for Amazon S3" (list_amazons3.html: ListBucket on bucket; GetObject and RestoreObject on
 * object; CreateJob with no resource type, so "*"; DescribeJob on job `arn:${Partition}:s3:${Region}:
 * ${Account}:job/${JobId}`), "... for Amazon SQS" (list_amazonsqs.html: queue), "... for AWS Lambda"
 * (list_awslambda.html: function), "... for AWS Identity and Access Management" (list_awsidentityand
 * accessmanagementiam.html: PassRole on role, condition iam:PassedToService). The S3 API operation table
 * of the same S3 page maps HeadObject to s3:GetObject and HeadBucket and ListObjectsV2 to s3:ListBucket.
 * __tests__/policy checks every action and resource type here against the simulator's copy of that reference.
 */
import type { ResolvedConfig, ResolvedTarget } from "../config/types";
import { BATCH_REPORTS_PREFIX } from "../core/batch-jobs";
import { GlacierRestoreError } from "../core/errors";
import { targetNames } from "../core/names";
import { bucketArn, partitionOf, regionalArn } from "../core/partition";
import { startsWithPatterns } from "../core/policy-text";
import { policyOf, sid, type IamPolicy, type IamStatement } from "./iam";

/** What a call is made on; each kind is one resource ARN pattern per target. */
export type OperatorResource =
  "bucket" | "objects" | "any" | "jobs" | "batchRole" | "batchManifests" | "deferredQueue" | "function";

/** One SDK call the operator command makes, the command(s) making it and the IAM action it needs. */
export interface OperatorCall {
  readonly api: string;
  readonly commands: readonly string[];
  readonly action: string;
  readonly on: OperatorResource;
  /** Only targets with this feature make the call. */
  readonly when?: "batchOperations" | "budget";
}

/** Every AWS call of cli/ and the aws/ helpers it uses (a test fails when cli/ makes a call not listed). */
export const OPERATOR_CALLS: readonly OperatorCall[] = [
  { api: "ListObjectsV2", commands: ["status", "stage", "wait"], action: "s3:ListBucket", on: "bucket" },
  // cli/region.ts: the bucket's region, for an s3:// location without --region.
  { api: "HeadBucket", commands: ["status", "stage", "wait", "check"], action: "s3:ListBucket", on: "bucket" },
  { api: "HeadObject", commands: ["status", "stage", "wait", "check"], action: "s3:GetObject", on: "objects" },
  { api: "GetObject", commands: ["check"], action: "s3:GetObject", on: "objects" },
  { api: "RestoreObject", commands: ["stage"], action: "s3:RestoreObject", on: "objects" },
  { api: "CreateJob", commands: ["stage"], action: "s3:CreateJob", on: "any", when: "batchOperations" },
  { api: "CreateJob", commands: ["stage"], action: "iam:PassRole", on: "batchRole", when: "batchOperations" },
  { api: "DescribeJob", commands: ["stage"], action: "s3:DescribeJob", on: "jobs", when: "batchOperations" },
  // stage --batch --inventory writes each job's CSV manifest (aws/manifest-upload.ts): one PutObject, or a
  // multipart upload (the S3 page's operation table maps its calls to s3:PutObject, Abort to its own action).
  { api: "PutObject", commands: ["stage"], action: "s3:PutObject", on: "batchManifests", when: "batchOperations" },
  {
    api: "CreateMultipartUpload",
    commands: ["stage"],
    action: "s3:PutObject",
    on: "batchManifests",
    when: "batchOperations",
  },
  { api: "UploadPart", commands: ["stage"], action: "s3:PutObject", on: "batchManifests", when: "batchOperations" },
  {
    api: "CompleteMultipartUpload",
    commands: ["stage"],
    action: "s3:PutObject",
    on: "batchManifests",
    when: "batchOperations",
  },
  {
    api: "AbortMultipartUpload",
    commands: ["stage"],
    action: "s3:AbortMultipartUpload",
    on: "batchManifests",
    when: "batchOperations",
  },
  { api: "GetQueueUrl", commands: ["redrive"], action: "sqs:GetQueueUrl", on: "deferredQueue", when: "budget" },
  {
    api: "GetQueueAttributes",
    commands: ["redrive"],
    action: "sqs:GetQueueAttributes",
    on: "deferredQueue",
    when: "budget",
  },
  { api: "ReceiveMessage", commands: ["redrive"], action: "sqs:ReceiveMessage", on: "deferredQueue", when: "budget" },
  { api: "DeleteMessage", commands: ["redrive"], action: "sqs:DeleteMessage", on: "deferredQueue", when: "budget" },
  { api: "Invoke", commands: ["redrive"], action: "lambda:InvokeFunction", on: "function", when: "budget" },
];

/** The ARN patterns of one kind of resource of a target (the account is not in the configuration: `*`). */
export function operatorResources(target: ResolvedTarget, on: OperatorResource): string[] {
  const p = partitionOf(target.region);
  const names = targetNames(target.name);
  switch (on) {
    case "bucket":
      return [bucketArn(p, target.bucket)];
    case "objects":
      // The prefix may hold characters a policy cannot: core/policy-text.ts widens them to `?`.
      return startsWithPatterns(target.prefix).map((pattern) => `${bucketArn(p, target.bucket)}/${pattern}`);
    case "any":
      return ["*"];
    case "jobs":
      return [regionalArn(p, "s3", target.region, "*", "job/*")];
    case "batchRole":
      return [`arn:${p.name}:iam::*:role/${names.batchRole}`];
    case "batchManifests":
      // The stack's reports bucket (named from its prefix by Terraform), where jobs' manifests are kept.
      return [`${bucketArn(p, `${names.batchReportsBucketPrefix}*`)}/${BATCH_REPORTS_PREFIX}manifests/*`];
    case "deferredQueue":
      return [regionalArn(p, "sqs", target.region, "*", names.deferredQueue)];
    case "function":
      return [regionalArn(p, "lambda", target.region, "*", `function:${names.function}`)];
  }
}

/** Whether a target makes a call (batch calls need batchOperations, redrive a budget). */
export function makesCall(target: ResolvedTarget, call: OperatorCall): boolean {
  if (call.when === "batchOperations") return target.batchOperations;
  if (call.when === "budget") return Object.keys(target.budget).length > 0;
  return true;
}

// iam:PassRole only to S3 Batch Operations (IAM User Guide, "Granting a user permissions to pass a role").
const PASS_TO_BATCH = { StringEquals: { "iam:PassedToService": "batchoperations.s3.amazonaws.com" } };

function targetStatements(target: ResolvedTarget): IamStatement[] {
  const byResource = new Map<OperatorResource, Set<string>>();
  for (const call of OPERATOR_CALLS.filter((c) => makesCall(target, c)))
    byResource.set(call.on, (byResource.get(call.on) ?? new Set()).add(call.action));
  return [...byResource].map(([on, actions]) => ({
    Sid: sid(on),
    Effect: "Allow",
    Action: [...actions].sort(),
    Resource: operatorResources(target, on),
    ...(on === "batchRole" ? { Condition: PASS_TO_BATCH } : {}),
  }));
}

/** The operator policy for every target, or only the one named (an unknown name is a usage error). */
export function operatorPolicy(config: ResolvedConfig, targetName?: string): IamPolicy {
  const targets = targetName === undefined ? config.targets : config.targets.filter((t) => t.name === targetName);
  if (targets.length === 0)
    throw new GlacierRestoreError(
      "usage",
      `--target: ${JSON.stringify(targetName)} is not a configured target (targets: ${config.targets.map((t) => t.name).join(", ")})`,
    );
  return policyOf(targets.flatMap(targetStatements));
}
