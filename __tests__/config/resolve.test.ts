import { ConfigError, MAX_TRAILS_PER_REGION, resolveConfig, selectorValueCount } from "../../config/resolve";
import { exampleConfig, problemsOf } from "../../testing/config";

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
    // CloudWatch Logs delivery is off unless asked for: EventBridge does not need it.
    expect(ref!.trail).toEqual({
      mode: "dedicated",
      cloudWatchLogs: false,
      cloudWatchLogsRetentionDays: 30,
      logExpirationDays: 90,
      readerArnPrefixes: [],
      logBucketForceDestroy: false,
    });
    expect(ref!.alarms).toEqual({ enabled: true });
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
    [{ prefix: "raw/\u0000/" }, "targets[0].prefix: contains control character U+0000"],
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
    c.targets[1].trail = { cloudWatchLogs: true, logBucketForceDestroy: true };
    expect(problemsOf(c)).toEqual([
      expect.stringMatching(/^targets\[1\]\.trail\.cloudWatchLogs: targets sharing the us-east-1 trail must agree/),
      expect.stringMatching(
        /^targets\[1\]\.trail\.logBucketForceDestroy: targets sharing the us-east-1 trail must agree/,
      ),
    ]);
  });

  it("rejects a shared trail that needs more than 500 selector values", () => {
    const c = exampleConfig();
    c.defaults.trail = { mode: "shared" };
    c.targets = Array.from({ length: 498 }, (_, i) => ({ name: `t${i}`, bucket: "fsx4l-store", prefix: `p${i}/` }));
    expect(problemsOf(c)).toEqual([expect.stringContaining("would need 501 advanced event selector values")]);
  });

  it("accepts an existing trail whose home region is another (a multi-Region trail logs every region)", () => {
    const c = withTarget({
      trail: { mode: "existing", existingTrailArn: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org" },
    });
    expect(resolveConfig(c).targets[0]!.trail.existingTrailArn).toBe(
      "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org",
    );
  });

  it("rejects target names reserved for shared trail stacks", () => {
    expect(problemsOf(withTarget({ name: "shared-trail-x" }))).toEqual([expect.stringContaining("reserved")]);
  });
});

describe("resolveConfig details", () => {
  it("formats the error with a count and one line per problem, as a named error", () => {
    const one = new ConfigError(["a: x"]);
    expect(one.message).toBe("invalid glacier-restore configuration (1 problem):\n  - a: x");
    expect(one.name).toBe("ConfigError");
    expect(new ConfigError(["a: x", "b: y"]).message).toBe(
      "invalid glacier-restore configuration (2 problems):\n  - a: x\n  - b: y",
    );
  });

  it("names the whole configuration when it is not an object", () => {
    expect(problemsOf("targets")).toEqual([expect.stringMatching(/^\(config\): /)]);
  });

  it("lists several unknown keys in one message", () => {
    expect(problemsOf(withTarget({ colour: "blue", size: 3 }))).toEqual([
      'targets[0]: unknown keys "colour", "size" (see the "help" file for the allowed keys)',
    ]);
  });

  it("rejects a lock table when locking is not dynamodb", () => {
    const c = exampleConfig();
    c.stateBackend.dynamodbTable = "tf-locks";
    expect(problemsOf(c)).toEqual(['stateBackend.dynamodbTable: only allowed when stateBackend.locking is "dynamodb"']);
  });

  it("rejects an existing trail ARN on a target that does not use it", () => {
    const c = withTarget({ trail: { existingTrailArn: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org" } });
    expect(problemsOf(c)).toEqual(['targets[0].trail.existingTrailArn: only allowed when trail.mode is "existing"']);
  });

  it("takes assumeRole from the target, or else from defaults", () => {
    const role = (n: string) => ({ roleArn: `arn:aws:iam::12345678901${n}:role/deployer` });
    const c = exampleConfig();
    c.defaults.assumeRole = role("1");
    c.targets[0].assumeRole = role("2");
    const [first, second] = resolveConfig(c).targets;
    expect(first!.assumeRole).toEqual(role("2"));
    expect(second!.assumeRole).toEqual(role("1"));
    expect(resolveConfig(withTarget({ assumeRole: role("3") })).targets[0]!.assumeRole).toEqual(role("3"));
    expect("assumeRole" in resolveConfig(exampleConfig()).targets[0]!).toBe(false);
  });

  it("fills event retry settings from built-ins, defaults and the target", () => {
    const c = exampleConfig();
    c.defaults.eventRetry = { maximumRetryAttempts: 10 };
    c.targets[0].eventRetry = { maximumEventAgeSeconds: 3600 };
    const [first, second] = resolveConfig(c).targets;
    expect(first!.eventRetry).toEqual({ maximumEventAgeSeconds: 3600, maximumRetryAttempts: 10 });
    expect(second!.eventRetry).toEqual({ maximumEventAgeSeconds: 21600, maximumRetryAttempts: 10 });
  });

  it("reports a bucket used in two regions once per target", () => {
    const c = exampleConfig();
    c.targets.push({ name: "third", bucket: "fsx4l-store", prefix: "third/", region: "eu-west-1" });
    expect(problemsOf(c)).toEqual([
      'targets[2].region: bucket "fsx4l-store" is also used by target "genomics-raw" in us-east-1; a bucket lives in one region',
    ]);
  });

  it("sees an overlap whichever of the two prefixes comes first", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "raw/2024/";
    c.targets[1].prefix = "raw/";
    expect(problemsOf(c)).toHaveLength(1);
  });

  function sharedTargets(count: number, accountOf: (i: number) => string | undefined) {
    const c = exampleConfig();
    c.defaults.trail = { mode: "shared" };
    c.defaults.tags = { team: "hpc", cost: "7" };
    c.targets = Array.from({ length: count }, (_, i) => {
      const account = accountOf(i);
      return {
        name: `t${i}`,
        bucket: "fsx4l-store",
        prefix: `p${i}/`,
        ...(account ? { assumeRole: { roleArn: `arn:aws:iam::${account}:role/deployer` } } : {}),
      };
    });
    return c;
  }

  it("gives each account its own shared trail stack when one region holds several", () => {
    const config = resolveConfig(sharedTargets(4, (i) => (i % 2 ? "111111111111" : "222222222222")));
    expect(config.sharedTrails.map((g) => [g.stackName, g.targets.map((t) => t.name), g.assumeRole?.roleArn])).toEqual([
      ["shared-trail-us-east-1-222222222222", ["t0", "t2"], "arn:aws:iam::222222222222:role/deployer"],
      ["shared-trail-us-east-1-111111111111", ["t1", "t3"], "arn:aws:iam::111111111111:role/deployer"],
    ]);
    expect(config.sharedTrails[0]!.tags).toEqual({ team: "hpc", cost: "7" });
  });

  it("keeps the plain shared trail stack name for one account", () => {
    const config = resolveConfig(sharedTargets(2, () => "111111111111"));
    expect(config.sharedTrails.map((g) => g.stackName)).toEqual(["shared-trail-us-east-1"]);
  });

  it("counts selector values per distinct reader filter", () => {
    const c = sharedTargets(3, () => undefined);
    c.targets[0].trail = {
      readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/A", "arn:aws:sts::123456789012:assumed-role/B"],
    };
    const config = resolveConfig(c);
    // One selector without readers (3 + 2 ARNs), one with (3 + 1 ARN + 2 readers).
    expect(selectorValueCount(config.targets)).toBe(11);
  });

  it("allows exactly 500 selector values on a shared trail", () => {
    expect(() => resolveConfig(sharedTargets(497, () => undefined))).not.toThrow();
  });

  it(`allows exactly ${MAX_TRAILS_PER_REGION} trails in a region, counting a shared one`, () => {
    const five = exampleConfig();
    five.targets = Array.from({ length: 5 }, (_, i) => ({ name: `t${i}`, bucket: "fsx4l-store", prefix: `p${i}/` }));
    expect(() => resolveConfig(five)).not.toThrow();
    const sixWithShared = structuredClone(five);
    sixWithShared.targets.push({ name: "s", bucket: "fsx4l-store", prefix: "s/", trail: { mode: "shared" } });
    expect(problemsOf(sixWithShared)).toEqual([expect.stringContaining("creates 6 trails in us-east-1;")]);
  });

  it("names the account when one account's trails exceed the limit", () => {
    const c = exampleConfig();
    c.defaults.assumeRole = { roleArn: "arn:aws:iam::111111111111:role/deployer" };
    c.targets = Array.from({ length: 6 }, (_, i) => ({ name: `t${i}`, bucket: "fsx4l-store", prefix: `p${i}/` }));
    expect(problemsOf(c)).toEqual([expect.stringContaining("creates 6 trails in us-east-1 for account 111111111111;")]);
  });
});

describe("bucket names", () => {
  it.each(["abc", "a".repeat(63), "a1.2.3.4", "1.2.3.4a", "my-xn--bucket", "data.s3alias-x", "a-b.c"])(
    "accepts %s",
    (bucket) => {
      expect(() => resolveConfig(withTarget({ bucket }))).not.toThrow();
    },
  );

  it.each([
    ["a".repeat(64), "must be 3 to 63 characters long"],
    ["ab", "must be 3 to 63 characters long"],
    [
      "-abc",
      "may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit",
    ],
    [
      "abc-",
      "may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit",
    ],
    ["a..b", "must not contain two adjacent dots"],
    ["10.0.0.1", "must not be formatted as an IP address"],
    ["xn--abc", "must not start with a reserved prefix"],
    ["sthree-abc", "must not start with a reserved prefix"],
    ["data-s3alias", "must not end with a reserved suffix"],
  ])("rejects %s: %s", (bucket, why) => {
    expect(problemsOf(withTarget({ bucket }))).toEqual([
      `targets[0].bucket: "${bucket}" is not a valid S3 bucket name: ${why}`,
    ]);
  });
});

describe("other schema rules", () => {
  it("allows 40 tags but not 41", () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
    expect(() => resolveConfig(withTarget({ tags: tags(40) }))).not.toThrow();
    expect(problemsOf(withTarget({ tags: tags(41) }))).toEqual([
      "targets[0].tags: at most 40 tags (AWS allows 50, the stack adds its own)",
    ]);
  });

  it.each(["/state", "state/"])("rejects state key prefix %j", (keyPrefix) => {
    const c = exampleConfig();
    c.stateBackend.keyPrefix = keyPrefix;
    expect(problemsOf(c)).toEqual(["stateBackend.keyPrefix: must not start or end with /"]);
  });

  it("accepts a nested state key prefix", () => {
    const c = exampleConfig();
    c.stateBackend.keyPrefix = "teams/hpc";
    expect(resolveConfig(c).stateBackend.keyPrefix).toBe("teams/hpc");
  });

  it("names the allowed lock modes", () => {
    const c = exampleConfig();
    c.stateBackend.locking = "s3";
    expect(problemsOf(c)).toEqual(['stateBackend.locking: invalid locking "s3"; allowed: lockfile, dynamodb, none']);
  });
});

describe("valid edge configurations", () => {
  it("accepts DynamoDB locking with a table, and an existing trail in the target's region", () => {
    const c = exampleConfig();
    c.stateBackend.locking = "dynamodb";
    c.stateBackend.dynamodbTable = "tf-locks";
    c.defaults.trail = { mode: "existing", existingTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org" };
    const config = resolveConfig(c);
    expect(config.stateBackend).toMatchObject({ locking: "dynamodb", dynamodbTable: "tf-locks" });
    expect(config.targets[0]!.trail.existingTrailArn).toBe("arn:aws:cloudtrail:us-east-1:123456789012:trail/org");
  });
});

describe("restore policy keys", () => {
  it("defaults to object scope, no budget, restore mode; inherits and converts GB", () => {
    const plain = resolveConfig(exampleConfig()).targets[0]!;
    expect(plain).toMatchObject({
      restoreScope: "object",
      directory: { maxObjects: 1000, maxBytes: 1024 ** 4 },
      budget: {},
      mode: "restore",
    });
    const c = exampleConfig();
    c.defaults.restoreScope = "directory";
    c.defaults.budget = { maxRestoresPerDay: 500 };
    c.targets[0] = { ...c.targets[0], budget: { maxGBPerDay: 1.5 }, directory: { maxObjects: 20 }, mode: "observe" };
    const [raw, ref] = resolveConfig(c).targets;
    expect(raw).toMatchObject({
      restoreScope: "directory",
      directory: { maxObjects: 20, maxBytes: 1024 ** 4 },
      budget: { maxRestoresPerDay: 500, maxBytesPerDay: 1.5e9 },
      mode: "observe",
    });
    expect(ref).toMatchObject({ restoreScope: "directory", budget: { maxRestoresPerDay: 500 }, mode: "restore" });
  });

  it("names each bad key", () => {
    expect(
      problemsOf(
        withTarget({
          restoreScope: "bucket",
          mode: "dry-run",
          budget: { maxRestoresPerDay: 0, maxGBPerDay: -1 },
          directory: { maxObjects: 0 },
        }),
      ),
    ).toEqual([
      'targets[0].restoreScope: invalid restoreScope "bucket"; allowed: object, directory',
      "targets[0].directory.maxObjects: Too small: expected number to be >=1",
      "targets[0].budget.maxRestoresPerDay: Too small: expected number to be >=1",
      "targets[0].budget.maxGBPerDay: Too small: expected number to be >0",
      'targets[0].mode: invalid mode "dry-run"; allowed: restore, observe',
    ]);
  });

  it("needs the claims table for a directory scope or a budget", () => {
    expect(
      problemsOf(
        withTarget({ restoreScope: "directory", budget: { maxRestoresPerDay: 5 }, function: { claims: false } }),
      ),
    ).toEqual([
      'targets[0].restoreScope: "directory" needs function.claims (each directory is claimed once per claim TTL)',
      "targets[0].budget: needs function.claims (the daily counters are kept in the claims table)",
    ]);
  });
});

describe("trigger", () => {
  it("defaults to CloudTrail, and groups reader log groups into one stack each", () => {
    expect(resolveConfig(exampleConfig()).targets[0]!.trigger).toEqual([{ type: "cloudtrail" }]);
    expect(resolveConfig(exampleConfig()).logTriggers).toEqual([]);
    const c = exampleConfig();
    c.defaults.trigger = [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }];
    c.defaults.trail = { mode: "shared" };
    const config = resolveConfig(c);
    expect(config.logTriggers).toHaveLength(1);
    expect(config.logTriggers[0]).toMatchObject({
      stackName: expect.stringMatching(/^log-trigger-aws-fsx-lustre-[0-9a-f]{6}$/),
      region: "us-east-1",
      type: "fsx-logs",
      routes: [
        { target: "genomics-raw", bucket: "fsx4l-store", prefix: "raw/" },
        { target: "genomics-ref", bucket: "fsx4l-store", prefix: "reference/" },
      ],
    });
    // No CloudTrail source: no shared trail either.
    expect(config.sharedTrails).toEqual([]);
  });

  it.each([
    [[{ type: "fsx-logs", logGroupName: "/custom/fsx" }], "must be a log group name starting with /aws/fsx"],
    [
      [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre", fileSystemIds: ["fs-1"] }],
      "must be a file system or cache ID",
    ],
    [[{ type: "file-gateway-logs", logGroupName: "/sgw", gatewayIds: ["gw-1"] }], "must be a gateway ID (sgw-…)"],
    [[{ type: "s3-logs" }], 'each trigger needs "type": one of cloudtrail, fsx-logs, file-gateway-logs'],
    [[], "needs at least one source"],
    [[{ type: "cloudtrail" }, { type: "cloudtrail" }], "targets[0].trigger: cloudtrail is listed twice"],
  ])("names the problem in %j", (trigger, message) => {
    expect(problemsOf(withTarget({ trigger })).join("\n")).toContain(message);
  });

  it("refuses one log group for two kinds of reader", () => {
    const c = exampleConfig();
    c.targets[0].trigger = [{ type: "fsx-logs", logGroupName: "/aws/fsx/shared" }];
    c.targets[1].trigger = [{ type: "file-gateway-logs", logGroupName: "/aws/fsx/shared" }];
    expect(problemsOf(c)).toEqual([
      'targets[1].trigger: log group /aws/fsx/shared is already a fsx-logs source of target "genomics-raw"; one log group feeds one kind of reader',
    ]);
  });

  it("keeps the router's routes within Lambda's 4 KB of environment", () => {
    const c = exampleConfig();
    c.targets = Array.from({ length: 30 }, (_, i) => ({
      name: `t${i}`,
      bucket: "fsx4l-store",
      prefix: `${"p".repeat(60)}${i}/`,
      trigger: [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }],
    }));
    expect(problemsOf(c).join("\n")).toMatch(
      /feeds 30 targets whose routes take \d+ characters of the router's environment; Lambda allows 4 KB/,
    );
  });
});
