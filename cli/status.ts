/** `glacier-restore status <location>`: how much of a dataset is readable, archived or being restored. */
import type { ListingCounters } from "../aws/listing";
import { addToSummary, emptySummary, type DatasetSummary } from "../core/dataset";
import { flagHelp, HELP_FLAG, parseArgs, type FlagTable } from "./args";
import { awsFailure, resolveLocation, s3Client, type Io } from "./context";
import { inClassOrder, listLocation, parallelFlag } from "./listing";
import { printResult, size, type CommandResult } from "./output";

const FLAGS = {
  json: { type: "boolean", help: "print one JSON document on stdout, nothing else" },
  deep: { type: "boolean", help: "HeadObject each Intelligent-Tiering object for its access tier (one request each)" },
  ...parallelFlag(1),
  inventory: {
    type: "string",
    placeholder: "manifest",
    conflicts: {
      deep: "--inventory with --deep: the report already holds the Intelligent-Tiering access tier; --deep is for a listing",
      parallel: "--inventory with --parallel: a report is read, not listed",
    },
    help: "read the S3 Inventory report at s3://bucket/.../manifest.json instead of listing (docs/inventory.md)",
  },
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const STATUS_HELP = `Usage: glacier-restore status <s3://bucket/prefix | target> [--json] [--deep] [--parallel N]
       glacier-restore status <s3://bucket/prefix | target> --inventory <s3://bucket/.../manifest.json> [--json]

Lists the location with ListObjectsV2 (one request per 1,000 keys, with each object's restore status) and
reports objects and bytes per state: readable (not archived, or a restored copy exists; "restored" is the
part readable because of a restored copy, with the earliest expiry), archived (needs a restore), restoring,
and unknown (Intelligent-Tiering objects, whose access tier a listing does not show: --deep asks).
--parallel N lists a tree of large directories (runs, dates) by up to N streams at once, one directory
each; every directory then costs at least one request, so it pays off for directories of thousands of
objects. The figures are the same for any N.

--inventory reads an S3 Inventory report (CSV) instead of listing, for archives too large to list: objects
and bytes per storage class and Intelligent-Tiering access tier, as of the report's date. A report holds
no restore status, so archived objects with a restore running or a restored copy count as archived.

${flagHelp(FLAGS)}

Exit status: 0 listed, 1 failed (credentials, access, no such bucket), 2 bad usage.
`;

/** Lists and summarizes a location; the requests it made are counted. */
export async function summarize(
  argv: readonly string[],
  io: Io,
): Promise<{ summary: DatasetSummary; counters: ListingCounters; json: boolean } | undefined> {
  const args = parseArgs(argv, FLAGS, "status");
  if (args.help) {
    io.stdout.write(STATUS_HELP);
    return undefined;
  }
  const { positional, flags } = args;
  const location = await resolveLocation(positional[0], io, "status");
  const s3 = s3Client(location, io);
  const summary = emptySummary(location.bucket, location.prefix);
  const counters: ListingCounters = { list: 0, head: 0 };
  const label = `listing s3://${location.bucket}/${location.prefix}`;
  try {
    const options = { parallel: flags.parallel, deep: flags.deep, counters, label };
    for await (const batch of listLocation(s3, location, options, io)) for (const o of batch) addToSummary(summary, o);
  } catch (err) {
    awsFailure(err, `status s3://${location.bucket}/${location.prefix}`);
  }
  return { summary: inClassOrder(summary), counters, json: flags.json };
}

/** The summary for people: one line per state, then per storage class. */
export function statusText(s: DatasetSummary): string {
  const lines = [`s3://${s.location.bucket}/${s.location.prefix}: ${s.objects} objects, ${size(s.bytes)}`];
  for (const state of ["readable", "archived", "restoring", "unknown"] as const) {
    const t = s.states[state];
    lines.push(`  ${state.padEnd(10)} ${String(t.objects).padStart(10)} objects ${size(t.bytes).padStart(12)}`);
    if (state === "readable" && s.states.restored.objects > 0)
      lines.push(
        `    of which ${s.states.restored.objects} from restored copies, the first expiring ${s.states.restored.earliestExpiry}`,
      );
  }
  if (s.unknownReason) lines.push(`  unknown: ${s.unknownReason}`);
  lines.push("storage classes:");
  for (const [cls, t] of Object.entries(s.storageClasses).sort())
    lines.push(`  ${cls.padEnd(20)} ${String(t.objects).padStart(10)} objects ${size(t.bytes).padStart(12)}`);
  return `${lines.join("\n")}\n`;
}

/** The summary with the requests it took, as `--json` prints it. */
export type StatusReport = DatasetSummary & { readonly requests: ListingCounters };

export function statusResult(summary: DatasetSummary, counters: ListingCounters): CommandResult<StatusReport> {
  return { data: { ...summary, requests: counters }, text: statusText };
}

export async function status(argv: readonly string[], io: Io): Promise<void> {
  const args = parseArgs(argv, FLAGS, "status");
  if (!args.help && args.flags.inventory !== undefined)
    // Loaded only for a report: a listing needs none of its readers (gzip, CSV).
    return (await import("./inventory-status")).inventoryStatus(
      { location: args.positional[0], inventory: args.flags.inventory, json: args.flags.json },
      io,
    );
  const found = await summarize(argv, io);
  if (!found) return;
  printResult(io, statusResult(found.summary, found.counters), found.json);
}
