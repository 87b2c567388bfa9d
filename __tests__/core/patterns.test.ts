import { execFileSync } from "node:child_process";
import {
  archivedReadPattern,
  EVENT_PATTERN_MAX_CHARS,
  largestPatternChars,
  restoreEventPattern,
  truncateDescription,
} from "../../core/patterns";
import { partitionOf } from "../../core/partition";
import { advancedEventSelectors, putEventSelectorsCommand, selectorValueCount } from "../../core/selectors";

describe("event patterns", () => {
  it("match a prefix with a space in all three forms, for reads and for S3 restore events", () => {
    const forms = [{ prefix: "cold data/" }, { prefix: "cold%20data/" }, { prefix: "cold+data/" }];
    expect((archivedReadPattern("b", "cold data/") as any).detail.requestParameters.key).toEqual(forms);
    expect((restoreEventPattern("completed", "b", "cold data/") as any).detail.object.key).toEqual(forms);
  });

  it("size the largest pattern a target's rules use", () => {
    const prefix = "x".repeat(100);
    expect(largestPatternChars("b", prefix)).toBe(JSON.stringify(archivedReadPattern("b", prefix)).length);
    // Spaces triple a prefix's weight: as written, %20 and +.
    expect(largestPatternChars("b", "a b/".repeat(200))).toBeGreaterThan(EVENT_PATTERN_MAX_CHARS);
  });
});

describe("descriptions", () => {
  it("are cut to the limit with a visible mark", () => {
    expect(truncateDescription("short", 256)).toBe("short");
    const cut = truncateDescription("y".repeat(300), 256);
    expect(cut).toHaveLength(256);
    expect(cut.endsWith("...")).toBe(true);
  });
});

describe("advanced event selectors in CloudTrail's API shape", () => {
  const scopes = [
    { bucket: "b", prefix: "raw/", readerArnPrefixes: [] },
    { bucket: "b", prefix: "raw/", readerArnPrefixes: [] },
    { bucket: "c", prefix: "", readerArnPrefixes: ["arn:aws-cn:sts::123456789012:assumed-role/R"] },
  ];

  it("uses the partition's ARNs, one selector per reader filter, and counts their values", () => {
    const selectors = advancedEventSelectors(partitionOf("cn-north-1"), scopes);
    expect(selectors.map((s) => s.FieldSelectors.find((f) => f.Field === "resources.ARN")!.StartsWith)).toEqual([
      ["arn:aws-cn:s3:::b/raw/"],
      ["arn:aws-cn:s3:::c/"],
    ]);
    // 3 + 1 ARN (the duplicate scope adds nothing), then 3 + 1 ARN + 1 reader.
    expect(selectorValueCount(selectors)).toBe(9);
  });

  it("prints a put-event-selectors command that survives quotes in a prefix", () => {
    const selectors = advancedEventSelectors(partitionOf("us-east-1"), [
      { bucket: "b", prefix: "it's/", readerArnPrefixes: [] },
    ]);
    const command = putEventSelectorsCommand("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org", selectors);
    expect(command).toContain("--region eu-west-1 --trail-name 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/org'");
    expect(command).toContain(`'\\''`);
    // Run through a real shell, with printf in place of the CLI: the last argument is the JSON itself.
    const args = execFileSync("bash", ["-c", command.replace(/^aws /, "printf '%s\\n' ")], { encoding: "utf8" })
      .trimEnd()
      .split("\n");
    expect(JSON.parse(args.at(-1)!)).toEqual(selectors);
    expect(args.slice(0, 6)).toEqual([
      "cloudtrail",
      "put-event-selectors",
      "--region",
      "eu-west-1",
      "--trail-name",
      "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org",
    ]);
  });
});
