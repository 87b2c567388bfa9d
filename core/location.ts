/** Where a dataset is: `s3://bucket/prefix`, parsed and checked. */
import { GlacierRestoreError } from "./errors";

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** True when the text is written as an S3 URL (anything else is read as a target name). */
export function isS3Url(text: string): boolean {
  return text.startsWith("s3://");
}

/** Parses `s3://bucket/prefix`; a bad one is a usage error naming what is wrong. */
export function parseS3Url(text: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  const bucket = m?.[1] ?? "";
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new GlacierRestoreError(
      "usage",
      `location ${JSON.stringify(text)}: expected s3://<bucket>/<prefix> with a valid bucket name, or a target name from the configuration`,
    );
  return { bucket, prefix: m[2] ?? "" };
}
