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
        ExpectedBucketOwner: "123456789012",
        Prefix: "batch/reports",
        Format: "Report_CSV_20180820",
        ReportScope: "AllTasks",
      },
    });
    expect(r.ManifestGenerator.S3JobManifestGenerator).toEqual({
      ExpectedBucketOwner: "123456789012",
      SourceBucket: "arn:aws:s3:::fsx4l-store",
      EnableManifestOutput: true,
      ManifestOutputLocation: {
        ExpectedManifestBucketOwner: "123456789012",
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

  /** Tallies objects in the order given, as the listing feeds them. */
  const feed = (...runs: [number, ListedObject][]) => {
    const t: Partial<Record<BatchFamily, FamilyTally>> = {};
    for (const [count, x] of runs) for (let i = 0; i < count; i++) addToFamilies(t, x);
    return t;
  };
  const archived = o("GLACIER");
  const restoring = o("GLACIER", { restoreInProgress: true });
  const glacierRisk = (...runs: [number, ListedObject][]) => failureRisk(feed(...runs).glacier!);

  it("warns only from 1,000 tasks and above half failing", () => {
    expect(glacierRisk([999, restoring])).toBeUndefined();
    expect(glacierRisk([500, restoring], [500, archived])).toBeUndefined();
    expect(glacierRisk([501, restoring], [499, archived])).toMatch(/^501 of its 1000 tasks will fail/);
  });

  it("warns when the failures come first, though most of the job succeeds", () => {
    // 30 % of the whole job fails, but S3 judges the tasks run so far: 600 of the first 1,000 is 60 %.
    const t = feed([600, restoring], [1400, archived]).glacier!;
    expect(t.worstWindow).toEqual({ tasks: 1000, failures: 600 });
    expect(failureRisk(t)).toMatch(/^600 of the first 1000 tasks in listing order will fail/);
    expect(glacierRisk([499, archived], [501, restoring], [10_000, archived])).toMatch(
      /^501 of the first 1000 tasks in listing order will fail/,
    );
    // The same tasks with the failures last never pass 50 % in listing order, but S3 runs tasks in no
    // guaranteed order ("Tracking job failure"): more than 500 failures may run first, so it still warns.
    expect(glacierRisk([1400, archived], [600, restoring])).toMatch(
      /^600 of its 2000 tasks will fail .* no guaranteed order .* may fail/,
    );
    expect(glacierRisk([100_000, archived], [501, restoring])).toMatch(/^501 of its 100501 tasks will fail/);
    // At most 500 failures cannot pass half of the first 1,000 tasks, whatever the order.
    expect(glacierRisk([1400, archived], [500, restoring])).toBeUndefined();
  });

  it("warns about Intelligent-Tiering objects of unknown tier by the same windows", () => {
    const unknown = o("INTELLIGENT_TIERING");
    const notArchived = o("INTELLIGENT_TIERING", { archiveStatus: "" });
    const itArchived = o("INTELLIGENT_TIERING", { archiveStatus: "ARCHIVE_ACCESS" });
    const itRisk = (...runs: [number, ListedObject][]) => failureRisk(feed(...runs)["intelligent-tiering"]!);
    expect(itRisk([300, notArchived], [201, unknown], [499, itArchived])).toMatch(
      /^201 Intelligent-Tiering objects .* if they are not archived, 501 of its 1000 tasks fail/,
    );
    expect(itRisk([300, notArchived], [200, unknown], [500, itArchived])).toBeUndefined();
    expect(itRisk([700, unknown], [2000, itArchived])).toMatch(
      /^700 Intelligent-Tiering objects .* 700 of the first 1000 tasks in listing order fail/,
    );
    // Unknown tiers last in listing order: no window passes half, but S3 runs tasks in no guaranteed order
    // ("Tracking job failure"), so more than 500 possible failures still warn.
    expect(itRisk([2000, itArchived], [501, unknown])).toMatch(
      /^501 Intelligent-Tiering objects .* 501 of its 2501 tasks fail, .* no guaranteed order/,
    );
    expect(itRisk([2000, itArchived], [500, unknown])).toBeUndefined();
  });

  it("without listing order (a fanned-out listing) keeps no windows and judges the totals", () => {
    const t: Partial<Record<BatchFamily, FamilyTally>> = {};
    for (let i = 0; i < 600; i++) addToFamilies(t, restoring, false);
    for (let i = 0; i < 1400; i++) addToFamilies(t, archived, false);
    expect(t.glacier!.worstWindow).toBeUndefined();
    expect(failureRisk(t.glacier!)).toMatch(/^600 of its 2000 tasks will fail .* no guaranteed order/);
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
