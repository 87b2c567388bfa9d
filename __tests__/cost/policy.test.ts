/**
 * The cost estimate follows the restore policy (observe, directory, budget), and counts exactly the alarms
 * the synthesized stacks hold. Figures are computed by hand from cost/prices.json: Glacier Expedited 10 USD
 * per 1,000 requests + 0.03 per GB, Deep Archive Standard 0.10 per 1,000 + 0.02 per GB; 80 % Glacier, 1 GB each.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resolveConfig, type ResolvedTarget } from "../../config/resolve";
import { parseUsage, report, parseUsagePlan, UsageError } from "../../cost/cli";
import {
  DEFAULT_USAGE,
  estimateTarget,
  logTriggerStackAlarms,
  targetAlarms,
  whatIf,
  type Prices,
  type Usage,
} from "../../cost/estimate";
import { exampleConfig } from "../../testing/config";
import { proofConfigurations } from "../../testing/configurations";
import { all, synthConfig } from "../../testing/synth";

const root = path.join(__dirname, "..", "..");
const prices = JSON.parse(readFileSync(path.join(root, "cost", "prices.json"), "utf8")) as Prices;
const usage: Usage = { ...DEFAULT_USAGE, archivedReadsPerMonth: 1_000 };

function target(patch: (t: Record<string, any>) => void = () => undefined): ResolvedTarget {
  const raw = exampleConfig();
  patch(raw.targets[0]);
  return resolveConfig(raw).targets[0]!;
}
const lineOf = (t: ResolvedTarget, item: string, u = usage) =>
  estimateTarget(t, u, prices.prices).lines.find((l) => l.item === item);
const restores = (t: ResolvedTarget, u = usage) => lineOf(t, "Restores (requests + retrieval)", u)!.monthly;

/** 1,000 restores: 800 Glacier Expedited (8 + 24) and 200 Deep Archive Standard (0.02 + 4) USD. */
const PER_1000 = 36.02;

describe("mode observe", () => {
  it("prices no restore and no restored copy, and says what restoring would cost", () => {
    const observing = target((t) => (t.mode = "observe"));
    const line = lineOf(observing, "Restores (requests + retrieval)")!;
    expect(line.monthly).toBe(0);
    expect(line.basis).toBe(
      'mode observe: none made (with mode "restore": 36.02 USD; 800 GLACIER (Expedited), 200 DEEP_ARCHIVE (Standard) × 1 GB)',
    );
    expect(lineOf(observing, "Restored copies (S3 Standard)")!.monthly).toBe(0);
    // Switching it on is the what-if row: exactly the same target in mode "restore".
    const row = whatIf(observing, usage, prices.prices).find((r) => r.choice === 'mode "restore"')!;
    expect(row.monthly).toBeCloseTo(estimateTarget(target(), usage, prices.prices).total, 9);
  });

  it("sends no restore notifications while observing", () => {
    const observing = target((t) => {
      t.mode = "observe";
      t.notifications = { email: ["a@example.com"] };
    });
    // Only the key (1 USD) is left: no message, no email, no KMS request.
    expect(lineOf(observing, "Notifications (SNS, KMS key)")!.monthly).toBeCloseTo(1, 9);
  });
});

describe("restoreScope directory", () => {
  it("multiplies the restores by directoryExpansion (default 10: 10,000 restores)", () => {
    const dir = target((t) => (t.restoreScope = "directory"));
    // 8,000 Glacier Expedited: 80 + 240; 2,000 Deep Archive Standard: 0.2 + 40.
    expect(restores(dir)).toBeCloseTo(360.2, 9);
    expect(lineOf(dir, "Restores (requests + retrieval)")!.basis).toBe(
      "8,000 GLACIER (Expedited), 2,000 DEEP_ARCHIVE (Standard) × 1 GB (restoreScope directory: 1,000 archived reads × 10 objects each)",
    );
    // Restored copies: 10,000 GB for 1 day at 0.023 per GB-month.
    expect(lineOf(dir, "Restored copies (S3 Standard)")!.monthly).toBeCloseTo((10_000 * 0.023) / 30, 9);
  });

  it("takes the expansion from the usage figures, at most directory.maxObjects", () => {
    const dir = target((t) => (t.restoreScope = "directory"));
    // 3,000 restores: 2,400 Glacier (24 + 72) and 600 Deep Archive (0.06 + 12).
    expect(restores(dir, { ...usage, directoryExpansion: 3 })).toBeCloseTo(108.06, 9);
    const capped = target((t) => {
      t.restoreScope = "directory";
      t.directory = { maxObjects: 2 };
    });
    expect(restores(capped, { ...usage, directoryExpansion: 3 })).toBeCloseTo(2 * PER_1000, 9);
    expect(lineOf(capped, "Restores (requests + retrieval)", { ...usage, directoryExpansion: 3 })!.basis).toContain(
      "1,000 archived reads × 2 objects each, directory.maxObjects caps directoryExpansion 3",
    );
  });

  it("changes nothing for restoreScope object", () => {
    expect(restores(target(), { ...usage, directoryExpansion: 50 })).toBeCloseTo(PER_1000, 9);
  });
});

describe("budget", () => {
  it("caps the month's restores at 30 × maxRestoresPerDay, with a line that says so", () => {
    const budgeted = target((t) => (t.budget = { maxRestoresPerDay: 10 }));
    // 300 of 1,000: 240 Glacier (2.4 + 7.2) and 60 Deep Archive (0.006 + 1.2).
    expect(restores(budgeted)).toBeCloseTo(10.806, 9);
    expect(lineOf(budgeted, "Daily budget")).toEqual({
      item: "Daily budget",
      monthly: 0,
      basis:
        "the budget allows 300 restores (30 × maxRestoresPerDay 10) a month: 300 of 1,000 restores are made, the rest wait in the deferred queue (redrive them)",
    });
  });

  it("caps them at 30 × maxGBPerDay (GB of 10^9 bytes, objects of 1 GiB)", () => {
    const budgeted = target((t) => (t.budget = { maxGBPerDay: 10 }));
    const share = 300e9 / (1000 * 1024 ** 3);
    expect(restores(budgeted)).toBeCloseTo(PER_1000 * share, 9);
    expect(lineOf(budgeted, "Daily budget")!.basis).toContain("the budget allows 300 GB (30 × maxGBPerDay 10) a month");
  });

  it("counts the directory's siblings against the budget, and says when everything fits", () => {
    const both = target((t) => {
      t.restoreScope = "directory";
      t.budget = { maxRestoresPerDay: 100 };
    });
    // 10,000 wanted, 3,000 allowed: three times the 1,000-restore figure.
    expect(restores(both)).toBeCloseTo(3 * PER_1000, 9);
    const roomy = target((t) => (t.budget = { maxRestoresPerDay: 1000, maxGBPerDay: 1000 }));
    expect(restores(roomy)).toBeCloseTo(PER_1000, 9);
    expect(lineOf(roomy, "Daily budget")!.basis).toBe(
      "the budget allows 30,000 restores (30 × maxRestoresPerDay 1,000) and 30,000 GB (30 × maxGBPerDay 1,000) a month: all 1,000 restores fit",
    );
    expect(lineOf(target(), "Daily budget")).toBeUndefined();
  });
});

describe("directoryExpansion as a usage figure", () => {
  it("is read from flags and files, and must be at least 1", () => {
    expect(parseUsage(["--directory-expansion", "4"], () => "").directoryExpansion).toBe(4);
    expect(() => parseUsage(["--directory-expansion", "0.5"], () => "")).toThrow(
      new UsageError(["directoryExpansion: must be at least 1 (the object read is restored too); got 0.5"], false),
    );
    expect(() =>
      parseUsage(["--usage", "u.json"], () => JSON.stringify({ targets: {}, directoryExpansion: 0 })),
    ).toThrow("u.json.directoryExpansion: must be at least 1 (the object read is restored too); got 0");
    const config = resolveConfig(exampleConfig());
    expect(() =>
      parseUsagePlan(
        ["--usage", "u.json"],
        () => JSON.stringify({ targets: { "genomics-raw": { directoryExpansion: -1 } } }),
        config,
      ),
    ).toThrow("targets.genomics-raw.directoryExpansion: must be a number of at least 0; got -1");
  });
});

describe("alarm count", () => {
  // Every proof configuration, synthesized as deployed: the estimate counts each stack's alarms.
  it.each(Object.entries(proofConfigurations()))("matches the synthesized stacks of %s", (_, raw) => {
    const { config, stacks } = synthConfig(raw);
    const synthesized = Object.fromEntries(
      Object.entries(stacks)
        .map(([name, s]) => [name, all(s, "aws_cloudwatch_metric_alarm").length] as const)
        .filter(([, count]) => count > 0),
    );
    const estimated: Record<string, number> = {};
    for (const t of config.targets) if (targetAlarms(t) > 0) estimated[t.name] = targetAlarms(t);
    for (const g of config.logTriggers) {
      const { router, fsxImport } = logTriggerStackAlarms(g);
      estimated[g.stackName] = router + fsxImport;
    }
    expect(estimated).toEqual(synthesized);
  });

  it("prices the FSx import's alarms in its log group's stack", () => {
    const config = resolveConfig(proofConfigurations()["fsx-import"]);
    const text = report(
      config,
      parseUsagePlan([], () => "", config),
      prices,
    );
    // Router: 2. Import: one scope (raw/runs/ lies inside raw/, so one rule): its 3 delivery alarms, the
    // dead-letter queue and errors = 5. 7 × 0.10 USD.
    expect(text).toContain(
      "| 0.70 | 2 alarms (router errors, router dead-letter queue) + 5 of its FSx import (rule deliveries, dead-letter queue, errors); /aws/fsx/lustre feeds lab-raw |",
    );
  });

  it("counts the deferred queue's alarm of a budgeted target", () => {
    // 6 (queue, errors, throttles, rule failed / dead-lettered / not dead-lettered) + deferred.
    expect(
      lineOf(
        target((t) => (t.budget = { maxRestoresPerDay: 5 })),
        "CloudWatch alarms",
      )!.monthly,
    ).toBeCloseTo(0.7, 9);
  });
});
