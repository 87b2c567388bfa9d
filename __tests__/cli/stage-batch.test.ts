/**
 * `glacier-restore stage` with S3 Batch Operations, as users run it: the compiled command in its own
 * process, the real AWS SDK (S3 and S3 Control), against the project's emulator on 127.0.0.1. S3 Control
 * puts the account ID in front of the endpoint's host, so the processes resolve `*.localhost` to
 * 127.0.0.1 (testing/localhost-dns.cjs), as RFC 6761 reserves those names for loopback.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { S3ControlClient } from "@aws-sdk/client-s3-control";
import { createRestoreJob, describeJob } from "../../aws/batch-job";
import { restoreJobRequest } from "../../core/batch-jobs";
import { exampleConfig } from "../../testing/config";
import { commandAgainstEmulator } from "../../testing/cli";

// eslint-disable-next-line @typescript-eslint/no-require-imports
require("../../testing/localhost-dns.cjs");

const { emulator, cli, endpoint } = commandAgainstEmulator();
const control = () => endpoint().replace("127.0.0.1", "localhost");
const ROLE = "arn:aws:iam::123456789012:role/glacier-restore-genomics-raw-batch";
const REPORTS = "s3://gr-genomics-raw-batch-20261128/batch/";

function mixed() {
  emulator.put("fsx4l-store", "raw/m/a.nc", "GLACIER", undefined, 100);
  emulator.put("fsx4l-store", "raw/m/b.nc", "GLACIER", undefined, 100);
  emulator.put("fsx4l-store", "raw/m/c.nc", "GLACIER", undefined, 100).restore = "ongoing";
  emulator.put("fsx4l-store", "raw/m/d.nc", "DEEP_ARCHIVE", undefined, 100);
  emulator.put("fsx4l-store", "raw/m/e.nc", "INTELLIGENT_TIERING", "ARCHIVE_ACCESS", 100);
  emulator.put("fsx4l-store", "raw/m/f.nc", "INTELLIGENT_TIERING", undefined, 100);
  emulator.put("fsx4l-store", "raw/m/g.txt", "STANDARD", undefined, 100);
  emulator.put("fsx4l-store", "other/h.nc", "GLACIER", undefined, 100);
}

const batchArgs = ["--batch", "--role-arn", ROLE, "--reports", REPORTS];

describe("glacier-restore stage with S3 Batch Operations", () => {
  it("plans one job per archive family with --dry-run, and makes no mutating call", async () => {
    mixed();
    const r = await cli(["stage", "s3://fsx4l-store/raw/m/", ...batchArgs, "--dry-run", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { plan } = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ mode: "batch", listRequests: 1, headRequests: 0, unknownTier: 2 });
    expect(plan.jobs.map((j: { family: string }) => j.family)).toEqual(["glacier", "intelligent-tiering"]);
    const [glacier, it] = plan.jobs;
    expect(glacier).toMatchObject({ tasks: 4, expectedFailures: 1, unknownTier: 0 });
    expect(glacier.request.Operation).toEqual({
      S3InitiateRestoreObject: { GlacierJobTier: "STANDARD", ExpirationInDays: 7 },
    });
    expect(glacier.request.ManifestGenerator.S3JobManifestGenerator.Filter).toEqual({
      KeyNameConstraint: { MatchAnyPrefix: ["raw/m/"] },
      MatchAnyStorageClass: ["GLACIER", "DEEP_ARCHIVE"],
    });
    // Intelligent-Tiering: a job of its own, without ExpirationInDays (S3InitiateRestoreObjectOperation).
    expect(it).toMatchObject({ tasks: 2, unknownTier: 2 });
    expect(it.request.Operation).toEqual({ S3InitiateRestoreObject: { GlacierJobTier: "STANDARD" } });
    expect(it.request.ManifestGenerator.S3JobManifestGenerator.Filter.MatchAnyStorageClass).toEqual([
      "INTELLIGENT_TIERING",
    ]);
    // Fees: 0.25 USD a job and 1 USD per million tasks, plus the Glacier restores (cost/prices.json).
    expect(it.usd).toBeCloseTo(0.25 + 2e-6, 9);
    for (const op of ["create-job", "restore", "head", "batch-task"] as const)
      expect([op, emulator.count(op)]).toEqual([op, 0]);
  });

  it("creates the jobs (S3 then restores by family), prints how to follow them, and a rerun makes no second job", async () => {
    mixed();
    const r = await cli(["stage", "s3://fsx4l-store/raw/m/", ...batchArgs, "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { jobs } = JSON.parse(r.stdout);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]).toMatchObject({
      family: "glacier",
      tasks: 4,
      report: `s3://gr-genomics-raw-batch-20261128/batch/reports/job-${jobs[0].jobId}/`,
      follow: `aws s3control describe-job --region us-east-1 --account-id 123456789012 --job-id ${jobs[0].jobId}`,
    });
    // The command itself made no per-object call: S3 ran the tasks.
    expect(emulator.count("restore")).toBe(0);
    expect(emulator.count("head")).toBe(0);
    const glacier = emulator.jobs.get(jobs[0].jobId)!;
    expect([glacier.tasks, glacier.succeeded, glacier.failed]).toEqual([4, 3, 1]); // c.nc was already restoring
    const itJob = emulator.jobs.get(jobs[1].jobId)!;
    expect([itJob.tasks, itJob.succeeded, itJob.failed]).toEqual([2, 1, 1]); // f.nc is not archived
    expect(emulator.get("fsx4l-store", "raw/m/d.nc")!.restore).toBe("ongoing");
    expect(emulator.get("fsx4l-store", "other/h.nc")!.restore).toBe("none");
    expect(
      emulator.requests
        .filter((q) => q.op === "batch-task")
        .map((q) => [q.key, q.days])
        .sort(),
    ).toEqual([
      ["raw/m/a.nc", 7],
      ["raw/m/b.nc", 7],
      ["raw/m/c.nc", 7],
      ["raw/m/d.nc", 7],
      ["raw/m/e.nc", undefined],
      ["raw/m/f.nc", undefined],
    ]);
    // S3 Control is addressed at <account>.<endpoint>, with the account in x-amz-account-id too.
    expect(emulator.controlHosts.every((h) => h.startsWith("123456789012.localhost:"))).toBe(true);

    const again = await cli(["stage", "s3://fsx4l-store/raw/m/", ...batchArgs, "--json"]);
    expect(again.code).toBe(0);
    expect(emulator.jobs.size).toBe(2);
  });

  it("names the role's account as the owner of the source, manifest and report buckets in CreateJob", async () => {
    mixed();
    const r = await cli(["stage", "s3://fsx4l-store/raw/m/", ...batchArgs, "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    for (const { jobId } of JSON.parse(r.stdout).jobs) {
      // The request as it reached S3 Control (the SDK's XML), not as the command built it.
      const request = emulator.jobs.get(jobId)!.request;
      const generator = request.child("ManifestGenerator")!.child("S3JobManifestGenerator")!;
      expect([
        generator.text("ExpectedBucketOwner"),
        generator.child("ManifestOutputLocation")!.text("ExpectedManifestBucketOwner"),
        request.child("Report")!.text("ExpectedBucketOwner"),
      ]).toEqual(["123456789012", "123456789012", "123456789012"]);
    }
  });

  it("follows a job with DescribeJob, and S3 fails a job whose tasks mostly fail after 1,000", async () => {
    for (let i = 0; i < 1200; i++) emulator.put("fsx4l-store", `it/${i}.nc`, "INTELLIGENT_TIERING", undefined, 1);
    process.env.AWS_ENDPOINT_URL_S3_CONTROL = control();
    const client = new S3ControlClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    try {
      const request = restoreJobRequest({
        accountId: "123456789012",
        region: "us-east-1",
        bucket: "fsx4l-store",
        prefix: "it/",
        family: "intelligent-tiering",
        storageClasses: ["INTELLIGENT_TIERING"],
        tier: "Bulk",
        days: 7,
        roleArn: ROLE,
        reports: { bucket: "gr-reports", prefix: "batch/" },
        token: "t-1",
      });
      const id = await createRestoreJob(client, request);
      expect(await describeJob(client, "123456789012", id)).toEqual({
        status: "Failed",
        tasks: 1200,
        succeeded: 0,
        failed: 1200,
        failureReasons: ["TaskFailureThresholdExceeded: more than 50 % of tasks failed"],
      });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3_CONTROL;
      client.destroy();
    }
  });

  it("fails a job whose expected bucket owner is another account, and refuses one that is not an account ID", async () => {
    mixed();
    process.env.AWS_ENDPOINT_URL_S3_CONTROL = control();
    const client = new S3ControlClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    try {
      const request = restoreJobRequest({
        accountId: "123456789012",
        region: "us-east-1",
        bucket: "fsx4l-store",
        prefix: "raw/m/",
        family: "glacier",
        storageClasses: ["GLACIER"],
        tier: "Bulk",
        days: 7,
        roleArn: ROLE,
        reports: { bucket: "gr-reports", prefix: "batch/" },
        token: "t-owner",
      });
      request.Report.ExpectedBucketOwner = "210987654321";
      const id = await createRestoreJob(client, request);
      expect(await describeJob(client, "123456789012", id)).toMatchObject({ status: "Failed", tasks: 0 });
      expect(emulator.count("batch-task")).toBe(0);
      request.ClientRequestToken = "t-malformed";
      request.ManifestGenerator.S3JobManifestGenerator.ExpectedBucketOwner = "12345";
      await expect(createRestoreJob(client, request)).rejects.toThrow(
        "S3JobManifestGenerator.ExpectedBucketOwner 12345: not a 12-digit account ID",
      );
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3_CONTROL;
      client.destroy();
    }
  });

  it("warns in the plan when the failing tasks come first, though most of the job would succeed", async () => {
    // Listing order: the 600 objects whose restore is running sort first; 30 % of the job, 60 % of its first 1,000.
    for (let i = 0; i < 600; i++)
      emulator.put("fsx4l-store", `w/a-${String(i).padStart(4, "0")}.nc`, "GLACIER", undefined, 1).restore = "ongoing";
    for (let i = 0; i < 1400; i++)
      emulator.put("fsx4l-store", `w/b-${String(i).padStart(4, "0")}.nc`, "GLACIER", undefined, 1);
    const r = await cli(["stage", "s3://fsx4l-store/w/", ...batchArgs, "--dry-run"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("glacier job: 2000 tasks (GLACIER), 600 expected to fail harmlessly");
    expect(r.stdout).toContain("warning: 600 of the first 1000 tasks in listing order will fail");
  });

  it("warns in the plan when S3 may fail a job for its failure rate", async () => {
    for (let i = 0; i < 1200; i++) emulator.put("fsx4l-store", `it/${i}.nc`, "INTELLIGENT_TIERING", undefined, 1);
    const r = await cli(["stage", "s3://fsx4l-store/it/", ...batchArgs, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("intelligent-tiering job: 1200 tasks");
    expect(r.stdout).toContain(
      "warning: 1200 Intelligent-Tiering objects have an access tier the listing does not show",
    );
  });

  /**
   * A project directory whose genomics-raw target has batchOperations, and a stand-in for `terraform output
   * -json` (put `bin` first on PATH): it prints the batch outputs and records how it was called.
   */
  function projectWithTerraformOutputs(): { cwd: string; bin: string } {
    const cwd = mkdtempSync(path.join(tmpdir(), "gr-batch-"));
    const config = exampleConfig();
    config.targets[0].batchOperations = true;
    writeFileSync(path.join(cwd, "config.json"), JSON.stringify(config));
    const bin = path.join(cwd, "bin");
    mkdirSync(bin);
    const outputs = { batch_role_arn: { value: ROLE }, batch_reports_location: { value: REPORTS } };
    writeFileSync(
      path.join(bin, "terraform"),
      `#!/bin/sh\necho "$@" > "${path.join(cwd, "terraform-args")}"\necho '${JSON.stringify(outputs)}'\n`,
    );
    chmodSync(path.join(bin, "terraform"), 0o755);
    return { cwd, bin };
  }

  it("uses Batch Operations by itself above 10,000 objects, with the role and reports from the target's stack outputs", async () => {
    for (let i = 0; i < 10_000; i++)
      emulator.put("fsx4l-store", `raw/big/${String(i).padStart(5, "0")}.nc`, "GLACIER", undefined, 1);
    const { cwd, bin } = projectWithTerraformOutputs();
    const r = await cli(
      // genomics-raw restores on access with Expedited; Batch Operations has no Expedited tier.
      ["stage", "genomics-raw", "--tier", "Standard", "--json"],
      { GLACIER_RESTORE_CONFIG: "config.json", PATH: `${bin}:${process.env.PATH}` },
      cwd,
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { plan, jobs } = JSON.parse(r.stdout);
    expect(plan.mode).toBe("batch");
    expect(plan.modeReason).toBe("10000 objects, above 10000; role and reports from the outputs of stack genomics-raw");
    expect(jobs).toHaveLength(1);
    expect(emulator.count("create-job")).toBe(1);
    expect(emulator.count("restore")).toBe(0);
    expect(emulator.count("list")).toBe(10);
    expect(readFileSync(path.join(cwd, "terraform-args"), "utf8").trim()).toBe(
      `-chdir=${path.join(cwd, "cdktf.out", "stacks", "genomics-raw")} output -json`,
    );
  });

  it("reads the target's stack outputs where CDKTF_OUTDIR put the synthesized stacks", async () => {
    for (let i = 0; i < 5; i++) emulator.put("fsx4l-store", `raw/small/${i}.nc`, "GLACIER", undefined, 1);
    const { cwd, bin } = projectWithTerraformOutputs();
    const r = await cli(
      ["stage", "genomics-raw", "--batch", "--tier", "Standard", "--dry-run"],
      { GLACIER_RESTORE_CONFIG: "config.json", PATH: `${bin}:${process.env.PATH}`, CDKTF_OUTDIR: "synth/out" },
      cwd,
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(readFileSync(path.join(cwd, "terraform-args"), "utf8").trim()).toBe(
      `-chdir=${path.join(cwd, "synth", "out", "stacks", "genomics-raw")} output -json`,
    );
  });

  it("restores directly above 10,000 objects when the target has no batchOperations, and says why", async () => {
    for (let i = 0; i < 10_000; i++)
      emulator.put("fsx4l-store", `raw/big/${String(i).padStart(5, "0")}.nc`, "GLACIER", undefined, 1);
    const config = path.join(mkdtempSync(path.join(tmpdir(), "gr-batch-")), "config.json");
    writeFileSync(config, JSON.stringify(exampleConfig()));
    const r = await cli(["stage", "genomics-raw", "--tier", "Bulk", "--dry-run", "--json"], {
      GLACIER_RESTORE_CONFIG: config,
    });
    expect(r.code).toBe(0);
    const { plan } = JSON.parse(r.stdout);
    expect(plan.mode).toBe("direct");
    expect(plan.modeReason).toContain("target genomics-raw has no batchOperations");
  });

  it.each([
    [
      ["--batch", "--tier", "Expedited"],
      "--tier Expedited with --batch: S3 Batch Operations restores with Standard or Bulk only (S3InitiateRestoreObjectOperation); use --direct for Expedited",
    ],
    [["--batch", "--direct"], "--batch and --direct: choose one"],
    [["--batch"], "--batch: S3 Batch Operations needs --role-arn and --reports"],
    [
      ["--batch", "--role-arn", "arn:aws:iam::123:role/x", "--reports", REPORTS],
      '--role-arn: "arn:aws:iam::123:role/x" is not an IAM role ARN',
    ],
    [["--batch", "--role-arn", ROLE, "--reports", "gr-reports/batch/"], '--reports: "gr-reports/batch/" is not s3://'],
  ])("%j exits 2 with one line naming the problem", async (flags, message) => {
    mixed();
    const r = await cli(["stage", "s3://fsx4l-store/raw/m/", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(emulator.count("create-job")).toBe(0);
  });

  it("exits 1 in one line when CreateJob is denied, naming the permissions it needs", async () => {
    mixed();
    emulator.inject({ op: "create-job", status: 403, code: "AccessDenied" });
    const r = await cli(["stage", "s3://fsx4l-store/raw/m/", ...batchArgs]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "stage s3://fsx4l-store/raw/m/: CreateJob: AccessDenied (HTTP 403): the credentials need s3:CreateJob, and iam:PassRole on the job role",
    );
  });
});
