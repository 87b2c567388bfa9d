/**
 * EventBridge's input transformer, as documented (InputTransformer API reference, "Transforming target
 * input"): each path of `InputPathsMap` is read from the event; a placeholder `<name>` standing alone as a
 * JSON value becomes that value as JSON; a placeholder inside a JSON string is replaced by the value's
 * text without escaping. What EventBridge does with a path the event lacks is not relied on: this
 * emulation throws, so a test fails if a template could meet one.
 */
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
      if (value === undefined)
        throw new Error(`input path ${transformer.inputPaths[placeholder[1]!]} is not in the event`);
      out += inString && typeof value === "string" ? value : JSON.stringify(value);
      i += placeholder[0].length - 1;
    } else out += ch;
  }
  return out;
}
