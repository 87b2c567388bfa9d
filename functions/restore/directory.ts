/**
 * Directory expansion (`restoreScope: "directory"`): after a miss, the other archived objects directly
 * under the missed key's directory are restored too, once per claim TTL per directory. The listing is
 * ListObjectsV2 with Delimiter "/" and RestoreStatus (objects restoring or restored cost no request;
 * Intelligent-Tiering ones get one HeadObject for their tier); the choice is core/restore-policy.ts's
 * planDirectory; each sibling is claimed like a missed object, so an event for it in another container
 * and this expansion never both ask S3; each restore goes through the budget when there is one.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { errorCode } from "../../aws/aws-errors";
import type { BudgetStore } from "../../aws/budget";
import type { ClaimStore } from "../../aws/claims";
import { listDataset } from "../../aws/listing";
import { restoreWithExpeditedFallback } from "../../aws/restore-object";
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
import { RecentRestores } from "./recent";

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

export async function expandDirectory(
  deps: DirectoryDeps,
  read: { readonly bucket: string; readonly keys: readonly string[]; readonly eventId?: string },
  fields: Record<string, unknown>,
): Promise<{ summary: DirectorySummary; release: () => Promise<void> }> {
  const { s3, config, log, metrics, claims, budget, recent, clock } = deps;
  const directory = directoryOf(read.keys[0]!, config.prefix);
  const claimKey = directoryClaimKey(read.bucket, directory);
  const eventId = read.eventId;
  const release = async () => {
    if (claims && eventId) await claims.release(claimKey, eventId).catch(() => undefined);
  };
  const base = {
    directory,
    listed: 0,
    restored: 0,
    wouldRestore: 0,
    alreadyHandled: 0,
    failed: 0,
    budgetExceeded: false,
  };
  if (claims && eventId && (await claims.claim(claimKey, eventId, clock())) === "held-elsewhere")
    return { summary: { ...base, skipped: "claimed-elsewhere" }, release: async () => undefined };

  // The listing stops as soon as the directory is known to exceed a limit.
  const listed: ListedObject[] = [];
  let archivedSeen = 0;
  let archivedBytes = 0;
  for await (const o of listDataset(s3, { bucket: read.bucket, prefix: directory }, { deep: true, delimiter: "/" })) {
    listed.push(o);
    if (isSiblingToRestore(o, read.keys)) {
      archivedSeen += 1;
      archivedBytes += o.size;
    }
    if (archivedSeen > config.directory.maxObjects || archivedBytes > config.directory.maxBytes) break;
  }
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

  const counts = { restored: 0, wouldRestore: 0, alreadyHandled: 0, failed: 0 };
  let budgetExceeded = false;
  const failures: string[] = [];
  const restoreOne = async (sibling: SiblingRestore): Promise<void> => {
    if (budgetExceeded) return;
    const id = RecentRestores.keyOf(read.bucket, sibling.key);
    const now = clock();
    if (recent.has(id, now)) return void counts.alreadyHandled++;
    const claim = claims && eventId ? await claims.claim(id, eventId, now) : undefined;
    if (claim === "held-elsewhere") return void counts.alreadyHandled++;
    const releaseSibling = async () => {
      if (claims && eventId) await claims.release(id, eventId).catch(() => undefined);
    };
    if (config.mode === "observe") {
      metrics.count("WouldRestore", sibling.archive);
      counts.wouldRestore++;
      return;
    }
    if (budget && (await budget.reserve(sibling.size, now)) === "exceeded") {
      budgetExceeded = true;
      await releaseSibling();
      return;
    }
    try {
      const { outcome } = await restoreWithExpeditedFallback(
        s3,
        { bucket: read.bucket, key: sibling.key },
        { tier: sibling.tier, ...(sibling.days !== undefined ? { days: sibling.days } : {}) },
      );
      if (outcome === "initiated") {
        metrics.count("RestoreInitiated", sibling.archive);
        counts.restored++;
      } else {
        metrics.count("RestoreSkipped", outcome);
        counts.alreadyHandled++;
        if (budget) await budget.refund(sibling.size, now);
      }
      recent.remember(id, now);
    } catch (err) {
      counts.failed++;
      metrics.count("RestoreFailed", errorCode(err));
      if (failures.length < 5) failures.push(`${sibling.key}: ${errorCode(err)}`);
      if (budget) await budget.refund(sibling.size, now).catch(() => undefined);
      await releaseSibling();
    }
  };
  const queue = [...plan.restores];
  await Promise.all(
    Array.from({ length: Math.min(SIBLING_CONCURRENCY, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await restoreOne(next);
    }),
  );
  const summary: DirectorySummary = { ...base, listed: listed.length, ...counts, budgetExceeded };
  metrics.count("DirectoryExpanded", config.mode === "observe" ? "observe" : "restore");
  log.info("directory expanded", {
    ...fields,
    ...summary,
    bytes: plan.bytes,
    ...(failures.length ? { failures } : {}),
  });
  return { summary, release };
}
