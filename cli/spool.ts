/**
 * What `stage` listed, kept on disk so the restores read it back instead of listing the prefix a second
 * time: one line per object in a private temporary directory, removed when the command ends. Memory stays
 * flat however large the dataset; past `limit` objects it stops keeping them (a plan that large goes to
 * S3 Batch Operations, or is listed again, said in the plan) so the disk it takes stays bounded too.
 */
import { mkdtempSync, openSync, closeSync, writeSync, rmSync, createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import type { ListedObject } from "../core/dataset";

/** Objects kept at most: about 150 bytes each on disk. */
export const SPOOL_LIMIT = 2_000_000;

/**
 * Spools not yet disposed. An interrupt (Ctrl-C, a scheduler's SIGTERM) ends Node.js without running
 * `finally` blocks: while one exists, these signals remove them first, then end the process as the
 * signal would have (exit status 128 + its number).
 */
const live = new Set<ListingSpool>();
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
function onSignal(signal: keyof typeof SIGNALS): void {
  for (const spool of [...live]) spool.dispose();
  process.exit(128 + SIGNALS[signal]);
}
function watchSignals(on: boolean): void {
  for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[])
    if (on) process.on(signal, onSignal);
    else process.off(signal, onSignal);
}

type Line = [
  key: string,
  size: number,
  storageClass: string,
  inProgress: 0 | 1,
  expiry: number | null,
  archive: string | null,
];

export class ListingSpool {
  private readonly dir = mkdtempSync(path.join(tmpdir(), "glacier-restore-stage-"));
  private readonly file = path.join(this.dir, "objects.ndjson");
  private fd: number | undefined = openSync(this.file, "wx", 0o600);
  private pending: string[] = [];
  private pendingBytes = 0;
  private count = 0;
  /** False once more than `limit` objects were offered: the spool then holds only a part. */
  complete = true;

  constructor(private readonly limit = SPOOL_LIMIT) {
    if (live.size === 0) watchSignals(true);
    live.add(this);
  }

  add(o: ListedObject): void {
    if (!this.complete) return;
    if (this.count >= this.limit) {
      this.complete = false;
      this.pending = [];
      return;
    }
    const line: Line = [
      o.key,
      o.size,
      o.storageClass,
      o.restoreInProgress ? 1 : 0,
      o.restoreExpiry ? o.restoreExpiry.getTime() : null,
      o.archiveStatus ?? null,
    ];
    const text = `${JSON.stringify(line)}\n`;
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.count += 1;
    if (this.pendingBytes >= 1 << 16) this.flush();
  }

  get objects(): number {
    return this.count;
  }

  private flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(""));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The kept objects, in the order they were added. */
  async *replay(): AsyncGenerator<ListedObject> {
    if (!this.complete) throw new Error("the spool is incomplete: list the location instead");
    this.flush();
    const lines = createInterface({ input: createReadStream(this.file, { encoding: "utf8" }), crlfDelay: Infinity });
    for await (const text of lines) {
      if (text === "") continue;
      const [key, size, storageClass, inProgress, expiry, archive] = JSON.parse(text) as Line;
      yield {
        key,
        size,
        storageClass,
        ...(inProgress ? { restoreInProgress: true } : {}),
        ...(expiry !== null ? { restoreExpiry: new Date(expiry) } : {}),
        ...(archive !== null ? { archiveStatus: archive } : {}),
      };
    }
  }

  /** Removes the file and its directory; safe to call more than once. */
  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
    if (live.delete(this) && live.size === 0) watchSignals(false);
  }

  /** Where the spool keeps its file (for tests). */
  get directory(): string {
    return this.dir;
  }
}
