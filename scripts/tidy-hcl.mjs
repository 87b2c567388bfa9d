// Formats the HCL that `cdktf synth --hcl` writes with `terraform fmt` (interpolation-only strings such as
// "${aws_x.y.id}" become aws_x.y.id, attributes align). Cosmetic only: the stacks already render valid HCL
// (core/hcl.ts repairs the renderer's terraform block and depends_on lists as each stack renders).
// Usage: node scripts/tidy-hcl.mjs [directory]   (default: $CDKTF_OUTDIR or cdktf.out; exit 1 when
// terraform is missing or fmt fails)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? process.env.CDKTF_OUTDIR ?? "cdktf.out";
const files = existsSync(dir)
  ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".tf"))
  : [];
if (files.length === 0) {
  process.stderr.write(`tidy-hcl: no .tf files under ${dir} (run cdktf synth --hcl first)\n`);
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
process.stdout.write(`tidy-hcl: ${files.length} file(s) formatted under ${join(dir)}\n`);
