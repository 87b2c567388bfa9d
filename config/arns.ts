/**
 * Every ARN the configuration takes, and what it must share with the place that uses it (the target, or
 * the state backend): checked in one place, so a key, topic or trail that AWS would refuse at apply time,
 * or that could never see the target's events, is reported with the rest of the configuration's problems.
 */
import { isIsolatedRegion, partitionOf } from "../core/partition";
import type { ParsedConfig } from "./schema";
import { accountKey, usesCloudTrail } from "./topology";
import type { ResolvedTarget } from "./types";

/** One ARN-valued field: what must match, why, and the AWS page that says so. */
export interface ConfigArn {
  /** Where it sits in a target (and in `defaults`, or `stateBackend` for assumeRole): dotted path. */
  readonly field: string;
  /** What the ARN names, for messages ("the topic"). */
  readonly what: string;
  /** "target": must be in the target's region; "any": AWS uses it across regions. */
  readonly region: "target" | "any";
  /** "target": must be in the account the target deploys to (when known); "any": AWS allows another. */
  readonly account: "target" | "any";
  /** Why, in one line: what AWS does with it (the region or account rule's reason). */
  readonly why: string;
  /** The AWS page it comes from. */
  readonly doc: string;
  /** Whether a target uses the value at all (absent: whenever it is set). */
  readonly usedBy?: (t: ResolvedTarget) => boolean;
}

/**
 * Partitions are hard boundaries: "You cannot use IAM credentials from one partition to interact with
 * resources in a different partition" (AWS Fault Isolation Boundaries, "Partitions",
 * https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html). So every
 * ARN below must be in the partition of the region that uses it.
 */
const PARTITION_WHY = "credentials and resources of one AWS partition cannot reach another";

export const CONFIG_ARNS: readonly ConfigArn[] = [
  {
    field: "assumeRole.roleArn",
    what: "the role",
    region: "any",
    account: "any",
    why: "IAM roles are global within a partition, and the role decides which account is deployed to",
    doc: "https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html",
  },
  {
    field: "trail.existingTrailArn",
    what: "the trail",
    region: "any",
    account: "any",
    why: "a multi-Region trail logs every enabled Region but its ARN names its home Region, and an organization trail belongs to the management account",
    doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-create-trail.html (multi-Region trail); https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_TrailInfo.html (HomeRegion); https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html (IsOrganizationTrail)",
    usedBy: (t) => t.trail.mode === "existing" && usesCloudTrail(t),
  },
  {
    field: "trail.readerArnPrefixes",
    what: "the principal",
    region: "any",
    account: "any",
    why: "readers may be principals of any account; IAM and STS ARNs name no region",
    doc: "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html (userIdentity.arn)",
    usedBy: usesCloudTrail,
  },
  {
    field: "notifications.kmsKeyArn",
    what: "the key",
    region: "target",
    account: "any",
    why: "SNS needs a key in the topic's region (for a multi-Region key, give the ARN of its replica there)",
    doc: "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
  },
  {
    field: "notifications.sqsQueueArns",
    what: "the queue",
    region: "any",
    account: "any",
    why: "SNS delivers to SQS queues in other regions and accounts (the queue's policy must let the topic send)",
    doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-cross-region-delivery.html",
  },
  {
    // PutMetricAlarm takes AlarmActions as arn:aws:sns:<region>:<account>:<topic> and answers
    // "ValidationError: Invalid region <topic's> specified. Only <alarm's> is supported." for another region
    // (reported in cds-snc/notification-terraform#128; "Invalid partition aws specified. Only aws-us-gov is
    // supported." in aws-samples/amazon-cloudwatch-auto-alarms#61). The topic may be in another account
    // whose topic policy lets cloudwatch.amazonaws.com publish.
    field: "alarms.topicArn",
    what: "the topic",
    region: "target",
    account: "any",
    why: "CloudWatch alarm actions must name an SNS topic in the alarm's region",
    doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmActions)",
    usedBy: (t) => t.alarms.enabled,
  },
];

/** The value at a dotted path of a target, defaults or state backend object. */
function valueAt(holder: unknown, field: string): unknown {
  return field
    .split(".")
    .reduce<unknown>(
      (o, key) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined),
      holder,
    );
}

/** The ARNs at a dotted path (none when unset), and whether the field is a list. */
export function arnsAt(holder: unknown, field: string): { arns: string[]; list: boolean } {
  const value = valueAt(holder, field);
  if (Array.isArray(value)) return { arns: value.filter((v): v is string => typeof v === "string"), list: true };
  return { arns: typeof value === "string" ? [value] : [], list: false };
}

/** Where an ARN is used: its region (and account, when the configuration names it). */
export interface ArnPlace {
  readonly region: string;
  readonly account?: string;
  /** "the target", `targets[1] ("name"), which inherits it,` or "the state backend". */
  readonly subject: string;
}

/** What is wrong with one ARN used at a place, or undefined. */
function arnProblem(rule: ConfigArn, arn: string, place: ArnPlace): string | undefined {
  const [, partition, , region, account] = arn.split(":");
  const expected = partitionOf(place.region).name;
  if (partition !== expected)
    return `${rule.what} is in partition ${partition} but ${place.subject} is in ${place.region} (partition ${expected}); ${PARTITION_WHY}`;
  if (rule.region === "target" && region !== place.region)
    return `${rule.what} is in ${region} but ${place.subject} is in ${place.region}; ${rule.why}`;
  if (rule.account === "target" && place.account && account !== place.account)
    return `${rule.what} is in account ${account} but ${place.subject} deploys to account ${place.account}; ${rule.why}`;
  return undefined;
}

/** Checks the ARNs of one place; `pathOf` names where a field's value was written. */
export function checkArnsAt(
  holder: unknown,
  place: ArnPlace,
  pathOf: (field: string) => string,
  problems: string[],
  rules: readonly ConfigArn[] = CONFIG_ARNS,
): void {
  // A missing region is reported by itself, and isolated partitions are refused as a whole.
  if (!place.region || isIsolatedRegion(place.region)) return;
  for (const rule of rules) {
    const { arns, list } = arnsAt(holder, rule.field);
    arns.forEach((arn, i) => {
      const problem = arnProblem(rule, arn, place);
      if (problem) problems.push(`${pathOf(rule.field)}${list ? `[${i}]` : ""}: ${problem}`);
    });
  }
}

/** Every ARN of the configuration against the target (or state backend) that uses it. */
export function checkConfigArns(config: ParsedConfig, targets: readonly ResolvedTarget[], problems: string[]): void {
  const sb = config.stateBackend;
  checkArnsAt(sb, { region: sb.region, subject: "the state backend" }, (f) => `stateBackend.${f}`, problems);
  targets.forEach((t, i) => {
    const input = config.targets[i];
    const account = accountKey(t.assumeRole);
    for (const rule of CONFIG_ARNS) {
      if (rule.usedBy && !rule.usedBy(t)) continue;
      const own = arnsAt(input, rule.field).arns.length > 0;
      const place = {
        region: t.region,
        ...(account === "default" ? {} : { account }),
        subject: own ? "the target" : `targets[${i}] ("${t.name}"), which inherits it,`,
      };
      checkArnsAt(t, place, (f) => `${own ? `targets[${i}]` : "defaults"}.${f}`, problems, [rule]);
    }
  });
}
