/**
 * EventBridge's input transformer, as documented (InputTransformer API reference, "Transforming target
 * input"): each path of `InputPathsMap` is read from the event; a placeholder `<name>` standing alone as a
 * JSON value becomes that value as JSON; a placeholder inside a JSON string is replaced by the value's
 * text without escaping. EventBridge does not substitute a path the event lacks; whether the placeholder
 * then becomes nothing or stays as written is not documented, so tests run both (`missing`), and the
 * default throws, so a test fails if a template meets a missing path unexpectedly.
 */
export type MissingPath = "throw" | "empty" | "unsubstituted";
function read(event: unknown, path: string): unknown {
  if (!path.startsWith("$.")) throw new Error(`unsupported path ${path}`);
  let value: unknown = event;
  for (const part of path.slice(2).split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function applyInputTransformer(
  transformer: { inputPaths: Record<string, string>; inputTemplate: string },
  event: unknown,
  missing: MissingPath = "throw",
): string {
  const values = new Map(Object.entries(transformer.inputPaths).map(([name, path]) => [name, read(event, path)]));
  let inString = false;
  let out = "";
  const template = transformer.inputTemplate;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '"' && template[i - 1] !== "\\") inString = !inString;
    const placeholder = ch === "<" ? /^<([\w.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && values.has(placeholder[1]!)) {
      const value = values.get(placeholder[1]!);
      if (value === undefined) {
        if (missing === "throw")
          throw new Error(`input path ${transformer.inputPaths[placeholder[1]!]} is not in the event`);
        out += missing === "empty" ? "" : placeholder[0];
      } else out += inString && typeof value === "string" ? value : JSON.stringify(value);
      i += placeholder[0].length - 1;
    } else out += ch;
  }
  return out;
}
