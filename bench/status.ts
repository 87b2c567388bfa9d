/**
 * `glacier-restore status` over a large prefix: the requests it makes (goal: ⌈N/1000⌉ + 1 at most), its
 * wall time and its peak memory against the emulator (the listing is streamed, so memory should not grow
 * with N).
 */
import * as path from "node:path";
import { localAwsEnv, runProcess } from "../testing/process";
import { S3Emulator } from "../testing/s3-emulator";
import { fmt, summary } from "./stats";
import { out, quick, root, row } from "./report";

/** The command's JSON result, read by field. */
interface CliJson {
  objects: number;
  requests: { list: number; head: number };
  outcome: { started: number };
  jobs: { family: string; tasks: number }[];
}

async function runCli(endpoint: string, args: string[]): Promise<{ ms: number; rssMiB: number; json: CliJson }> {
  const started = process.hrtime.bigint();
  // GNU time reports the peak RSS of the command (its last line on stderr).
  const { code, stdout, stderr } = await runProcess(
    "/usr/bin/time",
    ["-f", "%M", process.execPath, path.join(root, "dist", "cli", "main.js"), ...args],
    {
      env: localAwsEnv({
        AWS_ENDPOINT_URL_S3: endpoint,
        // S3 Control addresses <account>.<host>: resolved to 127.0.0.1 by the preload (RFC 6761 names).
        AWS_ENDPOINT_URL_S3_CONTROL: endpoint.replace("127.0.0.1", "localhost"),
        NODE_OPTIONS: `--require ${path.join(root, "testing", "localhost-dns.cjs")}`,
      }),
    },
  );
  if (code !== 0) throw new Error(`${args[0]} failed: ${stderr}`);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const kib = Number(stderr.trim().split("\n").at(-1));
  return { ms, rssMiB: kib / 1024, json: JSON.parse(stdout) as CliJson };
}

/** Wall time of the bare keep-alive pager over the same pages (bench/floor.mjs), and the pages it read. */
async function floor(endpoint: string, bucket: string, prefix: string): Promise<{ ms: number; pages: number }> {
  const started = process.hrtime.bigint();
  const r = await runProcess(process.execPath, [path.join(root, "bench", "floor.mjs"), endpoint, bucket, prefix], {
    env: process.env,
  });
  if (r.code !== 0) throw new Error(`floor pager failed: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, pages: Number(r.stdout.trim()) };
}

function flat(emulator: S3Emulator, bucket: string, n: number): void {
  for (let i = 0; i < n; i++)
    emulator.put(bucket, `d/${String(i).padStart(7, "0")}.nc`, i % 5 === 0 ? "STANDARD" : "GLACIER", undefined, 4096);
}

/** Issue #27's goals, each side by side with what it is measured against in the same run. */
async function scaleSection(emulator: S3Emulator, endpoint: string): Promise<void> {
  const runs = quick ? 3 : 5;
  out("## Listing at scale (issue #27)");
  out(
    `Spawned processes against the emulator on 127.0.0.1 (2 cores shared by the emulator and the command); ${runs} runs each, min / median. ` +
      "The floor is bench/floor.mjs: a bare keep-alive pager over the same ListObjectsV2 pages that reads only the continuation token.",
  );
  out();
  out(
    row(["what", "objects", "ListObjectsV2", "wall s (min / median)", "peak RSS MiB", "against", "goal", "measured"]),
  );
  out(row(["---", "---:", "---:", "---:", "---:", "---", "---", "---:"]));

  // 1. status of one flat prefix against the floor.
  emulator.reset();
  flat(emulator, "bench-scale", 100_000);
  const floors: number[] = [];
  const statuses: number[] = [];
  let statusRun: Awaited<ReturnType<typeof runCli>> | undefined;
  let floorPages = 0;
  for (let i = 0; i < runs; i++) {
    const f = await floor(endpoint, "bench-scale", "d/");
    floors.push(f.ms);
    floorPages = f.pages;
    statusRun = await runCli(endpoint, ["status", "s3://bench-scale/d/", "--json"]);
    statuses.push(statusRun.ms);
  }
  const f = summary(floors);
  const st = summary(statuses);
  out(
    row([
      "bare pager (floor)",
      100_000,
      floorPages,
      `${fmt(f.min / 1000, 2)} / ${fmt(f.median / 1000, 2)}`,
      "-",
      "-",
      "-",
      "-",
    ]),
  );
  out(
    row([
      "`status` (one stream, pipelined)",
      statusRun!.json.objects,
      statusRun!.json.requests.list,
      `${fmt(st.min / 1000, 2)} / ${fmt(st.median / 1000, 2)}`,
      fmt(statusRun!.rssMiB),
      "floor",
      "≤ 1.5 ×",
      `${fmt(st.median / f.median, 2)} ×`,
    ]),
  );
  const rss100k = statusRun!.rssMiB;

  // The same at 5 ms a request: a page then costs the endpoint more than the command spends reading it.
  emulator.latencyMs = 5;
  const slowFloors: number[] = [];
  const slowStatuses: number[] = [];
  for (let i = 0; i < runs; i++) {
    slowFloors.push((await floor(endpoint, "bench-scale", "d/")).ms);
    slowStatuses.push((await runCli(endpoint, ["status", "s3://bench-scale/d/", "--json"])).ms);
  }
  emulator.latencyMs = 0;
  const sf = summary(slowFloors);
  const ss = summary(slowStatuses);
  out(
    row([
      "bare pager (floor), 5 ms a request",
      100_000,
      100,
      `${fmt(sf.min / 1000, 2)} / ${fmt(sf.median / 1000, 2)}`,
      "-",
      "-",
      "-",
      "-",
    ]),
  );
  out(
    row([
      "`status`, 5 ms a request",
      100_000,
      100,
      `${fmt(ss.min / 1000, 2)} / ${fmt(ss.median / 1000, 2)}`,
      "-",
      "floor at 5 ms",
      "-",
      `${fmt(ss.median / sf.median, 2)} ×`,
    ]),
  );

  // 2. 1,000,000 objects: memory stays flat (300,000 shows where V8's heap settles).
  emulator.reset();
  flat(emulator, "bench-scale", 300_000);
  const third = await runCli(endpoint, ["status", "s3://bench-scale/d/", "--json"]);
  out(
    row([
      "`status`, 300,000 objects",
      third.json.objects,
      third.json.requests.list,
      fmt(third.ms / 1000, 2),
      fmt(third.rssMiB),
      "RSS at 100,000",
      "-",
      `${fmt(third.rssMiB / rss100k, 2)} ×`,
    ]),
  );
  emulator.reset();
  flat(emulator, "bench-scale", 1_000_000);
  const million = await runCli(endpoint, ["status", "s3://bench-scale/d/", "--json"]);
  if (million.json.objects !== 1_000_000) throw new Error(`status saw ${million.json.objects} objects`);
  out(
    row([
      "`status`, 1,000,000 objects",
      million.json.objects,
      million.json.requests.list,
      fmt(million.ms / 1000, 2),
      fmt(million.rssMiB),
      "RSS at 100,000 / 300,000",
      "≤ 1.2 ×",
      `${fmt(million.rssMiB / rss100k, 2)} × / ${fmt(million.rssMiB / third.rssMiB, 2)} ×`,
    ]),
  );

  // 3. A tree of run directories at a real network's latency: --parallel 16 against one stream.
  emulator.reset();
  for (let d = 0; d < 80; d++)
    for (let i = 0; i < 1500; i++)
      emulator.put(
        "bench-tree",
        `runs/run-${String(d).padStart(3, "0")}/${String(i).padStart(5, "0")}.nc`,
        i % 3 ? "GLACIER" : "STANDARD",
        undefined,
        4096,
      );
  emulator.latencyMs = 25;
  const one = await runCli(endpoint, ["status", "s3://bench-tree/runs/", "--json"]);
  const sixteen = await runCli(endpoint, ["status", "s3://bench-tree/runs/", "--json", "--parallel", "16"]);
  emulator.latencyMs = 0;
  const same =
    JSON.stringify({ ...one.json, requests: undefined }) === JSON.stringify({ ...sixteen.json, requests: undefined });
  out(
    row([
      "`status`, 80 directories × 1,500, 25 ms a request",
      one.json.objects,
      one.json.requests.list,
      fmt(one.ms / 1000, 2),
      fmt(one.rssMiB),
      "-",
      "-",
      "-",
    ]),
  );
  out(
    row([
      "`status --parallel 16`, same tree",
      sixteen.json.objects,
      sixteen.json.requests.list,
      fmt(sixteen.ms / 1000, 2),
      fmt(sixteen.rssMiB),
      "one stream",
      "≥ 4 × faster, same counts",
      `${fmt(one.ms / sixteen.ms, 2)} × faster, counts ${same ? "identical" : "DIFFER"}`,
    ]),
  );

  // 4. stage --direct lists once: the restores read the plan's listing back.
  emulator.reset();
  for (let i = 0; i < 100_000; i++)
    emulator.put(
      "bench-once",
      `d/${String(i).padStart(7, "0")}.nc`,
      i % 100 === 0 ? "GLACIER" : "STANDARD",
      undefined,
      4096,
    );
  const staged = await runCli(endpoint, ["stage", "s3://bench-once/d/", "--direct", "--yes", "--json"]);
  out(
    row([
      "`stage --direct` (1 % archived: 1,000 restores)",
      100_000,
      staged.json.requests.list,
      fmt(staged.ms / 1000, 2),
      fmt(staged.rssMiB),
      "⌈N/1000⌉ = 100",
      "100, not 200",
      `${emulator.count("list")} ListObjectsV2, ${emulator.count("restore")} RestoreObject`,
    ]),
  );
  out();
}

export async function statusSection(): Promise<void> {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 300_000];
  const emulator = new S3Emulator();
  const endpoint = await emulator.start();
  await scaleSection(emulator, endpoint);
  out("## `glacier-restore status` over a large prefix");
  out("Emulator on 127.0.0.1, no added latency; 1 run per size. Goal: at most ⌈N/1000⌉ + 1 requests, flat memory.");
  out();
  out(row(["objects", "ListObjectsV2 requests", "goal", "wall s", "peak RSS MiB"]));
  out(row(["---:", "---:", "---:", "---:", "---:"]));
  try {
    for (const n of sizes) {
      emulator.reset();
      for (let i = 0; i < n; i++)
        emulator.put(
          "bench-status",
          `d/${String(i).padStart(7, "0")}.nc`,
          i % 5 === 0 ? "STANDARD" : "GLACIER",
          undefined,
          4096,
        );
      const r = await runCli(endpoint, ["status", "s3://bench-status/d/", "--json"]);
      if (r.json.objects !== n) throw new Error(`status saw ${r.json.objects} of ${n} objects`);
      out(row([n, r.json.requests.list, Math.ceil(n / 1000) + 1, fmt(r.ms / 1000), fmt(r.rssMiB)]));
    }
    out();
    // stage --direct: restore requests per second with 5 ms per request, and whether memory stays flat.
    out("`glacier-restore stage` (direct RestoreObject calls, concurrency 16), emulator at 5 ms per request:");
    out();
    out(row(["objects", "restore requests", "wall s", "requests/s", "peak RSS MiB"]));
    out(row(["---:", "---:", "---:", "---:", "---:"]));
    for (const n of quick ? [2_000, 10_000] : [2_000, 10_000, 30_000]) {
      emulator.reset();
      emulator.latencyMs = 5;
      for (let i = 0; i < n; i++)
        emulator.put("bench-stage", `d/${String(i).padStart(7, "0")}.nc`, "GLACIER", undefined, 4096);
      const r = await runCli(endpoint, ["stage", "s3://bench-stage/d/", "--yes", "--json"]);
      if (r.json.outcome.started !== n) throw new Error(`stage started ${r.json.outcome.started} of ${n}`);
      out(row([n, emulator.count("restore"), fmt(r.ms / 1000), fmt(n / (r.ms / 1000), 0), fmt(r.rssMiB)]));
    }
    out();
    // stage of a very large dataset: S3 Batch Operations, one CreateJob per archive family, no per-object call.
    out("`glacier-restore stage --batch` (90 % Glacier / Deep Archive, 10 % Intelligent-Tiering), no added latency:");
    out();
    out(row(["objects", "ListObjectsV2", "CreateJob", "per-object calls", "jobs (tasks)", "wall s", "peak RSS MiB"]));
    out(row(["---:", "---:", "---:", "---:", "---", "---:", "---:"]));
    for (const n of quick ? [100_000] : [100_000, 1_000_000]) {
      emulator.reset();
      for (let i = 0; i < n; i++)
        emulator.put(
          "bench-batch",
          `d/${String(i).padStart(7, "0")}.nc`,
          i % 10 === 0 ? "INTELLIGENT_TIERING" : i % 3 === 0 ? "DEEP_ARCHIVE" : "GLACIER",
          i % 10 === 0 ? "ARCHIVE_ACCESS" : undefined,
          4096,
        );
      const r = await runCli(endpoint, [
        "stage",
        "s3://bench-batch/d/",
        "--batch",
        "--role-arn",
        "arn:aws:iam::123456789012:role/glacier-restore-bench-batch",
        "--reports",
        "s3://gr-bench-batch-reports/batch/",
        "--yes",
        "--json",
      ]);
      const perObject = emulator.count("restore") + emulator.count("head");
      out(
        row([
          n,
          emulator.count("list"),
          emulator.count("create-job"),
          perObject,
          r.json.jobs.map((j) => `${j.family} (${j.tasks})`).join(", "),
          fmt(r.ms / 1000),
          fmt(r.rssMiB),
        ]),
      );
    }
  } finally {
    await emulator.stop();
  }
  out();
}
