/**
 * One burst scenario, run in its own process so the emulator (in the parent) does not share a CPU
 * queue with the functions. Loads the deployment bundle once per simulated container: each container
 * has its own module state (S3 client, memory of recent restores) and handles one event at a time,
 * as Lambda does; `concurrency` containers pull from one queue of events.
 *
 * argv: <bundle.js> <events.json> <concurrency> <mode: handler|naive> <result.json>
 */
import { RestoreObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { readFileSync, writeFileSync } from "node:fs";
import Module from "node:module";

type Handler = (event: unknown) => Promise<unknown>;

function loadContainer(bundle: string): Handler {
  // A fresh module instance per container: nothing is shared but the process.
  const require = Module.createRequire(__filename);
  delete require.cache[require.resolve(bundle)];
  return (require(bundle) as { handler: Handler }).handler;
}

/** What a function without any de-duplication would do: restore on every event. */
function naiveContainer(): Handler {
  const s3 = new S3Client({});
  return async (event) => {
    const p = (event as { detail: { requestParameters: { bucketName: string; key: string } } }).detail
      .requestParameters;
    try {
      await s3.send(
        new RestoreObjectCommand({
          Bucket: p.bucketName,
          Key: p.key,
          RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: "Standard" } },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== "RestoreAlreadyInProgress") throw err;
    }
  };
}

async function main(): Promise<void> {
  const [bundle, eventsFile, concurrencyText, mode, resultFile] = process.argv.slice(2) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const events = JSON.parse(readFileSync(eventsFile, "utf8")) as unknown[];
  const concurrency = Number(concurrencyText);
  const containers = Array.from({ length: concurrency }, () =>
    mode === "naive" ? naiveContainer() : loadContainer(bundle),
  );
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    containers.map(async (handle) => {
      while (next < events.length) {
        const event = events[next++];
        try {
          await handle(event);
        } catch {
          failures += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(resultFile, JSON.stringify({ seconds, events: events.length, failures }));
}

void main();
