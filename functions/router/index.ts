/**
 * The log router: a CloudWatch Logs subscription delivers a reader log group's matching lines (base64 +
 * gzip JSON: messageType, logGroup, logStream, logEvents[]; CloudWatch Logs User Guide, "Using
 * subscription filters with AWS Lambda"); each line is parsed into a miss (core/reader-logs.ts) and handed
 * to the restore function of the target whose bucket and prefix hold it, asynchronously, so each target
 * keeps its own role, claims, budget and dead-letter queue. Lines that are not misses, and misses outside
 * every target, are counted and logged. A failed hand-over fails the invocation: Lambda retries it and
 * finally sends it to the router's dead-letter queue (duplicates are absorbed by the targets' claims).
 */
import { gunzipSync } from "node:zlib";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { errorCode } from "../../aws/aws-errors";
import { RestoreRetryStrategy, maxAttemptsFrom } from "../../aws/retry";
import { powertoolsLog, powertoolsMetrics, type Log, type RestoreMetrics } from "../../aws/telemetry";
import { decodeRouterEnv, type FunctionEnv, type RouterFunctionConfig } from "../../core/function-env";
import { parseReaderLine, routeOf, type ReaderMissEvent } from "../../core/reader-logs";

export type RouterConfig = RouterFunctionConfig;
/** The router's one configuration error class is the handlers' shared one (core/function-env.ts). */
export { HandlerConfigError } from "../../core/function-env";

/** The router's settings from its environment (core/function-env.ts holds the contract). */
export function routerConfigFromEnv(env: FunctionEnv): RouterConfig {
  return decodeRouterEnv(env);
}

interface SubscriptionPayload {
  messageType?: string;
  logGroup?: string;
  logStream?: string;
  logEvents?: { id?: string; message?: string }[];
}

export function decodeSubscription(event: unknown): SubscriptionPayload {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  if (typeof data !== "string") throw new Error("not a CloudWatch Logs subscription event (no awslogs.data)");
  return JSON.parse(gunzipSync(Buffer.from(data, "base64")).toString("utf8")) as SubscriptionPayload;
}

export interface RouterResult {
  readonly routed: number;
  readonly outsideTargets: number;
  readonly unparsed: number;
  /** Gateway writes to archived objects: counted and logged, never restored. */
  readonly archivedWrites: number;
  readonly control?: true;
}

export function createRouter(deps: {
  lambda: LambdaClient;
  config: RouterConfig;
  log: Log;
  metrics: RestoreMetrics;
}): (event: unknown) => Promise<RouterResult> {
  const { lambda, config, log, metrics } = deps;
  return async (event) => {
    const payload = decodeSubscription(event);
    // CloudWatch Logs checks that it can reach the destination with a control message: nothing to route.
    if (payload.messageType === "CONTROL_MESSAGE")
      return { routed: 0, outsideTargets: 0, unparsed: 0, archivedWrites: 0, control: true };
    const logGroup = payload.logGroup ?? "";
    const logStream = payload.logStream ?? "";
    let outsideTargets = 0;
    let unparsed = 0;
    let archivedWrites = 0;
    const handOvers: { functionName: string; body: ReaderMissEvent; id: string }[] = [];
    for (const line of payload.logEvents ?? []) {
      const id = line.id ?? "";
      const parsed = parseReaderLine(config.source, { id, message: line.message ?? "" }, logStream);
      if ("unparsed" in parsed) {
        unparsed++;
        metrics.count("ReaderLineUnparsed", config.source);
        log.warn("log line is not a miss this router understands", {
          logGroup,
          logStream,
          eventId: id,
          reason: parsed.unparsed,
          message: (line.message ?? "").slice(0, 500),
        });
        continue;
      }
      if ("archivedWrite" in parsed) {
        archivedWrites++;
        metrics.count("ArchivedObjectWrite", config.source);
        log.warn(
          "write to an archived object: not restored (a restored copy is read-only; move the object to an S3 storage class)",
          {
            logGroup,
            logStream,
            ...parsed.archivedWrite,
          },
        );
        continue;
      }
      const route = routeOf(parsed.miss, config.routes);
      if (!route) {
        outsideTargets++;
        metrics.count("MissOutsideTargets", config.source);
        log.info("miss outside every target", { logGroup, logStream, ...parsed.miss });
        continue;
      }
      handOvers.push({
        functionName: route.functionName,
        body: { glacierRestoreReaderMiss: { ...parsed.miss, logGroup, logStream } },
        id,
      });
    }
    const results = await Promise.allSettled(
      handOvers.map((h) =>
        lambda.send(
          new InvokeCommand({
            FunctionName: h.functionName,
            InvocationType: "Event",
            Payload: new TextEncoder().encode(JSON.stringify(h.body)),
          }),
        ),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [{ h: handOvers[i]!, err: r.reason }] : []));
    for (const h of handOvers) metrics.count("MissRouted", h.functionName);
    log.info("misses routed", {
      logGroup,
      logStream,
      routed: handOvers.length - failed.length,
      outsideTargets,
      unparsed,
      archivedWrites,
    });
    if (failed.length > 0)
      throw new Error(
        `${failed.length} of ${handOvers.length} misses could not be handed over (${failed
          .slice(0, 3)
          .map((f) => `${f.h.functionName}: ${errorCode(f.err)}`)
          .join("; ")}); the invocation is retried`,
      );
    return { routed: handOvers.length, outsideTargets, unparsed, archivedWrites };
  };
}

let container: ((event: unknown) => Promise<RouterResult>) | undefined;

/** The Lambda handler: configuration from the environment, once per container. */
export const handler = async (event: unknown): Promise<RouterResult> => {
  container ??= createRouter({
    lambda: new LambdaClient({ retryStrategy: new RestoreRetryStrategy(maxAttemptsFrom(process.env)) }),
    config: routerConfigFromEnv(process.env),
    log: powertoolsLog(),
    metrics: powertoolsMetrics(),
  });
  return container(event);
};
