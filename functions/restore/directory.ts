/**
 * Directory expansion (`restoreScope: "directory"`): after a miss, the other archived objects directly
 * under the missed key's directory are restored too, once per claim TTL per directory. The listing is
 * ListObjectsV2 with Delimiter "/" and RestoreStatus (objects restoring or restored cost no request;
 * Intelligent-Tiering ones get one HeadObject for their tier); the choice is core/restore-policy.ts's
 * planDirectory; each sibling goes through the same restore attempt as a missed object
 * (aws/restore-attempt.ts: memory, claim, observe mode, budget, fallback, refund), so an event for it in
 * another container and this expansion never both ask S3, and a claim store that is down stops nothing.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { errorCode } from "../../aws/aws-errors";
import type { BudgetStore } from "../../aws/budget";
import type { ClaimStore } from "../../aws/claims";
import { listDataset } from "../../aws/listing";
import { attemptRestore, claimOrNone, releaseClaim, type AttemptDeps } from "../../aws/restore-attempt";
import type { Log, RestoreMetrics } from "../../aws/telemetry";
import type { ListedObject } from "../../core/dataset";
import {
  directoryClaimKey,
  directoryOf,
  isSiblingToRestore,
  planDirectory,
  type DirectoryLimits,
  type SiblingRestore,
} from "../../core/restore-policy";
import type { HandlerConfig } from "./config";
import type { RecentRestores } from "./recent";

export interface DirectoryDeps {
  readonly s3: S3Client;
  readonly config: HandlerConfig & { readonly directory: DirectoryLimits };
  readonly log: Log;
  readonly metrics: RestoreMetrics;
  readonly claims?: ClaimStore;
  readonly budget?: BudgetStore;
  readonly recent: RecentRestores;
  readonly clock: () => number;
}

export interface DirectorySummary {
  readonly directory: string;
  /** Why nothing was listed or restored, when that is so. */
  readonly skipped?: "claimed-elsewhere" | "cap-reached";
  readonly listed: number;
  readonly restored: number;
  readonly wouldRestore: number;
  readonly alreadyHandled: number;
  readonly failed: number;
  /** The budget ran out part way: the event is to be deferred so a redrive finishes the directory. */
  readonly budgetExceeded: boolean;
}

/** Sibling restores in flight at once: enough to finish a 1,000-object directory well within a minute. */
const SIBLING_CONCURRENCY = 8;

type Counts = Pick<DirectorySummary, "restored" | "wouldRestore" | "alreadyHandled" | "failed" | "budgetExceeded">;

export async function expandDirectory(
  deps: DirectoryDeps,
  read: { readonly bucket: string; readonly keys: readonly string[]; readonly eventId?: string },
  fields: Record<string, unknown>,
): Promise<{ summary: DirectorySummary; release: () => Promise<void> }> {
  const { config, log, metrics, clock } = deps;
  const directory = directoryOf(read.keys[0]!, config.prefix);
  const claimKey = directoryClaimKey(read.bucket, directory);
  const base = {
    directory,
    listed: 0,
    restored: 0,
    wouldRestore: 0,
    alreadyHandled: 0,
    failed: 0,
    budgetExceeded: false,
  };
  // One expansion per directory at a time; a claim store that is down means no claim, as for an object.
  const claim = await claimOrNone(deps, claimKey, read.eventId, clock(), { ...fields, directory });
  if (claim === "held-elsewhere")
    return { summary: { ...base, skipped: "claimed-elsewhere" }, release: async () => undefined };
  const release = () =>
    claim ? releaseClaim(deps, claimKey, read.eventId, { ...fields, directory }) : Promise.resolve();

  const listed = await listDirectory(deps, read, directory);
  const plan = planDirectory(listed, read.keys, config.directory, config);
  if (plan.capReached) {
    metrics.count("DirectoryCapReached", plan.limit);
    log.warn("directory above its limit: only the missed object is restored", {
      ...fields,
      directory,
      limit: plan.limit,
      maxObjects: config.directory.maxObjects,
      maxBytes: config.directory.maxBytes,
      archivedObjectsSeen: plan.objects,
      archivedBytesSeen: plan.bytes,
    });
    return { summary: { ...base, listed: listed.length, skipped: "cap-reached" }, release };
  }

  const { counts, failures } = await restoreSiblings(deps, read, plan.restores);
  const summary: DirectorySummary = { ...base, listed: listed.length, ...counts };
  metrics.count("DirectoryExpanded", config.mode === "observe" ? "observe" : "restore");
  log.info("directory expanded", {
    ...fields,
    ...summary,
    bytes: plan.bytes,
    ...(failures.length ? { failures } : {}),
  });
  return { summary, release };
}

/** Lists the directory, stopping as soon as it is known to exceed a limit. */
async function listDirectory(
  deps: DirectoryDeps,
  read: { readonly bucket: string; readonly keys: readonly string[] },
  directory: string,
): Promise<ListedObject[]> {
  const limits = deps.config.directory;
  const listed: ListedObject[] = [];
  let archivedSeen = 0;
  let archivedBytes = 0;
  for await (const o of listDataset(
    deps.s3,
    { bucket: read.bucket, prefix: directory },
    { deep: true, delimiter: "/" },
  )) {
    listed.push(o);
    if (isSiblingToRestore(o, read.keys)) {
      archivedSeen += 1;
      archivedBytes += o.size;
    }
    if (archivedSeen > limits.maxObjects || archivedBytes > limits.maxBytes) break;
  }
  return listed;
}

/**
 * Restores the siblings a few at a time, each through the restore attempt. A failed sibling is counted
 * (the event then fails, so Lambda retries it); the budget running out stops the rest.
 */
async function restoreSiblings(
  deps: DirectoryDeps,
  read: { readonly bucket: string; readonly eventId?: string },
  restores: readonly SiblingRestore[],
): Promise<{ counts: Counts; failures: string[] }> {
  const counts = { restored: 0, wouldRestore: 0, alreadyHandled: 0, failed: 0, budgetExceeded: false };
  const failures: string[] = [];
  const attemptDeps: AttemptDeps = { ...deps, observe: deps.config.mode === "observe" };
  const restoreOne = async (sibling: SiblingRestore): Promise<void> => {
    if (counts.budgetExceeded) return;
    const ref = { bucket: read.bucket, key: sibling.key };
    try {
      const result = await attemptRestore(
        attemptDeps,
        { ref, at: deps.clock(), ...(read.eventId ? { eventId: read.eventId } : {}) },
        { tier: sibling.tier, bytes: sibling.size, archive: sibling.archive, ...daysOf(sibling) },
      );
      if (result.status === "budget-exceeded") counts.budgetExceeded = true;
      else if (result.status === "would-restore") counts.wouldRestore++;
      else if (result.status === "requested" && result.answer.outcome === "initiated") counts.restored++;
      else counts.alreadyHandled++;
    } catch (err) {
      counts.failed++;
      deps.metrics.count("RestoreFailed", errorCode(err));
      if (failures.length < 5) failures.push(`${sibling.key}: ${errorCode(err)}`);
    }
  };
  const queue = [...restores];
  await Promise.all(
    Array.from({ length: Math.min(SIBLING_CONCURRENCY, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await restoreOne(next);
    }),
  );
  return { counts, failures };
}

function daysOf(sibling: SiblingRestore): { days?: number } {
  return sibling.days !== undefined ? { days: sibling.days } : {};
}
