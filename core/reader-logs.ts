/**
 * Misses as the readers log them, instead of CloudTrail data events: the subscription filter pattern
 * that selects them in a log group, and the parser that turns a log line into a normalized miss.
 * Pure (no SDK): the stacks take the patterns, the router function the parser, the tests both.
 *
 * What AWS documents, and what it leaves open:
 * - FSx for Lustre / Amazon File Cache (FSx for Lustre User Guide, "Data repository event logs" and
 *   "Logging with Amazon CloudWatch Logs"): warning `S3ImportUnsupportedTierWarning` (and the symlink
 *   variant), message "Failed to import S3 object with key <key> in S3 bucket <bucket> due to an S3 object
 *   in an unsupported tier <tier>."; log stream `datarepo_<file system id>`; log group names start with
 *   /aws/fsx. The guide gives the message text but not the record's layout (plain text or JSON around it):
 *   the parser finds the documented sentence anywhere in the line, in a JSON string value or as plain text.
 *   The warning is written when FSx imports an archived object's metadata — an import, not a read.
 * - S3 File Gateway (Storage Gateway user guide, "Monitoring your file gateway", "Troubleshooting file
 *   gateway issues: InaccessibleStorageClass"): a JSON record with `type` "InaccessibleStorageClass",
 *   `bucket`, `key`, `gateway` (sgw-…), `operation`, `severity`, `source` (the share), `timestamp`. The
 *   guide's example has `operation` "S3Upload", a write; it names no read operation, so every other (or
 *   missing) operation is taken as a read.
 * Anything that does not parse is counted and logged by the caller, never guessed into a key.
 */

export type ReaderLogSource = "fsx-logs" | "file-gateway-logs";

/** A read that failed on an archived object, whoever logged it. */
export interface ReaderMiss {
  readonly bucket: string;
  readonly key: string;
  readonly source: ReaderLogSource;
  /** The file system, cache or gateway that logged it, when the line says. */
  readonly reader?: string;
  /** Stable per log line (CloudWatch Logs event ID): claims tell Lambda's retries from new misses. */
  readonly eventId: string;
}

/**
 * The CloudWatch Logs filter pattern of each source (CloudWatch Logs User Guide, "Filter pattern syntax"):
 * terms are case sensitive, `?` joins alternatives, quotes hold phrases; `{ $.field = "value" }` matches
 * JSON log events.
 */
export const READER_FILTER_PATTERNS: Record<ReaderLogSource, string> = {
  "fsx-logs": '?"unsupported tier" ?S3ImportUnsupportedTierWarning ?S3ImportSymlinkInUnsupportedTierWarning',
  "file-gateway-logs": '{ $.type = "InaccessibleStorageClass" }',
};

/** The documented FSx sentence; the key may hold spaces, so the bucket (no spaces) anchors the end. */
const FSX_SENTENCE =
  /Failed to import S3 object with key (.+) in S3 bucket ([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]) due to an S3 (?:symlink )?object in an unsupported tier/;

/** The file system or cache of an FSx log stream (`datarepo_fs-0123…`). */
export function fsxReaderOfStream(logStream: string): string | undefined {
  return /(?:^|_)((?:fs|fc)-[0-9a-f]{8,17})$/.exec(logStream)?.[1];
}

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

function parseJson(text: string): unknown {
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A line is a read that missed (restore it), a write to an archived object (S3 File Gateway operation
 * `S3Upload`: a temporary restore does not make the object writable — the gateway guide says to move it
 * back to an S3 storage class — so nothing is restored), or not a miss at all.
 */
export type ParsedLine =
  { readonly miss: ReaderMiss } | { readonly archivedWrite: ReaderMiss } | { readonly unparsed: string };

/** S3 File Gateway operations that write the object (InaccessibleStorageClass on them is no read miss). */
const GATEWAY_WRITE_OPERATIONS = new Set(["S3Upload"]);

/** Turns one log event of a reader's log group into a miss, or says why it is not one. */
export function parseReaderLine(
  source: ReaderLogSource,
  event: { readonly id: string; readonly message: string },
  logStream: string,
): ParsedLine {
  const json = parseJson(event.message);
  if (source === "file-gateway-logs") {
    if (!json || typeof json !== "object") return { unparsed: "not a JSON gateway log record" };
    const r = json as Record<string, unknown>;
    if (r.type !== "InaccessibleStorageClass") return { unparsed: `type ${JSON.stringify(r.type)}` };
    if (typeof r.bucket !== "string" || typeof r.key !== "string" || r.key === "")
      return { unparsed: "InaccessibleStorageClass record without bucket and key" };
    const miss: ReaderMiss = {
      bucket: r.bucket,
      key: r.key,
      source,
      ...(typeof r.gateway === "string" ? { reader: r.gateway } : {}),
      eventId: event.id,
    };
    return typeof r.operation === "string" && GATEWAY_WRITE_OPERATIONS.has(r.operation)
      ? { archivedWrite: miss }
      : { miss };
  }
  const candidates = json === undefined ? [event.message] : stringsOf(json);
  for (const text of candidates) {
    const m = FSX_SENTENCE.exec(text);
    if (!m) continue;
    const reader = fsxReaderOfStream(logStream);
    return { miss: { bucket: m[2]!, key: m[1]!, source, ...(reader ? { reader } : {}), eventId: event.id } };
  }
  return { unparsed: "no documented unsupported-tier message" };
}

/** The event the router hands a target's restore function for one miss. */
export interface ReaderMissEvent {
  readonly glacierRestoreReaderMiss: ReaderMiss & { readonly logGroup: string; readonly logStream: string };
}

export function isReaderMissEvent(event: unknown): event is ReaderMissEvent {
  const m = (event as { glacierRestoreReaderMiss?: Partial<ReaderMiss> } | null)?.glacierRestoreReaderMiss;
  return typeof m === "object" && m !== null && typeof m.bucket === "string" && typeof m.key === "string";
}

export interface Route {
  readonly target: string;
  readonly functionName: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly readers?: readonly string[];
}

/** The target holding a miss (bucket and prefix, and the reader when the target names readers). */
export function routeOf(miss: ReaderMiss, routes: readonly Route[]): Route | undefined {
  return routes.find(
    (r) =>
      r.bucket === miss.bucket &&
      miss.key.startsWith(r.prefix) &&
      (!r.readers || (miss.reader !== undefined && r.readers.includes(miss.reader))),
  );
}
