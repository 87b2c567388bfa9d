/**
 * Every stack of every proof configuration passes `terraform init -backend=false`, `terraform validate` and
 * an offline mock-provider plan (`terraform test`), using only the local provider mirror; its HCL form, as
 * the plain `cdktf synth --hcl` writes it (no post-processing), validates too, without warnings.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { proofConfigurations } from "../../testing/configurations";
import { synthToDisk } from "../../testing/synth";
import { OFFLINE_PLAN_TEST, terraform, terraformAvailable } from "../../testing/terraform";
import { layerAvailable } from "../../testing/layers";

// Skipped loudly on a developer's machine (run scripts/find-tf-mirror.sh or set TF_PLUGIN_DIR); fails in CI.
const available = layerAvailable("terraform validate/plan checks", terraformAvailable);

const cases = Object.entries(proofConfigurations()).flatMap(([name, raw]) => {
  const { outdir, stacks } = synthToDisk(raw);
  const hcl = synthToDisk(raw, { hcl: true }).outdir;
  return stacks.map((stack) => ({
    label: `${name}/${stack}`,
    dir: path.join(outdir, "stacks", stack),
    hclFile: path.join(hcl, "stacks", stack, "cdk.tf"),
  }));
});

(available ? describe : describe.skip)("terraform on the synthesized stacks", () => {
  it.concurrent.each(cases)(
    "$label validates and plans offline, in JSON and in HCL",
    async ({ dir, hclFile }) => {
      // A copy, so terraform's working files never land in the synth output.
      const work = mkdtempSync(path.join(tmpdir(), "gr-tf-"));
      cpSync(dir, work, { recursive: true });
      writeFileSync(path.join(work, "offline.tftest.hcl"), OFFLINE_PLAN_TEST);
      await terraform(work, ["init", "-backend=false", "-no-color"]);
      const validate = JSON.parse((await terraform(work, ["validate", "-json", "-no-color"])).stdout);
      expect(validate).toMatchObject({ valid: true, error_count: 0 });
      expect(validate.diagnostics.filter((d: { severity: string }) => d.severity === "warning")).toEqual([]);
      const test = await terraform(work, ["test", "-no-color"]);
      expect(test.stdout).toMatch(/run "offline_plan"\.\.\. pass/);
      expect(test.stdout).toMatch(/1 passed, 0 failed/);
      // The same stack in HCL, with the providers already installed: only the form changes.
      rmSync(path.join(work, "cdk.tf.json"));
      cpSync(hclFile, path.join(work, "cdk.tf"));
      const hclValidate = JSON.parse((await terraform(work, ["validate", "-json", "-no-color"])).stdout);
      expect(hclValidate.diagnostics).toEqual([]);
      expect(hclValidate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    },
    120_000,
  );
});
