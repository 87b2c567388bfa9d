/**
 * The operator command's own costs: how long `glacier-restore` takes to start (what every call in a
 * staging job pays), and how `wait` gets through listings that fail (the emulator answers the first N
 * ListObjectsV2 requests with 503, then succeeds): time to completion and listings made.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { localAwsEnv, runProcess } from "../testing/process";
import { S3Emulator } from "../testing/s3-emulator";
import { fmt, summary } from "./stats";
import { out, quick, root, row, RUNS } from "./report";

const BIN = path.join(root, "bin", "glacier-restore.mjs");
const MAIN = path.join(root, "dist", "cli", "main.js");
/** The goal for `--help` and a start that parses its command line and exits (median, ms). */
const START_GOAL_MS = 300;

/** Wall time in ms of one run of a command that must end with the given exit status. */
function timeExit(status: number, cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], cwd: root });
  if (r.status !== status) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}, not ${status}: ${r.stderr}`);
  return performance.now() - t0;
}

function startSection(): void {
  const runs = RUNS * 2;
  // The launcher's compile cache in a directory of its own, so every run of the bench starts alike.
  const cacheDir = mkdtempSync(path.join(tmpdir(), "gr-bench-compile-cache-"));
  const env = localAwsEnv({ NODE_COMPILE_CACHE: cacheDir });
  const noCache = localAwsEnv({ NODE_DISABLE_COMPILE_CACHE: "1" });
  // One untimed run of each first: the launcher rebuilds when sources changed and fills the compile cache.
  for (const args of [["--help"], ["status", "--help"]])
    spawnSync(process.execPath, [BIN, ...args], { cwd: root, env, stdio: "ignore" });
  const cases: { name: string; args: string[]; env: NodeJS.ProcessEnv; status?: number; goal?: boolean }[] = [
    { name: "empty `node -e ''`", args: ["-e", ""], env },
    { name: "`node bin/glacier-restore.mjs --help` (documented form)", args: [BIN, "--help"], env, goal: true },
    { name: "`node dist/cli/main.js --help` (compiled command alone)", args: [MAIN, "--help"], env, goal: true },
    {
      name: "`node dist/cli/main.js nope` (no-op start: parse, unknown command, exit 2)",
      args: [MAIN, "nope"],
      env,
      status: 2,
      goal: true,
    },
    {
      name: "`node dist/cli/main.js status --help` (loads the command and its SDK client)",
      args: [MAIN, "status", "--help"],
      env,
    },
    { name: "`node bin/glacier-restore.mjs status --help` (compile cache on)", args: [BIN, "status", "--help"], env },
    {
      name: "`node bin/glacier-restore.mjs status --help` (NODE_DISABLE_COMPILE_CACHE=1)",
      args: [BIN, "status", "--help"],
      env: noCache,
    },
  ];
  const times = cases.map(() => [] as number[]);
  // Interleaved, so a busy moment of the machine spreads over every row rather than one.
  try {
    for (let i = 0; i < runs; i++)
      cases.forEach((c, j) => times[j]!.push(timeExit(c.status ?? 0, process.execPath, c.args, c.env)));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const e = summary(times[0]!);
  out(`## \`glacier-restore\` start time (spawned process, ${runs} runs each, ms)`);
  out(
    "Nothing changed since the last build, so the launcher's build step is its hash check only. The launcher " +
      "enables Node's on-disk compile cache (warm here: one untimed run first); `node dist/cli/main.js` runs " +
      "without it unless NODE_COMPILE_CACHE is set (it is, here, to the same directory).",
  );
  out();
  out(row(["command", "min", "median", "median above empty node"]));
  out(row(["---", "---:", "---:", "---:"]));
  out(row([cases[0]!.name, fmt(e.min), fmt(e.median), "-"]));
  const goal: number[] = [];
  cases.slice(1).forEach((c, j) => {
    const s = summary(times[j + 1]!);
    if (c.goal) goal.push(s.median);
    out(row([c.name, fmt(s.min), fmt(s.median), fmt(s.median - e.median)]));
  });
  out();
  const worst = Math.max(...goal);
  out(
    `Goal: \`--help\` and a no-op start in ${START_GOAL_MS} ms or less (median): ` +
      `${worst <= START_GOAL_MS ? "met" : "not met"}, slowest of those rows ${fmt(worst)} ms.`,
  );
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
