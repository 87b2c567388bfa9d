import { ConfigError, resolveConfig } from "../config/resolve";

/** A valid configuration in the documented shape; tests derive bad ones from it. */
export function exampleConfig(): Record<string, any> {
  return {
    stateBackend: { bucket: "acme-tf-state", region: "us-east-1", keyPrefix: "glacier-restore" },
    defaults: { region: "us-east-1", restoreTier: "Standard", restoreDays: 7, tags: { team: "hpc" } },
    targets: [
      { name: "genomics-raw", bucket: "fsx4l-store", prefix: "raw/", restoreTier: "Expedited", restoreDays: 1 },
      { name: "genomics-ref", bucket: "fsx4l-store", prefix: "reference/", region: "us-east-1" },
    ],
  };
}

/**
 * Two targets on one bucket with notifications: "genomics-raw" through EventBridge, "genomics-ref" through
 * the bucket's own notifications, so the bucket is declared owned.
 */
export function notificationsConfig(): Record<string, any> {
  const config = exampleConfig();
  config.defaults.notifications = { email: ["hpc-ops@example.com"], expired: true };
  config.targets[0].notifications = { https: ["https://hooks.example.com/restores"], digest: { windowMinutes: 15 } };
  config.targets[1].notifications = {
    completedVia: "bucket-notifications",
    sqsQueueArns: ["arn:aws:sqs:us-east-1:123456789012:restores"],
  };
  config.buckets = { "fsx4l-store": { notificationConfiguration: "owned" } };
  return config;
}

/** The problems a configuration is rejected with (fails the test when it is accepted). */
export function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error("expected the configuration to be rejected");
}
