/**
 * Keys outside Latin-1 (issue 28), through every layer of the "unicode" proof configuration: policies write
 * what IAM cannot hold as `?` (core/policy-text.ts); selectors, patterns, notification filters, routes, the
 * function's environment and CLI plans keep the real prefix; the IAM simulator allows the real key and not
 * another prefix; the packaged function restores exactly that key against the S3 emulator.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { RESTORE_ENV, ROUTER_ENV } from "../../core/contract";
import { restoreJobRequest } from "../../core/batch-jobs";
import { keyForms, notificationFilterPrefix } from "../../core/keys";
import { targetNames } from "../../stacks/names";
import { extractBundle, runBundle } from "../../testing/bundle";
import { proofConfigurations } from "../../testing/configurations";
import { s3ApiCallEvent } from "../../testing/fixtures/cloudtrail-events";
import { matchesPattern } from "../../testing/proof/event-pattern";
import { References } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";
import { S3Emulator } from "../../testing/s3-emulator";
import { all, only, restoreFunction, restoreRule, synthConfig, synthToDisk, type Synth } from "../../testing/synth";

const raw = proofConfigurations().unicode!;
const { config, stacks } = synthConfig(raw);
const BUCKET = "arn:aws:s3:::intl-archive";
const JAPANESE = "データ/ü/";
const EMOJI = "runs/🧬 seq/";

function rolePolicy(stack: Synth, roleName: string) {
  const refs = new References(stack);
  const role = only(stack, "aws_iam_role", roleName, (r) => r.name === roleName);
  const roleId = refs.attr("aws_iam_role", role, "id");
  const attached = only(stack, "aws_iam_role_policy", `policy of ${roleName}`, (p) => refs.resolve(p.role) === roleId);
  return { roleArn: refs.attr("aws_iam_role", role, "arn"), policy: refs.policyOf(attached.policy) };
}

/** A statement of a rendered policy by its Sid. */
function statement(policy: { Statement: Record<string, any>[] }, sid: string): Record<string, any> {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}

describe("policies write characters IAM cannot hold as ?", () => {
  it("restore function role: resources and s3:prefix of a Japanese prefix; Latin-1 and spaces as written", () => {
    const { policy } = rolePolicy(stacks.japanese!, targetNames("japanese").role);
    expect(statement(policy, "RestoreArchivedObjectsInScope").Resource).toEqual([`${BUCKET}/???/ü/*`]);
    expect(statement(policy, "ListTargetPrefix").Condition).toEqual({ StringLike: { "s3:prefix": ["???/ü/*"] } });
    const latin1 = rolePolicy(stacks.latin1!, targetNames("latin1").role).policy;
    expect(statement(latin1, "RestoreArchivedObjectsInScope").Resource).toEqual([`${BUCKET}/données/é/*`]);
    const spaces = rolePolicy(stacks.spaces!, targetNames("spaces").role).policy;
    expect(statement(spaces, "RestoreArchivedObjectsInScope").Resource).toEqual([`${BUCKET}/cold data/run 1/*`]);
  });

  it("an emoji gets both readings of IAM's ?: per code point and per UTF-16 unit", () => {
    const { policy } = rolePolicy(stacks.emoji!, targetNames("emoji").role);
    expect(statement(policy, "RestoreArchivedObjectsInScope").Resource).toEqual([
      `${BUCKET}/runs/? seq/*`,
      `${BUCKET}/runs/?? seq/*`,
    ]);
  });

  it("batch operations role: the same patterns", () => {
    const { policy } = rolePolicy(stacks.japanese!, targetNames("japanese").batchRole);
    expect(statement(policy, "RestoreTargetObjects").Resource).toEqual([`${BUCKET}/???/ü/*`]);
    expect(statement(policy, "ListTargetPrefix").Condition).toEqual({ StringLike: { "s3:prefix": ["???/ü/*"] } });
  });
});

describe("everything that is not a policy keeps the real prefix", () => {
  it("trail selectors", () => {
    const trail = Object.values(stacks["shared-trail-us-east-1"]!.resource.aws_cloudtrail!)[0];
    const arns = trail.advanced_event_selector[0].field_selector.find((f: any) => f.field === "resources.ARN");
    expect(arns.starts_with).toEqual(expect.arrayContaining([`${BUCKET}/${JAPANESE}`, `${BUCKET}/${EMOJI}`]));
  });

  it("EventBridge patterns of the restore rule and the notification rules", () => {
    const patterns = all(stacks.japanese!, "aws_cloudwatch_event_rule").map((r) => JSON.parse(r.event_pattern));
    expect(patterns).toHaveLength(3);
    for (const p of patterns) {
      const keys = p.detail.requestParameters?.key ?? p.detail.object.key;
      expect(keys[0]).toEqual({ prefix: JAPANESE });
    }
  });

  it("S3 notification filters, in S3's own encoding, which decodes to the real prefix", () => {
    const notification = Object.values(
      stacks["bucket-notifications-intl-archive"]!.resource.aws_s3_bucket_notification!,
    )[0];
    const filter = notification.topic[0].filter_prefix as string;
    expect(filter).toBe(notificationFilterPrefix(EMOJI));
    expect(filter).toBe("runs/%F0%9F%A7%AC+seq/");
    expect(keyForms(filter).at(-1)).toBe(EMOJI);
  });

  it("router routes and the restore function's environment", () => {
    const router = Object.values(stacks["log-trigger-aws-fsx-lustre-bcbb92"]!.resource.aws_lambda_function!)[0];
    expect(JSON.parse(router.environment.variables[ROUTER_ENV.routes])[0].prefix).toBe(JAPANESE);
    expect(restoreFunction(stacks.japanese!).environment.variables[RESTORE_ENV.prefix]).toBe(JAPANESE);
    expect(restoreFunction(stacks.emoji!).environment.variables[RESTORE_ENV.prefix]).toBe(EMOJI);
  });

  it("CLI plans: the Batch Operations job filters on the real prefix", () => {
    const job = restoreJobRequest({
      accountId: "123456789012",
      region: "us-east-1",
      bucket: "intl-archive",
      prefix: JAPANESE,
      family: "glacier",
      storageClasses: ["GLACIER"],
      tier: "Bulk",
      days: 7,
      roleArn: "arn:aws:iam::123456789012:role/r",
      reports: { bucket: "reports", prefix: "batch/" },
      token: "t",
    });
    expect(job.ManifestGenerator.S3JobManifestGenerator.Filter.KeyNameConstraint).toEqual({
      MatchAnyPrefix: [JAPANESE],
    });
  });
});

describe("IAM simulator", () => {
  const { roleArn, policy } = rolePolicy(stacks.japanese!, targetNames("japanese").role);
  const as = (action: string, resource: string, context?: Record<string, string>) =>
    decide({ principal: roleArn, action, resource, identityPolicy: policy, ...(context ? { context } : {}) });

  it(`allows reading and restoring ${JAPANESE}x.nc, and listing under it`, async () => {
    for (const action of ["s3:GetObject", "s3:RestoreObject"])
      expect([action, await as(action, `${BUCKET}/${JAPANESE}x.nc`)]).toEqual([action, "Allowed"]);
    expect(await as("s3:ListBucket", BUCKET, { "s3:prefix": `${JAPANESE}sub/` })).toBe("Allowed");
  });

  it("denies keys of another prefix, and listing another prefix", async () => {
    for (const key of ["données/é/x.nc", "データ/u/x.nc", "データ2/ü/x.nc", "x/データ/ü/x.nc"])
      expect([key, await as("s3:RestoreObject", `${BUCKET}/${key}`)]).toEqual([key, "ImplicitlyDenied"]);
    expect(await as("s3:ListBucket", BUCKET, { "s3:prefix": "données/" })).toBe("ImplicitlyDenied");
  });

  it("allows the widening the docs state: another three-character directory before /ü/", async () => {
    expect(await as("s3:RestoreObject", `${BUCKET}/abc/ü/x.nc`)).toBe("Allowed");
  });

  it("allows the emoji key to its own function", async () => {
    const emoji = rolePolicy(stacks.emoji!, targetNames("emoji").role);
    const decision = await decide({
      principal: emoji.roleArn,
      action: "s3:RestoreObject",
      resource: `${BUCKET}/${EMOJI}x.nc`,
      identityPolicy: emoji.policy,
    });
    expect(decision).toBe("Allowed");
  });
});

describe("packaged restore function against the S3 emulator", () => {
  const emulator = new S3Emulator();
  let endpoint: string;
  beforeAll(async () => {
    endpoint = await emulator.start();
  });
  afterAll(() => emulator.stop());

  it(`restores exactly ${JAPANESE}x.nc, with calls its role allows`, async () => {
    const { outdir } = synthToDisk(raw);
    const stackDir = path.join(outdir, "stacks", "japanese");
    const stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as Synth;
    const refs = new References(stack);
    const fn = restoreFunction(stack);
    const [file, exportName] = (fn.handler as string).split(".") as [string, string];
    const bundle = extractBundle(path.join(stackDir, fn.filename), `${file}.js`);
    const env = Object.fromEntries(
      Object.entries(fn.environment.variables as Record<string, string>).map(([k, v]) => [k, refs.resolve(v)]),
    );
    const key = `${JAPANESE}x.nc`;
    emulator.reset();
    emulator.put("intl-archive", key, "GLACIER");
    emulator.put("intl-archive", "データ/u/x.nc", "GLACIER");
    // Inside the widened policy pattern but not under the real prefix: the function must leave it alone.
    emulator.put("intl-archive", "abc/ü/x.nc", "GLACIER");
    const event = s3ApiCallEvent({ bucket: "intl-archive", key });
    expect(matchesPattern(JSON.parse(restoreRule(stack).event_pattern), event)).toBe(true);
    expect(
      matchesPattern(
        JSON.parse(restoreRule(stack).event_pattern),
        s3ApiCallEvent({ bucket: "intl-archive", key: "データ/u/x.nc" }),
      ),
    ).toBe(false);

    const target = config.targets.find((t) => t.name === "japanese")!;
    const { results } = await runBundle(
      bundle,
      [event, s3ApiCallEvent({ bucket: "intl-archive", key: "abc/ü/x.nc" })],
      {
        ...env,
        AWS_REGION: target.region,
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_ENDPOINT_URL_SNS: endpoint,
      },
      exportName,
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(emulator.requests.filter((r) => r.op === "restore").map((r) => [r.key, r.status])).toEqual([[key, 202]]);
    const { roleArn, policy } = rolePolicy(stack, targetNames("japanese").role);
    for (const call of emulator.requests.filter((r) => r.op === "head" || r.op === "restore")) {
      const action = call.op === "restore" ? "s3:RestoreObject" : "s3:GetObject";
      const resource = `${BUCKET}/${call.key}`;
      expect([
        action,
        resource,
        await decide({ principal: roleArn, action, resource, identityPolicy: policy }),
      ]).toEqual([action, resource, "Allowed"]);
    }
  });
});
