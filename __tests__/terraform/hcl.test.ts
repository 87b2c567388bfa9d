/**
 * The plain `cdktf synth --hcl` (what CDKTF's docs tell a Terraform team to run) gives HCL that validates
 * without warnings and plans offline, with no post-processing step (the stacks repair what the renderer
 * gets wrong as they render: core/hcl.ts); `npm run synth:hcl` only adds `terraform fmt`. Run for the
 * configurations with the most varied resources (notifications with an owned bucket; state bootstrap,
 * DynamoDB locking, assume role); __tests__/terraform/terraform.test.ts validates the HCL of every stack.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { proofConfigurations } from "../../testing/configurations";
import { OFFLINE_PLAN_TEST, terraform, terraformAvailable, terraformEnv } from "../../testing/terraform";
import { layerAvailable } from "../../testing/layers";

const run = promisify(execFile);
const root = path.join(__dirname, "..", "..");
const available = layerAvailable("HCL output checks", terraformAvailable);

/** The plain `cdktf synth --hcl` for one configuration, into a fresh directory. */
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
  return outdir;
}

(available ? describe : describe.skip)("HCL output", () => {
  const configs = proofConfigurations();
  it.each(["notifications", "options"])(
    "configuration %s: the plain cdktf synth --hcl is valid without warnings, plans offline, formats clean",
    async (name) => {
      const outdir = await synthHcl(configs[name]);
      const stacks = readdirSync(path.join(outdir, "stacks"));
      expect(stacks.length).toBeGreaterThan(1);
      for (const stack of stacks) {
        const work = mkdtempSync(path.join(tmpdir(), "gr-hcl-tf-"));
        cpSync(path.join(outdir, "stacks", stack), work, { recursive: true });
        const hcl = readFileSync(path.join(work, "cdk.tf"), "utf8");
        expect(hcl).not.toMatch(/depends_on\s*=\s*\[[^\]]*"/);
        expect(hcl).not.toMatch(/^\s*\d+ = "/m);
        expect(hcl).toContain('required_version = ">= 1.11"');
        writeFileSync(path.join(work, "offline.tftest.hcl"), OFFLINE_PLAN_TEST);
        await terraform(work, ["init", "-backend=false", "-no-color"]);
        const validate = JSON.parse((await terraform(work, ["validate", "-json", "-no-color"])).stdout);
        expect([stack, validate.valid, validate.warning_count]).toEqual([stack, true, 0]);
        const test = await terraform(work, ["test", "-no-color"]);
        expect(test.stdout).toMatch(/1 passed, 0 failed/);
        // What `npm run synth:hcl` adds: terraform fmt, after which the files are fmt-clean.
        await run(process.execPath, [path.join(root, "scripts", "tidy-hcl.mjs"), work], {
          cwd: root,
          env: terraformEnv(),
        });
        await terraform(work, ["fmt", "-check", "-no-color"]);
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

(available ? describe : describe.skip)("one form per stack directory", () => {
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
