#!/usr/bin/env node
// `npx glacier-restore <command>` in the project directory: builds what changed (a hash check when
// nothing did, so no separate build step to remember), then runs the compiled command. In scripts and job
// steps call this file with node directly (node /opt/glacier-restore/bin/glacier-restore.mjs ...): npx
// resolves the package on every call first. Failures of the command itself end in cli/failure.ts; a build
// that cannot run ends here, in one line.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let runCli;
try {
  await import(join(root, "scripts", "build.mjs"));
  ({ runCli } = createRequire(import.meta.url)(join(root, "dist", "cli", "main.js")));
} catch (err) {
  process.stderr.write(
    `glacier-restore: could not build the command in ${root} (${err instanceof Error ? err.message.split("\n")[0] : String(err)}): run npm ci there, then retry\n`,
  );
  process.exit(1);
}
await runCli();
