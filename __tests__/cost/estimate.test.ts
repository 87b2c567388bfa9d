import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { resolveConfig, type ResolvedTarget } from "../../config/resolve";
import { HELP, parseUsage, parseUsagePlan, report, UsageError } from "../../cost/cli";
import { DEFAULT_USAGE, estimateTarget, whatIf, type Prices, type Usage } from "../../cost/estimate";
import { exampleConfig } from "../../testing/config";

const root = path.join(__dirname, "..", "..");
const prices = JSON.parse(readFileSync(path.join(root, "cost", "prices.json"), "utf8")) as Prices;
const usage: Usage = { ...DEFAULT_USAGE, getObjectsPerMonth: 10_000_000, archivedReadsPerMonth: 1_000 };

function target(patch: (raw: Record<string, any>) => void = () => undefined): ResolvedTarget {
  const raw = exampleConfig();
  patch(raw);
  return resolveConfig(raw).targets[0]!;
}

const line = (t: ResolvedTarget, item: string, u = usage) =>
  estimateTarget(t, u, prices.prices).lines.find((l) => l.item === item)?.monthly;

describe("price table", () => {
  it("is dated and names its region and currency", () => {
    expect(prices.reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices).toMatchObject({ region: "us-east-1", currency: "USD" });
  });
});

describe("estimateTarget", () => {
  it("bills every logged GetObject, failed or not, in CloudTrail and EventBridge (10 M reads: 10 + 10 USD)", () => {
    const t = target();
    expect(line(t, "CloudTrail data events")).toBeCloseTo(10, 6);
    expect(line(t, "EventBridge (data events reaching the bus)")).toBeCloseTo(10, 6);
  });

  it("restores 800 Glacier objects Expedited (8 + 24 USD) and 200 Deep Archive ones Standard (0.02 + 4 USD)", () => {
    expect(line(target(), "Restores (requests + retrieval)")).toBeCloseTo(36.02, 6);
  });

  it("bills restored copies as S3 Standard for the days they are kept", () => {
    // 1,000 GB for 1 day of a 30-day month at 0.023 USD per GB-month.
    expect(line(target(), "Restored copies (S3 Standard)")).toBeCloseTo((1000 * 0.023) / 30, 6);
  });

  it("logs only the filtered readers' share when the trail has a reader filter", () => {
    const filtered = target((raw) => {
      raw.targets[0].trail = {
        readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
      };
    });
    expect(line(filtered, "CloudTrail data events", { ...usage, readerShare: 0.25 })).toBeCloseTo(2.5, 6);
    // Without a filter the share does not matter: everything is logged.
    expect(line(target(), "CloudTrail data events", { ...usage, readerShare: 0.25 })).toBeCloseTo(10, 6);
  });

  it("leaves out what the configuration does not create", () => {
    const lean = target((raw) => {
      raw.targets[0].trail = {
        mode: "existing",
        existingTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org",
      };
      raw.targets[0].function = { claims: false };
    });
    const items = estimateTarget(lean, usage, prices.prices).lines.map((l) => l.item);
    expect(line(lean, "CloudTrail data events")).toBe(0);
    expect(items).not.toContain("CloudWatch Logs (trail delivery)");
    expect(items).not.toContain("DynamoDB claims");
    expect(items).not.toContain("Notifications (SNS, KMS key)");
  });

  it("adds the topic's key and messages when notifications are on", () => {
    const notified = target((raw) => {
      raw.targets[0].notifications = { email: ["a@example.com", "b@example.com"] };
    });
    // 1,000 objects × 2 messages (initiated, completed) to 2 email addresses: 4,000 emails at 2 USD per
    // 100,000, plus 2,000 publishes, 4,000 KMS requests and 1 USD for the key.
    expect(line(notified, "Notifications (SNS, KMS key)")).toBeCloseTo(0.08 + 0.001 + 0.012 + 1, 6);
  });

  it("sends email one digest per window instead of a message per object", () => {
    const digested = target((raw) => {
      raw.targets[0].notifications = { email: ["a@example.com"], digest: { windowMinutes: 60 } };
    });
    // 2,000 messages (1,000 objects × initiated + completed); email gets at most 720 digests a month.
    // SNS: 2,000 publishes 0.001; email 720 at 2 USD / 100,000 = 0.0144; KMS 4,000 requests 0.012; key 1;
    // digest: 720 runs (0.000144 requests + 720 × 1 s × 0.25 GB × 0.0000133334 = 0.0024), SQS 4,720
    // requests 0.001888, 720 digest publishes 0.00036.
    const expected = 0.001 + 0.0144 + 0.012 + 1 + 0.000144 + 720 * 0.25 * 1.33334e-5 + 0.001888 + 0.00036;
    expect(line(digested, "Notifications (SNS, KMS key)")).toBeCloseTo(expected, 6);
    const basis = estimateTarget(digested, usage, prices.prices).lines.find((l) =>
      l.item.startsWith("Notifications"),
    )!.basis;
    expect(basis).toContain("720 to each of 1 email address(es) (digest every 60 minutes: 720 scheduled runs)");
  });

  it("counts the target's alarms at the standard-resolution price", () => {
    // 6 alarms (queue, errors, throttles, rule failed / dead-lettered / not dead-lettered) at 0.10 USD each.
    expect(line(target(), "CloudWatch alarms")).toBeCloseTo(0.6, 6);
    // Completed and expired through EventBridge: two rules, three alarms each.
    const notified = target((raw) => (raw.targets[0].notifications = { expired: true }));
    expect(line(notified, "CloudWatch alarms")).toBeCloseTo(1.2, 6);
    expect(
      line(
        target((raw) => (raw.targets[0].alarms = { enabled: false })),
        "CloudWatch alarms",
      ),
    ).toBeUndefined();
  });

  it("shows what other choices would cost, from the same inputs", () => {
    const rows = whatIf(target(), usage, prices.prices);
    const of = (choice: string) => rows.find((r) => r.choice === choice)!.monthly;
    expect(of("as configured")).toBeCloseTo(estimateTarget(target(), usage, prices.prices).total, 6);
    // CloudWatch Logs delivery is off by default; the what-if shows what turning it on would add.
    expect(rows.map((r) => r.choice)).not.toContain("trail without CloudWatch Logs");
    expect(of("trail with CloudWatch Logs delivery")).toBeGreaterThan(of("as configured"));
    const withLogs = target((raw) => (raw.defaults.trail = { cloudWatchLogs: true }));
    const logRows = whatIf(withLogs, usage, prices.prices);
    expect(logRows.find((r) => r.choice === "trail without CloudWatch Logs")!.monthly).toBeCloseTo(
      of("as configured"),
      6,
    );
    expect(of("restore tier Bulk")).toBeLessThan(of("restore tier Standard"));
    expect(rows.map((r) => r.choice)).not.toContain("restore tier Expedited");
  });
});

describe("usage input", () => {
  const noFile = () => {
    throw new Error("no file");
  };

  it("takes flags over the file over the defaults", () => {
    const u = parseUsage(["--usage", "u.json", "--get-objects", "500"], () =>
      JSON.stringify({ getObjectsPerMonth: 100, readerShare: 0.5 }),
    );
    expect(u).toMatchObject({ getObjectsPerMonth: 500, readerShare: 0.5, archivedReadsPerMonth: 1000 });
  });

  it("names every bad value and what is allowed", () => {
    expect(() => parseUsage(["--reader-share", "1.5", "--object-gb", "-1", "--colour", "x"], noFile)).toThrow(
      UsageError,
    );
    try {
      parseUsage(["--reader-share", "1.5", "--object-gb", "-1", "--colour"], noFile);
    } catch (err) {
      expect((err as Error).message.split("\n")).toEqual([
        // In the order given on the command line.
        "readerShare: is a share, from 0 to 1; got 1.5",
        "meanObjectSizeGB: must be a number of at least 0; got -1",
        "--colour: unknown option; allowed: --usage <file>, --get-objects, --reader-share, --archived-reads, --failed-reads-per-object, --object-gb, --deep-archive-share, --record-bytes, --lambda-ms, --directory-expansion, --help",
      ]);
    }
    expect(() => parseUsage(["--usage", "u.json"], () => JSON.stringify({ reads: 1 }))).toThrow(
      'u.json: unknown key "reads"',
    );
    expect(() => parseUsage(["--usage", "u.json"], () => '{\n  "getObjectsPerMonth": 5,\n  nope\n}')).toThrow(
      '--usage: u.json is not valid JSON at line 3, column 3: unexpected "n", expected a property name in double quotes',
    );
    expect(() =>
      parseUsage(["--usage", "u.json"], () => {
        throw new Error("ENOENT");
      }),
    ).toThrow("--usage: cannot read u.json (ENOENT)");
  });
});

describe("npm run cost", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["dist/cost/cli.js", ...args], {
      cwd: root,
      env: { ...process.env, GLACIER_RESTORE_CONFIG: "" },
      encoding: "utf8",
    });

  it("prints a section per target and the total for cdktf.json's configuration", () => {
    const r = run("--get-objects", "1000000");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("## genomics-raw:");
    expect(r.stdout).toContain("## genomics-ref:");
    expect(r.stdout).toMatch(/\*\*Total: [\d.]+ USD \/ month for 2 target\(s\)\.\*\*/);
    expect(r.stdout).toContain("| CloudTrail data events | 1.00 | 1,000,000 GetObject events logged |");
  });

  it("exits 2 naming a badly used option, 1 for a bad figure", () => {
    const r = run("--get-objects", "lots");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--get-objects: must be followed by a number; got "lots"`);
    expect(r.stdout).toBe("");
    const share = run("--reader-share", "3");
    expect([share.status, share.stderr]).toEqual([1, "readerShare: is a share, from 0 to 1; got 3\n"]);
  });

  it("prints its usage with --help", () => {
    const r = run("--help");
    expect([r.status, r.stdout]).toEqual([0, HELP]);
    expect(HELP).toContain('"buckets": { "<bucket>"');
    expect(HELP).toContain("--reader-share");
  });

  it("warns that its prices are us-east-1's when a target deploys elsewhere", () => {
    const raw = exampleConfig();
    raw.targets[1] = { name: "eu-data", bucket: "eu-bucket", prefix: "x/", region: "eu-west-1" };
    const dir = mkdtempSync(path.join(tmpdir(), "gr-cost-"));
    writeFileSync(path.join(dir, "c.json"), JSON.stringify(raw));
    const r = spawnSync(process.execPath, ["dist/cost/cli.js"], {
      cwd: root,
      env: { ...process.env, GLACIER_RESTORE_CONFIG: path.join(dir, "c.json") },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "**Prices are for us-east-1**; eu-data (eu-west-1) deploy elsewhere, where list prices can differ",
    );
    expect(r.stdout).toContain("Usage: the figures given for every target: getObjectsPerMonth 10000000");
  });
});

describe("usage for a real estate", () => {
  const twoTargets = () => resolveConfig(exampleConfig());
  const file = (content: unknown) => () => JSON.stringify(content);

  it("splits a bucket's reads between its targets by share, and says so", () => {
    const plan = parseUsagePlan(
      ["--usage", "u.json"],
      file({
        buckets: {
          "fsx4l-store": {
            getObjectsPerMonth: 40_000_000,
            archivedReadsPerMonth: 2_000,
            shares: { "genomics-raw": 0.75 },
          },
        },
      }),
      twoTargets(),
    );
    const [raw, ref] = twoTargets().targets.map((t) => plan.of(t));
    expect(raw!.usage).toMatchObject({ getObjectsPerMonth: 30_000_000, archivedReadsPerMonth: 1_500 });
    // The target without a stated share gets what is left.
    expect(ref!.usage).toMatchObject({ getObjectsPerMonth: 10_000_000, archivedReadsPerMonth: 500 });
    expect(raw!.basis).toBe("bucket fsx4l-store's figures × share 0.75");
    expect(plan.notes).toEqual([]);
  });

  it("lets one target's own figures win over its bucket's", () => {
    const plan = parseUsagePlan(
      ["--usage", "u.json"],
      file({
        buckets: { "fsx4l-store": { getObjectsPerMonth: 40_000_000 } },
        targets: { "genomics-ref": { getObjectsPerMonth: 5 } },
      }),
      twoTargets(),
    );
    const [raw, ref] = twoTargets().targets.map((t) => plan.of(t));
    expect(raw!.usage.getObjectsPerMonth).toBe(20_000_000);
    expect(ref!.usage.getObjectsPerMonth).toBe(5);
    expect(ref!.basis).toBe(
      "bucket fsx4l-store's figures × share 0.5, then this target's own figures (getObjectsPerMonth)",
    );
  });

  it("warns when the same figures are applied to several targets of one bucket", () => {
    const plan = parseUsagePlan(["--get-objects", "40000000"], noFile, twoTargets());
    expect(plan.notes).toEqual([
      'The same usage figures are applied to each of the 2 targets on bucket fsx4l-store (genomics-raw, genomics-ref): if they describe the whole bucket, give them under "buckets" in the --usage file to split them by share.',
    ]);
    expect(twoTargets().targets.map((t) => plan.of(t).basis)).toEqual([
      "the figures given for every target",
      "the figures given for every target",
    ]);
  });

  it("names unknown buckets and targets, bad shares and shares over 1", () => {
    expect(() =>
      parseUsagePlan(
        ["--usage", "u.json"],
        file({
          buckets: {
            nowhere: {},
            "fsx4l-store": { shares: { "genomics-raw": 0.8, "genomics-ref": 0.4, other: 0.1 } },
          },
          targets: { ghost: {}, "genomics-raw": { readerShare: 2 } },
        }),
        twoTargets(),
      ),
    ).toThrow(
      [
        "buckets.nowhere: no target uses this bucket (targets use: fsx4l-store)",
        "buckets.fsx4l-store.shares.other: not a target on bucket fsx4l-store (its targets: genomics-raw, genomics-ref)",
        "buckets.fsx4l-store.shares: add up to 1.2000000000000002; they are parts of the bucket's figures, at most 1",
        "targets.ghost: no such target (targets: genomics-raw, genomics-ref)",
        "targets.genomics-raw.readerShare: is a share, from 0 to 1; got 2",
      ].join("\n"),
    );
  });

  const noFile = () => {
    throw new Error("no file");
  };
});

describe("what-if wording", () => {
  it("explains why dropping a reader filter changes nothing while readerShare is 1", () => {
    const filtered = target((raw) => {
      raw.defaults.trail = { readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/FSx"] };
    });
    const choices = (u: Usage) => whatIf(filtered, u, prices.prices).map((r) => r.choice);
    expect(choices({ ...usage, readerShare: 1 })).toContain(
      "no reader filter (same as configured while readerShare is 1: give --reader-share, the share of reads the filtered readers make)",
    );
    const rows = whatIf(filtered, { ...usage, readerShare: 0.25 }, prices.prices);
    const noFilter = rows.find((r) => r.choice === "no reader filter (all reads logged, not 25 %)")!;
    expect(noFilter.monthly).toBeGreaterThan(rows[0]!.monthly);
  });

  it("writes one day in the singular", () => {
    const basis = estimateTarget(target(), usage, prices.prices).lines.find(
      (l) => l.item === "Restored copies (S3 Standard)",
    )!.basis;
    expect(basis).toBe("kept 1 day");
  });
});

describe("trigger choice", () => {
  // The case: 30 M reads a month, 80 % by the FSx role, 1,000 archived objects (10 failed reads each).
  const busy: Usage = { ...usage, getObjectsPerMonth: 30_000_000, readerShare: 0.8, archivedReadsPerMonth: 1_000 };
  const viaTrail = target((raw) => {
    raw.targets[0].trail = {
      readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
    };
  });
  const viaLogs = target((raw) => (raw.targets[0].trigger = [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }]));

  it("bills CloudTrail and EventBridge per logged read (24 M: 24 + 24 USD), reader logs per warning line", () => {
    expect(line(viaTrail, "CloudTrail data events", busy)).toBeCloseTo(24, 6);
    expect(line(viaTrail, "EventBridge (data events reaching the bus)", busy)).toBeCloseTo(24, 6);
    const lines = estimateTarget(viaLogs, busy, prices.prices).lines.map((l) => l.item);
    expect(lines).not.toContain("CloudTrail data events");
    expect(lines).not.toContain("Trail log files in S3");
    expect(lines).not.toContain("EventBridge (data events reaching the bus)");
    // 10,000 lines × 400 B = 0.0037 GB at 0.50 + 0.03; router 10,000 × 0.2 per M + 10,000 × 0.05 s × 0.125 GB.
    const gb = (10_000 * 400) / 1024 ** 3;
    expect(line(viaLogs, "Reader log trigger (fsx-logs /aws/fsx/lustre)", busy)).toBeCloseTo(
      gb * 0.53 + 0.002 + 10_000 * 0.05 * 0.125 * 1.33334e-5,
      9,
    );
  });

  it("counts each log-trigger stack's alarms once, however many targets its log group feeds", () => {
    const raw = exampleConfig();
    raw.defaults.trigger = [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }];
    const config = resolveConfig(raw);
    const text = report(
      config,
      parseUsagePlan([], () => "", config),
      prices,
    );
    const rows = text.split("\n").filter((l) => l.startsWith("| log-trigger-"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(
      "| 0.20 | 2 alarms (router errors, router dead-letter queue); /aws/fsx/lustre feeds genomics-raw, genomics-ref |",
    );
    const perTarget = config.targets.map((t) => estimateTarget(t, DEFAULT_USAGE, prices.prices).total);
    expect(text).toContain(
      `**Total: ${(perTarget[0]! + perTarget[1]! + 0.2).toFixed(2)} USD / month for 2 target(s).**`,
    );
  });

  it("shows the other trigger in the what-if table", () => {
    const fromTrail = whatIf(viaTrail, busy, prices.prices);
    const logsRow = fromTrail.find((r) => r.choice.startsWith("trigger from FSx logs"))!;
    expect(logsRow.monthly).toBeCloseTo(estimateTarget(viaLogs, busy, prices.prices).total, 6);
    expect(logsRow.monthly).toBeLessThan(fromTrail[0]!.monthly - 47);
    const fromLogs = whatIf(viaLogs, busy, prices.prices).map((r) => r.choice);
    expect(fromLogs).toContain("trigger from CloudTrail instead");
    // Trail settings and read volume change nothing without a trail.
    expect(fromLogs.filter((c) => /reader filter|CloudWatch Logs|half the reads/.test(c))).toEqual([]);
  });
});
