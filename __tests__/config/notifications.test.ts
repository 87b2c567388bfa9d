import { resolveConfig } from "../../config/resolve";
import { exampleConfig, notificationsConfig, problemsOf } from "../../testing/config";

describe("notifications configuration", () => {
  it("is off unless a target or the defaults ask for it", () => {
    for (const t of resolveConfig(exampleConfig()).targets) expect(t.notifications).toBeUndefined();
    expect(resolveConfig(exampleConfig()).bucketNotificationOwners).toEqual([]);
  });

  it("fills built-ins, then defaults, then the target's own settings", () => {
    const config = exampleConfig();
    config.defaults.notifications = { email: ["ops@example.com"] };
    config.targets[1].notifications = { expired: true, email: ["data@example.com"] };
    const [raw, ref] = resolveConfig(config).targets;
    expect(raw!.notifications).toEqual({
      email: ["ops@example.com"],
      https: [],
      sqsQueueArns: [],
      initiated: true,
      completed: true,
      expired: false,
      completedVia: "eventbridge",
    });
    // A target's list replaces the inherited one rather than adding to it.
    expect(ref!.notifications).toMatchObject({ email: ["data@example.com"], expired: true });
  });

  it("lets one target turn inherited notifications off", () => {
    const config = exampleConfig();
    config.defaults.notifications = { email: ["ops@example.com"] };
    config.targets[0].notifications = { enabled: false };
    const [raw, ref] = resolveConfig(config).targets;
    expect(raw!.notifications).toBeUndefined();
    expect(ref!.notifications).toBeDefined();
  });

  it("rejects notifications with every event turned off", () => {
    const config = exampleConfig();
    config.targets[0].notifications = { initiated: false, completed: false };
    expect(problemsOf(config)).toEqual([
      "targets[0].notifications: initiated, completed and expired are all false; turn one on, or set notifications.enabled to false",
    ]);
  });

  it("refuses to write a bucket's notification configuration it was not told it owns", () => {
    const config = exampleConfig();
    config.targets[1].notifications = { completedVia: "bucket-notifications" };
    expect(problemsOf(config)).toEqual([
      'targets[1].notifications.completedVia: "bucket-notifications" writes the bucket\'s S3 notification configuration, which replaces whatever FSx for Lustre or other tools configured there; set buckets.fsx4l-store.notificationConfiguration to "owned" to state that this project owns it, or use "eventbridge"',
    ]);
  });

  it("needs no ownership for bucket notifications when S3 has nothing to deliver", () => {
    const config = exampleConfig();
    config.targets[1].notifications = { completedVia: "bucket-notifications", completed: false };
    expect(resolveConfig(config).targets[1]!.notifications?.initiated).toBe(true);
  });

  it("makes one owner per owned bucket, however many targets use it", () => {
    const config = notificationsConfig();
    const owners = resolveConfig(config).bucketNotificationOwners;
    expect(owners).toHaveLength(1);
    expect(owners[0]).toMatchObject({
      stackName: "bucket-notifications-fsx4l-store",
      bucket: "fsx4l-store",
      region: "us-east-1",
      eventBridge: true,
    });
    expect(owners[0]!.topicTargets.map((t) => t.name)).toEqual(["genomics-ref"]);
  });

  it("turns EventBridge delivery on only when a target needs it", () => {
    const config = notificationsConfig();
    config.targets[0].notifications = { completedVia: "bucket-notifications" };
    const [owner] = resolveConfig(config).bucketNotificationOwners;
    expect(owner!.eventBridge).toBe(false);
    expect(owner!.topicTargets.map((t) => t.name)).toEqual(["genomics-raw", "genomics-ref"]);
  });

  it("rejects an owned bucket that nothing needs, since owning it would only erase others' settings", () => {
    const config = exampleConfig();
    config.buckets = { "fsx4l-store": { notificationConfiguration: "owned" } };
    expect(problemsOf(config)).toEqual([
      'buckets.fsx4l-store.notificationConfiguration: "owned" but no target on this bucket has completed or expired notifications, so the configuration would only remove what others set; remove the setting or turn notifications on',
    ]);
  });

  it("rejects settings for a bucket no target uses, and names the ones in use", () => {
    const config = notificationsConfig();
    config.buckets["other-bucket"] = { notificationConfiguration: "external" };
    expect(problemsOf(config)).toEqual(["buckets.other-bucket: no target uses this bucket (targets use: fsx4l-store)"]);
  });

  it("rejects an owned bucket whose targets deploy to different accounts", () => {
    const config = notificationsConfig();
    config.targets[1].assumeRole = { roleArn: "arn:aws:iam::210987654321:role/deployer" };
    expect(problemsOf(config)).toEqual([
      'targets[1].assumeRole: bucket "fsx4l-store" has an owned notification configuration, so its targets must deploy to one account (target "genomics-raw" uses default)',
    ]);
  });

  it("rejects AWS managed keys, which S3 and EventBridge cannot use, and explains why", () => {
    const config = exampleConfig();
    config.targets[0].notifications = { kmsKeyArn: "alias/aws/sns" };
    config.targets[1].notifications = { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/aws/sns" };
    const problems = problemsOf(config);
    expect(problems).toHaveLength(2);
    for (const p of problems) expect(p).toMatch(/notifications\.kmsKeyArn: an AWS managed key \(alias\/aws\/\.\.\.\)/);
  });

  it("accepts a customer managed key ARN in the topic's region only", () => {
    const config = exampleConfig();
    config.targets[0].notifications = { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd" };
    expect(resolveConfig(config).targets[0]!.notifications?.kmsKeyArn).toMatch(/key\/1234abcd/);
    config.targets[0].notifications.kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd";
    expect(problemsOf(config)).toEqual([
      "targets[0].notifications.kmsKeyArn: the key is in eu-west-1 but the target is in us-east-1; SNS needs a key in the topic's region (for a multi-Region key, give the ARN of its replica there)",
    ]);
    config.targets[0].notifications.kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:alias/my-key";
    expect(problemsOf(config)[0]).toMatch(/must be a KMS key ARN .* aliases are not accepted/);
  });

  it("checks subscriber endpoints and names what is allowed", () => {
    const config = exampleConfig();
    config.targets[0].notifications = {
      email: ["not-an-address"],
      https: ["http://hooks.example.com/x"],
      sqsQueueArns: ["arn:aws:sns:us-east-1:123456789012:t"],
      completedVia: "s3",
    };
    expect(problemsOf(config)).toEqual([
      "targets[0].notifications.email[0]: must be an email address",
      "targets[0].notifications.https[0]: must be an https:// URL",
      "targets[0].notifications.sqsQueueArns[0]: must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>)",
      'targets[0].notifications.completedVia: invalid completedVia "s3"; allowed: eventbridge, bucket-notifications',
    ]);
  });

  it("reserves the bucket notification stack names", () => {
    const config = exampleConfig();
    config.targets[0].name = "bucket-notifications-x";
    expect(problemsOf(config)).toContain(
      'targets[0].name: names starting with "bucket-notifications-" are reserved for bucket notification stacks',
    );
  });
});

describe("notification digests", () => {
  it("take a window of 5 minutes to a day", () => {
    const config = notificationsConfig();
    config.targets[0].notifications.digest = { windowMinutes: 4 };
    expect(problemsOf(config)).toEqual(["targets[0].notifications.digest.windowMinutes: must be at least 5 (minutes)"]);
    config.targets[0].notifications.digest = { windowMinutes: 60 };
    expect(resolveConfig(config).targets[0]!.notifications!.digest).toEqual({ windowMinutes: 60 });
  });

  it("need email subscribers, the only ones that receive digests", () => {
    const config = exampleConfig();
    config.targets[0].notifications = { https: ["https://hooks.example.com/x"], digest: { windowMinutes: 15 } };
    expect(problemsOf(config)).toEqual([
      "targets[0].notifications.digest: only email subscribers receive digests, and this target has none; add notifications.email or remove digest",
    ]);
  });

  it("need S3's events through EventBridge, whose messages a digest can sort", () => {
    const config = notificationsConfig();
    config.targets[1].notifications.digest = { windowMinutes: 15 };
    expect(problemsOf(config)).toEqual([
      "targets[1].notifications.digest: needs completedVia \"eventbridge\": the messages S3's bucket notifications send are S3's own event records, which a digest cannot sort (and email filters cannot tell from digests)",
    ]);
  });
});
