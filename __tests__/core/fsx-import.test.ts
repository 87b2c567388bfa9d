/** Where an object is on FSx, and how import tasks are cut (API Reference, CreateDataRepositoryTask). */
import {
  associationProblem,
  importBatches,
  importPathProblem,
  importScopes,
  overlappingAssociations,
  placementOf,
  restoredObjectOf,
  TASK_PATHS_MAX,
  type FsxAssociation,
} from "../../core/fsx-import";

const FS_A = "fs-0123456789abcdef0";
const FS_B = "fs-0fedcba9876543210";
const ASSOCIATIONS: FsxAssociation[] = [
  { fileSystemId: FS_A, fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/" },
  { fileSystemId: FS_B, fileSystemPath: "/raw/", dataRepositoryPath: "s3://fsx4l-store/raw/" },
  { fileSystemId: FS_B, fileSystemPath: "/ref", dataRepositoryPath: "s3://fsx4l-store/reference/v2/" },
];

describe("placementOf", () => {
  it("takes the association with the longest matching repository prefix", () => {
    expect(placementOf("fsx4l-store", "raw/run 1/a ü.bam", ASSOCIATIONS)).toEqual({
      fileSystemId: FS_B,
      filePath: "/raw/run 1/a ü.bam",
      importPath: "s3://fsx4l-store/raw/run 1/a ü.bam",
    });
    expect(placementOf("fsx4l-store", "reference/v2/x.fa", ASSOCIATIONS)).toEqual({
      fileSystemId: FS_B,
      filePath: "/ref/x.fa",
      importPath: "s3://fsx4l-store/reference/v2/x.fa",
    });
    expect(placementOf("fsx4l-store", "reference/v1/x.fa", ASSOCIATIONS)).toMatchObject({
      fileSystemId: FS_A,
      filePath: "/reference/v1/x.fa",
    });
  });

  it("places nothing outside every association", () => {
    expect(placementOf("other-bucket", "raw/a", ASSOCIATIONS)).toBeUndefined();
    expect(placementOf("fsx4l-store", "raw/a", [])).toBeUndefined();
    expect(placementOf("fsx4l-store", "rawdata/a", [ASSOCIATIONS[1]!])).toBeUndefined();
  });
});

describe("importBatches", () => {
  const placed = (keys: string[]) =>
    keys.map((k, i) => ({ item: `m${i}`, placement: placementOf("fsx4l-store", k, ASSOCIATIONS)! }));

  it("makes one batch per file system, repeated paths once", () => {
    const batches = importBatches(placed(["raw/a", "top/b", "raw/a", "raw/c"]));
    expect(batches).toEqual([
      { fileSystemId: FS_B, paths: ["s3://fsx4l-store/raw/a", "s3://fsx4l-store/raw/c"], items: ["m0", "m2", "m3"] },
      { fileSystemId: FS_A, paths: ["s3://fsx4l-store/top/b"], items: ["m1"] },
    ]);
  });

  it("never puts more than the API's 100 paths in one task", () => {
    expect(TASK_PATHS_MAX).toBe(100);
    const batches = importBatches(placed(Array.from({ length: 250 }, (_, i) => `raw/f${i}`)));
    expect(batches.map((b) => b.paths.length)).toEqual([100, 100, 50]);
    expect(new Set(batches.flatMap((b) => b.paths)).size).toBe(250);
  });
});

describe("importPathProblem", () => {
  it("refuses what the service model's DataRepositoryTaskPath refuses", () => {
    expect(importPathProblem(`s3://b/${"k".repeat(4096 - 7)}`)).toBeUndefined();
    expect(importPathProblem(`s3://b/${"k".repeat(4096 - 6)}`)).toMatch(/longer than 4096/);
    expect(importPathProblem("s3://b/a\nb")).toMatch(/line break/);
    expect(importPathProblem("s3://b/a\u2028b")).toMatch(/line break/);
  });
});

describe("associationProblem", () => {
  it.each([
    [{ fileSystemId: "fc-0123456789abcdef0" }, /fileSystemId .* FSx for Lustre file system ID/],
    [{ fileSystemPath: "raw/" }, /fileSystemPath "raw\/" must be an absolute directory/],
    [{ fileSystemPath: "/a//b/" }, /fileSystemPath/],
    [{ dataRepositoryPath: "s3://fsx4l-store/raw" }, /dataRepositoryPath .*ending in \//],
    [{ dataRepositoryPath: "https://fsx4l-store/raw/" }, /dataRepositoryPath/],
  ])("names the field of %j", (change, message) => {
    expect(associationProblem({ ...ASSOCIATIONS[1]!, ...change })).toMatch(message);
  });

  it("accepts the forms FSx uses", () => {
    for (const a of ASSOCIATIONS) expect(associationProblem(a)).toBeUndefined();
  });
});

describe("importScopes and overlaps", () => {
  it("intersects targets with associations", () => {
    expect(
      importScopes(
        [
          { bucket: "fsx4l-store", prefix: "raw/run-1/" },
          { bucket: "fsx4l-store", prefix: "reference/" },
          { bucket: "other", prefix: "" },
        ],
        ASSOCIATIONS.slice(1),
      ),
    ).toEqual([
      { bucket: "fsx4l-store", prefix: "raw/run-1/" },
      { bucket: "fsx4l-store", prefix: "reference/v2/" },
    ]);
    expect(importScopes([{ bucket: "fsx4l-store", prefix: "x/" }], ASSOCIATIONS.slice(1))).toEqual([]);
  });

  it("finds nested file system paths on one file system only", () => {
    expect(overlappingAssociations(ASSOCIATIONS)).toEqual([]);
    const nested = { fileSystemId: FS_B, fileSystemPath: "/raw/deep/", dataRepositoryPath: "s3://x/" };
    expect(overlappingAssociations([...ASSOCIATIONS, nested])).toEqual([[ASSOCIATIONS[1], nested]]);
  });
});

describe("restoredObjectOf", () => {
  it("reads bucket and key of S3's Object Restore Completed event", () => {
    const event = {
      source: "aws.s3",
      "detail-type": "Object Restore Completed",
      detail: { bucket: { name: "fsx4l-store" }, object: { key: "raw/a.bam" }, "source-storage-class": "GLACIER" },
    };
    expect(restoredObjectOf(event)).toEqual({ bucket: "fsx4l-store", key: "raw/a.bam" });
    expect(restoredObjectOf({ ...event, "detail-type": "Object Restore Expired" })).toHaveProperty("unreadable");
    expect(restoredObjectOf({ ...event, detail: {} })).toHaveProperty("unreadable");
    expect(restoredObjectOf(null)).toHaveProperty("unreadable");
  });
});
