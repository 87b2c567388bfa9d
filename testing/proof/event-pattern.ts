/**
 * An EventBridge event pattern matcher for the offline proof: the operators AWS documents (exact values,
 * prefix, suffix, anything-but, exists, equals-ignore-case, wildcard, numeric, $or; matching inside arrays),
 * so the synthesized rules can be evaluated against real-shaped events without an AWS account.
 * Not covered: `cidr` (no rule here uses it); an unknown operator throws instead of guessing.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const MISSING = Symbol("missing");
type Value = Json | typeof MISSING;

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, Json>, node: Value): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    if (field === "$or") {
      if (!Array.isArray(rule)) throw new Error("$or takes an array of patterns");
      return rule.some((alternative) => isObject(alternative) && matchObject(alternative, node));
    }
    const child: Value = isObject(node) && field in node ? node[field]! : MISSING;
    if (isObject(rule)) {
      // A nested pattern: the event's field must be an object, or an array of objects one of which matches.
      if (Array.isArray(child)) return child.some((element) => isObject(element) && matchObject(rule, element));
      return isObject(child) && matchObject(rule, child);
    }
    if (!Array.isArray(rule)) throw new Error(`pattern field "${field}" must be an array or an object`);
    return matchLeaf(rule, child);
  });
}

/** A leaf matches when any filter matches the value (or, for an array value, any of its elements). */
function matchLeaf(filters: Json[], value: Value): boolean {
  return filters.some((filter) => {
    if (isObject(filter) && "exists" in filter) {
      const present = value !== MISSING && !(Array.isArray(value) && value.length === 0);
      return filter.exists === present;
    }
    if (value === MISSING) return false;
    const values: Json[] = Array.isArray(value) ? value : [value];
    return values.some((v) => matchFilter(filter, v));
  });
}

function matchFilter(filter: Json, value: Json): boolean {
  if (!isObject(filter)) return filter === value;
  const [operator, operand, ...extra] = Object.entries(filter).flat();
  if (extra.length > 0) throw new Error(`one operator per filter: ${JSON.stringify(filter)}`);
  switch (operator) {
    case "prefix":
      return typeof value === "string" && textTest(operand as Json, value, (v, o) => v.startsWith(o));
    case "suffix":
      return typeof value === "string" && textTest(operand as Json, value, (v, o) => v.endsWith(o));
    case "equals-ignore-case":
      return typeof value === "string" && typeof operand === "string" && value.toLowerCase() === operand.toLowerCase();
    case "wildcard":
      return typeof value === "string" && typeof operand === "string" && wildcard(operand).test(value);
    case "numeric":
      return typeof value === "number" && numeric(operand as Json[], value);
    case "anything-but":
      return !anythingButExcludes(operand as Json, value);
    default:
      throw new Error(`unsupported pattern operator ${String(operator)}`);
  }
}

/** prefix/suffix take a string or `{ "equals-ignore-case": string }`. */
function textTest(operand: Json, value: string, test: (v: string, o: string) => boolean): boolean {
  if (typeof operand === "string") return test(value, operand);
  if (isObject(operand) && typeof operand["equals-ignore-case"] === "string")
    return test(value.toLowerCase(), operand["equals-ignore-case"].toLowerCase());
  throw new Error(`bad prefix/suffix operand ${JSON.stringify(operand)}`);
}

function anythingButExcludes(operand: Json, value: Json): boolean {
  if (Array.isArray(operand)) return operand.includes(value);
  if (isObject(operand)) return matchFilter(operand, value);
  return operand === value;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .split(/(\\\*|\*)/)
    .map((part) => (part === "*" ? ".*" : part === "\\*" ? "\\*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${escaped}$`, "s");
}

function numeric(conditions: Json[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1];
    if (typeof bound !== "number") throw new Error(`numeric bound must be a number: ${JSON.stringify(conditions)}`);
    const ok =
      op === "="
        ? value === bound
        : op === "<"
          ? value < bound
          : op === "<="
            ? value <= bound
            : op === ">"
              ? value > bound
              : op === ">="
                ? value >= bound
                : undefined;
    if (ok === undefined) throw new Error(`unknown numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}
