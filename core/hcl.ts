/**
 * Repairs for the HCL that CDKTF 0.21's renderer (and CDK Terrain 0.24's) writes for a stack, applied by
 * every stack of this project as it renders (stacks/stack.ts), so the plain `cdktf synth --hcl` gives
 * Terraform that `terraform validate` accepts with no post-processing step a user could forget:
 * - the terraform block's plain attributes come out as `<index> = "<name>"` with their values lost
 *   (the renderer passes the attribute names, not the attributes, to its attribute writer): they are
 *   written back from the values the stack set;
 * - references in `depends_on` come out quoted, which Terraform reports as deprecated: they lose the quotes.
 */

/** Writes back the terraform block's plain attributes; any other such line is an error, not a guess. */
export function restoreTerraformAttributes(hcl: string, attributes: Readonly<Record<string, string>>): string {
  return hcl.replace(/^(\s*)\d+ = "([\w-]+)"$/gm, (_all, indent: string, name: string) => {
    const value = attributes[name];
    if (value === undefined)
      throw new Error(`HCL output: cannot restore terraform.${name} (value lost by the renderer)`);
    return `${indent}${name} = ${JSON.stringify(value)}`;
  });
}

const ADDRESS = /"((?:data\.)?[a-z][\w-]*\.[\w-]+)"/g;

/** Unquotes the resource addresses inside every `depends_on = [...]` list, multi-line or not. */
export function unquoteDependsOn(hcl: string): string {
  return hcl.replace(/(depends_on\s*=\s*\[)([^\]]*)(\])/g, (_all, open: string, body: string, close: string) => {
    return open + body.replace(ADDRESS, "$1") + close;
  });
}

/** Both repairs, in the order the renderer's output needs them. */
export function repairStackHcl(hcl: string, terraformAttributes: Readonly<Record<string, string>>): string {
  return restoreTerraformAttributes(unquoteDependsOn(hcl), terraformAttributes);
}
