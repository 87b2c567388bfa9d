/**
 * Every policy in the synthesized output, rendered to IAM JSON and evaluated with an IAM policy simulator:
 * the function may head and restore objects under its prefix and nothing else; only this trail may write
 * its log bucket; only this rule may send to its queue; only the intended services assume the roles.
 */
import { usesCloudTrail, type ResolvedTarget } from "../../config/resolve";
import { targetNames } from "../../stacks/names";
import { proofConfigurations } from "../../testing/configurations";
import { ACCOUNT, References } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";
import {
  all,
  single,
  synthConfig,
  type Synth,
  restoreRule,
  deadLetterQueue,
  deadLetterQueuePolicy,
} from "../../testing/synth";

const OTHER_ACCOUNT = "210987654321";

function functionRole(stack: Synth, t: ResolvedTarget) {
  return all(stack, "aws_iam_role").find((r) => r.name === targetNames(t.name).role);
}

function rolePolicy(stack: Synth, refs: References, role: any) {
  const roleId = refs.attr("aws_iam_role", role, "id");
  const attached = all(stack, "aws_iam_role_policy").filter((p) => refs.resolve(p.role) === roleId);
  expect(attached).toHaveLength(1);
  return refs.policyOf(attached[0].policy);
}

describe.each(Object.entries(proofConfigurations()))("configuration %s", (_name, raw) => {
  const { config, stacks } = synthConfig(raw);

  describe.each(config.targets.map((t) => [t.name, t] as const))("target %s", (_n, t) => {
    const stack = stacks[t.name]!;
    const refs = new References(stack);
    const role = functionRole(stack, t);
    const roleArn = refs.attr("aws_iam_role", role, "arn");
    const policy = rolePolicy(stack, refs, role);
    const inScope = `arn:${refs.partition}:s3:::${t.bucket}/${t.prefix}run-1/sample.bam`;
    const asFunction = (action: string, resource: string) =>
      decide({ principal: roleArn, action, resource, identityPolicy: policy });

    it("may read object metadata and restore objects under its prefix", async () => {
      for (const action of ["s3:GetObject", "s3:GetObjectVersion", "s3:RestoreObject"])
        expect([action, await asFunction(action, inScope)]).toEqual([action, "Allowed"]);
    });

    it("may not touch objects outside its prefix or bucket, nor change any object", async () => {
      const outside = [
        `arn:${refs.partition}:s3:::${t.bucket}/zz-outside-${t.prefix}x`,
        `arn:${refs.partition}:s3:::${t.bucket}-other/${t.prefix}x`,
        ...config.targets.filter((o) => o !== t).map((o) => `arn:${refs.partition}:s3:::${o.bucket}/${o.prefix}x`),
      ].filter((arn) => !arn.startsWith(`arn:${refs.partition}:s3:::${t.bucket}/${t.prefix}`));
      for (const resource of outside)
        expect([resource, await asFunction("s3:RestoreObject", resource)]).toEqual([resource, "ImplicitlyDenied"]);
      for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl"])
        expect([action, await asFunction(action, inScope)]).toEqual([action, "ImplicitlyDenied"]);
    });

    it("may list its bucket only under its own prefix, so HeadObject on a deleted key answers 404", async () => {
      const list = (bucket: string, prefix: string | undefined) =>
        decide({
          principal: roleArn,
          action: "s3:ListBucket",
          resource: `arn:${refs.partition}:s3:::${bucket}`,
          identityPolicy: policy,
          ...(prefix !== undefined ? { context: { "s3:prefix": prefix } } : {}),
        });
      expect(await list(t.bucket, `${t.prefix}run-1/`)).toBe("Allowed");
      expect(await list(t.bucket, t.prefix)).toBe("Allowed");
      expect(await list(`${t.bucket}-other`, `${t.prefix}run-1/`)).toBe("ImplicitlyDenied");
      if (t.prefix) {
        expect(await list(t.bucket, `zz-outside-${t.prefix}`)).toBe("ImplicitlyDenied");
        // A listing without a prefix would show the whole bucket.
        expect(await list(t.bucket, undefined)).toBe("ImplicitlyDenied");
      }
    });

    it("writes only its own log group, claim table and dead-letter queue", async () => {
      const group = all(stack, "aws_cloudwatch_log_group").find(
        (g) => g.name === `/aws/lambda/${targetNames(t.name).function}`,
      );
      const groupArn = refs.attr("aws_cloudwatch_log_group", group, "arn");
      expect(await asFunction("logs:PutLogEvents", `${groupArn}:log-stream:2026/11/26/abc`)).toBe("Allowed");
      expect(
        await asFunction(
          "logs:PutLogEvents",
          `arn:${refs.partition}:logs:${refs.region}:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`,
        ),
      ).toBe("ImplicitlyDenied");
      const queueArn = refs.attr("aws_sqs_queue", deadLetterQueue(stack), "arn");
      expect(await asFunction("sqs:SendMessage", queueArn)).toBe("Allowed");
      expect(await asFunction("sqs:SendMessage", `arn:${refs.partition}:sqs:${refs.region}:${ACCOUNT}:other`)).toBe(
        "ImplicitlyDenied",
      );
      const tables = all(stack, "aws_dynamodb_table");
      const budgeted = Object.keys(t.budget).length > 0;
      for (const table of tables) {
        const tableArn = refs.attr("aws_dynamodb_table", table, "arn");
        expect(await asFunction("dynamodb:PutItem", tableArn)).toBe("Allowed");
        expect(await asFunction("dynamodb:DeleteItem", tableArn)).toBe("Allowed");
        // UpdateItem (the budget's conditional ADD) only for a target with a budget.
        expect(await asFunction("dynamodb:UpdateItem", tableArn)).toBe(budgeted ? "Allowed" : "ImplicitlyDenied");
        expect(await asFunction("dynamodb:Scan", tableArn)).toBe("ImplicitlyDenied");
      }
      const deferred = all(stack, "aws_sqs_queue").find((q) => q.name === targetNames(t.name).deferredQueue);
      expect(deferred !== undefined).toBe(budgeted);
      if (deferred)
        expect(await asFunction("sqs:SendMessage", refs.attr("aws_sqs_queue", deferred, "arn"))).toBe("Allowed");
      expect(tables).toHaveLength(t.function.claims ? 1 : 0);
      expect(
        await asFunction("dynamodb:PutItem", `arn:${refs.partition}:dynamodb:${refs.region}:${ACCOUNT}:table/other`),
      ).toBe("ImplicitlyDenied");
    });

    it("can be assumed only by Lambda on behalf of this account", async () => {
      const trust = refs.policyOf(role.assume_role_policy);
      const assume = (principal: string, account: string) =>
        decide({
          principal,
          action: "sts:AssumeRole",
          resource: roleArn,
          resourcePolicy: trust,
          context: { "aws:SourceAccount": account },
        });
      expect(await assume("lambda.amazonaws.com", ACCOUNT)).toBe("Allowed");
      expect(await assume("lambda.amazonaws.com", OTHER_ACCOUNT)).not.toBe("Allowed");
      expect(await assume("ec2.amazonaws.com", ACCOUNT)).not.toBe("Allowed");
    });

    const batchRole = all(stack, "aws_iam_role").find((r) => r.name === targetNames(t.name).batchRole);
    if (t.batchOperations)
      describe("S3 Batch Operations role", () => {
        const batchArn = batchRole ? refs.attr("aws_iam_role", batchRole, "arn") : "";
        const batchPolicy = batchRole ? rolePolicy(stack, refs, batchRole) : undefined;
        const reportsArn = () => {
          const bucket = all(stack, "aws_s3_bucket").find(
            (b) => b.bucket_prefix === targetNames(t.name).batchReportsBucketPrefix,
          );
          return refs.attr("aws_s3_bucket", bucket, "arn");
        };
        const asBatch = (action: string, resource: string, context?: Record<string, string>) =>
          decide({
            principal: batchArn,
            action,
            resource,
            identityPolicy: batchPolicy!,
            ...(context ? { context } : {}),
          });

        it("restores only under the target's prefix and changes no object", async () => {
          expect(await asBatch("s3:RestoreObject", inScope)).toBe("Allowed");
          expect(
            await asBatch("s3:RestoreObject", `arn:${refs.partition}:s3:::${t.bucket}/zz-outside-${t.prefix}x`),
          ).toBe(t.prefix ? "ImplicitlyDenied" : "Allowed");
          expect(await asBatch("s3:RestoreObject", `arn:${refs.partition}:s3:::${t.bucket}-other/${t.prefix}x`)).toBe(
            "ImplicitlyDenied",
          );
          for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:GetObject", "s3:PutObjectAcl"])
            expect([action, await asBatch(action, inScope)]).toEqual([action, "ImplicitlyDenied"]);
        });

        it("lists the bucket only under the prefix, for the generated manifest", async () => {
          const bucket = `arn:${refs.partition}:s3:::${t.bucket}`;
          expect(await asBatch("s3:ListBucket", bucket, { "s3:prefix": t.prefix })).toBe("Allowed");
          if (t.prefix) {
            expect(await asBatch("s3:ListBucket", bucket, { "s3:prefix": `zz-${t.prefix}` })).toBe("ImplicitlyDenied");
            expect(await asBatch("s3:ListBucket", bucket)).toBe("ImplicitlyDenied");
          }
        });

        it("may put an inventory configuration, for the generated manifest, on the source bucket only", async () => {
          const put = (resource: string) => asBatch("s3:PutInventoryConfiguration", resource);
          expect(await put(`arn:${refs.partition}:s3:::${t.bucket}`)).toBe("Allowed");
          expect(await put(`arn:${refs.partition}:s3:::${t.bucket}-other`)).toBe("ImplicitlyDenied");
          expect(await put(reportsArn())).toBe("ImplicitlyDenied");
        });

        it("writes manifests and reports only under batch/ of its own reports bucket", async () => {
          const reports = reportsArn();
          expect(await asBatch("s3:PutObject", `${reports}/batch/reports/job-1/results/a.csv`)).toBe("Allowed");
          expect(await asBatch("s3:PutObject", `${reports}/batch/manifests/job-1/manifest.json`)).toBe("Allowed");
          expect(await asBatch("s3:GetBucketLocation", reports)).toBe("Allowed");
          expect(await asBatch("s3:PutObject", `${reports}/elsewhere/a.csv`)).toBe("ImplicitlyDenied");
          expect(await asBatch("s3:PutObject", `arn:${refs.partition}:s3:::${t.bucket}/${t.prefix}x`)).toBe(
            "ImplicitlyDenied",
          );
          expect(await asBatch("s3:DeleteObject", `${reports}/batch/reports/a.csv`)).toBe("ImplicitlyDenied");
        });

        it("can be assumed only by S3 Batch Operations, with the documented trust (no conditions)", async () => {
          const trust = refs.policyOf(batchRole.assume_role_policy);
          // Who may run jobs as the role is iam:PassRole's to decide; the documented trust names only the service.
          expect(trust.Statement.map((s) => s.Condition)).toEqual([undefined]);
          const assume = (principal: string, account: string) =>
            decide({
              principal,
              action: "sts:AssumeRole",
              resource: batchArn,
              resourcePolicy: trust,
              context: { "aws:SourceAccount": account },
            });
          expect(await assume("batchoperations.s3.amazonaws.com", ACCOUNT)).toBe("Allowed");
          expect(await assume("batchoperations.s3.amazonaws.com", OTHER_ACCOUNT)).toBe("Allowed");
          expect(await assume("lambda.amazonaws.com", ACCOUNT)).not.toBe("Allowed");
        });
      });

    it("has a Batch Operations role exactly when batchOperations is on", () => {
      expect(batchRole !== undefined).toBe(t.batchOperations);
    });

    it("dead-letter queue accepts this rule's events only, and only over TLS", async () => {
      const queue = deadLetterQueue(stack);
      const queueArn = refs.attr("aws_sqs_queue", queue, "arn");
      const queuePolicy = refs.policyOf(deadLetterQueuePolicy(stack).policy);
      const send = (principal: string, sourceArn: string, tls = "true") =>
        decide({
          principal,
          action: "sqs:SendMessage",
          resource: queueArn,
          resourcePolicy: queuePolicy,
          context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": tls },
        });
      if (!usesCloudTrail(t) && !t.notifications) {
        // No rule delivers here: the queue takes only the function's failed invocations (its role), over TLS.
        const anyRule = `arn:${refs.partition}:events:${refs.region}:${ACCOUNT}:rule/any`;
        expect(await send("events.amazonaws.com", anyRule)).not.toBe("Allowed");
        expect(await send("events.amazonaws.com", anyRule, "false")).toBe("ExplicitlyDenied");
        return;
      }
      const ruleArn = refs.attr("aws_cloudwatch_event_rule", restoreRule(stack), "arn");
      expect(await send("events.amazonaws.com", ruleArn)).toBe("Allowed");
      expect(
        await send("events.amazonaws.com", `arn:${refs.partition}:events:${refs.region}:${ACCOUNT}:rule/another`),
      ).not.toBe("Allowed");
      expect(await send("sns.amazonaws.com", ruleArn)).not.toBe("Allowed");
      expect(await send("events.amazonaws.com", ruleArn, "false")).toBe("ExplicitlyDenied");
      expect(await send(`arn:${refs.partition}:iam::${OTHER_ACCOUNT}:root`, ruleArn)).not.toBe("Allowed");
    });
  });

  const trailStacks = Object.entries(stacks).filter(([, s]) => s.resource.aws_cloudtrail);
  // The existing-trail configuration has no trail of its own to check.
  if (trailStacks.length > 0)
    describe.each(trailStacks)("trail in stack %s", (_s, stack) => {
      const refs = new References(stack);
      const trailArn = refs.attr("aws_cloudtrail", single(stack, "aws_cloudtrail"), "arn");
      // The trail's log bucket (a stack may also hold a Batch Operations reports bucket).
      const logBucket = all(stack, "aws_s3_bucket").filter((b) => !String(b.bucket_prefix).endsWith("-batch-"));
      expect(logBucket).toHaveLength(1);
      const bucket = refs.attr("aws_s3_bucket", logBucket[0], "bucket");
      const logBucketId = refs.attr("aws_s3_bucket", logBucket[0], "id");
      const bucketPolicy = refs.policyOf(
        all(stack, "aws_s3_bucket_policy").find((p) => refs.resolve(p.bucket) === logBucketId).policy,
      );
      const write = (key: string, sourceArn: string, tls = "true") =>
        decide({
          principal: "cloudtrail.amazonaws.com",
          action: "s3:PutObject",
          resource: `arn:${refs.partition}:s3:::${bucket}/${key}`,
          resourcePolicy: bucketPolicy,
          context: {
            "aws:SourceArn": sourceArn,
            "aws:SourceAccount": ACCOUNT,
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SecureTransport": tls,
          },
        });

      it("log bucket takes log files from this trail only, under AWSLogs/<account>/, over TLS", async () => {
        const key = `AWSLogs/${ACCOUNT}/CloudTrail/${refs.region}/2026/11/26/file.json.gz`;
        expect(await write(key, trailArn)).toBe("Allowed");
        expect(
          await write(key, `arn:${refs.partition}:cloudtrail:${refs.region}:${ACCOUNT}:trail/someone-else`),
        ).not.toBe("Allowed");
        expect(await write(`elsewhere/${key}`, trailArn)).not.toBe("Allowed");
        expect(await write(key, trailArn, "false")).toBe("ExplicitlyDenied");
        expect(
          await decide({
            principal: "cloudtrail.amazonaws.com",
            action: "s3:GetBucketAcl",
            resource: `arn:${refs.partition}:s3:::${bucket}`,
            resourcePolicy: bucketPolicy,
            context: { "aws:SourceArn": trailArn, "aws:SourceAccount": ACCOUNT },
          }),
        ).toBe("Allowed");
        expect(
          await decide({
            principal: `arn:${refs.partition}:iam::${OTHER_ACCOUNT}:root`,
            action: "s3:GetObject",
            resource: `arn:${refs.partition}:s3:::${bucket}/${key}`,
            resourcePolicy: bucketPolicy,
          }),
        ).not.toBe("Allowed");
      });

      const trailName = single(stack, "aws_cloudtrail").name as string;
      const deliveryRole = all(stack, "aws_iam_role").find((r) => r.name === `${trailName}-trail`);
      // Without CloudWatch Logs delivery there is no delivery role to check.
      if (deliveryRole)
        it("CloudWatch delivery role is assumed by CloudTrail alone and writes its log group only", async () => {
          const roleArn = refs.attr("aws_iam_role", deliveryRole, "arn");
          const trust = refs.policyOf(deliveryRole.assume_role_policy);
          const assume = (principal: string, context: Record<string, string>) =>
            decide({ principal, action: "sts:AssumeRole", resource: roleArn, resourcePolicy: trust, context });
          // A plain service trust, as CloudTrail documents it: CreateTrail's own check carries no source.
          expect(await assume("cloudtrail.amazonaws.com", {})).toBe("Allowed");
          expect(await assume("cloudtrail.amazonaws.com", { "aws:SourceArn": trailArn })).toBe("Allowed");
          expect(await assume("lambda.amazonaws.com", {})).not.toBe("Allowed");
          expect(await assume(`arn:${refs.partition}:iam::${OTHER_ACCOUNT}:root`, {})).not.toBe("Allowed");
          const policy = rolePolicy(stack, refs, deliveryRole);
          const group = all(stack, "aws_cloudwatch_log_group").find((g) => g.name.startsWith("/aws/cloudtrail/"));
          const groupArn = refs.attr("aws_cloudwatch_log_group", group, "arn");
          const put = (resource: string) =>
            decide({ principal: roleArn, action: "logs:PutLogEvents", resource, identityPolicy: policy });
          expect(await put(`${groupArn}:log-stream:${ACCOUNT}_CloudTrail_${refs.region}`)).toBe("Allowed");
          expect(await put(`arn:${refs.partition}:logs:${refs.region}:${ACCOUNT}:log-group:other:log-stream:x`)).toBe(
            "ImplicitlyDenied",
          );
        });
    });

  // FSx import (log-trigger stacks with associations): CreateDataRepositoryTask needs both the file system
  // and the task resource (Service Authorization Reference, Amazon FSx); only the configured file systems.
  const importStacks = Object.entries(stacks).filter(([, s]) => all(s, "aws_lambda_event_source_mapping").length > 0);
  for (const [stackName, stack] of importStacks)
    describe(`FSx import in ${stackName}`, () => {
      it("may create data repository tasks on the configured file systems only", async () => {
        const refs = new References(stack);
        const role = all(stack, "aws_iam_role").find((r) => String(r.name).endsWith("-import"));
        const roleArn = refs.attr("aws_iam_role", role, "arn");
        const policy = rolePolicy(stack, refs, role);
        const fsx = (resource: string, action = "fsx:CreateDataRepositoryTask") =>
          decide({ principal: roleArn, action, resource, identityPolicy: policy });
        const arn = (resource: string, account = ACCOUNT, region = refs.region) =>
          `arn:${refs.partition}:fsx:${region}:${account}:${resource}`;
        const configured = JSON.parse(
          all(stack, "aws_lambda_function").find((f) => f.function_name === role.name).environment.variables
            .FSX_ASSOCIATIONS,
        ).map((a: { fileSystemId: string }) => a.fileSystemId) as string[];
        expect(configured.length).toBeGreaterThan(0);
        for (const id of configured) expect(await fsx(arn(`file-system/${id}`))).toBe("Allowed");
        expect(await fsx(arn("task/task-0123456789abcdef0"))).toBe("Allowed");
        expect(await fsx(arn("file-system/fs-00000000000000009"))).toBe("ImplicitlyDenied");
        expect(await fsx(arn(`file-system/${configured[0]}`, OTHER_ACCOUNT))).toBe("ImplicitlyDenied");
        expect(await fsx(arn(`file-system/${configured[0]}`), "fsx:DeleteFileSystem")).toBe("ImplicitlyDenied");
        expect(await fsx(arn(`file-system/${configured[0]}`), "fsx:CreateDataRepositoryAssociation")).toBe(
          "ImplicitlyDenied",
        );
      });
    });
});
