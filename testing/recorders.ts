import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { createHandler } from "../functions/restore";
import type { HandlerConfig } from "../functions/restore/config";
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
