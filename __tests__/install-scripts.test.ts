/**
 * npm 11 blocks dependencies' install scripts unless package.json "allowScripts" allows them, and ends an
 * install with a notice for every package it has no decision for (`npm help install-scripts`; entries set
 * to false are "always silently skipped", `npm help install`, strict-allow-scripts). Every locked package
 * with an install script has a decision here, so a clean `npm ci` prints no such notice. All three are
 * denied, because the project works without their scripts:
 * - esbuild: its postinstall only checks and links the platform binary; the JS API finds the binary in
 *   the optional @esbuild/<platform> package by itself (the build ran this way in CI);
 * - @parcel/watcher (jest's watch mode): its install script builds from source only when
 *   npm_config_build_from_source is true; the binding comes from @parcel/watcher-<platform>;
 * - @cdktf/node-pty-prebuilt-multiarch (cdktf-cli's terminal): its install script checks the prebuilt
 *   binary it ships in prebuilds/<platform> and compiles only when that fails; the loader reads that binary.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

/** Names of the locked packages that have install scripts (the lock's `hasInstallScript`). */
function withInstallScripts(): string[] {
  const names = Object.entries(lock.packages)
    .filter(([where, p]) => where !== "" && p.hasInstallScript)
    .map(([where]) => where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length));
  return [...new Set(names)].sort();
}

describe("install scripts", () => {
  it("decides, in package.json allowScripts, every locked package that has an install script", () => {
    const decided = Object.keys(manifest.allowScripts ?? {}).sort();
    expect(decided).toEqual(withInstallScripts());
  });

  it("denies the three whose scripts the project does not need", () => {
    expect(manifest.allowScripts).toEqual({
      "@cdktf/node-pty-prebuilt-multiarch": false,
      "@parcel/watcher": false,
      esbuild: false,
    });
  });

  it("builds with esbuild's binary found without its postinstall", async () => {
    const esbuild = await import("esbuild");
    expect(esbuild.transformSync("const a: number = 1;", { loader: "ts" }).code).toBe("const a = 1;\n");
  });

  it("loads the prebuilt bindings of @parcel/watcher and node-pty", async () => {
    expect(typeof (await import("@parcel/watcher")).subscribe).toBe("function");
    expect(typeof (await import("@cdktf/node-pty-prebuilt-multiarch")).spawn).toBe("function");
  });
});
