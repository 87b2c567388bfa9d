/**
 * The operator command's one error boundary. Every failure of every command ends here as one line on
 * stderr that names what failed and what to do, and the documented exit status (2 bad usage, 1 anything
 * else): missing region or credentials, a network that refuses, does not resolve or does not answer, an
 * AWS error after the SDK's retries. Only GLACIER_RESTORE_DEBUG=1 adds the stack trace.
 */
import { STATUS_CODES } from "node:http";
import { errorCode, httpStatus } from "../aws/aws-errors";
import { GlacierRestoreError } from "../core/errors";

interface ErrorFields {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly hostname?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly $metadata?: { attempts?: number };
  readonly $response?: { headers?: Record<string, string | undefined> };
}

const fields = (err: unknown): ErrorFields => (typeof err === "object" && err !== null ? (err as ErrorFields) : {});

/** Error codes AWS services use for "slow down" (S3's 503 SlowDown among them). */
const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
]);

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "no answer in time",
};

/** " after 3 attempts" when the SDK retried. */
function attempts(err: unknown): string {
  const n = fields(err).$metadata?.attempts;
  return n !== undefined && n > 1 ? ` after ${n} attempts` : "";
}

/** A failure before any HTTP answer: the network, DNS, a timeout, the SDK's configuration. */
function beforeAnswer(err: unknown): string | undefined {
  const f = fields(err);
  const code = typeof f.code === "string" ? f.code : "";
  if (f.name === "CredentialsProviderError")
    return "no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";
  if (f.message === "Region is missing")
    return "no AWS region (pass --region <region>, set AWS_REGION or a profile's region, or name a configured target)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `cannot resolve host ${String(f.hostname ?? "")} (DNS ${code})${attempts(err)}: check the endpoint (AWS_ENDPOINT_URL_*), the network and DNS, then rerun`;
  if (f.name === "TimeoutError")
    return `no answer within the request timeout${attempts(err)}: check the network, or raise GLACIER_RESTORE_HTTP_TIMEOUT, then rerun`;
  const network = NETWORK_CODES[code];
  if (network)
    return `cannot reach ${f.address ? `${String(f.address)}:${String(f.port ?? "")}` : "the endpoint"} (${network}, ${code})${attempts(err)}: check the endpoint (AWS_ENDPOINT_URL_*) and the network, then rerun`;
  return undefined;
}

/** An AWS answer with an HTTP status, after the SDK's retries. */
function httpAnswer(err: unknown, status: number, deniedHint: string): string {
  const code = errorCode(err);
  // An answer without a body (HeadObject, HeadBucket) carries no error code: name the status instead.
  const known = code !== "Unknown" && code !== "UnknownError";
  const label = known ? `${code} (HTTP ${status})` : `HTTP ${status} ${STATUS_CODES[status] ?? ""}`.trim();
  if (THROTTLING.has(code) || status === 429)
    return `${label}: AWS is throttling these requests, still${attempts(err)}; rerun later, or allow more attempts with AWS_MAX_ATTEMPTS`;
  if (status >= 500)
    return `${label}${attempts(err)}: the service failed to answer${status === 503 && !known ? " or asked to slow down" : ""}; rerun later (AWS_MAX_ATTEMPTS sets the attempts)`;
  if (status === 301) {
    const region = fields(err).$response?.headers?.["x-amz-bucket-region"];
    return `${label}: the bucket is in another region${region ? `, ${region}: pass --region ${region}` : ""}`;
  }
  if (code === "AccessDenied" || status === 403) return `${label}: ${deniedHint}`;
  return label;
}

/**
 * Any error as the one line a user reads, prefixed with what failed (`status s3://bucket/prefix`).
 * A GlacierRestoreError already says it and passes unchanged.
 */
export function describeFailure(
  err: unknown,
  what: string,
  deniedHint = "the credentials may not list this bucket or prefix",
): GlacierRestoreError {
  if (err instanceof GlacierRestoreError) return err;
  const early = beforeAnswer(err);
  const status = httpStatus(err);
  const text =
    early ??
    (status !== undefined
      ? httpAnswer(err, status, deniedHint)
      : `unexpected error: ${String(fields(err).message ?? err)} (a bug: rerun with GLACIER_RESTORE_DEBUG=1 and report the stack trace)`);
  return new GlacierRestoreError("external", `${what}: ${text}`, { cause: err });
}

/**
 * Whether the same request may succeed later (the network, a timeout, throttling, a 5xx): what `wait`
 * retries. Usage, configuration, credentials, access and a missing bucket are not.
 */
export function isTransient(err: unknown): boolean {
  const cause = err instanceof GlacierRestoreError ? err.cause : err;
  if (err instanceof GlacierRestoreError && cause === undefined) return false;
  const f = fields(cause);
  if (f.name === "TimeoutError") return true;
  if (typeof f.code === "string" && (f.code in NETWORK_CODES || f.code === "EAI_AGAIN" || f.code === "ENOTFOUND"))
    return true;
  const status = httpStatus(cause);
  return (
    status !== undefined && (status >= 500 || status === 429 || status === 408 || THROTTLING.has(errorCode(cause)))
  );
}

export interface BoundaryIo {
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  exit(code: number): never;
}

/** Runs a command: any failure ends it with one line on stderr and its exit status, never a stack trace. */
export async function runCommand(what: string, main: () => Promise<void>, io: BoundaryIo): Promise<void> {
  try {
    await main();
  } catch (err) {
    const failure = describeFailure(err, what);
    io.stderr.write(`${failure.message}\n`);
    if (io.env.GLACIER_RESTORE_DEBUG === "1" && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    io.exit(failure.exitCode);
  }
}
