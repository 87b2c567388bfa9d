/**
 * `npm run bench`: measures the handler bundle (size, cold start, restore calls under a burst of duplicate
 * events, throughput), synth cost and terraform validate cost, and writes bench/RESULTS.md.
 * Every figure is the minimum and median of several runs; ratios are measured within one run.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";
import { S3Emulator } from "../testing/s3-emulator";
import { mirrorCliConfig } from "../testing/terraform";
import { s3ApiCallEvent } from "../testing/fixtures/cloudtrail-events";
import { fmt, summary } from "./stats";
import { out, quick, report, root, row, RUNS, time } from "./report";
import { cliSection } from "./cli";
import { statusSection } from "./status";
import { synthSection } from "./synth";

const dist = path.join(root, "dist");
const bundle = path.join(dist, "handler", "index.js");
const routerBundle = path.join(dist, "router", "index.js");
const work = mkdtempSync(path.join(tmpdir(), "gr-bench-"));
// Lambda runs Node.js 22; the SDK's notice about older Node.js versions would only clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

function bundleSection(): void {
  out("## Handler bundle");
  const zip = statSync(path.join(dist, "handler.zip")).size;
  const js = statSync(bundle).size;
  out(row(["artifact", "bytes", "KiB"]));
  out(row(["---", "---:", "---:"]));
  out(row(["dist/handler.zip (deployed)", zip, fmt(zip / 1024)]));
  out(row(["dist/handler/index.js (minified)", js, fmt(js / 1024)]));
  const routerZip = statSync(path.join(dist, "router.zip")).size;
  const routerJs = statSync(routerBundle).size;
  out(row(["dist/router.zip (log router, deployed)", routerZip, fmt(routerZip / 1024)]));
  out(row(["dist/router/index.js (minified)", routerJs, fmt(routerJs / 1024)]));
  out();

  out(`## Cold start (spawned process, ${RUNS * 2} runs each, ms)`);
  const env = {
    ...process.env,
    RESTORE_TIER: "Standard",
    RESTORED_OBJECT_AVAILABILITY_DAYS: "7",
    TARGET_BUCKET: "bench-bucket",
    AWS_REGION: "us-east-1",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
  const empty: number[] = [];
  const load: number[] = [];
  const first: number[] = [];
  const router: number[] = [];
  for (let i = 0; i < RUNS * 2; i++) {
    router.push(time(process.execPath, ["-e", `require(${JSON.stringify(routerBundle)})`], env));
    empty.push(time(process.execPath, ["-e", ""], env));
    load.push(time(process.execPath, ["-e", `require(${JSON.stringify(bundle)})`], env));
    // Import plus the first invocation: clients and configuration are created lazily on it.
    first.push(time(process.execPath, ["-e", `require(${JSON.stringify(bundle)}).handler({})`], env));
  }
  const e = summary(empty);
  const l = summary(load);
  const f = summary(first);
  out(row(["measure", "min", "median", "median above empty node"]));
  out(row(["---", "---:", "---:", "---:"]));
  out(row(["empty `node -e ''`", fmt(e.min), fmt(e.median), "-"]));
  out(row(["require(bundle)", fmt(l.min), fmt(l.median), fmt(l.median - e.median)]));
  out(row(["require + first (ignored) event", fmt(f.min), fmt(f.median), fmt(f.median - e.median)]));
  const r = summary(router);
  out(row(["require(router bundle)", fmt(r.min), fmt(r.median), fmt(r.median - e.median)]));
  out();
}

interface Scenario {
  name: string;
  mode: "handler" | "naive";
  claims: boolean;
  order: "clustered" | "shuffled";
  /** Publish "restore initiated" to an SNS topic (the emulator's). */
  notify?: boolean;
  /** restoreScope "directory", with all objects in one directory (the expansion restores them). */
  directory?: boolean;
}

function events(objects: string[], perObject: number, order: Scenario["order"]): unknown[] {
  const list: unknown[] = [];
  for (const key of objects)
    for (let i = 0; i < perObject; i++) list.push(s3ApiCallEvent({ bucket: "bench-bucket", key }));
  if (order === "shuffled") {
    // Deterministic Fisher-Yates (LCG), so every run sees the same order.
    let seed = 42;
    for (let i = list.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
  }
  return list;
}

async function burstSection(): Promise<void> {
  const OBJECTS = 1000;
  const PER_OBJECT = 10;
  const CONCURRENCY = 20;
  const LATENCY = 5;
  out(
    `## Burst: ${PER_OBJECT} duplicate events for each of ${OBJECTS} archived objects, ${CONCURRENCY} concurrent containers`,
  );
  out(`Emulator on 127.0.0.1 with ${LATENCY} ms per request; 80% GLACIER, 20% DEEP_ARCHIVE. "clustered": an object's`);
  out('duplicates arrive back to back (many readers open one file at once); "shuffled": spread over the burst.');
  out(`Runs per scenario: ${quick ? 1 : 3} (min / median shown for events/s).`);
  out();
  const emulator = new S3Emulator();
  const endpoint = await emulator.start();
  const objects = Array.from({ length: OBJECTS }, (_, i) => `raw/run-${Math.floor(i / 100)}/file-${i}.dat`);
  const scenarios: Scenario[] = [
    { name: "handler + claims", mode: "handler", claims: true, order: "clustered" },
    { name: "handler + claims", mode: "handler", claims: true, order: "shuffled" },
    { name: "handler + claims + notifications", mode: "handler", claims: true, order: "clustered", notify: true },
    { name: "handler, no claims", mode: "handler", claims: false, order: "clustered" },
    { name: "handler, no claims", mode: "handler", claims: false, order: "shuffled" },
    { name: "naive (restore every event)", mode: "naive", claims: false, order: "clustered" },
    { name: "directory scope, one directory", mode: "handler", claims: true, order: "shuffled", directory: true },
  ];
  const oneDirectory = objects.map((_, i) => `raw/one-dir/file-${i}.dat`);
  out(
    row([
      "scenario",
      "order",
      "RestoreObject calls",
      "calls / object",
      "HeadObject calls",
      "ListObjectsV2 calls",
      "claim writes",
      "messages / object",
      "events/s (min / median)",
      "failed events",
    ]),
  );
  out(row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]));
  for (const s of scenarios) {
    const keys = s.directory ? oneDirectory : objects;
    const eventsFile = path.join(work, `events-${s.order}${s.directory ? "-dir" : ""}.json`);
    writeFileSync(eventsFile, JSON.stringify(events(keys, PER_OBJECT, s.order)));
    const rates: number[] = [];
    let last = { restore: 0, head: 0, list: 0, claim: 0, published: 0, failures: 0 };
    for (let run = 0; run < (quick ? 1 : 3); run++) {
      emulator.reset();
      emulator.latencyMs = LATENCY;
      keys.forEach((key, i) => emulator.put("bench-bucket", key, i % 5 === 0 ? "DEEP_ARCHIVE" : "GLACIER"));
      const resultFile = path.join(work, "result.json");
      // Asynchronous on purpose: the emulator runs in this process and must keep serving.
      const child = spawn(
        process.execPath,
        [path.join(dist, "bench", "burst.js"), bundle, eventsFile, String(CONCURRENCY), s.mode, resultFile],
        {
          env: {
            ...process.env,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
            AWS_SECRET_ACCESS_KEY: "local-test-secret",
            AWS_ENDPOINT_URL_S3: endpoint,
            AWS_ENDPOINT_URL_DYNAMODB: endpoint,
            RESTORE_TIER: "Standard",
            RESTORED_OBJECT_AVAILABILITY_DAYS: "7",
            TARGET_BUCKET: "bench-bucket",
            TARGET_PREFIX: "raw/",
            ...(s.claims ? { CLAIM_TABLE: "claims" } : {}),
            ...(s.directory ? { RESTORE_SCOPE: "directory", DIRECTORY_MAX_OBJECTS: "1000" } : {}),
            ...(s.notify
              ? {
                  AWS_ENDPOINT_URL_SNS: endpoint,
                  NOTIFY_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:bench-restores",
                  TARGET_NAME: "bench",
                }
              : {}),
          },
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      if (code !== 0) throw new Error(`burst scenario ${s.name} exited ${code}`);
      const result = JSON.parse(readFileSync(resultFile, "utf8")) as {
        seconds: number;
        events: number;
        failures: number;
      };
      rates.push(result.events / result.seconds);
      last = {
        restore: emulator.count("restore"),
        head: emulator.count("head"),
        list: emulator.count("list"),
        claim: emulator.count("claim"),
        published: emulator.published.length,
        failures: result.failures,
      };
    }
    const r = summary(rates);
    out(
      row([
        s.name,
        s.order,
        last.restore,
        fmt(last.restore / OBJECTS, 3),
        last.head,
        last.list,
        last.claim,
        s.notify ? fmt(last.published / OBJECTS, 3) : "-",
        `${fmt(r.min, 0)} / ${fmt(r.median, 0)}`,
        last.failures,
      ]),
    );
  }
  await emulator.stop();
  out();
}

function terraformSection(): void {
  const mirror = execFileSync("sh", [path.join(root, "scripts", "find-tf-mirror.sh")], { encoding: "utf8" }).trim();
  out("## Terraform per stack (local provider mirror, symlinked)");
  if (!mirror) {
    out("No local terraform-provider-aws mirror found: skipped.");
    return;
  }
  const rc = path.join(work, "terraformrc");
  writeFileSync(rc, mirrorCliConfig(mirror));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  const outdir = path.join(work, "tf-out");
  rmSync(outdir, { recursive: true, force: true });
  execFileSync(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, GLACIER_RESTORE_CONFIG: "" },
  });
  const stackDir = path.join(outdir, "stacks", "genomics-raw");
  const init: number[] = [];
  const validate: number[] = [];
  for (let i = 0; i < (quick ? 2 : 3); i++) {
    const dir = mkdtempSync(path.join(work, "tf-"));
    cpSync(stackDir, dir, { recursive: true });
    const t0 = performance.now();
    execFileSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: dir,
      env,
      stdio: "ignore",
    });
    const t1 = performance.now();
    execFileSync("terraform", ["validate", "-no-color"], { cwd: dir, env, stdio: "ignore" });
    init.push(t1 - t0);
    validate.push(performance.now() - t1);
  }
  const i = summary(init);
  const v = summary(validate);
  out(row(["step", "ms min", "ms median"]));
  out(row(["---", "---:", "---:"]));
  out(row(["terraform init -backend=false", fmt(i.min, 0), fmt(i.median, 0)]));
  out(row(["terraform validate", fmt(v.min, 0), fmt(v.median, 0)]));
  out();
  // What a pull-request pipeline pays for validation alone, before any plan (which also waits on AWS).
  const perStack = (i.median + v.median) / 1000;
  out(
    `A pipeline that runs init + validate on every stack spends about ${fmt(perStack, 1)} s per stack: ` +
      `${fmt((perStack * 10) / 60, 1)} min for 10 stacks and ${fmt((perStack * 100) / 60, 1)} min for 100, run one ` +
      "after another on these 2 cores (the plan workflow runs stacks as parallel jobs).",
  );
  out();
}

async function main(): Promise<void> {
  out("# glacier-restore benchmark");
  out();
  out(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores, Node ${process.version}.`);
  out();
  // `--only=synth` (etc.) runs one section, for working on it; the report then holds only that section.
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  if (!only || only === "bundle") bundleSection();
  if (!only || only === "burst") await burstSection();
  if (!only || only === "synth") await synthSection(work);
  if (!only || only === "terraform") terraformSection();
  if (!only || only === "status") await statusSection();
  if (!only || only === "cli") await cliSection();
  writeFileSync(path.join(root, "bench", only ? `RESULTS-${only}.md` : "RESULTS.md"), `${report.join("\n")}\n`);
  rmSync(work, { recursive: true, force: true });
}

void main();
