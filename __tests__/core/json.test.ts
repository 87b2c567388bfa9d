import { firstJsonError, JsonSyntaxError, lineAndColumn, parseJson } from "../../core/json";

describe("parseJson", () => {
  it("parses what JSON.parse parses", () => {
    for (const text of ['{"a": [1, -2.5e3, true, null, "x\\"y\\u00e9"]}', "[]", " 7 ", '"s"'])
      expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['{\n  "a": 1,\n  "b": }', 3, 8, 'unexpected "}", expected a value'],
    ['{\n  "a": 1\n', 3, 1, 'the text ends too early, expected "," or "}"'],
    ['{"a" 1}', 1, 6, 'unexpected "1", expected ":"'],
    ["[1, 2,]", 1, 7, 'unexpected "]", expected a value'],
    ['{"a": "x\ny"}', 1, 9, "a control character (such as a line break) inside a string"],
    ['{"a": 1} x', 1, 10, 'unexpected "x" after the end of the JSON value'],
    ["{a: 1}", 1, 2, 'unexpected "a", expected a property name in double quotes'],
    ['{"a": "\\q"}', 1, 9, "an unknown escape sequence"],
    ["", 1, 1, "the text ends too early, expected a value"],
  ])("names line and column of %j", (text, line, column, reason) => {
    let error: unknown;
    try {
      parseJson(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect(error).toMatchObject({ line, column, reason, message: `line ${line}, column ${column}: ${reason}` });
  });

  it("finds nothing wrong in valid JSON and counts lines from 1", () => {
    expect(firstJsonError('{"a": {"b": [1]}}')).toBeUndefined();
    expect(lineAndColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
