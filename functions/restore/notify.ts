/**
 * "Restore initiated" notifications. The function publishes them itself right after S3 accepts a
 * restore, so no S3 notification configuration is needed for them. The message is JSON with a one-line
 * summary first: readable in an email, parseable by a queue or webhook subscriber. The fields match the
 * "completed"/"expired" messages the stack's EventBridge rules send to the same topic.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Tier } from "./config";
import type { Archive, ReadyWindow } from "./decide";

export interface InitiatedNotice {
  readonly target?: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly storageClass: string;
  readonly archive: Archive;
  readonly tier: Tier;
  /** Set when the configured tier could not be used. */
  readonly requestedTier?: Tier;
  /** Days the restored copy stays readable; absent for Intelligent-Tiering (no expiry). */
  readonly days?: number;
  readonly expectedReadyWithinHours: ReadyWindow;
  readonly requestedAtMs: number;
  /** True when this is a repeat for a restore requested by an earlier attempt of the same event. */
  readonly repeated?: boolean;
}

export interface NoticeMessage {
  readonly subject: string;
  readonly message: string;
  /** SNS message attributes, so subscriptions can filter (e.g. only one target or event kind). */
  readonly attributes: Readonly<Record<string, string>>;
}

function hoursText(hours: number): string {
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60));
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  const rounded = Math.round(hours * 10) / 10;
  return `${rounded} hour${rounded === 1 ? "" : "s"}`;
}

/** SNS subjects must be printable ASCII without line breaks, at most 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

/** Builds the "restore initiated" message (pure, so tests can read exactly what subscribers get). */
export function initiatedMessage(n: InitiatedNotice): NoticeMessage {
  const w = n.expectedReadyWithinHours;
  const readyBy = new Date(n.requestedAtMs + w.max * 3_600_000).toISOString();
  const when = w.atLeast
    ? `no sooner than ${hoursText(w.min)}, after ${readyBy} (S3 gives no typical time for Expedited restores of objects of 250 MB or more)`
    : `${w.min === w.max ? `about ${hoursText(w.max)}` : `${hoursText(w.min)} to ${hoursText(w.max)}`}, by ${readyBy}`;
  const body = {
    event: "restore-initiated",
    summary: `Restore started (${n.tier} tier): s3://${n.bucket}/${n.key} is expected to be readable in ${when}.`,
    ...(n.target ? { target: n.target } : {}),
    bucket: n.bucket,
    key: n.key,
    ...(n.versionId ? { versionId: n.versionId } : {}),
    storageClass: n.storageClass,
    archive: n.archive,
    tier: n.tier,
    ...(n.requestedTier ? { requestedTier: n.requestedTier } : {}),
    ...(n.days !== undefined ? { restoredCopyDays: n.days } : {}),
    requestedAt: new Date(n.requestedAtMs).toISOString(),
    expectedReadyWithinHours: { min: w.min, max: w.max },
    ...(w.atLeast ? { expectedReadyNotBefore: readyBy } : { expectedReadyBy: readyBy }),
    ...(n.repeated ? { repeated: true } : {}),
  };
  return {
    subject: snsSubject(`Restore started: s3://${n.bucket}/${n.key}`),
    message: JSON.stringify(body, null, 2),
    attributes: {
      event: "restore-initiated",
      bucket: n.bucket,
      tier: n.tier,
      ...(n.target ? { target: n.target } : {}),
    },
  };
}

export interface BudgetNotice {
  readonly target?: string;
  readonly bucket: string;
  readonly day: string;
  readonly maxRestoresPerDay?: number;
  readonly maxBytesPerDay?: number;
  /** The deferred queue holding refused events. */
  readonly deferredQueueUrl: string;
}

/** "Budget exceeded": sent once per UTC day, when the first event is refused. */
export function budgetExceededMessage(n: BudgetNotice): NoticeMessage {
  const limits = [
    ...(n.maxRestoresPerDay !== undefined ? [`${n.maxRestoresPerDay} restores`] : []),
    ...(n.maxBytesPerDay !== undefined ? [`${n.maxBytesPerDay / 1e9} GB`] : []),
  ].join(" and ");
  const body = {
    event: "budget-exceeded",
    summary: `The daily restore budget (${limits} per UTC day) of ${n.target ?? `s3://${n.bucket}`} ran out on ${n.day}: further restores are not requested today; the events wait in the deferred queue.`,
    ...(n.target ? { target: n.target } : {}),
    bucket: n.bucket,
    day: n.day,
    ...(n.maxRestoresPerDay !== undefined ? { maxRestoresPerDay: n.maxRestoresPerDay } : {}),
    ...(n.maxBytesPerDay !== undefined ? { maxBytesPerDay: n.maxBytesPerDay } : {}),
    deferredQueueUrl: n.deferredQueueUrl,
    next: `raise budget, apply, then: npx glacier-restore redrive ${n.target ?? "<target>"}`,
  };
  return {
    subject: snsSubject(`Restore budget exceeded: ${n.target ?? n.bucket} (${n.day})`),
    message: JSON.stringify(body, null, 2),
    attributes: { event: "budget-exceeded", bucket: n.bucket, ...(n.target ? { target: n.target } : {}) },
  };
}

export interface Notifier {
  initiated(notice: InitiatedNotice): Promise<void>;
  budgetExceeded(notice: BudgetNotice): Promise<void>;
}

/** Publishes notices to one SNS topic. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async initiated(notice: InitiatedNotice): Promise<void> {
    await publishMessage(this.sns, this.topicArn, initiatedMessage(notice));
  }

  async budgetExceeded(notice: BudgetNotice): Promise<void> {
    await publishMessage(this.sns, this.topicArn, budgetExceededMessage(notice));
  }
}

/** Publishes one message; its attributes are what subscriptions' attribute filter policies match. */
export async function publishMessage(sns: SNSClient, topicArn: string, m: NoticeMessage): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: m.subject,
      Message: m.message,
      MessageAttributes: Object.fromEntries(
        Object.entries(m.attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
      ),
    }),
  );
}
