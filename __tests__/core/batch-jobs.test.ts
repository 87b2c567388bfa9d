import {
  accountOfRoleArn,
  addToFamilies,
  failureRisk,
  jobToken,
  parseReportsLocation,
  restoreJobRequest,
  JOB_DESCRIPTION_MAX_CHARS,
  type BatchFamily,
  type FamilyTally,
  type RestoreJobInput,
} from "../../core/batch-jobs";
import type { ListedObject } from "../../core/dataset";

const input: RestoreJobInput = {
  accountId: "123456789012",
  region: "us-east-1",
  bucket: "fsx4l-store",
  prefix: "raw/",
  family: "glacier",
  storageClasses: ["DEEP_ARCHIVE", "GLACIER"],
  tier: "Bulk",
  days: 3,
  roleArn: "arn:aws:iam::123456789012:role/r",
  reports: { bucket: "gr-reports", prefix: "batch/" },
  token: "t",
};

describe("restoreJobRequest", () => {
  it("asks Glacier jobs for ExpirationInDays and the tier in S3 Control's spelling", () => {
    const r = restoreJobRequest(input);
    expect(r.Operation).toEqual({ S3InitiateRestoreObject: { GlacierJobTier: "BULK", ExpirationInDays: 3 } });
    expect(r).toMatchObject({
      AccountId: "123456789012",
      ConfirmationRequired: false,
      ClientRequestToken: "t",
      RoleArn: input.roleArn,
      Report: {
        Enabled: true,
        Bucket: "arn:aws:s3:::gr-reports",
        Prefix: "batch/reports",
        Format: "Report_CSV_20180820",
        ReportScope: "AllTasks",
      },
    });
    expect(r.ManifestGenerator.S3JobManifestGenerator).toEqual({
      SourceBucket: "arn:aws:s3:::fsx4l-store",
      EnableManifestOutput: true,
      ManifestOutputLocation: {
        Bucket: "arn:aws:s3:::gr-reports",
        ManifestPrefix: "batch/manifests",
        ManifestFormat: "S3InventoryReport_CSV_20211130",
        ManifestEncryption: { SSES3: {} },
      },
      // Filter order follows the generator's own list, whatever order the listing gave.
      Filter: { KeyNameConstraint: { MatchAnyPrefix: ["raw/"] }, MatchAnyStorageClass: ["GLACIER", "DEEP_ARCHIVE"] },
    });
  });

  it("never sends ExpirationInDays for Intelligent-Tiering, and no prefix constraint for a whole bucket", () => {
    const it = { ...input, family: "intelligent-tiering" as const, prefix: "", tier: "Standard" as const };
    const r = restoreJobRequest({ ...it, storageClasses: ["INTELLIGENT_TIERING"] });
    expect(r.Operation).toEqual({ S3InitiateRestoreObject: { GlacierJobTier: "STANDARD" } });
    expect(r.ManifestGenerator.S3JobManifestGenerator.Filter).toEqual({
      MatchAnyStorageClass: ["INTELLIGENT_TIERING"],
    });
    // No storage class of the family: an empty filter would take every class, so no request at all.
    expect(() => restoreJobRequest(it)).toThrow(/needs at least one of its storage classes/);
  });

  it("refuses Expedited, which Batch Operations does not offer", () => {
    expect(() => restoreJobRequest({ ...input, tier: "Expedited" })).toThrow(/Standard or Bulk only, not Expedited/);
  });

  it("writes ARNs in the region's partition", () => {
    const r = restoreJobRequest({ ...input, region: "cn-north-1" });
    expect(r.ManifestGenerator.S3JobManifestGenerator.SourceBucket).toBe("arn:aws-cn:s3:::fsx4l-store");
    expect(r.Report.Bucket).toBe("arn:aws-cn:s3:::gr-reports");
  });

  it("cuts a long description to CreateJob's 256 characters", () => {
    const r = restoreJobRequest({ ...input, prefix: `${"p".repeat(400)}/` });
    expect(r.Description).toHaveLength(JOB_DESCRIPTION_MAX_CHARS);
    expect(restoreJobRequest(input).Description).toBe(
      "glacier-restore stage s3://fsx4l-store/raw/ (glacier, Bulk, 3 days)",
    );
  });
});

describe("jobToken", () => {
  const base = {
    bucket: "b",
    prefix: "p/",
    family: "glacier" as BatchFamily,
    tier: "Standard" as const,
    days: 7,
    day: "2026-11-28",
  };
  it("is stable for the same job on the same day and at most 64 characters", () => {
    expect(jobToken(base)).toBe(jobToken({ ...base }));
    expect(jobToken(base)).toMatch(/^[0-9a-f]{64}$/);
  });
  it.each([
    ["bucket", "c"],
    ["prefix", "q/"],
    ["family", "intelligent-tiering"],
    ["tier", "Bulk"],
    ["days", 8],
    ["day", "2026-11-29"],
  ])("changes with the %s", (field, value) => {
    expect(jobToken({ ...base, [field]: value })).not.toBe(jobToken(base));
  });
});

describe("addToFamilies and failureRisk", () => {
  const o = (storageClass: string, extra: Partial<ListedObject> = {}): ListedObject => ({
    key: "k",
    size: 10,
    storageClass,
    ...extra,
  });

  it("counts tasks, restores, harmless failures and unknown tiers per family", () => {
    const t: Partial<Record<BatchFamily, FamilyTally>> = {};
    for (const x of [
      o("GLACIER"),
      o("DEEP_ARCHIVE"),
      o("GLACIER", { restoreInProgress: true }),
      o("GLACIER", { restoreExpiry: new Date() }),
      o("INTELLIGENT_TIERING", { archiveStatus: "ARCHIVE_ACCESS" }),
      o("INTELLIGENT_TIERING", { archiveStatus: "" }),
      o("INTELLIGENT_TIERING"),
      o("STANDARD"),
    ])
      addToFamilies(t, x);
    expect(t.glacier).toEqual({
      tasks: 4,
      toRestore: { GLACIER: { objects: 1, bytes: 10 }, DEEP_ARCHIVE: { objects: 1, bytes: 10 } },
      expectedFailures: 1,
      unknownTier: 0,
      storageClasses: ["DEEP_ARCHIVE", "GLACIER"],
    });
    expect(t["intelligent-tiering"]).toEqual({
      tasks: 3,
      toRestore: { INTELLIGENT_TIERING_ARCHIVE: { objects: 1, bytes: 10 } },
      expectedFailures: 1,
      unknownTier: 1,
      storageClasses: ["INTELLIGENT_TIERING"],
    });
  });

  const tally = (tasks: number, expectedFailures: number, unknownTier = 0): FamilyTally => ({
    tasks,
    toRestore: {},
    expectedFailures,
    unknownTier,
    storageClasses: [],
  });
  it("warns only from 1,000 tasks and above half failing", () => {
    expect(failureRisk(tally(999, 999))).toBeUndefined();
    expect(failureRisk(tally(1000, 500))).toBeUndefined();
    expect(failureRisk(tally(1000, 501))).toMatch(/^501 of its 1000 tasks will fail/);
    expect(failureRisk(tally(1000, 300, 201))).toMatch(/^201 Intelligent-Tiering objects/);
    expect(failureRisk(tally(1000, 300, 200))).toBeUndefined();
  });
});

describe("accountOfRoleArn and parseReportsLocation", () => {
  it.each([
    ["arn:aws:iam::123456789012:role/x", "123456789012"],
    ["arn:aws-us-gov:iam::123456789012:role/path/x", "123456789012"],
    ["arn:aws:iam::123:role/x", undefined],
    ["arn:aws:iam::123456789012:user/x", undefined],
  ])("%s → %s", (arn, account) => expect(accountOfRoleArn(arn)).toBe(account));

  it.each([
    ["s3://gr-reports/batch/", { bucket: "gr-reports", prefix: "batch/" }],
    ["s3://gr-reports/batch", { bucket: "gr-reports", prefix: "batch/" }],
    ["s3://gr-reports/", { bucket: "gr-reports", prefix: "" }],
    ["gr-reports/batch/", undefined],
    ["s3://Bad_Bucket/x/", undefined],
  ])("%s", (text, location) => expect(parseReportsLocation(text)).toEqual(location));
});
