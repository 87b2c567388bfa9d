/**
 * The message contract of a target's notifications topic, shared by the stacks (input templates, SNS
 * filter policies) and the functions (what they publish and read): every message body is JSON whose
 * `event` field says what it is.
 */

/** Per-object messages: published by the restore function or built by EventBridge from S3's events. */
export const OBJECT_EVENTS = ["restore-initiated", "restore-completed", "restore-expired"] as const;
export type ObjectEvent = (typeof OBJECT_EVENTS)[number];

/** The `event` of a digest message (one per window, listing objects). */
export const DIGEST_EVENT = "restore-digest";

/**
 * SNS filter policies on the message body (FilterPolicyScope MessageBody), set only when a target sends
 * digests. The body is used rather than message attributes because EventBridge's deliveries to SNS carry
 * no attributes. A message that matches no subscription's policy is delivered to nobody ("Amazon SNS
 * message filtering"), and the topic also carries messages without an `event` field: CloudWatch alarm
 * notifications, and S3's own event notifications with `completedVia: "bucket-notifications"`. So each
 * kind of subscriber excludes only what reaches it in another form, and takes everything else, including
 * bodies without `event`: the values of one key are alternatives ("AND/OR logic": at least one value must
 * match), here `"anything-but"` ("String value matching") or `"exists": false` ("Key matching"), all pages
 * of the SNS developer guide. (moto 5.2, the test oracle, mis-evaluates `"$or"` on message bodies and stops
 at an `anything-but` on a missing key, so this form needs no `$or` and puts `exists` first.)
 * - `people` (email): everything but the per-object messages a digest lists;
 * - `objects` (https, SQS): everything but digests, which repeat what they already received;
 * - `digestQueue`: exactly the per-object messages the digest function summarizes.
 */
function everythingBut(events: readonly string[]) {
  return { event: [{ exists: false }, { "anything-but": [...events] }] };
}

export const FILTER_POLICIES = {
  people: everythingBut(OBJECT_EVENTS),
  objects: everythingBut([DIGEST_EVENT]),
  digestQueue: { event: [...OBJECT_EVENTS] },
} as const;
