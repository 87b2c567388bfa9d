/** Shared helpers of the benchmark: the report being written, timing of spawned commands, peak RSS. */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export const root = path.join(__dirname, "..", "..");
export const report: string[] = [];
export const quick = process.argv.includes("--quick");
export const RUNS = quick ? 3 : 7;

export function out(line = ""): void {
  console.warn(line);
  report.push(line);
}

export function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Wall time in ms of one run of a command (which must succeed). */
export function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = root): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return performance.now() - t0;
}

/**
 * Peak RSS in MiB of one run, via GNU time when the machine has it. For a command that starts others, it
 * is the largest of the processes it waited for (Linux `ru_maxrss` of waited-for children).
 */
export function peakRss(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): number | undefined {
  if (!existsSync("/usr/bin/time")) return undefined;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
    env,
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split("\n").at(-1));
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}
