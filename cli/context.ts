/**
 * What every command needs: the location (an S3 URL or a configured target), an S3 client from the SDK's
 * default chain (credentials, region, AWS_ENDPOINT_URL_S3), a progress line on stderr only on a terminal,
 * and AWS errors turned into one clear line.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { errorCode, httpStatus } from "../aws/aws-errors";
import { RestoreRetryStrategy, maxAttemptsFrom } from "../aws/retry";
import { loadConfig } from "../config/load";
import type { ResolvedTarget } from "../config/types";
import { GlacierRestoreError } from "../core/errors";
import { isS3Url, parseS3Url, type S3Location } from "../core/location";

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface ResolvedLocation extends S3Location {
  /** The configured target, when the location named one. */
  readonly target?: ResolvedTarget;
  readonly region?: string;
}

/** `s3://bucket/prefix`, or a target name from the configuration (its bucket, prefix and region). */
export function resolveLocation(text: string | undefined, io: Io, command: string): ResolvedLocation {
  if (!text)
    throw new GlacierRestoreError("usage", `${command}: needs a location: s3://<bucket>/<prefix> or a target name`);
  if (isS3Url(text)) return parseS3Url(text);
  const config = loadConfig(io.cwd, io.env);
  const target = config.targets.find((t) => t.name === text);
  if (!target)
    throw new GlacierRestoreError(
      "usage",
      `${command}: ${JSON.stringify(text)} is neither s3://<bucket>/<prefix> nor a configured target (targets: ${config.targets.map((t) => t.name).join(", ")})`,
    );
  return { bucket: target.bucket, prefix: target.prefix, target, region: target.region };
}

/**
 * Options every SDK client of the command gets: the target's region unless AWS_REGION says otherwise (else
 * the SDK's default chain), and the project's retry strategy with AWS_MAX_ATTEMPTS.
 */
export function clientOptions(region: string | undefined, io: Io) {
  return {
    ...(region && !io.env.AWS_REGION ? { region } : {}),
    retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(io.env)),
  };
}

export function s3Client(location: ResolvedLocation, io: Io): S3Client {
  return new S3Client(clientOptions(location.region, io));
}

/** A progress line that rewrites itself, on stderr, only when stderr is a terminal. */
export function progress(io: Io): { update(text: string): void; done(): void } {
  const on = io.stderr.isTTY === true;
  let shown = false;
  return {
    update(text) {
      if (!on) return;
      io.stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (on && shown) io.stderr.write("\r\x1b[2K");
    },
  };
}

/** An AWS SDK failure (no credentials, access denied, no such bucket) as one line; anything else rethrown. */
export function awsFailure(
  err: unknown,
  what: string,
  deniedHint = "the credentials may not list this bucket or prefix",
): never {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "CredentialsProviderError")
    throw new GlacierRestoreError(
      "external",
      `${what}: no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      { cause: err },
    );
  if (httpStatus(err) !== undefined)
    throw new GlacierRestoreError(
      "external",
      `${what}: ${errorCode(err)} (HTTP ${httpStatus(err)})${errorCode(err) === "AccessDenied" ? `: ${deniedHint}` : ""}`,
      { cause: err },
    );
  throw err;
}
