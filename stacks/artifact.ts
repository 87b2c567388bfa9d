import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import entryPoints from "../scripts/entry-points.json";
import { GlacierRestoreError } from "../core/errors";

/** The restore function's deployment package as built by `npm run build`. */
export interface HandlerArtifact {
  /** Path of the zip, relative to the project directory (where cdktf.json is). */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: what Lambda reports as CodeSha256, so an unchanged bundle plans no diff. */
  readonly sha256: string;
}

const restoreEntry = entryPoints.functions.find((f) => f.name === "restore");
if (!restoreEntry) throw new Error("scripts/entry-points.json lists no function named restore");

/** The restore function's zip, as scripts/entry-points.json (the build's table) names it. */
export const DEFAULT_HANDLER_ZIP = restoreEntry.zip;

const routerEntry = entryPoints.functions.find((f) => f.name === "router");
if (!routerEntry) throw new Error("scripts/entry-points.json lists no function named router");

/** The log router's zip (for targets fed by reader logs). */
export const ROUTER_ZIP = routerEntry.zip;

/** The Lambda runtime and architecture the zip is built for (the same table drives esbuild's target). */
export const HANDLER_RUNTIME = { runtime: restoreEntry.runtime, architectures: [restoreEntry.architecture] };

export function loadHandlerArtifact(zipPath = DEFAULT_HANDLER_ZIP): HandlerArtifact {
  let bytes: Buffer;
  try {
    bytes = readFileSync(zipPath);
  } catch {
    throw new GlacierRestoreError(
      "external",
      `${zipPath} is missing: run "npm run build" (npm run synth does it for you)`,
    );
  }
  return { zipPath, sha256: createHash("sha256").update(bytes).digest("base64") };
}
