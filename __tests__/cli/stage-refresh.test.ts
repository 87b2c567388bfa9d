/**
 * `glacier-restore stage --refresh` as users run it: the compiled command in its own process, the real SDK,
 * the S3 emulator (which answers a RestoreObject on a restored copy 200 and moves its expiry to now + Days,
 * as the RestoreObject API reference says S3 does).
 */
import * as path from "node:path";
import { localAwsEnv, runProcess } from "../../testing/process";
import { S3Emulator } from "../../testing/s3-emulator";

const root = path.join(__dirname, "..", "..");
const emulator = new S3Emulator();
let endpoint = "";
const DAY = 86_400_000;

beforeAll(async () => {
  endpoint = await emulator.start();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

function cli(args: string[]) {
  return runProcess(process.execPath, [path.join(root, "dist", "cli", "main.js"), "stage", ...args], {
    cwd: root,
    env: localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint }),
  });
}

/** Copies expiring in 1 day and 36 hours (within 2d), one in 5 days, and objects a refresh must not touch. */
function dataset() {
  const copy = (key: string, storageClass: "GLACIER" | "DEEP_ARCHIVE", inMs: number) => {
    const o = emulator.put("fsx4l-store", key, storageClass, undefined, 1024 ** 3);
    o.restore = "restored";
    o.restoreExpiry = new Date(Date.now() + inMs);
    return o;
  };
  const soon = copy("raw/j/a.nc", "GLACIER", DAY);
  const deep = copy("raw/j/b.nc", "DEEP_ARCHIVE", 1.5 * DAY);
  const later = copy("raw/j/c.nc", "GLACIER", 5 * DAY);
  emulator.put("fsx4l-store", "raw/j/d.nc", "GLACIER", undefined, 5);
  emulator.put("fsx4l-store", "raw/j/e.nc", "GLACIER", undefined, 5).restore = "ongoing";
  emulator.put("fsx4l-store", "raw/j/f.nc", "INTELLIGENT_TIERING", "ARCHIVE_ACCESS", 5);
  emulator.put("fsx4l-store", "raw/j/g.txt", "STANDARD", undefined, 5);
  return { soon, deep, later };
}

describe("glacier-restore stage --refresh", () => {
  it("plans the copies expiring within the window, priced as requests only, and requests nothing with --dry-run", async () => {
    dataset();
    const r = await cli(["s3://fsx4l-store/raw/j/", "--refresh", "--dry-run", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { plan, dryRun } = JSON.parse(r.stdout);
    expect(dryRun).toBe(true);
    expect(plan).toMatchObject({
      toRestore: { objects: 2, bytes: 2 * 1024 ** 3 },
      alreadyRestoring: 1,
      refresh: { within: "2d", laterCopies: 1, archived: 1, intelligentTieringSkipped: 1 },
    });
    // Standard requests: Glacier 0.05 and Deep Archive 0.10 USD per 1,000; no retrieval per GB.
    expect(plan.archives.GLACIER).toMatchObject({ objects: 1, tier: "Standard" });
    expect(plan.usd).toBeCloseTo(0.00005 + 0.0001, 12);
    expect(emulator.count("restore")).toBe(0);
    expect(emulator.count("head")).toBe(0);
  });

  it("re-issues RestoreObject with the new Days for those copies only, and S3 moves their expiry", async () => {
    const { soon, deep, later } = dataset();
    const laterExpiry = later.restoreExpiry!.getTime();
    const before = Date.now();
    const r = await cli(["s3://fsx4l-store/raw/j/", "--refresh", "--days", "5", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).outcome).toMatchObject({ alreadyRestored: 2, started: 0, failed: 0 });
    const requests = emulator.requests
      .filter((q) => q.op === "restore")
      .map((q) => [q.key, q.days, q.status])
      .sort();
    expect(requests).toEqual([
      ["raw/j/a.nc", 5, 200],
      ["raw/j/b.nc", 5, 200],
    ]);
    for (const o of [soon, deep]) {
      expect(o.restoreExpiry!.getTime()).toBeGreaterThanOrEqual(before + 5 * DAY);
      expect(o.restoreExpiry!.getTime()).toBeLessThanOrEqual(Date.now() + 5 * DAY);
    }
    expect(later.restoreExpiry!.getTime()).toBe(laterExpiry);
  });

  it("says what it renews and what it leaves alone, Intelligent-Tiering included", async () => {
    dataset();
    const r = await cli(["s3://fsx4l-store/raw/j/", "--refresh", "--within", "6d"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^s3:\/\/fsx4l-store\/raw\/j\/: 3 restored copies expire within 6d \(before \S+Z\) and get 7 more days from now; 0 expire later, 1 restoring, 1 archived without a copy \(not restored by --refresh\)$/,
    );
    expect(lines[1]).toBe(
      "  1 Intelligent-Tiering objects skipped: their restores have no expiry (the object moves back to Frequent Access)",
    );
    expect(r.stdout).toContain(
      "refreshed 3 (each copy now expires 7 days from now), expired meanwhile and restored again 0, already in progress 0, failed 0\n",
    );
    expect(emulator.count("restore")).toBe(3);
  });

  it("refuses above --max-cost without --yes, and does nothing when no copy expires", async () => {
    dataset();
    const refused = await cli(["s3://fsx4l-store/raw/j/", "--refresh", "--max-cost", "0"]);
    expect([refused.code, refused.stderr.trim()]).toEqual([
      1,
      "stage s3://fsx4l-store/raw/j/: the plan costs 0.00 USD, above --max-cost 0: nothing was refreshed (rerun with --yes, or a higher --max-cost)",
    ]);
    const none = await cli(["s3://fsx4l-store/raw/j/", "--refresh", "--within", "1h", "--json"]);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout).plan.toRestore.objects).toBe(0);
    expect(emulator.count("restore")).toBe(0);
  });

  it.each([
    [
      ["--refresh", "--batch"],
      "--refresh with --batch: a Batch Operations job's generated manifest holds every object of the storage classes (S3 cannot select restored copies by expiry), so it would restore archived objects too; --refresh re-issues directly, one RestoreObject per expiring copy",
    ],
    [["--within", "2d"], "--within: goes with --refresh"],
    [["--refresh", "--within", "soon"], '--within: "soon" is not a duration; write e.g. 48h, 5m, 30s, 1h30m'],
  ])("exits 2 for %j", async (flags, message) => {
    const r = await cli(["s3://fsx4l-store/raw/j/", ...flags]);
    expect([r.code, r.stderr.trim()]).toEqual([2, message]);
    expect(emulator.count("list")).toBe(0);
  });
});
