import type { PlannedChange } from "./stack-run";

/** A difference between moto and AWS that shows up as a change on the plan after apply. */
interface ToleratedDiff {
  readonly type: string;
  readonly attribute: string;
  readonly why: string;
}

/**
 * The only changes a second plan may show (moto 5.2.1). Anything else fails the deploy proof. The other gaps
 * seen (CloudTrail trail lookup by ARN and DescribeTrails' name list, SQS RedrivePolicy spacing, S3's
 * EventBridgeConfiguration read back) are patched in moto itself (testing/deploy/moto_server.py) instead.
 */
export const TOLERATED_DIFFS: readonly ToleratedDiff[] = [
  {
    type: "aws_lambda_function",
    attribute: "logging_config",
    // moto/awslambda/models.py (LambdaFunction): no logging_config attribute, get_configuration() answers no
    // LoggingConfig, so the provider reads `logging_config = []` after applying the JSON log settings.
    why: "moto 5.2.1 does not store a function's LoggingConfig, so every read shows it unset",
  },
];

const tolerated = (type: string, attribute: string) =>
  TOLERATED_DIFFS.some((gap) => gap.type === type && gap.attribute === attribute);

/** Splits planned changes into the documented moto gaps and everything else. */
export function classifyChanges(changes: readonly PlannedChange[]): { gaps: string[]; unexpected: string[] } {
  const gaps: string[] = [];
  const unexpected: string[] = [];
  for (const change of changes) {
    const label = `${change.address} (${change.actions.join("/")}: ${change.attributes.join(", ") || "whole"})`;
    const isGap =
      change.actions.length === 1 &&
      change.actions[0] === "update" &&
      change.attributes.length > 0 &&
      change.attributes.every((a) => tolerated(change.type, a));
    (isGap ? gaps : unexpected).push(label);
  }
  return { gaps, unexpected };
}
