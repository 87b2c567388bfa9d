/**
 * Drops one known deprecation warning a dependency triggers and cannot be fixed here: CDKTF 0.21 (its
 * last release) calls `util.isArray`, which Node.js 22 deprecates at run time (DEP0044), so every synth
 * would print a warning the user can do nothing about. Every other warning is still printed.
 */
type WarningProcess = Pick<NodeJS.Process, "emitWarning">;

export function dropDeprecationWarning(proc: WarningProcess, code: string): void {
  const emit = proc.emitWarning.bind(proc) as (...args: unknown[]) => void;
  proc.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const options = rest[0];
    const codeOf =
      typeof options === "object" && options !== null
        ? (options as { code?: string }).code
        : typeof rest[1] === "string"
          ? rest[1]
          : undefined;
    if (codeOf === code) return;
    emit(warning, ...rest);
  }) as NodeJS.Process["emitWarning"];
}
