// Compiles the benchmark (TypeScript, sharing the tests' emulator and fixtures) and runs it.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: ["bench/main.ts", "bench/burst.ts", "bench/synth-phases.ts", "bench/status.ts"],
  outdir: "dist/bench",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  packages: "external",
  absWorkingDir: root,
  logLevel: "warning",
});
const run = spawnSync(process.execPath, [join(root, "dist", "bench", "main.js"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
