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
 * The restore with the given tier; Expedited capacity is not guaranteed (S3 answers
 * GlacierExpeditedRetrievalNotAvailable), Standard always is, so an Expedited request that meets it is
 * asked again with Standard. `onFallback` runs before that second request.
 */
export async function restoreWithExpeditedFallback(
  s3: S3Client,
  object: ObjectRef,
  request: { readonly tier: Tier; readonly days?: number },
  onFallback?: () => void,
): Promise<{ outcome: RestoreOutcome; tier: Tier }> {
  try {
    return { outcome: await restoreObject(s3, object, request), tier: request.tier };
  } catch (err) {
    if (request.tier !== "Expedited" || errorCode(err) !== "GlacierExpeditedRetrievalNotAvailable") throw err;
    onFallback?.();
    return { outcome: await restoreObject(s3, object, { ...request, tier: "Standard" }), tier: "Standard" };
  }
}
