// The CDK Terrain path, tested rather than assumed: copies the project into a scratch directory, swaps the
// cdktf core for CDK Terrain's (`"cdktf": "npm:cdktn@<version>"` with an override, so the existing
// @cdktf/provider-aws bindings load it; constructs within cdktn's peer range), installs, builds, and
// synthesizes every proof configuration with both toolchains. It fails unless every file of every stack is
// the same Terraform: only the "//" metadata version and the manifest's toolchain fields may differ.
// Usage: npm run check:cdktn [-- --keep] [-- --perturb]   (--perturb changes one cdktn output on purpose:
// the check must then fail; --keep leaves the scratch directory). Needs Node.js >= 22 and the npm registry.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CDKTN = { cdktn: "0.24.0", constructs: "10.7.2" };

/** Removes what may differ between the toolchains: the toolchain's own version and bookkeeping. */
export function normalized(file, text) {
  if (!file.endsWith(".json")) return text;
  const value = JSON.parse(text);
  if (file.endsWith("cdk.tf.json")) delete value["//"]?.metadata?.version;
  if (file === "manifest.json") {
    delete value.version;
    for (const stack of Object.values(value.stacks ?? {}))
      for (const [key, v] of Object.entries(stack)) if (Array.isArray(v) && v.length === 0) delete stack[key];
  }
  return JSON.stringify(value);
}

/** Files of a directory tree, relative to it. */
function filesOf(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/** Every difference between two synthesized output directories, after normalization. */
export function differences(a, b) {
  const left = filesOf(a);
  const right = filesOf(b);
  const out = [];
  for (const f of left.filter((f) => !right.includes(f))) out.push(`only with cdktf: ${f}`);
  for (const f of right.filter((f) => !left.includes(f))) out.push(`only with cdktn: ${f}`);
  for (const f of left.filter((f) => right.includes(f))) {
    const x = readFileSync(join(a, f));
    const y = readFileSync(join(b, f));
    if (x.equals(y)) continue;
    const isText = /\.(json|tf)$/.test(f);
    if (!isText || normalized(f, x.toString("utf8")) !== normalized(f, y.toString("utf8"))) out.push(`differs: ${f}`);
  }
  return out;
}

/** The proof configurations (testing/configurations.ts), bundled for plain Node.js with esbuild. */
function proofConfigurations() {
  const esbuild = createRequire(join(root, "package.json"))("esbuild");
  // Inside the project (dist/ is not tracked), so the bundle's external packages resolve.
  const out = join(root, "dist", "proof-configurations.cjs");
  esbuild.buildSync({
    entryPoints: [join(root, "testing", "configurations.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
    outfile: out,
    logLevel: "error",
  });
  const configs = createRequire(out)(out).proofConfigurations();
  rmSync(out);
  return configs;
}

function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`check-cdktn: ${cmd} ${args.join(" ")} failed (in ${cwd})\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

/** Synthesizes each configuration with the project at `project` (its dist/main.js) into `into/<name>`. */
function synthAll(project, configs, into) {
  for (const [name, config] of Object.entries(configs)) {
    const file = join(into, `${name}.json`);
    mkdirSync(into, { recursive: true });
    writeFileSync(file, JSON.stringify(config));
    run(process.execPath, ["dist/main.js"], project, {
      GLACIER_RESTORE_CONFIG: file,
      CDKTF_OUTDIR: join(into, name),
      CHECKPOINT_DISABLE: "1",
    });
    rmSync(file);
  }
}

/** A copy of the project's tracked files with CDK Terrain's core in place of cdktf's, installed and built. */
function terrainCopy(work) {
  const scratch = join(work, "project");
  const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const f of tracked) if (existsSync(join(root, f))) cpSync(join(root, f), join(scratch, f), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(scratch, "package.json"), "utf8"));
  // Synth-only packages are devDependencies: the packed operator command does not install them.
  pkg.devDependencies.cdktf = `npm:cdktn@${CDKTN.cdktn}`;
  pkg.devDependencies.constructs = CDKTN.constructs;
  // The bindings name cdktf as a peer: the override makes the alias satisfy it.
  pkg.overrides = { ...pkg.overrides, cdktf: "$cdktf" };
  // The cdktf CLI would bring the real cdktf core back beside cdktn's (both in one process crash at synth).
  delete pkg.devDependencies["cdktf-cli"];
  writeFileSync(join(scratch, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  // The lock file stays: npm changes only what the swap needs, so the functions bundle the same SDK.
  run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], scratch);
  const core = JSON.parse(readFileSync(join(scratch, "node_modules", "cdktf", "package.json"), "utf8"));
  if (core.name !== "cdktn") {
    process.stderr.write(`check-cdktn: node_modules/cdktf is ${core.name}, not cdktn\n`);
    process.exit(1);
  }
  run(process.execPath, ["scripts/build.mjs"], scratch, { GLACIER_RESTORE_REBUILD: "1" });
  return { scratch, version: core.version };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), "gr-cdktn-"));
  const configs = proofConfigurations();
  run(process.execPath, ["scripts/build.mjs"], root);
  synthAll(root, configs, join(work, "cdktf"));
  const { scratch, version } = terrainCopy(work);
  synthAll(scratch, configs, join(work, "cdktn"));
  if (process.argv.includes("--perturb")) {
    // A deliberate change in one stack of the first configuration: the comparison must see it.
    const [name] = Object.keys(configs);
    const stacksDir = join(work, "cdktn", name, "stacks");
    const file = join(stacksDir, readdirSync(stacksDir)[0], "cdk.tf.json");
    const tf = JSON.parse(readFileSync(file, "utf8"));
    tf.terraform.required_version = ">= 0.0.1";
    writeFileSync(file, JSON.stringify(tf, null, 2));
  }
  const found = Object.keys(configs).flatMap((name) =>
    differences(join(work, "cdktf", name), join(work, "cdktn", name)).map((d) => `${name}: ${d}`),
  );
  if (!process.argv.includes("--keep")) rmSync(work, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (found.length > 0) {
    process.stderr.write(
      `check-cdktn: CDK Terrain ${version} synthesizes different Terraform:\n  ${found.join("\n  ")}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `check-cdktn: CDK Terrain ${version} (constructs ${CDKTN.constructs}) synthesizes the same Terraform as cdktf for ${Object.keys(configs).length} configurations (${seconds} s)\n`,
  );
}
