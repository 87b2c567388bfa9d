import { NAME_LIMITS, physicalName, targetNames } from "../../stacks/names";

describe("physicalName", () => {
  it("joins short names unchanged", () => {
    expect(physicalName(["glacier-restore", "raw"], 64)).toBe("glacier-restore-raw");
  });

  it("cuts long names to the limit with a stable hash suffix", () => {
    const a = physicalName(["glacier-restore", "a".repeat(60)], 64);
    const b = physicalName(["glacier-restore", `${"a".repeat(59)}b`], 64);
    expect(a).toHaveLength(64);
    expect(a).toMatch(/^glacier-restore-a+-[0-9a-f]{8}$/);
    expect(a).toBe(physicalName(["glacier-restore", "a".repeat(60)], 64));
    expect(a).not.toBe(b);
  });

  it("keeps every name of the longest allowed target within AWS limits", () => {
    const names = targetNames(`t${"x".repeat(39)}`);
    expect(names.function.length).toBeLessThanOrEqual(NAME_LIMITS.lambdaFunction);
    expect(names.role.length).toBeLessThanOrEqual(NAME_LIMITS.iamRole);
    expect(names.trailRole.length).toBeLessThanOrEqual(NAME_LIMITS.iamRole);
    expect(names.rule.length).toBeLessThanOrEqual(NAME_LIMITS.eventRule);
    expect(names.deadLetterQueue.length).toBeLessThanOrEqual(NAME_LIMITS.sqsQueue);
    expect(names.trailBucketPrefix.length).toBeLessThanOrEqual(NAME_LIMITS.bucketPrefix);
    expect(names.trailBucketPrefix).toMatch(/^[a-z0-9][a-z0-9-]*-$/);
  });

  it("gives two long targets that differ only at the end different names", () => {
    const a = targetNames(`t${"x".repeat(38)}a`);
    const b = targetNames(`t${"x".repeat(38)}b`);
    expect(a.trailBucketPrefix).not.toBe(b.trailBucketPrefix);
  });
});
