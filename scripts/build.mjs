// Builds what synth and tests need, deterministically:
//   dist/handler/index.js   the restore Lambda, bundled and minified for the Node.js 22 runtime
//   dist/handler.zip        that file zipped with fixed timestamps and modes (same source -> same bytes)
//   dist/main.js            the CDKTF app, transpiled (type checking is `npm run typecheck`)
// With --schema it also rewrites config/schema.json from the zod schema.
import { build } from "esbuild";
import { zipSync } from "fflate";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
mkdirSync(join(dist, "handler"), { recursive: true });

const common = { bundle: true, platform: "node", format: "cjs", logLevel: "warning", absWorkingDir: root };

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
    entryPoints: ["main.ts", "config/json-schema.ts"],
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

if (process.argv.includes("--schema")) {
  const require = createRequire(import.meta.url);
  const { configJsonSchema } = require(join(dist, "config", "json-schema.js"));
  writeFileSync(join(root, "config", "schema.json"), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}
