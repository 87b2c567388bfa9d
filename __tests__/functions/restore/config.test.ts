import { configFromEnv, HandlerConfigError } from "../../../functions/restore/config";

const good = { RESTORE_TIER: "Bulk", RESTORED_OBJECT_AVAILABILITY_DAYS: "3", TARGET_BUCKET: "b", TARGET_PREFIX: "p/" };

describe("configFromEnv", () => {
  it("reads the function's environment", () => {
    expect(configFromEnv(good)).toEqual({ tier: "Bulk", days: 3, bucket: "b", prefix: "p/", claimTtlSeconds: 900 });
    expect(configFromEnv({ ...good, CLAIM_TABLE: "t", CLAIM_TTL_SECONDS: "120" })).toMatchObject({
      claimTable: "t",
      claimTtlSeconds: 120,
    });
    expect(configFromEnv({ ...good, TARGET_PREFIX: undefined }).prefix).toBe("");
    expect(configFromEnv({ ...good, RESTORED_OBJECT_AVAILABILITY_DAYS: "1" }).days).toBe(1);
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

describe("configFromEnv edges", () => {
  it.each(["", " 7", "07", "7.0", "1e3", "99999999999999999999", "-1"])(
    "rejects RESTORED_OBJECT_AVAILABILITY_DAYS=%j",
    (value) => {
      expect(() => configFromEnv({ ...good, RESTORED_OBJECT_AVAILABILITY_DAYS: value })).toThrow(
        `RESTORED_OBJECT_AVAILABILITY_DAYS must be a whole number of days, at least 1; got ${JSON.stringify(value)}`,
      );
    },
  );

  it("says when a variable is missing altogether, with a named error", () => {
    const error = (() => {
      try {
        configFromEnv({ ...good, RESTORED_OBJECT_AVAILABILITY_DAYS: undefined });
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a failure");
    })();
    expect(error.message).toBe(
      "RESTORED_OBJECT_AVAILABILITY_DAYS must be a whole number of days, at least 1; got nothing",
    );
    expect(error.name).toBe("HandlerConfigError");
  });

  it.each([
    ["60", 60],
    ["86400", 86400],
  ])("accepts CLAIM_TTL_SECONDS=%s at the bounds", (value, seconds) => {
    expect(configFromEnv({ ...good, CLAIM_TTL_SECONDS: value }).claimTtlSeconds).toBe(seconds);
  });

  it.each(["59", "86401", "090", "60 "])("rejects CLAIM_TTL_SECONDS=%j", (value) => {
    expect(() => configFromEnv({ ...good, CLAIM_TTL_SECONDS: value })).toThrow(`got ${JSON.stringify(value)}`);
  });
});
