/** Durations as operators write them on a command line: "48h", "5m", "30s", "1h30m", "250ms". */
import { GlacierRestoreError } from "./errors";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in a duration; a bad one is a usage error naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text)
    throw new GlacierRestoreError(
      "usage",
      `${flag}: ${JSON.stringify(text)} is not a duration; write e.g. 48h, 5m, 30s, 1h30m`,
    );
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}
