/**
 * Listing at scale, as users run it (the compiled command, the real SDK, the project's S3 emulator):
 * `--parallel N` gives the same figures as one stream, every object once, with a bounded request count;
 * `stage` lists the location once (its restores read the plan's listing back), and says so in --json.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { commandAgainstEmulator } from "../../testing/cli";
import { localAwsEnv } from "../../testing/process";
import type { S3Emulator } from "../../testing/s3-emulator";

const { emulator, cli, root, endpoint } = commandAgainstEmulator();

/** A tree: direct objects, 12 directories of 1,100 objects (two pages each), one nested level, odd names. */
function tree(): number {
  let n = 0;
  const put = (key: string, cls: Parameters<S3Emulator["put"]>[2], extra?: { restore?: "ongoing" | "restored" }) => {
    const o = emulator.put(
      "hpc-archive",
      key,
      cls,
      cls === "INTELLIGENT_TIERING" ? "ARCHIVE_ACCESS" : undefined,
      10 + (n % 7),
    );
    if (extra?.restore) {
      o.restore = extra.restore;
      if (extra.restore === "restored") o.restoreExpiry = new Date("2026-12-24T00:00:00Z");
    }
    n++;
  };
  put("runs/README", "STANDARD");
  put("runs/run-1.bak", "GLACIER");
  for (let d = 0; d < 12; d++)
    for (let i = 0; i < 1100; i++)
      put(
        `runs/run-${d}/${String(i).padStart(5, "0")}.nc`,
        i % 4 === 0 ? "DEEP_ARCHIVE" : i % 4 === 1 ? "STANDARD" : "GLACIER",
        i % 50 === 0 ? { restore: i % 100 === 0 ? "ongoing" : "restored" } : undefined,
      );
  for (let i = 0; i < 30; i++) put(`runs/run-3/nested/データ ${i}.nc`, "GLACIER");
  put("runs/run-1.bak/x", "GLACIER");
  put("outside/skip.nc", "GLACIER");
  return n - 1;
}

describe("glacier-restore status --parallel", () => {
  it("gives the same JSON as one stream, every object once, at most a request per directory more", async () => {
    const objects = tree();
    const one = await cli(["status", "s3://hpc-archive/runs/", "--json"]);
    expect([one.code, one.stderr]).toEqual([0, ""]);
    const listedByOne = emulator.count("list");
    emulator.requests.length = 0;
    const many = await cli(["status", "s3://hpc-archive/runs/", "--json", "--parallel", "8"]);
    expect([many.code, many.stderr]).toEqual([0, ""]);
    const a = JSON.parse(one.stdout) as { objects: number; requests: { list: number } };
    const b = JSON.parse(many.stdout) as { objects: number; requests: { list: number } };
    expect(a.objects).toBe(objects);
    expect({ ...b, requests: undefined }).toEqual({ ...a, requests: undefined });
    expect(a.requests.list).toBe(Math.ceil(objects / 1000));
    expect(listedByOne).toBe(a.requests.list);
    // 12 directories of two pages each, one nested directory, two levels asked with the delimiter.
    expect(b.requests.list).toBeGreaterThan(a.requests.list);
    expect(b.requests.list).toBeLessThanOrEqual(12 * 2 + 4 + 4);
    expect(emulator.count("list")).toBe(b.requests.list);
  });

  it("prints wait --print-paths in listing order whatever --parallel is", async () => {
    for (let d = 0; d < 5; d++)
      for (let i = 0; i < 30; i++) emulator.put("hpc-archive", `ready/d${d}/${i}.nc`, "STANDARD", undefined, 1);
    const one = await cli(["wait", "s3://hpc-archive/ready/", "--print-paths", "/fsx"]);
    const many = await cli(["wait", "s3://hpc-archive/ready/", "--print-paths", "/fsx", "--parallel", "4"]);
    expect(one.code).toBe(0);
    expect(many.stdout).toBe(one.stdout);
    expect(many.stdout.split("\n")).toHaveLength(151);
  });
});

describe("glacier-restore stage lists once", () => {
  it("--direct: ⌈N/1000⌉ ListObjectsV2 requests, said in --json, and every archived object restored", async () => {
    for (let i = 0; i < 2500; i++)
      emulator.put(
        "hpc-archive",
        `once/${String(i).padStart(5, "0")}.nc`,
        i % 3 === 0 ? "STANDARD" : "GLACIER",
        undefined,
        5,
      );
    emulator.put("hpc-archive", "once/it.nc", "INTELLIGENT_TIERING", "ARCHIVE_ACCESS", 5);
    const r = await cli(["stage", "s3://hpc-archive/once/", "--direct", "--yes", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout) as { outcome: { started: number }; requests: { list: number; head: number } };
    expect(out.requests).toEqual({ list: 3, head: 1 });
    expect(emulator.count("list")).toBe(3);
    expect(emulator.count("head")).toBe(1);
    expect(out.outcome.started).toBe(1666 + 1);
    expect(emulator.count("restore")).toBe(1667);
  });

  it("by default: the tiers of Intelligent-Tiering objects are asked from what was listed, not by a second listing", async () => {
    for (let i = 0; i < 1500; i++) emulator.put("hpc-archive", `auto/${i}.nc`, "GLACIER", undefined, 5);
    for (let i = 0; i < 10; i++)
      emulator.put("hpc-archive", `auto/it-${i}.nc`, "INTELLIGENT_TIERING", i % 2 ? "ARCHIVE_ACCESS" : undefined, 5);
    const r = await cli(["stage", "s3://hpc-archive/auto/", "--yes", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout) as {
      plan: { unknownTier: number; toRestore: { objects: number } };
      requests: { list: number; head: number };
    };
    expect(out.requests).toEqual({ list: 2, head: 10 });
    expect(emulator.count("list")).toBe(2);
    expect(out.plan).toMatchObject({ unknownTier: 0, toRestore: { objects: 1505 } });
    expect(emulator.count("restore")).toBe(1505);
  });
});

describe("glacier-restore stage interrupted", () => {
  it("leaves no kept listing behind on Ctrl-C, and exits as the signal would (130)", async () => {
    for (let i = 0; i < 3000; i++)
      emulator.put("hpc-archive", `slow/${String(i).padStart(5, "0")}.nc`, "GLACIER", undefined, 5);
    emulator.latencyMs = 400;
    const tmp = mkdtempSync(path.join(tmpdir(), "gr-interrupt-"));
    const child = spawn(
      process.execPath,
      [path.join(root, "dist", "cli", "main.js"), "stage", "s3://hpc-archive/slow/", "--dry-run"],
      {
        env: localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint(), TMPDIR: tmp }),
        stdio: "ignore",
      },
    );
    // Interrupt once the plan's spool exists (the first page is on its way).
    for (let waited = 0; readdirSync(tmp).length === 0 && waited < 10_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(tmp)).toEqual([expect.stringMatching(/^glacier-restore-stage-/)]);
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
