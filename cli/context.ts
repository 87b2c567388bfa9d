/**
 * What every command needs: the location (an S3 URL or a configured target), SDK clients in the right
 * region (cli/region.ts) with the project's retries and request timeouts, a progress line on stderr only
 * on a terminal, and AWS errors turned into one clear line (cli/failure.ts).
 */
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { RestoreRetryStrategy, maxAttemptsFrom } from "../aws/retry";
import type { ResolvedTarget } from "../config/types";
import { parseDuration } from "../core/duration";
import { GlacierRestoreError } from "../core/errors";
import { isS3Url, parseS3Url, type S3Location } from "../core/location";
import { outputDirectory } from "../scripts/output-dir.cjs";
import { describeFailure } from "./failure";
import { bucketRegion, bucketRegionProvider } from "./region";

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** --region: overrides a target's region and the bucket's. */
  readonly region?: string;
}

export interface ResolvedLocation extends S3Location {
  /** The configured target, when the location named one. */
  readonly target?: ResolvedTarget;
  readonly region?: string;
}

/**
 * `s3://bucket/prefix`, or a target name from the configuration (its bucket, prefix and region). The
 * configuration's loader (and its schema library) is loaded only for a target name: an s3:// location
 * starts without it.
 */
export async function resolveLocation(text: string | undefined, io: Io, command: string): Promise<ResolvedLocation> {
  if (!text)
    throw new GlacierRestoreError("usage", `${command}: needs a location: s3://<bucket>/<prefix> or a target name`);
  if (isS3Url(text)) return { ...parseS3Url(text), ...(io.region ? { region: io.region } : {}) };
  const { loadConfig } = await import("../config/load");
  const config = loadConfig(io.cwd, io.env);
  const target = config.targets.find((t) => t.name === text);
  if (!target)
    throw new GlacierRestoreError(
      "usage",
      `${command}: ${JSON.stringify(text)} is neither s3://<bucket>/<prefix> nor a configured target (targets: ${config.targets.map((t) => t.name).join(", ")})`,
    );
  return { bucket: target.bucket, prefix: target.prefix, target, region: io.region ?? target.region };
}

/** Milliseconds an SDK request may take: GLACIER_RESTORE_HTTP_TIMEOUT (a duration), default 60s. */
export function requestTimeoutMs(io: Pick<Io, "env">): number {
  const text = io.env.GLACIER_RESTORE_HTTP_TIMEOUT;
  return text ? parseDuration(text, "GLACIER_RESTORE_HTTP_TIMEOUT") : 60_000;
}

/**
 * Options every SDK client of the command gets: --region, else the given (target's) region, which wins
 * over AWS_REGION (else the SDK's default chain); the project's retry strategy with AWS_MAX_ATTEMPTS; and
 * request timeouts, since the SDK's default is to wait for ever on an endpoint that never answers.
 */
export function clientOptions(region: string | undefined, io: Io) {
  const timeout = requestTimeoutMs(io);
  const chosen = io.region ?? region;
  return {
    ...(chosen ? { region: chosen } : {}),
    retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(io.env)),
    requestHandler: {
      requestTimeout: timeout,
      connectionTimeout: Math.min(timeout, 10_000),
      throwOnRequestTimeout: true,
    },
  };
}

/** An S3 client in the location's region; for an s3:// location without --region, the bucket's own. */
export function s3Client(location: ResolvedLocation, io: Io): S3Client {
  const options = clientOptions(location.region, io);
  if (location.region) return new S3Client(options);
  return new S3Client({
    ...options,
    region: bucketRegionProvider(() => bucketRegion(location.bucket, io, clientOptions(undefined, io))),
  });
}

/** The synthesized stack directory of a target: <output directory>/stacks/<name> (scripts/output-dir.cjs). */
export function stackDirectory(io: Pick<Io, "env" | "cwd">, stack: string): string {
  return path.join(outputDirectory({ env: io.env, cwd: io.cwd }).dir, "stacks", stack);
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

/** Any failure of `what` as one line (cli/failure.ts), thrown. */
export function awsFailure(
  err: unknown,
  what: string,
  deniedHint = "the credentials may not list this bucket or prefix",
): never {
  throw describeFailure(err, what, deniedHint);
}
