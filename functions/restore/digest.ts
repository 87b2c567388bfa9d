/**
 * Notification digests: instead of one email per restored file, one message per target and window that
 * lists the objects, grouped by directory. The topic delivers every per-object message to a digest queue
 * as well; a scheduled invocation drains the queue, publishes one digest (message body `"event":
 * "restore-digest"`) and deletes what it summarized. Email subscriptions take only digests, queue and
 * webhook subscriptions only per-object messages (SNS filter policies on the message body).
 *
 * `buildDigest` is pure; `createDigestHandler` is the shell around SQS and SNS.
 */
import type { SNSClient } from "@aws-sdk/client-sns";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DIGEST_EVENT, OBJECT_EVENTS, type ObjectEvent } from "../../core/notifications";
import { publishMessage, snsSubject, type NoticeMessage } from "./notify";
import type { Log, RestoreMetrics } from "../../aws/telemetry";

/** The per-object events a digest summarizes (the `event` field of every per-object message). */
const DIGESTED_EVENTS = OBJECT_EVENTS;
type DigestedEvent = ObjectEvent;

/** One per-object message, as far as a digest needs it. */
export interface DigestEntry {
  readonly event: DigestedEvent;
  readonly bucket: string;
  readonly key: string;
  /** "initiated": when the copy is expected to be readable. */
  readonly expectedReadyBy?: string;
  /** "completed": when the restored copy expires (absent for Intelligent-Tiering). */
  readonly restoreExpiryTime?: string;
}

/** Reads a per-object message body; undefined when it is not one (logged and counted by the shell). */
export function parseEntry(body: string): DigestEntry | undefined {
  let m: unknown;
  try {
    m = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof m !== "object" || m === null) return undefined;
  const r = m as Record<string, unknown>;
  if (!(DIGESTED_EVENTS as readonly unknown[]).includes(r.event)) return undefined;
  if (typeof r.bucket !== "string" || typeof r.key !== "string" || r.key === "") return undefined;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const expectedReadyBy = text(r.expectedReadyBy) ?? text(r.expectedReadyNotBefore);
  const restoreExpiryTime = text(r.restoreExpiryTime);
  return {
    event: r.event as DigestedEvent,
    bucket: r.bucket,
    key: r.key,
    ...(expectedReadyBy ? { expectedReadyBy } : {}),
    ...(restoreExpiryTime ? { restoreExpiryTime } : {}),
  };
}

/** At most this many object lines in one digest: SNS messages are limited to 256 KB. */
export const DIGEST_MAX_LISTED = 500;

/** A digest is published like any notice: subject, JSON body, filterable attributes. */
export type DigestMessage = NoticeMessage;

const LABELS: Record<DigestedEvent, string> = {
  "restore-initiated": "restores started",
  "restore-completed": "readable again",
  "restore-expired": "restored copies expired",
};

/** "a/b/c.nc" → ["a/b/", "c.nc"]; a key without "/" is in the bucket's top level. */
function split(key: string): [string, string] {
  const cut = key.lastIndexOf("/") + 1;
  return [key.slice(0, cut), key.slice(cut)];
}

/**
 * One digest for a window's per-object messages: counts per event, then per directory the object names
 * under each event (duplicates, such as a repeated "initiated", listed once). Pure.
 */
export function buildDigest(
  entries: readonly DigestEntry[],
  target: string,
  windowMinutes: number,
  nowMs: number,
): DigestMessage {
  const unique = [
    ...new Map(entries.map((e) => [`${e.event}\u0000${e.bucket}\u0000${e.key}`, e] as const)).values(),
  ].sort((a, b) => a.bucket.localeCompare(b.bucket) || a.key.localeCompare(b.key));
  const counts = Object.fromEntries(
    DIGESTED_EVENTS.map((ev) => [ev.replace("restore-", ""), unique.filter((e) => e.event === ev).length]),
  ) as Record<"initiated" | "completed" | "expired", number>;
  const directories = new Map<string, Record<string, string[]>>();
  let listed = 0;
  for (const e of unique) {
    if (listed >= DIGEST_MAX_LISTED) break;
    const [dir, name] = split(e.key);
    const at = `s3://${e.bucket}/${dir}`;
    const group = directories.get(at) ?? {};
    const label = e.event.replace("restore-", "");
    const detail = e.expectedReadyBy
      ? ` (expected readable by ${e.expectedReadyBy})`
      : e.restoreExpiryTime
        ? ` (until ${e.restoreExpiryTime})`
        : "";
    (group[label] ??= []).push(`${name}${detail}`);
    directories.set(at, group);
    listed++;
  }
  const parts = DIGESTED_EVENTS.filter((ev) => counts[ev.replace("restore-", "") as keyof typeof counts] > 0).map(
    (ev) => `${counts[ev.replace("restore-", "") as keyof typeof counts]} ${LABELS[ev]}`,
  );
  const end = new Date(nowMs).toISOString();
  const body = {
    event: DIGEST_EVENT,
    summary: `glacier-restore ${target}, last ${windowMinutes} minutes to ${end}: ${parts.join(", ")}.`,
    target,
    windowMinutes,
    windowEnd: end,
    counts,
    directories: [...directories.entries()].map(([directory, events]) => ({ directory, ...events })),
    ...(unique.length > listed ? { notListed: unique.length - listed } : {}),
  };
  return {
    subject: snsSubject(`glacier-restore ${target}: ${parts.join(", ")}`),
    message: JSON.stringify(body, null, 2),
    attributes: { event: DIGEST_EVENT, target },
  };
}

export interface DigestDeps {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly queueUrl: string;
  readonly topicArn: string;
  readonly target: string;
  readonly windowMinutes: number;
  readonly log: Log;
  readonly metrics: RestoreMetrics;
  readonly clock?: () => number;
  /** Messages read per run at most; the rest wait for the next window. */
  readonly maxMessages?: number;
  /** Milliseconds a run spends reading at most, so it publishes and deletes within the function's timeout. */
  readonly readBudgetMs?: number;
}

export interface DigestResult {
  readonly received: number;
  readonly summarized: number;
  readonly unreadable: number;
  readonly published: boolean;
}

/**
 * Long-poll wait of each ReceiveMessage. Any wait above 0 makes SQS query all of its servers and answer
 * empty only when the wait expires with no message, whereas a short poll (0) samples a subset of servers
 * and can answer empty while messages exist ("Amazon SQS short and long polling",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html).
 * A run only needs what is already queued, not what arrives later, so it waits the documented minimum of
 * 1 s ("Setting-up long polling in Amazon SQS"): the last, empty poll ends the drain quickly.
 */
export const DIGEST_POLL_WAIT_SECONDS = 1;

/** Reading stops after this long, leaving the digest function's 120 s timeout room to publish and delete. */
export const DIGEST_READ_BUDGET_MS = 60_000;

/**
 * How many messages the next ReceiveMessage asks for (SQS's maximum is 10), or 0 when the run must stop
 * reading because it holds `max` messages or has read for `budgetMs`: the rest waits for the next window.
 * Pure.
 */
export function nextBatchSize(read: number, max: number, elapsedMs: number, budgetMs: number): number {
  if (elapsedMs >= budgetMs) return 0;
  return Math.max(0, Math.min(10, max - read));
}

/**
 * Drains the digest queue (until a long poll answers empty, or up to `maxMessages` / `readBudgetMs`),
 * publishes one digest of what it read, then deletes those messages. A failed publish throws before
 * anything is deleted, so the messages come back after their visibility timeout and the next run (or
 * Lambda's retry) summarizes them.
 */
export function createDigestHandler(deps: DigestDeps): () => Promise<DigestResult> {
  const clock = deps.clock ?? Date.now;
  const max = deps.maxMessages ?? 5_000;
  const budgetMs = deps.readBudgetMs ?? DIGEST_READ_BUDGET_MS;
  return async function digest(): Promise<DigestResult> {
    const handles: string[] = [];
    const entries: DigestEntry[] = [];
    let unreadable = 0;
    let drained = false;
    const started = clock();
    for (let size = nextBatchSize(0, max, 0, budgetMs); size > 0;) {
      const out = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.queueUrl,
          MaxNumberOfMessages: size,
          WaitTimeSeconds: DIGEST_POLL_WAIT_SECONDS,
          // Long enough to publish and delete what was read; then unsent messages come back.
          VisibilityTimeout: 300,
        }),
      );
      const messages = out.Messages ?? [];
      // A long poll answers empty only when no server holds a visible message: the queue is drained.
      drained = messages.length === 0;
      if (drained) break;
      for (const m of messages) {
        if (m.ReceiptHandle) handles.push(m.ReceiptHandle);
        const entry = parseEntry(m.Body ?? "");
        if (entry) entries.push(entry);
        else {
          unreadable++;
          deps.metrics.count("DigestMessageUnreadable", "body");
          deps.log.warn("digest queue message is not a restore notification; dropped from the digest", {
            messageId: m.MessageId,
            body: (m.Body ?? "").slice(0, 200),
          });
        }
      }
      size = nextBatchSize(handles.length, max, clock() - started, budgetMs);
    }
    let published = false;
    if (entries.length > 0) {
      await publishMessage(deps.sns, deps.topicArn, buildDigest(entries, deps.target, deps.windowMinutes, clock()));
      published = true;
      deps.metrics.count("DigestPublished", "digest");
    }
    for (let i = 0; i < handles.length; i += 10) {
      const batch = handles.slice(i, i + 10);
      const out = await deps.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: deps.queueUrl,
          Entries: batch.map((ReceiptHandle, j) => ({ Id: String(i + j), ReceiptHandle })),
        }),
      );
      // Not deleted: it comes back and is listed again in the next digest, which is better than lost.
      for (const f of out.Failed ?? [])
        deps.log.warn("could not delete a summarized message; it will appear in the next digest too", {
          id: f.Id,
          code: f.Code,
        });
    }
    deps.log.info("digest done", {
      received: handles.length,
      summarized: entries.length,
      unreadable,
      published,
      // false: the run stopped at its message cap or time budget; the rest is in the next digest.
      drained,
    });
    return { received: handles.length, summarized: entries.length, unreadable, published };
  };
}
