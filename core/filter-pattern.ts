/**
 * A CloudWatch Logs filter-pattern evaluator for the forms this project writes, from the documented
 * syntax (CloudWatch Logs User Guide, "Filter pattern syntax"): so tests can prove which log lines a
 * synthesized subscription filter delivers, offline.
 * - Terms: words or "quoted phrases", case sensitive; all must occur (AND); `?term` alternatives (any of
 *   them); `-term` must not occur; `" "` matches everything.
 * - JSON: `{ $.a.b = "text" }`, `!=`, `*` as a wildcard in the text, `&&` and `||` between comparisons.
 * Everything else throws: an unsupported pattern is a test failure, not a silent "no match".
 */

function tokens(pattern: string): string[] {
  const out: string[] = [];
  const re = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(pattern)) !== null) {
    if (m[0].trim() === "") break;
    out.push(`${m[1]}${m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]}`);
  }
  return out;
}

function termPattern(pattern: string, message: string): boolean {
  if (pattern.trim() === '" "' || pattern.trim() === "") return true;
  const all = tokens(pattern);
  const any = all.filter((t) => t.startsWith("?")).map((t) => t.slice(1));
  const not = all.filter((t) => t.startsWith("-")).map((t) => t.slice(1));
  const must = all.filter((t) => !t.startsWith("?") && !t.startsWith("-"));
  if (any.length > 0 && !any.some((t) => message.includes(t))) return false;
  return must.every((t) => message.includes(t)) && !not.some((t) => message.includes(t));
}

function selectPath(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.split(".").filter(Boolean)) {
    const m = /^([\w-]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`unsupported property selector ${path}`);
    node = (node as Record<string, unknown> | undefined)?.[m[1]!];
    for (const index of m[2]!.match(/\d+/g) ?? []) node = (node as unknown[] | undefined)?.[Number(index)];
  }
  return node;
}

function compare(json: unknown, expression: string): boolean {
  const m = /^\s*\$\.([\w.[\]-]+)\s*(=|!=)\s*(?:"((?:[^"\\]|\\.)*)"|([\w*.+-]+))\s*$/.exec(expression);
  if (!m) throw new Error(`unsupported JSON filter expression ${expression}`);
  const actual = selectPath(json, m[1]!);
  if (typeof actual !== "string" && typeof actual !== "number") return m[2] === "!=";
  const text = m[3] ?? m[4]!;
  const wildcard = new RegExp(
    `^${text
      .split("*")
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  const equal = wildcard.test(String(actual));
  return m[2] === "=" ? equal : !equal;
}

/** Whether CloudWatch Logs would deliver a log event with this message through this filter pattern. */
export function filterPatternMatches(pattern: string, message: string): boolean {
  const trimmed = pattern.trim();
  if (!trimmed.startsWith("{")) return termPattern(trimmed, message);
  if (!trimmed.endsWith("}")) throw new Error(`unbalanced JSON filter pattern ${pattern}`);
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return false; // a JSON pattern never matches a line that is not JSON
  }
  const body = trimmed.slice(1, -1);
  return body.split("||").some((alternative) => alternative.split("&&").every((c) => compare(json, c)));
}
