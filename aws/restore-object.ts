/**
 * One RestoreObject request and what S3's answer means, shared by the restore function and
 * `glacier-restore stage` (S3 API reference, RestoreObject): 202 starts a restore, 200 means a restored
 * copy already exists (its expiry is renewed), RestoreAlreadyInProgress (409) means one is running.
 * Any other error is thrown for the caller to retry, fall back or count.
 */
import { RestoreObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Tier } from "../core/restore-rules";
import { errorCode } from "./aws-errors";

export type RestoreOutcome = "initiated" | "already-restored" | "already-in-progress";

export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

export async function restoreObject(
  s3: S3Client,
  object: ObjectRef,
  request: { readonly tier: Tier; readonly days?: number },
): Promise<RestoreOutcome> {
  try {
    const out = await s3.send(
      new RestoreObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        VersionId: object.versionId,
        RestoreRequest: {
          ...(request.days !== undefined ? { Days: request.days } : {}),
          GlacierJobParameters: { Tier: request.tier },
        },
      }),
    );
    return out.$metadata.httpStatusCode === 200 ? "already-restored" : "initiated";
  } catch (err) {
    if (errorCode(err) === "RestoreAlreadyInProgress") return "already-in-progress";
    throw err;
  }
}

/**
 * Runs one S3 request. The operator command passes one that paces request starts and retries SlowDown;
 * the function sends at once (its SDK client retries by itself).
 */
export type Pace = <T>(send: () => Promise<T>) => Promise<T>;

const atOnce: Pace = (send) => send();

/**
 * The restore with the given tier; Expedited capacity is not guaranteed (S3 answers
 * GlacierExpeditedRetrievalNotAvailable, 503), Standard always is, so an Expedited request that meets it is
 * asked again with Standard (S3 API reference, RestoreObject: "Special errors"). `onFallback` runs before
 * that second request.
 */
export async function restoreWithExpeditedFallback(
  s3: S3Client,
  object: ObjectRef,
  request: { readonly tier: Tier; readonly days?: number },
  options: { readonly onFallback?: () => void; readonly pace?: Pace } = {},
): Promise<{ outcome: RestoreOutcome; tier: Tier }> {
  const pace = options.pace ?? atOnce;
  try {
    return { outcome: await pace(() => restoreObject(s3, object, request)), tier: request.tier };
  } catch (err) {
    if (request.tier !== "Expedited" || errorCode(err) !== "GlacierExpeditedRetrievalNotAvailable") throw err;
    options.onFallback?.();
    const standard = { ...request, tier: "Standard" as const };
    return { outcome: await pace(() => restoreObject(s3, object, standard)), tier: "Standard" };
  }
}
