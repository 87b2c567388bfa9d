/**
 * `glacier-restore status` and `wait` as users run them: the compiled command in its own process, with the real AWS
 * SDK, against the project's S3 emulator on 127.0.0.1 (ListObjectsV2 with RestoreStatus, HeadObject).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleConfig } from "../../testing/config";
import { size } from "../../cli/output";
import { commandAgainstEmulator } from "../../testing/cli";

const { emulator, cli } = commandAgainstEmulator();

function dataset() {
  emulator.put("fsx4l-store", "raw/run-1/a.bam", "GLACIER", undefined, 100);
  emulator.put("fsx4l-store", "raw/run-1/b.bam", "DEEP_ARCHIVE", undefined, 200);
  const restoring = emulator.put("fsx4l-store", "raw/run-1/c.bam", "GLACIER", undefined, 300);
  restoring.restore = "ongoing";
  const restored = emulator.put("fsx4l-store", "raw/run-2/d.bam", "GLACIER", undefined, 400);
  restored.restore = "restored";
  restored.restoreExpiry = new Date("2026-03-08T00:00:00Z");
  emulator.put("fsx4l-store", "raw/run-2/e.txt", "STANDARD", undefined, 500);
  emulator.put("fsx4l-store", "raw/run-2/f.nc", "INTELLIGENT_TIERING", "ARCHIVE_ACCESS", 600);
  emulator.put("fsx4l-store", "raw/run-2/g.nc", "INTELLIGENT_TIERING", undefined, 700);
  emulator.put("fsx4l-store", "reference/outside.bam", "GLACIER", undefined, 999);
}

describe("glacier-restore status", () => {
  it("reports the dataset per state and storage class as one JSON document, from one listing request", async () => {
    dataset();
    const r = await cli(["status", "s3://fsx4l-store/raw/", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      location: { bucket: "fsx4l-store", prefix: "raw/" },
      objects: 7,
      bytes: 2800,
      states: {
        readable: { objects: 2, bytes: 900 },
        archived: { objects: 2, bytes: 300 },
        restoring: { objects: 1, bytes: 300 },
        unknown: { objects: 2, bytes: 1300 },
        restored: { objects: 1, bytes: 400, earliestExpiry: "2026-03-08T00:00:00.000Z" },
      },
      storageClasses: {
        GLACIER: { objects: 3, bytes: 800 },
        DEEP_ARCHIVE: { objects: 1, bytes: 200 },
        STANDARD: { objects: 1, bytes: 500 },
        INTELLIGENT_TIERING: { objects: 2, bytes: 1300 },
      },
      unknownReason:
        "Intelligent-Tiering objects: a listing does not show their access tier; --deep asks HeadObject for each of them",
      requests: { list: 1, head: 0 },
    });
    expect(emulator.count("head")).toBe(0);
  });

  it("asks HeadObject for the Intelligent-Tiering objects only, with --deep", async () => {
    dataset();
    const r = await cli(["status", "s3://fsx4l-store/raw/", "--json", "--deep"]);
    const s = JSON.parse(r.stdout);
    expect(s.states.unknown).toEqual({ objects: 0, bytes: 0 });
    expect(s.states.archived).toEqual({ objects: 3, bytes: 900 });
    expect(s.states.readable).toEqual({ objects: 3, bytes: 1600 });
    expect(s.requests).toEqual({ list: 1, head: 2 });
    expect(emulator.requests.filter((q) => q.op === "head").map((q) => q.key)).toEqual([
      "raw/run-2/f.nc",
      "raw/run-2/g.nc",
    ]);
  });

  it("lists 2,500 objects in 3 requests, and prints no progress when stderr is not a terminal", async () => {
    for (let i = 0; i < 2500; i++)
      emulator.put("big-bucket", `d/${String(i).padStart(5, "0")}.nc`, "GLACIER", undefined, 1);
    const r = await cli(["status", "s3://big-bucket/d/", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: 2500, requests: { list: 3, head: 0 } });
    expect(r.stderr).toBe("");
  });

  it("prints a table for people, and finds a configured target by name", async () => {
    dataset();
    const config = path.join(mkdtempSync(path.join(tmpdir(), "gr-cli-")), "config.json");
    writeFileSync(config, JSON.stringify(exampleConfig()));
    const r = await cli(["status", "genomics-raw"], { GLACIER_RESTORE_CONFIG: config });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 7)).toEqual([
      "s3://fsx4l-store/raw/: 7 objects, 2.73 KiB",
      "  readable            2 objects        900 B",
      "    of which 1 from restored copies, the first expiring 2026-03-08T00:00:00.000Z",
      "  archived            2 objects        300 B",
      "  restoring           1 objects        300 B",
      "  unknown             2 objects     1.27 KiB",
      "  unknown: Intelligent-Tiering objects: a listing does not show their access tier; --deep asks HeadObject for each of them",
    ]);
  });

  it.each([
    [["status"], 2, "status: needs a location: s3://<bucket>/<prefix> or a target name"],
    [["status", "s3://Bad_Bucket/x"], 2, 'location "s3://Bad_Bucket/x": expected s3://<bucket>/<prefix>'],
    [
      ["status", "s3://fsx4l-store/", "--colour"],
      2,
      "status: unknown option --colour; allowed: --json, --deep, --parallel, --inventory, --help",
    ],
    [["restore-everything"], 2, 'unknown command "restore-everything"'],
    [["stage"], 2, "stage: needs a location: s3://<bucket>/<prefix> or a target name"],
    [["status", "s3://no-such-bucket/x"], 1, "status s3://no-such-bucket/x: NoSuchBucket (HTTP 404)"],
  ])("%j exits %i with one line naming the problem", async (args, code, message) => {
    const r = await cli(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it("says so when there are no credentials, in one line", async () => {
    const r = await cli(["status", "s3://fsx4l-store/raw/"], {
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
      AWS_CONFIG_FILE: "/nonexistent/config",
      AWS_EC2_METADATA_DISABLED: "true",
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "status s3://fsx4l-store/raw/: no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
    );
  });

  it("writes sizes in the largest fitting unit", () => {
    expect([size(0), size(1023), size(1024), size(15 * 1024 ** 3), size(3 * 1024 ** 5)]).toEqual([
      "0 B",
      "1023 B",
      "1.00 KiB",
      "15.0 GiB",
      "3.00 PiB",
    ]);
  });

  it("wait: returns once every object is readable, printing the Lustre paths for hsm_restore", async () => {
    const a = emulator.put("fsx4l-store", "raw/run-9/a.nc", "GLACIER");
    const b = emulator.put("fsx4l-store", "raw/run-9/b c.nc", "DEEP_ARCHIVE");
    a.restore = "ongoing";
    b.restore = "ongoing";
    emulator.put("fsx4l-store", "raw/run-9/readme.txt", "STANDARD");
    const running = cli([
      "wait",
      "s3://fsx4l-store/raw/run-9/",
      "--interval",
      "100ms",
      "--timeout",
      "20s",
      "--print-paths",
      "/fsx/",
    ]);
    // Restores finish while the command waits: only after it has listed once and seen them running.
    const deadline = Date.now() + 15_000;
    while (emulator.count("list") === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    emulator.complete("fsx4l-store", "raw/run-9/a.nc");
    emulator.complete("fsx4l-store", "raw/run-9/b c.nc");
    const r = await running;
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("/fsx/raw/run-9/a.nc\n/fsx/raw/run-9/b c.nc\n/fsx/raw/run-9/readme.txt\n");
    expect(emulator.count("list")).toBeGreaterThan(1);
  });

  it("wait: exits 1 when the timeout passes first, saying what is not readable", async () => {
    emulator.put("fsx4l-store", "raw/cold/a.nc", "GLACIER");
    const r = await cli(["wait", "s3://fsx4l-store/raw/cold/", "--interval", "100ms", "--timeout", "300ms", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ready: false, states: { archived: { objects: 1 } } });
    expect(r.stderr.trim()).toBe(
      "wait s3://fsx4l-store/raw/cold/: timed out with 1 of 1 objects not readable (0 restoring, 1 archived: run glacier-restore stage or restore them, 0 unknown)",
    );
    const bad = await cli(["wait", "s3://fsx4l-store/raw/", "--timeout", "soon"]);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      '--timeout: "soon" is not a duration; write e.g. 48h, 5m, 30s, 1h30m',
    ]);
  });

  describe("stage", () => {
    function archive() {
      emulator.put("fsx4l-store", "raw/s/a.nc", "GLACIER", undefined, 1024 ** 3);
      emulator.put("fsx4l-store", "raw/s/b.nc", "DEEP_ARCHIVE", undefined, 2 * 1024 ** 3);
      emulator.put("fsx4l-store", "raw/s/c.nc", "INTELLIGENT_TIERING", "ARCHIVE_ACCESS", 1024 ** 3);
      emulator.put("fsx4l-store", "raw/s/d.nc", "INTELLIGENT_TIERING", undefined, 5);
      emulator.put("fsx4l-store", "raw/s/e.txt", "STANDARD", undefined, 5);
      emulator.put("fsx4l-store", "raw/s/f.nc", "GLACIER", undefined, 5).restore = "ongoing";
    }

    it("plans with --dry-run and makes no restore request", async () => {
      archive();
      const r = await cli(["stage", "s3://fsx4l-store/raw/s/", "--tier", "Expedited", "--dry-run", "--json"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const { plan, dryRun } = JSON.parse(r.stdout);
      expect(dryRun).toBe(true);
      expect(plan).toMatchObject({
        tier: "Expedited",
        days: 7,
        toRestore: { objects: 3, bytes: 4 * 1024 ** 3 },
        alreadyRestoring: 1,
        alreadyReadable: 2,
      });
      // Deep Archive has no Expedited: Standard, 12 hours; priced from cost/prices.json (Expedited: 10 USD
      // per 1,000 requests + 0.03 per GB; Deep Archive Standard: 0.10 per 1,000 + 0.02 per GB).
      expect(plan.archives.GLACIER).toMatchObject({ objects: 1, tier: "Expedited", usd: 0.01 + 0.03 });
      expect(plan.archives.DEEP_ARCHIVE).toMatchObject({
        objects: 1,
        tier: "Standard",
        readyWithinHours: { min: 12, max: 12 },
      });
      expect(plan.archives.DEEP_ARCHIVE.usd).toBeCloseTo(0.0001 + 0.04, 9);
      expect(plan.archives.INTELLIGENT_TIERING_ARCHIVE).toMatchObject({ objects: 1, tier: "Expedited" });
      expect(emulator.count("restore")).toBe(0);
    });

    it("restores each archived object once with the request its archive needs, and a rerun requests nothing", async () => {
      archive();
      const r = await cli(["stage", "s3://fsx4l-store/raw/s/", "--days", "3", "--json"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(JSON.parse(r.stdout).outcome).toMatchObject({ started: 3, failed: 0, alreadyInProgress: 0 });
      const requests = emulator.requests
        .filter((q) => q.op === "restore")
        .map((q) => [q.key, q.tier, q.days])
        .sort();
      // Intelligent-Tiering gets no Days (S3 rejects them); the others get the configured days.
      expect(requests).toEqual([
        ["raw/s/a.nc", "Standard", 3],
        ["raw/s/b.nc", "Standard", 3],
        ["raw/s/c.nc", "Standard", undefined],
      ]);
      const again = await cli(["stage", "s3://fsx4l-store/raw/s/", "--json"]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).plan.toRestore.objects).toBe(0);
      expect(emulator.count("restore")).toBe(3);
    });

    it("refuses a plan above --max-cost without --yes, and restores with it", async () => {
      for (let i = 0; i < 20; i++) emulator.put("fsx4l-store", `raw/x/${i}.nc`, "GLACIER", undefined, 100 * 1024 ** 3);
      const refused = await cli(["stage", "s3://fsx4l-store/raw/x/", "--tier", "Expedited"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe(
        "stage s3://fsx4l-store/raw/x/: the plan costs 60.20 USD, above --max-cost 50: nothing was restored (rerun with --yes, or a higher --max-cost)",
      );
      expect(emulator.count("restore")).toBe(0);
      const allowed = await cli(["stage", "s3://fsx4l-store/raw/x/", "--tier", "Expedited", "--yes", "--json"]);
      expect(allowed.code).toBe(0);
      expect(JSON.parse(allowed.stdout).outcome.started).toBe(20);
    });

    it("backs off on SlowDown and falls back to Standard when Expedited capacity is gone", async () => {
      for (let i = 0; i < 30; i++)
        emulator.put("fsx4l-store", `raw/y/${String(i).padStart(2, "0")}.nc`, "GLACIER", undefined, 5);
      emulator.inject({ op: "restore", status: 503, code: "SlowDown", times: 12 });
      emulator.inject({
        op: "restore",
        status: 503,
        code: "GlacierExpeditedRetrievalNotAvailable",
        tier: "Expedited",
        times: 2,
      });
      const r = await cli(["stage", "s3://fsx4l-store/raw/y/", "--tier", "Expedited", "--concurrency", "8", "--json"], {
        AWS_MAX_ATTEMPTS: "1",
      });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const { outcome } = JSON.parse(r.stdout);
      expect(outcome).toMatchObject({ started: 30, failed: 0, tierFallbacks: 2 });
      expect(outcome.slowDowns).toBeGreaterThan(0);
      expect(emulator.requests.filter((q) => q.op === "restore" && q.status === 202)).toHaveLength(30);
    });

    it("starts no more than --rate requests a second", async () => {
      for (let i = 0; i < 40; i++) emulator.put("fsx4l-store", `raw/r/${i}.nc`, "GLACIER", undefined, 5);
      const started = Date.now();
      const r = await cli(["stage", "s3://fsx4l-store/raw/r/", "--rate", "100", "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).outcome.started).toBe(40);
      // 40 requests at 100 a second take at least 0.39 s of request starts.
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    });

    it("exits 1 naming the failures, and 2 for a bad tier", async () => {
      emulator.put("fsx4l-store", "raw/z/a.nc", "GLACIER", undefined, 5);
      emulator.inject({ op: "restore", status: 403, code: "AccessDenied", times: Infinity });
      const r = await cli(["stage", "s3://fsx4l-store/raw/z/"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        "stage s3://fsx4l-store/raw/z/: 1 restore requests failed (raw/z/a.nc: AccessDenied); rerun to retry them",
      );
      const bad = await cli(["stage", "s3://fsx4l-store/raw/z/", "--tier", "Instant"]);
      expect([bad.code, bad.stderr.trim()]).toEqual([2, '--tier: "Instant"; allowed: Expedited, Standard, Bulk']);
    });
  });

  describe("check", () => {
    const configured = () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "gr-check-")), "config.json");
      writeFileSync(file, JSON.stringify(exampleConfig()));
      return { GLACIER_RESTORE_CONFIG: file };
    };

    it("reads an archived object and reports when the deployed chain started its restore", async () => {
      emulator.put("fsx4l-store", "raw/smoke-test.bin", "GLACIER");
      // Plays the deployed trail → rule → function: a restore starts 300 ms after the failed read.
      emulator.onArchivedRead = (bucket, key) =>
        setTimeout(() => (emulator.get(bucket, key)!.restore = "ongoing"), 300);
      const r = await cli(
        ["check", "genomics-raw", "--key", "raw/smoke-test.bin", "--interval", "100ms", "--timeout", "10s", "--json"],
        configured(),
      );
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({
        target: "genomics-raw",
        key: "raw/smoke-test.bin",
        readFailedWith: "InvalidObjectState",
      });
      expect(result.restoreStartedAfterSeconds).toBeGreaterThanOrEqual(0.3);
      expect(emulator.count("get")).toBe(1);
    });

    it("names each link to inspect, with its command, when no restore starts", async () => {
      emulator.put("fsx4l-store", "raw/smoke-test.bin", "GLACIER");
      const r = await cli(
        ["check", "genomics-raw", "--key", "raw/smoke-test.bin", "--interval", "100ms", "--timeout", "300ms"],
        configured(),
      );
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe("check s3://fsx4l-store/raw/smoke-test.bin: no restore started within 300ms");
      expect(r.stdout).toContain(
        "aws cloudtrail get-trail-status --region us-east-1 --name glacier-restore-genomics-raw",
      );
      expect(r.stdout).toContain("--dimensions Name=RuleName,Value=glacier-restore-genomics-raw");
      expect(r.stdout).toContain(
        "aws logs tail --region us-east-1 /aws/lambda/glacier-restore-genomics-raw --since 30m",
      );
      expect(r.stdout).toContain("--queue-name glacier-restore-genomics-raw-dlq");
    });

    it("for a target fed by reader logs only, asks for a read through the reader and names the log links", async () => {
      emulator.put("fsx4l-store", "raw/smoke-test.bin", "GLACIER");
      const config = exampleConfig();
      config.targets[0].trigger = [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }];
      const file = path.join(mkdtempSync(path.join(tmpdir(), "gr-check-")), "config.json");
      writeFileSync(file, JSON.stringify(config));
      const r = await cli(
        ["check", "genomics-raw", "--key", "raw/smoke-test.bin", "--interval", "100ms", "--timeout", "300ms"],
        { GLACIER_RESTORE_CONFIG: file },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        "genomics-raw takes its misses from reader logs only (/aws/fsx/lustre): read s3://fsx4l-store/raw/smoke-test.bin through the reader now",
      );
      expect(r.stdout).not.toContain("aws cloudtrail get-trail-status");
      expect(r.stdout).toContain("aws logs filter-log-events --region us-east-1 --log-group-name /aws/fsx/lustre");
      expect(r.stdout).toMatch(
        /aws logs tail --region us-east-1 \/aws\/lambda\/glacier-restore-log-trigger-aws-fsx-lustre-[0-9a-f]{6}/,
      );
      expect(r.stdout).toContain("/aws/lambda/glacier-restore-genomics-raw --since 30m");
    });

    it.each([
      [["check", "genomics-raw"], 2, "check: --key <key> is required"],
      [
        ["check", "genomics-raw", "--key", "reference/x"],
        2,
        'check: --key "reference/x" is not under the target\'s prefix "raw/"',
      ],
      [["check", "s3://fsx4l-store/raw/", "--key", "raw/x"], 2, "check: needs a configured target name"],
      [
        ["check", "genomics-raw", "--key", "raw/plain.txt"],
        1,
        "the object is readable now (STANDARD); use an archived object",
      ],
      [["check", "genomics-raw", "--key", "raw/missing"], 1, "check s3://fsx4l-store/raw/missing: no such object"],
    ])("%j exits %i: %s", async (args, code, message) => {
      emulator.put("fsx4l-store", "raw/plain.txt", "STANDARD");
      const r = await cli(args, configured());
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(message);
    });
  });

  it("has --help for the command and the program", async () => {
    const top = await cli(["--help"]);
    expect([top.code, top.stdout]).toEqual([0, expect.stringContaining("status     how much of a dataset")]);
    const own = await cli(["status", "--help"]);
    expect([own.code, own.stdout]).toEqual([0, expect.stringContaining("Usage: glacier-restore status")]);
  });
});
