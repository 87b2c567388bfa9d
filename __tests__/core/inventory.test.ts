import { GlacierRestoreError } from "../../core/errors";
import {
  addInventoryRow,
  batchManifestCsv,
  batchManifestKey,
  csvFields,
  decodeInventoryKey,
  emptyInventorySummary,
  inventoryRow,
  inventoryStateOf,
  mergeInventorySummaries,
  needsRestore,
  parseManifest,
  parseManifestUrl,
  type InventoryRow,
  type InventorySummary,
} from "../../core/inventory";

/** The CSV manifest of the User Guide's "Locating your inventory list" example, as S3 writes it. */
const documented = {
  sourceBucket: "example-source-bucket",
  destinationBucket: "arn:aws:s3:::example-inventory-destination-bucket",
  version: "2016-11-30",
  creationTimestamp: "1514944800000",
  fileFormat: "CSV",
  fileSchema:
    "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus, ObjectLockRetainUntilDate, ObjectLockMode, ObjectLockLegalHoldStatus, IntelligentTieringAccessTier, BucketKeyStatus, ChecksumAlgorithm",
  files: [
    {
      key: "Inventory/example-source-bucket/2016-11-06T21-32Z/files/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz",
      size: 2147483647,
      MD5checksum: "f11166069f1990abeb9c97ace9cdfabc",
    },
  ],
};
const WHERE = "s3://inv/p/manifest.json";
const manifestText = (changes: Record<string, unknown> = {}) => JSON.stringify({ ...documented, ...changes });

function errorOf(f: () => unknown): GlacierRestoreError {
  try {
    f();
  } catch (err) {
    if (err instanceof GlacierRestoreError) return err;
    throw err;
  }
  throw new Error("no error thrown");
}

describe("parseManifest", () => {
  it("reads the documented CSV manifest: buckets, as-of time, columns and files", () => {
    const m = parseManifest(manifestText(), WHERE);
    expect(m).toEqual({
      sourceBucket: "example-source-bucket",
      destinationBucket: "example-inventory-destination-bucket",
      version: "2016-11-30",
      asOf: "2018-01-03T02:00:00.000Z",
      columns: documented.fileSchema.split(", "),
      files: [{ key: documented.files[0]!.key, size: 2147483647, md5: "f11166069f1990abeb9c97ace9cdfabc" }],
    });
  });

  it("takes a destination bucket ARN of another partition", () => {
    expect(parseManifest(manifestText({ destinationBucket: "arn:aws-cn:s3:::dest" }), WHERE).destinationBucket).toBe(
      "dest",
    );
  });

  it.each([
    ["text that is not JSON", "{ nope", "not JSON: line 1, column 3"],
    ["a JSON list", "[]", "not a JSON object"],
    ["a document without the manifest fields", JSON.stringify({ sourceBucket: "b" }), "no destinationBucket, version"],
    [
      "a file entry without MD5checksum",
      manifestText({ files: [{ key: "k", size: 1 }] }),
      "files[0] is not {key, size, MD5checksum}",
    ],
    [
      "a timestamp that is not epoch milliseconds",
      manifestText({ creationTimestamp: "2018-01-03" }),
      "creationTimestamp",
    ],
    ["a destination that is not a bucket ARN", manifestText({ destinationBucket: "dest" }), "not a bucket ARN"],
  ])("rejects %s as not a manifest (external)", (_what, text, reason) => {
    const err = errorOf(() => parseManifest(text, WHERE));
    expect(err.kind).toBe("external");
    expect(err.message).toContain(`--inventory ${WHERE}: not an S3 Inventory manifest.json (`);
    expect(err.message).toContain(reason);
  });

  it.each(["ORC", "Parquet"])("refuses a %s inventory, saying only CSV is read and why", (format) => {
    const err = errorOf(() => parseManifest(manifestText({ fileFormat: format }), WHERE));
    expect(err.kind).toBe("usage");
    expect(err.message).toBe(
      `--inventory ${WHERE}: fileFormat is "${format}"; only CSV inventories are read (reading ORC or Parquet would add a dependency without a well-kept Node reader); configure the inventory with output format CSV`,
    );
  });

  it.each(["Key", "StorageClass"])("refuses a fileSchema without %s, naming the fields to add", (column) => {
    const schema = documented.fileSchema
      .split(", ")
      .filter((c) => c !== column)
      .join(", ");
    const err = errorOf(() => parseManifest(manifestText({ fileSchema: schema }), WHERE));
    expect(err.kind).toBe("usage");
    expect(err.message).toContain(`fileSchema has no ${column} column`);
    expect(err.message).toContain("add the StorageClass field");
  });
});

describe("parseManifestUrl", () => {
  it("takes the s3:// URL of a manifest.json", () => {
    expect(parseManifestUrl("s3://inv-bucket/inv/src/cfg/2024-01-07T01-00Z/manifest.json")).toEqual({
      bucket: "inv-bucket",
      key: "inv/src/cfg/2024-01-07T01-00Z/manifest.json",
    });
  });

  it.each([
    "inv-bucket/manifest.json",
    "s3://inv-bucket/inv/data/x.csv.gz",
    "s3://Bad_Bucket/manifest.json",
    "s3://b/notmanifest.json",
  ])("refuses %s with a usage error naming --inventory", (text) => {
    const err = errorOf(() => parseManifestUrl(text));
    expect(err.kind).toBe("usage");
    expect(err.message).toContain(
      `--inventory ${JSON.stringify(text)}: expected the s3:// URL of an inventory report's manifest.json`,
    );
  });
});

describe("CSV lines", () => {
  it.each([
    ['"a","b c","d"', ["a", "b c", "d"]],
    ['"a,1","say ""hi""",""', ["a,1", 'say "hi"', ""]],
    ["a,,c", ["a", "", "c"]],
    ['plain,"quoted"', ["plain", "quoted"]],
  ])("splits %s", (line, fields) => {
    expect(csvFields(line)).toEqual(fields);
  });

  it.each([
    ['"open', "unterminated quoted field"],
    ['"a"b,c', 'unexpected "b" after a quoted field'],
  ])("rejects %s", (line, reason) => {
    expect(() => csvFields(line)).toThrow(reason);
  });
});

describe("decodeInventoryKey", () => {
  it.each([
    ["data/a%20b.nc", "data/a b.nc"],
    ["data/a+b.nc", "data/a b.nc"],
    ["data/1%2B1.nc", "data/1+1.nc"],
    ["data/100%25.nc", "data/100%.nc"],
    ["data/a%2Cb%22c%22.nc", 'data/a,b"c".nc'],
    ["%E3%83%87%E3%83%BC%E3%82%BF/x.h5", "データ/x.h5"],
    ["0100059%7Ethumb.jpg", "0100059~thumb.jpg"],
  ])("%s is %s", (encoded, key) => {
    expect(decodeInventoryKey(encoded)).toBe(key);
  });

  it("says which key is not URL-encoded", () => {
    expect(() => decodeInventoryKey("bad%zz")).toThrow('key "bad%zz" is not URL-encoded UTF-8');
  });
});

const VERSIONED = [
  "Bucket",
  "Key",
  "VersionId",
  "IsLatest",
  "IsDeleteMarker",
  "Size",
  "StorageClass",
  "IntelligentTieringAccessTier",
];

describe("inventoryRow", () => {
  it("maps fields by the manifest's column names, decoding the key", () => {
    expect(
      inventoryRow(
        '"src","raw/a+b%2C1.nc","v1","true","false","42","INTELLIGENT_TIERING","ARCHIVE"',
        VERSIONED,
        "f line 1",
      ),
    ).toEqual({
      bucket: "src",
      key: "raw/a b,1.nc",
      versionId: "v1",
      size: 42,
      storageClass: "INTELLIGENT_TIERING",
      accessTier: "ARCHIVE",
      isLatest: true,
      isDeleteMarker: false,
    });
  });

  it("reads a noncurrent version and a delete marker (empty size and class)", () => {
    const old = inventoryRow('"src","k","v0","false","false","9","GLACIER",""', VERSIONED, "f");
    const marker = inventoryRow('"src","k","v2","true","true","","",""', VERSIONED, "f");
    expect([old.isLatest, old.isDeleteMarker, marker.isLatest, marker.isDeleteMarker, marker.size]).toEqual([
      false,
      false,
      true,
      true,
      undefined,
    ]);
  });

  it("counts every row as current when the inventory lists current versions only", () => {
    const row = inventoryRow('"src","k","5","STANDARD"', ["Bucket", "Key", "Size", "StorageClass"], "f");
    expect(row).toEqual({
      bucket: "src",
      key: "k",
      size: 5,
      storageClass: "STANDARD",
      isLatest: true,
      isDeleteMarker: false,
    });
  });

  it.each([
    ['"src","k","5"', "3 fields where fileSchema names 4"],
    ['"src","k","five","STANDARD"', 'Size "five" is not a number of bytes'],
    ['"src","k%zz","5","STANDARD"', 'key "k%zz" is not URL-encoded UTF-8'],
    ['"src,"k"', "not a CSV line"],
  ])("names the file and line of a bad row: %s", (line, reason) => {
    const err = errorOf(() =>
      inventoryRow(line, ["Bucket", "Key", "Size", "StorageClass"], "s3://inv/d.csv.gz line 7"),
    );
    expect(err.kind).toBe("external");
    expect(err.message).toContain("inventory s3://inv/d.csv.gz line 7: ");
    expect(err.message).toContain(reason);
  });
});

const row = (storageClass: string, extra: Partial<InventoryRow> = {}): InventoryRow => ({
  bucket: "src",
  key: "raw/k",
  size: 10,
  storageClass,
  isLatest: true,
  isDeleteMarker: false,
  ...extra,
});

describe("inventoryStateOf", () => {
  it.each([
    ["STANDARD", undefined, "readable"],
    ["GLACIER_IR", undefined, "readable"],
    ["GLACIER", undefined, "archived"],
    ["DEEP_ARCHIVE", undefined, "archived"],
    // The values the S3 Inventory page lists for IntelligentTieringAccessTier.
    ["INTELLIGENT_TIERING", "ARCHIVE", "archived"],
    ["INTELLIGENT_TIERING", "DEEP_ARCHIVE", "archived"],
    ["INTELLIGENT_TIERING", "FREQUENT", "readable"],
    ["INTELLIGENT_TIERING", "INFREQUENT", "readable"],
    ["INTELLIGENT_TIERING", "ARCHIVE_INSTANT_ACCESS", "readable"],
    // HeadObject's names for the archive tiers are read the same way.
    ["INTELLIGENT_TIERING", "ARCHIVE_ACCESS", "archived"],
    ["INTELLIGENT_TIERING", "DEEP_ARCHIVE_ACCESS", "archived"],
    // Values the docs do not name are not taken as readable.
    ["INTELLIGENT_TIERING", "GLACIER_TIER", "unknown"],
    ["INTELLIGENT_TIERING", "", "unknown"],
    ["INTELLIGENT_TIERING", undefined, "unknown"],
    ["", undefined, "unknown"],
  ] as const)("%s with access tier %j is %s", (cls, accessTier, state) => {
    expect(inventoryStateOf(row(cls, accessTier === undefined ? {} : { accessTier })).state).toBe(state);
  });

  it("says why an Intelligent-Tiering object without the access tier column is unknown", () => {
    expect(inventoryStateOf(row("INTELLIGENT_TIERING")).why).toContain("no IntelligentTieringAccessTier field");
  });

  it("marks only current archived objects as needing a restore", () => {
    expect([
      needsRestore(row("GLACIER")),
      needsRestore(row("GLACIER", { isLatest: false })),
      needsRestore(row("GLACIER", { isDeleteMarker: true })),
      needsRestore(row("STANDARD")),
    ]).toEqual([true, false, false, false]);
  });
});

describe("inventory summaries", () => {
  const manifest = { asOf: "2024-01-07T01:00:00.000Z", columns: VERSIONED };
  const location = { bucket: "src", prefix: "raw/" };
  const rows: InventoryRow[] = [
    row("GLACIER", { size: 100 }),
    row("DEEP_ARCHIVE", { size: 200 }),
    row("STANDARD", { size: 5 }),
    row("INTELLIGENT_TIERING", { size: 7, accessTier: "ARCHIVE" }),
    row("INTELLIGENT_TIERING", { size: 11, accessTier: "COLD_STORAGE" }),
    row("GLACIER", { size: 1000, isLatest: false }),
    row("", { size: undefined, isDeleteMarker: true }),
    row("GLACIER", { key: "reference/outside.bam", size: 999 }),
    row("GLACIER", { bucket: "other", size: 999 }),
  ];
  const summarize = (part: readonly InventoryRow[]) => {
    const s = emptyInventorySummary(manifest, location);
    for (const r of part) addInventoryRow(s, r);
    return s;
  };

  it("count current objects under the prefix per state, class and access tier", () => {
    const s = summarize(rows);
    expect(s).toMatchObject({
      source: "inventory",
      location,
      asOf: "2024-01-07T01:00:00.000Z",
      objects: 5,
      bytes: 323,
      states: {
        archived: { objects: 3, bytes: 307 },
        readable: { objects: 1, bytes: 5 },
        unknown: { objects: 1, bytes: 11 },
      },
      storageClasses: {
        GLACIER: { objects: 1, bytes: 100 },
        DEEP_ARCHIVE: { objects: 1, bytes: 200 },
        STANDARD: { objects: 1, bytes: 5 },
        INTELLIGENT_TIERING: { objects: 2, bytes: 18 },
      },
      accessTiers: { ARCHIVE: { objects: 1, bytes: 7 }, COLD_STORAGE: { objects: 1, bytes: 11 } },
      skipped: { noncurrentVersions: 1, deleteMarkers: 1, outsidePrefix: 2 },
    });
    expect(s.unknownReasons).toEqual([expect.stringContaining('Intelligent-Tiering access tier "COLD_STORAGE"')]);
  });

  it("state what an inventory cannot tell: restore status, later changes, its schedule; and a missing Size", () => {
    const s = emptyInventorySummary({ ...manifest, columns: ["Bucket", "Key", "StorageClass"] }, location);
    expect(s.cannotTell).toEqual([
      expect.stringContaining(
        "restore status: an archived object may already have a restore running or a restored copy",
      ),
      expect.stringContaining("changes after 2024-01-07T01:00:00.000Z"),
      expect.stringContaining("daily or weekly"),
      "bytes: the inventory has no Size field",
    ]);
    expect(emptyInventorySummary(manifest, location).cannotTell).toHaveLength(3);
  });

  it("merge to one result whatever order the files are summarized in", () => {
    const files = [rows.slice(0, 3), rows.slice(3, 5), rows.slice(5)];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
    ];
    const merged = orders.map((order) =>
      order.reduce<InventorySummary>(
        (acc, i) => mergeInventorySummaries(acc, summarize(files[i]!)),
        emptyInventorySummary(manifest, location),
      ),
    );
    // Same content and the same key order (JSON text), equal to summarizing every row at once.
    const texts = merged.map((s) => JSON.stringify(s));
    expect(new Set(texts).size).toBe(1);
    expect(JSON.parse(texts[0]!)).toEqual(JSON.parse(JSON.stringify(summarize(rows))));
    expect(Object.keys(merged[0]!.storageClasses)).toEqual([
      "DEEP_ARCHIVE",
      "GLACIER",
      "INTELLIGENT_TIERING",
      "STANDARD",
    ]);
  });

  it("refuse to merge summaries of different reports", () => {
    const other = emptyInventorySummary({ ...manifest, asOf: "2024-01-14T01:00:00.000Z" }, location);
    expect(() => mergeInventorySummaries(summarize(rows), other)).toThrow("different reports or locations");
  });
});

describe("batch operations manifest", () => {
  it.each([
    ["raw/a b.nc", "raw/a%20b.nc"],
    ["raw/a,b.nc", "raw/a%2Cb.nc"],
    ['raw/"q".nc', "raw/%22q%22.nc"],
    ["データ/x.h5", "%E3%83%87%E3%83%BC%E3%82%BF/x.h5"],
    ["raw/1+1.nc", "raw/1%2B1.nc"],
    ["raw/100%.nc", "raw/100%25.nc"],
  ])("encodes %s as %s", (key, encoded) => {
    expect(batchManifestKey(key)).toBe(encoded);
  });

  it("writes Bucket,Key lines that decode back to the keys and never split a field", () => {
    const keys = [
      "raw/a b.nc",
      "raw/a,b.nc",
      'raw/"q".nc',
      "データ/x.h5",
      "raw/1+1.nc",
      "raw/100%.nc",
      'raw/ü +%2B,"x"',
    ];
    const lines = batchManifestCsv(keys.map((key) => ({ bucket: "src", key })));
    expect(lines).toHaveLength(keys.length);
    for (const [i, line] of lines.entries()) {
      const fields = line.split(",");
      expect(fields).toHaveLength(2);
      expect(fields[0]).toBe("src");
      expect(decodeURIComponent(fields[1]!)).toBe(keys[i]);
      expect(line).not.toMatch(/[ "+]/);
    }
  });

  it("adds version IDs when every object has one, and refuses a mix", () => {
    expect(batchManifestCsv([{ bucket: "src", key: "a b", versionId: "PZ9ibn9D5lP6p298B7S9_ceqx1n5EJ0p" }])).toEqual([
      "src,a%20b,PZ9ibn9D5lP6p298B7S9_ceqx1n5EJ0p",
    ]);
    const err = errorOf(() =>
      batchManifestCsv([
        { bucket: "src", key: "a", versionId: "v1" },
        { bucket: "src", key: "b" },
      ]),
    );
    expect(err.message).toBe(
      "batch manifest: 1 of 2 objects have a version ID; a Batch Operations manifest gives version IDs for all objects or for none",
    );
  });
});
