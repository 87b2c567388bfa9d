/**
 * Validates a raw configuration and resolves it: schema (schema.ts), templates and field problems
 * (errors.ts), defaults per target (defaults.ts), every ARN against where it is used (arns.ts), rules
 * across targets (rules.ts), extra stacks (topology.ts). Every problem is reported at once.
 */
import { configSchema } from "./schema";
import { applyDefaults } from "./defaults";
import { checkConfigArns } from "./arns";
import { ConfigError, describeIssue, templateSequenceProblems } from "./errors";
import { checkRegions, checkTargetsAgainstEachOther, checkTrailBudget, readableTargets } from "./rules";
import { bucketOwners, groupLogTriggers, groupSharedTrails } from "./topology";
import type { ResolvedConfig } from "./types";

export { BUILT_IN_DEFAULTS } from "./defaults";
export { ConfigError, formatPath, templateSequenceProblems } from "./errors";
export { MAX_SELECTOR_VALUES_PER_TRAIL, MAX_TRAILS_PER_REGION, selectorValueCount } from "./rules";
export {
  BOOTSTRAP_STACK,
  BUCKET_NOTIFICATIONS_STACK_PREFIX,
  LOG_TRIGGER_STACK_PREFIX,
  SHARED_TRAIL_STACK_PREFIX,
  usesCloudTrail,
} from "./topology";
export type * from "./types";

/** Validates raw configuration and applies defaults; throws ConfigError listing every problem. */
export function resolveConfig(raw: unknown): ResolvedConfig {
  const templateProblems = templateSequenceProblems(raw);
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // Field problems first, then what the targets that can still be read say about each other, so one
    // run reports everything there is to fix (not the overlap only after the tier is fixed).
    const crossTarget: string[] = [];
    checkTargetsAgainstEachOther(readableTargets(raw), crossTarget);
    throw new ConfigError([...templateProblems, ...parsed.error.issues.map(describeIssue), ...crossTarget]);
  }
  if (templateProblems.length > 0) throw new ConfigError(templateProblems);
  const config = parsed.data;
  const problems: string[] = [];
  checkRegions(config, problems);
  const targets = config.targets.map((t, i) => applyDefaults(t, config.defaults, i, problems));
  checkConfigArns(config, targets, problems);
  if (config.stateBackend.locking === "dynamodb" && !config.stateBackend.dynamodbTable)
    problems.push('stateBackend.dynamodbTable: is required when stateBackend.locking is "dynamodb"');
  if (config.stateBackend.locking !== "dynamodb" && config.stateBackend.dynamodbTable)
    problems.push('stateBackend.dynamodbTable: only allowed when stateBackend.locking is "dynamodb"');
  checkTargetsAgainstEachOther(targets, problems);
  const sharedTrails = groupSharedTrails(targets, config.defaults, problems);
  checkTrailBudget(targets, sharedTrails, problems);
  const bucketNotificationOwners = bucketOwners(targets, config, problems);
  const logTriggers = groupLogTriggers(targets, config.defaults, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    stateBackend: config.stateBackend,
    defaultTags: { ...config.defaults.tags },
    targets,
    sharedTrails,
    bucketNotificationOwners,
    logTriggers,
  };
}
