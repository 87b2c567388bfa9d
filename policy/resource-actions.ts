/**
 * What `terraform apply` / `destroy` calls for each Terraform resource type the stacks synthesize: the IAM
 * actions of its create, read (refresh), update (tags included) and delete, and what each is scoped to.
 * Only the types the stacks use: __tests__/policy fails when a synthesized type has no row here.
 *
 * Action names and which actions have resource-level permissions come from the Service Authorization
 * Reference pages "Actions, resources, and condition keys for" AWS Identity and Access Management
 * (list_awsidentityandaccessmanagementiam.html), AWS Lambda (list_awslambda.html), Amazon SQS
 * (list_amazonsqs.html), Amazon SNS (list_amazonsns.html), Amazon EventBridge (list_amazoneventbridge.html),
 * Amazon CloudWatch (list_amazoncloudwatch.html), Amazon CloudWatch Logs (list_amazoncloudwatchlogs.html),
 * Amazon DynamoDB (list_amazondynamodb.html), AWS CloudTrail (list_awscloudtrail.html), AWS KMS
 * (list_awskeymanagementservice.html), Amazon S3 (list_amazons3.html). Scope "*" marks exactly the actions
 * whose "Resource types" column is empty there (kms:CreateKey, lambda:CreateEventSourceMapping,
 * logs:DescribeLogGroups, cloudtrail:DescribeTrails, kms:ListAliases, ...): the test checks that against
 * the simulator's copy of the reference. sts:GetCallerIdentity needs no permission (AWS STS API Reference,
 * GetCallerIdentity: "No permissions are required to perform this operation").
 */

/** What an action is scoped to; deployer.ts turns each scope into ARN patterns. */
export type DeployerScope =
  | "role"
  | "function"
  | "eventSourceMapping"
  | "queue"
  | "topic"
  | "rule"
  | "alarm"
  | "projectLogGroup"
  | "readerLogGroup"
  | "table"
  | "trail"
  | "projectBucket"
  | "ownedBucket"
  | "kmsKey"
  | "kmsAlias"
  | "*";

const on = (scope: DeployerScope, ...actions: string[]) => actions.map((action) => ({ action, scope }));

/** Terraform resource (or `data.`) type → the actions its lifecycle needs, each with its scope. */
export const RESOURCE_ACTIONS: Readonly<Record<string, readonly { action: string; scope: DeployerScope }[]>> = {
  aws_iam_role: on(
    "role",
    "iam:CreateRole",
    "iam:GetRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRole",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    // The stacks give roles to Lambda, CloudTrail and S3 Batch Operations.
    "iam:PassRole",
  ),
  aws_iam_role_policy: on("role", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"),
  aws_lambda_function: on(
    "function",
    "lambda:CreateFunction",
    "lambda:GetFunction",
    "lambda:GetFunctionConfiguration",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:GetPolicy",
    "lambda:ListVersionsByFunction",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:PutFunctionConcurrency",
    "lambda:DeleteFunctionConcurrency",
    "lambda:GetFunctionConcurrency",
    "lambda:DeleteFunction",
    "lambda:TagResource",
    "lambda:UntagResource",
    "lambda:ListTags",
  ),
  aws_lambda_permission: on("function", "lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission"),
  aws_lambda_function_event_invoke_config: on(
    "function",
    "lambda:PutFunctionEventInvokeConfig",
    "lambda:UpdateFunctionEventInvokeConfig",
    "lambda:GetFunctionEventInvokeConfig",
    "lambda:DeleteFunctionEventInvokeConfig",
  ),
  aws_lambda_event_source_mapping: [
    ...on("*", "lambda:CreateEventSourceMapping"),
    ...on(
      "eventSourceMapping",
      "lambda:GetEventSourceMapping",
      "lambda:UpdateEventSourceMapping",
      "lambda:DeleteEventSourceMapping",
    ),
  ],
  aws_sqs_queue: on(
    "queue",
    "sqs:CreateQueue",
    "sqs:GetQueueUrl",
    "sqs:GetQueueAttributes",
    "sqs:SetQueueAttributes",
    "sqs:DeleteQueue",
    "sqs:TagQueue",
    "sqs:UntagQueue",
    "sqs:ListQueueTags",
  ),
  aws_sqs_queue_policy: on("queue", "sqs:SetQueueAttributes", "sqs:GetQueueAttributes"),
  aws_sns_topic: on(
    "topic",
    "sns:CreateTopic",
    "sns:GetTopicAttributes",
    "sns:SetTopicAttributes",
    "sns:DeleteTopic",
    "sns:TagResource",
    "sns:UntagResource",
    "sns:ListTagsForResource",
  ),
  aws_sns_topic_policy: on("topic", "sns:SetTopicAttributes", "sns:GetTopicAttributes"),
  aws_sns_topic_subscription: on(
    "topic",
    "sns:Subscribe",
    "sns:GetSubscriptionAttributes",
    "sns:SetSubscriptionAttributes",
    "sns:Unsubscribe",
  ),
  aws_cloudwatch_event_rule: on(
    "rule",
    "events:PutRule",
    "events:DescribeRule",
    "events:DeleteRule",
    "events:EnableRule",
    "events:DisableRule",
    "events:TagResource",
    "events:UntagResource",
    "events:ListTagsForResource",
  ),
  aws_cloudwatch_event_target: on("rule", "events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"),
  aws_cloudwatch_metric_alarm: on(
    "alarm",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
    "cloudwatch:ListTagsForResource",
  ),
  aws_cloudwatch_log_group: [
    ...on(
      "projectLogGroup",
      "logs:CreateLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:DeleteLogGroup",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:ListTagsForResource",
    ),
    ...on("*", "logs:DescribeLogGroups"),
  ],
  aws_cloudwatch_log_subscription_filter: on(
    "readerLogGroup",
    "logs:PutSubscriptionFilter",
    "logs:DescribeSubscriptionFilters",
    "logs:DeleteSubscriptionFilter",
  ),
  aws_dynamodb_table: on(
    "table",
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:UpdateTimeToLive",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:TagResource",
    "dynamodb:UntagResource",
    "dynamodb:ListTagsOfResource",
  ),
  aws_cloudtrail: [
    ...on(
      "trail",
      "cloudtrail:CreateTrail",
      "cloudtrail:UpdateTrail",
      "cloudtrail:DeleteTrail",
      "cloudtrail:StartLogging",
      "cloudtrail:StopLogging",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "cloudtrail:PutEventSelectors",
      "cloudtrail:GetInsightSelectors",
      "cloudtrail:AddTags",
      "cloudtrail:RemoveTags",
      "cloudtrail:ListTags",
    ),
    ...on("*", "cloudtrail:DescribeTrails"),
  ],
  aws_kms_key: [
    ...on("*", "kms:CreateKey"),
    ...on(
      "kmsKey",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:PutKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:EnableKeyRotation",
      "kms:ListResourceTags",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ScheduleKeyDeletion",
    ),
  ],
  aws_kms_alias: [
    ...on("kmsAlias", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
    ...on("kmsKey", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
    ...on("*", "kms:ListAliases"),
  ],
  aws_s3_bucket: on(
    "projectBucket",
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetBucketVersioning",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging",
    "s3:PutBucketTagging",
  ),
  aws_s3_bucket_policy: on("projectBucket", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),
  aws_s3_bucket_public_access_block: on(
    "projectBucket",
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ),
  aws_s3_bucket_ownership_controls: on(
    "projectBucket",
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
  ),
  aws_s3_bucket_server_side_encryption_configuration: on(
    "projectBucket",
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ),
  aws_s3_bucket_versioning: on("projectBucket", "s3:PutBucketVersioning", "s3:GetBucketVersioning"),
  aws_s3_bucket_lifecycle_configuration: on(
    "projectBucket",
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
  ),
  // The one writer of an owned data bucket's notifications (config: bucketNotificationOwners).
  aws_s3_bucket_notification: on("ownedBucket", "s3:PutBucketNotification", "s3:GetBucketNotification"),
  "data.aws_caller_identity": [],
  // Rendered by Terraform itself, no AWS call.
  "data.aws_iam_policy_document": [],
};
