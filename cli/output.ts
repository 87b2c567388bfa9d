/**
 * The one printer of command results: a command returns what it found (the document `--json` prints)
 * with the function that renders it for people, and this writes one or the other on stdout.
 */
import type { Io } from "./context";

/** What a command found, and how people read it. */
export interface CommandResult<T> {
  readonly data: T;
  readonly text: (data: T) => string;
}

/** One JSON document on a line with --json, else the text. */
export function printResult<T>(io: Pick<Io, "stdout">, result: CommandResult<T>, json: boolean): void {
  io.stdout.write(json ? `${JSON.stringify(result.data)}\n` : result.text(result.data));
}

/** Bytes in the largest unit that keeps a number of at least 1. */
export function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
