/**
 * scripts/build.mjs, driven by scripts/entry-points.json, in a copy of the project: it skips a build when
 * nothing changed, and rebuilds when any file a bundle imports changes, in whatever folder it lives, so a
 * stale function can never be shipped.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import entryPoints from "../scripts/entry-points.json";
import { extractBundle } from "../testing/bundle";
import { all, synthConfig } from "../testing/synth";
import { exampleConfig, notificationsConfig } from "../testing/config";

const root = path.join(__dirname, "..");

/** A copy of the project's sources (what git tracks, without tests, docs and benchmarks), sharing node_modules. */
function projectCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gr-build-"));
  const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n");
  const top = new Set(tracked.filter(Boolean).map((f) => f.split("/")[0]!));
  for (const entry of top)
    if (![".github", "__tests__", "bench", "docs", "testing"].includes(entry))
      cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("the build", () => {
  it("skips when nothing changed and rebuilds the function when a core file it imports changes", () => {
    const dir = projectCopy();
    const build = () => execFileSync(process.execPath, [path.join(dir, "scripts", "build.mjs")], { cwd: dir });
    const zip = path.join(dir, entryPoints.functions[0]!.zip);
    build();
    const first = { hash: sha(zip), mtime: statSync(zip).mtimeMs };
    const inputs = JSON.parse(readFileSync(path.join(dir, "dist", ".build-inputs.json"), "utf8")) as string[];
    // The fingerprint covers what the bundles import, core/ included, not a fixed list of folders.
    expect(inputs).toEqual(expect.arrayContaining(["core/notifications.ts", "functions/restore/index.ts", "main.ts"]));
    build();
    expect(statSync(zip).mtimeMs).toBe(first.mtime);
    const core = path.join(dir, "core", "notifications.ts");
    writeFileSync(core, readFileSync(core, "utf8").replace('"restore-digest"', '"restore-digest-v2"'));
    build();
    expect(sha(zip)).not.toBe(first.hash);
  }, 60_000);

  it("builds every function the stacks deploy, exporting the handlers the table names", async () => {
    const table = new Set(entryPoints.functions.flatMap((f) => f.handlers));
    const deployed = new Set(
      Object.values(synthConfig(notificationsConfig()).stacks)
        .concat(Object.values(synthConfig(exampleConfig()).stacks))
        .flatMap((s) => all(s, "aws_lambda_function").map((f) => f.handler as string)),
    );
    expect([...deployed].sort()).toEqual([...table].sort());
    const bundle = (await import(extractBundle())) as Record<string, unknown>;
    for (const handler of table) expect(typeof bundle[handler.replace(/^index\./, "")]).toBe("function");
  });
});
