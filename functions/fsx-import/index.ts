/**
 * The FSx import function: S3's "Object Restore Completed" events (EventBridge → an SQS queue, read in
 * batches with a batching window) become one IMPORT_METADATA_FROM_REPOSITORY data repository task per file
 * system and 100 paths, so a file whose import failed on an archived object appears on the file system
 * once its restore is done (core/fsx-import.ts says why and what the API takes).
 *
 * Every message is answered: a task created → deleted; the task could not be created (for example
 * `DataRepositoryTaskExecuting` or `ServiceLimitExceeded` while another task runs, or throttling) → the
 * message is reported as a batch item failure, so SQS makes it visible again and, after the queue's
 * receive limit, moves it to the dead-letter queue (alarmed); an event that is not a restore of an object
 * in an association, or whose path the API cannot take, is logged and counted.
 * (Lambda Developer Guide, "Using Lambda with Amazon SQS": partial batch responses, ReportBatchItemFailures.)
 */
import { createHash } from "node:crypto";
import { CreateDataRepositoryTaskCommand, FSxClient } from "@aws-sdk/client-fsx";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { errorCode, requestIdOf } from "../../aws/aws-errors";
import { RestoreRetryStrategy, maxAttemptsFrom } from "../../aws/retry";
import { powertoolsLog, powertoolsMetrics, type Log, type RestoreMetrics } from "../../aws/telemetry";
import {
  batchTokenSource,
  importBatches,
  importPathProblem,
  placementOf,
  restoredObjectOf,
  type FsxAssociation,
  type FsxPlacement,
} from "../../core/fsx-import";
import { decodeFsxImportEnv, type FunctionEnv } from "../../core/function-env";

export { HandlerConfigError } from "../../core/function-env";

/** The associations from the environment (core/function-env.ts holds the contract); a wrong value fails every invocation (and so alarms). */
export function associationsFromEnv(env: FunctionEnv): FsxAssociation[] {
  return decodeFsxImportEnv(env);
}

export interface ImportResult extends SQSBatchResponse {
  readonly tasks: readonly { readonly fileSystemId: string; readonly taskId?: string; readonly paths: number }[];
}

interface Deps {
  readonly fsx: FSxClient;
  readonly associations: readonly FsxAssociation[];
  readonly log: Log;
  readonly metrics: RestoreMetrics;
}

/** Places one message's object, or says (logs and counts) why it cannot be imported. */
function placeRecord(record: SQSRecord, deps: Deps): FsxPlacement | "outside" | "unusable" {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const object = restoredObjectOf(body);
  if ("unreadable" in object) {
    deps.metrics.count("ImportItemUnusable", "unreadable-event");
    deps.log.error("message is not an S3 restore-completed event; it goes to the dead-letter queue", {
      messageId: record.messageId,
      reason: object.unreadable,
      body: record.body.slice(0, 500),
    });
    return "unusable";
  }
  const placement = placementOf(object.bucket, object.key, deps.associations);
  if (!placement) {
    deps.metrics.count("ImportOutsideAssociations");
    deps.log.warn("restored object lies in no data repository association: nothing to import", object);
    return "outside";
  }
  const problem = importPathProblem(placement.importPath);
  if (problem) {
    deps.metrics.count("ImportItemUnusable", "path");
    deps.log.error("an import task cannot take this object's path; import it by hand (lfs or the console)", {
      ...object,
      ...placement,
      problem,
    });
    return "unusable";
  }
  return placement;
}

/** Starts one import task; true when FSx accepted it. */
async function startImport(
  batch: { fileSystemId: string; paths: readonly string[]; items: readonly SQSRecord[] },
  deps: Deps,
  tasks: ImportResult["tasks"][number][],
): Promise<boolean> {
  const token = createHash("sha256")
    .update(
      batchTokenSource(
        batch.fileSystemId,
        batch.items.map((r) => r.messageId),
      ),
    )
    .digest("hex")
    .slice(0, 48);
  try {
    const out = await deps.fsx.send(
      new CreateDataRepositoryTaskCommand({
        Type: "IMPORT_METADATA_FROM_REPOSITORY",
        FileSystemId: batch.fileSystemId,
        Paths: [...batch.paths],
        // No completion report: the task's status and counts are in DescribeDataRepositoryTasks.
        Report: { Enabled: false },
        ClientRequestToken: token,
      }),
    );
    const taskId = out.DataRepositoryTask?.TaskId;
    deps.metrics.count("ImportTaskCreated");
    deps.log.info("import task created", { fileSystemId: batch.fileSystemId, taskId, paths: batch.paths.length });
    tasks.push({ fileSystemId: batch.fileSystemId, ...(taskId ? { taskId } : {}), paths: batch.paths.length });
    return true;
  } catch (err) {
    const code = errorCode(err);
    deps.metrics.count("ImportTaskFailed", code);
    deps.log.warn("import task not created; its messages are retried, then dead-lettered", {
      fileSystemId: batch.fileSystemId,
      paths: batch.paths.length,
      code,
      requestId: requestIdOf(err),
      message: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

export function createImporter(deps: Deps): (event: SQSEvent) => Promise<ImportResult> {
  return async (event) => {
    const failures: string[] = [];
    const placed: { item: SQSRecord; placement: FsxPlacement }[] = [];
    for (const record of event.Records ?? []) {
      const placement = placeRecord(record, deps);
      if (placement === "unusable") failures.push(record.messageId);
      else if (placement !== "outside") placed.push({ item: record, placement });
    }
    const tasks: ImportResult["tasks"][number][] = [];
    // One file system at a time: FSx refuses a task while another one runs on the same file system.
    for (const batch of importBatches(placed)) {
      if (!(await startImport(batch, deps, tasks))) failures.push(...batch.items.map((r) => r.messageId));
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })), tasks };
  };
}

let container: ((event: SQSEvent) => Promise<ImportResult>) | undefined;

/** The Lambda handler: configuration from the environment, once per container. */
export const handler = async (event: SQSEvent): Promise<ImportResult> => {
  container ??= createImporter({
    fsx: new FSxClient({ retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(process.env)) }),
    associations: associationsFromEnv(process.env),
    log: powertoolsLog(),
    metrics: powertoolsMetrics(),
  });
  return container(event);
};
