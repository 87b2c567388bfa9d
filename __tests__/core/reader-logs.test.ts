import { filterPatternMatches } from "../../core/filter-pattern";
import {
  fsxReaderOfStream,
  isReaderMissEvent,
  parseReaderLine,
  READER_FILTER_PATTERNS,
  routeOf,
  type Route,
} from "../../core/reader-logs";
import {
  FS_ID,
  FSX_STREAM,
  fsxJsonLine,
  fsxMessage,
  gatewayLine,
  gatewayUploadLine,
  NON_MISS_LINES,
} from "../../testing/fixtures/reader-logs";

const line = (message: string) => ({ id: "e-1", message });

describe("parseReaderLine: FSx for Lustre / File Cache", () => {
  it.each([
    ["plain text", fsxMessage("fsx4l-store", "raw/run 7/sample ü.bam"), "raw/run 7/sample ü.bam"],
    ["inside a JSON record", fsxJsonLine("fsx4l-store", "raw/数据/a b.h5"), "raw/数据/a b.h5"],
    ["a symlink object", fsxMessage("fsx4l-store", "raw/link", "DEEP_ARCHIVE", true), "raw/link"],
    // The bucket (no spaces) anchors the end: a key holding the same words still parses whole.
    [
      "a key holding the sentence's words",
      fsxMessage("fsx4l-store", "raw/in S3 bucket other due to x.nc"),
      "raw/in S3 bucket other due to x.nc",
    ],
  ])("finds bucket and key in %s", (_what, message, key) => {
    expect(parseReaderLine("fsx-logs", line(message), FSX_STREAM)).toEqual({
      miss: { bucket: "fsx4l-store", key, source: "fsx-logs", reader: FS_ID, eventId: "e-1" },
    });
  });

  it.each(NON_MISS_LINES.fsx)("does not take %j for a miss", (message) => {
    expect(parseReaderLine("fsx-logs", line(message), FSX_STREAM)).toHaveProperty("unparsed");
  });

  it("names the reader only when the stream says", () => {
    expect(fsxReaderOfStream("datarepo_fs-0123456789abcdef0")).toBe("fs-0123456789abcdef0");
    expect(fsxReaderOfStream("datarepo_fc-0123456789abcdef0")).toBe("fc-0123456789abcdef0");
    expect(fsxReaderOfStream("something-else")).toBeUndefined();
    const miss = parseReaderLine("fsx-logs", line(fsxMessage("b-1.x", "k")), "stream");
    expect(miss).toEqual({ miss: { bucket: "b-1.x", key: "k", source: "fsx-logs", eventId: "e-1" } });
  });
});

describe("parseReaderLine: S3 File Gateway", () => {
  it("reads bucket, key and gateway from an InaccessibleStorageClass record", () => {
    expect(parseReaderLine("file-gateway-logs", line(gatewayLine("gateway-share", "dir/a b ü.txt")), "s")).toEqual({
      miss: {
        bucket: "gateway-share",
        key: "dir/a b ü.txt",
        source: "file-gateway-logs",
        reader: "sgw-B1D123D4",
        eventId: "e-1",
      },
    });
  });

  it("takes the guide's S3Upload record for a write to an archived object, not a read miss", () => {
    expect(parseReaderLine("file-gateway-logs", line(gatewayUploadLine("gateway-share", "w.txt")), "s")).toEqual({
      archivedWrite: {
        bucket: "gateway-share",
        key: "w.txt",
        source: "file-gateway-logs",
        reader: "sgw-B1D123D4",
        eventId: "e-1",
      },
    });
    const read = gatewayLine("gateway-share", "r.txt", { operation: "S3Download" });
    expect(parseReaderLine("file-gateway-logs", line(read), "s")).toHaveProperty("miss");
  });

  it.each(NON_MISS_LINES.gateway)("does not take %j for a miss", (message) => {
    expect(parseReaderLine("file-gateway-logs", line(message), "s")).toHaveProperty("unparsed");
  });

  it("never guesses a key", () => {
    const noKey = JSON.stringify({ type: "InaccessibleStorageClass", bucket: "gateway-share" });
    expect(parseReaderLine("file-gateway-logs", line(noKey), "s")).toEqual({
      unparsed: "InaccessibleStorageClass record without bucket and key",
    });
  });
});

describe("the synthesized filter patterns against the documented lines", () => {
  it("FSx: delivers the unsupported-tier warnings and nothing else", () => {
    const p = READER_FILTER_PATTERNS["fsx-logs"];
    expect(filterPatternMatches(p, fsxMessage("b", "k"))).toBe(true);
    expect(filterPatternMatches(p, fsxJsonLine("b", "k"))).toBe(true);
    expect(filterPatternMatches(p, fsxMessage("b", "k", "GLACIER", true))).toBe(true);
    for (const m of NON_MISS_LINES.fsx) expect([m, filterPatternMatches(p, m)]).toEqual([m, false]);
  });

  it("File Gateway: delivers InaccessibleStorageClass records and nothing else", () => {
    const p = READER_FILTER_PATTERNS["file-gateway-logs"];
    expect(filterPatternMatches(p, gatewayLine("b", "k"))).toBe(true);
    for (const m of NON_MISS_LINES.gateway) expect([m, filterPatternMatches(p, m)]).toEqual([m, false]);
  });
});

describe("routeOf and miss events", () => {
  const routes: Route[] = [
    { target: "raw", functionName: "f-raw", bucket: "b", prefix: "raw/", readers: ["fs-0123456789abcdef0"] },
    { target: "ref", functionName: "f-ref", bucket: "b", prefix: "ref/" },
  ];
  const miss = (key: string, reader?: string) => ({
    bucket: "b",
    key,
    source: "fsx-logs" as const,
    eventId: "1",
    ...(reader ? { reader } : {}),
  });
  it("finds the target by bucket, prefix and (when it names readers) reader", () => {
    expect(routeOf(miss("raw/a", "fs-0123456789abcdef0"), routes)?.target).toBe("raw");
    expect(routeOf(miss("raw/a", "fs-0000000000000000f"), routes)).toBeUndefined();
    expect(routeOf(miss("raw/a"), routes)).toBeUndefined();
    expect(routeOf(miss("ref/a"), routes)?.target).toBe("ref");
    expect(routeOf({ ...miss("ref/a"), bucket: "c" }, routes)).toBeUndefined();
  });
  it("recognizes the router's event and nothing else", () => {
    expect(isReaderMissEvent({ glacierRestoreReaderMiss: miss("raw/a") })).toBe(true);
    expect(isReaderMissEvent({ glacierRestoreReaderMiss: { bucket: "b" } })).toBe(false);
    expect(isReaderMissEvent({ detail: {} })).toBe(false);
    expect(isReaderMissEvent(null)).toBe(false);
  });
});
