/** What a team adopting the tool looks for first: the licence package.json names, and the version history. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";

const root = path.join(__dirname, "..");
const read = (file: string): string => readFileSync(path.join(root, file), "utf8");
const manifest = JSON.parse(read("package.json")) as { version: string; license: string };

/** SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt, the text every Apache-2.0 project ships. */
const APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30";

describe("LICENSE", () => {
  it("is the full Apache License 2.0 that package.json names", () => {
    const text = read("LICENSE");
    expect(manifest.license).toBe("Apache-2.0");
    expect(text).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(text).toContain("END OF TERMS AND CONDITIONS");
    expect(createHash("sha256").update(text).digest("hex")).toBe(APACHE_2_0_SHA256);
  });
});

describe("CHANGELOG.md", () => {
  const changelog = read("CHANGELOG.md");
  const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map((m) => m[1]!);

  it("has an Unreleased section first, then versions newest first (keep a changelog)", () => {
    expect(changelog.indexOf("## [Unreleased]")).toBeGreaterThan(0);
    expect(changelog.indexOf("## [Unreleased]")).toBeLessThan(changelog.indexOf("## [0"));
    expect(versions.length).toBeGreaterThan(1);
    expect(versions).toEqual([...versions].sort(semver.rcompare));
  });

  it("has a section for package.json's version, with upgrading notes for deployed stacks", () => {
    expect(versions[0]).toBe(manifest.version);
    const current = changelog.split(/^## /m).find((s) => s.startsWith(`[${manifest.version}]`)) ?? "";
    expect(current).toMatch(/^### Upgrading/m);
    for (const change of ["-dlq-failed", "bucket_eventbridge_delivery", "cloudWatchLogs", "Node.js 22"])
      expect(current).toContain(change);
  });

  it("is linked from the README's first screen, with the licence", () => {
    const firstScreen = read("README.md").split("\n").slice(0, 60).join("\n");
    expect(firstScreen).toContain("](CHANGELOG.md)");
    expect(firstScreen).toContain("](LICENSE)");
  });
});
