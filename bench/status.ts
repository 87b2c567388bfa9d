/**
 * `glacier-restore status` over a large prefix: the requests it makes (goal: ⌈N/1000⌉ + 1 at most), its
 * wall time and its peak memory against the emulator (the listing is streamed, so memory should not grow
 * with N).
 */
import * as path from "node:path";
import { localAwsEnv, runProcess } from "../testing/process";
import { S3Emulator } from "../testing/s3-emulator";
import { fmt } from "./stats";
import { out, quick, root, row } from "./report";

/** The command's JSON result, read by field. */
interface CliJson {
  objects: number;
  requests: { list: number };
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

export async function statusSection(): Promise<void> {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 300_000];
  const emulator = new S3Emulator();
  const endpoint = await emulator.start();
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
