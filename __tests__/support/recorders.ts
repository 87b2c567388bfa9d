import type { Log, MetricName, RestoreMetrics } from "../../handler/telemetry";

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
