import { exampleConfig } from "../config";

/** The configuration the deploy proof applies against moto. */
export interface DeployConfiguration {
  readonly name: string;
  readonly raw: Record<string, any>;
}

/**
 * One configuration that holds every stack kind and option once, with target names unique in the moto
 * account: dedicated, shared and existing trails; notifications with a digest and bucket notifications;
 * alarms to a given topic; observe mode; budget, directory scope and batch operations in a second region
 * behind an assumed role; a function without claims; FSx (with import associations) and File Gateway log triggers; the state bootstrap.
 * The govcloud and china proof configurations are left out: see docs/testing.md, "Deploy proof against moto".
 */
export function deployConfiguration(): DeployConfiguration {
  const raw = exampleConfig();
  raw.stateBackend = { ...raw.stateBackend, locking: "dynamodb", dynamodbTable: "tf-locks", bootstrap: true };
  raw.defaults.trail = { mode: "shared" };
  raw.defaults.notifications = { email: ["hpc-ops@example.com"], expired: true };
  raw.buckets = { "fsx4l-store": { notificationConfiguration: "owned" } };
  raw.targets = [
    {
      name: "dedicated",
      bucket: "fsx4l-store",
      prefix: "raw/",
      restoreTier: "Expedited",
      restoreDays: 1,
      trail: { mode: "dedicated" },
      notifications: { https: ["https://hooks.example.com/restores"], digest: { windowMinutes: 15 } },
    },
    {
      name: "shared-ref",
      bucket: "fsx4l-store",
      prefix: "reference/",
      notifications: {
        completedVia: "bucket-notifications",
        sqsQueueArns: ["arn:aws:sqs:us-east-1:123456789012:restores"],
      },
    },
    {
      name: "existing",
      bucket: "fsx4l-store",
      prefix: "existing/",
      mode: "observe",
      function: { claims: false },
      notifications: { email: [] },
      trail: { mode: "existing", existingTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org" },
      alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:ops-alarms" },
    },
    {
      name: "second-region",
      bucket: "lab-data",
      prefix: "cold data/",
      region: "eu-west-1",
      assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deployer" },
      trail: {
        mode: "dedicated",
        cloudWatchLogs: false,
        readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
      },
      function: { reservedConcurrency: 10 },
      batchOperations: true,
      restoreScope: "directory",
      budget: { maxRestoresPerDay: 500, maxGBPerDay: 200 },
    },
    {
      name: "fsx",
      bucket: "fsx4l-store",
      prefix: "runs/",
      trigger: [
        {
          type: "fsx-logs",
          logGroupName: "/aws/fsx/lustre",
          fileSystemIds: ["fs-0123456789abcdef0"],
          associations: [
            { fileSystemId: "fs-0123456789abcdef0", fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/" },
          ],
        },
      ],
    },
    {
      name: "gateway",
      bucket: "gateway-share",
      prefix: "",
      trigger: [{ type: "file-gateway-logs", logGroupName: "/storagegateway/sgw-B1D123D4" }],
    },
  ];
  return { name: "deploy", raw };
}

/** What the configuration names but does not create: buckets and reader log groups, with their regions. */
export function worldOf(raw: Record<string, any>): { buckets: string[][]; logGroups: string[][] } {
  const buckets = new Map<string, string>();
  const logGroups = new Map<string, string>();
  for (const target of raw.targets) {
    const region = target.region ?? raw.defaults.region;
    buckets.set(target.bucket, region);
    for (const trigger of target.trigger ?? []) if (trigger.logGroupName) logGroups.set(trigger.logGroupName, region);
  }
  return { buckets: [...buckets], logGroups: [...logGroups] };
}
