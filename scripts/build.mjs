// Builds what synth and tests need, deterministically:
//   dist/handler/index.js   the restore Lambda, bundled and minified for the Node.js 22 runtime
//   dist/handler.zip        that file zipped with fixed timestamps and modes (same source -> same bytes)
//   dist/main.js            the CDKTF app, transpiled (type checking is `npm run typecheck`)
// With --schema it also rewrites config/config.schema.json from the zod schema.
// `cdktf synth` runs this before every synth; when no input changed since the last build (same hash of the
// sources, the lock file and this script) it stops at once. GLACIER_RESTORE_REBUILD=1 forces a build.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
mkdirSync(join(dist, "handler"), { recursive: true });

/** Files whose content decides the build output. */
function inputs() {
  const files = ["main.ts", "package-lock.json", "scripts/build.mjs"];
  for (const dir of ["core", "handler", "config", "stacks", "cost"])
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true }))
      if (entry.isFile() && entry.name.endsWith(".ts"))
        files.push(join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1));
  return files.sort();
}

const hash = createHash("sha256");
for (const file of inputs())
  hash
    .update(file)
    .update("\0")
    .update(readFileSync(join(root, file)))
    .update("\0");
const stamp = hash.digest("hex");
const stampFile = join(dist, ".build-stamp");
const outputs = ["handler/index.js", "handler.zip", "main.js", "config/json-schema.js", "cost/cli.js"].map((f) =>
  join(dist, f),
);
const upToDate =
  process.env.GLACIER_RESTORE_REBUILD !== "1" &&
  outputs.every((f) => existsSync(f)) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, "utf8") === stamp;

const common = { bundle: true, platform: "node", format: "cjs", logLevel: "warning", absWorkingDir: root };

if (!upToDate) await buildAll();

async function buildAll() {
  // Loaded only when there is something to build, so an up-to-date check costs little.
  const { build } = await import("esbuild");
  const { zipSync } = await import("fflate");
  await Promise.all([
    build({
      ...common,
      entryPoints: ["handler/index.ts"],
      outfile: "dist/handler/index.js",
      target: "node22",
      minify: true,
      legalComments: "none",
      // The runtime's own SDK copy is not used: the bundle pins the version that was tested.
      external: [],
      // Prefer the packages' ES module builds: esbuild can only tree-shake those, which takes a third off
      // the bundle and roughly halves its import time (see bench/RESULTS.md).
      mainFields: ["module", "main"],
    }),
    build({
      ...common,
      entryPoints: ["main.ts", "config/json-schema.ts", "cost/cli.ts"],
      outdir: "dist",
      outbase: ".",
      target: "node20",
      packages: "external",
      sourcemap: "inline",
    }),
  ]);

  // A zip entry's DOS timestamp is local time, so a Date built from local fields is the same on every machine.
  const fixedTime = new Date(2020, 0, 1, 0, 0, 0);
  const code = readFileSync(join(dist, "handler", "index.js"));
  const zip = zipSync(
    { "index.js": [code, { level: 9, mtime: fixedTime, os: 3, attrs: 0o100644 << 16 }] },
    { mtime: fixedTime },
  );
  writeFileSync(join(dist, "handler.zip"), zip);
  writeFileSync(stampFile, stamp);
}

if (process.argv.includes("--schema")) {
  const require = createRequire(import.meta.url);
  const { configJsonSchema } = require(join(dist, "config", "json-schema.js"));
  writeFileSync(join(root, "config", "config.schema.json"), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}
