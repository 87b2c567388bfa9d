import { exampleConfig, notificationsConfig } from "./config";

/** The configurations every proof layer runs over. */
export function proofConfigurations(): Record<string, Record<string, any>> {
  const shared = exampleConfig();
  shared.defaults.trail = { mode: "shared" };
  shared.targets.push({ name: "climate", bucket: "climate-archive", prefix: "", restoreTier: "Bulk" });

  const existing = exampleConfig();
  existing.targets = [existing.targets[0]];
  existing.defaults.trail = {
    mode: "existing",
    existingTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org",
  };

  const options = exampleConfig();
  options.targets = [
    { name: "options", bucket: "lab-data", prefix: "cold data/", region: "eu-west-1", batchOperations: true },
  ];
  options.stateBackend.locking = "dynamodb";
  options.stateBackend.dynamodbTable = "tf-locks";
  options.stateBackend.bootstrap = true;
  options.defaults.assumeRole = { roleArn: "arn:aws:iam::123456789012:role/deployer" };
  options.defaults.trail = {
    cloudWatchLogs: false,
    readerArnPrefixes: ["arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
  };
  options.defaults.function = { reservedConcurrency: 10, claims: false };

  // Partitions other than aws: ARNs, kms:ViaService and selectors must follow the region.
  const govcloud = exampleConfig();
  govcloud.stateBackend.region = "us-gov-west-1";
  govcloud.defaults.region = "us-gov-west-1";
  govcloud.defaults.trail = {
    cloudWatchLogs: true,
    logBucketForceDestroy: true,
    readerArnPrefixes: ["arn:aws-us-gov:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_"],
  };
  govcloud.targets = [
    {
      name: "gov-raw",
      bucket: "gov-fsx-store",
      prefix: "raw/",
      batchOperations: true,
      restoreScope: "directory",
      budget: { maxRestoresPerDay: 500, maxGBPerDay: 200 },
      notifications: { email: ["ops@example.com"] },
    },
  ];

  const china = notificationsConfig();
  china.stateBackend.region = "cn-north-1";
  china.defaults.region = "cn-north-1";
  china.defaults.trail = { mode: "shared" };
  china.defaults.mode = "observe";
  china.targets = china.targets.map((t: Record<string, unknown>) => ({ ...t, region: "cn-north-1" }));
  china.targets[1].notifications.sqsQueueArns = ["arn:aws-cn:sqs:cn-north-1:123456789012:restores"];
  // Misses from the readers' own logs: FSx (with and without CloudTrail beside it) and an S3 File Gateway.
  const readers = exampleConfig();
  readers.targets = [
    {
      name: "genomics-raw",
      bucket: "fsx4l-store",
      prefix: "raw/",
      trigger: [
        { type: "cloudtrail" },
        { type: "fsx-logs", logGroupName: "/aws/fsx/lustre", fileSystemIds: ["fs-0123456789abcdef0"] },
      ],
    },
    {
      name: "genomics-ref",
      bucket: "fsx4l-store",
      prefix: "reference/",
      trigger: [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }],
    },
    {
      name: "share-archive",
      bucket: "gateway-share",
      prefix: "",
      trigger: [{ type: "file-gateway-logs", logGroupName: "/storagegateway/sgw-B1D123D4" }],
    },
  ];
  // FSx import of restored files: two file systems' associations on one log group (one in eu-west-1 would
  // be the same), the CloudTrail-less target fed by both.
  const fsxImport = exampleConfig();
  fsxImport.targets = [
    {
      name: "lab-raw",
      bucket: "fsx4l-store",
      prefix: "raw/",
      trigger: [
        {
          type: "fsx-logs",
          logGroupName: "/aws/fsx/lustre",
          fileSystemIds: ["fs-0123456789abcdef0", "fs-0fedcba9876543210"],
          associations: [
            { fileSystemId: "fs-0123456789abcdef0", fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/" },
            {
              fileSystemId: "fs-0fedcba9876543210",
              fileSystemPath: "/runs/",
              dataRepositoryPath: "s3://fsx4l-store/raw/runs/",
            },
          ],
        },
      ],
    },
  ];
  // Keys outside Latin-1 (issue 28): policies widen them with "?", every other layer keeps them as written.
  const unicode = exampleConfig();
  unicode.defaults.trail = { mode: "shared" };
  unicode.buckets = { "intl-archive": { notificationConfiguration: "owned" } };
  unicode.targets = [
    {
      name: "japanese",
      bucket: "intl-archive",
      prefix: "データ/ü/",
      batchOperations: true,
      notifications: { email: ["ops@example.com"], expired: true },
      trigger: [{ type: "cloudtrail" }, { type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }],
    },
    {
      name: "emoji",
      bucket: "intl-archive",
      prefix: "runs/🧬 seq/",
      notifications: { completedVia: "bucket-notifications", sqsQueueArns: ["arn:aws:sqs:us-east-1:123456789012:r"] },
    },
    {
      name: "latin1",
      bucket: "intl-archive",
      prefix: "données/é/",
    },
    { name: "spaces", bucket: "intl-archive", prefix: "cold data/run 1/" },
  ];
  return {
    example: exampleConfig(),
    shared,
    existing,
    options,
    notifications: notificationsConfig(),
    govcloud,
    china,
    readers,
    "fsx-import": fsxImport,
    unicode,
  };
}
