/**
 * One error base for every program (the CDKTF app, the cost tool, the operator command), with a kind that
 * decides the exit status, and one way to end a program on it: the message on stderr, no stack trace.
 * Exit status follows the usual CLI convention: 1 for a failure the program explains (a bad
 * configuration, an AWS call that failed), 2 for bad usage of the command itself.
 */

export type ErrorKind = "usage" | "configuration" | "external";

const EXIT_CODES: Record<ErrorKind, number> = { usage: 2, configuration: 1, external: 1 };

export class GlacierRestoreError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GlacierRestoreError";
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** What a program writes, so tests can run `endOnError` without a process. */
export interface ProgramIo {
  readonly stderr: { write(text: string): unknown };
  exit(code: number): never;
}

/**
 * Runs a program's main function; a GlacierRestoreError ends it with its message and exit status. Any
 * other error is a bug and keeps its stack trace.
 */
export async function endOnError(main: () => unknown, io: ProgramIo): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof GlacierRestoreError)) throw err;
    io.stderr.write(`${err.message}\n`);
    io.exit(err.exitCode);
  }
}
