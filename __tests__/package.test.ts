/**
 * The operator command as a package: `npm pack` (its prepack builds), `npm install -g` of the tarball into a
 * scratch prefix, then the installed `glacier-restore` run from a directory that is not the project's, with
 * no TypeScript, no sources and no synth packages (cdktf, the provider bindings) — against the S3 emulator.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleConfig } from "../testing/config";
import { localAwsEnv, runProcess } from "../testing/process";
import { S3Emulator } from "../testing/s3-emulator";

const root = path.join(__dirname, "..");
const scratch = mkdtempSync(path.join(tmpdir(), "gr-package-"));
const prefix = path.join(scratch, "prefix");
/** Where the command runs: neither the project nor the installed package. */
const elsewhere = path.join(scratch, "elsewhere");
const installed = path.join(prefix, "lib", "node_modules", "glacier-restore");
const emulator = new S3Emulator();
let endpoint = "";
let packed: string[] = [];

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

beforeAll(async () => {
  const [pack] = JSON.parse(npm(["pack", "--json", "--pack-destination", scratch], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  packed = pack!.files.map((f) => f.path).sort();
  // The registry is reachable here and in CI; --prefer-offline uses npm's cache for what it already holds.
  npm(["install", "-g", "--prefix", prefix, "--prefer-offline", path.join(scratch, pack!.filename)], scratch);
  mkdirSync(elsewhere);
  endpoint = await emulator.start();
}, 300_000);
afterAll(() => {
  emulator.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The installed bin, as a user's shell runs it (its #! line), from `elsewhere`. */
function installedCli(args: string[], env: Record<string, string> = {}) {
  return runProcess(path.join(prefix, "bin", "glacier-restore"), args, {
    cwd: elsewhere,
    env: localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint, ...env }),
  });
}

describe("the packed operator command", () => {
  it("ships the built command, its launcher and the price table, and no sources", () => {
    const expected = [
      "LICENSE",
      "README.md",
      "bin/glacier-restore.mjs",
      "cost/prices.json",
      "dist/cli/main.js",
      "package.json",
      ...(existsSync(path.join(root, "CHANGELOG.md")) ? ["CHANGELOG.md"] : []),
    ].sort();
    expect(packed).toEqual(expected);
  });

  it("installs the command's runtime packages only: no cdktf, provider bindings or constructs", () => {
    const modules = path.join(installed, "node_modules");
    const names = readdirSync(modules).flatMap((d) =>
      d.startsWith("@") ? readdirSync(path.join(modules, d)).map((n) => `${d}/${n}`) : [d],
    );
    expect(names).toEqual(expect.arrayContaining(["@aws-sdk/client-s3", "zod"]));
    expect(names.filter((n) => /^(cdktf|@cdktf\/|constructs$|typescript$|esbuild$)/.test(n))).toEqual([]);
  });

  it("prints its help from another directory, without building", async () => {
    const r = await installedCli(["--help"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^Usage: glacier-restore <command>/);
    expect(r.stdout).toContain("--config <file>");
    expect(existsSync(path.join(installed, "scripts"))).toBe(false);
  });

  it("reports a dataset's status from the emulator", async () => {
    emulator.reset();
    emulator.put("fsx4l-store", "raw/a.bam", "GLACIER", undefined, 100);
    emulator.put("fsx4l-store", "raw/b.txt", "STANDARD", undefined, 50);
    const r = await installedCli(["status", "s3://fsx4l-store/raw/", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      objects: 2,
      states: { readable: { objects: 1, bytes: 50 }, archived: { objects: 1, bytes: 100 } },
    });
  });

  it("finds a target in the configuration --config names (relative to the working directory)", async () => {
    emulator.reset();
    emulator.put("fsx4l-store", "raw/a.bam", "GLACIER", undefined, 100);
    writeFileSync(path.join(elsewhere, "glacier-restore.json"), JSON.stringify(exampleConfig()));
    const r = await installedCli(["status", "genomics-raw", "--config", "glacier-restore.json", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ location: { bucket: "fsx4l-store", prefix: "raw/" }, objects: 1 });
  });

  it("says --config needs a value (exit 2)", async () => {
    const r = await installedCli(["status", "genomics-raw", "--config"]);
    expect([r.code, r.stderr]).toEqual([2, "--config needs a value, such as glacier-restore.json\n"]);
  });
});
