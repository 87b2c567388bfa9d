/**
 * The unit layer is a rule, not a list: every test file is a unit test unless testing/test-layers.cjs names
 * it as part of a slow layer. Checked against jest's own file selection, so nothing is silently left out.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const root = path.join(__dirname, "..");
/** The configurations are CommonJS files, loaded as jest loads them. */
const load = createRequire(__filename);
const { SLOW_LAYERS } = load("../testing/test-layers.cjs") as {
  SLOW_LAYERS: { pattern: string; why: string }[];
};
const base = load("../jest.config.js");
const unit = load("../jest.unit.config.js");

/** Every test file `npm test` runs, relative to __tests__/. */
const testFiles = readdirSync(path.join(root, "__tests__"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => f.split(path.sep).join("/"))
  .sort();
const isSlow = (file: string) => SLOW_LAYERS.some((l) => new RegExp(`^${l.pattern}`).test(file));

/** The files jest selects with a configuration, relative to __tests__/. */
function listTests(config: string): string[] {
  const run = spawnSync(process.execPath, [load.resolve("jest/bin/jest"), "--config", config, "--listTests"], {
    cwd: root,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`jest --listTests --config ${config} failed: ${run.stderr}`);
  return run.stdout
    .split("\n")
    .filter((line) => line.endsWith(".test.ts"))
    .map((line) => path.relative(path.join(root, "__tests__"), line).split(path.sep).join("/"))
    .sort();
}

describe("test layers", () => {
  it("selects the unit layer as every test file minus the slow layers, with no hand-kept list", () => {
    expect(unit.testMatch).toEqual(base.testMatch);
    expect(unit.roots).toEqual(base.roots);
    expect(listTests("jest.config.js")).toEqual(testFiles);
    expect(listTests("jest.unit.config.js")).toEqual(testFiles.filter((f) => !isSlow(f)));
  });

  it("puts this file and a new file anywhere in the unit layer", () => {
    expect(isSlow("test-layers.test.ts")).toBe(false);
    expect(isSlow("stacks/constructs/some-new-construct.test.ts")).toBe(false);
    expect(isSlow("core/anything.test.ts")).toBe(false);
  });

  it.each(SLOW_LAYERS.map((l) => [l.pattern, l.why]))("slow layer %s names a file and a reason", (pattern, why) => {
    expect(why.length).toBeGreaterThan(10);
    expect(testFiles.filter((f) => new RegExp(`^${pattern}`).test(f))).not.toEqual([]);
  });

  it("gives Stryker the unit layer", () => {
    const stryker = JSON.parse(readFileSync(path.join(root, "stryker.config.json"), "utf8"));
    expect(stryker.testRunner).toBe("jest");
    expect(load(path.join(root, stryker.jest.configFile))).toBe(unit);
  });

  it("skips a layer only through testing/layers.ts, which fails in CI instead", () => {
    const skipping = testFiles.filter((f) =>
      /\b(describe|it|test)\.skip\b/.test(readFileSync(path.join(root, "__tests__", f), "utf8")),
    );
    expect(skipping).not.toEqual([]);
    const unguarded = skipping.filter(
      (f) =>
        !/import \{[^}]*\blayerAvailable\b[^}]*\} from "(\.\.\/)+testing\/layers"/.test(
          readFileSync(path.join(root, "__tests__", f), "utf8"),
        ),
    );
    expect(unguarded).toEqual([]);
  });
});
