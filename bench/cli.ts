/**
 * The operator command's own costs: how long `glacier-restore` takes to start (what every call in a
 * staging job pays), and how `wait` gets through listings that fail (the emulator answers the first N
 * ListObjectsV2 requests with 503, then succeeds): time to completion and listings made.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { localAwsEnv, runProcess } from "../testing/process";
import { S3Emulator } from "../testing/s3-emulator";
import { fmt, summary } from "./stats";
import { out, quick, root, row, RUNS, time } from "./report";

const BIN = path.join(root, "bin", "glacier-restore.mjs");

function startSection(): void {
  const runs = RUNS * 2;
  // The launcher rebuilds when sources changed: one untimed run first, so every timed run starts alike.
  spawnSync(process.execPath, [BIN, "--help"], { cwd: root, stdio: "ignore" });
  const env = localAwsEnv();
  const empty: number[] = [];
  const launcher: number[] = [];
  const compiled: number[] = [];
  for (let i = 0; i < runs; i++) {
    empty.push(time(process.execPath, ["-e", ""], env));
    launcher.push(time(process.execPath, [BIN, "--help"], env));
    compiled.push(time(process.execPath, [path.join(root, "dist", "cli", "main.js"), "--help"], env));
  }
  const e = summary(empty);
  out(`## \`glacier-restore\` start time (spawned process, ${runs} runs each, ms)`);
  out("Nothing changed since the last build, so the launcher's build step is its hash check only.");
  out();
  out(row(["command", "min", "median", "median above empty node"]));
  out(row(["---", "---:", "---:", "---:"]));
  out(row(["empty `node -e ''`", fmt(e.min), fmt(e.median), "-"]));
  for (const [name, values] of [
    ["`node bin/glacier-restore.mjs --help` (documented form)", launcher],
    ["`node dist/cli/main.js --help` (compiled command alone)", compiled],
  ] as const) {
    const s = summary(values);
    out(row([name, fmt(s.min), fmt(s.median), fmt(s.median - e.median)]));
  }
  out();
}

async function waitSection(): Promise<void> {
  const OBJECTS = 1000;
  const INTERVAL = "800ms";
  const emulator = new S3Emulator();
  const endpoint = await emulator.start();
  out("## `glacier-restore wait` under failing listings");
  out(
    `${OBJECTS} readable objects; the emulator answers the first N ListObjectsV2 requests 503 ServiceUnavailable, then succeeds. ` +
      `\`wait --interval ${INTERVAL} --max-failures 5\`: backoff from an eighth of the interval (100 ms), doubling. ` +
      "SDK attempts per request: 1 (every failure reaches `wait`) or the default 3 (the SDK retries first). 1 run each.",
  );
  out();
  out(
    row(["failed listings (N)", "SDK attempts", "exit", "ListObjectsV2 requests", "retries said on stderr", "wall s"]),
  );
  out(row(["---:", "---:", "---:", "---:", "---:", "---:"]));
  try {
    for (const attempts of ["1", "3"])
      for (const failures of quick ? [0, 3, 5] : [0, 1, 3, 4, 5, 12]) {
        emulator.reset();
        for (let i = 0; i < OBJECTS; i++) emulator.put("bench-wait", `d/${String(i).padStart(5, "0")}.nc`, "STANDARD");
        if (failures > 0) emulator.inject({ op: "list", status: 503, code: "ServiceUnavailable", times: failures });
        const started = performance.now();
        const r = await runProcess(
          process.execPath,
          [BIN, "wait", "s3://bench-wait/d/", "--interval", INTERVAL, "--max-failures", "5", "--timeout", "5m"],
          { cwd: root, env: localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint, AWS_MAX_ATTEMPTS: attempts }) },
        );
        const seconds = (performance.now() - started) / 1000;
        const said = r.stderr.split("\n").filter((l) => l.includes("retrying in")).length;
        out(row([failures, attempts, r.code ?? "signal", emulator.count("list"), said, fmt(seconds, 2)]));
      }
  } finally {
    await emulator.stop();
  }
  out();
}

export async function cliSection(): Promise<void> {
  startSection();
  await waitSection();
}
