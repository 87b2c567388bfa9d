import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { proofConfigurations } from "./configurations";
import { synthToDisk } from "./synth";

/** SHA-256 of every file the synthesis of each proof configuration writes, by configuration and path. */
export function synthesizedHashes(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, raw] of Object.entries(proofConfigurations())) {
    const { outdir } = synthToDisk(raw);
    const files: Record<string, string> = {};
    for (const entry of readdirSync(outdir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      files[path.relative(outdir, file)] = createHash("sha256").update(readFileSync(file)).digest("hex");
    }
    out[name] = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}
