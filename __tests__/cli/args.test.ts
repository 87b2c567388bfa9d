/** The flag-table parser: typed values, bounds, conflicts and pairings, and the usage errors it gives. */
import { flagHelp, HELP_FLAG, parseArgs, type FlagTable, type FlagValues } from "../../cli/args";
import { GlacierRestoreError } from "../../core/errors";

const TABLE = {
  days: { type: "int", min: 1, max: 30, help: "days" },
  max: { type: "int", min: 1, help: "at most" },
  "max-cost": { type: "number", min: 0, unit: "USD", default: 50, help: "USD" },
  ratio: { type: "number", min: 0.5, max: 2, help: "a ratio" },
  timeout: { type: "duration", default: "15m", help: "how long" },
  tier: { type: "enum", values: ["Standard", "Bulk"], help: "the tier" },
  mount: { type: "string", placeholder: "mount", help: "where" },
  print0: { type: "boolean", requires: "mount", help: "NUL" },
  batch: { type: "boolean", conflicts: { direct: "--batch and --direct: choose one" }, help: "jobs" },
  direct: { type: "boolean", help: "requests" },
  ...HELP_FLAG,
} as const satisfies FlagTable;

function flags(...argv: string[]): FlagValues<typeof TABLE> {
  const parsed = parseArgs(argv, TABLE, "demo");
  if (parsed.help) throw new Error("unexpected --help");
  return parsed.flags;
}

/** The usage error parsing argv gives (exit 2), or a failure when there is none. */
function usageError(...argv: string[]): string {
  try {
    parseArgs(argv, TABLE, "demo");
  } catch (err) {
    expect(err).toBeInstanceOf(GlacierRestoreError);
    expect((err as GlacierRestoreError).kind).toBe("usage");
    return (err as Error).message;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe("parseArgs with a flag table", () => {
  it("gives each flag its typed value, and defaults when not given", () => {
    expect(flags("s3://b/p/")).toEqual({
      days: undefined,
      max: undefined,
      "max-cost": 50,
      ratio: undefined,
      timeout: { text: "15m", ms: 900_000 },
      tier: undefined,
      mount: undefined,
      print0: false,
      batch: false,
      direct: false,
      help: false,
    });
    expect(
      flags("--days", "7", "--max-cost=12.5", "--timeout", "1h30m", "--tier", "Bulk", "--mount", "/fsx", "--print0"),
    ).toMatchObject({
      days: 7,
      "max-cost": 12.5,
      timeout: { text: "1h30m", ms: 5_400_000 },
      tier: "Bulk",
      mount: "/fsx",
      print0: true,
    });
  });

  it("keeps positional arguments apart from flags, wherever they stand", () => {
    const parsed = parseArgs(["--batch", "a", "--days", "3", "b"], TABLE, "demo");
    expect(parsed.help ? [] : parsed.positional).toEqual(["a", "b"]);
  });

  it.each([
    [["--days", "0"], '--days: must be a whole number from 1 to 30; got "0"'],
    [["--days", "31"], '--days: must be a whole number from 1 to 30; got "31"'],
    [["--days", "1.5"], '--days: must be a whole number from 1 to 30; got "1.5"'],
    [["--days="], '--days: must be a whole number from 1 to 30; got ""'],
    [["--max", "0"], '--max: must be a whole number, at least 1; got "0"'],
    [["--max-cost", "-1"], '--max-cost: must be a number of USD; got "-1"'],
    [["--max-cost", "abc"], '--max-cost: must be a number of USD; got "abc"'],
    [["--ratio", "3"], '--ratio: must be a number from 0.5 to 2; got "3"'],
    [["--timeout", "5"], '--timeout: "5" is not a duration; write e.g. 48h, 5m, 30s, 1h30m'],
    [["--tier", "Fast"], '--tier: "Fast"; allowed: Standard, Bulk'],
  ])("%j: %s", (argv, message) => {
    expect(usageError(...argv)).toBe(message);
  });

  it("rejects conflicting flags, and a flag without the one it goes with", () => {
    expect(usageError("--direct", "--batch")).toBe("--batch and --direct: choose one");
    expect(usageError("--print0")).toBe("--print0: goes with --mount <mount>");
    expect(flags("--batch").batch).toBe(true);
  });

  it("names an unknown flag and every allowed one, and a flag whose value is missing", () => {
    expect(usageError("--colour")).toBe(
      "demo: unknown option --colour; allowed: --days, --max, --max-cost, --ratio, --timeout, --tier, --mount, --print0, --batch, --direct, --help (see glacier-restore demo --help)",
    );
    expect(usageError("--days")).toBe("demo: --days needs a value");
    expect(usageError("--mount", "--batch")).toBe("demo: --mount needs a value");
  });

  it("answers --help even when a value is bad, but not past an unknown flag", () => {
    expect(parseArgs(["--days", "x", "--help"], TABLE, "demo")).toEqual({ help: true });
    expect(usageError("--help", "--colour")).toContain("unknown option --colour");
  });
});

describe("flagHelp", () => {
  it("renders one line per flag with its value, help and default", () => {
    const lines = flagHelp(TABLE).split("\n");
    expect(lines).toHaveLength(Object.keys(TABLE).length);
    expect(lines).toContain("  --days <N>               days");
    expect(lines).toContain("  --max-cost <N>           USD (default 50)");
    expect(lines).toContain("  --timeout <duration>     how long (default 15m)");
    expect(lines).toContain("  --mount <mount>          where");
    expect(lines).toContain("  --batch                  jobs");
  });
});
