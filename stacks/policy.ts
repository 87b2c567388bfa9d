import type { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { objectArnPrefix, type Partition } from "../core/partition";
import { startsWithPatterns } from "../core/policy-text";

export type Statement = DataAwsIamPolicyDocumentStatement;

/**
 * Policies are built as `aws_iam_policy_document` data sources: Terraform renders the JSON, so references
 * stay references in both JSON and HCL output, and tests can read each statement as structured data.
 */
export function policyDocument(scope: Construct, id: string, statements: Statement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { version: "2012-10-17", statement: statements });
}

/**
 * Resource patterns for every object under a prefix. A prefix is user text: it is written by the one rule
 * of core/policy-text.ts (characters a policy may not hold, and IAM's wildcards, become `?`).
 */
export function objectsUnderPrefix(partition: Partition, bucket: string, prefix: string): string[] {
  return startsWithPatterns(objectArnPrefix(partition, bucket, prefix));
}

/**
 * s3:ListBucket on a bucket, only under a prefix (the whole bucket when the prefix is empty). The
 * `s3:prefix` values follow the same rule as resource ARNs (core/policy-text.ts).
 */
export function listUnderPrefixStatement(bucketArn: string, prefix: string): Statement {
  return {
    sid: "ListTargetPrefix",
    effect: "Allow",
    actions: ["s3:ListBucket"],
    resources: [bucketArn],
    ...(prefix
      ? { condition: [{ test: "StringLike", variable: "s3:prefix", values: startsWithPatterns(prefix) }] }
      : {}),
  };
}

/** Denies every request that does not use TLS. */
export function denyInsecureTransport(actions: string[], resources: string[]): Statement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions,
    resources,
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}

/** Lets an AWS service principal act only on behalf of one resource of this account. */
export function serviceStatement(options: {
  sid: string;
  service: string;
  actions: string[];
  /** Omitted for trust policies, which name no resource. */
  resources?: string[];
  /** One source, or several (any of them). */
  sourceArn: string | string[];
  sourceAccount: string;
  extraConditions?: DataAwsIamPolicyDocumentStatementCondition[];
}): Statement {
  return {
    sid: options.sid,
    effect: "Allow",
    principals: [{ type: "Service", identifiers: [options.service] }],
    actions: options.actions,
    ...(options.resources ? { resources: options.resources } : {}),
    condition: [
      { test: "ArnEquals", variable: "aws:SourceArn", values: [options.sourceArn].flat() },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [options.sourceAccount] },
      ...(options.extraConditions ?? []),
    ],
  };
}

/** Lets Lambda assume a function's role, on behalf of this account only. */
export function lambdaAssumeStatement(accountId: string): Statement {
  return {
    sid: "LambdaAssume",
    effect: "Allow",
    principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
    actions: ["sts:AssumeRole"],
    condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
  };
}
