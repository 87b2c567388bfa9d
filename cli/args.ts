/** A small, strict argument parser: every unknown flag or missing value is a usage error naming it. */
import { GlacierRestoreError } from "../core/errors";

export interface FlagSpec {
  /** Takes a value (`--days 7`) rather than standing alone (`--json`). */
  readonly value?: boolean;
  readonly help: string;
}

export interface Parsed {
  readonly positional: string[];
  readonly flags: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[], specs: Record<string, FlagSpec>, command: string): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = specs[name];
    if (!spec)
      throw new GlacierRestoreError(
        "usage",
        `${command}: unknown option --${name}; allowed: ${Object.keys(specs)
          .map((f) => `--${f}`)
          .join(", ")} (see glacier-restore ${command} --help)`,
      );
    if (!spec.value) {
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--"))
      throw new GlacierRestoreError("usage", `${command}: --${name} needs a value`);
    flags[name] = value;
  }
  return { positional, flags };
}

/** The help text of a command's flags. */
export function flagHelp(specs: Record<string, FlagSpec>): string {
  return Object.entries(specs)
    .map(([name, s]) => `  --${`${name}${s.value ? " <value>" : ""}`.padEnd(22)} ${s.help}`)
    .join("\n");
}
