/**
 * Where a synth's time goes: the app's own steps, timed inside one process. Run as
 * `node dist/bench/synth-phases.js <config.json> <outdir> <result.json>`; writes milliseconds per phase.
 * The phases follow main.ts; file copies and writes during `app.synth()` are timed by wrapping `fs`.
 */
// The module object itself (not an import binding), so its functions can be wrapped for cdktf's calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require("node:fs") as typeof import("node:fs");

const started = performance.now();
const [configFile, outdir, resultFile] = process.argv.slice(2) as [string, string, string];

/** Milliseconds spent inside each wrapped fs function during synth. */
const fsTime: Record<string, number> = {};
function timeFs(name: "copyFileSync" | "writeFileSync" | "mkdirSync"): void {
  const original = fs[name] as (...args: unknown[]) => unknown;
  (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return original.apply(fs, args);
    } finally {
      fsTime[name] = (fsTime[name] ?? 0) + performance.now() - t0;
    }
  };
}

const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { App } = require("cdktf") as typeof import("cdktf");
const t1 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { addStacks } = require("../stacks/app") as typeof import("../stacks/app");
const t2 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolveConfig } = require("../config/resolve") as typeof import("../config/resolve");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadHandlerArtifact } = require("../stacks/artifact") as typeof import("../stacks/artifact");
const config = resolveConfig(JSON.parse(fs.readFileSync(configFile, "utf8")));
const artifact = loadHandlerArtifact();
const t3 = performance.now();
const app = new App({ outdir });
addStacks(app, config, artifact);
const t4 = performance.now();
timeFs("copyFileSync");
timeFs("writeFileSync");
timeFs("mkdirSync");
app.synth();
const t5 = performance.now();

fs.writeFileSync(
  resultFile,
  JSON.stringify({
    // performance.now() counts from the process's time origin, so this is Node's own start-up.
    "node start until this script runs": started,
    "import cdktf": t1 - t0,
    "import the stacks (provider classes by deep path, constructs)": t2 - t1,
    "validate config + hash the handler zip": t3 - t2,
    "build the construct tree": t4 - t3,
    "app.synth(): total": t5 - t4,
    "app.synth(): copying assets (copyFileSync)": fsTime.copyFileSync ?? 0,
    "app.synth(): writing JSON (writeFileSync)": fsTime.writeFileSync ?? 0,
    stacks: app.node.children.length,
  }),
);
