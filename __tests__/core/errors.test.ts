import { endOnError, GlacierRestoreError, type ProgramIo } from "../../core/errors";
import { ConfigError } from "../../config/resolve";
import { UsageError } from "../../cost/cli";

/** A program's stderr and exit, recorded. */
function recordingIo() {
  const written: string[] = [];
  let code: number | undefined;
  const io: ProgramIo = {
    stderr: { write: (text: string) => written.push(text) },
    exit: ((c: number) => {
      code = c;
      throw new Error("exited");
    }) as ProgramIo["exit"],
  };
  return { io, written, code: () => code };
}

describe("endOnError", () => {
  it.each([
    [new ConfigError(["targets[0].name: is required"]), 1],
    [new UsageError(["--colour: unknown option"], true), 2],
    [new UsageError(["readerShare: is a share, from 0 to 1; got 2"], false), 1],
    [new GlacierRestoreError("external", "dist/handler.zip is missing"), 1],
  ])("ends on %s with its message and exit status %i, no stack trace", async (error, status) => {
    const r = recordingIo();
    await expect(endOnError(() => Promise.reject(error), r.io)).rejects.toThrow("exited");
    expect(r.written).toEqual([`${error.message}\n`]);
    expect(r.code()).toBe(status);
  });

  it("lets a bug keep its stack trace", async () => {
    const r = recordingIo();
    await expect(endOnError(() => Promise.reject(new TypeError("x is undefined")), r.io)).rejects.toThrow(TypeError);
    expect(r.written).toEqual([]);
  });

  it("does nothing when the program succeeds", async () => {
    const r = recordingIo();
    await endOnError(() => undefined, r.io);
    expect([r.written, r.code()]).toEqual([[], undefined]);
  });
});
