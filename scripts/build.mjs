// Builds every program listed in scripts/entry-points.json, deterministically:
//   functions: bundled whole and minified for the Lambda Node.js 22 runtime, then zipped with fixed
//              timestamps and modes (same source -> same bytes), e.g. dist/handler.zip
//   programs:  transpiled for Node.js 22 with packages external (the CDKTF app, the schema export, cost)
// Type checking is `npm run typecheck`. With --schema it also rewrites config/config.schema.json.
// When nothing changed since the last build it stops at once: the fingerprint covers every project file
// the last build's bundles actually imported (esbuild's metafile), the lock file, this script and the
// table, so a file in a new folder is covered as soon as something imports it. GLACIER_RESTORE_REBUILD=1
// forces a build.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const table = JSON.parse(readFileSync(join(root, "scripts", "entry-points.json"), "utf8"));
const inputsFile = join(dist, ".build-inputs.json");
const stampFile = join(dist, ".build-stamp");
const ALWAYS = ["package-lock.json", "scripts/build.mjs", "scripts/entry-points.json"];

/** Hash of the given project files (a missing file hashes as missing, so its return is a change too). */
function fingerprint(files) {
  const hash = createHash("sha256");
  for (const file of [...new Set([...ALWAYS, ...files])].sort()) {
    const path = join(root, file);
    hash
      .update(file)
      .update("\0")
      .update(existsSync(path) ? readFileSync(path) : "<missing>")
      .update("\0");
  }
  return hash.digest("hex");
}

const outputs = [...table.functions.flatMap((f) => [f.bundle, f.zip]), ...table.programs.map((p) => p.out)].map((f) =>
  join(root, f),
);

function upToDate() {
  if (process.env.GLACIER_RESTORE_REBUILD === "1") return false;
  if (!outputs.every((f) => existsSync(f)) || !existsSync(stampFile) || !existsSync(inputsFile)) return false;
  const inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
  return readFileSync(stampFile, "utf8") === fingerprint(inputs);
}

if (!upToDate()) await buildAll();

async function buildAll() {
  // Loaded only when there is something to build, so an up-to-date check costs little.
  const { build } = await import("esbuild");
  const { zipSync } = await import("fflate");
  mkdirSync(dist, { recursive: true });
  const common = {
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "warning",
    absWorkingDir: root,
    metafile: true,
  };
  const results = await Promise.all([
    ...table.functions.map((f) =>
      build({
        ...common,
        entryPoints: [f.entry],
        outfile: f.bundle,
        // The Node.js version of the Lambda runtime the stacks deploy it with ("nodejs22.x" → "node22").
        target: f.runtime.replace(/^nodejs(\d+)\.x$/, "node$1"),
        minify: true,
        legalComments: "none",
        // The runtime's own SDK copy is not used: the bundle pins the version that was tested.
        external: [],
        // Prefer the packages' ES module builds: esbuild can only tree-shake those, which takes a third off
        // the bundle and roughly halves its import time (see bench/RESULTS.md).
        mainFields: ["module", "main"],
      }),
    ),
    build({
      ...common,
      entryPoints: table.programs.map((p) => p.entry),
      outdir: "dist",
      outbase: ".",
      target: "node22",
      packages: "external",
      sourcemap: "inline",
    }),
  ]);

  // A zip entry's DOS timestamp is local time, so a Date built from local fields is the same on every machine.
  const fixedTime = new Date(2020, 0, 1, 0, 0, 0);
  for (const f of table.functions) {
    const code = readFileSync(join(root, f.bundle));
    const zip = zipSync(
      { "index.js": [code, { level: 9, mtime: fixedTime, os: 3, attrs: 0o100644 << 16 }] },
      { mtime: fixedTime },
    );
    writeFileSync(join(root, f.zip), zip);
  }
  // Every project file any bundle read (node_modules is covered by the lock file).
  const inputs = [
    ...new Set(results.flatMap((r) => Object.keys(r.metafile.inputs)).filter((f) => !f.includes("node_modules/"))),
  ].sort();
  writeFileSync(inputsFile, `${JSON.stringify(inputs, null, 2)}\n`);
  writeFileSync(stampFile, fingerprint(inputs));
}

if (process.argv.includes("--schema")) {
  const require = createRequire(import.meta.url);
  const { configJsonSchema } = require(join(dist, "config", "json-schema.js"));
  writeFileSync(join(root, "config", "config.schema.json"), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}
