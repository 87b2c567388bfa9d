import { addToSummary, allReadable, emptySummary, stateOf, type ListedObject } from "../../core/dataset";

const o = (storageClass: string, extra: Partial<ListedObject> = {}): ListedObject => ({
  key: "k",
  size: 10,
  storageClass,
  ...extra,
});

describe("stateOf", () => {
  it.each([
    ["STANDARD", {}, "readable", false],
    ["GLACIER_IR", {}, "readable", false],
    ["STANDARD_IA", {}, "readable", false],
    ["GLACIER", {}, "archived", false],
    ["DEEP_ARCHIVE", {}, "archived", false],
    ["GLACIER", { restoreInProgress: true }, "restoring", false],
    ["DEEP_ARCHIVE", { restoreExpiry: new Date("2026-03-08T00:00:00Z") }, "readable", true],
    // A listing does not show the Intelligent-Tiering access tier: unknown, not guessed.
    ["INTELLIGENT_TIERING", {}, "unknown", false],
    ["INTELLIGENT_TIERING", { archiveStatus: "" }, "readable", false],
    ["INTELLIGENT_TIERING", { archiveStatus: "ARCHIVE_ACCESS" }, "archived", false],
    ["INTELLIGENT_TIERING", { archiveStatus: "DEEP_ARCHIVE_ACCESS", restoreInProgress: true }, "restoring", false],
  ] as const)("%s %j is %s", (cls, extra, state, restoredCopy) => {
    expect(stateOf(o(cls, extra))).toEqual({ state, restoredCopy });
  });
});

describe("summaries", () => {
  it("count objects and bytes per state and class, restored copies as part of readable", () => {
    const s = emptySummary("b", "p/");
    addToSummary(s, o("STANDARD", { size: 5 }));
    addToSummary(s, o("GLACIER", { size: 7 }));
    addToSummary(s, o("GLACIER", { size: 3, restoreExpiry: new Date("2026-03-09T00:00:00Z") }));
    addToSummary(s, o("DEEP_ARCHIVE", { size: 2, restoreExpiry: new Date("2026-03-08T00:00:00Z") }));
    addToSummary(s, o("INTELLIGENT_TIERING", { size: 1 }));
    expect(s).toEqual({
      location: { bucket: "b", prefix: "p/" },
      objects: 5,
      bytes: 18,
      states: {
        readable: { objects: 3, bytes: 10 },
        archived: { objects: 1, bytes: 7 },
        restoring: { objects: 0, bytes: 0 },
        unknown: { objects: 1, bytes: 1 },
        restored: { objects: 2, bytes: 5, earliestExpiry: "2026-03-08T00:00:00.000Z" },
      },
      storageClasses: {
        STANDARD: { objects: 1, bytes: 5 },
        GLACIER: { objects: 2, bytes: 10 },
        DEEP_ARCHIVE: { objects: 1, bytes: 2 },
        INTELLIGENT_TIERING: { objects: 1, bytes: 1 },
      },
      unknownReason:
        "Intelligent-Tiering objects: a listing does not show their access tier; --deep asks HeadObject for each of them",
    });
    expect(allReadable(s)).toBe(false);
    const done = emptySummary("b", "");
    addToSummary(done, o("GLACIER", { restoreExpiry: new Date() }));
    expect(allReadable(done)).toBe(true);
  });
});
