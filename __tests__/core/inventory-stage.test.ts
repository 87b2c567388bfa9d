import { createHash } from "node:crypto";
import { jobToken, manifestRestoreJobRequest } from "../../core/batch-jobs";
import { batchManifestLine, manifestObjectOf, type InventoryRow } from "../../core/inventory";
import {
  addInventoryStageRow,
  emptyInventoryStageTally,
  inventoryRestoreRisk,
  inventoryTaskOf,
  manifestVersioned,
} from "../../core/inventory-stage";

const LOCATION = { bucket: "src", prefix: "data/" };
const row = (over: Partial<InventoryRow>): InventoryRow => ({
  bucket: "src",
  key: "data/a.nc",
  storageClass: "GLACIER",
  isLatest: true,
  isDeleteMarker: false,
  size: 10,
  ...over,
});

describe("the rows an inventory puts in a stage manifest", () => {
  it("takes current archived objects under the location, by family and archive", () => {
    expect(inventoryTaskOf(row({}), LOCATION)).toEqual({ family: "glacier", archive: "GLACIER" });
    expect(inventoryTaskOf(row({ storageClass: "DEEP_ARCHIVE" }), LOCATION)).toEqual({
      family: "glacier",
      archive: "DEEP_ARCHIVE",
    });
    expect(inventoryTaskOf(row({ storageClass: "INTELLIGENT_TIERING", accessTier: "DEEP_ARCHIVE" }), LOCATION)).toEqual(
      { family: "intelligent-tiering", archive: "INTELLIGENT_TIERING_DEEP_ARCHIVE" },
    );
  });

  it.each([
    ["outside the prefix", row({ key: "other/a.nc" })],
    ["of another bucket", row({ bucket: "elsewhere" })],
    ["a noncurrent version", row({ isLatest: false })],
    ["a delete marker", row({ isDeleteMarker: true })],
    ["readable", row({ storageClass: "GLACIER_IR" })],
    ["Intelligent-Tiering, not archived", row({ storageClass: "INTELLIGENT_TIERING", accessTier: "FREQUENT" })],
    ["Intelligent-Tiering of unknown tier", row({ storageClass: "INTELLIGENT_TIERING" })],
  ])("leaves out an object %s", (_, r) => {
    expect(inventoryTaskOf(r, LOCATION)).toBeUndefined();
  });

  it("tallies tasks, bytes and classes per family, and which families have version IDs", () => {
    const t = emptyInventoryStageTally(
      { asOf: "2024-01-07T01:00:00.000Z", columns: ["Key", "StorageClass"] },
      LOCATION,
    );
    addInventoryStageRow(t, row({ versionId: "v1" }));
    addInventoryStageRow(t, row({ key: "data/b.nc", storageClass: "DEEP_ARCHIVE", size: 5 }));
    addInventoryStageRow(t, row({ key: "data/c.nc", storageClass: "INTELLIGENT_TIERING", accessTier: "ARCHIVE" }));
    addInventoryStageRow(t, row({ key: "data/d.nc", storageClass: "STANDARD" }));
    expect(t.families.glacier).toMatchObject({
      tasks: 2,
      storageClasses: ["DEEP_ARCHIVE", "GLACIER"],
      toRestore: { GLACIER: { objects: 1, bytes: 10 }, DEEP_ARCHIVE: { objects: 1, bytes: 5 } },
    });
    expect(t.families["intelligent-tiering"]?.tasks).toBe(1);
    expect([manifestVersioned(t, "glacier"), manifestVersioned(t, "intelligent-tiering")]).toEqual([true, false]);
    expect(t.summary.objects).toBe(4);
  });

  it('writes "null" for a row without a version ID in a manifest that gives them, and none otherwise', () => {
    expect(batchManifestLine(manifestObjectOf(row({ key: "data/a b+c.nc" }), true))).toBe("src,data/a%20b%2Bc.nc,null");
    expect(batchManifestLine(manifestObjectOf(row({ versionId: "3sL4kqtJ" }), true))).toBe("src,data/a.nc,3sL4kqtJ");
    expect(batchManifestLine(manifestObjectOf(row({ versionId: "3sL4kqtJ" }), false))).toBe("src,data/a.nc");
  });

  it("warns of restores the report cannot show only where S3 judges a job's failure rate (1,000 tasks on)", () => {
    expect(inventoryRestoreRisk(999, "2024-01-07T01:00:00.000Z")).toBeUndefined();
    expect(inventoryRestoreRisk(1000, "2024-01-07T01:00:00.000Z")).toContain(
      "the inventory of 2024-01-07T01:00:00.000Z shows no restore status",
    );
  });
});

describe("a restore job with a manifest of its own", () => {
  const input = {
    accountId: "123456789012",
    region: "cn-north-1",
    bucket: "src",
    prefix: "data/",
    family: "intelligent-tiering" as const,
    tier: "Bulk" as const,
    days: 7,
    roleArn: "arn:aws-cn:iam::123456789012:role/r",
    reports: { bucket: "gr-reports", prefix: "batch/" },
    token: "t",
  };

  it("names the manifest object by ARN in the region's partition, with the ETag unquoted and its columns", () => {
    const request = manifestRestoreJobRequest(input, {
      key: "batch/manifests/t-intelligent-tiering.csv",
      etag: '"9b2cf535f27731c974343645a3985328"',
      versioned: true,
    });
    expect(request.Manifest).toEqual({
      Spec: { Format: "S3BatchOperations_CSV_20180820", Fields: ["Bucket", "Key", "VersionId"] },
      Location: {
        ObjectArn: "arn:aws-cn:s3:::gr-reports/batch/manifests/t-intelligent-tiering.csv",
        ETag: "9b2cf535f27731c974343645a3985328",
      },
    });
    expect(request).not.toHaveProperty("ManifestGenerator");
    expect(request.Operation).toEqual({ S3InitiateRestoreObject: { GlacierJobTier: "BULK" } });
    expect(request.Report).toMatchObject({ Bucket: "arn:aws-cn:s3:::gr-reports", ExpectedBucketOwner: "123456789012" });
    expect(() => manifestRestoreJobRequest(input, { key: "k", etag: '""', versioned: false })).toThrow(
      "ETag is required",
    );
  });

  it("gives a job from a report a token of its own, and keeps the listing's tokens as they were", () => {
    const parts = {
      bucket: "src",
      prefix: "data/",
      family: "glacier" as const,
      tier: "Bulk" as const,
      days: 7,
      day: "2026-01-01",
    };
    const before = createHash("sha256")
      .update(JSON.stringify(["src", "data/", "glacier", "Bulk", 7, "2026-01-01"]))
      .digest("hex");
    expect(jobToken(parts)).toBe(before);
    expect(jobToken({ ...parts, source: "s3://inv/a/manifest.json" })).not.toBe(before);
    expect(jobToken({ ...parts, source: "s3://inv/a/manifest.json" })).not.toBe(
      jobToken({ ...parts, source: "s3://inv/b/manifest.json" }),
    );
  });
});
