/**
 * The function exactly as `cdktf synth` packages it: the zip from the stack's assets, its handler name and
 * environment from the synthesized aws_lambda_function, fed the events its rule matches, against the
 * local S3 emulator; then every call it made is checked against its synthesized role policy.
 */
import { partitionOf } from "../../core/partition";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { resolveConfig } from "../../config/resolve";
import { targetNames } from "../../stacks/names";
import { s3ApiCallEvent } from "../../testing/fixtures/cloudtrail-events";
import { extractBundle, runBundle } from "../../testing/bundle";
import { proofConfigurations } from "../../testing/configurations";
import { matchesPattern } from "../../testing/proof/event-pattern";
import { References } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";
import { S3Emulator, type RequestRecord } from "../../testing/s3-emulator";
import { all, synthToDisk, type Synth, restoreRule, restoreFunction } from "../../testing/synth";

const emulator = new S3Emulator();
let endpoint: string;
beforeAll(async () => {
  endpoint = await emulator.start();
});
afterAll(() => emulator.stop());

/** The IAM action, resource and condition context S3/DynamoDB/SQS authorize a recorded call against. */
function authorization(
  r: RequestRecord,
  region: string,
): { action: string; resource: string; context?: Record<string, string> } {
  const p = partitionOf(region).name;
  switch (r.op) {
    case "list":
      return { action: "s3:ListBucket", resource: `arn:${p}:s3:::${r.bucket}`, context: { "s3:prefix": r.key } };
    case "update":
      return { action: "dynamodb:UpdateItem", resource: `arn:${p}:dynamodb:${region}:123456789012:table/${r.bucket}` };
    case "send":
      return {
        action: "sqs:SendMessage",
        resource: `arn:${p}:sqs:${region}:123456789012:${r.bucket.split("/").at(-1)}`,
      };
    case "head":
      return {
        action: r.versionId ? "s3:GetObjectVersion" : "s3:GetObject",
        resource: `arn:${p}:s3:::${r.bucket}/${r.key}`,
      };
    case "restore":
      return { action: "s3:RestoreObject", resource: `arn:${p}:s3:::${r.bucket}/${r.key}` };
    case "claim":
      return { action: "dynamodb:PutItem", resource: `arn:${p}:dynamodb:${region}:123456789012:table/${r.bucket}` };
    case "release":
      return { action: "dynamodb:DeleteItem", resource: `arn:${p}:dynamodb:${region}:123456789012:table/${r.bucket}` };
    case "publish":
      return { action: "sns:Publish", resource: r.bucket };
    default:
      throw new Error(`unexpected call ${r.op}`);
  }
}

const configs = proofConfigurations();
describe.each([
  ["example", configs.example],
  ["options", configs.options],
  ["notifications", configs.notifications],
  // Directory scope and a daily budget: listings, counters (and a deferred queue) within the role too.
  ["govcloud", configs.govcloud],
  // Keys outside Latin-1: the role's widened patterns still allow every call, the function keeps the real prefix.
  ["unicode", configs.unicode],
])("configuration %s", (_name, raw) => {
  const config = resolveConfig(raw);
  const { outdir } = synthToDisk(raw);

  it.each(config.targets.map((t) => t.name))(
    "stack %s: packaged function restores what its rule delivers, within its role",
    async (name) => {
      const target = config.targets.find((t) => t.name === name)!;
      const stackDir = path.join(outdir, "stacks", name);
      expect(readdirSync(stackDir)).toContain("assets");
      const stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as Synth;
      const refs = new References(stack);
      const fn = restoreFunction(stack);
      const [file, exportName] = (fn.handler as string).split(".") as [string, string];
      const bundle = extractBundle(path.join(stackDir, fn.filename), `${file}.js`);
      const env = Object.fromEntries(
        Object.entries(fn.environment.variables as Record<string, string>).map(([k, v]) => [k, refs.resolve(v)]),
      );

      emulator.reset();
      const p = target.prefix;
      emulator.put(target.bucket, `${p}glacier.bam`, "GLACIER");
      emulator.put(target.bucket, `${p}deep archive/ref ü.fa`, "DEEP_ARCHIVE");
      emulator.put(target.bucket, `${p}hot.txt`, "STANDARD");
      emulator.put(target.bucket, "outside/glacier.bam", "GLACIER");
      const candidates = [
        s3ApiCallEvent({ bucket: target.bucket, key: `${p}glacier.bam`, region: target.region }),
        s3ApiCallEvent({ bucket: target.bucket, key: `${p}glacier.bam`, region: target.region }),
        s3ApiCallEvent({ bucket: target.bucket, key: `${p}deep archive/ref ü.fa`, region: target.region }),
        s3ApiCallEvent({ bucket: target.bucket, key: `${p}hot.txt`, region: target.region }),
        s3ApiCallEvent({ bucket: target.bucket, key: "outside/glacier.bam", region: target.region }),
        s3ApiCallEvent({ bucket: target.bucket, key: `${p}glacier.bam`, region: target.region, errorCode: null }),
        s3ApiCallEvent({ bucket: "some-other-bucket", key: `${p}glacier.bam`, region: target.region }),
      ];
      // What EventBridge would deliver: only events the synthesized rule matches.
      const pattern = JSON.parse(restoreRule(stack).event_pattern);
      const delivered = candidates.filter((e) => matchesPattern(pattern, e));
      expect(delivered).toHaveLength(target.prefix === "" ? 5 : 4);

      const { results } = await runBundle(
        bundle,
        delivered,
        {
          ...env,
          AWS_REGION: refs.region,
          AWS_ENDPOINT_URL_S3: endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: endpoint,
          AWS_ENDPOINT_URL_SNS: endpoint,
        },
        exportName,
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const restores = emulator.requests.filter((r) => r.op === "restore");
      const expectedTier = (archive: string) =>
        target.restoreTier === "Expedited" && archive === "DEEP_ARCHIVE" ? "Standard" : target.restoreTier;
      expect(restores.map((r) => [r.key, r.tier, r.days, r.status])).toEqual([
        [`${p}glacier.bam`, expectedTier("GLACIER"), target.restoreDays, 202],
        [`${p}deep archive/ref ü.fa`, expectedTier("DEEP_ARCHIVE"), target.restoreDays, 202],
      ]);
      // One "restore initiated" message per restore started, to the stack's own topic, when configured.
      const topic = all(stack, "aws_sns_topic")[0];
      expect(emulator.published.map((m) => [m.topicArn, JSON.parse(m.message).key])).toEqual(
        target.notifications?.initiated
          ? [
              [refs.attr("aws_sns_topic", topic, "arn"), `${p}glacier.bam`],
              [refs.attr("aws_sns_topic", topic, "arn"), `${p}deep archive/ref ü.fa`],
            ]
          : [],
      );

      // Every call the function made is one its synthesized role allows.
      const role = all(stack, "aws_iam_role").find((r) => r.name === targetNames(name).role);
      const roleArn = refs.attr("aws_iam_role", role, "arn");
      const roleId = refs.attr("aws_iam_role", role, "id");
      const policy = refs.policyOf(
        all(stack, "aws_iam_role_policy").find((rp) => refs.resolve(rp.role) === roleId).policy,
      );
      expect(emulator.requests.length).toBeGreaterThan(0);
      for (const call of emulator.requests) {
        const { action, resource, context } = authorization(call, refs.region);
        expect([
          action,
          resource,
          await decide({
            principal: roleArn,
            action,
            resource,
            identityPolicy: policy,
            ...(context ? { context } : {}),
          }),
        ]).toEqual([action, resource, "Allowed"]);
      }
      if (target.restoreScope === "directory") expect(emulator.count("list")).toBeGreaterThan(0);
      if (Object.keys(target.budget).length > 0) expect(emulator.count("update")).toBeGreaterThan(0);
    },
  );
});
