// Formats the HCL that `cdktf synth --hcl` writes with `terraform fmt` (interpolation-only strings such as
// "${aws_x.y.id}" become aws_x.y.id, attributes align). Cosmetic only: the stacks already render valid HCL
// (core/hcl.ts repairs the renderer's terraform block and depends_on lists as each stack renders).
// Usage: node scripts/tidy-hcl.mjs [--output dir | dir]   (default: the project's output directory rule,
// scripts/output-dir.cjs: $CDKTF_OUTDIR, cdktf.json's "output", cdktf.out; exit 1 when terraform is
// missing or fmt fails)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { outputDirectory } from "./output-dir.cjs";

const args = process.argv.slice(2);
// A bare directory argument (the older form) is the same as --output.
const positional = args.length === 1 && !args[0].startsWith("-") ? ["--output", args[0]] : args;
const { dir, source } = outputDirectory({ argv: positional });
const files = existsSync(dir)
  ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".tf"))
  : [];
if (files.length === 0) {
  process.stderr.write(`tidy-hcl: no .tf files under ${dir} (from ${source}; run cdktf synth --hcl first)\n`);
  process.exit(1);
}
const fmt = spawnSync("terraform", ["fmt", "-recursive", "-list=false", dir], {
  stdio: ["ignore", "inherit", "inherit"],
});
if (fmt.error) {
  process.stderr.write(`tidy-hcl: terraform is needed for terraform fmt (${fmt.error.message})\n`);
  process.exit(1);
}
if (fmt.status !== 0) process.exit(fmt.status ?? 1);
process.stdout.write(`tidy-hcl: ${files.length} file(s) formatted under ${dir}\n`);
