/**
 * Flags as data: each command declares one table (type, default, bounds, conflicts, help) and this
 * parser turns argv into typed values from it, so no command checks a flag's type or range by hand and
 * `--help` renders its flag lines from the same table. Every unknown flag, missing or bad value, and
 * conflict is a usage error (exit 2) naming the flag.
 */
import { parseDuration } from "../core/duration";
import { GlacierRestoreError } from "../core/errors";

interface Common {
  readonly help: string;
  /** Another flag that must not be given with this one → the usage error naming both and why. */
  readonly conflicts?: Readonly<Record<string, string>>;
  /** A flag this one only makes sense with. */
  readonly requires?: string;
  /** The word shown for a value in help and messages: `--print-paths <mount>`. */
  readonly placeholder?: string;
}
export interface BooleanFlag extends Common {
  readonly type: "boolean";
}
export interface StringFlag extends Common {
  readonly type: "string";
  readonly default?: string;
}
export interface IntFlag extends Common {
  readonly type: "int";
  readonly min: number;
  readonly max?: number;
  readonly default?: number;
}
export interface NumberFlag extends Common {
  readonly type: "number";
  readonly min?: number;
  readonly max?: number;
  /** What the number counts ("USD"): an amount of it is never negative, so min 0 goes unsaid. */
  readonly unit?: string;
  readonly default?: number;
}
export interface DurationFlag extends Common {
  readonly type: "duration";
  /** As an operator writes it: "48h". */
  readonly default?: string;
}
export interface EnumFlag extends Common {
  readonly type: "enum";
  readonly values: readonly string[];
  readonly default?: string;
}
export type FlagSpec = BooleanFlag | StringFlag | IntFlag | NumberFlag | DurationFlag | EnumFlag;
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** A duration flag's value: what was written (for messages) and its milliseconds. */
export interface Duration {
  readonly text: string;
  readonly ms: number;
}

type BaseValue<S> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "int" | "number" }
    ? number
    : S extends { type: "duration" }
      ? Duration
      : S extends { type: "enum"; values: readonly (infer V)[] }
        ? V
        : string;
/** A flag's typed value: undefined only when it was not given and has no default (booleans are false). */
export type FlagValue<S> = S extends { type: "boolean" } | { default: unknown }
  ? BaseValue<S>
  : BaseValue<S> | undefined;
export type FlagValues<T extends FlagTable> = { readonly [K in keyof T]: FlagValue<T[K]> };

/** `--help`, which every command takes. */
export const HELP_FLAG = { help: { type: "boolean", help: "this text" } } as const satisfies FlagTable;

export type Parsed<T extends FlagTable> =
  { readonly help: true } | { readonly help: false; readonly positional: string[]; readonly flags: FlagValues<T> };

/**
 * Parses argv against a command's table. `--help` wins over bad values (only unknown flags and missing
 * values are reported first), so a command's help is always reachable.
 */
export function parseArgs<T extends FlagTable>(argv: readonly string[], table: T, command: string): Parsed<T> {
  const { positional, given } = tokenize(argv, table, command);
  if (given.has("help")) return { help: true };
  checkRelations(table, given);
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) flags[name] = typedValue(name, spec, given.get(name));
  return { help: false, positional, flags: flags as FlagValues<T> };
}

/** Positional arguments and the text of each flag given (true for a flag without value). */
function tokenize(argv: readonly string[], table: FlagTable, command: string) {
  const positional: string[] = [];
  const given = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = table[name];
    if (!spec)
      throw new GlacierRestoreError(
        "usage",
        `${command}: unknown option --${name}; allowed: ${Object.keys(table)
          .map((f) => `--${f}`)
          .join(", ")} (see glacier-restore ${command} --help)`,
      );
    if (spec.type === "boolean") {
      given.set(name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--"))
      throw new GlacierRestoreError("usage", `${command}: --${name} needs a value`);
    given.set(name, value);
  }
  return { positional, given };
}

/** Conflicts, in the table's order, then flags given without the flag they go with. */
function checkRelations(table: FlagTable, given: ReadonlyMap<string, string | true>): void {
  for (const [name, spec] of Object.entries(table)) {
    if (!given.has(name)) continue;
    for (const [other, message] of Object.entries(spec.conflicts ?? {}))
      if (given.has(other)) throw new GlacierRestoreError("usage", message);
    if (spec.requires !== undefined && !given.has(spec.requires))
      throw new GlacierRestoreError("usage", `--${name}: goes with ${flagName(spec.requires, table)}`);
  }
}

function typedValue(name: string, spec: FlagSpec, text: string | true | undefined): unknown {
  if (spec.type === "boolean") return text !== undefined;
  const raw = typeof text === "string" ? text : undefined;
  const flag = `--${name}`;
  switch (spec.type) {
    case "string":
      return raw ?? spec.default;
    case "duration": {
      const t = raw ?? spec.default;
      return t === undefined ? undefined : { text: t, ms: parseDuration(t, flag) };
    }
    case "enum":
      if (raw !== undefined && !spec.values.includes(raw))
        throw new GlacierRestoreError("usage", `${flag}: ${JSON.stringify(raw)}; allowed: ${spec.values.join(", ")}`);
      return raw ?? spec.default;
    case "int":
    case "number":
      return raw === undefined ? spec.default : numberValue(flag, spec, raw);
  }
}

function numberValue(flag: string, spec: IntFlag | NumberFlag, raw: string): number {
  const n = raw.trim() === "" ? NaN : Number(raw);
  const ok =
    (spec.type === "int" ? Number.isInteger(n) : Number.isFinite(n)) &&
    (spec.min === undefined || n >= spec.min) &&
    (spec.max === undefined || n <= spec.max);
  if (!ok) throw new GlacierRestoreError("usage", `${flag}: must be ${numberKind(spec)}; got ${JSON.stringify(raw)}`);
  return n;
}

/** "a whole number from 1 to 100", "a whole number, at least 1", "a number of USD". */
function numberKind(spec: IntFlag | NumberFlag): string {
  const noun = spec.type === "int" ? "a whole number" : `a number${spec.unit ? ` of ${spec.unit}` : ""}`;
  if (spec.min !== undefined && spec.max !== undefined) return `${noun} from ${spec.min} to ${spec.max}`;
  if (spec.max !== undefined) return `${noun}, at most ${spec.max}`;
  if (spec.min !== undefined && !(spec.type === "number" && spec.unit && spec.min === 0))
    return `${noun}, at least ${spec.min}`;
  return noun;
}

/** `--name`, with its value's placeholder when it takes one: `--print-paths <mount>`. */
function flagName(name: string, table: FlagTable): string {
  const spec = table[name];
  return spec ? `--${name}${placeholder(spec)}` : `--${name}`;
}

const PLACEHOLDERS: Record<FlagSpec["type"], string> = {
  boolean: "",
  string: "value",
  duration: "duration",
  enum: "value",
  int: "N",
  number: "N",
};

function placeholder(spec: FlagSpec): string {
  if (spec.type === "boolean") return "";
  return ` <${spec.placeholder ?? PLACEHOLDERS[spec.type]}>`;
}

/** The help lines of a command's flags: name and value, what it does, its default. */
export function flagHelp(table: FlagTable): string {
  return Object.entries(table)
    .map(([name, s]) => {
      const fallback = s.type === "boolean" || s.default === undefined ? "" : ` (default ${s.default})`;
      return `  ${flagName(name, table).padEnd(24)} ${s.help}${fallback}`;
    })
    .join("\n");
}
