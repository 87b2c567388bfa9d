import { configFromEnv, HandlerConfigError } from "../../handler/config";

const good = { RESTORE_TIER: "Bulk", RESTORED_OBJECT_AVAILABILITY_DAYS: "3", TARGET_BUCKET: "b", TARGET_PREFIX: "p/" };

describe("configFromEnv", () => {
  it("reads the function's environment", () => {
    expect(configFromEnv(good)).toEqual({ tier: "Bulk", days: 3, bucket: "b", prefix: "p/", claimTtlSeconds: 900 });
    expect(configFromEnv({ ...good, CLAIM_TABLE: "t", CLAIM_TTL_SECONDS: "120" })).toMatchObject({
      claimTable: "t",
      claimTtlSeconds: 120,
    });
    expect(configFromEnv({ ...good, TARGET_PREFIX: undefined }).prefix).toBe("");
  });

  it.each([
    [{ RESTORE_TIER: "fast" }, 'RESTORE_TIER must be one of Expedited, Standard, Bulk; got "fast"'],
    [{ RESTORE_TIER: undefined }, "RESTORE_TIER must be one of Expedited, Standard, Bulk; got nothing"],
    [
      { RESTORED_OBJECT_AVAILABILITY_DAYS: "0" },
      'RESTORED_OBJECT_AVAILABILITY_DAYS must be a whole number of days, at least 1; got "0"',
    ],
    [{ RESTORED_OBJECT_AVAILABILITY_DAYS: "2.5" }, "RESTORED_OBJECT_AVAILABILITY_DAYS must be a whole number"],
    [{ RESTORED_OBJECT_AVAILABILITY_DAYS: "7 days" }, "RESTORED_OBJECT_AVAILABILITY_DAYS must be a whole number"],
    [{ TARGET_BUCKET: "" }, "TARGET_BUCKET must name the bucket"],
  ])("rejects %j naming the variable", (patch, message) => {
    expect(() => configFromEnv({ ...good, ...patch })).toThrow(HandlerConfigError);
    expect(() => configFromEnv({ ...good, ...patch })).toThrow(message);
  });
});

describe("configFromEnv claim settings", () => {
  it.each(["30", "100000", "ten"])("rejects CLAIM_TTL_SECONDS=%s", (value) => {
    expect(() => configFromEnv({ ...good, CLAIM_TTL_SECONDS: value })).toThrow(
      "CLAIM_TTL_SECONDS must be a whole number from 60 to 86400",
    );
  });
});
