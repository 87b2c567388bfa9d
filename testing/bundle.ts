import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { localAwsEnv } from "./process";

const root = path.join(__dirname, "..");

/** Extracts index.js from the deployment zip exactly as Lambda would receive it. */
export function extractBundle(zipPath = path.join(root, "dist", "handler.zip"), entry = "index.js"): string {
  const files = unzipSync(readFileSync(zipPath));
  const code = files[entry];
  if (!code) throw new Error(`${zipPath} has no ${entry}; entries: ${Object.keys(files).join(", ")}`);
  const dir = mkdtempSync(path.join(tmpdir(), "gr-bundle-"));
  writeFileSync(path.join(dir, entry), code);
  return path.join(dir, entry);
}

export type BundleResult = { ok: true; result: any } | { ok: false; error: { name: string; message: string } };

/** Runs the bundle in a fresh Node.js process (one "container") over a list of events. */
export async function runBundle(
  bundle: string,
  events: unknown[],
  env: Record<string, string>,
  exportName = "handler",
): Promise<{ results: BundleResult[]; stdout: string[]; stderr: string; code: number | null }> {
  const dir = mkdtempSync(path.join(tmpdir(), "gr-run-"));
  const eventsFile = path.join(dir, "events.json");
  const resultsFile = path.join(dir, "results.json");
  writeFileSync(eventsFile, JSON.stringify(events));
  const child = spawn(
    process.execPath,
    [path.join(__dirname, "run-bundle.cjs"), bundle, eventsFile, resultsFile, exportName],
    {
      env: localAwsEnv({ AWS_LAMBDA_FUNCTION_NAME: "glacier-restore-test", ...env }),
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`bundle runner exited ${code}: ${stderr}`);
  return {
    results: JSON.parse(readFileSync(resultsFile, "utf8")) as BundleResult[],
    stdout: stdout.split("\n").filter((l) => l.trim() !== ""),
    stderr,
    code,
  };
}
