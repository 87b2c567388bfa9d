/**
 * The filter-pattern evaluator cross-checked with moto's filter_log_events, on the reader log fixtures,
 * for the forms moto implements: single words and quoted phrases (moto 5.2.1 returns every event for
 * `?` alternatives and for JSON patterns, so those are proven by the evaluator's own documented cases).
 */
import { spawnSync } from "node:child_process";
import { filterPatternMatches } from "../../core/filter-pattern";
import { motoAvailable } from "../../testing/moto";
import { layerAvailable } from "../../testing/layers";
import { fsxJsonLine, fsxMessage, gatewayLine, NON_MISS_LINES } from "../../testing/fixtures/reader-logs";

const available = layerAvailable("moto filter-pattern cross-check", motoAvailable);

const SCRIPT = `
import sys, json, time
import boto3
from moto import mock_aws
job = json.load(sys.stdin)
with mock_aws():
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/aws/fsx/lustre")
    logs.create_log_stream(logGroupName="/aws/fsx/lustre", logStreamName="datarepo_fs-0123456789abcdef0")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="/aws/fsx/lustre", logStreamName="datarepo_fs-0123456789abcdef0",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(job["lines"])])
    out = {}
    for p in job["patterns"]:
        events = logs.filter_log_events(logGroupName="/aws/fsx/lustre", filterPattern=p)["events"]
        out[p] = sorted(job["lines"].index(e["message"]) for e in events)
    print(json.dumps(out))
`;

(available ? describe : describe.skip)("filter patterns: evaluator and moto agree", () => {
  it("on words and phrases over every reader fixture line", () => {
    const lines = [
      fsxMessage("fsx4l-store", "raw/a b.nc"),
      fsxMessage("fsx4l-store", "raw/link", "DEEP_ARCHIVE", true),
      fsxJsonLine("fsx4l-store", "raw/ü.h5"),
      gatewayLine("gateway-share", "dir/x.txt"),
      ...NON_MISS_LINES.fsx,
      ...NON_MISS_LINES.gateway,
    ];
    const patterns = [
      '"unsupported tier"',
      "S3ImportUnsupportedTierWarning",
      "InaccessibleStorageClass",
      '"S3 bucket"',
    ];
    const run = spawnSync("python3", ["-c", SCRIPT], { input: JSON.stringify({ lines, patterns }), encoding: "utf8" });
    expect(run.status).toBe(0);
    const moto = JSON.parse(run.stdout) as Record<string, number[]>;
    for (const p of patterns) {
      const ours = lines.flatMap((l, i) => (filterPatternMatches(p, l) ? [i] : []));
      expect([p, ours]).toEqual([p, moto[p]]);
    }
  });
});
