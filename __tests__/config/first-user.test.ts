/**
 * What a new platform team tripped on: settings accepted that then silently did nothing or more than
 * asked, and validation that reported one layer of problems at a time.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, resolveConfig } from "../../config/resolve";
import { exampleConfig, problemsOf } from "../../testing/config";

describe("reader filters", () => {
  it.each([
    [
      "arn:aws:iam::123456789012:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0abc",
      "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_fs-0abc",
    ],
    ["arn:aws-us-gov:iam::123456789012:role/analytics", "arn:aws-us-gov:sts::123456789012:assumed-role/analytics"],
  ])("reject the IAM role ARN %s and show the assumed-role form to use", (roleArn, assumed) => {
    const c = exampleConfig();
    c.defaults.trail = { readerArnPrefixes: [roleArn] };
    expect(problemsOf(c)).toEqual([
      `defaults.trail.readerArnPrefixes[0]: is an IAM role ARN, which CloudTrail never records as the reader (it records the role's session), so the trail would log nothing; use "${assumed}"`,
    ]);
  });

  it("accept assumed-role and IAM user prefixes", () => {
    const c = exampleConfig();
    c.defaults.trail = {
      readerArnPrefixes: [
        "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_",
        "arn:aws:iam::123456789012:user/ci",
      ],
    };
    expect(() => resolveConfig(c)).not.toThrow();
  });
});

describe("prefixes that are not directories", () => {
  it("are rejected, naming the wider keys they would cover", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "runs";
    expect(problemsOf(c)).toEqual([
      'targets[0].prefix: "runs" does not end with "/", so it would also cover keys such as "runs-old/..." and "runs2.csv" (IAM resources, trail selectors and rules all match by prefix); write "runs/" for the directory, or set prefixIsDirectory to false to cover every key starting with "runs"',
    ]);
  });

  it("are accepted when the configuration says so", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "runs";
    c.targets[0].prefixIsDirectory = false;
    expect(resolveConfig(c).targets[0]!.prefix).toBe("runs");
  });
});

describe("regions", () => {
  it("must be known AWS Region codes, echoing the bad value", () => {
    const c = exampleConfig();
    c.targets[0].region = "us-west-3";
    c.targets[1].bucket = "other-bucket";
    const problems = problemsOf(c);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^targets\[0\]\.region: "us-west-3" is not a known AWS Region code \(known: af-south-1, /,
    );
    expect(problems[0]).toMatch(/; if AWS opened it after this release, add it to "extraRegions"$/);
  });

  it("can be extended for a Region opened after this release", () => {
    const c = exampleConfig();
    c.extraRegions = ["us-west-3"];
    c.targets[0].region = "us-west-3";
    c.targets[1].bucket = "other-bucket";
    expect(resolveConfig(c).targets[0]!.region).toBe("us-west-3");
  });

  it("are checked for the state bucket and defaults too", () => {
    const c = exampleConfig();
    c.stateBackend.region = "eu-east-9";
    c.defaults.region = "eu-east-9";
    delete c.targets[1].region;
    expect(problemsOf(c).map((p) => p.split(":")[0])).toEqual(["stateBackend.region", "defaults.region"]);
  });
});

describe("one pass over every layer", () => {
  const readme = readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

  it("prints exactly README's example of two problems for the README's configuration", () => {
    const config = JSON.parse(/## Configuration[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!);
    const shown = /exits 1 and writes nothing:\n\n```\n([\s\S]*?)\n```/.exec(readme)![1]!;
    config.targets[0].restoreTier = "Instant";
    config.targets[1].prefix = "raw/2024/";
    let message = "";
    try {
      resolveConfig(config);
    } catch (err) {
      message = (err as ConfigError).message;
    }
    expect(message).toBe(shown);
  });

  it("still names duplicate targets when a field is wrong elsewhere", () => {
    const c = exampleConfig();
    c.targets[1].name = "genomics-raw";
    c.targets[1].restoreDays = 0;
    expect(problemsOf(c)).toEqual([
      "targets[1].restoreDays: must be at least 1 (days)",
      'targets[1].name: "genomics-raw" is already used by targets[0]; target names must be unique',
    ]);
  });
});
