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

describe("configFromEnv restore policy", () => {
  const claims = { ...good, CLAIM_TABLE: "t" };
  it("reads scope, limits, budget and mode, and leaves them out when unset", () => {
    expect(configFromEnv(good)).not.toHaveProperty("scope");
    expect(
      configFromEnv({
        ...claims,
        RESTORE_SCOPE: "directory",
        DIRECTORY_MAX_OBJECTS: "50",
        BUDGET_MAX_RESTORES_PER_DAY: "100",
        BUDGET_MAX_BYTES_PER_DAY: "5000000000",
        DEFERRED_QUEUE_URL: "https://sqs/q",
        RESTORE_MODE: "observe",
      }),
    ).toMatchObject({
      scope: "directory",
      directory: { maxObjects: 50, maxBytes: 1024 ** 4 },
      budget: { maxRestoresPerDay: 100, maxBytesPerDay: 5e9 },
      deferredQueueUrl: "https://sqs/q",
      mode: "observe",
    });
  });

  it.each([
    [{ RESTORE_SCOPE: "bucket" }, 'RESTORE_SCOPE must be object or directory; got "bucket"'],
    [{ RESTORE_MODE: "dry" }, 'RESTORE_MODE must be restore or observe; got "dry"'],
    [{ RESTORE_SCOPE: "directory", DIRECTORY_MAX_OBJECTS: "0" }, "DIRECTORY_MAX_OBJECTS must be a whole number"],
    [{ BUDGET_MAX_RESTORES_PER_DAY: "10" }, "needs DEFERRED_QUEUE_URL and CLAIM_TABLE"],
    [{ BUDGET_MAX_BYTES_PER_DAY: "1.5", DEFERRED_QUEUE_URL: "q" }, "BUDGET_MAX_BYTES_PER_DAY must be a whole number"],
  ])("rejects %j naming the variable", (patch, message) => {
    expect(() => configFromEnv({ ...claims, ...patch })).toThrow(message);
  });

  it("refuses a budget or a directory scope without the claims table", () => {
    expect(() =>
      configFromEnv({ ...good, BUDGET_MAX_RESTORES_PER_DAY: "1", DEFERRED_QUEUE_URL: "https://sqs/q" }),
    ).toThrow("needs DEFERRED_QUEUE_URL and CLAIM_TABLE");
    expect(() => configFromEnv({ ...good, RESTORE_SCOPE: "directory" })).toThrow(
      "RESTORE_SCOPE directory needs CLAIM_TABLE",
    );
  });
});
