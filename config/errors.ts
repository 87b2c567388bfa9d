/** How configuration problems are reported: one error listing them all, each naming its field. */
import type { z } from "zod";
import { GlacierRestoreError } from "../core/errors";

/** Every problem found in a configuration, each as `field.path: what is wrong; what is allowed`. */
export class ConfigError extends GlacierRestoreError {
  constructor(readonly problems: readonly string[]) {
    super(
      "configuration",
      `invalid glacier-restore configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path) || "(config)";
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `${at}: is required (expected ${issue.expected})`;
      return `${at}: ${issue.message}`;
    case "unrecognized_keys":
      return `${at}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (see the "help" file for the allowed keys)`;
    default:
      return `${at}: ${issue.message}`;
  }
}

/**
 * Every string in the configuration that holds `${` or `%{`: Terraform reads those as the start of an
 * expression or directive in any string of the generated JSON (and IAM reads `${` in a policy as a
 * variable), so such a value would change the generated Terraform instead of being used as written.
 */
export function templateSequenceProblems(raw: unknown, path: PropertyKey[] = []): string[] {
  if (typeof raw === "string")
    return /[$%]\{/.test(raw)
      ? [
          `${formatPath(path) || "(config)"}: must not contain "\${" or "%{" (Terraform would read it as an expression, not as text); found in ${JSON.stringify(raw)}`,
        ]
      : [];
  if (Array.isArray(raw)) return raw.flatMap((v, i) => templateSequenceProblems(v, [...path, i]));
  if (raw !== null && typeof raw === "object")
    return Object.entries(raw).flatMap(([k, v]) => [
      ...templateSequenceProblems(k, [...path, `${k}(key)`]).slice(0, 1),
      ...templateSequenceProblems(v, [...path, k]),
    ]);
  return [];
}
