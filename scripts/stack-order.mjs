// Lists the synthesized stacks in the order they must be applied, from cdktf.out/manifest.json: every stack
// after the stacks it depends on (shared trails before their targets, targets before the bucket
// notification stacks that name their topics). Stacks with local state (state-bootstrap) are left out
// unless --include-local: CI cannot keep their state.
// With --removed <previous manifest.json> it instead lists the stacks the previous synthesis had and this one
// has not (targets removed from the configuration, whose deployed resources keep running and billing) and
// exits 1 when there is any, so a pipeline stops before applying around them.
// The output directory follows the project's one rule (scripts/output-dir.cjs): --output (or --outdir),
// else $CDKTF_OUTDIR, else cdktf.json's "output", else cdktf.out.
// Usage: node scripts/stack-order.mjs [--output dir] [--json] [--include-local]
//        node scripts/stack-order.mjs [--output dir] [--json] --removed <previous cdktf.out/manifest.json>
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { outputDirectory } from "./output-dir.cjs";

/** Topological order (Kahn), ties broken by name so the order is stable. Throws on a cycle. */
export function applyOrder(manifest) {
  const stacks = manifest.stacks ?? {};
  const names = Object.keys(stacks).sort();
  const waiting = new Map(names.map((n) => [n, new Set(stacks[n].dependencies ?? [])]));
  for (const [name, deps] of waiting)
    for (const dep of deps)
      if (!waiting.has(dep)) throw new Error(`stack ${name} depends on ${dep}, which is not in the manifest`);
  const order = [];
  while (waiting.size > 0) {
    const ready = [...waiting.entries()].filter(([, deps]) => deps.size === 0).map(([n]) => n);
    if (ready.length === 0) throw new Error(`dependency cycle among stacks: ${[...waiting.keys()].join(", ")}`);
    for (const name of ready) {
      order.push(name);
      waiting.delete(name);
      for (const deps of waiting.values()) deps.delete(name);
    }
  }
  return order;
}

/** Stacks in the previous manifest that the current one no longer has, by name. */
export function removedStacks(previous, current) {
  const now = new Set(Object.keys(current.stacks ?? {}));
  return Object.keys(previous.stacks ?? {})
    .filter((name) => !now.has(name))
    .sort();
}

/** Whether a synthesized stack keeps its state locally (no remote backend). */
export function hasLocalState(outdir, manifest, name) {
  const stack = JSON.parse(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  return Boolean(stack.terraform?.backend?.local);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const { dir: outdir, source } = outputDirectory({ argv: args });
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) {
    process.stderr.write(
      `stack-order: ${manifestFile} not found (run npm run synth first) (output directory from ${source})\n`,
    );
    process.exit(1);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  if (args.includes("--removed")) {
    const previousFile = args[args.indexOf("--removed") + 1];
    if (!previousFile || !existsSync(previousFile)) {
      process.stderr.write(
        `stack-order: --removed needs the previous manifest.json (got ${previousFile ?? "nothing"})\n`,
      );
      process.exit(2);
    }
    const removed = removedStacks(JSON.parse(readFileSync(previousFile, "utf8")), manifest);
    process.stdout.write(
      args.includes("--json") ? `${JSON.stringify(removed)}\n` : removed.map((n) => `${n}\n`).join(""),
    );
    if (removed.length > 0) {
      process.stderr.write(
        `stack-order: ${removed.length} stack(s) were deployed from the previous configuration but are no longer configured: ${removed.join(", ")}.\n` +
          `Their resources keep running (and the trail keeps billing data events) until destroyed: run terraform destroy in each (docs/operations.md, "Retiring a target"), then apply again.\n`,
      );
      process.exit(1);
    }
    process.exit(0);
  }
  const order = applyOrder(manifest).filter(
    (name) => args.includes("--include-local") || !hasLocalState(outdir, manifest, name),
  );
  process.stdout.write(args.includes("--json") ? `${JSON.stringify(order)}\n` : `${order.join("\n")}\n`);
}
