/**
 * `cdktf synth --hcl` followed by scripts/tidy-hcl.mjs (`npm run synth:hcl`) gives HCL that passes
 * `terraform fmt -check`, validates without warnings and plans offline, for the configurations with the
 * most varied resources (notifications with an owned bucket; state bootstrap, DynamoDB locking, assume role).
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { proofConfigurations } from "../../testing/configurations";
import { callScript } from "../../testing/scripts";
import { OFFLINE_PLAN_TEST, terraform, terraformAvailable, terraformEnv } from "../../testing/terraform";

const run = promisify(execFile);
const root = path.join(__dirname, "..", "..");
const available = terraformAvailable();
if (!available.ok) console.warn(`\n*** SKIPPING the HCL output checks: ${available.why} ***\n`);

/** `npm run synth:hcl` for one configuration, into a fresh directory. */
async function synthHcl(raw: unknown, into?: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "gr-hcl-"));
  const config = path.join(dir, "config.json");
  writeFileSync(config, JSON.stringify(raw));
  const outdir = into ?? path.join(dir, "out");
  const env = { ...terraformEnv(), GLACIER_RESTORE_CONFIG: config, CI: "1" };
  await run(path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--hcl", "--output", outdir], {
    cwd: root,
    env,
  });
  await run(process.execPath, [path.join(root, "scripts", "tidy-hcl.mjs"), outdir], { cwd: root, env });
  return outdir;
}

(available.ok ? describe : describe.skip)("HCL output", () => {
  const configs = proofConfigurations();
  it.each(["notifications", "options"])(
    "configuration %s: fmt-clean, valid without warnings, plans offline",
    async (name) => {
      const outdir = await synthHcl(configs[name]);
      const stacks = readdirSync(path.join(outdir, "stacks"));
      expect(stacks.length).toBeGreaterThan(1);
      for (const stack of stacks) {
        const work = mkdtempSync(path.join(tmpdir(), "gr-hcl-tf-"));
        cpSync(path.join(outdir, "stacks", stack), work, { recursive: true });
        const hcl = readFileSync(path.join(work, "cdk.tf"), "utf8");
        expect(hcl).not.toMatch(/depends_on\s*=\s*\[[^\]]*"/);
        expect(hcl).toContain('required_version = ">= 1.11"');
        await terraform(work, ["fmt", "-check", "-no-color"]);
        writeFileSync(path.join(work, "offline.tftest.hcl"), OFFLINE_PLAN_TEST);
        await terraform(work, ["init", "-backend=false", "-no-color"]);
        const validate = JSON.parse((await terraform(work, ["validate", "-json", "-no-color"])).stdout);
        expect([stack, validate.valid, validate.warning_count]).toEqual([stack, true, 0]);
        const test = await terraform(work, ["test", "-no-color"]);
        expect(test.stdout).toMatch(/1 passed, 0 failed/);
      }
    },
    180_000,
  );
});

/** `npm run synth` (JSON) into an output directory, as the documented command runs the app. */
async function synthJson(raw: unknown, outdir: string): Promise<void> {
  const config = path.join(mkdtempSync(path.join(tmpdir(), "gr-json-")), "config.json");
  writeFileSync(config, JSON.stringify(raw));
  await run(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { ...terraformEnv(), GLACIER_RESTORE_CONFIG: config, CDKTF_OUTDIR: outdir },
  });
}

(available.ok ? describe : describe.skip)("one form per stack directory", () => {
  const raw = proofConfigurations().existing!;

  it.each([
    ["JSON then HCL", ["json", "hcl"], "cdk.tf"],
    ["HCL then JSON", ["hcl", "json"], "cdk.tf.json"],
  ])(
    "%s leaves only the last form, and plain terraform validates it",
    async (_label, order, last) => {
      let outdir = "";
      for (const form of order) {
        if (form === "hcl") outdir = await synthHcl(raw, outdir || undefined);
        else {
          outdir ||= path.join(mkdtempSync(path.join(tmpdir(), "gr-forms-")), "out");
          await synthJson(raw, outdir);
        }
      }
      const dir = path.join(outdir, "stacks", "genomics-raw");
      expect(readdirSync(dir).filter((f) => f.startsWith("cdk.tf"))).toEqual([last]);
      const work = mkdtempSync(path.join(tmpdir(), "gr-forms-tf-"));
      cpSync(dir, work, { recursive: true });
      await terraform(work, ["init", "-backend=false", "-no-color"]);
      const validate = JSON.parse((await terraform(work, ["validate", "-json", "-no-color"])).stdout);
      expect([validate.valid, validate.error_count]).toEqual([true, 0]);
    },
    180_000,
  );
});

describe("tidy-hcl", () => {
  const restore = (hcl: string) => callScript("tidy-hcl.mjs", "restoreTerraformAttributes", hcl) as string;

  it("gives the terraform block back the required_version cdktf's HCL renderer loses", () => {
    const broken = ["terraform {", "  required_providers {", "  }", '  0 = "required_version"', "}"].join("\n");
    expect(restore(broken)).toBe(
      ["terraform {", "  required_providers {", "  }", '  required_version = ">= 1.11"', "}"].join("\n"),
    );
    expect(() => restore('terraform {\n  1 = "experiments"\n}')).toThrow("cannot restore terraform.experiments");
  });

  const unquoteDependsOn = (hcl: string) => callScript("tidy-hcl.mjs", "unquoteDependsOn", hcl) as string;

  it("unquotes references in depends_on only", () => {
    const hcl = [
      'resource "aws_x" "a" {',
      '  name = "aws_y.not_a_reference"',
      "  depends_on = [",
      '    "aws_y.b",',
      '    "data.aws_iam_policy_document.c",',
      "  ]",
      '  tags = ["aws_z.d"]',
      "}",
      'resource "aws_x" "e" { depends_on = ["aws_y.f", "module.g"] }',
    ].join("\n");
    expect(unquoteDependsOn(hcl)).toBe(
      [
        'resource "aws_x" "a" {',
        '  name = "aws_y.not_a_reference"',
        "  depends_on = [",
        "    aws_y.b,",
        "    data.aws_iam_policy_document.c,",
        "  ]",
        '  tags = ["aws_z.d"]',
        "}",
        'resource "aws_x" "e" { depends_on = [aws_y.f, module.g] }',
      ].join("\n"),
    );
  });
});
