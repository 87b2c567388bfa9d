// `npm run synth:hcl`: `cdktf synth --hcl` into the project's output directory, then `terraform fmt`
// (scripts/tidy-hcl.mjs) on that same directory. The cdktf CLI alone takes its directory from --output or
// cdktf.json and overwrites $CDKTF_OUTDIR for the app, so the directory is decided here, once, by the
// project's rule (scripts/output-dir.cjs), and passed to both steps.
// Usage: npm run synth:hcl [-- --output dir] [other cdktf synth options]
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { outputDirectory, withoutOutputFlag } from "./output-dir.cjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const { dir } = outputDirectory({ argv: args });
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: dir };
const run = (command, commandArgs) => spawnSync(command, commandArgs, { stdio: "inherit", env }).status ?? 1;

const synth = run(join(root, "node_modules", ".bin", "cdktf"), [
  "synth",
  "--hcl",
  "--output",
  dir,
  ...withoutOutputFlag(args),
]);
if (synth !== 0) process.exit(synth);
process.exit(run(process.execPath, [join(root, "scripts", "tidy-hcl.mjs"), "--output", dir]));
