import { TerraformStack } from "cdktf";
import { repairStackHcl } from "../core/hcl";

/**
 * The base of every stack here: a TerraformStack whose HCL form is valid as rendered. Plain attributes
 * of the terraform block are set through `setTerraformAttribute`, so both forms carry them: the JSON
 * through an override, the HCL by writing back what the renderer drops (core/hcl.ts).
 */
export class GlacierRestoreStack extends TerraformStack {
  private readonly terraformAttributes: Record<string, string> = {};

  /** Sets a plain attribute of the `terraform` block (e.g. required_version) in the JSON and HCL output. */
  setTerraformAttribute(name: string, value: string): void {
    this.terraformAttributes[name] = value;
    this.addOverride(`terraform.${name}`, value);
  }

  override toHclTerraform(): ReturnType<TerraformStack["toHclTerraform"]> {
    const rendered = super.toHclTerraform();
    return { ...rendered, hcl: repairStackHcl(rendered.hcl, this.terraformAttributes) };
  }
}
