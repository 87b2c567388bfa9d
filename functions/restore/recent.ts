import type { RestoreMemory } from "../../aws/restore-attempt";

/**
 * Objects this container recently asked S3 to restore. A reader that retries, or many readers of one file,
 * produce a burst of identical events; a warm container answers the repeats from here without calling S3.
 * Entries are named by the restore attempt (aws/restore-attempt.ts objectId).
 */
export class RecentRestores implements RestoreMemory {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  has(id: string, now: number): boolean {
    if ((this.expiries.get(id) ?? 0) > now) return true;
    this.expiries.delete(id);
    return false;
  }

  remember(id: string, now: number): void {
    this.expiries.delete(id);
    this.expiries.set(id, now + this.ttlMs);
    // Maps iterate in insertion order, so the first entries are the oldest.
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value as string;
      this.expiries.delete(oldest);
    }
  }

  get size(): number {
    return this.expiries.size;
  }
}
