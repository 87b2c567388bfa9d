/**
 * Logging and metrics behind two small interfaces, so the shell does not depend on how they are written
 * and tests can record them. The defaults write structured JSON (Powertools Logger) and CloudWatch
 * embedded-metric-format lines (Powertools Metrics).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Counters the function emits; each may carry a reason dimension. */
export type MetricName =
  | "RestoreInitiated"
  | "RestoreSkipped"
  | "EventIgnored"
  | "TierFallback"
  | "RestoreFailed"
  | "ClaimStoreUnavailable"
  | "NotificationPublished"
  | "NotificationFailed"
  | "DigestPublished"
  | "DigestMessageUnreadable"
  | "WouldRestore"
  | "BudgetExceeded"
  | "BudgetRefundFailed"
  | "EventDeferred"
  | "DirectoryExpanded"
  | "DirectoryCapReached"
  | "MissRouted"
  | "MissOutsideTargets"
  | "ReaderLineUnparsed"
  | "ArchivedObjectWrite"
  | "ImportTaskCreated"
  | "ImportTaskFailed"
  | "ImportOutsideAssociations"
  | "ImportItemUnusable";

export interface RestoreMetrics {
  count(name: MetricName, reason?: string): void;
}

export const SERVICE_NAME = "glacier-restore";
export const METRIC_NAMESPACE = "GlacierRestore";

export function powertoolsLog(): Log {
  const logger = new Logger({ serviceName: SERVICE_NAME });
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}

export function powertoolsMetrics(): RestoreMetrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  return {
    count(name, reason) {
      // One EMF line per count keeps each reason its own dimension without buffering across invocations.
      const single = metrics.singleMetric();
      if (reason !== undefined) single.addDimension("Reason", reason);
      single.addMetric(name, MetricUnit.Count, 1);
    },
  };
}
