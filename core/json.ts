/**
 * JSON parsing whose errors say where: line and column, not "position 1301". Node's own messages give a
 * character offset at best, so on failure a small scanner finds the first offending character.
 */

/** Thrown for text that is not JSON; `line` and `column` count from 1. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = "JsonSyntaxError";
  }
}

/** Offset of the first character that makes `text` invalid JSON, and why; undefined when it is valid. */
export function firstJsonError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw { offset: i, reason };
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const describe = () => (i >= text.length ? "the text ends too early" : `unexpected ${JSON.stringify(text[i])}`);
  const expect = (ch: string, what: string) => {
    ws();
    if (text[i] !== ch) fail(`${describe()}, expected ${what}`);
    i++;
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail("a control character (such as a line break) inside a string");
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail("a \\u escape needs four hex digits");
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "")) fail("an unknown escape sequence");
      }
      i++;
    }
    if (i >= text.length) fail("a string is not closed");
    i++; // closing quote
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`${describe()}, expected a property name in double quotes`);
        string();
        expect(":", '":"');
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail(`${describe()}, expected "," or "}"`);
      }
    }
    if (ch === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail(`${describe()}, expected "," or "]"`);
      }
    }
    if (ch === '"') return string();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal) return void (i += literal[0].length);
    fail(`${describe()}, expected a value`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`${describe()} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (err && typeof err === "object" && "offset" in err) return err as { offset: number; reason: string };
    throw err;
  }
}

/** Line and column (from 1) of an offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** `JSON.parse`, throwing JsonSyntaxError with the line and column of the first error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const found = firstJsonError(text);
    if (!found) throw err;
    const { line, column } = lineAndColumn(text, found.offset);
    throw new JsonSyntaxError(line, column, found.reason);
  }
}
