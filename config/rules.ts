/** Rules across targets: names, overlaps, regions, and CloudTrail's limits per region and trail. */
import { partitionOf, isIsolatedRegion } from "../core/partition";
import { KNOWN_REGIONS } from "../core/regions";
import { advancedEventSelectors, selectorValueCount as countSelectorValues } from "../core/selectors";
import type { ParsedConfig } from "./schema";
import {
  BOOTSTRAP_STACK,
  BUCKET_NOTIFICATIONS_STACK_PREFIX,
  SHARED_TRAIL_STACK_PREFIX,
  splitTrailHome,
  trailHome,
  usesCloudTrail,
} from "./topology";
import type { ResolvedTarget, SharedTrailGroup } from "./types";

/** CloudTrail allows at most this many trails per region per account; the quota cannot be raised. */
export const MAX_TRAILS_PER_REGION = 5;
/** CloudTrail allows at most this many condition values across a trail's advanced event selectors. */
export const MAX_SELECTOR_VALUES_PER_TRAIL = 500;

/** What the cross-target checks read of a target. */
type TargetIdentity = Pick<ResolvedTarget, "name" | "bucket" | "prefix" | "region">;

/**
 * The targets of a configuration the schema rejected, as far as the name and overlap checks need them;
 * undefined for an entry without a string name and bucket, so the indices stay those of the file.
 */
export function readableTargets(raw: unknown): (TargetIdentity | undefined)[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (!isObject(raw) || !Array.isArray(raw.targets)) return [];
  return raw.targets.map((t: unknown) =>
    isObject(t) && typeof t.name === "string" && typeof t.bucket === "string"
      ? {
          name: t.name,
          bucket: t.bucket,
          prefix: typeof t.prefix === "string" ? t.prefix : "",
          // Regions are compared only once the schema accepts them: a bad one is reported by itself.
          region: "",
        }
      : undefined,
  );
}

/** Every region in the configuration is a known AWS Region code or listed in `extraRegions`. */
export function checkRegions(config: ParsedConfig, problems: string[]): void {
  const allowed = new Set([...KNOWN_REGIONS, ...config.extraRegions]);
  const check = (at: string, region: string | undefined) => {
    if (region && !allowed.has(region) && !isIsolatedRegion(region))
      problems.push(
        `${at}: "${region}" is not a known AWS Region code (known: ${KNOWN_REGIONS.join(", ")}); if AWS opened it after this release, add it to "extraRegions"`,
      );
  };
  check("stateBackend.region", config.stateBackend.region);
  check("defaults.region", config.defaults.region);
  config.targets.forEach((t, i) => check(`targets[${i}].region`, t.region));
}

export function checkTargetsAgainstEachOther(
  targets: readonly (TargetIdentity | undefined)[],
  problems: string[],
): void {
  targets.forEach((t, i) => {
    if (!t) return;
    let regionReported = false;
    for (let j = 0; j < i; j++) {
      const other = targets[j];
      if (!other) continue;
      if (other.name === t.name)
        problems.push(`targets[${i}].name: "${t.name}" is already used by targets[${j}]; target names must be unique`);
      if (other.bucket !== t.bucket) continue;
      if (other.region !== t.region && t.region && other.region && !regionReported) {
        regionReported = true;
        problems.push(
          `targets[${i}].region: bucket "${t.bucket}" is also used by target "${other.name}" in ${other.region}; a bucket lives in one region`,
        );
      }
      if (t.prefix.startsWith(other.prefix) || other.prefix.startsWith(t.prefix))
        problems.push(
          `targets[${i}].prefix: "${t.prefix}" overlaps target "${other.name}" (prefix "${other.prefix}") on bucket "${t.bucket}"; every object must belong to at most one target`,
        );
    }
    if (t.name.startsWith(SHARED_TRAIL_STACK_PREFIX))
      problems.push(
        `targets[${i}].name: names starting with "${SHARED_TRAIL_STACK_PREFIX}" are reserved for shared trail stacks`,
      );
    if (t.name.startsWith(BUCKET_NOTIFICATIONS_STACK_PREFIX))
      problems.push(
        `targets[${i}].name: names starting with "${BUCKET_NOTIFICATIONS_STACK_PREFIX}" are reserved for bucket notification stacks`,
      );
    if (t.name === BOOTSTRAP_STACK)
      problems.push(`targets[${i}].name: "${BOOTSTRAP_STACK}" is reserved for the state bootstrap stack`);
  });
}

/** Condition values the advanced event selectors of one trail covering these targets use. */
export function selectorValueCount(targets: readonly ResolvedTarget[]): number {
  const first = targets[0];
  if (!first) return 0;
  return countSelectorValues(
    advancedEventSelectors(
      partitionOf(first.region),
      targets.map((t) => ({ bucket: t.bucket, prefix: t.prefix, readerArnPrefixes: t.trail.readerArnPrefixes })),
    ),
  );
}

export function checkTrailBudget(
  targets: readonly ResolvedTarget[],
  shared: readonly SharedTrailGroup[],
  problems: string[],
): void {
  const count = new Map<string, number>();
  const bump = (key: string) => count.set(key, (count.get(key) ?? 0) + 1);
  for (const t of targets)
    if (t.trail.mode === "dedicated" && t.region && usesCloudTrail(t)) bump(trailHome(t.region, t.assumeRole));
  for (const g of shared) {
    bump(trailHome(g.region, g.assumeRole));
    const values = selectorValueCount(g.targets);
    if (values > MAX_SELECTOR_VALUES_PER_TRAIL)
      problems.push(
        `targets: the shared ${g.region} trail would need ${values} advanced event selector values; CloudTrail allows ${MAX_SELECTOR_VALUES_PER_TRAIL} per trail (use fewer, broader prefixes)`,
      );
  }
  for (const [key, n] of count) {
    if (n <= MAX_TRAILS_PER_REGION) continue;
    const { region, account } = splitTrailHome(key);
    problems.push(
      `targets: this configuration creates ${n} trails in ${region}${account === "default" ? "" : ` for account ${account}`}; CloudTrail allows at most ${MAX_TRAILS_PER_REGION} per region (set defaults.trail.mode to "shared" for one trail per region, or "existing")`,
    );
  }
}
