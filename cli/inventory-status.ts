/**
 * `glacier-restore status <location> --inventory <s3://…/manifest.json>`: the dataset's storage classes and
 * Intelligent-Tiering access tiers from an S3 Inventory report instead of a listing (for buckets too large
 * to list), with what a report cannot tell. cli/status.ts calls it when --inventory is given.
 */
import { summarizeInventory, type InventoryCounters } from "../aws/inventory";
import { parseManifestUrl, type InventorySummary, type Tally } from "../core/inventory";
import { awsFailure, progress, resolveLocation, s3Client, type Io } from "./context";
import { printResult, type CommandResult } from "./output";
import { size } from "./output";

/** What cli/status.ts passes on: the location as written, --inventory and --json. */
export interface InventoryStatusArgs {
  readonly location: string | undefined;
  readonly inventory: string;
  readonly json: boolean;
}

/** The summary with the requests it took, as `--json` prints it. */
export type InventoryStatusReport = InventorySummary & { readonly requests: InventoryCounters };

const line = (name: string, t: Tally) =>
  `  ${name.padEnd(22)} ${String(t.objects).padStart(10)} objects ${size(t.bytes).padStart(12)}`;

/** The report for people: totals and as-of time, archived vs readable, classes, tiers, then what it cannot tell. */
export function inventoryStatusText(r: InventoryStatusReport): string {
  const lines = [
    `s3://${r.location.bucket}/${r.location.prefix}: ${r.objects} objects, ${size(r.bytes)}, from the S3 Inventory report of ${r.asOf}`,
    line("archived", r.states.archived) + "  (needs a restore before reading)",
    line("readable", r.states.readable) + "  (without a restore)",
  ];
  if (r.states.unknown.objects > 0) lines.push(line("unknown", r.states.unknown));
  for (const why of r.unknownReasons) lines.push(`  unknown: ${why}`);
  lines.push("storage classes:");
  for (const [cls, t] of Object.entries(r.storageClasses).sort()) lines.push(line(cls, t));
  if (Object.keys(r.accessTiers).length > 0) {
    lines.push("Intelligent-Tiering access tiers:");
    for (const [tier, t] of Object.entries(r.accessTiers).sort()) lines.push(line(tier, t));
  }
  const { noncurrentVersions, deleteMarkers, outsidePrefix } = r.skipped;
  if (noncurrentVersions + deleteMarkers > 0)
    lines.push(`not counted: ${noncurrentVersions} noncurrent versions, ${deleteMarkers} delete markers`);
  lines.push(`read with ${r.requests.get} GetObject requests (${outsidePrefix} rows outside the location)`);
  lines.push("the inventory cannot tell:");
  for (const text of r.cannotTell) lines.push(`  - ${text}`);
  return `${lines.join("\n")}\n`;
}

export function inventoryStatusResult(
  summary: InventorySummary,
  counters: InventoryCounters,
): CommandResult<InventoryStatusReport> {
  return { data: { ...summary, requests: { get: counters.get } }, text: inventoryStatusText };
}

/** Reads the report for the location and prints the summary (text, or one JSON document with --json). */
export async function inventoryStatus(args: InventoryStatusArgs, io: Io): Promise<void> {
  const location = await resolveLocation(args.location, io, "status");
  const manifestAt = parseManifestUrl(args.inventory);
  // The destination bucket is in the source bucket's region (S3 User Guide, "Amazon S3 Inventory").
  const s3 = s3Client({ ...location, bucket: manifestAt.bucket }, io);
  const counters: InventoryCounters = { get: 0 };
  const bar = progress(io);
  let summary: InventorySummary;
  try {
    summary = await summarizeInventory(s3, manifestAt, location, counters, (done, total, s) =>
      bar.update(`inventory file ${done}/${total}: ${s.objects.toLocaleString("en-US")} objects so far`),
    );
  } catch (err) {
    awsFailure(
      err,
      `status --inventory s3://${manifestAt.bucket}/${manifestAt.key}`,
      "the credentials may not read the inventory's destination bucket (s3:GetObject on the manifest and its data files)",
    );
  } finally {
    bar.done();
    s3.destroy();
  }
  printResult(io, inventoryStatusResult(summary, counters), args.json);
}
