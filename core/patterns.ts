/**
 * EventBridge event patterns of the stacks, and the AWS limits on them the provider does not check.
 * Pure, so the configuration step can size patterns before anything is built.
 */
import { keyPrefixForms } from "./keys";

/** Default EventBridge quota on one event pattern, in characters (adjustable up to 4,096 on request). */
export const EVENT_PATTERN_MAX_CHARS = 2048;
/** PutRule `Description`: at most 512 characters. */
export const RULE_DESCRIPTION_MAX_CHARS = 512;
/** Lambda CreateFunction `Description`: at most 256 characters. */
export const FUNCTION_DESCRIPTION_MAX_CHARS = 256;

/** Cuts a description to an AWS limit, marking the cut with "...". */
export function truncateDescription(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/**
 * Reads of archived objects in one target. It also filters on bucket and key prefix: a shared trail (or
 * another tool's trail) delivers every target's events to the same bus, and without this filter each
 * target's function would be invoked for the others' objects.
 */
export function archivedReadPattern(bucket: string, prefix: string): Record<string, unknown> {
  return {
    source: ["aws.s3"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["s3.amazonaws.com"],
      eventName: ["GetObject"],
      errorCode: ["InvalidObjectState"],
      requestParameters: {
        bucketName: [bucket],
        ...(prefix === "" ? {} : { key: keyPrefixForms(prefix).map((p) => ({ prefix: p })) }),
      },
    },
  };
}

/** S3's EventBridge detail types for the two restore events S3 itself reports. */
export const RESTORE_DETAIL_TYPES = {
  completed: "Object Restore Completed",
  expired: "Object Restore Expired",
} as const;
export type S3RestoreEvent = keyof typeof RESTORE_DETAIL_TYPES;

/** S3 events a target's notifications ask for, in a stable order. */
export function s3RestoreEvents(n: { readonly completed: boolean; readonly expired: boolean }): S3RestoreEvent[] {
  return (["completed", "expired"] as const).filter((e) => n[e]);
}

/** Pattern for S3's own restore events (EventBridge delivery of the bucket) in one bucket/prefix. */
export function restoreEventPattern(event: S3RestoreEvent, bucket: string, prefix: string): Record<string, unknown> {
  return {
    source: ["aws.s3"],
    "detail-type": [RESTORE_DETAIL_TYPES[event]],
    detail: {
      bucket: { name: [bucket] },
      ...(prefix === "" ? {} : { object: { key: keyPrefixForms(prefix).map((p) => ({ prefix: p })) } }),
    },
  };
}

/** The largest pattern a target's rules would use, in characters (what EventBridge counts). */
export function largestPatternChars(bucket: string, prefix: string): number {
  return Math.max(
    JSON.stringify(archivedReadPattern(bucket, prefix)).length,
    ...(Object.keys(RESTORE_DETAIL_TYPES) as S3RestoreEvent[]).map(
      (e) => JSON.stringify(restoreEventPattern(e, bucket, prefix)).length,
    ),
  );
}
