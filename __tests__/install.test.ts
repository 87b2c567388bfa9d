/**
 * A clean `npm ci` on the documented Node.js range prints no engine warning: every locked package that
 * states the Node versions it supports accepts this Node (npm compares with the running version).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";

const root = path.join(__dirname, "..");
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; dev?: boolean }>;
};
const documented = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).engines.node as string;

describe("installation", () => {
  it("documents Node.js 22 or newer (Node.js 20 reached end of life in April 2026), as .nvmrc and CI use", () => {
    expect(documented).toBe(">=22");
    const pinned = readFileSync(path.join(root, ".nvmrc"), "utf8").trim();
    expect(semver.satisfies(pinned, documented)).toBe(true);
    expect(semver.major(pinned)).toBe(22);
  });

  it("locks no package that refuses this Node.js version (npm would warn EBADENGINE)", () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.satisfies(process.version, (p.engines as { node: string }).node))
      .map(([name, p]) => `${name} needs node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
