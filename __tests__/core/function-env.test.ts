import {
  DEFAULT_CLAIM_TTL_SECONDS,
  decodeDigestEnv,
  decodeFsxImportEnv,
  decodeRestoreEnv,
  decodeRouterEnv,
  encodeDigestEnv,
  encodeFsxImportEnv,
  encodeRestoreEnv,
  encodeRouterEnv,
  HandlerConfigError,
  parseWholeNumber,
  wholeNumberFromEnv,
  type RestoreFunctionConfig,
} from "../../core/function-env";
import type { FsxAssociation } from "../../core/fsx-import";
import type { Route } from "../../core/reader-logs";
import { TIERS } from "../../core/restore-rules";

/** A small deterministic generator (mulberry32): the same cases on every run, no dependency. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const maybe = (p = 0.5) => next() < p;
  // Keys S3 allows: Latin-1, spaces, Japanese, emoji, "=" and JSON's own characters.
  const pieces = ["raw", "cold data", "データ", "🧬", "é", "a=b", 'q"uote', "back\\slash", "x"];
  const prefix = () => (maybe(0.2) ? "" : `${Array.from({ length: int(1, 3) }, () => pick(pieces)).join("/")}/`);
  const name = () => `t${int(0, 99999)}`;
  return { int, pick, maybe, prefix, name };
}

/** A restore function configuration as the stack can produce it (what decode must give back exactly). */
function restoreConfig(g: ReturnType<typeof generator>): RestoreFunctionConfig {
  const claims = g.maybe(0.7);
  const directory = claims && g.maybe();
  const budget =
    claims && g.maybe()
      ? g.pick([
          { maxRestoresPerDay: g.int(1, 100_000) },
          { maxBytesPerDay: g.int(1, Number.MAX_SAFE_INTEGER) },
          { maxRestoresPerDay: g.int(1, 10), maxBytesPerDay: g.int(1, 2 ** 40) },
        ])
      : undefined;
  return {
    tier: g.pick(TIERS),
    days: g.pick([1, g.int(1, 30), g.int(1, 100_000)]),
    bucket: `bucket-${g.int(0, 999)}`,
    prefix: g.prefix(),
    ...(claims ? { claimTable: `glacier-restore-${g.name()}-claims` } : {}),
    // Without a claims table nothing writes the TTL: the function sees its default.
    claimTtlSeconds: claims ? g.int(60, 86_400) : DEFAULT_CLAIM_TTL_SECONDS,
    ...(g.maybe(0.9) ? { targetName: g.name() } : {}),
    ...(g.maybe()
      ? { notifyTopicArn: `arn:${g.pick(["aws", "aws-cn", "aws-us-gov"])}:sns:eu-west-1:123456789012:${g.name()}` }
      : {}),
    ...(directory
      ? { scope: "directory" as const, directory: { maxObjects: g.int(1, 10_000), maxBytes: g.int(1, 2 ** 45) } }
      : {}),
    ...(budget ? { budget, deferredQueueUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/${g.name()}` } : {}),
    ...(g.maybe(0.3) ? { mode: "observe" as const } : {}),
  };
}

describe("the restore function's environment contract", () => {
  const g = generator(23);
  const cases = Array.from({ length: 500 }, () => restoreConfig(g));

  it("decodes what the stack encodes back to the same configuration, for 500 generated targets", () => {
    for (const config of cases) expect(decodeRestoreEnv(encodeRestoreEnv(config))).toEqual(config);
  });

  it("re-encodes a decoded environment to the same variables, nothing added or lost", () => {
    for (const config of cases) {
      const env = encodeRestoreEnv(config);
      expect(encodeRestoreEnv(decodeRestoreEnv(env))).toEqual(env);
    }
  });

  it("covers every branch of the contract in the generated cases", () => {
    const seen = new Set(cases.flatMap((c) => Object.keys(encodeRestoreEnv(c))));
    expect([...seen].sort()).toEqual(
      [
        "BUDGET_MAX_BYTES_PER_DAY",
        "BUDGET_MAX_RESTORES_PER_DAY",
        "CLAIM_TABLE",
        "CLAIM_TTL_SECONDS",
        "DEFERRED_QUEUE_URL",
        "DIRECTORY_MAX_BYTES",
        "DIRECTORY_MAX_OBJECTS",
        "NOTIFY_TOPIC_ARN",
        "RESTORED_OBJECT_AVAILABILITY_DAYS",
        "RESTORE_MODE",
        "RESTORE_SCOPE",
        "RESTORE_TIER",
        "TARGET_BUCKET",
        "TARGET_NAME",
        "TARGET_PREFIX",
      ].sort(),
    );
  });

  it("writes the variables the functions have always read, in the order the stacks wrote them", () => {
    expect(
      encodeRestoreEnv({
        tier: "Bulk",
        days: 3,
        bucket: "b",
        prefix: "p/",
        targetName: "t",
        claimTable: "c",
        claimTtlSeconds: 900,
        notifyTopicArn: "arn:aws:sns:us-east-1:123456789012:n",
        scope: "directory",
        directory: { maxObjects: 50, maxBytes: 1024 },
        budget: { maxRestoresPerDay: 10, maxBytesPerDay: 2048 },
        deferredQueueUrl: "https://sqs/q",
        mode: "observe",
      }),
    ).toStrictEqual({
      RESTORE_TIER: "Bulk",
      RESTORED_OBJECT_AVAILABILITY_DAYS: "3",
      TARGET_BUCKET: "b",
      TARGET_PREFIX: "p/",
      TARGET_NAME: "t",
      CLAIM_TABLE: "c",
      CLAIM_TTL_SECONDS: "900",
      NOTIFY_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:n",
      RESTORE_SCOPE: "directory",
      DIRECTORY_MAX_OBJECTS: "50",
      DIRECTORY_MAX_BYTES: "1024",
      BUDGET_MAX_RESTORES_PER_DAY: "10",
      BUDGET_MAX_BYTES_PER_DAY: "2048",
      DEFERRED_QUEUE_URL: "https://sqs/q",
      RESTORE_MODE: "observe",
    });
  });

  it("writes only what differs from object scope, no budget, restore mode", () => {
    expect(
      encodeRestoreEnv({ tier: "Standard", days: 1, bucket: "b", prefix: "", claimTtlSeconds: 900, mode: "restore" }),
    ).toStrictEqual({
      RESTORE_TIER: "Standard",
      RESTORED_OBJECT_AVAILABILITY_DAYS: "1",
      TARGET_BUCKET: "b",
      TARGET_PREFIX: "",
    });
  });
});

describe("the other functions' environment contracts", () => {
  const g = generator(4);
  it("round-trips the router's routes, whatever characters their prefixes hold", () => {
    for (let i = 0; i < 200; i++) {
      const routes: Route[] = Array.from({ length: g.int(1, 4) }, () => ({
        target: g.name(),
        functionName: `glacier-restore-${g.name()}`,
        bucket: `bucket-${g.int(0, 9)}`,
        prefix: g.prefix(),
        ...(g.maybe() ? { readers: [`fs-0${g.int(100000000, 999999999)}`] } : {}),
      }));
      const config = { source: g.pick(["fsx-logs", "file-gateway-logs"] as const), routes };
      expect(decodeRouterEnv(encodeRouterEnv(config))).toEqual(config);
    }
  });

  it("round-trips the FSx import function's associations", () => {
    for (let i = 0; i < 200; i++) {
      const associations: FsxAssociation[] = Array.from({ length: g.int(1, 3) }, () => ({
        fileSystemId: `fs-0${g.int(10000000, 99999999)}abc`,
        fileSystemPath: g.pick(["/", "/ns1/", "/data/raw"]),
        dataRepositoryPath: `s3://bucket-${g.int(0, 9)}/${g.prefix()}`,
      }));
      expect(decodeFsxImportEnv(encodeFsxImportEnv(associations))).toEqual(associations);
    }
  });

  it("round-trips the digest function's settings", () => {
    for (let i = 0; i < 100; i++) {
      const config = {
        queueUrl: `https://sqs/${g.name()}`,
        topicArn: `arn:aws:sns:us-east-1:123456789012:${g.name()}`,
        target: g.name(),
        windowMinutes: g.int(1, 1440),
      };
      expect(decodeDigestEnv(encodeDigestEnv(config))).toEqual(config);
    }
  });

  it("refuses a wrong digest window, naming the variable", () => {
    const env = encodeDigestEnv({ queueUrl: "q", topicArn: "t", target: "x", windowMinutes: 5 });
    expect(() => decodeDigestEnv({ ...env, DIGEST_WINDOW_MINUTES: "0" })).toThrow(
      'DIGEST_WINDOW_MINUTES must be a whole number of minutes, at least 1; got "0"',
    );
    expect(() => decodeDigestEnv({ ...env, DIGEST_QUEUE_URL: "" })).toThrow(
      "DIGEST_QUEUE_URL must be set for the digest function",
    );
  });

  it("fails every function's configuration with the one error class", () => {
    for (const decode of [decodeRestoreEnv, decodeRouterEnv, decodeFsxImportEnv, decodeDigestEnv])
      expect(() => decode({})).toThrow(HandlerConfigError);
  });
});

describe("parseWholeNumber", () => {
  it.each([
    ["1", 1],
    ["86400", 86400],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])("accepts %j", (text, n) => expect(parseWholeNumber(text, 1)).toBe(n));

  it.each([
    undefined,
    "",
    " 7",
    "07",
    "7.0",
    "1e3",
    "0x10",
    "2.5",
    "-1",
    "0",
    "99999999999999999999",
    "Infinity",
    "NaN",
  ])("refuses %j (canonical decimal whole numbers from min only)", (text) =>
    expect(parseWholeNumber(text, 1)).toBeUndefined(),
  );

  it("keeps to the range it is given", () => {
    expect(parseWholeNumber("59", 60, 86_400)).toBeUndefined();
    expect(parseWholeNumber("86401", 60, 86_400)).toBeUndefined();
    expect(parseWholeNumber("0", 0)).toBe(0);
  });

  it("names the variable, its unit, its range and what it got", () => {
    expect(() => wholeNumberFromEnv({ X: "7 days" }, "X", { min: 1, unit: "days" })).toThrow(
      'X must be a whole number of days, at least 1; got "7 days"',
    );
    expect(() => wholeNumberFromEnv({}, "X", { min: 60, max: 120 })).toThrow(
      "X must be a whole number from 60 to 120; got nothing",
    );
  });
});
