/**
 * Lambda entry point. EventBridge invokes it asynchronously with one CloudTrail "AWS API Call" event per
 * failed GetObject; a thrown error makes Lambda retry and finally send the event to the on-failure queue.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { decodeDigestEnv, type DigestFunctionConfig } from "../../core/function-env";
import { DynamoBudgetStore } from "../../aws/budget";
import { DynamoClaimStore } from "../../aws/claims";
import { deferEvent } from "../../aws/deferred-queue";
import { createDigestHandler, type DigestResult } from "./digest";
import { configFromEnv, type HandlerConfig } from "./config";
import { SnsNotifier } from "./notify";
import { RecentRestores } from "./recent";
import { createRestoreHandler, type HandlerResult } from "./restore";
import { maxAttemptsFrom, RestoreRetryStrategy } from "../../aws/retry";
import { powertoolsLog, powertoolsMetrics, type Log, type RestoreMetrics } from "../../aws/telemetry";

export { configFromEnv, HandlerConfigError } from "./config";
export type { DigestResult } from "./digest";
export { NotificationFailedError, RestoreFailedError, type HandlerResult } from "./restore";

export interface Deps {
  readonly s3: S3Client;
  /** Defaults to the function's environment (RESTORE_TIER, RESTORED_OBJECT_AVAILABILITY_DAYS, TARGET_*). */
  readonly config?: HandlerConfig;
  readonly log?: Log;
  readonly metrics?: RestoreMetrics;
  readonly clock?: () => number;
  readonly recent?: RecentRestores;
  /** Used for claims when the configuration names a claim table; one is created when omitted. */
  readonly dynamodb?: DynamoDBClient;
  /** Used for "restore initiated" when the configuration names a topic; one is created when omitted. */
  readonly sns?: SNSClient;
  /** Used for the deferred queue when the configuration has a budget; one is created when omitted. */
  readonly sqs?: SQSClient;
}

export type Handler = (event: unknown, context?: unknown) => Promise<HandlerResult>;

/** Builds a handler around injected clients; configuration errors surface here, naming the variable. */
export function createHandler(deps: Deps): Handler {
  const config = deps.config ?? configFromEnv(process.env);
  const retryStrategy = () => new RestoreRetryStrategy(maxAttemptsFrom(process.env));
  const dynamodb = config.claimTable
    ? (deps.dynamodb ?? new DynamoDBClient({ retryStrategy: retryStrategy() }))
    : undefined;
  const claims = dynamodb ? new DynamoClaimStore(dynamodb, config.claimTable!, config.claimTtlSeconds) : undefined;
  const budget =
    dynamodb && config.budget ? new DynamoBudgetStore(dynamodb, config.claimTable!, config.budget) : undefined;
  const sqs = config.deferredQueueUrl ? (deps.sqs ?? new SQSClient({ retryStrategy: retryStrategy() })) : undefined;
  const defer = sqs
    ? (event: unknown, reason: string) => deferEvent(sqs, config.deferredQueueUrl!, event, reason)
    : undefined;
  const notifier = config.notifyTopicArn
    ? new SnsNotifier(deps.sns ?? new SNSClient({ retryStrategy: retryStrategy() }), config.notifyTopicArn)
    : undefined;
  const handle = createRestoreHandler({
    s3: deps.s3,
    config,
    log: deps.log ?? powertoolsLog(),
    metrics: deps.metrics ?? powertoolsMetrics(),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.recent ? { recent: deps.recent } : {}),
    ...(claims ? { claims } : {}),
    ...(notifier ? { notifier } : {}),
    ...(budget ? { budget } : {}),
    ...(defer ? { defer } : {}),
  });
  // The invocation's request ID goes into every log line, to find it next to Lambda's own lines.
  return (event, context) => handle(event, (context as { awsRequestId?: string } | undefined)?.awsRequestId);
}

let containerHandler: Handler | undefined;

/**
 * The Lambda handler. The S3 client and configuration are created once per container, on the first
 * invocation, from the SDK's standard environment (region, credentials, AWS_ENDPOINT_URL_S3). A bad
 * configuration throws on every invocation, so no event is dropped while it is wrong.
 */
export const handler: Handler = async (event, context) => {
  containerHandler ??= createHandler({
    s3: new S3Client({ retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(process.env)) }),
  });
  return containerHandler(event, context);
};

/** The digest function's settings, from its environment; throws HandlerConfigError naming the variable. */
export function digestConfigFromEnv(env: Readonly<Record<string, string | undefined>>): DigestFunctionConfig {
  return decodeDigestEnv(env);
}

let containerDigest: (() => Promise<DigestResult>) | undefined;

/** The digest Lambda handler, invoked on a schedule: one digest of the window's notifications. */
export const digestHandler = async (): Promise<DigestResult> => {
  containerDigest ??= createDigestHandler({
    ...digestConfigFromEnv(process.env),
    sqs: new SQSClient({ retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(process.env)) }),
    sns: new SNSClient({ retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(process.env)) }),
    log: powertoolsLog(),
    metrics: powertoolsMetrics(),
  });
  return containerDigest();
};
