/**
 * docs/design.md's picture and stack table cannot drift from what the stacks deploy: every Terraform
 * resource type any proof configuration synthesizes is drawn in the Mermaid diagram or named in the line
 * of types it leaves out, and the stack table lists exactly the synthesized types.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { proofConfigurations } from "../../testing/configurations";
import { synthConfig } from "../../testing/synth";

const design = readFileSync(path.join(__dirname, "..", "..", "docs", "design.md"), "utf8");

/** Terraform resource types named in a piece of text (provider aws: `aws_…`). */
function typesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\baws_[a-z0-9_]+/g)].map((m) => m[0]));
}

/** The text of the first block between `start` and the next line starting with `end`. */
function section(start: string, end: RegExp): string {
  const from = design.indexOf(start);
  if (from < 0) throw new Error(`docs/design.md has no ${JSON.stringify(start)}`);
  const rest = design.slice(from + start.length);
  const stop = rest.search(end);
  return stop < 0 ? rest : rest.slice(0, stop);
}

const diagram = (): string => section("```mermaid\n", /^```/m);
const leftOut = (): string => section("Not drawn, each belonging to a resource drawn above:", /\. A test/);
/** The resources column of the stack table. */
const tableResources = (): string =>
  section("## What each stack contains", /^## /m)
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .map((line) => line.split("|")[2] ?? "")
    .join("\n");

let synthesized: Set<string>;

beforeAll(() => {
  synthesized = new Set();
  for (const raw of Object.values(proofConfigurations()))
    for (const stack of Object.values(synthConfig(raw).stacks))
      for (const type of Object.keys(stack.resource ?? {})) synthesized.add(type);
});

const sorted = (s: Iterable<string>): string[] => [...s].sort();
const minus = (a: Set<string>, b: Set<string>): string[] => sorted([...a].filter((x) => !b.has(x)));

describe("docs/design.md", () => {
  it("opens with the Mermaid picture of one target", () => {
    expect(design.indexOf("```mermaid")).toBeGreaterThan(0);
    expect(design.indexOf("```mermaid")).toBeLessThan(design.indexOf("## What each stack contains"));
    expect(diagram()).toMatch(/^flowchart /);
  });

  it("draws or names every resource type a stack contains", () => {
    const covered = new Set([...typesIn(diagram()), ...typesIn(leftOut())]);
    expect(minus(synthesized, covered)).toEqual([]);
  });

  it("draws and names only resource types some stack contains", () => {
    expect(minus(typesIn(diagram()), synthesized)).toEqual([]);
    expect(minus(typesIn(leftOut()), synthesized)).toEqual([]);
  });

  it("lists exactly the synthesized resource types in the stack table", () => {
    const listed = typesIn(tableResources());
    expect({ missing: minus(synthesized, listed), unknown: minus(listed, synthesized) }).toEqual({
      missing: [],
      unknown: [],
    });
  });

  it("reads every proof configuration (the check is not vacuous)", () => {
    for (const type of ["aws_cloudtrail", "aws_lambda_event_source_mapping", "aws_s3_bucket_notification"])
      expect(synthesized.has(type)).toBe(true);
  });
});
