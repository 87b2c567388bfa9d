/**
 * The one switch for the optional test layers (terraform, moto). On a developer's machine a missing tool
 * skips its layer, loudly; in CI (`CI` set) it fails the run instead, so CI can never pass without the
 * slowest and most thorough layers.
 */

/** Whether a layer's tools are present, and why not when they are not (testing/moto.ts, testing/terraform.ts). */
export interface LayerCheck {
  readonly ok: boolean;
  readonly why?: string;
}

/** A run in CI: `CI` set to anything but "", "0" or "false" (CI services set `CI=true`). */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? "").trim().toLowerCase();
  return ci !== "" && ci !== "0" && ci !== "false";
}

/** The first check that fails, else the last one (a layer needing several tools). */
export function allOf(...checks: readonly (() => LayerCheck)[]): () => LayerCheck {
  return () => {
    let last: LayerCheck = { ok: true };
    for (const check of checks) {
      last = check();
      if (!last.ok) return last;
    }
    return last;
  };
}

/**
 * Whether the layer `name` runs here: true when `check` passes. When it fails, throws in CI (naming the
 * layer and the reason) and otherwise warns and returns false, so the caller skips its suites:
 * `(layerAvailable("moto layer of …", motoAvailable) ? describe : describe.skip)(…)`.
 */
export function layerAvailable(
  name: string,
  check: () => LayerCheck,
  options: { readonly env?: NodeJS.ProcessEnv; readonly warn?: (message: string) => void } = {},
): boolean {
  const result = check();
  if (result.ok) return true;
  const why = result.why ?? "its tools are missing";
  if (inCi(options.env))
    throw new Error(`CI: the ${name} cannot run (${why}); CI must run every layer, so this fails instead of skipping`);
  (options.warn ?? console.warn)(`\n*** SKIPPING the ${name}: ${why} ***\n`);
  return false;
}
