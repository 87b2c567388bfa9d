import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CONFIG_ARNS, checkArnsAt, type ConfigArn } from "../../config/arns";
import { configJsonSchema } from "../../config/json-schema";
import { resolveConfig } from "../../config/resolve";
import { exampleConfig, problemsOf } from "../../testing/config";
import { proofConfigurations } from "../../testing/configurations";

const PARTITION_WHY = "credentials and resources of one AWS partition cannot reach another";

/** Every property path of the JSON Schema whose name says it holds ARNs (roleArn, topicArn, ...Arns, ...ArnPrefixes). */
function arnFields(node: any, prefix: string): string[] {
  if (node?.type === "array" && node.items) return arnFields(node.items, prefix);
  if (node?.additionalProperties?.properties) return arnFields(node.additionalProperties, `${prefix}.<key>`);
  if (node?.anyOf || node?.oneOf) return [...(node.anyOf ?? node.oneOf)].flatMap((n: any) => arnFields(n, prefix));
  return Object.entries(node?.properties ?? {}).flatMap(([key, child]) => {
    const here = prefix ? `${prefix}.${key}` : key;
    return [...(/Arns?$|ArnPrefixes$/.test(key) ? [here] : []), ...arnFields(child, here)];
  });
}

describe("the ARN table", () => {
  it("lists every ARN the configuration takes, each with a reason and an AWS page", () => {
    const listed = CONFIG_ARNS.map((r) => r.field).sort();
    const fields = new Set(arnFields(configJsonSchema(), ""));
    const expected = new Set(listed.flatMap((f) => [`targets.${f}`, `defaults.${f}`]));
    expected.add("stateBackend.assumeRole.roleArn");
    expect([...fields].sort()).toEqual([...expected].sort());
    for (const rule of CONFIG_ARNS) {
      expect(rule.why.length).toBeGreaterThan(20);
      expect(rule.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  it("requires the target's region only where AWS does (alarm topic, topic key)", () => {
    expect(CONFIG_ARNS.filter((r) => r.region === "target").map((r) => r.field)).toEqual([
      "notifications.kmsKeyArn",
      "alarms.topicArn",
    ]);
  });

  it("keeps every proof configuration and cdktf.json's example valid", () => {
    for (const config of Object.values(proofConfigurations())) expect(() => resolveConfig(config)).not.toThrow();
    const cdktf = JSON.parse(readFileSync(path.join(__dirname, "../../cdktf.json"), "utf8"));
    expect(() => resolveConfig(cdktf.context.glacierRestore)).not.toThrow();
  });
});

describe("alarms.topicArn", () => {
  it("rejects a topic in another region, naming the field and both regions", () => {
    const c = exampleConfig();
    c.targets[0].alarms = { topicArn: "arn:aws:sns:eu-west-1:123456789012:ops" };
    expect(problemsOf(c)).toEqual([
      "targets[0].alarms.topicArn: the topic is in eu-west-1 but the target is in us-east-1; CloudWatch alarm actions must name an SNS topic in the alarm's region",
    ]);
  });

  it("names defaults and each target that inherits a topic from another region", () => {
    const c = exampleConfig();
    c.defaults.alarms = { topicArn: "arn:aws:sns:us-west-2:123456789012:ops" };
    c.targets[1].alarms = { topicArn: "arn:aws:sns:us-east-1:123456789012:ops" };
    expect(problemsOf(c)).toEqual([
      'defaults.alarms.topicArn: the topic is in us-west-2 but targets[0] ("genomics-raw"), which inherits it, is in us-east-1; CloudWatch alarm actions must name an SNS topic in the alarm\'s region',
    ]);
  });

  it("accepts a topic of another account in the target's region, and ignores it when alarms are off", () => {
    const c = exampleConfig();
    c.defaults.alarms = { topicArn: "arn:aws:sns:us-east-1:210987654321:ops" };
    expect(resolveConfig(c).targets[0]!.alarms.topicArn).toBe("arn:aws:sns:us-east-1:210987654321:ops");
    c.defaults.alarms = { enabled: false, topicArn: "arn:aws:sns:eu-west-1:123456789012:ops" };
    expect(() => resolveConfig(c)).not.toThrow();
  });
});

describe("partitions", () => {
  function govcloud() {
    const c = exampleConfig();
    c.stateBackend.region = "us-gov-west-1";
    c.defaults.region = "us-gov-west-1";
    c.targets = [c.targets[0]];
    return c;
  }

  it("rejects ARNs of another partition, each at its own path", () => {
    const c = govcloud();
    c.stateBackend.assumeRole = { roleArn: "arn:aws:iam::123456789012:role/state" };
    c.targets[0].assumeRole = { roleArn: "arn:aws:iam::123456789012:role/deployer" };
    c.targets[0].trail = {
      readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
    };
    c.targets[0].notifications = {
      sqsQueueArns: ["arn:aws-us-gov:sqs:us-gov-east-1:123456789012:ok", "arn:aws:sqs:us-east-1:123456789012:q"],
    };
    const gov = "is in us-gov-west-1 (partition aws-us-gov)";
    expect(problemsOf(c)).toEqual([
      `stateBackend.assumeRole.roleArn: the role is in partition aws but the state backend ${gov}; ${PARTITION_WHY}`,
      `targets[0].assumeRole.roleArn: the role is in partition aws but the target ${gov}; ${PARTITION_WHY}`,
      `targets[0].trail.readerArnPrefixes[0]: the principal is in partition aws but the target ${gov}; ${PARTITION_WHY}`,
      `targets[0].notifications.sqsQueueArns[1]: the queue is in partition aws but the target ${gov}; ${PARTITION_WHY}`,
    ]);
  });

  it("rejects an existing trail of another partition, and reports no region on top of it", () => {
    const c = govcloud();
    c.defaults.trail = { mode: "existing", existingTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org" };
    expect(problemsOf(c)).toEqual([
      `defaults.trail.existingTrailArn: the trail is in partition aws but targets[0] ("genomics-raw"), which inherits it, is in us-gov-west-1 (partition aws-us-gov); ${PARTITION_WHY}`,
    ]);
  });
});

describe("ARNs AWS accepts from another region or account", () => {
  it("accepts an existing multi-Region or organization trail whose home is another region and account", () => {
    const c = exampleConfig();
    c.defaults.trail = { mode: "existing", existingTrailArn: "arn:aws:cloudtrail:eu-west-1:999999999999:trail/org" };
    expect(resolveConfig(c).targets[0]!.trail.existingTrailArn).toBe(
      "arn:aws:cloudtrail:eu-west-1:999999999999:trail/org",
    );
  });

  it("accepts queues of other regions and accounts, readers of other accounts, and a role of any account", () => {
    const c = exampleConfig();
    c.targets[0].assumeRole = { roleArn: "arn:aws:iam::210987654321:role/deployer" };
    c.targets[0].trail = { readerArnPrefixes: ["arn:aws:sts::999999999999:assumed-role/reader/"] };
    c.targets[0].notifications = { sqsQueueArns: ["arn:aws:sqs:eu-west-1:999999999999:restores"] };
    expect(() => resolveConfig(c)).not.toThrow();
  });
});

describe("checkArnsAt", () => {
  const sameAccount: ConfigArn = {
    field: "queue",
    what: "the queue",
    region: "any",
    account: "target",
    why: "this queue must belong to the deploying account",
    doc: "https://docs.aws.amazon.com/",
  };

  it("checks the account when a rule asks for it and the place names its account", () => {
    const problems: string[] = [];
    const holder = { queue: "arn:aws:sqs:us-east-1:111111111111:q" };
    checkArnsAt(holder, { region: "us-east-1", account: "222222222222", subject: "x" }, (f) => f, problems, [
      sameAccount,
    ]);
    checkArnsAt(holder, { region: "us-east-1", subject: "y" }, (f) => f, problems, [sameAccount]);
    checkArnsAt(holder, { region: "us-east-1", account: "111111111111", subject: "z" }, (f) => f, problems, [
      sameAccount,
    ]);
    expect(problems).toEqual([
      "queue: the queue is in account 111111111111 but x deploys to account 222222222222; this queue must belong to the deploying account",
    ]);
  });

  it("leaves places without a region, or in an isolated partition, to their own errors", () => {
    const problems: string[] = [];
    const holder = { queue: "arn:aws:sqs:us-east-1:111111111111:q" };
    checkArnsAt(holder, { region: "", account: "2", subject: "x" }, (f) => f, problems, [sameAccount]);
    checkArnsAt(holder, { region: "us-iso-east-1", account: "2", subject: "x" }, (f) => f, problems, [sameAccount]);
    expect(problems).toEqual([]);
  });
});
