/**
 * Reading AWS SDK errors, in one place for every function: the code S3/DynamoDB/SNS gave, the HTTP
 * status and the request ID (for a support case). By shape rather than `instanceof`, so a second copy of
 * the SDK cannot make an expected answer look like a failure.
 */
interface AwsErrorLike {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const shape = (err: unknown): AwsErrorLike | undefined =>
  typeof err === "object" && err !== null ? (err as AwsErrorLike) : undefined;

/** The error's name as the SDK sets it (`ConditionalCheckFailedException`, `RestoreAlreadyInProgress`). */
export function errorName(err: unknown): string | undefined {
  const name = shape(err)?.name;
  return typeof name === "string" ? name : undefined;
}

/** The service's error code (S3's `Code` when present, else the name); "UnknownError" otherwise. */
export function errorCode(err: unknown): string {
  const code = shape(err)?.Code;
  return typeof code === "string" ? code : (errorName(err) ?? "UnknownError");
}

export function httpStatus(err: unknown): number | undefined {
  return shape(err)?.$metadata?.httpStatusCode;
}

export function requestIdOf(err: unknown): string | undefined {
  return shape(err)?.$metadata?.requestId;
}
