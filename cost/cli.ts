/**
 * `npm run cost -- [options]`: prints the estimated monthly cost of the configured stacks as Markdown.
 * Usage figures come from a JSON file (--usage) and/or flags; anything not given uses DEFAULT_USAGE.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { JsonSyntaxError, parseJson } from "../core/json";
import { loadConfig } from "../config/load";
import { ConfigError } from "../config/resolve";
import { DEFAULT_USAGE, estimate, whatIf, type Prices, type Usage } from "./estimate";

const FLAGS: Record<string, { key: keyof Usage; share?: boolean }> = {
  "--get-objects": { key: "getObjectsPerMonth" },
  "--reader-share": { key: "readerShare", share: true },
  "--archived-reads": { key: "archivedReadsPerMonth" },
  "--failed-reads-per-object": { key: "failedReadsPerArchivedObject" },
  "--object-gb": { key: "meanObjectSizeGB" },
  "--deep-archive-share": { key: "deepArchiveShare", share: true },
  "--record-bytes": { key: "cloudTrailRecordBytes" },
  "--lambda-ms": { key: "lambdaMsPerInvocation" },
};

export class UsageError extends Error {}

/** Usage figures from a JSON object and flags (flags win); every value checked, every problem named. */
export function parseUsage(argv: readonly string[], readFile: (file: string) => string): Usage {
  const problems: string[] = [];
  const values: Record<string, unknown> = { ...DEFAULT_USAGE };
  const usageAt = argv.indexOf("--usage");
  if (usageAt >= 0) {
    const file = argv[usageAt + 1];
    if (!file) problems.push("--usage: needs a JSON file");
    else
      try {
        const fromFile = parseJson(readFile(file)) as Record<string, unknown>;
        for (const [key, value] of Object.entries(fromFile)) {
          if (!(key in DEFAULT_USAGE))
            problems.push(`${file}: unknown key "${key}"; allowed: ${Object.keys(DEFAULT_USAGE).join(", ")}`);
          values[key] = value;
        }
      } catch (err) {
        problems.push(
          err instanceof JsonSyntaxError
            ? `--usage: ${file} is not valid JSON at ${err.message}`
            : `--usage: cannot read ${file} (${(err as Error).message})`,
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
      problems.push(`${arg}: unknown option; allowed: --usage <file>, ${Object.keys(FLAGS).join(", ")}`);
      continue;
    }
    const raw = argv[++i];
    const value = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
    if (Number.isNaN(value)) {
      problems.push(`${arg}: must be followed by a number; got ${raw === undefined ? "nothing" : JSON.stringify(raw)}`);
      values[flag.key] = DEFAULT_USAGE[flag.key];
    } else values[flag.key] = value;
  }
  for (const [key, value] of Object.entries(values)) {
    const share = Object.values(FLAGS).find((f) => f.key === key)?.share;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      problems.push(`${key}: must be a number of at least 0; got ${JSON.stringify(value)}`);
    else if (share && value > 1) problems.push(`${key}: is a share, from 0 to 1; got ${value}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return values as unknown as Usage;
}

const usd = (v: number) => `${v < 0.01 && v > 0 ? "< 0.01" : v.toFixed(2)}`;

export function report(config: ReturnType<typeof loadConfig>, usage: Usage, prices: Prices): string {
  const e = estimate(config, usage, prices);
  const out: string[] = [
    "# glacier-restore: estimated monthly cost",
    "",
    `Prices: ${prices.region} list prices in ${prices.currency}, reviewed ${prices.reviewed} (cost/prices.json).`,
    `Usage per target: ${Object.entries(usage)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
  ];
  e.targets.forEach((t, i) => {
    const target = config.targets[i]!;
    out.push(`## ${t.target}: ${usd(t.total)} ${prices.currency} / month`, "");
    out.push("| item | per month | basis |", "| --- | ---: | --- |");
    for (const l of t.lines) out.push(`| ${l.item} | ${usd(l.monthly)} | ${l.basis} |`);
    out.push("", "What a choice changes (this target, per month):", "", "| choice | per month |", "| --- | ---: |");
    for (const w of whatIf(target, usage, prices.prices)) out.push(`| ${w.choice} | ${usd(w.monthly)} |`);
    out.push("");
  });
  out.push(`**Total: ${usd(e.total)} ${prices.currency} / month for ${e.targets.length} target(s).**`, "");
  return out.join("\n");
}

if (require.main === module) {
  try {
    const usage = parseUsage(process.argv.slice(2), (f) => readFileSync(path.resolve(f), "utf8"));
    const config = loadConfig(process.cwd(), process.env);
    const prices = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "cost", "prices.json"), "utf8")) as Prices;
    process.stdout.write(report(config, usage, prices));
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
