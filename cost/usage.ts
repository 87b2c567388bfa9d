/**
 * Which usage figures each target is estimated with. A usage file can give figures for every target
 * (top-level keys), for a whole bucket split between its targets (`buckets`), and for one target
 * (`targets`); the report says which applied, so "40 M reads on the bucket" is never counted once per
 * target by accident.
 */
import type { ResolvedConfig, ResolvedTarget } from "../config/resolve";
import { DEFAULT_USAGE, type Usage } from "./estimate";

/** Figures that count something on the bucket as a whole, and so are split between its targets. */
export const BUCKET_COUNTS = ["getObjectsPerMonth", "archivedReadsPerMonth"] as const;
/** Figures that are shares (0 to 1) rather than counts. */
export const SHARE_KEYS: readonly (keyof Usage)[] = ["readerShare", "deepArchiveShare"];

export interface TargetUsage {
  readonly usage: Usage;
  /** Where the figures came from, for the report. */
  readonly basis: string;
}

export interface UsagePlan {
  readonly of: (target: ResolvedTarget) => TargetUsage;
  /** Things the reader of the estimate should know (printed before the targets). */
  readonly notes: readonly string[];
}

/** Figures with a floor above 0, and why. */
export const MINIMUMS: Partial<Record<keyof Usage, { min: number; why: string }>> = {
  directoryExpansion: { min: 1, why: "the object read is restored too" },
};

/** What is wrong with one figure's value, if anything (`at` names where it was given). */
export function figureProblem(key: keyof Usage, value: unknown, at = ""): string | undefined {
  const name = `${at}${at ? "." : ""}${key}`;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    return `${name}: must be a number of at least 0; got ${JSON.stringify(value)}`;
  if (SHARE_KEYS.includes(key) && value > 1) return `${name}: is a share, from 0 to 1; got ${value}`;
  const floor = MINIMUMS[key];
  if (floor && value < floor.min) return `${name}: must be at least ${floor.min} (${floor.why}); got ${value}`;
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks the usage figures of one object (file top level, a bucket, a target); every problem named. */
export function checkFigures(
  values: Record<string, unknown>,
  at: string,
  problems: string[],
  extraKeys: readonly string[] = [],
): Partial<Usage> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (extraKeys.includes(key)) continue;
    if (!(key in DEFAULT_USAGE)) {
      problems.push(
        `${at}: unknown key "${key}"; allowed: ${[...Object.keys(DEFAULT_USAGE), ...extraKeys].join(", ")}`,
      );
      continue;
    }
    const problem = figureProblem(key as keyof Usage, value, at);
    if (problem) problems.push(problem);
    else out[key] = value as number;
  }
  return out as Partial<Usage>;
}

/** How each target's usage is found, from the global figures and the file's `buckets` and `targets`. */
export function planUsage(
  global: Usage,
  file: Record<string, unknown>,
  config: ResolvedConfig,
  problems: string[],
): UsagePlan {
  const notes: string[] = [];
  const names = new Set(config.targets.map((t) => t.name));
  const targetsOf = (bucket: string) => config.targets.filter((t) => t.bucket === bucket);

  const buckets = new Map<string, { figures: Partial<Usage>; shares: Map<string, number> }>();
  if (file.buckets !== undefined) {
    if (!isObject(file.buckets)) problems.push("buckets: must be an object keyed by bucket name");
    else
      for (const [bucket, entry] of Object.entries(file.buckets)) {
        const at = `buckets.${bucket}`;
        const members = targetsOf(bucket);
        if (members.length === 0) {
          problems.push(
            `${at}: no target uses this bucket (targets use: ${[...new Set(config.targets.map((t) => t.bucket))].join(", ")})`,
          );
          continue;
        }
        if (!isObject(entry)) {
          problems.push(`${at}: must be an object of usage figures`);
          continue;
        }
        const figures = checkFigures(entry, at, problems, ["shares"]);
        const shares = new Map<string, number>();
        if (entry.shares !== undefined) {
          if (!isObject(entry.shares)) problems.push(`${at}.shares: must be an object of target name to share`);
          else
            for (const [name, share] of Object.entries(entry.shares)) {
              if (!members.some((t) => t.name === name))
                problems.push(
                  `${at}.shares.${name}: not a target on bucket ${bucket} (its targets: ${members.map((t) => t.name).join(", ")})`,
                );
              else if (typeof share !== "number" || !(share >= 0 && share <= 1))
                problems.push(`${at}.shares.${name}: is a share, from 0 to 1; got ${JSON.stringify(share)}`);
              else shares.set(name, share);
            }
          const sum = [...shares.values()].reduce((a, b) => a + b, 0);
          if (sum > 1 + 1e-9)
            problems.push(`${at}.shares: add up to ${sum}; they are parts of the bucket's figures, at most 1`);
        }
        // Targets without a stated share split what the stated ones leave, equally.
        const unstated = members.filter((t) => !shares.has(t.name));
        const left = Math.max(0, 1 - [...shares.values()].reduce((a, b) => a + b, 0));
        for (const t of unstated) shares.set(t.name, left / unstated.length);
        buckets.set(bucket, { figures, shares });
      }
  }

  const perTarget = new Map<string, Partial<Usage>>();
  if (file.targets !== undefined) {
    if (!isObject(file.targets)) problems.push("targets: must be an object keyed by target name");
    else
      for (const [name, entry] of Object.entries(file.targets)) {
        if (!names.has(name)) problems.push(`targets.${name}: no such target (targets: ${[...names].join(", ")})`);
        else if (!isObject(entry)) problems.push(`targets.${name}: must be an object of usage figures`);
        else perTarget.set(name, checkFigures(entry, `targets.${name}`, problems));
      }
  }

  if (buckets.size === 0 && perTarget.size === 0)
    for (const bucket of new Set(config.targets.map((t) => t.bucket))) {
      const members = targetsOf(bucket);
      if (members.length > 1)
        notes.push(
          `The same usage figures are applied to each of the ${members.length} targets on bucket ${bucket} (${members.map((t) => t.name).join(", ")}): if they describe the whole bucket, give them under "buckets" in the --usage file to split them by share.`,
        );
    }

  return {
    notes,
    of(t) {
      const bucket = buckets.get(t.bucket);
      const own = perTarget.get(t.name);
      let usage: Usage = { ...global };
      const basis: string[] = [];
      if (bucket) {
        const share = bucket.shares.get(t.name) ?? 0;
        usage = { ...usage, ...bucket.figures };
        for (const key of BUCKET_COUNTS) usage = { ...usage, [key]: usage[key] * share };
        basis.push(`bucket ${t.bucket}'s figures × share ${Number(share.toFixed(4))}`);
      }
      if (own) {
        usage = { ...usage, ...own };
        basis.push(`this target's own figures (${Object.keys(own).join(", ")})`);
      }
      return { usage, basis: basis.length ? basis.join(", then ") : "the figures given for every target" };
    },
  };
}
