// Runs the built Lambda bundle the way the Node.js runtime does: require the file, call the exported
// handler export once per event, one event at a time.
// Usage: node run-bundle.cjs <bundle.js> <events.json> <results.json> [<export name, default handler>]
// The bundle's own output (structured logs, EMF metrics) goes to stdout as it would to CloudWatch.
const { readFileSync, writeFileSync } = require("node:fs");

async function main() {
  const [bundle, eventsFile, resultsFile, exportName = "handler"] = process.argv.slice(2);
  const handler = require(bundle)[exportName];
  if (typeof handler !== "function") throw new Error(`${bundle} exports no function ${exportName}`);
  const events = JSON.parse(readFileSync(eventsFile, "utf8"));
  const results = [];
  for (const event of events) {
    try {
      results.push({
        ok: true,
        result: await handler(event, { awsRequestId: "local", functionName: "glacier-restore-test" }),
      });
    } catch (err) {
      results.push({ ok: false, error: { name: err.name, message: err.message } });
    }
  }
  writeFileSync(resultsFile, JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(2);
});
