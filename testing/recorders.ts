import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { createHandler } from "../functions/restore";
import type { HandlerConfig } from "../functions/restore/config";
import type { BudgetStore, Reservation } from "../aws/budget";
import type { ClaimResult, ClaimStore } from "../aws/claims";
import type { Log, MetricName, RestoreMetrics } from "../aws/telemetry";

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown>;
}

/** A Log that keeps every line, for assertions. */
export class RecordingLog implements Log {
  readonly lines: LogLine[] = [];
  info(message: string, fields: Record<string, unknown> = {}) {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}) {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}) {
    this.lines.push({ level: "error", message, fields });
  }
}

/** Metrics that keep every count as `Name` or `Name/Reason`. */
export class RecordingMetrics implements RestoreMetrics {
  readonly counts: string[] = [];
  count(name: MetricName, reason?: string) {
    this.counts.push(reason === undefined ? name : `${name}/${reason}`);
  }
}

/** The configuration the handler unit tests start from: target fsx4l-store/raw/, Standard, 7 days. */
export const BASE_HANDLER_CONFIG: HandlerConfig = {
  tier: "Standard",
  days: 7,
  bucket: "fsx4l-store",
  prefix: "raw/",
  claimTtlSeconds: 900,
};

/**
 * A handler over fresh (mockable) SDK clients that records its logs and metrics. Clients are created in
 * us-east-1, so aws-sdk-client-mock's prototype mocks answer their calls.
 */
export function recordingHandler(config: Partial<HandlerConfig>, clock: () => number) {
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const handler = createHandler({
    s3: new S3Client({ region: "us-east-1" }),
    dynamodb: new DynamoDBClient({ region: "us-east-1" }),
    sns: new SNSClient({ region: "us-east-1" }),
    config: { ...BASE_HANDLER_CONFIG, ...config },
    log,
    metrics,
    clock,
  });
  return { handler, log, metrics };
}

/** Claims that answer from `answer` (an Error is thrown, as by a claim store that is down) and record calls. */
export class RecordingClaims implements ClaimStore {
  readonly calls: string[] = [];
  constructor(private readonly answer: (id: string) => ClaimResult | Error = () => "claimed") {}
  async claim(id: string) {
    this.calls.push(`claim ${id.split("\u0000").join("|")}`);
    const answer = this.answer(id);
    if (answer instanceof Error) throw answer;
    return answer;
  }
  async release(id: string) {
    this.calls.push(`release ${id.split("\u0000").join("|")}`);
  }
}

/**
 * A budget that reserves from `answers` in turn ("exceeded" once they run out; an Error is thrown) and
 * records calls; `refundFails` makes every refund throw.
 */
export class RecordingBudget implements BudgetStore {
  readonly calls: string[] = [];
  constructor(
    private readonly answers: (Reservation | Error)[] = ["reserved"],
    private readonly options: { readonly first?: boolean; readonly refundFails?: boolean } = {},
  ) {}
  async reserve(bytes: number) {
    this.calls.push(`reserve ${bytes}`);
    const answer = this.answers.shift() ?? "exceeded";
    if (answer instanceof Error) throw answer;
    return answer;
  }
  async refund(bytes: number) {
    this.calls.push(`refund ${bytes}`);
    if (this.options.refundFails) throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
  }
  async firstRefusalToday() {
    this.calls.push("first?");
    return this.options.first ?? true;
  }
}
