#!/usr/bin/env node
// `npx glacier-restore <command>` in the project directory: builds what changed (a hash check when
// nothing did, so no separate build step to remember), then runs the compiled command.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await import(join(root, "scripts", "build.mjs"));
await createRequire(import.meta.url)(join(root, "dist", "cli", "main.js")).runCli();
