/**
 * `glacier-restore wait <location>`: returns when every object under the location is readable, for a
 * staging job or a pipeline's first step. Lists the location every interval; exit 0 when all is readable,
 * 1 when the timeout passes first or listings keep failing. A failed listing (network, throttling, 5xx)
 * does not end it: it says so on stderr and lists again after a backoff.
 */
import { addToSummary, allReadable, emptySummary, type DatasetSummary } from "../core/dataset";
import { GlacierRestoreError } from "../core/errors";
import { flagHelp, HELP_FLAG, parseArgs, type FlagTable, type FlagValues } from "./args";
import { placementOf, type FsxAssociation } from "../core/fsx-import";
import { progress, resolveLocation, s3Client, type Io, type ResolvedLocation } from "./context";
import { describeFailure, isTransient } from "./failure";
import { inClassOrder, inListingOrder, listLocation, parallelFlag } from "./listing";
import { size } from "./output";

const FLAGS = {
  timeout: {
    type: "duration",
    default: "48h",
    help: "give up after this long, enough for Deep Archive's Bulk tier",
  },
  interval: { type: "duration", default: "5m", help: "list again after this long" },
  "max-failures": {
    type: "int",
    min: 1,
    max: 1000,
    default: 5,
    help: "give up after this many failed listings in a row, each retried with backoff",
  },
  deep: {
    type: "boolean",
    help: "HeadObject Intelligent-Tiering objects for their tier (else they count as not ready)",
  },
  "print-paths": {
    type: "string",
    placeholder: "mount",
    help: "when ready, print <mount>/<key> of each object, for lfs hsm_restore",
  },
  print0: {
    type: "boolean",
    requires: "print-paths",
    help: "with --print-paths: end each path with NUL instead of a newline (for xargs -0)",
  },
  json: { type: "boolean", help: "print the final summary as one JSON document" },
  ...parallelFlag(1),
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const WAIT_HELP = `Usage: glacier-restore wait <s3://bucket/prefix | target> [--timeout 48h] [--interval 5m]
                           [--max-failures 5] [--deep] [--print-paths <mount> [--print0]] [--json]
                           [--parallel N]

Lists the location every interval until every object is readable (not archived, or restored), then exits
0; exits 1 when the timeout passes first. A listing that fails (network, timeout, throttling, HTTP 5xx) is
said on stderr and retried with backoff; --max-failures failures in a row end it with exit 1. On a
terminal, a live line shows readable/total objects and bytes and the time waited. FSx for Lustre loads a
file only once it is readable in S3: --print-paths /fsx prints the Lustre path of each object for
\`lfs hsm_restore\` (for a target whose fsx-logs trigger lists associations, where each association puts
the object). S3 keys may hold spaces, quotes and newlines: print them NUL-terminated and read them so:

  glacier-restore wait s3://fsx4l-store/raw/run-42/ --print-paths /fsx --print0 | xargs -0 -r lfs hsm_restore

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
  end = "\n",
): string {
  if (associations.length === 0) return keys.map((k) => `${mount}/${k}${end}`).join("");
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
  return placements.flatMap((x) => (x.p ? [`${mount}${x.p.filePath}${end}`] : [])).join("");
}

export interface WaitDeps {
  /** Milliseconds since the epoch; injectable so tests control time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How long to wait after the n-th failed listing in a row: doubling from an eighth of the interval (at most 15 s), never above the interval. */
export function retryDelay(failures: number, intervalMs: number): number {
  const base = Math.min(15_000, intervalMs / 8);
  return Math.min(intervalMs, base * 2 ** (failures - 1));
}

/** 250ms, 45s, 12m05s, 3h07m. */
export function elapsedText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
}

function progressLine(where: string, summary: DatasetSummary, waitedMs: number): string {
  const s = summary.states;
  return `${where}: ${s.readable.objects}/${summary.objects} readable (${size(s.readable.bytes)} of ${size(summary.bytes)}), ${s.restoring.objects} restoring, ${s.archived.objects} archived, ${s.unknown.objects} unknown; waited ${elapsedText(waitedMs)}`;
}

interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly maxFailures: number;
  readonly mount?: string;
  readonly end: string;
  readonly deep: boolean;
  readonly json: boolean;
  readonly parallel: number;
}

function waitOptions(flags: FlagValues<typeof FLAGS>): WaitOptions {
  const mount = flags["print-paths"]?.replace(/\/+$/, "");
  return {
    timeoutMs: flags.timeout.ms,
    intervalMs: flags.interval.ms,
    maxFailures: flags["max-failures"],
    ...(mount !== undefined ? { mount } : {}),
    end: flags.print0 ? "\0" : "\n",
    deep: flags.deep,
    json: flags.json,
    parallel: flags.parallel,
  };
}

/** One listing of the whole location: its summary and (for --print-paths) its keys. */
async function listOnce(
  s3: ReturnType<typeof s3Client>,
  location: ResolvedLocation,
  o: WaitOptions,
  io: Io,
): Promise<{ summary: DatasetSummary; keys: string[] }> {
  const summary: DatasetSummary = emptySummary(location.bucket, location.prefix);
  const keys: string[] = [];
  // The live line is wait's own (readable/total): the listing's would overwrite it.
  const quiet: Io = { ...io, stderr: { write: (t: string) => io.stderr.write(t) } };
  const options = { parallel: o.parallel, deep: o.deep, counters: { list: 0, head: 0 }, label: "" };
  for await (const batch of listLocation(s3, location, options, quiet))
    for (const obj of batch) {
      addToSummary(summary, obj);
      // A key read from a page may share the page's memory: keep a copy, not the page.
      if (o.mount !== undefined) keys.push(` ${obj.key}`.slice(1));
    }
  // Fanned out, objects arrive in no fixed order: paths print in listing order whatever --parallel is.
  return { summary: inClassOrder(summary), keys: o.parallel > 1 ? inListingOrder(keys) : keys };
}

/** What to print once everything is readable. */
function readyOutput(summary: DatasetSummary, keys: string[], location: ResolvedLocation, o: WaitOptions, io: Io) {
  if (o.json) return `${JSON.stringify({ ...summary, ready: true })}\n`;
  if (o.mount === undefined)
    return `s3://${location.bucket}/${location.prefix}: all ${summary.objects} objects readable\n`;
  const broken = o.end === "\n" ? keys.filter((k) => k.includes("\n")) : [];
  if (broken.length > 0)
    throw new GlacierRestoreError(
      "external",
      `wait s3://${location.bucket}/${location.prefix}: ${broken.length} keys hold a newline (${JSON.stringify(broken[0])}), which one path per line cannot carry: add --print0 and read with xargs -0`,
    );
  return printedPaths(o.mount, location.bucket, keys, associationsOf(location), io, o.end);
}

export async function wait(argv: readonly string[], io: Io, deps: WaitDeps = {}): Promise<void> {
  const args = parseArgs(argv, FLAGS, "wait");
  if (args.help) return void io.stdout.write(WAIT_HELP);
  const { positional, flags } = args;
  const o = waitOptions(flags);
  const location = await resolveLocation(positional[0], io, "wait");
  const s3 = s3Client(location, io);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const where = `s3://${location.bucket}/${location.prefix}`;
  const started = now();
  const deadline = started + o.timeoutMs;
  const bar = progress(io);
  let failures = 0;
  for (;;) {
    let listed: { summary: DatasetSummary; keys: string[] };
    try {
      listed = await listOnce(s3, location, o, io);
      failures = 0;
    } catch (err) {
      bar.done();
      const failure = describeFailure(err, `wait ${where}`);
      if (!isTransient(err)) throw failure;
      failures++;
      const delay = retryDelay(failures, o.intervalMs);
      if (failures >= o.maxFailures)
        throw new GlacierRestoreError(
          "external",
          `${failure.message} (${failures} failed listings in a row, --max-failures ${o.maxFailures}); rerun wait once the cause is fixed`,
          { cause: err },
        );
      if (now() + delay > deadline)
        throw new GlacierRestoreError("external", `${failure.message} (and the --timeout passes before a retry)`, {
          cause: err,
        });
      io.stderr.write(
        `${failure.message}; listing failed ${failures} time${failures === 1 ? "" : "s"} in a row (--max-failures ${o.maxFailures}), retrying in ${elapsedText(delay)} at ${new Date(now() + delay).toISOString()}\n`,
      );
      await sleep(delay);
      continue;
    }
    const { summary, keys } = listed;
    const s = summary.states;
    if (allReadable(summary)) {
      bar.done();
      io.stdout.write(readyOutput(summary, keys, location, o, io));
      return;
    }
    bar.update(progressLine(where, summary, now() - started));
    if (now() + o.intervalMs > deadline) {
      bar.done();
      if (o.json) io.stdout.write(`${JSON.stringify({ ...summary, ready: false })}\n`);
      throw new GlacierRestoreError(
        "external",
        `wait ${where}: timed out with ${summary.objects - s.readable.objects} of ${summary.objects} objects not readable (${s.restoring.objects} restoring, ${s.archived.objects} archived: run glacier-restore stage or restore them, ${s.unknown.objects} unknown)`,
      );
    }
    await sleep(o.intervalMs);
  }
}
