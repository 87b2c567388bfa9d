/**
 * Which region a command talks to. `--region` wins; a configured target uses its own region, whatever
 * AWS_REGION says; an s3:// location asks the bucket. HeadBucket names the bucket's region in the
 * x-amz-bucket-region header on every answer, authorized or not, and AWS recommends it over
 * GetBucketLocation for region discovery (Amazon S3 API Reference, "GetBucketLocation":
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html; "HeadBucket": BucketRegion).
 */
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { Provider } from "@smithy/types";

export { regionFlag } from "./region-flag";

/** The region the environment names (what the SDK's chain would take first), if any. */
export function environmentRegion(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

interface RegionIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderr: { write(text: string): unknown };
}

/** The region in a failed answer's x-amz-bucket-region header (a 301, 400 or 403 carries it too). */
function regionHeader(err: unknown): string | undefined {
  const headers = (err as { $response?: { headers?: Record<string, string | undefined> } } | null)?.$response?.headers;
  return headers?.["x-amz-bucket-region"];
}

/**
 * Asks S3 for the bucket's region with one HeadBucket, from the environment's region (us-east-1 when
 * there is none); says on stderr which region it found when that is not the environment's. An answer
 * without the header (no such bucket) keeps the starting region: the command's own request then reports
 * what is wrong. A failure before any answer (network, credentials) is the command's failure.
 */
export async function bucketRegion(
  bucket: string,
  io: RegionIo,
  clientOptions: Omit<ConstructorParameters<typeof S3Client>[0] & object, "region">,
): Promise<string> {
  const start = environmentRegion(io.env) ?? "us-east-1";
  const s3 = new S3Client({ ...clientOptions, region: start });
  let found: string | undefined;
  try {
    found = (await s3.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion;
  } catch (err) {
    found = regionHeader(err);
    if (!found && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined)
      throw err;
  } finally {
    s3.destroy();
  }
  if (found && found !== environmentRegion(io.env))
    io.stderr.write(`s3://${bucket}: using region ${found}, the bucket's (from HeadBucket; --region sets another)\n`);
  return found ?? start;
}

/**
 * A region provider for an SDK client that asks the bucket on the client's first request and keeps the
 * answer; a lookup that failed (the network) is asked again on the next request, so `wait` can retry.
 */
export function bucketRegionProvider(lookup: () => Promise<string>): Provider<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= lookup().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
