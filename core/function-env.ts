/**
 * The environment contract between the stacks and the Lambda functions: what a stack writes into a
 * function's environment (`encode…`) beside what the function reads back (`decode…`), so the two sides
 * cannot drift. The variable names are in core/contract.ts. Pure: the stacks (cdktf) and the functions
 * (AWS SDK) both import it. Every decoder throws HandlerConfigError naming the variable at fault.
 */
import { DIGEST_ENV, RESTORE_ENV, ROUTER_ENV } from "./contract";
import { associationProblem, FSX_IMPORT_ENV, type FsxAssociation } from "./fsx-import";
import type { ReaderLogSource, Route } from "./reader-logs";
import {
  DEFAULT_DIRECTORY_LIMITS,
  type Budget,
  type DirectoryLimits,
  type RestoreMode,
  type RestoreScope,
} from "./restore-policy";
import { TIERS, type Tier } from "./restore-rules";

/** A function's environment as Lambda hands it over (and as `process.env` types it). */
export type FunctionEnv = Readonly<Record<string, string | undefined>>;

/** A function's environment is unusable: thrown at the handler entry, so every invocation fails (and alarms). */
export class HandlerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HandlerConfigError";
  }
}

/**
 * `text` as a whole number in [min, max], or undefined. Only the canonical decimal form is accepted:
 * round-tripping through String rejects "", " 7", "07", "7.0", "1e3", fractions and unsafe integers.
 */
export function parseWholeNumber(
  text: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const n = Number(text);
  if (text === undefined || !Number.isSafeInteger(n) || String(n) !== text || n < min || n > max) return undefined;
  return n;
}

interface WholeNumberRule {
  readonly min: number;
  readonly max?: number;
  /** Named in the message ("a whole number of days"). */
  readonly unit?: string;
}

/** The variable `name` as a whole number by `rule`; throws HandlerConfigError naming it and what it got. */
export function wholeNumberFromEnv(env: FunctionEnv, name: string, rule: WholeNumberRule): number {
  const text = env[name];
  const n = parseWholeNumber(text, rule.min, rule.max);
  if (n !== undefined) return n;
  const range = rule.max === undefined ? `, at least ${rule.min}` : ` from ${rule.min} to ${rule.max}`;
  throw new HandlerConfigError(
    `${name} must be a whole number${rule.unit ? ` of ${rule.unit}` : ""}${range}; got ${text === undefined ? "nothing" : JSON.stringify(text)}`,
  );
}

/** Like wholeNumberFromEnv, for a variable that may be absent or empty (then undefined). */
function optionalWholeNumber(env: FunctionEnv, name: string, rule: WholeNumberRule): number | undefined {
  return env[name] === undefined || env[name] === "" ? undefined : wholeNumberFromEnv(env, name, rule);
}

// ---------------------------------------------------------------------------------------------------
// The restore function (stacks/constructs/restore-function.ts → functions/restore/config.ts)

/** The restore function's settings: what the stack encodes and the function decodes. */
export interface RestoreFunctionConfig {
  /** Tier asked for when the archive allows it (RESTORE_TIER). */
  readonly tier: Tier;
  /** Days a restored copy stays readable (RESTORED_OBJECT_AVAILABILITY_DAYS). */
  readonly days: number;
  /** Only events for this bucket are acted on (TARGET_BUCKET). */
  readonly bucket: string;
  /** Only keys starting with this are acted on (TARGET_PREFIX, may be empty). */
  readonly prefix: string;
  /** DynamoDB table for cross-container claims (CLAIM_TABLE); no claims when absent. */
  readonly claimTable?: string;
  /** How long a claim holds (CLAIM_TTL_SECONDS, written only with a claims table; default 900). */
  readonly claimTtlSeconds: number;
  /** The configuration target this function serves (TARGET_NAME), named in notifications. */
  readonly targetName?: string;
  /** SNS topic for "restore initiated" notifications (NOTIFY_TOPIC_ARN); none when absent. */
  readonly notifyTopicArn?: string;
  /** What one miss restores (RESTORE_SCOPE, present only for "directory"); limits of a directory expansion. */
  readonly scope?: RestoreScope;
  readonly directory?: DirectoryLimits;
  /** Daily limits (BUDGET_MAX_*_PER_DAY) and the queue keeping what they refuse (DEFERRED_QUEUE_URL). */
  readonly budget?: Budget;
  readonly deferredQueueUrl?: string;
  /** RESTORE_MODE "observe": decide and count, restore nothing (present only for "observe"). */
  readonly mode?: RestoreMode;
}

/** CLAIM_TTL_SECONDS when the stack writes none (no claims table). */
export const DEFAULT_CLAIM_TTL_SECONDS = 900;
const CLAIM_TTL = { min: 60, max: 86_400 } as const;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

/**
 * The restore function's environment. Values may be Terraform references (a table's name, a queue's URL):
 * they are written as given. Only what differs from "object scope, no budget, restore mode" is written.
 */
export function encodeRestoreEnv(c: RestoreFunctionConfig): Record<string, string> {
  const directory = c.directory ?? DEFAULT_DIRECTORY_LIMITS;
  return {
    [RESTORE_ENV.tier]: c.tier,
    [RESTORE_ENV.days]: String(c.days),
    [RESTORE_ENV.bucket]: c.bucket,
    [RESTORE_ENV.prefix]: c.prefix,
    ...(c.targetName !== undefined ? { [RESTORE_ENV.target]: c.targetName } : {}),
    ...(c.claimTable !== undefined
      ? { [RESTORE_ENV.claimTable]: c.claimTable, [RESTORE_ENV.claimTtlSeconds]: String(c.claimTtlSeconds) }
      : {}),
    ...(c.notifyTopicArn !== undefined ? { [RESTORE_ENV.topicArn]: c.notifyTopicArn } : {}),
    ...(c.scope === "directory"
      ? {
          [RESTORE_ENV.scope]: "directory",
          [RESTORE_ENV.directoryMaxObjects]: String(directory.maxObjects),
          [RESTORE_ENV.directoryMaxBytes]: String(directory.maxBytes),
        }
      : {}),
    ...(c.budget?.maxRestoresPerDay !== undefined
      ? { [RESTORE_ENV.budgetMaxRestores]: String(c.budget.maxRestoresPerDay) }
      : {}),
    ...(c.budget?.maxBytesPerDay !== undefined
      ? { [RESTORE_ENV.budgetMaxBytes]: String(c.budget.maxBytesPerDay) }
      : {}),
    ...(c.deferredQueueUrl !== undefined ? { [RESTORE_ENV.deferredQueueUrl]: c.deferredQueueUrl } : {}),
    ...(c.mode === "observe" ? { [RESTORE_ENV.mode]: "observe" } : {}),
  };
}

function decodeTier(env: FunctionEnv): Tier {
  const tier = env[RESTORE_ENV.tier];
  if (tier && (TIERS as readonly string[]).includes(tier)) return tier as Tier;
  throw new HandlerConfigError(
    `${RESTORE_ENV.tier} must be one of ${TIERS.join(", ")}; got ${tier === undefined ? "nothing" : JSON.stringify(tier)}`,
  );
}

function decodeTopicArn(env: FunctionEnv): string | undefined {
  const topic = env[RESTORE_ENV.topicArn];
  if (topic === undefined || topic === "") return undefined;
  if (SNS_TOPIC_ARN.test(topic)) return topic;
  throw new HandlerConfigError(
    `${RESTORE_ENV.topicArn} must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); got ${JSON.stringify(topic)}`,
  );
}

/** One of `allowed` (the first when unset or empty); throws naming the variable. */
function decodeChoice<T extends string>(env: FunctionEnv, name: string, allowed: readonly [T, T]): T {
  const value = env[name] || allowed[0];
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new HandlerConfigError(`${name} must be ${allowed.join(" or ")}; got ${JSON.stringify(value)}`);
}

/** The budget, its queue, the scope and its limits; a budget or a directory scope needs the claims table. */
function decodePolicy(env: FunctionEnv): Partial<RestoreFunctionConfig> {
  const scope = decodeChoice<RestoreScope>(env, RESTORE_ENV.scope, ["object", "directory"]);
  const mode = decodeChoice<RestoreMode>(env, RESTORE_ENV.mode, ["restore", "observe"]);
  const maxRestoresPerDay = optionalWholeNumber(env, RESTORE_ENV.budgetMaxRestores, { min: 1 });
  const maxBytesPerDay = optionalWholeNumber(env, RESTORE_ENV.budgetMaxBytes, { min: 1 });
  const budgeted = maxRestoresPerDay !== undefined || maxBytesPerDay !== undefined;
  const deferredQueueUrl = env[RESTORE_ENV.deferredQueueUrl];
  // A budget without its queue or counters would drop what it refuses, or count nowhere.
  if (budgeted && (!deferredQueueUrl || !env[RESTORE_ENV.claimTable]))
    throw new HandlerConfigError(
      `a budget (BUDGET_MAX_*_PER_DAY) needs ${RESTORE_ENV.deferredQueueUrl} and ${RESTORE_ENV.claimTable}`,
    );
  if (scope === "directory" && !env[RESTORE_ENV.claimTable])
    throw new HandlerConfigError(
      `${RESTORE_ENV.scope} directory needs ${RESTORE_ENV.claimTable} (directories are claimed)`,
    );
  const limit = (name: string, fallback: number) => optionalWholeNumber(env, name, { min: 1 }) ?? fallback;
  return {
    ...(scope === "directory"
      ? {
          scope,
          directory: {
            maxObjects: limit(RESTORE_ENV.directoryMaxObjects, DEFAULT_DIRECTORY_LIMITS.maxObjects),
            maxBytes: limit(RESTORE_ENV.directoryMaxBytes, DEFAULT_DIRECTORY_LIMITS.maxBytes),
          },
        }
      : {}),
    ...(budgeted
      ? {
          budget: {
            ...(maxRestoresPerDay !== undefined ? { maxRestoresPerDay } : {}),
            ...(maxBytesPerDay !== undefined ? { maxBytesPerDay } : {}),
          },
          deferredQueueUrl,
        }
      : {}),
    ...(mode === "observe" ? { mode } : {}),
  };
}

/** The restore function's settings from its environment; throws HandlerConfigError naming the variable. */
export function decodeRestoreEnv(env: FunctionEnv): RestoreFunctionConfig {
  const tier = decodeTier(env);
  const days = wholeNumberFromEnv(env, RESTORE_ENV.days, { min: 1, unit: "days" });
  const bucket = env[RESTORE_ENV.bucket];
  if (!bucket)
    throw new HandlerConfigError(`${RESTORE_ENV.bucket} must name the bucket whose objects this function restores`);
  const claimTtlSeconds = wholeNumberFromEnv(
    { [RESTORE_ENV.claimTtlSeconds]: String(DEFAULT_CLAIM_TTL_SECONDS), ...definedOnly(env) },
    RESTORE_ENV.claimTtlSeconds,
    CLAIM_TTL,
  );
  const topic = decodeTopicArn(env);
  const policy = decodePolicy(env);
  const claimTable = env[RESTORE_ENV.claimTable];
  const targetName = env[RESTORE_ENV.target];
  return {
    tier,
    days,
    bucket,
    prefix: env[RESTORE_ENV.prefix] ?? "",
    ...(claimTable ? { claimTable } : {}),
    claimTtlSeconds,
    ...(targetName ? { targetName } : {}),
    ...(topic ? { notifyTopicArn: topic } : {}),
    ...policy,
  };
}

/** The variables that are set (an `undefined` value would hide a default spread before it). */
function definedOnly(env: FunctionEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

// ---------------------------------------------------------------------------------------------------
// The digest function (stacks/constructs/restore-digest.ts → functions/restore/index.ts)

export interface DigestFunctionConfig {
  readonly queueUrl: string;
  readonly topicArn: string;
  readonly target: string;
  readonly windowMinutes: number;
}

export function encodeDigestEnv(c: DigestFunctionConfig): Record<string, string> {
  return {
    [DIGEST_ENV.queueUrl]: c.queueUrl,
    [DIGEST_ENV.topicArn]: c.topicArn,
    [DIGEST_ENV.target]: c.target,
    [DIGEST_ENV.windowMinutes]: String(c.windowMinutes),
  };
}

export function decodeDigestEnv(env: FunctionEnv): DigestFunctionConfig {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new HandlerConfigError(`${name} must be set for the digest function`);
    return value;
  };
  need(DIGEST_ENV.windowMinutes);
  const windowMinutes = wholeNumberFromEnv(env, DIGEST_ENV.windowMinutes, { min: 1, unit: "minutes" });
  return {
    queueUrl: need(DIGEST_ENV.queueUrl),
    topicArn: need(DIGEST_ENV.topicArn),
    target: need(DIGEST_ENV.target),
    windowMinutes,
  };
}

// ---------------------------------------------------------------------------------------------------
// The log router (stacks/log-trigger-stack.ts → functions/router)

export interface RouterFunctionConfig {
  readonly source: ReaderLogSource;
  readonly routes: readonly Route[];
}

export function encodeRouterEnv(c: RouterFunctionConfig): Record<string, string> {
  return { [ROUTER_ENV.source]: c.source, [ROUTER_ENV.routes]: JSON.stringify(c.routes) };
}

function isRoute(r: unknown): r is Route {
  const x = r as Record<string, unknown> | null;
  return (
    typeof x?.target === "string" &&
    typeof x.functionName === "string" &&
    typeof x.bucket === "string" &&
    typeof x.prefix === "string" &&
    (x.readers === undefined || (Array.isArray(x.readers) && x.readers.every((v) => typeof v === "string")))
  );
}

/** A non-empty JSON list whose every element passes `valid`; throws `usage` otherwise. */
function jsonListFromEnv<T>(env: FunctionEnv, name: string, valid: (x: unknown) => x is T, usage: string): T[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(env[name] ?? "");
  } catch {
    throw new HandlerConfigError(usage);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(valid)) throw new HandlerConfigError(usage);
  return parsed;
}

export function decodeRouterEnv(env: FunctionEnv): RouterFunctionConfig {
  const source = env[ROUTER_ENV.source];
  if (source !== "fsx-logs" && source !== "file-gateway-logs")
    throw new HandlerConfigError(
      `${ROUTER_ENV.source} must be fsx-logs or file-gateway-logs; got ${JSON.stringify(source)}`,
    );
  const usage = `${ROUTER_ENV.routes} must be a JSON list of {target, functionName, bucket, prefix, readers?}`;
  return { source, routes: jsonListFromEnv(env, ROUTER_ENV.routes, isRoute, usage) };
}

// ---------------------------------------------------------------------------------------------------
// The FSx import function (stacks/constructs/fsx-import.ts → functions/fsx-import)

export function encodeFsxImportEnv(associations: readonly FsxAssociation[]): Record<string, string> {
  return { [FSX_IMPORT_ENV.associations]: JSON.stringify(associations) };
}

function isAssociation(a: unknown): a is FsxAssociation {
  const x = a as Record<string, unknown> | null;
  return (
    typeof x?.fileSystemId === "string" &&
    typeof x.fileSystemPath === "string" &&
    typeof x.dataRepositoryPath === "string" &&
    associationProblem(x as unknown as FsxAssociation) === undefined
  );
}

/** The associations; a wrong value fails every invocation (and so alarms). */
export function decodeFsxImportEnv(env: FunctionEnv): FsxAssociation[] {
  const usage = `${FSX_IMPORT_ENV.associations} must be a JSON list of {fileSystemId, fileSystemPath, dataRepositoryPath}`;
  return jsonListFromEnv(env, FSX_IMPORT_ENV.associations, isAssociation, usage);
}
