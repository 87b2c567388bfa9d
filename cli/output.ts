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
