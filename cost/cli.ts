/**
 * `npm run cost -- [options]`: prints the estimated monthly cost of the configured stacks as Markdown.
 * Usage figures come from a JSON file (--usage: for every target, per bucket split by share, per target)
 * and/or flags (for every target); anything not given uses DEFAULT_USAGE.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { JsonSyntaxError, parseJson } from "../core/json";
import { loadConfig } from "../config/load";
import type { ResolvedConfig } from "../config/resolve";
import { endOnError, GlacierRestoreError } from "../core/errors";
import {
  DEFAULT_USAGE,
  estimateTarget,
  logTriggerStackAlarms,
  logTriggerStackCost,
  whatIf,
  type Prices,
  type Usage,
} from "./estimate";
import { loadPrices } from "./price-table";
import { checkFigures, figureProblem, planUsage, type UsagePlan } from "./usage";

const FLAGS: Record<string, { key: keyof Usage }> = {
  "--get-objects": { key: "getObjectsPerMonth" },
  "--reader-share": { key: "readerShare" },
  "--archived-reads": { key: "archivedReadsPerMonth" },
  "--failed-reads-per-object": { key: "failedReadsPerArchivedObject" },
  "--object-gb": { key: "meanObjectSizeGB" },
  "--deep-archive-share": { key: "deepArchiveShare" },
  "--record-bytes": { key: "cloudTrailRecordBytes" },
  "--lambda-ms": { key: "lambdaMsPerInvocation" },
  "--directory-expansion": { key: "directoryExpansion" },
};

export const HELP = `Usage: npm run cost -- [--usage <file.json>] [figure flags] [--help]

Estimated monthly cost of the configured stacks (cdktf.json or GLACIER_RESTORE_CONFIG), per target, with
what other choices would cost. Prices: cost/prices.json (us-east-1 list prices, with their review date).

Figure flags (apply to every target; they override the file's top-level figures):
${Object.entries(FLAGS)
  .map(([flag, { key }]) => `  ${flag.padEnd(27)} ${key} (default ${DEFAULT_USAGE[key]})`)
  .join("\n")}

--usage <file.json>: the same figures as keys, plus
  "buckets": { "<bucket>": { <figures for the whole bucket>, "shares": { "<target>": 0.75 } } }
      getObjectsPerMonth and archivedReadsPerMonth are split between the bucket's targets by share
      (targets without a share split what is left equally); other figures apply as given.
  "targets": { "<target>": { <figures for that target only> } }
The report says which figures each target was estimated with.

The restore policy changes the restores priced: mode "observe" makes none (the line says what restoring
would cost); restoreScope "directory" multiplies them by directoryExpansion (objects restored per archived
read, the read one included; default ${DEFAULT_USAGE.directoryExpansion}, an assumption: at most directory.maxObjects); a budget caps the
month's restores at 30 × maxRestoresPerDay and 30 × maxGBPerDay (a "Daily budget" line says whether it binds).

Exit status: 0 printed, 1 bad figures or configuration, 2 bad usage of the command.
`;

/**
 * Bad usage figures or options, all named at once: "usage" (exit 2) when the command itself was used
 * wrongly (an unknown option, a flag without its number), "configuration" (exit 1) for bad figures.
 */
export class UsageError extends GlacierRestoreError {
  constructor(problems: readonly string[], misused: boolean) {
    super(misused ? "usage" : "configuration", problems.join("\n"));
    this.name = "UsageError";
  }
}

/** The figures for every target (defaults < file top level < flags) and the raw file; every problem named. */
function readUsage(
  argv: readonly string[],
  readFile: (file: string) => string,
): { global: Usage; file: Record<string, unknown>; problems: string[]; misused: boolean } {
  const problems: string[] = [];
  let misused = false;
  let values: Usage = { ...DEFAULT_USAGE };
  let file: Record<string, unknown> = {};
  const usageAt = argv.indexOf("--usage");
  if (usageAt >= 0) {
    const name = argv[usageAt + 1];
    if (!name) {
      problems.push("--usage: needs a JSON file");
      misused = true;
    } else
      try {
        const parsed = parseJson(readFile(name));
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
          problems.push(`--usage: ${name} must hold a JSON object of usage figures`);
        else {
          file = parsed as Record<string, unknown>;
          values = { ...values, ...checkFigures(file, name, problems, ["buckets", "targets"]) };
        }
      } catch (err) {
        problems.push(
          err instanceof JsonSyntaxError
            ? `--usage: ${name} is not valid JSON at ${err.message}`
            : `--usage: cannot read ${name} (${(err as Error).message})`,
        );
      }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--usage") {
      i++;
      continue;
    }
    const flag = FLAGS[arg];
    if (!flag) {
      problems.push(`${arg}: unknown option; allowed: --usage <file>, ${Object.keys(FLAGS).join(", ")}, --help`);
      misused = true;
      continue;
    }
    const raw = argv[++i];
    const value = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
    if (Number.isNaN(value)) {
      problems.push(`${arg}: must be followed by a number; got ${raw === undefined ? "nothing" : JSON.stringify(raw)}`);
      misused = true;
      continue;
    }
    const problem = figureProblem(flag.key, value);
    if (problem) problems.push(problem);
    else values = { ...values, [flag.key]: value };
  }
  return { global: values, file, problems, misused };
}

/** Usage figures for every target from a JSON file and flags (flags win); every value checked. */
export function parseUsage(argv: readonly string[], readFile: (file: string) => string): Usage {
  const { global, problems, misused } = readUsage(argv, readFile);
  if (problems.length > 0) throw new UsageError(problems, misused);
  return global;
}

/** Each target's figures (for every target, per bucket by share, per target) for a configuration. */
export function parseUsagePlan(
  argv: readonly string[],
  readFile: (file: string) => string,
  config: ResolvedConfig,
): UsagePlan {
  const { global, file, problems, misused } = readUsage(argv, readFile);
  const plan = planUsage(global, file, config, problems);
  if (problems.length > 0) throw new UsageError(problems, misused);
  return plan;
}

const usd = (v: number) => `${v < 0.01 && v > 0 ? "< 0.01" : v.toFixed(2)}`;

const figures = (u: Usage) =>
  Object.entries(u)
    .map(([k, v]) => `${k} ${Number(v.toFixed(4))}`)
    .join(", ");

export function report(config: ResolvedConfig, plan: UsagePlan, prices: Prices): string {
  const out: string[] = [
    "# glacier-restore: estimated monthly cost",
    "",
    `Prices: ${prices.region} list prices in ${prices.currency}, reviewed ${prices.reviewed} (cost/prices.json).`,
  ];
  const elsewhere = config.targets.filter((t) => t.region !== prices.region);
  if (elsewhere.length > 0)
    out.push(
      `**Prices are for ${prices.region}**; ${elsewhere.map((t) => `${t.name} (${t.region})`).join(", ")} deploy elsewhere, where list prices can differ: compare with that region's pricing pages.`,
    );
  for (const note of plan.notes) out.push(note);
  out.push("");
  let total = 0;
  for (const target of config.targets) {
    const { usage, basis } = plan.of(target);
    const e = estimateTarget(target, usage, prices.prices);
    total += e.total;
    out.push(`## ${e.target}: ${usd(e.total)} ${prices.currency} / month`, "");
    out.push(`Usage: ${basis}: ${figures(usage)}.`, "");
    out.push("| item | per month | basis |", "| --- | ---: | --- |");
    for (const l of e.lines) out.push(`| ${l.item} | ${usd(l.monthly)} | ${l.basis} |`);
    out.push("", "What a choice changes (this target, per month):", "", "| choice | per month |", "| --- | ---: |");
    for (const w of whatIf(target, usage, prices.prices)) out.push(`| ${w.choice} | ${usd(w.monthly)} |`);
    out.push("");
  }
  if (config.logTriggers.length > 0) {
    // Shared by the targets of one log group, so counted once per group (their per-read cost is in each target).
    out.push("## Log-trigger stacks", "", "| stack | per month | basis |", "| --- | ---: | --- |");
    for (const g of config.logTriggers) {
      const monthly = logTriggerStackCost(g, prices.prices);
      const alarms = logTriggerStackAlarms(g);
      total += monthly;
      const fsx = alarms.fsxImport
        ? ` + ${alarms.fsxImport} of its FSx import (rule deliveries, dead-letter queue, errors)`
        : "";
      out.push(
        `| ${g.stackName} | ${usd(monthly)} | ${alarms.router} alarms (router errors, router dead-letter queue)${fsx}; ${g.logGroupName} feeds ${g.routes.map((r) => r.target).join(", ")} |`,
      );
    }
    out.push("");
  }
  out.push(`**Total: ${usd(total)} ${prices.currency} / month for ${config.targets.length} target(s).**`, "");
  return out.join("\n");
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  void endOnError(() => {
    if (argv.includes("--help") || argv.includes("-h")) return void process.stdout.write(HELP);
    const config = loadConfig(process.cwd(), process.env);
    const plan = parseUsagePlan(argv, (f) => readFileSync(path.resolve(f), "utf8"), config);
    process.stdout.write(report(config, plan, loadPrices()));
  }, process);
}
