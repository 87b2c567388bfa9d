/** The router's decisions with a mocked Lambda client: configuration, decoding, routing, counting, failure. */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import {
  createRouter,
  decodeSubscription,
  routerConfigFromEnv,
  HandlerConfigError,
  type RouterConfig,
} from "../../../functions/router";
import {
  FSX_STREAM,
  fsxMessage,
  gatewayLine,
  gatewayUploadLine,
  subscriptionEvent,
} from "../../../testing/fixtures/reader-logs";
import { RecordingLog, RecordingMetrics } from "../../../testing/recorders";

const lambdaMock = mockClient(LambdaClient);
beforeEach(() => lambdaMock.reset());

const config: RouterConfig = {
  source: "fsx-logs",
  routes: [
    { target: "raw", functionName: "f-raw", bucket: "b-data", prefix: "raw/" },
    { target: "ref", functionName: "f-ref", bucket: "b-data", prefix: "ref/", readers: ["fs-0123456789abcdef0"] },
  ],
};

function router(c = config) {
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const route = createRouter({ lambda: new LambdaClient({ region: "us-east-1" }), config: c, log, metrics });
  return { route, log, metrics };
}

describe("routerConfigFromEnv", () => {
  it("reads the source and the routes", () => {
    expect(routerConfigFromEnv({ READER_LOG_SOURCE: "fsx-logs", ROUTES: JSON.stringify(config.routes) })).toEqual(
      config,
    );
  });
  it.each([
    [{ READER_LOG_SOURCE: "cloudtrail", ROUTES: "[]" }, "READER_LOG_SOURCE must be fsx-logs or file-gateway-logs"],
    [{ READER_LOG_SOURCE: "fsx-logs", ROUTES: "not json" }, "ROUTES must be a JSON list"],
    [{ READER_LOG_SOURCE: "fsx-logs", ROUTES: "[]" }, "ROUTES must be a JSON list"],
    [
      { READER_LOG_SOURCE: "fsx-logs", ROUTES: '[{"target":"t","bucket":"b","prefix":""}]' },
      "ROUTES must be a JSON list",
    ],
    [
      {
        READER_LOG_SOURCE: "fsx-logs",
        ROUTES: '[{"target":"t","functionName":"f","bucket":"b","prefix":"","readers":[1]}]',
      },
      "ROUTES must be a JSON list",
    ],
  ])("rejects %j", (env, message) => {
    expect(() => routerConfigFromEnv(env)).toThrow(HandlerConfigError);
    expect(() => routerConfigFromEnv(env)).toThrow(message);
  });
});

describe("createRouter", () => {
  it("hands each miss to its target's function asynchronously, with the log's context", async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { route, metrics, log } = router();
    const result = await route(
      subscriptionEvent("/aws/fsx/lustre", FSX_STREAM, [
        fsxMessage("b-data", "raw/a b.nc"),
        fsxMessage("b-data", "ref/c.nc"),
      ]),
    );
    expect(result).toEqual({ routed: 2, outsideTargets: 0, unparsed: 0, archivedWrites: 0 });
    const calls = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.FunctionName, c.InvocationType])).toEqual([
      ["f-raw", "Event"],
      ["f-ref", "Event"],
    ]);
    expect(JSON.parse(new TextDecoder().decode(calls[0]!.Payload as Uint8Array))).toEqual({
      glacierRestoreReaderMiss: {
        bucket: "b-data",
        key: "raw/a b.nc",
        source: "fsx-logs",
        reader: "fs-0123456789abcdef0",
        eventId: expect.any(String),
        logGroup: "/aws/fsx/lustre",
        logStream: FSX_STREAM,
      },
    });
    expect(metrics.counts).toEqual(["MissRouted/f-raw", "MissRouted/f-ref"]);
    expect(log.lines.at(-1)).toMatchObject({
      message: "misses routed",
      fields: { routed: 2, outsideTargets: 0, unparsed: 0, archivedWrites: 0 },
    });
  });

  it("counts and logs lines that are no miss and misses outside every target, invoking nothing for them", async () => {
    const { route, metrics, log } = router();
    const result = await route(
      subscriptionEvent("/aws/fsx/lustre", "datarepo_fs-0000000000000000f", [
        "Failed to list S3 objects in S3 bucket b-data with prefix raw/.",
        fsxMessage("b-data", "ref/c.nc"),
        fsxMessage("other-bucket", "raw/a.nc"),
      ]),
    );
    expect(result).toEqual({ routed: 0, outsideTargets: 2, unparsed: 1, archivedWrites: 0 });
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(metrics.counts).toEqual([
      "ReaderLineUnparsed/fsx-logs",
      "MissOutsideTargets/fsx-logs",
      "MissOutsideTargets/fsx-logs",
    ]);
    expect(log.lines[0]).toMatchObject({
      level: "warn",
      fields: {
        reason: "no documented unsupported-tier message",
        message: "Failed to list S3 objects in S3 bucket b-data with prefix raw/.",
      },
    });
  });

  it("routes gateway records with the gateway's source", async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { route } = router({
      source: "file-gateway-logs",
      routes: [{ target: "s", functionName: "f-s", bucket: "b-data", prefix: "" }],
    });
    expect(await route(subscriptionEvent("/sgw", "sgw-B1D123D4", [gatewayLine("b-data", "x.txt")]))).toEqual({
      routed: 1,
      outsideTargets: 0,
      unparsed: 0,
      archivedWrites: 0,
    });
  });

  it("restores nothing for a gateway write to an archived object (S3Upload), counting and logging it", async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { route, metrics, log } = router({
      source: "file-gateway-logs",
      routes: [{ target: "s", functionName: "f-s", bucket: "b-data", prefix: "" }],
    });
    const result = await route(
      subscriptionEvent("/sgw", "sgw-B1D123D4", [gatewayUploadLine("b-data", "w.txt"), gatewayLine("b-data", "r.txt")]),
    );
    expect(result).toEqual({ routed: 1, outsideTargets: 0, unparsed: 0, archivedWrites: 1 });
    const calls = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(JSON.parse(new TextDecoder().decode(calls[0]!.Payload as Uint8Array))).toMatchObject({
      glacierRestoreReaderMiss: { key: "r.txt" },
    });
    expect(metrics.counts).toEqual(["ArchivedObjectWrite/file-gateway-logs", "MissRouted/f-s"]);
    expect(log.lines[0]).toMatchObject({ level: "warn", fields: { bucket: "b-data", key: "w.txt" } });
    expect(log.lines[0]!.message).toMatch(/not restored/);
  });

  it("fails the delivery naming the hand-overs that failed, after trying every one", async () => {
    lambdaMock
      .on(InvokeCommand, { FunctionName: "f-raw" })
      .rejects(Object.assign(new Error("x"), { name: "TooManyRequestsException" }));
    lambdaMock.on(InvokeCommand, { FunctionName: "f-ref" }).resolves({ StatusCode: 202 });
    const { route } = router();
    await expect(
      route(
        subscriptionEvent("/aws/fsx/lustre", FSX_STREAM, [
          fsxMessage("b-data", "raw/a.nc"),
          fsxMessage("b-data", "ref/c.nc"),
        ]),
      ),
    ).rejects.toThrow(
      "1 of 2 misses could not be handed over (f-raw: TooManyRequestsException); the invocation is retried",
    );
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(2);
  });

  it("answers a control message and refuses what is not a subscription delivery", async () => {
    const { route } = router();
    expect(await route(subscriptionEvent("/aws/fsx/lustre", "s", [], "CONTROL_MESSAGE"))).toEqual({
      routed: 0,
      outsideTargets: 0,
      unparsed: 0,
      archivedWrites: 0,
      control: true,
    });
    expect(() => decodeSubscription({ detail: {} })).toThrow("not a CloudWatch Logs subscription event");
  });
});
