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
 * SNS filter policies on the message body (FilterPolicyScope MessageBody). The body is used rather than
 * message attributes because EventBridge's deliveries to SNS carry no attributes, and an attribute
 * policy cannot select a message without any ("exists": false needs at least one attribute; SNS
 * Developer Guide, "Key matching").
 */
export const FILTER_POLICIES = {
  objects: { event: [...OBJECT_EVENTS] },
  digests: { event: [DIGEST_EVENT] },
} as const;
