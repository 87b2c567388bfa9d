import { execFileSync } from "node:child_process";
import * as path from "node:path";

const scripts = path.join(__dirname, "..", "scripts");

/**
 * Calls a function exported by one of the scripts/*.mjs files, in a Node process of its own (jest's
 * module system cannot load .mjs files here). Arguments go through stdin as JSON: a plan's JSON is larger
 * than a command line may be. An error the function throws is rethrown with its message.
 */
export function callScript(script: string, fn: string, ...args: unknown[]): unknown {
  const code =
    `import { readFileSync } from "node:fs";` +
    `import { ${fn} } from ${JSON.stringify(path.join(scripts, script))};` +
    `const args = JSON.parse(readFileSync(0, "utf8"));` +
    `try { process.stdout.write(JSON.stringify({ value: ${fn}(...args) })); }` +
    `catch (e) { process.stdout.write(JSON.stringify({ error: e.message })); }`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    encoding: "utf8",
    input: JSON.stringify(args),
    maxBuffer: 64 * 1024 * 1024,
  });
  const parsed = JSON.parse(out) as { value?: unknown; error?: string };
  if (parsed.error !== undefined) throw new Error(parsed.error);
  return parsed.value;
}
