import { keyForms, keyPrefixForms, notificationFilterPrefix } from "../../core/keys";

describe("key prefix forms for event patterns", () => {
  it("is the prefix alone when nothing needs encoding", () => {
    expect(keyPrefixForms("raw/run-1/")).toEqual(["raw/run-1/"]);
    expect(keyPrefixForms("")).toEqual([""]);
  });

  it("lists a space as written, as %20 and as + (the form S3 event notifications use)", () => {
    expect(keyPrefixForms("cold data/")).toEqual(["cold data/", "cold%20data/", "cold+data/"]);
  });

  it("does not list a duplicate when the two encoded forms agree", () => {
    expect(keyPrefixForms("a+b/ü/")).toEqual(["a+b/ü/", "a%2Bb/%C3%BC/"]);
  });

  it("covers every form the function decodes back to the prefix", () => {
    for (const prefix of ["cold data/", "a+b c/", "données/x y/"])
      for (const form of keyPrefixForms(prefix)) expect(keyForms(`${form}k`)).toContain(`${prefix}k`);
  });
});

describe("S3 notification filter prefixes", () => {
  // S3 User Guide, "Configuring event notifications using object key name filtering": a space is
  // written "+", other special characters percent-encoded; safe characters stay as they are.
  it("writes a space as + and keeps safe characters and /", () => {
    expect(notificationFilterPrefix("cold data/")).toBe("cold+data/");
    expect(notificationFilterPrefix("a!-_.*'()/b/")).toBe("a!-_.*'()/b/");
  });

  it("percent-encodes everything else, + and ~ included", () => {
    expect(notificationFilterPrefix("a+b (1)/~x/")).toBe("a%2Bb+(1)/%7Ex/");
    expect(notificationFilterPrefix("données/")).toBe("donn%C3%A9es/");
    expect(notificationFilterPrefix("a&b=c/")).toBe("a%26b%3Dc/");
  });
});
