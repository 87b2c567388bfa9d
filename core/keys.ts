/**
 * How object keys are written by each source this project reads, and the forms a key prefix must be
 * matched in. One table, used by the event patterns, the bucket notification filters and the function.
 *
 * | source                                   | key form                         | documented by                                   |
 * | ---------------------------------------- | -------------------------------- | ----------------------------------------------- |
 * | CloudTrail `requestParameters.key`       | not documented (assumed raw)     | CloudTrail record contents: no encoding stated  |
 * | S3 events on EventBridge `object.key`    | not documented (assumed raw)     | S3 User Guide, EventBridge event message format |
 * | S3 event notifications `s3.object.key`   | URL-encoded, space as `+`        | S3 User Guide, event message structure          |
 * | S3 notification filter (`filter_prefix`) | space as `+`, other unsafe `%XX` | S3 User Guide, object key name filtering        |
 *
 * Where the form is not documented, patterns list every form a prefix can take (raw, `%20`, `+`) and the
 * function tries the key as logged first, then its decoded form.
 */

/**
 * The forms a logged key may stand for: the key as logged, then its form-decoded form (`+` a space,
 * `%XX` an octet) when that differs. The logged form is always tried first.
 */
export function keyForms(key: string): string[] {
  try {
    const decoded = decodeURIComponent(key.replace(/\+/g, " "));
    return decoded === key ? [key] : [key, decoded];
  } catch {
    // Not a valid escape sequence, so not an encoded key.
    return [key];
  }
}

/** Percent-encodes a key prefix the way URLs do, keeping "/" (the delimiter) readable. */
function percentEncoded(prefix: string): string {
  return encodeURIComponent(prefix).replace(/%2F/g, "/");
}

/**
 * A key prefix as written and, when they differ, its URL-encoded forms: with a space as `%20` and as
 * `+`. Event patterns list all of them, so a prefix matches however the source wrote the key.
 */
export function keyPrefixForms(prefix: string): string[] {
  const percent = percentEncoded(prefix);
  return [...new Set([prefix, percent, percent.replace(/%20/g, "+")])];
}

/**
 * A prefix as an S3 event notification filter value: a space becomes `+`, characters outside S3's
 * "safe characters" (letters, digits, `! - _ . * ' ( )`, and `/` as delimiter) are percent-encoded.
 * (S3 User Guide: "Configuring event notifications using object key name filtering"; "Object key naming
 * guidelines", safe characters.)
 */
export function notificationFilterPrefix(prefix: string): string {
  return percentEncoded(prefix).replace(/%20/g, "+").replace(/~/g, "%7E");
}
