import {
  charactersOutsidePolicy,
  codePointName,
  isPolicyCharacter,
  isWidenedInPolicy,
  likePatterns,
  startsWithPatterns,
} from "../../core/policy-text";

describe("the characters a policy document may hold", () => {
  it("are tab, line feed, carriage return and U+0020 to U+00FF", () => {
    expect([0x09, 0x0a, 0x0d, 0x20, 0x7e, 0x7f, 0xe9, 0xff].map(isPolicyCharacter)).toEqual(Array(8).fill(true));
    expect([0x00, 0x08, 0x0b, 0x1f, 0x100, 0x30c7, 0x1f9ec].map(isPolicyCharacter)).toEqual(Array(7).fill(false));
  });

  it("lists what a text holds outside them, once each", () => {
    expect(charactersOutsidePolicy("データ/ü/データ")).toEqual(["デ", "ー", "タ"]);
    expect(charactersOutsidePolicy("données/é/")).toEqual([]);
    expect(codePointName("デ")).toBe("U+30C7");
    expect(codePointName("\u0000")).toBe("U+0000");
    expect(codePointName("🧬")).toBe("U+1F9EC");
  });
});

describe("a literal prefix written into a policy", () => {
  it("keeps Latin-1 and spaces as written", () => {
    expect(likePatterns("données/é/")).toEqual(["données/é/"]);
    expect(startsWithPatterns("cold data/run 1/")).toEqual(["cold data/run 1/*"]);
    expect(isWidenedInPolicy("données/é/")).toBe(false);
  });

  it("writes each character beyond Latin-1 as one ?", () => {
    expect(startsWithPatterns("データ/ü/")).toEqual(["???/ü/*"]);
    expect(isWidenedInPolicy("データ/ü/")).toBe(true);
  });

  it("writes a decomposed accent (e + U+0301) with ? for the combining mark only", () => {
    expect(likePatterns("e\u0301/")).toEqual(["e?/"]);
  });

  it("writes IAM's own wildcards * and ? as ?, which matches them and one other character, not a run", () => {
    expect(likePatterns("run*/a?/")).toEqual(["run?/a?/"]);
    expect(isWidenedInPolicy("a?")).toBe(true);
  });

  it("breaks &{ which the Terraform data source would turn into a policy variable", () => {
    expect(likePatterns("a&{b}&c")).toEqual(["a?{b}&c"]);
  });

  it("gives both readings of a character beyond U+FFFF: one ? per code point, or per UTF-16 unit", () => {
    expect(startsWithPatterns("runs/🧬 seq/")).toEqual(["runs/? seq/*", "runs/?? seq/*"]);
  });

  it("always yields text a policy document may hold", () => {
    const samples = ["データ/ü/", "🧬/\u2028/", "\uD800x", "ok/"];
    for (const s of samples)
      for (const p of startsWithPatterns(s)) expect([p, charactersOutsidePolicy(p)]).toEqual([p, []]);
  });
});
