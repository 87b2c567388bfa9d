/** The evaluator against the examples of the CloudWatch Logs User Guide, "Filter pattern syntax". */
import { filterPatternMatches } from "../../core/filter-pattern";

const lines = [
  "[ERROR 400] BAD REQUEST",
  "[ERROR 401] UNAUTHORIZED REQUEST",
  "[ERROR 419] MISSING ARGUMENTS",
  "[ERROR 420] INVALID ARGUMENTS",
  "[ERROR 500] INTERNAL SERVER ERROR",
  "[INFO 200] OK",
];
const matching = (pattern: string) => lines.filter((l) => filterPatternMatches(pattern, l));

describe("filterPatternMatches: terms", () => {
  it.each([
    ["ERROR", lines.slice(0, 5)],
    ["ERROR ARGUMENTS", [lines[2], lines[3]]],
    ["?ERROR ?ARGUMENTS", lines.slice(0, 5)],
    ['"INTERNAL SERVER ERROR"', [lines[4]]],
    ["ERROR -ARGUMENTS", [lines[0], lines[1], lines[4]]],
    ['" "', lines],
    // Case sensitive.
    ["error", []],
  ])("%s", (pattern, expected) => expect(matching(pattern)).toEqual(expected));
});

describe("filterPatternMatches: JSON", () => {
  const record = JSON.stringify({ eventType: "UpdateTrail", user: { id: 7, name: "ana" }, list: ["a", "b"] });
  it.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType != "UpdateTrail" }', false],
    ['{ $.eventType = "Update*" }', true],
    ['{ $.user.name = "ana" && $.eventType = "UpdateTrail" }', true],
    ['{ $.user.name = "bob" || $.list[1] = "b" }', true],
    ['{ $.user.name = "bob" && $.list[1] = "b" }', false],
    ['{ $.missing = "x" }', false],
    ['{ $.user = "x" }', false],
  ])("%s → %s", (pattern, expected) => expect(filterPatternMatches(pattern, record)).toBe(expected));

  it("never matches a line that is not JSON, and refuses forms it does not know", () => {
    expect(filterPatternMatches('{ $.type = "x" }', "type x")).toBe(false);
    expect(() => filterPatternMatches("{ $.a > 1 }", "{}")).toThrow("unsupported JSON filter expression");
  });
});
