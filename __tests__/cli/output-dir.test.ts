/**
 * One output-directory rule (scripts/output-dir.cjs) for every program that reads or writes synthesized
 * output: --output (--outdir), else CDKTF_OUTDIR, else cdktf.json's "output", else cdktf.out. The scripts
 * run as users run them, in their own process, from a project directory that holds an older cdktf.out.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stackDirectory } from "../../cli/context";
import { outputDirectory, withoutOutputFlag } from "../../scripts/output-dir.cjs";

const root = path.join(__dirname, "..", "..");

/** A project directory whose cdktf.out holds stack "old", and a directory elsewhere holding stack "new". */
function project(cdktfJson?: Record<string, unknown>) {
  const cwd = mkdtempSync(path.join(tmpdir(), "gr-outdir-"));
  const synth = (dir: string, stack: string) => {
    mkdirSync(path.join(dir, "stacks", stack), { recursive: true });
    writeFileSync(path.join(dir, "stacks", stack, "cdk.tf.json"), "{}");
    writeFileSync(
      path.join(dir, "manifest.json"),
      JSON.stringify({ stacks: { [stack]: { synthesizedStackPath: `stacks/${stack}/cdk.tf.json` } } }),
    );
  };
  synth(path.join(cwd, "cdktf.out"), "old");
  const elsewhere = path.join(cwd, "elsewhere");
  synth(elsewhere, "new");
  if (cdktfJson) writeFileSync(path.join(cwd, "cdktf.json"), JSON.stringify(cdktfJson));
  return { cwd, elsewhere };
}

function script(name: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", name), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the output directory rule", () => {
  const cwd = "/work/project";
  it.each([
    [["--output", "a"], { CDKTF_OUTDIR: "b" }, "/work/project/a", "--output"],
    [["--outdir=a"], { CDKTF_OUTDIR: "b" }, "/work/project/a", "--output"],
    [[], { CDKTF_OUTDIR: "/abs/b" }, "/abs/b", "CDKTF_OUTDIR"],
    [[], {}, "/work/project/cdktf.out", "the default"],
  ])("%j with %j → %s (%s)", (argv, env, dir, source) => {
    expect(outputDirectory({ argv, env, cwd })).toEqual({ dir, source });
  });

  it("takes cdktf.json's output (the cdktf CLI's default) before cdktf.out", () => {
    const p = project({ output: "elsewhere" });
    expect(outputDirectory({ env: {}, cwd: p.cwd })).toEqual({ dir: p.elsewhere, source: 'cdktf.json "output"' });
  });

  it("passes every other argument on, and refuses a flag without its directory", () => {
    expect(withoutOutputFlag(["--hcl", "--output", "x", "-o=y", "--json"])).toEqual(["--hcl", "--json"]);
    expect(() => outputDirectory({ argv: ["--output"] })).toThrow("--output needs a directory");
  });

  it("the operator command finds a target's stack in the same directory", () => {
    expect(stackDirectory({ env: { CDKTF_OUTDIR: "/abs/out" }, cwd }, "genomics-raw")).toBe(
      "/abs/out/stacks/genomics-raw",
    );
  });
});

describe("scripts/stack-order.mjs (the next: step synth prints)", () => {
  it("lists the stacks of CDKTF_OUTDIR, not an older cdktf.out", () => {
    const p = project();
    expect(script("stack-order.mjs", ["--include-local"], p.cwd, { CDKTF_OUTDIR: p.elsewhere })).toEqual({
      code: 0,
      stdout: "new\n",
      stderr: "",
    });
  });

  it("lists the stacks of cdktf.json's output directory", () => {
    const p = project({ output: "elsewhere" });
    expect(script("stack-order.mjs", ["--include-local"], p.cwd).stdout).toBe("new\n");
  });

  it("--output wins over CDKTF_OUTDIR", () => {
    const p = project();
    const r = script("stack-order.mjs", ["--output", "cdktf.out", "--include-local"], p.cwd, {
      CDKTF_OUTDIR: p.elsewhere,
    });
    expect(r.stdout).toBe("old\n");
  });
});

describe("scripts/tidy-hcl.mjs (npm run synth:hcl's second step)", () => {
  it("formats the directory of the rule (cdktf.json's output here), and names it", () => {
    const p = project({ output: "elsewhere" });
    const r = script("tidy-hcl.mjs", [], p.cwd);
    expect([r.code, r.stderr]).toEqual([
      1,
      `tidy-hcl: no .tf files under ${p.elsewhere} (from cdktf.json "output"; run cdktf synth --hcl first)\n`,
    ]);
  });
});
