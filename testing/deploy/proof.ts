import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { motoAvailable } from "../moto";
import { synthToDisk } from "../synth";
import { terraformAvailable } from "../terraform";
import { worldOf, type DeployConfiguration } from "./configuration";
import { classifyChanges } from "./moto-gaps";
import { compareStack, readBack, type MotoDump } from "./readback";
import { seedDefect } from "./seeds";
import { applyStack, destroyStack, planAgain, prepareStack, showState, type StackWork } from "./stack-run";

/** One row of the deploy proof's table. */
export interface StackRow {
  stack: string;
  resources?: number;
  applySeconds?: number;
  gaps: string[];
  unexpected: string[];
  destroySeconds?: number;
}

/** Fails, never skips, when a tool the layer needs is missing: the message says which and how to get it. */
export function requireTools(): void {
  const missing = [motoAvailable(), terraformAvailable()].filter((c) => !c.ok).map((c) => c.why);
  if (missing.length > 0)
    throw new Error(
      `deploy proof cannot run: ${missing.join("; ")}. It needs python3 with moto 5.2.1, terraform, and the ` +
        `provider mirror that scripts/find-tf-mirror.sh finds (npm run test:deploy sets TF_PLUGIN_DIR from it).`,
    );
}

/** Stacks in apply order (scripts/stack-order.mjs, the state bootstrap included) with their dependencies. */
export function stackGraph(outdir: string, only?: string[]): { order: string[]; deps: Map<string, string[]> } {
  const out = execFileSync("node", ["scripts/stack-order.mjs", "--outdir", outdir, "--json", "--include-local"], {
    encoding: "utf8",
  });
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const deps = new Map<string, string[]>();
  for (const name of JSON.parse(out) as string[]) deps.set(name, manifest.stacks[name].dependencies ?? []);
  if (!only) return { order: [...deps.keys()], deps };
  const keep = new Set<string>();
  const add = (name: string) => {
    if (!deps.has(name)) throw new Error(`DEPLOY_PROOF_ONLY names ${name}, which is not a stack`);
    keep.add(name);
    deps.get(name)!.forEach(add);
  };
  only.forEach(add);
  return { order: [...deps.keys()].filter((n) => keep.has(n)), deps };
}

/** Runs `job` on every stack, each after the stacks `blockers` names are done, at most `width` at once. */
async function inGraphOrder(
  order: string[],
  blockers: (name: string) => string[],
  width: number,
  job: (name: string) => Promise<void>,
): Promise<void> {
  const done = new Set<string>();
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  while (done.size < order.length) {
    for (const name of order) {
      if (running.size >= width) break;
      if (started.has(name) || !blockers(name).every((b) => done.has(b) || !order.includes(b))) continue;
      started.add(name);
      running.set(
        name,
        job(name).then(() => {
          running.delete(name);
          done.add(name);
        }),
      );
    }
    await Promise.race(running.values());
  }
}

const regionOf = (work: StackWork): string => work.stack.provider.aws[0].region;

export interface ProofOptions {
  endpoint: string;
  width: number;
  only?: string[];
  seed?: string;
  log: (line: string) => void;
}

/** Synthesizes, applies in order, plans again, reads back, destroys in reverse order, looks for leftovers. */
export async function runDeployProof(configuration: DeployConfiguration, options: ProofOptions) {
  const { outdir } = synthToDisk(configuration.raw);
  const workRoot = mkdtempSync(path.join(tmpdir(), "gr-deploy-"));
  const { order, deps } = stackGraph(outdir, options.only);
  const works = new Map(order.map((n) => [n, prepareStack(outdir, workRoot, n, options.endpoint)]));
  if (options.seed) options.log(seedDefect(options.seed, [...works.values()]));
  const rows = new Map<string, StackRow>(order.map((n) => [n, { stack: n, gaps: [], unexpected: [] }]));
  options.log(`deploy proof: ${order.length} stacks in ${workRoot}, ${options.width} at a time`);
  const regions = [...new Set([...works.values()].map(regionOf))].sort();
  execFileSync("python3", [path.join("testing", "deploy", "world.py"), options.endpoint], {
    input: JSON.stringify(worldOf(configuration.raw)),
  });
  // What moto holds before any stack: the world above, and nothing must differ from it after the destroys.
  const before = readBack(options.endpoint, ["--leftovers", ...regions]);

  await inGraphOrder(
    order,
    (n) => deps.get(n)!,
    options.width,
    async (name) => {
      const row = rows.get(name)!;
      const applied = await applyStack(works.get(name)!);
      Object.assign(row, { resources: applied.resources, applySeconds: applied.seconds });
      Object.assign(row, classifyChanges(await planAgain(works.get(name)!)));
      options.log(`applied ${name} in ${applied.seconds.toFixed(0)} s; re-plan: ${row.unexpected.length} unexpected`);
    },
  );

  const dump = readBack(options.endpoint, regions);
  const readbackProblems: string[] = [];
  for (const work of works.values())
    readbackProblems.push(...compareStack(work, await showState(work), dump[regionOf(work)]!));

  const dependents = (name: string) => order.filter((n) => deps.get(n)!.includes(name));
  const guardProblems: string[] = [];
  await inGraphOrder([...order].reverse(), dependents, options.width, async (name) => {
    const work = works.get(name)!;
    const guarded = JSON.stringify(work.stack).includes('"prevent_destroy":true');
    if (guarded) guardProblems.push(...(await expectGuardHolds(work)));
    rows.get(name)!.destroySeconds = await destroyStack(work, { allowDestroy: guarded && !options.seed });
    options.log(`destroyed ${name}`);
  });
  const leftovers = leftoversSince(before, readBack(options.endpoint, ["--leftovers", ...regions]));
  return { rows: [...rows.values()], readbackProblems, guardProblems, leftovers, workRoot };
}

/** Names moto holds now that it did not hold before the first apply, by region and kind. */
function leftoversSince(before: MotoDump, after: MotoDump): Record<string, Record<string, string[]>> {
  const found: Record<string, Record<string, string[]>> = {};
  for (const [region, kinds] of Object.entries(after))
    for (const [kind, names] of Object.entries(kinds as Record<string, string[]>)) {
      const had = new Set((before[region]?.[kind] ?? []) as string[]);
      const extra = names.filter((n) => !had.has(n));
      if (extra.length > 0) (found[region] ??= {})[kind] = extra;
    }
  return found;
}

/** A stack whose resources set prevent_destroy must refuse a plain destroy (the state bootstrap's guard). */
async function expectGuardHolds(work: StackWork): Promise<string[]> {
  try {
    await destroyStack(work);
  } catch (err) {
    if (/prevent_destroy/.test((err as Error).message)) return [];
    throw err;
  }
  return [`${work.name}: terraform destroy succeeded although the stack sets prevent_destroy`];
}

/** The table the layer prints. */
export function formatTable(rows: StackRow[]): string {
  const header = ["stack", "resources", "apply s", "plan diff", "destroy s"];
  const cells = rows.map((r) => [
    r.stack,
    String(r.resources ?? "-"),
    r.applySeconds?.toFixed(0) ?? "-",
    r.unexpected.length > 0
      ? `${r.unexpected.length} UNEXPECTED`
      : r.gaps.length > 0
        ? `${r.gaps.length} moto gap`
        : "none",
    r.destroySeconds?.toFixed(0) ?? "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
