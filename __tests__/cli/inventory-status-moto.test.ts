/**
 * `status <location> --inventory <manifest.json>` with the real SDK against moto's S3: a versioned CSV
 * inventory in several GZIP data files, in the shape the S3 User Guide documents ("Locating your inventory
 * list": manifest.json; "Amazon S3 Inventory": fields, URL-encoded keys), read in this process.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { gzipSync } from "node:zlib";
import * as path from "node:path";
import { inventoryStatus, type InventoryStatusArgs } from "../../cli/inventory-status";
import type { Io } from "../../cli/context";
import { GlacierRestoreError } from "../../core/errors";
import { layerAvailable } from "../../testing/layers";
import { MotoServer, motoAvailable } from "../../testing/moto";
import { localAwsEnv } from "../../testing/process";

const available = layerAvailable("moto layer of status --inventory", motoAvailable);

const root = path.join(__dirname, "..", "..");
const moto = new MotoServer();
const saved = { ...process.env };
let s3: S3Client;

const SOURCE = "src-bucket";
const DEST = "inv-bucket";
const PREFIX = `inventory/${SOURCE}/daily`;
const SCHEMA = [
  "Bucket",
  "Key",
  "VersionId",
  "IsLatest",
  "IsDeleteMarker",
  "Size",
  "LastModifiedDate",
  "ETag",
  "StorageClass",
  "IntelligentTieringAccessTier",
];

/** Keys as inventory CSV writes them: URL-encoded, a space as "+" (see core/inventory.ts). */
const encoded = (key: string) => encodeURIComponent(key).replace(/%20/g, "+");

interface Row {
  key: string;
  version: string;
  latest?: boolean;
  deleteMarker?: boolean;
  size?: number;
  storageClass?: string;
  tier?: string;
  bucket?: string;
}

/** One CSV line, every field quoted (a quote doubled), as S3 writes it. */
function csvLine(r: Row): string {
  const marker = r.deleteMarker === true;
  const fields = [
    r.bucket ?? SOURCE,
    encoded(r.key),
    r.version,
    String(r.latest ?? true),
    String(marker),
    marker ? "" : String(r.size ?? 0),
    "2024-01-02T03:04:05.000Z",
    marker ? "" : "d41d8cd98f00b204e9800998ecf8427e",
    marker ? "" : (r.storageClass ?? "STANDARD"),
    r.tier ?? "",
  ];
  return fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(",");
}

const FILES: Row[][] = [
  [
    { key: "data/run 1/a.bam", version: "v1", size: 100, storageClass: "GLACIER" },
    { key: "data/データ/b.h5", version: "v1", size: 200, storageClass: "DEEP_ARCHIVE" },
    { key: 'data/x,y "z".nc', version: "v1", size: 300 },
  ],
  [
    { key: "data/it/f.nc", version: "v1", size: 400, storageClass: "INTELLIGENT_TIERING", tier: "ARCHIVE" },
    { key: "data/it/g.nc", version: "v1", size: 500, storageClass: "INTELLIGENT_TIERING", tier: "DEEP_ARCHIVE" },
    { key: "data/it/h.nc", version: "v1", size: 600, storageClass: "INTELLIGENT_TIERING", tier: "FREQUENT" },
    { key: "data/1+1 100%.txt", version: "v1", size: 7 },
  ],
  [
    { key: "data/old.bam", version: "v0", latest: false, size: 1000, storageClass: "GLACIER" },
    { key: "data/old.bam", version: "v1", size: 8 },
    { key: "data/deleted.bam", version: "v2", deleteMarker: true },
    { key: "data/deleted.bam", version: "v1", latest: false, size: 2000, storageClass: "GLACIER" },
    { key: "other/outside.bam", version: "v1", size: 999, storageClass: "GLACIER" },
  ],
];

async function put(key: string, body: string | Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: DEST, Key: key, Body: body }));
}

/** Puts the data files (GZIP CSV) and a manifest.json listing them; returns the manifest's s3:// URL. */
async function putReport(name: string, manifest: Record<string, unknown> = {}, files = FILES): Promise<string> {
  const entries = [];
  for (const [i, rows] of files.entries()) {
    const key = `${PREFIX}/data/${name}-${i}.csv.gz`;
    const body = gzipSync(rows.map(csvLine).join("\n") + "\n");
    await put(key, body);
    entries.push({ key, size: body.length, MD5checksum: "f11166069f1990abeb9c97ace9cdfabc" });
  }
  const doc = {
    sourceBucket: SOURCE,
    destinationBucket: `arn:aws:s3:::${DEST}`,
    version: "2016-11-30",
    creationTimestamp: "1704589200000",
    fileFormat: "CSV",
    fileSchema: SCHEMA.join(", "),
    files: entries,
    ...manifest,
  };
  const key = `${PREFIX}/${name}/manifest.json`;
  await put(key, JSON.stringify(doc, null, 4));
  return `s3://${DEST}/${key}`;
}

async function run(args: Partial<InventoryStatusArgs> & { inventory: string }) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: process.env,
    cwd: root,
  };
  let error: unknown;
  await inventoryStatus({ location: `s3://${SOURCE}/data/`, json: false, ...args }, io).catch(
    (e: unknown) => (error = e),
  );
  return { stdout, stderr, error: error as GlacierRestoreError | undefined };
}

(available ? describe : describe.skip)("status --inventory against moto's S3", () => {
  beforeAll(async () => {
    const endpoint = await moto.start();
    // The SDK takes its endpoint and credentials from this process's environment.
    Object.assign(process.env, localAwsEnv({ AWS_ENDPOINT_URL_S3: endpoint, AWS_MAX_ATTEMPTS: "1" }));
    s3 = new S3Client({
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: DEST }));
  }, 30_000);
  afterAll(() => {
    process.env = saved;
    s3?.destroy();
    moto.stop();
  });

  it("counts the current objects under the location per state, class and access tier from every data file", async () => {
    const manifest = await putReport("versioned");
    const r = await run({ inventory: manifest, json: true });
    expect([r.error, r.stderr]).toEqual([undefined, ""]);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      source: "inventory",
      location: { bucket: SOURCE, prefix: "data/" },
      asOf: "2024-01-07T01:00:00.000Z",
      objects: 8,
      bytes: 2115,
      states: {
        archived: { objects: 4, bytes: 1200 },
        // FREQUENT: an Intelligent-Tiering tier read without a restore.
        readable: { objects: 4, bytes: 915 },
        unknown: { objects: 0, bytes: 0 },
      },
      storageClasses: {
        DEEP_ARCHIVE: { objects: 1, bytes: 200 },
        GLACIER: { objects: 1, bytes: 100 },
        INTELLIGENT_TIERING: { objects: 3, bytes: 1500 },
        STANDARD: { objects: 3, bytes: 315 },
      },
      accessTiers: {
        ARCHIVE: { objects: 1, bytes: 400 },
        DEEP_ARCHIVE: { objects: 1, bytes: 500 },
        FREQUENT: { objects: 1, bytes: 600 },
      },
      skipped: { noncurrentVersions: 2, deleteMarkers: 1, outsidePrefix: 1 },
      // One GetObject for the manifest, one per data file.
      requests: { get: 4 },
    });
    expect(report.cannotTell[0]).toContain("restore status");
    expect(report.unknownReasons).toEqual([]);
  });

  it("decodes keys with spaces, unicode, commas, quotes, '+' and '%' (a prefix matches the decoded key)", async () => {
    const manifest = await putReport("keys");
    const count = async (prefix: string) => {
      const r = await run({ inventory: manifest, json: true, location: `s3://${SOURCE}/${prefix}` });
      expect(r.error).toBeUndefined();
      return JSON.parse(r.stdout).objects;
    };
    expect(await count("data/run 1/")).toBe(1);
    expect(await count("data/データ/")).toBe(1);
    expect(await count('data/x,y "z"')).toBe(1);
    expect(await count("data/1+1 100%")).toBe(1);
  });

  it("prints one line per state, storage class and access tier, the as-of time and what it cannot tell", async () => {
    const manifest = await putReport("text");
    const r = await run({ inventory: manifest });
    expect(r.error).toBeUndefined();
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(
      `s3://${SOURCE}/data/: 8 objects, 2.07 KiB, from the S3 Inventory report of 2024-01-07T01:00:00.000Z`,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}archived +4 objects +1.17 KiB {2}\(needs a restore before reading\)$/),
        expect.stringMatching(/^ {2}readable +4 objects +915 B {2}\(without a restore\)$/),
        expect.stringMatching(/^ {2}INTELLIGENT_TIERING +3 objects/),
        expect.stringMatching(/^ {2}DEEP_ARCHIVE +1 objects +500 B$/),
        "not counted: 2 noncurrent versions, 1 delete markers",
        "the inventory cannot tell:",
        expect.stringMatching(/^ {2}- restore status: /),
      ]),
    );
  });

  it("refuses a report of another bucket, an ORC report and a missing manifest, each in one line", async () => {
    const other = await run({ inventory: await putReport("other", { sourceBucket: "another-bucket" }) });
    expect(other.error?.kind).toBe("usage");
    expect(other.error?.message).toContain("the report lists bucket another-bucket, not src-bucket");

    const orc = await run({ inventory: await putReport("orc", { fileFormat: "ORC" }) });
    expect(orc.error?.kind).toBe("usage");
    expect(orc.error?.message).toContain('fileFormat is "ORC"; only CSV inventories are read');

    const missing = await run({ inventory: `s3://${DEST}/nothing/here/manifest.json` });
    expect(missing.error?.kind).toBe("external");
    expect(missing.error?.message).toBe(
      `status --inventory s3://${DEST}/nothing/here/manifest.json: NoSuchKey (HTTP 404)`,
    );
  });

  it("says which data file is not GZIP", async () => {
    const manifest = await putReport("broken");
    const firstFile = `${PREFIX}/data/broken-0.csv.gz`;
    await put(firstFile, "Bucket,Key\n");
    const r = await run({ inventory: manifest });
    expect(r.error?.kind).toBe("external");
    expect(r.error?.message).toContain(`inventory s3://${DEST}/${firstFile}: not a GZIP file`);
  });
});
