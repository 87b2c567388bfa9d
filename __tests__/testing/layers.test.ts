import { allOf, inCi, layerAvailable } from "../../testing/layers";

const missing = () => ({ ok: false, why: "no terraform CLI on PATH" });
const present = () => ({ ok: true });

describe("layerAvailable", () => {
  it("runs a layer whose tools are present, in CI or not, without a warning", () => {
    const warn = jest.fn();
    expect(layerAvailable("terraform checks", present, { env: {}, warn })).toBe(true);
    expect(layerAvailable("terraform checks", present, { env: { CI: "true" }, warn })).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it("skips a layer whose tools are missing outside CI, warning with its name and the reason", () => {
    const warn = jest.fn();
    expect(layerAvailable("terraform checks", missing, { env: {}, warn })).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("SKIPPING the terraform checks: no terraform CLI on PATH");
  });

  it.each(["true", "1", "yes"])("fails the run in CI (CI=%s) instead of skipping", (ci) => {
    const warn = jest.fn();
    expect(() => layerAvailable("terraform checks", missing, { env: { CI: ci }, warn })).toThrow(
      "CI: the terraform checks cannot run (no terraform CLI on PATH)",
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it.each(["", "0", "false", "FALSE"])("treats CI=%j as a developer's machine", (ci) => {
    expect(inCi({ CI: ci })).toBe(false);
    expect(layerAvailable("moto layer", missing, { env: { CI: ci }, warn: () => {} })).toBe(false);
  });

  it("reads process.env when no environment is given", () => {
    const saved = process.env.CI;
    try {
      process.env.CI = "true";
      expect(() => layerAvailable("moto layer", missing, { warn: () => {} })).toThrow("CI: the moto layer");
      delete process.env.CI;
      expect(layerAvailable("moto layer", missing, { warn: () => {} })).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});

describe("allOf", () => {
  it("reports the first missing tool, and passes only when every check passes", () => {
    const moto = () => ({ ok: false, why: "moto is not importable" });
    expect(allOf(present, moto, missing)()).toEqual({ ok: false, why: "moto is not importable" });
    expect(allOf(present, present)()).toEqual({ ok: true });
    expect(allOf(missing, moto)().why).toBe("no terraform CLI on PATH");
  });
});
