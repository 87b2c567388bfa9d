/**
 * Configuration rules that only a real AWS account would otherwise reveal: AWS limits the provider does
 * not check, strings that would change the generated Terraform, partitions this project cannot serve.
 */
import { resolveConfig } from "../../config/resolve";
import { exampleConfig, problemsOf } from "../../testing/config";

describe("strings that Terraform would read as expressions", () => {
  it("rejects ${ and %{ in any string, naming each field", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "raw/${jobid}/";
    c.defaults.tags = { owner: "%{ if x }y%{ endif }" };
    expect(problemsOf(c)).toEqual([
      'defaults.tags.owner: must not contain "${" or "%{" (Terraform would read it as an expression, not as text); found in "%{ if x }y%{ endif }"',
      'targets[0].prefix: must not contain "${" or "%{" (Terraform would read it as an expression, not as text); found in "raw/${jobid}/"',
    ]);
  });

  it("reports them together with the schema's own problems", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "raw/${x}/";
    c.targets[1].restoreTier = "Instant";
    const problems = problemsOf(c);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^targets\[0\]\.prefix: must not contain/);
    expect(problems[1]).toMatch(/^targets\[1\]\.restoreTier: invalid restore tier "Instant"/);
  });

  it("accepts a lone $ or % and braces that start no template", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "raw/$HOME/100%/{a}/";
    expect(resolveConfig(c).targets[0]!.prefix).toBe("raw/$HOME/100%/{a}/");
  });
});

describe("prefixes", () => {
  it.each(["raw/*/", "raw/run?/", "データ/ü/", "runs/🧬 seq/", "données/é/", "cold data/run 1/", "a\u0080b/"])(
    "accepts %s as written: any character an S3 key can hold and a user can type",
    (prefix) => {
      const c = exampleConfig();
      c.targets[0].prefix = prefix;
      expect(resolveConfig(c).targets[0]!.prefix).toBe(prefix);
    },
  );

  it.each([
    ["raw\u0000x/", "U+0000", 4],
    ["データ/\t/", "U+0009", 5],
    ["🧬\n", "U+000A", 2],
    ["a/\u001f", "U+001F", 3],
    ["del\u007f/", "U+007F", 4],
  ])("rejects a control character in %j, naming its code point and position", (prefix, code, position) => {
    const c = exampleConfig();
    c.targets[1].prefix = prefix;
    expect(problemsOf(c)).toEqual([
      `targets[1].prefix: contains control character ${code} at position ${position}; control characters (U+0000-U+001F, U+007F) are not allowed in a key prefix`,
    ]);
  });

  it("rejects a prefix whose event pattern would exceed EventBridge's 2,048 characters", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "a b/".repeat(200);
    expect(problemsOf(c)).toEqual([
      expect.stringMatching(
        /^targets\[0\]\.prefix: the EventBridge event pattern for this bucket and prefix \(every encoded form of the prefix included\) would be \d+ characters; EventBridge allows 2048 by default/,
      ),
    ]);
  });

  it("accepts a long plain prefix whose pattern fits", () => {
    const c = exampleConfig();
    c.targets[0].prefix = `${"p".repeat(196)}/`;
    expect(() => resolveConfig(c)).not.toThrow();
  });
});

describe("limits AWS enforces at apply or run time", () => {
  it("needs at least 1 reserved concurrency (0 would dead-letter every event)", () => {
    const c = exampleConfig();
    c.defaults.function = { reservedConcurrency: 0 };
    expect(problemsOf(c)).toEqual([
      "defaults.function.reservedConcurrency: must be at least 1: with 0 the function never runs and every event is dead-lettered",
    ]);
    c.defaults.function = { reservedConcurrency: 1 };
    expect(resolveConfig(c).targets[0]!.function.reservedConcurrency).toBe(1);
  });

  it("takes an external ID only in STS's alphabet", () => {
    const c = exampleConfig();
    c.defaults.assumeRole = { roleArn: "arn:aws:iam::123456789012:role/deployer", externalId: "a b" };
    expect(problemsOf(c)).toEqual([
      "defaults.assumeRole.externalId: must be 2-1224 characters of letters, digits and +=,.@:/_-",
    ]);
  });

  it("refuses regions of the isolated partitions", () => {
    const c = exampleConfig();
    c.targets = [{ name: "iso", bucket: "iso-data", prefix: "", region: "us-iso-east-1" }];
    expect(problemsOf(c)).toEqual([
      "targets[0].region: us-iso-east-1 is in an isolated AWS partition, which this project does not support (supported partitions: aws, aws-cn, aws-us-gov)",
    ]);
  });
});

describe("alarms", () => {
  it("are on by default and inherit a topic from defaults", () => {
    const c = exampleConfig();
    c.defaults.alarms = { topicArn: "arn:aws:sns:us-east-1:123456789012:ops" };
    c.targets[1].alarms = { enabled: false };
    const [raw, ref] = resolveConfig(c).targets;
    expect(raw!.alarms).toEqual({ enabled: true, topicArn: "arn:aws:sns:us-east-1:123456789012:ops" });
    expect(ref!.alarms).toEqual({ enabled: false, topicArn: "arn:aws:sns:us-east-1:123456789012:ops" });
  });

  it("need a topic ARN for their actions", () => {
    const c = exampleConfig();
    c.defaults.alarms = { topicArn: "ops-list" };
    expect(problemsOf(c)).toEqual([
      "defaults.alarms.topicArn: must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
    ]);
  });
});
