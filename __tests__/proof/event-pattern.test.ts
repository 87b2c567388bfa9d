import { matchesPattern } from "../../testing/proof/event-pattern";
import { PATTERN_CASES } from "../../testing/fixtures/pattern-cases";
import { motoAvailable } from "../../testing/moto";
import { layerAvailable } from "../../testing/layers";
import { motoMatches } from "../../testing/proof/moto-patterns";

describe("event pattern matcher", () => {
  it.each(PATTERN_CASES)("$name → $matches", ({ pattern, event, matches }) => {
    expect(matchesPattern(pattern, event)).toBe(matches);
  });

  it("refuses operators it does not implement instead of guessing", () => {
    expect(() => matchesPattern({ ip: [{ cidr: "10.0.0.0/24" }] }, { ip: "10.0.0.1" })).toThrow(
      "unsupported pattern operator cidr",
    );
  });
});

const moto = layerAvailable("moto cross-check of the event pattern matcher", motoAvailable);

(moto ? describe : describe.skip)("cross-check with moto's EventBridge pattern implementation", () => {
  const answers = motoMatches(PATTERN_CASES);

  it.each(PATTERN_CASES.map((c, i) => ({ ...c, moto: answers[i] })).filter((c) => !c.motoDiffers))(
    "agrees on $name",
    ({ pattern, event, moto: motoAnswer }) => {
      expect(matchesPattern(pattern, event)).toBe(motoAnswer);
    },
  );

  it("differs only where moto is documented not to match inside arrays of objects", () => {
    const differing = PATTERN_CASES.filter((c, i) => matchesPattern(c.pattern, c.event) !== answers[i]).map(
      (c) => c.name,
    );
    expect(differing).toEqual(PATTERN_CASES.filter((c) => c.motoDiffers).map((c) => c.name));
  });
});
