// Tidies what `cdktf synth --hcl` writes, so the HCL passes `terraform fmt -check` and validates without
// warnings: references in `depends_on` lose their quotes (Terraform deprecates quoted references), the
// terraform block gets back its `required_version` (cdktf 0.21's HCL renderer writes the names of such
// attributes as `0 = "required_version"` and drops their values), then `terraform fmt` rewrites
// interpolation-only strings ("${aws_x.y.id}" -> aws_x.y.id) and aligns.
// Usage: node scripts/tidy-hcl.mjs [cdktf.out]   (exit 1 when terraform is missing or fmt fails)
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { requiredVersion } = JSON.parse(readFileSync(join(root, "core", "terraform-version.json"), "utf8"));

/**
 * Restores the terraform block's plain attributes that cdktf renders as `<index> = "<name>"`. Only
 * `required_version` is set by this project; any other such line is an error, not a guess.
 */
export function restoreTerraformAttributes(hcl, version = requiredVersion) {
  return hcl.replace(/^(\s*)(\d+) = "([\w-]+)"$/gm, (_all, indent, _index, name) => {
    if (name !== "required_version")
      throw new Error(`tidy-hcl: cannot restore terraform.${name} (value lost by cdktf)`);
    return `${indent}required_version = ${JSON.stringify(version)}`;
  });
}

const ADDRESS = /"((?:data\.)?[a-z][\w-]*\.[\w-]+)"/g;

/** Unquotes the resource addresses inside every `depends_on = [...]` list, multi-line or not. */
export function unquoteDependsOn(hcl) {
  return hcl.replace(/(depends_on\s*=\s*\[)([^\]]*)(\])/g, (_all, open, body, close) => {
    return open + body.replace(ADDRESS, "$1") + close;
  });
}

function hclFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".tf"))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outdir = process.argv[2] ?? "cdktf.out";
  const files = hclFiles(join(outdir, "stacks"));
  if (files.length === 0) {
    process.stderr.write(`tidy-hcl: no .tf files under ${outdir}/stacks (run cdktf synth --hcl first)\n`);
    process.exit(1);
  }
  for (const file of files)
    writeFileSync(file, restoreTerraformAttributes(unquoteDependsOn(readFileSync(file, "utf8"))));
  const fmt = spawnSync("terraform", ["fmt", "-recursive", "-list=false", join(outdir, "stacks")], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (fmt.error) {
    process.stderr.write(`tidy-hcl: terraform is needed for terraform fmt (${fmt.error.message})\n`);
    process.exit(1);
  }
  if (fmt.status !== 0) process.exit(fmt.status ?? 1);
  process.stdout.write(`tidy-hcl: ${files.length} file(s) tidied under ${outdir}/stacks\n`);
}
