/**
 * `glacier-restore stage --batch --inventory` as users run it: the compiled command in its own process, the
 * real AWS SDK (S3 and S3 Control) against the project's emulator, a GZIP CSV inventory in the shape the S3
 * User Guide documents ("Locating your inventory list", "Amazon S3 Inventory"). The emulator runs the job
 * from the manifest the command uploaded, so the tasks show what the manifest held.
 */
import { gzipSync } from "node:zlib";
import { commandAgainstEmulator } from "../../testing/cli";
import type { StorageClass } from "../../testing/s3-emulator";

// eslint-disable-next-line @typescript-eslint/no-require-imports
require("../../testing/localhost-dns.cjs");

const { emulator, cli } = commandAgainstEmulator();
const ROLE = "arn:aws:iam::123456789012:role/glacier-restore-genomics-raw-batch";
const REPORTS_BUCKET = "gr-genomics-raw-batch-20261128";
const REPORTS = `s3://${REPORTS_BUCKET}/batch/`;
const SOURCE = "src-bucket";
const DEST = "inv-bucket";
const MANIFEST_KEY = `inventory/${SOURCE}/daily/2024-01-07T01-00Z/manifest.json`;
const MANIFEST = `s3://${DEST}/${MANIFEST_KEY}`;
const batchArgs = ["--batch", "--role-arn", ROLE, "--reports", REPORTS, "--inventory", MANIFEST];

interface Row {
  key: string;
  storageClass: StorageClass;
  /** As an inventory report writes IntelligentTieringAccessTier (S3 User Guide, S3 Inventory). */
  tier?: "ARCHIVE" | "DEEP_ARCHIVE" | "FREQUENT";
  latest?: boolean;
  size?: number;
  /** Put the object in the source bucket too (so a job's task finds it). */
  stored?: boolean;
}

const ROWS: Row[] = [
  { key: "data/run 1/a.bam", storageClass: "GLACIER", size: 100 },
  { key: "data/データ/b.h5", storageClass: "DEEP_ARCHIVE", size: 200 },
  { key: 'data/x,y "z".nc', storageClass: "GLACIER", size: 300 },
  { key: "data/1+1 100%.nc", storageClass: "GLACIER", size: 400 },
  { key: "data/it/f.nc", storageClass: "INTELLIGENT_TIERING", tier: "ARCHIVE", size: 500 },
  { key: "data/it/g.nc", storageClass: "INTELLIGENT_TIERING", tier: "DEEP_ARCHIVE", size: 600 },
  { key: "data/it/h.nc", storageClass: "INTELLIGENT_TIERING", tier: "FREQUENT", size: 700 },
  { key: "data/plain.txt", storageClass: "STANDARD", size: 7 },
  { key: "data/old.bam", storageClass: "GLACIER", latest: false, size: 1000, stored: false },
  { key: "other/outside.bam", storageClass: "GLACIER", size: 999 },
];

/** Inventory CSV keys: URL-encoded, a space as "+" (core/inventory.ts, decodeInventoryKey). */
const encoded = (key: string) => encodeURIComponent(key).replace(/%20/g, "+");

/**
 * Puts the source objects and an inventory of them (two GZIP data files and manifest.json) in the emulator.
 * With `versioned`, the report has a VersionId column holding each stored object's version.
 */
function putReport(rows: Row[] = ROWS, versioned = false): void {
  // Without a VersionId column, a report lists current versions only.
  const lines = rows
    .filter((r) => versioned || r.latest !== false)
    .map((r) => {
      const stored =
        r.stored === false
          ? undefined
          : emulator.put(
              SOURCE,
              r.key,
              r.storageClass,
              // The same tier as HeadObject's archive status names it.
              r.tier === "ARCHIVE" ? "ARCHIVE_ACCESS" : r.tier === "DEEP_ARCHIVE" ? "DEEP_ARCHIVE_ACCESS" : undefined,
              r.size,
            );
      const fields = [SOURCE, encoded(r.key)];
      if (versioned) fields.push(stored?.versionId ?? "v0", String(r.latest ?? true), "false");
      fields.push(String(r.size ?? 1), r.storageClass, r.tier ?? "");
      return fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(",");
    });
  const files = [lines.slice(0, 4), lines.slice(4)].map((part, i) => {
    const key = `inventory/${SOURCE}/daily/data/file-${i}.csv.gz`;
    const body = gzipSync(part.join("\n") + "\n");
    emulator.putBody(DEST, key, body);
    return { key, size: body.length, MD5checksum: "f11166069f1990abeb9c97ace9cdfabc" };
  });
  const schema = versioned
    ? "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass, IntelligentTieringAccessTier"
    : "Bucket, Key, Size, StorageClass, IntelligentTieringAccessTier";
  emulator.putBody(
    DEST,
    MANIFEST_KEY,
    JSON.stringify({
      sourceBucket: SOURCE,
      destinationBucket: `arn:aws:s3:::${DEST}`,
      version: "2016-11-30",
      creationTimestamp: "1704589200000",
      fileFormat: "CSV",
      fileSchema: schema,
      files,
    }),
  );
}

/** The manifests the command wrote to the reports bucket, by key. */
function uploadedManifests(): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of emulator.requests.filter((q) => q.op === "put" && q.bucket === REPORTS_BUCKET))
    out.set(r.key, emulator.get(REPORTS_BUCKET, r.key)!.body!.toString("utf8"));
  return out;
}

describe("glacier-restore stage --batch --inventory", () => {
  it("plans from the report with --dry-run, saying its source and as-of time, and uploads and creates nothing", async () => {
    putReport();
    const r = await cli(["stage", `s3://${SOURCE}/data/`, ...batchArgs, "--dry-run", "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { plan, requests } = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      mode: "batch",
      source: { kind: "inventory", manifest: MANIFEST, asOf: "2024-01-07T01:00:00.000Z" },
      toRestore: { objects: 6, bytes: 2100 },
      // data/plain.txt, and data/it/h.nc in the FREQUENT tier (read without a restore).
      alreadyReadable: 2,
      unknownTier: 0,
      listRequests: 0,
      headRequests: 0,
    });
    expect(Object.keys(plan.archives).sort()).toEqual([
      "DEEP_ARCHIVE",
      "GLACIER",
      "INTELLIGENT_TIERING_ARCHIVE",
      "INTELLIGENT_TIERING_DEEP_ARCHIVE",
    ]);
    expect(plan.archives.GLACIER).toMatchObject({ objects: 3, bytes: 800 });
    expect(plan.source.cannotTell[0]).toContain("restore status");
    expect(
      plan.jobs.map((j: { family: string; tasks: number; manifest: { fields: string[] } }) => [
        j.family,
        j.tasks,
        j.manifest.fields,
      ]),
    ).toEqual([
      ["glacier", 4, ["Bucket", "Key"]],
      ["intelligent-tiering", 2, ["Bucket", "Key"]],
    ]);
    expect(plan.jobs[0].manifest.url).toMatch(
      new RegExp(`^s3://${REPORTS_BUCKET}/batch/manifests/[0-9a-f]{64}-glacier\\.csv$`),
    );
    // One GetObject for manifest.json and one per data file; nothing written.
    expect(requests).toEqual({ get: 3, put: 0, createJob: 0 });
    for (const op of ["put", "create-job", "batch-task", "list", "head"] as const)
      expect([op, emulator.count(op)]).toEqual([op, 0]);

    const text = await cli(["stage", `s3://${SOURCE}/data/`, ...batchArgs, "--dry-run"]);
    expect(text.stdout.split("\n")[0]).toContain(
      `from the S3 Inventory report of 2024-01-07T01:00:00.000Z (${MANIFEST})`,
    );
    expect(text.stdout).toContain("the inventory cannot tell:");
  });

  it("uploads one manifest per family holding exactly its archived objects of the location, and creates each job with its ETag", async () => {
    putReport();
    const r = await cli(["stage", `s3://${SOURCE}/data/`, ...batchArgs, "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { plan, jobs, requests } = JSON.parse(r.stdout);
    // manifest.json once, each data file twice (plan, then manifests); one PutObject and one CreateJob per family.
    expect(requests).toEqual({ get: 5, put: 2, createJob: 2 });
    const manifests = uploadedManifests();
    const glacierKey = plan.jobs[0].manifest.url.replace(`s3://${REPORTS_BUCKET}/`, "");
    const itKey = plan.jobs[1].manifest.url.replace(`s3://${REPORTS_BUCKET}/`, "");
    expect([...manifests.keys()].sort()).toEqual([glacierKey, itKey].sort());
    // URL-encoded keys (space %20, unicode, "," %2C, '"' %22, "+" %2B, "%" %25); no other class, prefix or version.
    expect(manifests.get(glacierKey)!.split("\n")).toEqual([
      `${SOURCE},data/run%201/a.bam`,
      `${SOURCE},data/%E3%83%87%E3%83%BC%E3%82%BF/b.h5`,
      `${SOURCE},data/x%2Cy%20%22z%22.nc`,
      `${SOURCE},data/1%2B1%20100%25.nc`,
      "",
    ]);
    expect(manifests.get(itKey)).toBe(`${SOURCE},data/it/f.nc\n${SOURCE},data/it/g.nc\n`);
    for (const put of emulator.requests.filter((q) => q.op === "put" && q.bucket === REPORTS_BUCKET))
      expect([put.sse, put.expectedOwner]).toEqual(["AES256", "123456789012"]);

    for (const [i, job] of jobs.entries()) {
      // The request as it reached S3 Control (the SDK's XML).
      const request = emulator.jobs.get(job.jobId)!.request;
      const manifestKey = i === 0 ? glacierKey : itKey;
      const spec = request.child("Manifest")!.child("Spec")!;
      const location = request.child("Manifest")!.child("Location")!;
      expect([spec.text("Format"), spec.child("Fields")!.texts("member")]).toEqual([
        "S3BatchOperations_CSV_20180820",
        ["Bucket", "Key"],
      ]);
      expect(location.text("ObjectArn")).toBe(`arn:aws:s3:::${REPORTS_BUCKET}/${manifestKey}`);
      expect(location.text("ETag")).toBe(emulator.get(REPORTS_BUCKET, manifestKey)!.etag!.replace(/"/g, ""));
      expect(request.child("ManifestGenerator")).toBeUndefined();
      expect(request.child("Report")!.text("ExpectedBucketOwner")).toBe("123456789012");
    }
    // The tasks S3 ran are the manifests' objects, nothing else.
    expect(
      emulator.requests
        .filter((q) => q.op === "batch-task")
        .map((q) => [q.key, q.days, q.status])
        .sort(),
    ).toEqual([
      ["data/1+1 100%.nc", 7, 202],
      ["data/it/f.nc", undefined, 202],
      ["data/it/g.nc", undefined, 202],
      ["data/run 1/a.bam", 7, 202],
      ['data/x,y "z".nc', 7, 202],
      ["data/データ/b.h5", 7, 202],
    ]);
    expect(emulator.get(SOURCE, "other/outside.bam")!.restore).toBe("none");
    expect(emulator.count("restore")).toBe(0);
  });

  it("names versions in the manifest when the report has them", async () => {
    putReport(ROWS, true);
    const r = await cli(["stage", `s3://${SOURCE}/data/`, ...batchArgs, "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { plan, jobs } = JSON.parse(r.stdout);
    expect(plan.jobs[0].manifest.fields).toEqual(["Bucket", "Key", "VersionId"]);
    const key = plan.jobs[0].manifest.url.replace(`s3://${REPORTS_BUCKET}/`, "");
    const lines = emulator.get(REPORTS_BUCKET, key)!.body!.toString("utf8").trim().split("\n");
    expect(lines[0]).toBe(`${SOURCE},data/run%201/a.bam,${emulator.get(SOURCE, "data/run 1/a.bam")!.versionId}`);
    expect(lines).toHaveLength(4); // the noncurrent version of data/old.bam is not restored
    const request = emulator.jobs.get(jobs[0].jobId)!.request;
    expect(request.child("Manifest")!.child("Spec")!.child("Fields")!.texts("member")).toEqual([
      "Bucket",
      "Key",
      "VersionId",
    ]);
    expect(emulator.jobs.get(jobs[0].jobId)).toMatchObject({ tasks: 4, succeeded: 4, failed: 0 });
  });

  it("uploads nothing above --max-cost without --yes", async () => {
    putReport();
    const r = await cli(["stage", `s3://${SOURCE}/data/`, ...batchArgs, "--max-cost", "0"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("above --max-cost 0: nothing was restored");
    expect(emulator.count("put")).toBe(0);
    expect(emulator.count("create-job")).toBe(0);
  });

  it.each([
    [["--inventory", MANIFEST], "--inventory: goes with --batch"],
    [[...batchArgs, "--refresh"], "--inventory with --refresh"],
    [["--inventory", MANIFEST, "--direct"], "--inventory with --direct"],
    [[...batchArgs, "--parallel", "4"], "--inventory with --parallel"],
    [["--batch", "--role-arn", ROLE, "--reports", REPORTS, "--inventory", `s3://${DEST}/x.csv`], "--inventory"],
  ])("%j exits 2 naming the flag", async (flags, message) => {
    putReport();
    const r = await cli(["stage", `s3://${SOURCE}/data/`, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(emulator.count("get")).toBe(0);
  });
});
