import { parseDuration } from "../../core/duration";

describe("parseDuration", () => {
  it.each([
    ["48h", 172_800_000],
    ["5m", 300_000],
    ["30s", 30_000],
    ["1h30m", 5_400_000],
    ["250ms", 250],
    ["1.5h", 5_400_000],
    ["2d", 172_800_000],
  ])("reads %s", (text, ms) => {
    expect(parseDuration(text, "--timeout")).toBe(ms);
  });

  it.each(["", "5", "five minutes", "5 m", "5mx", "-5m"])("refuses %j, naming the flag", (text) => {
    expect(() => parseDuration(text, "--interval")).toThrow(`--interval: ${JSON.stringify(text)} is not a duration`);
  });
});
