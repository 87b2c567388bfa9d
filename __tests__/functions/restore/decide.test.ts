import {
  archiveOf,
  classifyEvent,
  keyForms,
  expectedReadyHours,
  planRestore,
  restoreStateOf,
} from "../../../functions/restore/decide";
import { s3ApiCallEvent } from "../../../testing/fixtures/cloudtrail-events";

const scope = { bucket: "fsx4l-store", prefix: "raw/" };

describe("classifyEvent", () => {
  it("acts on a failed GetObject of an archived object in scope", () => {
    const verdict = classifyEvent(s3ApiCallEvent(), scope);
    expect(verdict).toEqual({
      act: true,
      read: { bucket: "fsx4l-store", keys: ["raw/run-42/sample.bam"], eventId: expect.stringMatching(/^b1c2d3e4-/) },
    });
  });

  it("keeps the version the reader asked for", () => {
    const verdict = classifyEvent(s3ApiCallEvent({ versionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" }), scope);
    expect(verdict.act && verdict.read.versionId).toBe("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
  });

  it.each([
    ["a successful read", { errorCode: null }, "not-invalid-object-state"],
    ["an AccessDenied read", { errorCode: "AccessDenied" }, "not-invalid-object-state"],
    ["a HeadObject", { eventName: "HeadObject" }, "not-getobject"],
    ["another bucket", { bucket: "other-bucket" }, "other-bucket"],
    ["a key outside the prefix", { key: "reference/hg38.fa" }, "outside-prefix"],
    ["a key that only shares the prefix's start", { key: "raw-old/x" }, "outside-prefix"],
  ])("ignores %s", (_label, options, reason) => {
    expect(classifyEvent(s3ApiCallEvent(options), scope)).toMatchObject({ act: false, reason });
  });

  it.each([
    ["null", null],
    ["a string", "GetObject"],
    ["an event without detail", { source: "aws.s3" }],
    [
      "an event without a key",
      { ...s3ApiCallEvent(), detail: { ...s3ApiCallEvent().detail, requestParameters: { bucketName: "fsx4l-store" } } },
    ],
  ])("ignores %s as malformed", (_label, event) => {
    expect(classifyEvent(event, scope)).toMatchObject({ act: false, reason: "malformed-event" });
  });

  it("ignores events from other services", () => {
    const event = { ...s3ApiCallEvent(), source: "aws.ec2" };
    expect(classifyEvent(event, scope)).toMatchObject({ act: false, reason: "not-cloudtrail-s3" });
  });

  it("acts on every key when the prefix is empty", () => {
    expect(classifyEvent(s3ApiCallEvent({ key: "anything" }), { bucket: "fsx4l-store", prefix: "" }).act).toBe(true);
  });

  it.each([
    ["raw/with space.txt", ["raw/with space.txt"]],
    ["raw/ünïcødé/数据.h5", ["raw/ünïcødé/数据.h5"]],
    ["raw/a+b.txt", ["raw/a+b.txt", "raw/a b.txt"]],
    ["raw/100%25.txt", ["raw/100%25.txt", "raw/100%.txt"]],
    ["raw/50%.txt", ["raw/50%.txt"]],
  ])("tries key %j as logged first, then decoded when that differs", (key, keys) => {
    const verdict = classifyEvent(s3ApiCallEvent({ key }), scope);
    expect(verdict.act && verdict.read.keys).toEqual(keys);
  });

  it("does not try a decoded key that falls outside the prefix", () => {
    const verdict = classifyEvent(s3ApiCallEvent({ key: "raw%2Fx" }), { bucket: "fsx4l-store", prefix: "raw%" });
    expect(verdict.act && verdict.read.keys).toEqual(["raw%2Fx"]);
  });
});

describe("keyForms", () => {
  it("gives only the logged form for keys without escapes or with invalid escapes", () => {
    expect(keyForms("plain/key")).toStrictEqual(["plain/key"]);
    expect(keyForms("bad%zzescape")).toStrictEqual(["bad%zzescape"]);
    expect(keyForms("a+b")).toStrictEqual(["a+b", "a b"]);
  });
});

describe("restoreStateOf", () => {
  it.each([
    [undefined, "none"],
    ['ongoing-request="true"', "ongoing"],
    ['ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"', "restored"],
    ["garbage", "none"],
  ])("reads %j as %s", (header, state) => {
    expect(restoreStateOf(header)).toBe(state);
  });
});

describe("archiveOf", () => {
  it.each([
    [{ storageClass: "GLACIER" }, "GLACIER"],
    [{ storageClass: "DEEP_ARCHIVE" }, "DEEP_ARCHIVE"],
    [{ storageClass: "INTELLIGENT_TIERING", archiveStatus: "ARCHIVE_ACCESS" }, "INTELLIGENT_TIERING_ARCHIVE"],
    [{ storageClass: "INTELLIGENT_TIERING", archiveStatus: "DEEP_ARCHIVE_ACCESS" }, "INTELLIGENT_TIERING_DEEP_ARCHIVE"],
    [{ storageClass: "INTELLIGENT_TIERING" }, undefined],
    [{}, undefined],
    [{ storageClass: "STANDARD_IA" }, undefined],
    [{ storageClass: "ONEZONE_IA" }, undefined],
    [{ storageClass: "GLACIER_IR" }, undefined],
  ])("classifies %j as %s", (facts, archive) => {
    expect(archiveOf(facts)).toBe(archive);
  });
});

describe("planRestore", () => {
  const standard = { tier: "Standard" as const, days: 7 };
  const expedited = { tier: "Expedited" as const, days: 1 };

  it("restores Glacier Flexible Retrieval with the configured tier and days", () => {
    expect(planRestore({ storageClass: "GLACIER" }, expedited)).toEqual({
      restore: true,
      plan: { archive: "GLACIER", tier: "Expedited", days: 1 },
    });
  });

  it("uses Standard for Deep Archive when Expedited is configured", () => {
    expect(planRestore({ storageClass: "DEEP_ARCHIVE" }, expedited)).toEqual({
      restore: true,
      plan: { archive: "DEEP_ARCHIVE", tier: "Standard", days: 1, requestedTier: "Expedited" },
    });
  });

  it("keeps Bulk for Deep Archive", () => {
    expect(planRestore({ storageClass: "DEEP_ARCHIVE" }, { tier: "Bulk", days: 3 })).toMatchObject({
      plan: { tier: "Bulk", days: 3 },
    });
  });

  it("sends no Days for Intelligent-Tiering archive tiers", () => {
    const plan = planRestore({ storageClass: "INTELLIGENT_TIERING", archiveStatus: "ARCHIVE_ACCESS" }, expedited);
    expect(plan).toEqual({ restore: true, plan: { archive: "INTELLIGENT_TIERING_ARCHIVE", tier: "Expedited" } });
    const deep = planRestore({ storageClass: "INTELLIGENT_TIERING", archiveStatus: "DEEP_ARCHIVE_ACCESS" }, expedited);
    expect(deep).toEqual({
      restore: true,
      plan: { archive: "INTELLIGENT_TIERING_DEEP_ARCHIVE", tier: "Standard", requestedTier: "Expedited" },
    });
  });

  it.each([
    [{ storageClass: "GLACIER", restore: 'ongoing-request="true"' }, "restore-in-progress"],
    [
      { storageClass: "GLACIER", restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"' },
      "already-restored",
    ],
    [{}, "not-archived"],
    [{ storageClass: "GLACIER_IR" }, "not-archived"],
    [{ storageClass: "INTELLIGENT_TIERING", archiveStatus: undefined }, "not-archived"],
    [
      { storageClass: "INTELLIGENT_TIERING", archiveStatus: "ARCHIVE_ACCESS", restore: 'ongoing-request="true"' },
      "restore-in-progress",
    ],
  ])("skips %j: %s", (facts, reason) => {
    expect(planRestore(facts, standard)).toEqual({ restore: false, reason });
  });
});

describe("expectedReadyHours", () => {
  it("follows S3's published retrieval times", () => {
    expect(expectedReadyHours("GLACIER", "Expedited").max).toBeCloseTo(5 / 60);
    expect(expectedReadyHours("GLACIER", "Standard")).toEqual({ min: 3, max: 5 });
    expect(expectedReadyHours("DEEP_ARCHIVE", "Standard")).toEqual({ min: 12, max: 12 });
    expect(expectedReadyHours("DEEP_ARCHIVE", "Bulk")).toEqual({ min: 48, max: 48 });
    expect(expectedReadyHours("GLACIER", "Bulk")).toEqual({ min: 5, max: 12 });
  });
});

describe("classifyEvent details", () => {
  const base = () => s3ApiCallEvent();
  const withParams = (params: Record<string, unknown>) => {
    const e = base();
    e.detail.requestParameters = params;
    return e;
  };

  it("returns exactly the fields it found, with no empty ones", () => {
    const e = base();
    expect(classifyEvent(e, scope)).toStrictEqual({
      act: true,
      read: { bucket: "fsx4l-store", keys: ["raw/run-42/sample.bam"], eventId: e.detail.eventID },
    });
  });

  it.each([
    ["an empty versionId", ""],
    ["a non-string versionId", 42],
  ])("drops %s", (_l, versionId) => {
    const verdict = classifyEvent(withParams({ bucketName: "fsx4l-store", key: "raw/x", versionId }), scope);
    expect(verdict.act && Object.keys(verdict.read)).toEqual(["bucket", "keys", "eventId"]);
  });

  it("falls back to the EventBridge event id, and to none", () => {
    const e = base();
    delete e.detail.eventID;
    expect(classifyEvent(e, scope)).toMatchObject({ read: { eventId: e.id } });
    e.detail.eventID = 7;
    expect(classifyEvent(e, scope)).toMatchObject({ read: { eventId: e.id } });
    delete e.id;
    delete e.detail.eventID;
    const verdict = classifyEvent(e, scope);
    expect(verdict.act && "eventId" in verdict.read).toBe(false);
  });

  it.each([
    ["no bucketName", { key: "raw/x" }],
    ["a numeric key", { bucketName: "fsx4l-store", key: 5 }],
    ["an empty key", { bucketName: "fsx4l-store", key: "" }],
    ["a numeric bucketName", { bucketName: 5, key: "raw/x" }],
  ])("treats %s as malformed", (_l, params) => {
    expect(classifyEvent(withParams(params), scope)).toStrictEqual({
      act: false,
      reason: "malformed-event",
      detail: "requestParameters.bucketName/key missing",
    });
  });

  it("treats requestParameters that are not an object as malformed", () => {
    const e = base();
    e.detail.requestParameters = "bucket";
    expect(classifyEvent(e, scope)).toMatchObject({ reason: "malformed-event" });
  });

  it("explains each ignored event", () => {
    expect(classifyEvent(null, scope)).toStrictEqual({
      act: false,
      reason: "malformed-event",
      detail: "no detail object",
    });
    expect(classifyEvent({ ...base(), source: "aws.ec2" }, scope)).toStrictEqual({
      act: false,
      reason: "not-cloudtrail-s3",
      detail: "source aws.ec2",
    });
    const otherService = base();
    otherService.detail.eventSource = "s3-outposts.amazonaws.com";
    expect(classifyEvent(otherService, scope)).toMatchObject({ act: false, reason: "not-cloudtrail-s3" });
    expect(classifyEvent(s3ApiCallEvent({ errorCode: null }), scope)).toStrictEqual({
      act: false,
      reason: "not-invalid-object-state",
      detail: "no errorCode",
    });
    expect(classifyEvent(s3ApiCallEvent({ errorCode: "NoSuchKey" }), scope)).toMatchObject({ detail: "NoSuchKey" });
  });
});

describe("expectedReadyHours details", () => {
  it("treats Intelligent-Tiering Deep Archive Access like Deep Archive", () => {
    expect(expectedReadyHours("INTELLIGENT_TIERING_DEEP_ARCHIVE", "Standard")).toEqual({ min: 12, max: 12 });
    expect(expectedReadyHours("INTELLIGENT_TIERING_ARCHIVE", "Standard")).toEqual({ min: 3, max: 5 });
    expect(expectedReadyHours("GLACIER", "Expedited")).toEqual({ min: 1 / 60, max: 5 / 60 });
  });
});
