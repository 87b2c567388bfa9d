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
