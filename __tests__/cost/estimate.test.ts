import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resolveConfig, type ResolvedTarget } from "../../config/resolve";
import { parseUsage, UsageError } from "../../cost/cli";
import { DEFAULT_USAGE, estimateTarget, whatIf, type Prices, type Usage } from "../../cost/estimate";
import { exampleConfig } from "../support/config";

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

  it("counts the target's alarms at the standard-resolution price", () => {
    // 5 alarms (queue, errors, throttles, rule failed/dead-lettered) at 0.10 USD each.
    expect(line(target(), "CloudWatch alarms")).toBeCloseTo(0.5, 6);
    // Completed and expired through EventBridge: two rules, two alarms each.
    const notified = target((raw) => (raw.targets[0].notifications = { expired: true }));
    expect(line(notified, "CloudWatch alarms")).toBeCloseTo(0.9, 6);
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
        "--colour: unknown option; allowed: --usage <file>, --get-objects, --reader-share, --archived-reads, --failed-reads-per-object, --object-gb, --deep-archive-share, --record-bytes, --lambda-ms",
        "readerShare: is a share, from 0 to 1; got 1.5",
        "meanObjectSizeGB: must be a number of at least 0; got -1",
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

  it("exits 1 naming the bad option", () => {
    const r = run("--get-objects", "lots");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--get-objects: must be followed by a number; got "lots"`);
  });
});
