import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  all,
  ref,
  single,
  statementsOf,
  synthConfig,
  type Synth,
  deadLetterQueue,
  restoreFunction,
  deadLetterQueuePolicy,
} from "../../testing/synth";
import { exampleConfig } from "../../testing/config";

const example = () => synthConfig(exampleConfig());

describe("TargetStack", () => {
  const { stacks } = example();
  const raw = stacks["genomics-raw"]!;
  const refStack = stacks["genomics-ref"]!;

  it("creates one stack per target, named after it", () => {
    expect(Object.keys(stacks)).toEqual(["genomics-raw", "genomics-ref"]);
  });

  it("keeps each stack's state under its own key in the S3 backend, encrypted and locked", () => {
    expect(raw.terraform.backend.s3).toEqual({
      bucket: "acme-tf-state",
      key: "glacier-restore/genomics-raw.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
    });
    expect(refStack.terraform.backend.s3.key).toBe("glacier-restore/genomics-ref.tfstate");
  });

  it("pins the AWS provider by its fully-qualified source", () => {
    expect(raw.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
  });

  it("configures the provider's region and default tags", () => {
    const [provider] = raw.provider.aws;
    expect(provider.region).toBe("us-east-1");
    expect(provider.default_tags[0].tags).toEqual({
      team: "hpc",
      GlacierRestoreTarget: "genomics-raw",
      GlacierRestoreStack: "genomics-raw",
      ManagedBy: "glacier-restore",
    });
    expect(provider.assume_role).toBeUndefined();
  });

  describe("trail", () => {
    const trail = single(raw, "aws_cloudtrail");

    it("logs only GetObject data events on the target's objects", () => {
      expect(trail.advanced_event_selector).toEqual([
        {
          name: "GetObject in 1 glacier-restore scope",
          field_selector: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "eventName", equals: ["GetObject"] },
            { field: "resources.ARN", starts_with: ["arn:aws:s3:::fsx4l-store/raw/"] },
          ],
        },
      ]);
      expect(trail.event_selector).toBeUndefined();
    });

    it("validates log files, stays regional and does not deliver to CloudWatch Logs unless asked", () => {
      expect(trail).toMatchObject({
        enable_log_file_validation: true,
        enable_logging: true,
        is_multi_region_trail: false,
        include_global_service_events: false,
        name: "glacier-restore-genomics-raw",
      });
      // EventBridge receives the data events without it; ingestion would be paid for nothing.
      expect(all(raw, "aws_cloudwatch_log_group").filter((g) => g.name.startsWith("/aws/cloudtrail/"))).toEqual([]);
      expect(trail.cloud_watch_logs_group_arn).toBeUndefined();
      expect(trail.cloud_watch_logs_role_arn).toBeUndefined();
    });

    it("delivers to a retained log group through a role with a plain CloudTrail trust when asked", () => {
      const c = exampleConfig();
      c.defaults.trail = { cloudWatchLogs: true };
      const s = synthConfig(c).stacks["genomics-raw"]!;
      const group = all(s, "aws_cloudwatch_log_group").find((g) => g.name.startsWith("/aws/cloudtrail/"));
      expect(group.retention_in_days).toBe(30);
      const t = single(s, "aws_cloudtrail");
      expect(t.cloud_watch_logs_group_arn).toBe(`${ref(s, "aws_cloudwatch_log_group", group, "arn")}:*`);
      const role = all(s, "aws_iam_role").find((r) => r.name === "glacier-restore-genomics-raw-trail");
      // CloudTrail documents this role with a plain service trust; SourceArn/SourceAccount conditions
      // on it are reported to break CreateTrail (InvalidCloudWatchLogsRoleArnException).
      expect(statementsOf(s, role.assume_role_policy)).toEqual([
        {
          sid: "CloudTrailAssume",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
        },
      ]);
    });

    it("writes to a private, encrypted, versioned log bucket that expires old logs", () => {
      const bucket = single(raw, "aws_s3_bucket");
      const bucketId = ref(raw, "aws_s3_bucket", bucket, "id");
      expect(trail.s3_bucket_name).toBe(bucketId);
      expect(single(raw, "aws_s3_bucket_public_access_block")).toMatchObject({
        bucket: bucketId,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(
        single(raw, "aws_s3_bucket_server_side_encryption_configuration").rule[0]
          .apply_server_side_encryption_by_default,
      ).toEqual({ sse_algorithm: "AES256" });
      expect(single(raw, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
      expect(single(raw, "aws_s3_bucket_lifecycle_configuration").rule[0].expiration).toEqual([{ days: 90 }]);
      expect(single(raw, "aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
    });

    it("lets only this trail write to the log bucket, and only over TLS", () => {
      const statements = statementsOf(raw, single(raw, "aws_s3_bucket_policy").policy);
      const bucketArn = ref(raw, "aws_s3_bucket", single(raw, "aws_s3_bucket"), "arn");
      expect(statements.map((s) => s.sid)).toEqual(["DenyInsecureTransport", "CloudTrailAclCheck", "CloudTrailWrite"]);
      expect(statements[0]).toMatchObject({
        effect: "Deny",
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
      const [identity] = Object.keys(raw.data.aws_caller_identity!);
      const account = `\${data.aws_caller_identity.${identity}.account_id}`;
      const trailArn = `arn:aws:cloudtrail:us-east-1:${account}:trail/glacier-restore-genomics-raw`;
      for (const s of statements.slice(1)) {
        expect(s.principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
        expect(s.condition).toEqual(
          expect.arrayContaining([
            { test: "ArnEquals", variable: "aws:SourceArn", values: [trailArn] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
          ]),
        );
      }
      expect(statements[2]!.resources).toEqual([`${bucketArn}/AWSLogs/${account}/*`]);
      expect(statements[2]!.actions).toEqual(["s3:PutObject"]);
    });
  });

  describe("rule", () => {
    it("matches failed GetObject reads of archived objects in this target only", () => {
      const pattern = JSON.parse(single(raw, "aws_cloudwatch_event_rule").event_pattern);
      expect(pattern).toEqual({
        source: ["aws.s3"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: {
          eventSource: ["s3.amazonaws.com"],
          eventName: ["GetObject"],
          errorCode: ["InvalidObjectState"],
          requestParameters: { bucketName: ["fsx4l-store"], key: [{ prefix: "raw/" }] },
        },
      });
      const other = JSON.parse(single(refStack, "aws_cloudwatch_event_rule").event_pattern);
      expect(other.detail.requestParameters.key).toEqual([{ prefix: "reference/" }]);
    });

    it("targets the function with a retry policy and a dead-letter queue", () => {
      const target = single(raw, "aws_cloudwatch_event_target");
      const fn = restoreFunction(raw);
      expect(target).toMatchObject({
        arn: ref(raw, "aws_lambda_function", fn, "arn"),
        retry_policy: { maximum_event_age_in_seconds: 21600, maximum_retry_attempts: 185 },
        dead_letter_config: { arn: ref(raw, "aws_sqs_queue", deadLetterQueue(raw), "arn") },
      });
    });

    it("lets only this rule invoke the function", () => {
      const permission = single(raw, "aws_lambda_permission");
      expect(permission).toMatchObject({
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        source_arn: ref(raw, "aws_cloudwatch_event_rule", single(raw, "aws_cloudwatch_event_rule"), "arn"),
      });
    });
  });

  describe("dead-letter queue", () => {
    it("is encrypted and accepts messages from this rule only, over TLS", () => {
      const queue = deadLetterQueue(raw);
      expect(queue).toMatchObject({
        name: "glacier-restore-genomics-raw-dlq",
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1209600,
      });
      const statements = statementsOf(raw, deadLetterQueuePolicy(raw).policy);
      const ruleArn = ref(raw, "aws_cloudwatch_event_rule", single(raw, "aws_cloudwatch_event_rule"), "arn");
      expect(statements.find((s) => s.effect === "Deny")!.condition).toEqual([
        { test: "Bool", variable: "aws:SecureTransport", values: ["false"] },
      ]);
      const allow = statements.find((s) => s.effect === "Allow")!;
      expect(allow.principals).toEqual([{ type: "Service", identifiers: ["events.amazonaws.com"] }]);
      expect(allow.actions).toEqual(["sqs:SendMessage"]);
      expect(allow.condition).toContainEqual({ test: "ArnEquals", variable: "aws:SourceArn", values: [ruleArn] });
    });
  });

  describe("function", () => {
    const fn = restoreFunction(raw);

    it("runs the built bundle on nodejs22.x arm64 with the target's settings", () => {
      expect(fn).toMatchObject({
        function_name: "glacier-restore-genomics-raw",
        handler: "index.handler",
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        memory_size: 256,
        timeout: 60,
      });
      expect(fn.environment.variables).toEqual({
        RESTORE_TIER: "Expedited",
        RESTORED_OBJECT_AVAILABILITY_DAYS: "1",
        TARGET_BUCKET: "fsx4l-store",
        TARGET_PREFIX: "raw/",
        TARGET_NAME: "genomics-raw",
        CLAIM_TABLE: ref(raw, "aws_dynamodb_table", single(raw, "aws_dynamodb_table"), "name"),
        CLAIM_TTL_SECONDS: "900",
      });
      expect(fn.reserved_concurrent_executions).toBeUndefined();
    });

    it("keeps claims in an encrypted on-demand table that expires them", () => {
      const table = single(raw, "aws_dynamodb_table");
      expect(table).toMatchObject({
        name: "glacier-restore-genomics-raw-claims",
        billing_mode: "PAY_PER_REQUEST",
        hash_key: "pk",
        attribute: [{ name: "pk", type: "S" }],
        ttl: { attribute_name: "expiresAt", enabled: true },
        server_side_encryption: { enabled: true },
      });
    });

    it("ships the zip as an asset whose hash Lambda will report back", () => {
      const zip = readFileSync("dist/handler.zip");
      expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
      expect(fn.filename).toMatch(/^assets\/restore-function_bundle_[0-9A-F]+\/[0-9A-F]{32}\/handler\.zip$/);
    });

    it("logs as JSON to its own log group with retention", () => {
      const group = all(raw, "aws_cloudwatch_log_group").find(
        (g) => g.name === "/aws/lambda/glacier-restore-genomics-raw",
      );
      expect(group.retention_in_days).toBe(30);
      expect(fn.logging_config).toMatchObject({
        log_format: "JSON",
        log_group: ref(raw, "aws_cloudwatch_log_group", group, "name"),
      });
    });

    it("sends invocations that still fail after retries to the dead-letter queue", () => {
      const config = single(raw, "aws_lambda_function_event_invoke_config");
      expect(config.maximum_retry_attempts).toBe(2);
      expect(config.destination_config.on_failure.destination).toBe(
        ref(raw, "aws_sqs_queue", deadLetterQueue(raw), "arn"),
      );
    });

    it("has a role that may only head and restore objects under its prefix", () => {
      const role = all(raw, "aws_iam_role").find((r) => r.name === "glacier-restore-genomics-raw");
      const trust = statementsOf(raw, role.assume_role_policy);
      expect(trust).toHaveLength(1);
      expect(trust[0]).toMatchObject({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
      });
      const policy = all(raw, "aws_iam_role_policy").find((p) => p.role === ref(raw, "aws_iam_role", role, "id"));
      const statements = statementsOf(raw, policy.policy);
      const s3 = statements.filter((s) => s.actions.some((a) => a.startsWith("s3:")));
      expect(s3).toEqual([
        expect.objectContaining({
          effect: "Allow",
          actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:RestoreObject"],
          resources: ["arn:aws:s3:::fsx4l-store/raw/*"],
        }),
        // Listing (so HeadObject tells a deleted key by 404) only under the target's prefix.
        expect.objectContaining({
          effect: "Allow",
          actions: ["s3:ListBucket"],
          resources: ["arn:aws:s3:::fsx4l-store"],
          condition: [{ test: "StringLike", variable: "s3:prefix", values: ["raw/*"] }],
        }),
      ]);
      const logGroup = all(raw, "aws_cloudwatch_log_group").find((g) => g.name.startsWith("/aws/lambda/"));
      expect(statements.find((s) => s.sid === "WriteOwnLogs")!.resources).toEqual([
        `${ref(raw, "aws_cloudwatch_log_group", logGroup, "arn")}:*`,
      ]);
      expect(statements.find((s) => s.sid === "ClaimObjects")).toMatchObject({
        actions: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
        resources: [ref(raw, "aws_dynamodb_table", single(raw, "aws_dynamodb_table"), "arn")],
      });
      expect(statements.map((s) => s.sid)).toEqual([
        "RestoreArchivedObjectsInScope",
        "ListTargetPrefix",
        "WriteOwnLogs",
        "ClaimObjects",
        "DeadLetterFailedInvocations",
      ]);
      expect(statements.find((s) => s.sid === "DeadLetterFailedInvocations")!.resources).toEqual([
        ref(raw, "aws_sqs_queue", deadLetterQueue(raw), "arn"),
      ]);
    });
  });

  it("exports what operators need", () => {
    expect(Object.keys(raw.output).sort()).toEqual(
      [
        "alarm_names",
        "dead_letter_queue_url",
        "function_arn",
        "function_log_group",
        "function_name",
        "rule_arn",
        "trail_arn",
        "trail_log_bucket",
      ].sort(),
    );
  });
});

describe("no wildcard actions anywhere", () => {
  it.each(["genomics-raw", "genomics-ref"])("%s allows no action with a wildcard", (name) => {
    const synth: Synth = example().stacks[name]!;
    for (const doc of Object.values(synth.data.aws_iam_policy_document ?? {})) {
      for (const s of doc.statement) {
        if (s.effect !== "Allow") continue;
        for (const a of s.actions) expect(a).not.toContain("*");
      }
    }
  });
});

describe("TargetStack options", () => {
  it("uses a DynamoDB lock table when asked", () => {
    const c = exampleConfig();
    c.stateBackend.locking = "dynamodb";
    c.stateBackend.dynamodbTable = "tf-locks";
    const s3 = synthConfig(c).stacks["genomics-raw"]!.terraform.backend.s3;
    expect(s3.dynamodb_table).toBe("tf-locks");
    expect(s3.use_lockfile).toBeUndefined();
  });

  it("assumes the configured role and pins its account", () => {
    const c = exampleConfig();
    c.defaults.assumeRole = { roleArn: "arn:aws:iam::210987654321:role/deployer", externalId: "x-42" };
    const [provider] = synthConfig(c).stacks["genomics-ref"]!.provider.aws;
    expect(provider.assume_role).toEqual([
      { role_arn: "arn:aws:iam::210987654321:role/deployer", external_id: "x-42", session_name: "glacier-restore" },
    ]);
    expect(provider.allowed_account_ids).toEqual(["210987654321"]);
  });

  it("filters the trail to the configured readers", () => {
    const c = exampleConfig();
    const fsx = "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_";
    c.targets[0].trail = { readerArnPrefixes: [fsx] };
    const trail = single(synthConfig(c).stacks["genomics-raw"]!, "aws_cloudtrail");
    expect(trail.advanced_event_selector[0].field_selector).toContainEqual({
      field: "userIdentity.arn",
      starts_with: [fsx],
    });
  });

  it("can skip CloudWatch Logs delivery", () => {
    const c = exampleConfig();
    c.defaults.trail = { cloudWatchLogs: false };
    const s = synthConfig(c).stacks["genomics-raw"]!;
    expect(single(s, "aws_cloudtrail").cloud_watch_logs_group_arn).toBeUndefined();
    expect(all(s, "aws_cloudwatch_log_group").map((g) => g.name)).toEqual(["/aws/lambda/glacier-restore-genomics-raw"]);
    expect(all(s, "aws_iam_role")).toHaveLength(1);
  });

  it("can run without a claim table", () => {
    const c = exampleConfig();
    c.defaults.function = { claims: false };
    const s = synthConfig(c).stacks["genomics-raw"]!;
    expect(s.resource.aws_dynamodb_table).toBeUndefined();
    expect(restoreFunction(s).environment.variables.CLAIM_TABLE).toBeUndefined();
    const actions = all(s, "aws_iam_role_policy").flatMap((p) => statementsOf(s, p.policy).flatMap((st) => st.actions));
    expect(actions).toContain("s3:RestoreObject");
    expect(actions.filter((a) => a.startsWith("dynamodb:"))).toEqual([]);
  });

  it("reserves concurrency when configured", () => {
    const c = exampleConfig();
    c.defaults.function = { reservedConcurrency: 5, memoryMb: 512 };
    const fn = single(synthConfig(c).stacks["genomics-raw"]!, "aws_lambda_function");
    expect(fn).toMatchObject({ reserved_concurrent_executions: 5, memory_size: 512 });
  });

  it("creates no trail for an existing one and says which selectors it needs", () => {
    const c = exampleConfig();
    c.defaults.trail = {
      mode: "existing",
      existingTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
    };
    const s = synthConfig(c).stacks["genomics-raw"]!;
    expect(s.resource.aws_cloudtrail).toBeUndefined();
    expect(s.resource.aws_s3_bucket).toBeUndefined();
    expect(s.output.trail_arn.value).toBe("arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail");
    // CloudTrail's own API shape, as put-event-selectors takes it.
    const selectors = JSON.parse(s.output.required_event_selectors.value);
    expect(selectors).toEqual([
      {
        Name: "GetObject in 1 glacier-restore scope",
        FieldSelectors: [
          { Field: "eventCategory", Equals: ["Data"] },
          { Field: "resources.type", Equals: ["AWS::S3::Object"] },
          { Field: "eventName", Equals: ["GetObject"] },
          { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::fsx4l-store/raw/"] },
        ],
      },
    ]);
    const command = s.output.put_event_selectors_command;
    expect(command.value).toBe(
      `aws cloudtrail put-event-selectors --region us-east-1 --trail-name 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail' --advanced-event-selectors '${JSON.stringify(selectors)}'`,
    );
    expect(command.description).toMatch(/REPLACES all of the trail's selectors; merge/);
  });

  it("shares one trail per region across shared-mode targets", () => {
    const c = exampleConfig();
    c.defaults.trail = { mode: "shared" };
    c.targets.push({ name: "climate", bucket: "climate-archive", prefix: "" });
    const { stacks } = synthConfig(c);
    expect(Object.keys(stacks)).toEqual(["shared-trail-us-east-1", "genomics-raw", "genomics-ref", "climate"]);
    for (const name of ["genomics-raw", "genomics-ref", "climate"]) {
      expect(stacks[name]!.resource.aws_cloudtrail).toBeUndefined();
      expect(stacks[name]!.output.trail_stack.value).toBe("shared-trail-us-east-1");
    }
    const shared = stacks["shared-trail-us-east-1"]!;
    expect(shared.terraform.backend.s3.key).toBe("glacier-restore/shared-trail-us-east-1.tfstate");
    const selector = single(shared, "aws_cloudtrail").advanced_event_selector;
    expect(selector).toHaveLength(1);
    expect(selector[0].field_selector).toContainEqual({
      field: "resources.ARN",
      starts_with: [
        "arn:aws:s3:::climate-archive/",
        "arn:aws:s3:::fsx4l-store/raw/",
        "arn:aws:s3:::fsx4l-store/reference/",
      ],
    });
    // An empty prefix means the whole bucket: the rule then filters on the bucket alone.
    const pattern = JSON.parse(single(stacks.climate!, "aws_cloudwatch_event_rule").event_pattern);
    expect(pattern.detail.requestParameters).toEqual({ bucketName: ["climate-archive"] });
  });
});
