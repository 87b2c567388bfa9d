/** The app as `cdktf synth` runs it: `node dist/main.js` in the project directory. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleConfig } from "../testing/config";

const root = path.join(__dirname, "..");

function synth(env: Record<string, string>) {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "gr-main-")), "cdktf.out");
  const result = spawnSync(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { ...process.env, GLACIER_RESTORE_CONFIG: "", CDKTF_OUTDIR: outdir, ...env },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

function configFile(raw: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "gr-config-")), "config.json");
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

describe("main", () => {
  it("also runs from source under ts-node, the runner of the cdktf TypeScript template", () => {
    // Node resolves require("./schema") to a schema.json beside schema.ts before the .ts file, so a
    // JSON file must never share a module's name: this once made ts-node load the JSON Schema as code.
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), "gr-ts-node-")), "cdktf.out");
    const run = spawnSync(path.join(root, "node_modules", ".bin", "ts-node"), ["--transpile-only", "main.ts"], {
      cwd: root,
      env: { ...process.env, GLACIER_RESTORE_CONFIG: "", CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["genomics-raw", "genomics-ref"]);
    const sourceDirs = ["core", "config", "stacks", "functions/restore", "aws", "cost"].map((d) => path.join(root, d));
    for (const dir of sourceDirs) {
      const names = readdirSync(dir).map((f) => f.replace(/\.(ts|json|js)$/, ""));
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    }
  }, 30_000);

  it("synthesizes the example configuration from cdktf.json and says what it wrote and what comes next", () => {
    const run = synth({});
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(run.outdir, "stacks")).sort()).toEqual(["genomics-raw", "genomics-ref"]);
    const dir = path.relative(root, path.join(run.outdir, "stacks"));
    expect(run.stdout).toBe(
      `glacier-restore: wrote 2 stacks (cdk.tf.json) to ${dir}/: genomics-raw, genomics-ref\n` +
        `next: node scripts/stack-order.mjs (apply order), then terraform -chdir=${dir}/<stack> init && terraform -chdir=${dir}/<stack> plan\n`,
    );
  });

  it("says at synth time which buckets need EventBridge delivery turned on for notifications", () => {
    const raw = exampleConfig();
    raw.defaults.notifications = { email: ["ops@example.com"] };
    const run = synth({ GLACIER_RESTORE_CONFIG: configFile(raw) });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "bucket fsx4l-store: restore completed/expired notifications need its EventBridge delivery turned on once, keeping its other notifications (docs/notifications.md)\n",
    );
    // Once per bucket, however many targets share it.
    expect(run.stdout.match(/^bucket /gm)).toHaveLength(1);
  });

  it("reads GLACIER_RESTORE_CONFIG instead of cdktf.json when set", () => {
    const raw = exampleConfig();
    raw.targets = [{ name: "only-one", bucket: "another-bucket", prefix: "x/" }];
    const run = synth({ GLACIER_RESTORE_CONFIG: configFile(raw) });
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(run.outdir, "stacks"))).toEqual(["only-one"]);
  });

  it("exits non-zero listing every problem and writes nothing for a bad config", () => {
    const raw = exampleConfig();
    raw.targets[0].restoreTier = "Instant";
    raw.targets[1].prefix = "/reference/";
    const run = synth({ GLACIER_RESTORE_CONFIG: configFile(raw) });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("invalid glacier-restore configuration (2 problems)");
    expect(run.stderr).toContain(
      'targets[0].restoreTier: invalid restore tier "Instant"; allowed: Expedited, Standard, Bulk',
    );
    expect(run.stderr).toContain('targets[1].prefix: must not start with "/"');
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("names the config file when it cannot be read or parsed", () => {
    const missing = synth({ GLACIER_RESTORE_CONFIG: "/nonexistent/config.json" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("GLACIER_RESTORE_CONFIG: cannot read /nonexistent/config.json (ENOENT)");
    const file = configFile({});
    writeFileSync(
      file,
      '{\n  "stateBackend": { "bucket": "b", "region": "us-east-1" },\n  "targets": [ { "name": "x", } ]\n}\n',
    );
    const broken = synth({ GLACIER_RESTORE_CONFIG: file });
    expect(broken.status).toBe(1);
    // Where, as an editor counts: line and column, not a character offset.
    expect(broken.stderr).toContain(
      `GLACIER_RESTORE_CONFIG: ${file} is not valid JSON at line 3, column 31: unexpected "}", expected a property name in double quotes`,
    );
  });

  it("works through the cdktf CLI right after install, writing what `npm run synth` writes", () => {
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), "gr-cli-")), "out");
    const emptyRc = path.join(mkdtempSync(path.join(tmpdir(), "gr-rc-")), "terraformrc");
    writeFileSync(emptyRc, "");
    const run = spawnSync(path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: root,
      env: {
        ...process.env,
        GLACIER_RESTORE_CONFIG: "",
        CHECKPOINT_DISABLE: "1",
        TF_CLI_CONFIG_FILE: emptyRc,
        CI: "1",
      },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("genomics-raw");
    expect(readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["genomics-raw", "genomics-ref"]);
    // `npm run synth` runs the same app without the CLI (which spends seconds on version checks first).
    const direct = path.join(mkdtempSync(path.join(tmpdir(), "gr-npm-")), "out");
    const npm = spawnSync("npm", ["run", "--silent", "synth"], {
      cwd: root,
      env: { ...process.env, GLACIER_RESTORE_CONFIG: "", CDKTF_OUTDIR: direct },
      encoding: "utf8",
    });
    expect(npm.status).toBe(0);
    const files = (dir: string) =>
      (readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => !f.endsWith("/") && !f.endsWith("assets") && f.includes("."))
        .sort();
    expect(files(direct)).toEqual(files(outdir));
    for (const file of files(outdir))
      expect([file, readFileSync(path.join(direct, file)).equals(readFileSync(path.join(outdir, file)))]).toEqual([
        file,
        true,
      ]);
  }, 60_000);

  it("writes byte-identical output for the same input, so plans show no diff", () => {
    const a = synth({});
    const b = synth({});
    for (const stack of ["genomics-raw", "genomics-ref"]) {
      const read = (outdir: string) => readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
      expect(read(a.outdir)).toBe(read(b.outdir));
      const fn = Object.values(JSON.parse(read(a.outdir)).resource.aws_lambda_function)[0] as { filename: string };
      const zip = (outdir: string) => readFileSync(path.join(outdir, "stacks", stack, fn.filename));
      expect(zip(a.outdir).equals(zip(b.outdir))).toBe(true);
    }
  });
});
