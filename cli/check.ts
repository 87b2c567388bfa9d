/**
 * `glacier-restore check <target> --key <key>`: the smoke test after the first deploy in a real account.
 * It reads an archived test object (the read must fail with InvalidObjectState, as a job's would), then
 * watches HeadObject until the deployed chain (trail → rule → function → S3) has started its restore, and
 * says how long that took; on timeout it names each link to inspect, with the command to look.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { errorCode, httpStatus } from "../aws/aws-errors";
import { loadConfig } from "../config/load";
import { usesCloudTrail } from "../config/resolve";
import { GlacierRestoreError } from "../core/errors";
import { logTriggerNames, targetNames } from "../core/names";
import { READER_FILTER_PATTERNS } from "../core/reader-logs";
import { isS3Url } from "../core/location";
import { archiveOf, restoreStateOf } from "../core/restore-rules";
import { flagHelp, HELP_FLAG, parseArgs, type FlagTable } from "./args";
import { awsFailure, resolveLocation, s3Client, type Io } from "./context";

const FLAGS = {
  key: {
    type: "string",
    placeholder: "key",
    help: "an archived object under the target's prefix, kept for this test (required)",
  },
  timeout: { type: "duration", default: "15m", help: "how long to wait for the restore to start" },
  interval: { type: "duration", default: "10s", help: "how often to look" },
  json: { type: "boolean", help: "print the result as one JSON document" },
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const CHECK_HELP = `Usage: glacier-restore check <target> --key <key> [--timeout 15m] [--interval 10s] [--json]

The test a user runs after the first deploy: reads an archived object of the target (the read must fail
with InvalidObjectState, as a job's read would), then waits until the deployed chain has started its
restore (x-amz-restore: ongoing-request="true") and prints how long the trail, the rule, the function and
S3 took together. On timeout it prints what to inspect, link by link, with the commands. Use an object kept
for the test: the check starts a real restore of it (with the target's tier and days).

${flagHelp(FLAGS)}

Exit status: 0 the chain works, 1 it did not within the timeout (or the object is not archived), 2 bad usage.
`;

interface Link {
  readonly link: string;
  readonly command: string;
}

/** What to look at when no restore started, in the order the event travels. */
function linksToInspect(targetName: string, io: Io, region: string, sinceIso: string): Link[] {
  const config = loadConfig(io.cwd, io.env);
  const t = config.targets.find((x) => x.name === targetName)!;
  const names = targetNames(t.name);
  const shared = config.sharedTrails.find((g) => g.targets.some((x) => x.name === t.name));
  const trail =
    t.trail.mode === "existing"
      ? t.trail.existingTrailArn!
      : t.trail.mode === "shared" && shared
        ? targetNames(shared.stackName).trail
        : names.trail;
  const now = new Date().toISOString();
  const r = `--region ${region}`;
  const cloudTrail = usesCloudTrail(t);
  // Reader-log sources: the reader's warning, the router's hand-over, the router's dead-letter queue.
  const readerLinks: Link[] = config.logTriggers
    .filter((g) => g.routes.some((x) => x.target === t.name))
    .flatMap((g) => {
      const router = logTriggerNames(g.stackName);
      return [
        {
          link: `${g.type === "fsx-logs" ? "FSx" : "the gateway"} logged the miss in ${g.logGroupName}`,
          command: `aws logs filter-log-events ${r} --log-group-name ${g.logGroupName} --start-time ${Date.parse(sinceIso)} --filter-pattern '${READER_FILTER_PATTERNS[g.type]}'`,
        },
        {
          link: "the router handed it to this target",
          command: `aws logs tail ${r} /aws/lambda/${router.function} --since 30m`,
        },
        {
          link: "deliveries that ended in the router's dead-letter queue",
          command: `aws sqs get-queue-attributes ${r} --queue-url "$(aws sqs get-queue-url ${r} --queue-name ${router.deadLetterQueue} --query QueueUrl --output text)" --attribute-names ApproximateNumberOfMessagesVisible`,
        },
      ];
    });
  const cloudTrailLinks: Link[] = [
    {
      link: "trail logs the read (IsLogging true, selectors cover the key)",
      command: `aws cloudtrail get-trail-status ${r} --name ${trail} && aws cloudtrail get-event-selectors ${r} --trail-name ${trail}`,
    },
    {
      link: "rule matched the failed read",
      command: `aws cloudwatch get-metric-statistics ${r} --namespace AWS/Events --metric-name TriggeredRules --dimensions Name=RuleName,Value=${names.rule} --start-time ${sinceIso} --end-time ${now} --period 300 --statistics Sum`,
    },
  ];
  return [
    ...(cloudTrail ? cloudTrailLinks : []),
    ...readerLinks,
    {
      link: "function ran and what it decided",
      command: `aws logs tail ${r} /aws/lambda/${names.function} --since 30m`,
    },
    {
      link: "events that ended in the dead-letter queue",
      command: `aws sqs get-queue-attributes ${r} --queue-url "$(aws sqs get-queue-url ${r} --queue-name ${names.deadLetterQueue} --query QueueUrl --output text)" --attribute-names ApproximateNumberOfMessagesVisible`,
    },
  ];
}

async function head(s3: S3Client, bucket: string, key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

export interface CheckDeps {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export async function check(argv: readonly string[], io: Io, deps: CheckDeps = {}): Promise<void> {
  const args = parseArgs(argv, FLAGS, "check");
  if (args.help) return void io.stdout.write(CHECK_HELP);
  const { positional, flags } = args;
  if (positional[0] !== undefined && isS3Url(positional[0]))
    throw new GlacierRestoreError("usage", "check: needs a configured target name (its stack is what is checked)");
  const location = await resolveLocation(positional[0], io, "check");
  const key = flags.key;
  if (!key)
    throw new GlacierRestoreError("usage", "check: --key <key> is required: an archived object kept for the test");
  if (!key.startsWith(location.prefix))
    throw new GlacierRestoreError(
      "usage",
      `check: --key ${JSON.stringify(key)} is not under the target's prefix ${JSON.stringify(location.prefix)}`,
    );
  const timeoutMs = flags.timeout.ms;
  const intervalMs = flags.interval.ms;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const s3 = s3Client(location, io);
  const where = `check s3://${location.bucket}/${key}`;
  const json = flags.json;

  try {
    const before = await head(s3, location.bucket, key);
    const archive = archiveOf({ storageClass: before.StorageClass, archiveStatus: before.ArchiveStatus });
    const state = restoreStateOf(before.Restore);
    if (!archive || state === "restored")
      throw new GlacierRestoreError(
        "external",
        `${where}: the object is readable now (${before.StorageClass ?? "STANDARD"}${state === "restored" ? ", restored copy" : ""}); use an archived object`,
      );
    if (state === "ongoing")
      throw new GlacierRestoreError(
        "external",
        `${where}: a restore of this object is already running, so this check cannot tell who started it; use another archived object`,
      );
    const t = location.target!;
    if (!usesCloudTrail(t) && !json)
      // This S3 read reaches no trail: only a read through the reader writes the warning the target listens to.
      io.stdout.write(
        `${t.name} takes its misses from reader logs only (${t.trigger.map((x) => ("logGroupName" in x ? x.logGroupName : x.type)).join(", ")}): read s3://${location.bucket}/${key} through the reader now (FSx: its file on the mount, or an import; File Gateway: the file on the share)\n`,
      );
    const readAt = now();
    const sinceIso = new Date(readAt - 60_000).toISOString();
    let readError = "";
    try {
      await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
    } catch (err) {
      readError = errorCode(err);
      if (readError !== "InvalidObjectState") throw err;
    }
    if (readError !== "InvalidObjectState")
      throw new GlacierRestoreError("external", `${where}: the read succeeded, so there is nothing to restore`);
    for (;;) {
      const state = restoreStateOf((await head(s3, location.bucket, key)).Restore);
      if (state !== "none") {
        const seconds = Math.round((now() - readAt) / 100) / 10;
        io.stdout.write(
          json
            ? `${JSON.stringify({ target: location.target!.name, key, readFailedWith: readError, restoreStartedAfterSeconds: seconds })}\n`
            : `the read failed with InvalidObjectState and the restore started ${seconds} s later: trail → rule → function → S3 works for ${location.target!.name}\n`,
        );
        return;
      }
      if (now() + intervalMs - readAt > timeoutMs) break;
      await sleep(intervalMs);
    }
    const inspect = linksToInspect(location.target!.name, io, location.region ?? "us-east-1", sinceIso);
    io.stdout.write(
      json
        ? `${JSON.stringify({ target: location.target!.name, key, readFailedWith: readError, timedOut: true, inspect })}\n`
        : `no restore started within ${flags.timeout.text} of the read; inspect, in the order the event travels:\n${inspect.map((l, i) => `${i + 1}. ${l.link}:\n   ${l.command}`).join("\n")}\nCloudTrail can take several minutes to deliver a data event: rerun with a longer --timeout before concluding.\n`,
    );
    throw new GlacierRestoreError("external", `${where}: no restore started within ${flags.timeout.text}`);
  } catch (err) {
    if (err instanceof GlacierRestoreError) throw err;
    if (httpStatus(err) === 404) throw new GlacierRestoreError("external", `${where}: no such object`);
    awsFailure(err, where);
  }
}
