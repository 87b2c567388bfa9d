import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resolveConfig, type ResolvedTarget } from "../../config/resolve";
import { targetNames } from "../../core/names";
import { partitionOf } from "../../core/partition";
import { OPERATOR_CALLS, makesCall, operatorPolicy, type OperatorCall } from "../../policy/operator";
import { exampleConfig } from "../../testing/config";
import { ACCOUNT, type IamPolicy } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";

const ROOT = path.join(__dirname, "..", "..");
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/hpc-operator`;

/** The example configuration plus a batch target with a budget, a non-Latin-1 prefix and a China target. */
function operatorConfig() {
  const raw = exampleConfig();
  raw.targets.push(
    {
      name: "lab",
      bucket: "lab-data",
      prefix: "データ/cold data/",
      region: "eu-west-1",
      batchOperations: true,
      budget: { maxRestoresPerDay: 100 },
    },
    { name: "cn", bucket: "cn-store", prefix: "raw/", region: "cn-north-1", budget: { maxGBPerDay: 10 } },
  );
  return resolveConfig(raw);
}

/** SDK commands sent by cli/ and by the aws/ helpers it imports (value imports, followed transitively). */
function commandsSentByCli(): Set<string> {
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(path.join(ROOT, file), "utf8");
    // Static imports, and the commands cli/main.ts loads with import("./x") only when they run.
    for (const m of text.matchAll(
      /^import (?!type )[^;]*? from "(\.{1,2}\/[^"]+)";|\bimport\("(\.{1,2}\/[^"]+)"\)/gms,
    )) {
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(file), `${m[1] ?? m[2]}.ts`));
      if (/^(cli|aws)\//.test(next)) visit(next);
    }
  };
  visit("cli/main.ts");
  const commands = new Set<string>();
  for (const file of files)
    for (const m of readFileSync(path.join(ROOT, file), "utf8").matchAll(/new (\w+)Command\(/g)) commands.add(m[1]!);
  return commands;
}

/** A concrete resource a call of a target is made on, in account ACCOUNT. */
function resourceOf(target: ResolvedTarget, call: OperatorCall): string {
  const p = partitionOf(target.region).name;
  const names = targetNames(target.name);
  const r = target.region;
  switch (call.on) {
    case "bucket":
      return `arn:${p}:s3:::${target.bucket}`;
    case "objects":
      return `arn:${p}:s3:::${target.bucket}/${target.prefix}sample/run 1.dat`;
    case "any":
      return "*";
    case "jobs":
      return `arn:${p}:s3:${r}:${ACCOUNT}:job/4a1b2c3d-0000-4000-8000-000000000001`;
    case "batchRole":
      return `arn:${p}:iam::${ACCOUNT}:role/${names.batchRole}`;
    case "batchManifests":
      return `arn:${p}:s3:::${names.batchReportsBucketPrefix}20261128/batch/manifests/0a1b-glacier.csv`;
    case "deferredQueue":
      return `arn:${p}:sqs:${r}:${ACCOUNT}:${names.deferredQueue}`;
    case "function":
      return `arn:${p}:lambda:${r}:${ACCOUNT}:function:${names.function}`;
  }
}

const PASS_TO_BATCH = { "iam:PassedToService": "batchoperations.s3.amazonaws.com" };

async function decideFor(policy: object, action: string, resource: string, context = {}) {
  return decide({ principal: PRINCIPAL, action, resource, identityPolicy: policy as IamPolicy, context });
}

describe("operator policy", () => {
  it("lists every AWS call the operator command makes", () => {
    const listed = new Set(OPERATOR_CALLS.map((c) => c.api));
    const sent = commandsSentByCli();
    expect(sent.size).toBeGreaterThan(5);
    expect([...sent].filter((api) => !listed.has(api))).toEqual([]);
    expect([...listed].filter((api) => !sent.has(api))).toEqual([]);
  });

  it("allows every call each target makes, on that target's resources", async () => {
    const config = operatorConfig();
    const policy = operatorPolicy(config);
    const denied: string[] = [];
    for (const target of config.targets)
      for (const call of OPERATOR_CALLS.filter((c) => makesCall(target, c))) {
        const resource = resourceOf(target, call);
        const context = call.action === "iam:PassRole" ? PASS_TO_BATCH : {};
        if ((await decideFor(policy, call.action, resource, context)) !== "Allowed")
          denied.push(`${target.name} ${call.api} ${call.action} ${resource}`);
      }
    expect(denied).toEqual([]);
  });

  it("denies writes and reads outside the targets", async () => {
    const config = operatorConfig();
    const policy = operatorPolicy(config);
    const outside = [
      ["s3:RestoreObject", "arn:aws:s3:::fsx4l-store/other/file.dat"],
      ["s3:RestoreObject", "arn:aws:s3:::another-bucket/raw/file.dat"],
      ["s3:GetObject", "arn:aws:s3:::fsx4l-store/rawdata/file.dat"],
      ["s3:ListBucket", "arn:aws:s3:::another-bucket"],
      ["s3:PutObject", "arn:aws:s3:::fsx4l-store/raw/file.dat"],
      ["s3:PutObject", `arn:aws:s3:::${targetNames("lab").batchReportsBucketPrefix}20261128/batch/reports/x.csv`],
      ["s3:RestoreObject", "arn:aws:s3:::lab-data/cold data/file.dat"],
      ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`],
      ["sqs:DeleteMessage", `arn:aws:sqs:eu-west-1:${ACCOUNT}:${targetNames("lab").deadLetterQueue}`],
      ["lambda:InvokeFunction", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${targetNames("genomics-raw").function}`],
      ["s3:RestoreObject", "arn:aws-cn:s3:::fsx4l-store/raw/file.dat"],
    ] as const;
    for (const [action, resource] of outside)
      expect(`${action} ${resource}: ${await decideFor(policy, action, resource, PASS_TO_BATCH)}`).toBe(
        `${action} ${resource}: ImplicitlyDenied`,
      );
  });

  it("passes the batch role only to S3 Batch Operations", async () => {
    const policy = operatorPolicy(operatorConfig());
    const role = `arn:aws:iam::${ACCOUNT}:role/${targetNames("lab").batchRole}`;
    expect(await decideFor(policy, "iam:PassRole", role, { "iam:PassedToService": "lambda.amazonaws.com" })).toBe(
      "ImplicitlyDenied",
    );
  });

  it("writes a non-Latin-1 prefix with IAM's one-character wildcard and uses each target's partition", () => {
    const text = JSON.stringify(operatorPolicy(operatorConfig()));
    expect(text).toContain("arn:aws:s3:::lab-data/???/cold data/*");
    expect(text).not.toContain("データ");
    expect(text).toContain(`arn:aws-cn:sqs:cn-north-1:*:${targetNames("cn").deferredQueue}`);
  });

  it("scopes --target to one target and names the targets when the name is unknown", () => {
    const config = operatorConfig();
    const text = JSON.stringify(operatorPolicy(config, "genomics-ref"));
    expect(text).toContain("fsx4l-store/reference/*");
    expect(text).not.toContain("fsx4l-store/raw/*");
    expect(text).not.toContain("iam:PassRole");
    expect(() => operatorPolicy(config, "nope")).toThrow(
      '--target: "nope" is not a configured target (targets: genomics-raw, genomics-ref, lab, cn)',
    );
  });
});
