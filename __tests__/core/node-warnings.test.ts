import { dropDeprecationWarning } from "../../core/node-warnings";

describe("dropDeprecationWarning", () => {
  const fakeProcess = () => {
    const emitted: unknown[][] = [];
    const proc = { emitWarning: (...args: unknown[]) => void emitted.push(args) } as unknown as Pick<
      NodeJS.Process,
      "emitWarning"
    >;
    return { proc, emitted };
  };

  it("drops exactly the named deprecation, in either calling form Node.js uses", () => {
    const { proc, emitted } = fakeProcess();
    dropDeprecationWarning(proc, "DEP0044");
    proc.emitWarning("util.isArray is deprecated", { type: "DeprecationWarning", code: "DEP0044" });
    proc.emitWarning("util.isArray is deprecated", "DeprecationWarning", "DEP0044");
    proc.emitWarning("something else", { type: "DeprecationWarning", code: "DEP0005" });
    proc.emitWarning("plain warning");
    expect(emitted.map((a) => a[0])).toEqual(["something else", "plain warning"]);
  });
});
