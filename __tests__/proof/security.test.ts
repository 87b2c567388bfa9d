import { RULES, findings } from "../../testing/proof/security-rules";
import { proofConfigurations } from "../../testing/configurations";
import { synthConfig, type Synth } from "../../testing/synth";

const stacks = Object.entries(proofConfigurations()).flatMap(([name, raw]) =>
  Object.entries(synthConfig(raw).stacks).map(([stack, synth]) => ({ label: `${name}/${stack}`, synth })),
);

describe("security rules on the synthesized stacks", () => {
  it.each(stacks)("$label has no findings", ({ synth }) => {
    expect(findings(synth)).toEqual([]);
  });
});

/** A stack with a trail, notifications and every resource type, to break one property at a time. */
function reference(): Synth {
  return structuredClone(stacks.find((s) => s.label === "notifications/genomics-raw")!.synth);
}

function first(synth: Synth, type: string): any {
  return Object.values(synth.resource[type]!)[0];
}

function firstDocumentWith(synth: Synth, predicate: (s: any) => boolean): any {
  return Object.values(synth.data.aws_iam_policy_document!)
    .flatMap((d: any) => d.statement)
    .find(predicate);
}

const BREAKAGES: Record<string, (s: Synth) => void> = {
  S3_ENCRYPTION: (s) => delete s.resource.aws_s3_bucket_server_side_encryption_configuration,
  S3_PUBLIC_ACCESS_BLOCK: (s) => (first(s, "aws_s3_bucket_public_access_block").restrict_public_buckets = false),
  S3_TLS_ONLY: (s) =>
    (firstDocumentWith(s, (st) => st.sid === "DenyInsecureTransport" && st.actions.includes("s3:*")).effect = "Allow"),
  SQS_ENCRYPTION: (s) => (first(s, "aws_sqs_queue").sqs_managed_sse_enabled = false),
  SQS_TLS_ONLY: (s) => delete s.resource.aws_sqs_queue_policy,
  DYNAMODB_ENCRYPTION: (s) => (first(s, "aws_dynamodb_table").server_side_encryption.enabled = false),
  TRAIL_LOG_VALIDATION: (s) => (first(s, "aws_cloudtrail").enable_log_file_validation = false),
  LOG_RETENTION: (s) => delete first(s, "aws_cloudwatch_log_group").retention_in_days,
  EVENT_TARGET_DLQ: (s) => delete first(s, "aws_cloudwatch_event_target").dead_letter_config,
  LAMBDA_FAILURE_DESTINATION: (s) => delete s.resource.aws_lambda_function_event_invoke_config,
  LAMBDA_LOG_GROUP: (s) => delete first(s, "aws_lambda_function").logging_config,
  SNS_ENCRYPTION: (s) => (first(s, "aws_sns_topic").kms_master_key_id = "alias/aws/sns"),
  SNS_TLS_ONLY: (s) =>
    (firstDocumentWith(s, (st) => st.sid === "DenyInsecureTransport" && st.actions.includes("sns:Publish")).condition =
      []),
  KMS_KEY_ROTATION: (s) => (first(s, "aws_kms_key").enable_key_rotation = false),
  IAM_NO_WILDCARD_ACTIONS: (s) =>
    firstDocumentWith(s, (st) => st.sid === "RestoreArchivedObjectsInScope").actions.push("s3:*"),
  IAM_NO_WILDCARD_RESOURCES: (s) => (firstDocumentWith(s, (st) => st.sid === "WriteOwnLogs").resources = ["*"]),
  IAM_SERVICE_PRINCIPALS_SCOPED: (s) =>
    delete firstDocumentWith(s, (st) => st.sid === "EventBridgeDeadLetters").condition,
  DLQ_ALARMED: (s) => delete s.resource.aws_cloudwatch_metric_alarm,
  IAM_NO_ANONYMOUS_ALLOW: (s) =>
    (firstDocumentWith(s, (st) => st.sid === "CloudTrailWrite").principals = [{ type: "*", identifiers: ["*"] }]),
};

describe("each security rule catches a deliberately bad stack", () => {
  it("has a breakage for every rule", () => {
    expect(Object.keys(BREAKAGES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
    const bad = reference();
    BREAKAGES[id]!(bad);
    expect(rule.check(reference())).toEqual([]);
    expect(rule.check(bad).length).toBeGreaterThan(0);
    expect(findings(bad).some((f) => f.startsWith(`${id} `))).toBe(true);
  });
});
