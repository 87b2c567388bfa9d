/**
 * The restore policy a target sets — what one miss restores (`restoreScope`), how much a day may be spent
 * (`budget`), whether anything is restored at all (`mode`) — and the pure decisions it implies. Shared by
 * the configuration (keys, defaults), the stacks (environment) and the restore function (decisions).
 */
import { stateOf, type ListedObject } from "./dataset";
import { archiveOf, restoreDaysFor, tierFor, type Archive, type Tier } from "./restore-rules";

export const RESTORE_SCOPES = ["object", "directory"] as const;
export type RestoreScope = (typeof RESTORE_SCOPES)[number];

export const RESTORE_MODES = ["restore", "observe"] as const;
export type RestoreMode = (typeof RESTORE_MODES)[number];

export interface DirectoryLimits {
  /** At most this many other objects are restored for one miss; above it only the missed object is. */
  readonly maxObjects: number;
  readonly maxBytes: number;
}

export const DEFAULT_DIRECTORY_LIMITS: DirectoryLimits = { maxObjects: 1000, maxBytes: 1024 ** 4 };

export interface Budget {
  readonly maxRestoresPerDay?: number;
  readonly maxBytesPerDay?: number;
}

/**
 * The "directory" a missed key is in: everything up to its last "/", never above the target's prefix
 * (a key directly under a prefix such as "runs" lists from the prefix itself).
 */
export function directoryOf(key: string, prefix: string): string {
  const dir = key.slice(0, key.lastIndexOf("/") + 1);
  return dir.length >= prefix.length && dir.startsWith(prefix) ? dir : prefix;
}

export interface SiblingRestore {
  readonly key: string;
  readonly size: number;
  readonly archive: Archive;
  readonly tier: Tier;
  readonly days?: number;
}

export type DirectoryPlan =
  | { readonly capReached: false; readonly restores: readonly SiblingRestore[]; readonly bytes: number }
  | {
      readonly capReached: true;
      /** Which limit, and what the directory held when the listing stopped. */
      readonly limit: "maxObjects" | "maxBytes";
      readonly objects: number;
      readonly bytes: number;
    };

/** An object a directory expansion restores: archived, no restore running, no restored copy, not the missed one. */
export function isSiblingToRestore(o: ListedObject, missedKeys: readonly string[]): boolean {
  return !missedKeys.includes(o.key) && stateOf(o).state === "archived";
}

/**
 * What to restore of a directory besides the missed object: its other archived objects with no restore
 * running and no restored copy (those cost no request), each with the request its archive needs.
 * Beyond either limit nothing is restored here: the missed object alone is. `listed` holds the
 * directory's direct children (a listing with Delimiter "/"), Intelligent-Tiering ones with their tier.
 */
export function planDirectory(
  listed: Iterable<ListedObject>,
  missedKeys: readonly string[],
  limits: DirectoryLimits,
  request: { readonly tier: Tier; readonly days: number },
): DirectoryPlan {
  const restores: SiblingRestore[] = [];
  let bytes = 0;
  for (const o of listed) {
    if (!isSiblingToRestore(o, missedKeys)) continue;
    const archive = archiveOf({ storageClass: o.storageClass, archiveStatus: o.archiveStatus || undefined })!;
    bytes += o.size;
    if (restores.length + 1 > limits.maxObjects)
      return { capReached: true, limit: "maxObjects", objects: restores.length + 1, bytes };
    if (bytes > limits.maxBytes) return { capReached: true, limit: "maxBytes", objects: restores.length + 1, bytes };
    const days = restoreDaysFor(archive, request.days);
    restores.push({
      key: o.key,
      size: o.size,
      archive,
      tier: tierFor(archive, request.tier),
      ...(days !== undefined ? { days } : {}),
    });
  }
  return { capReached: false, restores, bytes };
}

/** The UTC day a budget counts in (YYYY-MM-DD). */
export function budgetDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Keys of the claims table's budget items: one counter per UTC day, one "told" marker per day. */
export function budgetCounterKey(day: string): string {
  return `budget#${day}`;
}
export function budgetNoticeKey(day: string): string {
  return `budget-notice#${day}`;
}

/** When a day's budget items may go (DynamoDB TTL, seconds): two days after the day ends. */
export function budgetItemExpiry(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 3 * 86_400;
}

/** The claim key of a directory expansion (one expansion per directory per claim TTL). */
export function directoryClaimKey(bucket: string, directory: string): string {
  return `dir#${bucket}/${directory}`;
}
