import type { ListedObject } from "../../core/dataset";
import {
  budgetCounterKey,
  budgetDay,
  budgetItemExpiry,
  budgetNoticeKey,
  directoryClaimKey,
  directoryOf,
  planDirectory,
} from "../../core/restore-policy";

const o = (key: string, storageClass: string, size = 10, extra: Partial<ListedObject> = {}): ListedObject => ({
  key,
  size,
  storageClass,
  ...extra,
});

describe("directoryOf", () => {
  it.each([
    ["raw/a/b/c.nc", "raw/", "raw/a/b/"],
    ["raw/c.nc", "raw/", "raw/"],
    ["raw/c.nc", "", "raw/"],
    ["c.nc", "", ""],
    // Never above the target's prefix, even when the prefix is not a directory.
    ["rawfile.nc", "raw", "raw"],
    ["runs-old/x.nc", "runs", "runs-old/"],
  ])("%s under %j → %j", (key, prefix, dir) => expect(directoryOf(key, prefix)).toBe(dir));
});

describe("planDirectory", () => {
  const request = { tier: "Expedited" as const, days: 3 };
  const limits = { maxObjects: 10, maxBytes: 1000 };

  it("restores only archived objects with no restore running and no copy, never the missed one", () => {
    const plan = planDirectory(
      [
        o("d/missed.nc", "GLACIER"),
        o("d/g.nc", "GLACIER"),
        o("d/deep.nc", "DEEP_ARCHIVE"),
        o("d/it.nc", "INTELLIGENT_TIERING", 10, { archiveStatus: "DEEP_ARCHIVE_ACCESS" }),
        o("d/it-hot.nc", "INTELLIGENT_TIERING", 10, { archiveStatus: "" }),
        o("d/it-unknown.nc", "INTELLIGENT_TIERING"),
        o("d/running.nc", "GLACIER", 10, { restoreInProgress: true }),
        o("d/copy.nc", "GLACIER", 10, { restoreExpiry: new Date() }),
        o("d/std.txt", "STANDARD"),
      ],
      ["d/missed.nc"],
      limits,
      request,
    );
    expect(plan).toEqual({
      capReached: false,
      bytes: 30,
      restores: [
        { key: "d/g.nc", size: 10, archive: "GLACIER", tier: "Expedited", days: 3 },
        // Deep Archive has no Expedited; Intelligent-Tiering restores take no days.
        { key: "d/deep.nc", size: 10, archive: "DEEP_ARCHIVE", tier: "Standard", days: 3 },
        { key: "d/it.nc", size: 10, archive: "INTELLIGENT_TIERING_DEEP_ARCHIVE", tier: "Standard" },
      ],
    });
  });

  it("restores nothing beyond either limit, saying which", () => {
    const many = Array.from({ length: 11 }, (_, i) => o(`d/${i}.nc`, "GLACIER"));
    expect(planDirectory(many.slice(0, 10), [], limits, request)).toMatchObject({ capReached: false });
    expect(planDirectory(many, [], limits, request)).toEqual({
      capReached: true,
      limit: "maxObjects",
      objects: 11,
      bytes: 110,
    });
    expect(planDirectory([o("d/a", "GLACIER", 600), o("d/b", "GLACIER", 400)], [], limits, request)).toMatchObject({
      capReached: false,
      bytes: 1000,
    });
    expect(planDirectory([o("d/a", "GLACIER", 600), o("d/b", "GLACIER", 401)], [], limits, request)).toEqual({
      capReached: true,
      limit: "maxBytes",
      objects: 2,
      bytes: 1001,
    });
  });
});

describe("budget keys", () => {
  it("counts per UTC day and expires two days after the day ends", () => {
    const day = budgetDay(Date.parse("2026-11-28T23:59:59.999Z"));
    expect(day).toBe("2026-11-28");
    expect(budgetDay(Date.parse("2026-11-29T00:00:00Z"))).toBe("2026-11-29");
    expect(budgetCounterKey(day)).toBe("budget#2026-11-28");
    expect(budgetNoticeKey(day)).toBe("budget-notice#2026-11-28");
    expect(budgetItemExpiry(day)).toBe(Date.parse("2026-12-01T00:00:00Z") / 1000);
    expect(directoryClaimKey("b", "raw/x/")).toBe("dir#b/raw/x/");
  });
});
