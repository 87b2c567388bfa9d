/**
 * The SDK's standard retries (exponential backoff with jitter, retry quota), except for errors the handler
 * answers itself: a 503 GlacierExpeditedRetrievalNotAvailable means "ask again with Standard", and
 * retrying the same Expedited request would only wait and fail again.
 */
import { StandardRetryStrategy } from "@smithy/core/retry";
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from "@smithy/types";
import { errorName } from "./aws-errors";

const ANSWERED_BY_HANDLER = new Set(["GlacierExpeditedRetrievalNotAvailable"]);

export class RestoreRetryStrategy implements RetryStrategyV2 {
  readonly mode = "standard";
  private readonly standard: StandardRetryStrategy;

  /** `maxAttempts` counts the first try: 3 is the SDK default. */
  constructor(maxAttempts: number, standard?: StandardRetryStrategy) {
    this.standard = standard ?? new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(scope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    if (ANSWERED_BY_HANDLER.has(errorName(info.error) ?? "")) return Promise.reject(info.error);
    return this.standard.refreshRetryTokenForRetry(token, info);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}

/** Attempts per S3 call: AWS_MAX_ATTEMPTS when it is a positive integer, else the SDK default of 3. */
export function maxAttemptsFrom(env: Readonly<Record<string, string | undefined>>): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? n : 3;
}
