/** README: one screen before the details, narrow prose, and links that lead somewhere. */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const lines = readme.split("\n");

describe("README", () => {
  it("shows what it is, the quick start and the layout in its first screen (60 lines)", () => {
    const firstScreen = lines.slice(0, 60).join("\n");
    expect(firstScreen).toContain("## Quick start");
    expect(firstScreen).toContain("## Layout");
    expect(firstScreen).toContain("npm ci && npm run synth");
    expect(lines.length).toBeLessThan(120);
  });

  it("keeps prose lines narrow (code blocks hold what they must show verbatim)", () => {
    let fence = false;
    const wide = lines.filter((l) => {
      if (l.startsWith("```")) fence = !fence;
      return !fence && l.length > 110;
    });
    expect(wide).toEqual([]);
  });

  it("links only to files that exist, and to every guide in docs/", () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    for (const link of links) expect([link, existsSync(path.join(root, link))]).toEqual([link, true]);
    for (const guide of ["design", "deploy", "pipeline", "notifications", "operations", "testing"])
      expect(links).toContain(`docs/${guide}.md`);
  });
});
