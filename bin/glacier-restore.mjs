#!/usr/bin/env node
// `npx glacier-restore <command>` in the project directory: builds what changed (a hash check when
// nothing did, so no separate build step to remember), then runs the compiled command. In scripts and job
// steps call this file with node directly (node <install path>/bin/glacier-restore.mjs ...): npx
// resolves the package on every call first. Installed from the packed package (npm install -g, npx
// <tarball>), there are no sources to build: the package ships the built command (package.json "files"),
// which runs as it is. Failures of the command itself end in cli/failure.ts; a build that cannot run ends
// here, in one line.
import { existsSync } from "node:fs";
import module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Node's on-disk compile cache (Node >= 22.1; NODE_COMPILE_CACHE names its directory, else the OS temp
// directory): a command that loads the AWS SDK starts faster from the second call on (bench/cli.ts).
// Only an optimization: without it (older Node, a directory it cannot write) the command runs as before.
try {
  module.enableCompileCache?.();
} catch {
  // Start without the cache.
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The command's own source: present in the project directory, never in the package.
const inProject = existsSync(join(root, "cli", "main.ts"));
let runCli;
try {
  if (inProject) await import(join(root, "scripts", "build.mjs"));
  ({ runCli } = createRequire(import.meta.url)(join(root, "dist", "cli", "main.js")));
} catch (err) {
  const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
  process.stderr.write(
    inProject
      ? `glacier-restore: could not build the command in ${root} (${reason}): run npm ci there, then retry\n`
      : `glacier-restore: the installed package in ${root} is incomplete (${reason}): install it again\n`,
  );
  process.exit(1);
}
await runCli();
