/**
 * Each target in its own region, whatever AWS_REGION says; an s3:// location in its bucket's region
 * (HeadBucket's x-amz-bucket-region), said on stderr; --region over both. The compiled command with the
 * real SDK against the emulator, whose bucket here lives in eu-west-1 and answers 301 to any other region.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleConfig } from "../../testing/config";
import { localAwsEnv, runProcess } from "../../testing/process";
import { S3Emulator } from "../../testing/s3-emulator";

const root = path.join(__dirname, "..", "..");
const emulator = new S3Emulator();
let endpoint = "";
let config = "";

beforeAll(async () => {
  endpoint = await emulator.start();
  const c = exampleConfig();
  c.targets[0].region = "eu-west-1";
  c.targets[1].region = "eu-west-1";
  c.targets[0].budget = { maxRestoresPerDay: 100 };
  config = path.join(mkdtempSync(path.join(tmpdir(), "gr-region-")), "config.json");
  writeFileSync(config, JSON.stringify(c));
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.reset();
  emulator.put("fsx4l-store", "raw/a.bam", "STANDARD", undefined, 100);
  emulator.bucketRegions.set("fsx4l-store", "eu-west-1");
});

/** The command with AWS_REGION=us-east-1 in its environment, as in an operator's shell. */
function cli(args: string[]) {
  return runProcess(process.execPath, [path.join(root, "dist", "cli", "main.js"), ...args], {
    cwd: root,
    env: localAwsEnv({
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      GLACIER_RESTORE_CONFIG: config,
      AWS_MAX_ATTEMPTS: "1",
    }),
  });
}

describe("a target runs in its configured region, whatever AWS_REGION says", () => {
  it("status genomics-raw (eu-west-1) lists in eu-west-1 with AWS_REGION=us-east-1", async () => {
    const r = await cli(["status", "genomics-raw", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).objects).toBe(1);
    expect(emulator.signingRegions).toEqual(["eu-west-1"]);
  });

  it("redrive genomics-raw asks the eu-west-1 queue", async () => {
    emulator.enqueue("glacier-restore-genomics-raw-deferred", "{}");
    const r = await cli(["redrive", "genomics-raw", "--dry-run"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("1 events wait in glacier-restore-genomics-raw-deferred");
    expect(new Set(emulator.signingRegions)).toEqual(new Set(["eu-west-1"]));
  });
});

describe("an s3:// location runs in its bucket's region", () => {
  it("asks HeadBucket once, says the region it found, then lists there", async () => {
    const r = await cli(["status", "s3://fsx4l-store/raw/", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "s3://fsx4l-store: using region eu-west-1, the bucket's (from HeadBucket; --region sets another)\n",
    );
    // The first HeadBucket, signed for AWS_REGION, is redirected with the region in x-amz-bucket-region.
    expect(emulator.requests.map((q) => [q.op, q.status])).toEqual([
      ["head-bucket", 301],
      ["list", 200],
    ]);
    expect(emulator.signingRegions).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("wait and stage find it the same way", async () => {
    for (const args of [["wait"], ["stage", "--dry-run"]]) {
      emulator.requests.length = 0;
      const r = await cli([args[0]!, "s3://fsx4l-store/raw/", ...args.slice(1)]);
      expect([args[0], r.code, r.stderr]).toEqual([
        args[0],
        0,
        "s3://fsx4l-store: using region eu-west-1, the bucket's (from HeadBucket; --region sets another)\n",
      ]);
    }
  });
});

describe("--region overrides both", () => {
  it("an s3:// location with --region asks no HeadBucket", async () => {
    const r = await cli(["status", "s3://fsx4l-store/raw/", "--region", "eu-west-1", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(emulator.requests.map((q) => q.op)).toEqual(["list"]);
    expect(emulator.signingRegions).toEqual(["eu-west-1"]);
  });

  it("a target with --region uses that region (here the wrong one: S3's 301 names the right one)", async () => {
    const r = await cli(["status", "genomics-raw", "--region=eu-central-1"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(
      "status s3://fsx4l-store/raw/: PermanentRedirect (HTTP 301): the bucket is in another region, eu-west-1: pass --region eu-west-1\n",
    );
    expect(emulator.signingRegions).toEqual(["eu-central-1"]);
  });

  it.each([["--region"], ["--region", "Europe"]])("%j is a usage error", async (...flag) => {
    const r = await cli(["status", "genomics-raw", ...flag]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--region/);
  });
});
