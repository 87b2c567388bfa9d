/**
 * Synth at scale: the documented command (`cdktf synth`) and the app alone for 1 to 300 targets, against
 * an empty `node` start measured in the same run; ts-node for comparison; import costs (deep provider
 * imports vs the package barrel); where the app's time goes; and a chart of synth time vs targets.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { out, peakRss, quick, root, row, RUNS, time } from "./report";
import { fmt, summary } from "./stats";

const SIZES = [1, 10, 100, 300];
const node = process.execPath;
const cdktfCli = path.join(root, "node_modules", ".bin", "cdktf");
const tsNode = path.join(root, "node_modules", ".bin", "ts-node");

/**
 * An estate of `n` targets the way a platform team would write it: ten prefixes per bucket, one shared
 * trail per region, every third target with notifications. One target uses its own trail.
 */
export function estateConfig(n: number): Record<string, unknown> {
  return {
    stateBackend: { bucket: "acme-tf-state", region: "us-east-1" },
    defaults: { region: "us-east-1", trail: { mode: n === 1 ? "dedicated" : "shared" } },
    targets: Array.from({ length: n }, (_, i) => ({
      name: `t${i}`,
      bucket: `hpc-estate-${Math.floor(i / 10)}`,
      prefix: `project-${i}/`,
      ...(i % 3 === 0 ? { notifications: { email: ["hpc-ops@example.com"] } } : {}),
    })),
  };
}

interface Measured {
  n: number;
  stacks: number;
  /** `npm run synth`, the documented command. */
  npm: { min: number; median: number };
  npmRss?: number;
  /** `cdktf synth` through the CLI. */
  cli: { min: number; median: number };
  cliRss?: number;
  /** `node dist/main.js` alone. */
  app: { min: number; median: number };
  appRss?: number;
}

function median(values: number[]): number {
  return summary(values).median;
}

/** The provider classes the stacks import, by deep path, read from the source. */
function deepProviderModules(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts"))
        for (const m of readFileSync(file, "utf8").matchAll(/"(@cdktf\/provider-aws\/lib\/[\w-]+)"/g)) found.add(m[1]!);
    }
  };
  walk(path.join(root, "stacks"));
  return [...found].sort();
}

async function chart(rows: Measured[], floorMs: number, file: string): Promise<void> {
  // Both are ES modules; loaded by name at run time (their types need a newer moduleResolution).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const load = (name: string) => import(name) as Promise<any>;
  const vl = await load("vega-lite");
  const vega = await load("vega");
  const values = rows.flatMap((r) => [
    { targets: r.n, seconds: r.npm.median / 1000, command: "npm run synth (documented command)" },
    { targets: r.n, seconds: r.cli.median / 1000, command: "cdktf synth (through the cdktf CLI)" },
    { targets: r.n, seconds: r.app.median / 1000, command: "app alone: node dist/main.js" },
    { targets: r.n, seconds: floorMs / 1000, command: "empty node start (floor)" },
  ]);
  const spec = vl.compile({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "glacier-restore: synth time vs targets (median, 2 cores)",
    width: 420,
    height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "targets",
        type: "quantitative",
        scale: { type: "log", domain: [1, SIZES.at(-1)], nice: false },
        axis: { values: SIZES },
      },
      y: { field: "seconds", type: "quantitative", title: "seconds" },
      color: { field: "command", type: "nominal", legend: { orient: "bottom", columns: 1, labelLimit: 400 } },
    },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  writeFileSync(file, await view.toSVG());
}

export async function synthSection(work: string): Promise<void> {
  const cliRuns = quick ? 1 : 3;
  out("## Synth");
  out(
    "Estate configs: ten prefixes per bucket, one shared trail, notifications on every third target (one target: " +
      "dedicated trail). `npm run synth` (the documented command) is `node scripts/build.mjs && node dist/main.js`, " +
      "whose build step is a hash check when nothing changed; `cdktf synth` runs the same app through the cdktf CLI " +
      `and writes the same bytes. App alone: ${RUNS} runs; the two commands: ${cliRuns} runs. Peak RSS: one run, ` +
      "largest process.",
  );
  out();
  const floor = summary(Array.from({ length: RUNS }, () => time(node, ["-e", ""])));
  const rows: Measured[] = [];
  for (const n of SIZES) {
    const file = path.join(work, `estate-${n}.json`);
    writeFileSync(file, JSON.stringify(estateConfig(n)));
    const outdir = path.join(work, `synth-${n}`);
    const env = { ...process.env, GLACIER_RESTORE_CONFIG: file, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    const fresh = () => rmSync(outdir, { recursive: true, force: true });
    const app = summary(
      Array.from({ length: RUNS }, () => {
        fresh();
        return time(node, ["dist/main.js"], env);
      }),
    );
    fresh();
    const appRss = peakRss(node, ["dist/main.js"], env);
    const stacks = readdirSync(path.join(outdir, "stacks")).length;
    const npm = summary(
      Array.from({ length: cliRuns }, () => {
        fresh();
        return time("npm", ["run", "--silent", "synth"], env);
      }),
    );
    fresh();
    const npmRss = peakRss("npm", ["run", "--silent", "synth"], env);
    const cliArgs = ["synth", "--output", outdir];
    const cli = summary(
      Array.from({ length: cliRuns }, () => {
        fresh();
        return time(cdktfCli, cliArgs, env);
      }),
    );
    fresh();
    const cliRss = peakRss(cdktfCli, cliArgs, env);
    rows.push({
      n,
      stacks,
      npm,
      app,
      cli,
      ...(npmRss !== undefined ? { npmRss } : {}),
      ...(appRss !== undefined ? { appRss } : {}),
      ...(cliRss !== undefined ? { cliRss } : {}),
    });
    fresh();
  }
  const mib = (v: number | undefined) => (v === undefined ? "n/a" : fmt(v, 0));
  const secs = (s: { min: number; median: number }) => `${fmt(s.min / 1000, 2)} / ${fmt(s.median / 1000, 2)}`;
  out(
    row([
      "targets",
      "stacks",
      "`npm run synth` s (min / median)",
      "RSS MiB",
      "`cdktf synth` s",
      "RSS MiB",
      "app alone s",
      "RSS MiB",
      "npm run synth ÷ 1 target",
    ]),
  );
  out(row(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]));
  out(row(["(empty `node`)", "-", "-", "-", "-", "-", secs(floor), "-", "-"]));
  const one = rows[0]!;
  for (const r of rows)
    out(
      row([
        r.n,
        r.stacks,
        secs(r.npm),
        mib(r.npmRss),
        secs(r.cli),
        mib(r.cliRss),
        secs(r.app),
        mib(r.appRss),
        fmt(r.npm.median / one.npm.median, 2),
      ]),
    );
  out();

  const largest = rows.at(-1)!;
  const hundred = rows.find((r) => r.n === 100)!;
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  out("Targets (from the issue), checked on the medians above:");
  out();
  out(row(["target", "measured", ""]));
  out(row(["---", "---:", "---"]));
  const rowFor = (label: string, value: string, ok: boolean) => out(row([label, value, verdict(ok)]));
  rowFor("1 target, documented command ≤ 3 s", `${fmt(one.npm.median / 1000, 2)} s`, one.npm.median <= 3000);
  rowFor("1 target, `cdktf synth` ≤ 3 s", `${fmt(one.cli.median / 1000, 2)} s`, one.cli.median <= 3000);
  rowFor(
    "100 targets ≤ 10 × 1 target (documented command)",
    `${fmt(hundred.npm.median / one.npm.median, 2)} ×`,
    hundred.npm.median <= 10 * one.npm.median,
  );
  rowFor(
    "100 targets ≤ 10 × 1 target (`cdktf synth`)",
    `${fmt(hundred.cli.median / one.cli.median, 2)} ×`,
    hundred.cli.median <= 10 * one.cli.median,
  );
  rowFor(
    "100 targets ≤ 10 × 1 target (app alone)",
    `${fmt(hundred.app.median / one.app.median, 2)} ×`,
    hundred.app.median <= 10 * one.app.median,
  );
  const rss300 = Math.max(largest.npmRss ?? 0, largest.cliRss ?? 0, largest.appRss ?? 0);
  rowFor(`${largest.n} targets peak RSS ≤ 1 GiB`, `${fmt(rss300, 0)} MiB`, rss300 > 0 && rss300 <= 1024);
  out();

  const chartFile = path.join(root, "bench", "synth-time.svg");
  await chart(rows, floor.median, chartFile);
  out("![synth time vs targets](synth-time.svg)");
  out();

  // How the app is run and built.
  const runners: [string, string, string[], NodeJS.ProcessEnv?][] = [
    ["node dist/main.js (precompiled by esbuild; this project)", node, ["dist/main.js"]],
    ["ts-node main.ts (type-checks while compiling; the cdktf template's runner)", tsNode, ["main.ts"]],
    ["ts-node --transpile-only main.ts", tsNode, ["--transpile-only", "main.ts"]],
  ];
  const oneConfig = path.join(work, "estate-1.json");
  out(`### Running the app (1 target, ${quick ? 1 : 3} runs)`);
  out(row(["how", "s (min / median)"]));
  out(row(["---", "---:"]));
  for (const [label, cmd, args] of runners) {
    const outdir = path.join(work, "runner-out");
    const env = { ...process.env, GLACIER_RESTORE_CONFIG: oneConfig, CDKTF_OUTDIR: outdir };
    const s = summary(Array.from({ length: quick ? 1 : 3 }, () => time(cmd, args, env)));
    rmSync(outdir, { recursive: true, force: true });
    out(row([label, `${fmt(s.min / 1000, 2)} / ${fmt(s.median / 1000, 2)}`]));
  }
  const build = summary(
    Array.from({ length: 3 }, () =>
      time(node, ["scripts/build.mjs"], { ...process.env, GLACIER_RESTORE_REBUILD: "1" }),
    ),
  );
  const check = summary(Array.from({ length: RUNS }, () => time(node, ["scripts/build.mjs"])));
  out(
    row([
      "scripts/build.mjs, full build (handler bundle + zip + app)",
      `${fmt(build.min / 1000, 2)} / ${fmt(build.median / 1000, 2)}`,
    ]),
  );
  out(
    row([
      "scripts/build.mjs, nothing changed (hash check only)",
      `${fmt(check.min / 1000, 2)} / ${fmt(check.median / 1000, 2)}`,
    ]),
  );
  out();

  const deep = deepProviderModules();
  const requireAll = (mods: string[]) => mods.map((m) => `require(${JSON.stringify(m)});`).join("");
  const imports: [string, string][] = [
    ["empty node", ""],
    ["require('cdktf')", requireAll(["cdktf"])],
    [`cdktf + the ${deep.length} provider classes used, by deep path`, requireAll(["cdktf", ...deep])],
    ["cdktf + the provider package barrel `@cdktf/provider-aws`", requireAll(["cdktf", "@cdktf/provider-aws"])],
  ];
  out(`### Import cost (separate processes, ${RUNS} runs, ms)`);
  out(row(["what", "min", "median", "peak RSS MiB"]));
  out(row(["---", "---:", "---:", "---:"]));
  for (const [label, code] of imports) {
    const s = summary(Array.from({ length: RUNS }, () => time(node, ["-e", code])));
    out(row([label, fmt(s.min, 0), fmt(s.median, 0), mib(peakRss(node, ["-e", code], process.env))]));
  }
  out();

  out(`### Where the app's time goes (medians of ${RUNS} runs, ms)`);
  const phaseSizes = [100, 300];
  const phaseRuns = phaseSizes.map((n) => {
    const runs = Array.from({ length: RUNS }, () => {
      const outdir = path.join(work, `phases-${n}`);
      const result = path.join(work, "phases.json");
      rmSync(outdir, { recursive: true, force: true });
      time(node, [
        path.join(root, "dist", "bench", "synth-phases.js"),
        path.join(work, `estate-${n}.json`),
        outdir,
        result,
      ]);
      return JSON.parse(readFileSync(result, "utf8")) as Record<string, number>;
    });
    return { n, runs };
  });
  const phases = Object.keys(phaseRuns[0]!.runs[0]!).filter((k) => k !== "stacks");
  out(
    row([
      "phase",
      ...phaseSizes.map((n) => `${n} targets (${phaseRuns.find((p) => p.n === n)!.runs[0]!.stacks} stacks)`),
    ]),
  );
  out(row(["---", ...phaseSizes.map(() => "---:")]));
  for (const phase of phases) out(row([phase, ...phaseRuns.map((p) => fmt(median(p.runs.map((r) => r[phase]!)), 0))]));
  out();

  profileSection(work, SIZES.at(-1)!);
}

/** Self time of the app by where it is spent, from V8's CPU profile of one synth of `n` targets. */
function profileSection(work: string, n: number): void {
  const dir = path.join(work, "profile");
  rmSync(dir, { recursive: true, force: true });
  const outdir = path.join(work, "profile-out");
  time(node, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "dist/main.js"], {
    ...process.env,
    GLACIER_RESTORE_CONFIG: path.join(work, `estate-${n}.json`),
    CDKTF_OUTDIR: outdir,
  });
  const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!), "utf8")) as {
    nodes: { id: number; callFrame: { functionName: string; url: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((x) => [x.id, x.callFrame]));
  const category = (f: { functionName: string; url: string }): string => {
    if (f.url.includes("stack-trace") || /StackTrace|get stack/.test(f.functionName))
      return "stack traces CDKTF captures for every token it creates";
    if (f.url.includes("cdktf/lib/tokens")) return "CDKTF token resolution and encoding";
    if (f.functionName === "(garbage collector)") return "garbage collection";
    if (/^(mkdir|writeFileUtf8|copyFile|open|close|write)/.test(f.functionName) || f.url.startsWith("node:fs"))
      return "file system (stack directories, JSON, asset copies)";
    if (f.url.includes("modules/cjs") || f.functionName === "compileFunction") return "loading modules";
    if (f.url.includes("node_modules/cdktf") || f.url.includes("node_modules/constructs"))
      return "other CDKTF/constructs code (construct tree, toTerraform)";
    if (f.url.includes("dist/main.js")) return "this app's own code (config, constructs' constructors)";
    return "other (Node internals, crypto, JSON)";
  };
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    all += ms;
    const c = category(byId.get(id)!);
    totals.set(c, (totals.get(c) ?? 0) + ms);
  });
  out(`### CPU profile of one synth of ${n} targets (app alone, self time)`);
  out(row(["where", "ms", "share"]));
  out(row(["---", "---:", "---:"]));
  for (const [c, ms] of [...totals.entries()].sort((a, b) => b[1] - a[1]))
    out(row([c, fmt(ms, 0), `${fmt((100 * ms) / all, 0)} %`]));
  out();
}
