/**
 * The import rules of .dependency-cruiser.cjs (run on the project by `npm test`) each catch a tree that
 * breaks them: a rule that can never fire would guard nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");

/** Runs dependency-cruiser with the project's rules over a small tree; returns the rules that fired. */
function violations(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "gr-boundaries-"));
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs" } }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const dirs = [...new Set(Object.keys(files).map((f) => f.split("/")[0]!))];
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs"),
      "--config",
      path.join(root, ".dependency-cruiser.cjs"),
      "--output-type",
      "json",
      ...dirs,
    ],
    { cwd: dir, encoding: "utf8" },
  );
  const result = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(result.summary.violations.map((v) => v.rule.name))].sort();
}

describe("import boundaries", () => {
  it("pass for a tree that keeps them", () => {
    expect(
      violations({
        "core/a.ts": "export const a = 1;\n",
        "functions/restore/h.ts":
          'import { a } from "../../core/a";\nimport { e } from "../../aws/e";\nexport const h = a + e;\n',
        "aws/e.ts": 'import { a } from "../core/a";\nexport const e = a;\n',
        "stacks/s.ts": 'import { a } from "../core/a";\nexport const s = a;\n',
      }),
    ).toEqual([]);
  });

  it.each([
    [
      "core-is-pure",
      {
        "core/a.ts": 'import { c } from "../config/c";\nexport const a = c;\n',
        "config/c.ts": "export const c = 1;\n",
      },
    ],
    [
      "functions-without-cdktf",
      {
        "functions/f/h.ts": 'import { s } from "../../stacks/s";\nexport const h = s;\n',
        "stacks/s.ts": "export const s = 1;\n",
      },
    ],
    [
      "functions-without-cdktf",
      {
        "aws/e.ts": 'import { c } from "../config/c";\nexport const e = c;\n',
        "config/c.ts": "export const c = 1;\n",
      },
    ],
    [
      "aws-helpers-serve-functions",
      {
        "aws/e.ts": 'import { h } from "../functions/f/h";\nexport const e = h;\n',
        "functions/f/h.ts": "export const h = 1;\n",
      },
    ],
    [
      "stacks-deploy-not-import-functions",
      {
        "stacks/s.ts": 'import { h } from "../functions/f/h";\nexport const s = h;\n',
        "functions/f/h.ts": "export const h = 1;\n",
      },
    ],
    [
      "stacks-deploy-not-import-functions",
      {
        "stacks/s.ts": 'import { e } from "../aws/e";\nexport const s = e;\n',
        "aws/e.ts": "export const e = 1;\n",
      },
    ],
    [
      "cli-without-cdktf",
      {
        "cli/c.ts": 'import { s } from "../stacks/s";\nexport const c = s;\n',
        "stacks/s.ts": "export const s = 1;\n",
      },
    ],
    [
      "cost-without-cdktf",
      {
        "cost/c.ts": 'import { s } from "../stacks/s";\nexport const c = s;\n',
        "stacks/s.ts": "export const s = 1;\n",
      },
    ],
    [
      "config-without-cdktf",
      {
        "config/c.ts": 'import { s } from "../stacks/s";\nexport const c = s;\n',
        "stacks/s.ts": "export const s = 1;\n",
      },
    ],
    [
      "no-cycles",
      {
        "stacks/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
        "stacks/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
      },
    ],
  ])("%s fires on a tree that breaks it", (rule, files) => {
    expect(violations(files)).toContain(rule);
  });
});
