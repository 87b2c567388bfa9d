/**
 * Security rules over synthesized Terraform JSON, in the spirit of checkov/tfsec (neither installs here).
 * Each rule returns findings as "<resource address>: <problem>"; an empty list means the stack passes.
 */
import type { Synth } from "../synth";

export interface Rule {
  id: string;
  description: string;
  check(synth: Synth): string[];
}

type Entry = [address: string, body: any];

function entries(synth: Synth, type: string): Entry[] {
  return Object.entries(synth.resource?.[type] ?? {}).map(([name, body]) => [`${type}.${name}`, body]);
}

/** Resources of `type` whose `attr` references the given resource (by any attribute). */
function referencing(synth: Synth, type: string, attr: string, address: string): any[] {
  return entries(synth, type)
    .map(([, body]) => body)
    .filter((body) => typeof body[attr] === "string" && body[attr].startsWith(`\${${address}.`));
}

/** The trust of the role CloudTrail assumes to deliver to CloudWatch Logs: a plain service trust, as documented. */
/**
 * EventBridge's use of an SNS topic's key: the SNS developer guide ("Managing Amazon SNS encryption keys
 * and costs") says source conditions are not supported there; the statement is scoped to one topic by
 * the SNS encryption context instead (the topic policy keeps the source conditions).
 */
function isEventBridgeTopicKeyStatement(st: any): boolean {
  return (
    st.principals?.length === 1 &&
    st.principals[0].type === "Service" &&
    st.principals[0].identifiers.length === 1 &&
    st.principals[0].identifiers[0] === "events.amazonaws.com" &&
    (st.condition ?? []).some((c: any) => c.variable === "kms:EncryptionContext:aws:sns:topicArn")
  );
}

/** Whether a queue's redrive policy (JSON, or Terraform's jsonencode of an object) names a dead-letter queue. */
function namesDeadLetterTarget(redrive: string | undefined): boolean {
  if (!redrive) return false;
  if (redrive.startsWith("${jsonencode(")) return /"deadLetterTargetArn" = [^,}]+/.test(redrive);
  return Boolean(JSON.parse(redrive).deadLetterTargetArn);
}

/** A role trust for exactly one service and only sts:AssumeRole. */
function isTrustOf(st: any, service: string): boolean {
  return (
    st.actions?.length === 1 &&
    st.actions[0] === "sts:AssumeRole" &&
    st.principals?.length === 1 &&
    st.principals[0].type === "Service" &&
    st.principals[0].identifiers.length === 1 &&
    st.principals[0].identifiers[0] === service
  );
}

/**
 * Trusts AWS documents without conditions: the CloudTrail → CloudWatch Logs delivery role (conditions are
 * reported to break CreateTrail), and the S3 Batch Operations role ("Granting permissions for Batch
 * Operations": no aws:SourceAccount documented for that principal; iam:PassRole controls its use).
 */
function isDocumentedUnconditionedTrust(st: any): boolean {
  return isTrustOf(st, "cloudtrail.amazonaws.com") || isTrustOf(st, "batchoperations.s3.amazonaws.com");
}

function documents(synth: Synth): Entry[] {
  return Object.entries(synth.data?.aws_iam_policy_document ?? {}).map(([name, body]) => [
    `data.aws_iam_policy_document.${name}`,
    body,
  ]);
}

/** Every Allow statement of every policy document, with the document's address. */
function allowStatements(synth: Synth): [address: string, statement: any][] {
  return documents(synth).flatMap(([address, doc]) =>
    (doc.statement ?? [])
      .filter((st: any) => (st.effect ?? "Allow") === "Allow")
      .map((st: any) => [address, st] as [string, any]),
  );
}

/** Policy documents used as KMS key policies. */
function keyPolicyAddresses(synth: Synth): Set<string> {
  return new Set(
    entries(synth, "aws_kms_key")
      .map(([, k]) => /^\$\{(data\.aws_iam_policy_document\.[^.]+)\.json\}$/.exec(String(k.policy))?.[1])
      .filter((a): a is string => a !== undefined),
  );
}

function policyStatements(synth: Synth, reference: string): any[] {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)?.[1];
  return name ? (synth.data?.aws_iam_policy_document?.[name]?.statement ?? []) : [];
}

function deniesInsecureTransport(statements: any[]): boolean {
  return statements.some(
    (s) =>
      s.effect === "Deny" &&
      (s.condition ?? []).some(
        (c: any) => c.test === "Bool" && c.variable === "aws:SecureTransport" && c.values.includes("false"),
      ),
  );
}

/** Resources of `type` that no `policyType` resource (attached through `attr`) limits to TLS. */
function withoutTlsOnlyPolicy(synth: Synth, type: string, policyType: string, attr: string): string[] {
  return entries(synth, type)
    .filter(
      ([address]) =>
        !referencing(synth, policyType, attr, address).some((p) =>
          deniesInsecureTransport(policyStatements(synth, p.policy)),
        ),
    )
    .map(([address]) => `${address}: no TLS-only ${policyType}`);
}

/** A function invoked only by an SQS event source mapping whose queue dead-letters what keeps failing. */
function fedByRedrivenQueue(s: Synth, address: string): boolean {
  const mappings = entries(s, "aws_lambda_event_source_mapping").filter(([, m]) =>
    String(m.function_name).startsWith(`\${${address}.`),
  );
  return (
    mappings.length > 0 &&
    mappings.every(([, m]) =>
      entries(s, "aws_sqs_queue").some(
        ([queue, q]) => m.event_source_arn === `\${${queue}.arn}` && namesDeadLetterTarget(q.redrive_policy),
      ),
    )
  );
}

export const RULES: Rule[] = [
  {
    id: "S3_ENCRYPTION",
    description: "every S3 bucket has default encryption",
    check: (s) =>
      entries(s, "aws_s3_bucket")
        .filter(
          ([address]) =>
            referencing(s, "aws_s3_bucket_server_side_encryption_configuration", "bucket", address).length === 0,
        )
        .map(([address]) => `${address}: no server-side encryption configuration`),
  },
  {
    id: "S3_PUBLIC_ACCESS_BLOCK",
    description: "every S3 bucket blocks all public access",
    check: (s) =>
      entries(s, "aws_s3_bucket")
        .filter(([address]) => {
          const blocks = referencing(s, "aws_s3_bucket_public_access_block", "bucket", address);
          return !blocks.some(
            (b) => b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets,
          );
        })
        .map(([address]) => `${address}: public access not fully blocked`),
  },
  {
    id: "S3_TLS_ONLY",
    description: "every S3 bucket policy denies requests without TLS",
    check: (s) => withoutTlsOnlyPolicy(s, "aws_s3_bucket", "aws_s3_bucket_policy", "bucket"),
  },
  {
    id: "SQS_ENCRYPTION",
    description: "every SQS queue is encrypted",
    check: (s) =>
      entries(s, "aws_sqs_queue")
        .filter(([, q]) => !q.sqs_managed_sse_enabled && !q.kms_master_key_id)
        .map(([address]) => `${address}: not encrypted`),
  },
  {
    id: "SQS_TLS_ONLY",
    description: "every SQS queue policy denies requests without TLS",
    check: (s) => withoutTlsOnlyPolicy(s, "aws_sqs_queue", "aws_sqs_queue_policy", "queue_url"),
  },
  {
    id: "DYNAMODB_ENCRYPTION",
    description: "every DynamoDB table enables server-side encryption",
    check: (s) =>
      entries(s, "aws_dynamodb_table")
        .filter(([, t]) => t.server_side_encryption?.enabled !== true)
        .map(([address]) => `${address}: server-side encryption not enabled`),
  },
  {
    id: "TRAIL_LOG_VALIDATION",
    description: "every trail validates its log files",
    check: (s) =>
      entries(s, "aws_cloudtrail")
        .filter(([, t]) => t.enable_log_file_validation !== true)
        .map(([address]) => `${address}: log file validation off`),
  },
  {
    id: "LOG_RETENTION",
    description: "every log group has a retention period",
    check: (s) =>
      entries(s, "aws_cloudwatch_log_group")
        .filter(([, g]) => !(Number(g.retention_in_days) > 0))
        .map(([address]) => `${address}: logs kept forever`),
  },
  {
    id: "EVENT_TARGET_DLQ",
    description: "every EventBridge target has a dead-letter queue and a retry policy",
    check: (s) =>
      entries(s, "aws_cloudwatch_event_target")
        .filter(([, t]) => !t.dead_letter_config?.arn || !t.retry_policy)
        .map(([address]) => `${address}: no dead-letter queue or retry policy`),
  },
  {
    id: "LAMBDA_FAILURE_DESTINATION",
    description:
      "every function sends failed asynchronous invocations somewhere (or is fed only by a queue with a redrive policy)",
    check: (s) =>
      entries(s, "aws_lambda_function")
        .filter(([address]) => !fedByRedrivenQueue(s, address))
        .filter(
          ([address]) =>
            !entries(s, "aws_lambda_function_event_invoke_config").some(
              ([, c]) =>
                String(c.function_name).startsWith(`\${${address}.`) && c.destination_config?.on_failure?.destination,
            ),
        )
        .map(([address]) => `${address}: failed invocations are dropped`),
  },
  {
    id: "LAMBDA_LOG_GROUP",
    description: "every function logs to a log group this stack manages (so retention applies)",
    check: (s) =>
      entries(s, "aws_lambda_function")
        .filter(([, f]) => !String(f.logging_config?.log_group ?? "").startsWith("${aws_cloudwatch_log_group."))
        .map(([address]) => `${address}: log group not managed here`),
  },
  {
    id: "IAM_NO_WILDCARD_ACTIONS",
    description: "no policy allows a wildcard action",
    check: (s) =>
      allowStatements(s).flatMap(([address, st]) =>
        (st.actions ?? []).filter((a: string) => a.includes("*")).map((a: string) => `${address}: allows ${a}`),
      ),
  },
  {
    id: "SNS_ENCRYPTION",
    description:
      "every SNS topic is encrypted with a customer managed key (alias/aws/sns would silently stop S3 and EventBridge)",
    check: (s) =>
      entries(s, "aws_sns_topic")
        .filter(([, t]) => !t.kms_master_key_id || /alias\/aws\//.test(String(t.kms_master_key_id)))
        .map(([address, t]) => `${address}: encrypted with ${String(t.kms_master_key_id ?? "nothing")}`),
  },
  {
    id: "SNS_TLS_ONLY",
    description: "every SNS topic policy denies publishing without TLS",
    check: (s) => withoutTlsOnlyPolicy(s, "aws_sns_topic", "aws_sns_topic_policy", "arn"),
  },
  {
    id: "KMS_KEY_ROTATION",
    description: "every KMS key rotates",
    check: (s) =>
      entries(s, "aws_kms_key")
        .filter(([, k]) => k.enable_key_rotation !== true)
        .map(([address]) => `${address}: rotation off`),
  },
  {
    id: "IAM_NO_WILDCARD_RESOURCES",
    description: 'no policy allows an action on every resource (in a key policy "*" means that key only)',
    check: (s) =>
      allowStatements(s)
        .filter(([address]) => !keyPolicyAddresses(s).has(address))
        .filter(([, st]) => (st.resources ?? []).includes("*"))
        .map(([address, st]) => `${address}: ${st.sid ?? "statement"} allows Resource "*"`),
  },
  {
    id: "IAM_SERVICE_PRINCIPALS_SCOPED",
    description:
      "every resource policy statement that lets a service in names the source (aws:SourceArn or aws:SourceAccount), except where AWS documents the statement without them: the CloudTrail → CloudWatch Logs delivery role's trust (conditions are reported to break CreateTrail), the S3 Batch Operations role's trust (iam:PassRole decides who uses it), and EventBridge's use of an SNS topic's key (scoped by the topic's encryption context)",
    check: (s) =>
      allowStatements(s)
        .filter(([, st]) => !isDocumentedUnconditionedTrust(st))
        .filter(([address, st]) => !(keyPolicyAddresses(s).has(address) && isEventBridgeTopicKeyStatement(st)))
        .filter(
          ([, st]) =>
            (st.principals ?? []).some((p: any) => p.type === "Service") &&
            !(st.condition ?? []).some(
              (c: any) => c.variable === "aws:SourceArn" || c.variable === "aws:SourceAccount",
            ),
        )
        .map(([address, st]) => `${address}: ${st.sid ?? "statement"} trusts a service without a source condition`),
  },
  {
    id: "DLQ_ALARMED",
    description: "every dead-letter queue has an alarm on messages waiting in it (nothing ends there unseen)",
    check: (s) =>
      entries(s, "aws_sqs_queue")
        // A dead-letter queue is one that EventBridge targets or Lambda's on-failure destinations name.
        .filter(([address]) =>
          [
            ...entries(s, "aws_cloudwatch_event_target").map(([, t]) => t.dead_letter_config?.arn),
            ...entries(s, "aws_lambda_function_event_invoke_config").map(
              ([, c]) => c.destination_config?.on_failure?.destination,
            ),
          ].some((arn) => typeof arn === "string" && arn.startsWith(`\${${address}.`)),
        )
        .filter(
          ([, q]) =>
            !entries(s, "aws_cloudwatch_metric_alarm").some(
              ([, a]) =>
                a.namespace === "AWS/SQS" &&
                a.metric_name === "ApproximateNumberOfMessagesVisible" &&
                a.dimensions?.QueueName === q.name,
            ),
        )
        .map(([address]) => `${address}: no alarm on waiting messages`),
  },
  {
    id: "IAM_NO_ANONYMOUS_ALLOW",
    description: "no policy allows anyone (Principal *)",
    check: (s) =>
      allowStatements(s)
        .filter(([, st]) => (st.principals ?? []).some((p: any) => p.type === "*" || p.identifiers?.includes("*")))
        .map(([address, st]) => `${address}: ${st.sid ?? "statement"} allows any principal`),
  },
];

export function findings(synth: Synth): string[] {
  return RULES.flatMap((rule) => rule.check(synth).map((f) => `${rule.id} ${f}`));
}
