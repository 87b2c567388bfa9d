import { ConfigError, MAX_TRAILS_PER_REGION, resolveConfig } from "../../config/resolve";
import { exampleConfig } from "../support/config";

function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error("expected the configuration to be rejected");
}

function withTarget(patch: Record<string, unknown>, index = 0) {
  const c = exampleConfig();
  c.targets[index] = { ...c.targets[index], ...patch };
  return c;
}

describe("resolveConfig", () => {
  it("applies defaults to targets and keeps target overrides", () => {
    const config = resolveConfig(exampleConfig());
    const [raw, ref] = config.targets;
    expect(raw).toMatchObject({
      name: "genomics-raw",
      restoreTier: "Expedited",
      restoreDays: 1,
      region: "us-east-1",
      tags: { team: "hpc" },
    });
    expect(ref).toMatchObject({ name: "genomics-ref", restoreTier: "Standard", restoreDays: 7, prefix: "reference/" });
    expect(ref!.trail).toEqual({
      mode: "dedicated",
      cloudWatchLogs: true,
      cloudWatchLogsRetentionDays: 30,
      logExpirationDays: 90,
      readerArnPrefixes: [],
    });
    expect(ref!.function).toEqual({
      memoryMb: 256,
      timeoutSeconds: 60,
      logRetentionDays: 30,
      claims: true,
      claimTtlSeconds: 900,
    });
    expect(config.stateBackend).toMatchObject({ locking: "lockfile", keyPrefix: "glacier-restore" });
    expect(config.sharedTrails).toEqual([]);
  });

  it("merges target tags over default tags", () => {
    const config = resolveConfig(withTarget({ tags: { team: "bio", cost: "42" } }));
    expect(config.targets[0]!.tags).toEqual({ team: "bio", cost: "42" });
  });

  it.each([
    [
      { restoreTier: "Fast" },
      'targets[0].restoreTier: invalid restore tier "Fast"; allowed: Expedited, Standard, Bulk',
    ],
    [{ restoreDays: 0 }, "targets[0].restoreDays: must be at least 1 (days)"],
    [{ restoreDays: 1.5 }, "targets[0].restoreDays: must be a whole number of days"],
    [{ bucket: "Bad_Bucket" }, 'targets[0].bucket: "Bad_Bucket" is not a valid S3 bucket name'],
    [{ bucket: "192.168.1.1" }, "must not be formatted as an IP address"],
    [{ bucket: "ab" }, "must be 3 to 63 characters long"],
    [{ name: "Genomics" }, "targets[0].name: must start with a lowercase letter"],
    [{ name: "raw--x" }, "targets[0].name: must start with a lowercase letter"],
    [{ name: "ends-" }, "targets[0].name: must start with a lowercase letter"],
    [{ prefix: "/raw/" }, 'targets[0].prefix: must not start with "/"'],
    [{ prefix: "raw/*" }, "targets[0].prefix: is a literal key prefix"],
    [{ region: "mars-1" }, "targets[0].region: must be an AWS region code"],
    [{ colour: "blue" }, 'targets[0]: unknown key "colour"'],
    [{ function: { memoryMb: 64 } }, "targets[0].function.memoryMb"],
    [
      { function: { logRetentionDays: 10 } },
      "targets[0].function.logRetentionDays: must be one of the CloudWatch Logs retention periods",
    ],
    [
      { trail: { mode: "mine" } },
      'targets[0].trail.mode: invalid trail mode "mine"; allowed: dedicated, shared, existing',
    ],
    [{ trail: { mode: "existing" } }, 'targets[0].trail.existingTrailArn: is required when trail.mode is "existing"'],
    [
      { trail: { readerArnPrefixes: ["AWSServiceRoleForFSxS3Access_"] } },
      "targets[0].trail.readerArnPrefixes[0]: must start with arn:aws:sts::<account>:",
    ],
    [{ assumeRole: { roleArn: "role/deployer" } }, "targets[0].assumeRole.roleArn: must be an IAM role ARN"],
  ])("rejects target %j naming the field", (patch, message) => {
    const problems = problemsOf(withTarget(patch));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it("rejects a missing state bucket", () => {
    const c = exampleConfig();
    delete c.stateBackend.bucket;
    expect(problemsOf(c)).toEqual(["stateBackend.bucket: is required (expected string)"]);
  });

  it("rejects dynamodb locking without a table", () => {
    const c = exampleConfig();
    c.stateBackend.locking = "dynamodb";
    expect(problemsOf(c)).toEqual(['stateBackend.dynamodbTable: is required when stateBackend.locking is "dynamodb"']);
  });

  it("rejects a target without any region", () => {
    const c = exampleConfig();
    delete c.defaults.region;
    expect(problemsOf(c)).toEqual(["targets[0].region: is required (set it on the target or in defaults.region)"]);
  });

  it("rejects duplicate target names", () => {
    const c = withTarget({ name: "genomics-raw" }, 1);
    expect(problemsOf(c)).toEqual([
      'targets[1].name: "genomics-raw" is already used by targets[0]; target names must be unique',
    ]);
  });

  it.each([
    ["raw/", "raw/2024/"],
    ["raw/", "raw/"],
    ["", "anything/"],
  ])("rejects prefixes %j and %j overlapping on one bucket", (first, second) => {
    const c = exampleConfig();
    c.targets[0].prefix = first;
    c.targets[1].prefix = second;
    const problems = problemsOf(c);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^targets\[1\]\.prefix: ".*" overlaps target "genomics-raw" .* on bucket "fsx4l-store"/,
    );
  });

  it("allows the same prefix on different buckets", () => {
    const c = withTarget({ bucket: "other-bucket", prefix: "reference/" });
    expect(() => resolveConfig(c)).not.toThrow();
  });

  it("reports every problem at once, not only the first", () => {
    const c = exampleConfig();
    c.targets[0].restoreTier = "Slow";
    c.targets[1].restoreDays = -3;
    c.stateBackend.region = "nowhere";
    const problems = problemsOf(c);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/stateBackend\.region/);
  });

  it(`rejects more than ${MAX_TRAILS_PER_REGION} dedicated trails in one region and suggests shared`, () => {
    const c = exampleConfig();
    c.targets = Array.from({ length: MAX_TRAILS_PER_REGION + 1 }, (_, i) => ({
      name: `t${i}`,
      bucket: "fsx4l-store",
      prefix: `p${i}/`,
    }));
    const problems = problemsOf(c);
    expect(problems).toEqual([expect.stringContaining(`creates ${MAX_TRAILS_PER_REGION + 1} trails in us-east-1`)]);
    expect(problems[0]).toContain('"shared"');
  });

  it("groups shared-mode targets into one trail per region", () => {
    const c = exampleConfig();
    c.defaults.trail = { mode: "shared" };
    c.targets = Array.from({ length: 12 }, (_, i) => ({
      name: `t${i}`,
      bucket: i < 8 ? "fsx4l-store" : "fsx4l-store-eu",
      prefix: `p${i}/`,
      region: i < 8 ? "us-east-1" : "eu-west-1",
    }));
    const config = resolveConfig(c);
    expect(config.sharedTrails.map((g) => [g.stackName, g.targets.length])).toEqual([
      ["shared-trail-us-east-1", 8],
      ["shared-trail-eu-west-1", 4],
    ]);
  });

  it("rejects shared-trail members that disagree on trail settings", () => {
    const c = exampleConfig();
    c.defaults.trail = { mode: "shared" };
    c.targets[1].trail = { cloudWatchLogs: false };
    expect(problemsOf(c)).toEqual([
      expect.stringMatching(/^targets\[1\]\.trail\.cloudWatchLogs: targets sharing the us-east-1 trail must agree/),
    ]);
  });

  it("rejects a shared trail that needs more than 500 selector values", () => {
    const c = exampleConfig();
    c.defaults.trail = { mode: "shared" };
    c.targets = Array.from({ length: 498 }, (_, i) => ({ name: `t${i}`, bucket: "fsx4l-store", prefix: `p${i}/` }));
    expect(problemsOf(c)).toEqual([expect.stringContaining("would need 501 advanced event selector values")]);
  });

  it("rejects an existing trail in another region", () => {
    const c = withTarget({
      trail: { mode: "existing", existingTrailArn: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org" },
    });
    expect(problemsOf(c)).toEqual([
      expect.stringContaining("targets[0].trail.existingTrailArn: the trail is in region eu-west-1"),
    ]);
  });

  it("rejects target names reserved for shared trail stacks", () => {
    expect(problemsOf(withTarget({ name: "shared-trail-x" }))).toEqual([expect.stringContaining("reserved")]);
  });
});
