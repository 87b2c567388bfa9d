/**
 * `glacier-restore wait <location>`: returns when every object under the location is readable, for a
 * scheduler hook (a Slurm prolog, a pipeline's first step). Lists the location every interval; exit 0 when
 * all is readable, 1 when the timeout passes first.
 */
import { listDataset } from "../aws/listing";
import { addToSummary, allReadable, emptySummary, type DatasetSummary } from "../core/dataset";
import { parseDuration } from "../core/duration";
import { GlacierRestoreError } from "../core/errors";
import { flagHelp, parseArgs, type FlagSpec } from "./args";
import { placementOf, type FsxAssociation } from "../core/fsx-import";
import { awsFailure, progress, resolveLocation, s3Client, type Io, type ResolvedLocation } from "./context";

const FLAGS: Record<string, FlagSpec> = {
  timeout: { value: true, help: "give up after this long (default 48h: Deep Archive's Bulk tier)" },
  interval: { value: true, help: "list again after this long (default 5m)" },
  deep: { help: "HeadObject Intelligent-Tiering objects for their tier (else they count as not ready)" },
  "print-paths": { value: true, help: "when ready, print <mount>/<key> of each object, for lfs hsm_restore" },
  json: { help: "print the final summary as one JSON document" },
  help: { help: "this text" },
};

export const WAIT_HELP = `Usage: glacier-restore wait <s3://bucket/prefix | target> [--timeout 48h] [--interval 5m]
                           [--deep] [--print-paths <mount>] [--json]

Lists the location every interval until every object is readable (not archived, or restored), then exits
0; exits 1 when the timeout passes first. FSx for Lustre loads a file only once it is readable in S3:
--print-paths /fsx prints the Lustre path of each object, one per line, for \`lfs hsm_restore\` (for a
target whose fsx-logs trigger lists associations, where each association puts the object):

  glacier-restore wait s3://fsx4l-store/raw/run-42/ --print-paths /fsx | xargs -r lfs hsm_restore

${flagHelp(FLAGS)}

Exit status: 0 readable, 1 timed out or failed, 2 bad usage.
`;

/** The FSx data repository associations of the target the location names (none for an s3:// location). */
function associationsOf(location: ResolvedLocation): readonly FsxAssociation[] {
  for (const source of location.target?.trigger ?? [])
    if (source.type === "fsx-logs" && source.associations) return source.associations;
  return [];
}

/**
 * The Lustre path of each key under `mount`: without associations the file system mirrors the bucket
 * (`<mount>/<key>`); with them each key goes where its association puts it (core/fsx-import.ts, the same
 * mapping the import function uses). Keys in no association are not on the file system: said on stderr.
 */
export function printedPaths(
  mount: string,
  bucket: string,
  keys: readonly string[],
  associations: readonly FsxAssociation[],
  io: Pick<Io, "stderr">,
): string {
  if (associations.length === 0) return keys.map((k) => `${mount}/${k}\n`).join("");
  const placements = keys.map((k) => ({ key: k, p: placementOf(bucket, k, associations) }));
  const outside = placements.filter((x) => !x.p).map((x) => x.key);
  if (outside.length > 0)
    io.stderr.write(
      `${outside.length} objects lie in no data repository association (not on FSx): ${outside.slice(0, 3).join(", ")}\n`,
    );
  const systems = new Set(placements.flatMap((x) => (x.p ? [x.p.fileSystemId] : [])));
  if (systems.size > 1)
    io.stderr.write(
      `the objects are on ${systems.size} file systems (${[...systems].join(", ")}); ${mount} must be where each is mounted\n`,
    );
  return placements.flatMap((x) => (x.p ? [`${mount}${x.p.filePath}\n`] : [])).join("");
}

export interface WaitDeps {
  /** Milliseconds since the epoch; injectable so tests control time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export async function wait(argv: readonly string[], io: Io, deps: WaitDeps = {}): Promise<void> {
  const { positional, flags } = parseArgs(argv, FLAGS, "wait");
  if (flags.help) return void io.stdout.write(WAIT_HELP);
  const timeoutMs = parseDuration(typeof flags.timeout === "string" ? flags.timeout : "48h", "--timeout");
  const intervalMs = parseDuration(typeof flags.interval === "string" ? flags.interval : "5m", "--interval");
  const mount = typeof flags["print-paths"] === "string" ? flags["print-paths"].replace(/\/+$/, "") : undefined;
  const location = resolveLocation(positional[0], io, "wait");
  const s3 = s3Client(location, io);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const where = `s3://${location.bucket}/${location.prefix}`;
  const deadline = now() + timeoutMs;
  const bar = progress(io);
  for (;;) {
    const summary: DatasetSummary = emptySummary(location.bucket, location.prefix);
    const keys: string[] = [];
    try {
      for await (const o of listDataset(s3, location, { deep: flags.deep === true })) {
        addToSummary(summary, o);
        if (mount) keys.push(o.key);
      }
    } catch (err) {
      bar.done();
      awsFailure(err, `wait ${where}`);
    }
    const s = summary.states;
    if (allReadable(summary)) {
      bar.done();
      if (flags.json) io.stdout.write(`${JSON.stringify({ ...summary, ready: true })}\n`);
      else if (mount) io.stdout.write(printedPaths(mount, location.bucket, keys, associationsOf(location), io));
      else io.stdout.write(`${where}: all ${summary.objects} objects readable\n`);
      return;
    }
    bar.update(
      `${where}: ${s.readable.objects}/${summary.objects} readable, ${s.restoring.objects} restoring, ${s.archived.objects} archived, ${s.unknown.objects} unknown`,
    );
    if (now() + intervalMs > deadline) {
      bar.done();
      if (flags.json) io.stdout.write(`${JSON.stringify({ ...summary, ready: false })}\n`);
      throw new GlacierRestoreError(
        "external",
        `wait ${where}: timed out with ${summary.objects - s.readable.objects} of ${summary.objects} objects not readable (${s.restoring.objects} restoring, ${s.archived.objects} archived: run glacier-restore stage or restore them, ${s.unknown.objects} unknown)`,
      );
    }
    await sleep(intervalMs);
  }
}
