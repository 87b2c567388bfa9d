import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** Runs moto's EventBridge pattern matcher over cases; one boolean per case. */
export function motoMatches(cases: { pattern: unknown; event: unknown }[]): boolean[] {
  const run = spawnSync("python3", [path.join(__dirname, "moto_patterns.py")], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`moto pattern matcher failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as boolean[];
}
