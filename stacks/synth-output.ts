import { rmSync } from "node:fs";
import * as path from "node:path";
import { TerraformStack, type App } from "cdktf";
import type { ResolvedConfig } from "../config/resolve";
import { isWidenedInPolicy, startsWithPatterns } from "../core/policy-text";

/** The two files a stack directory can hold; Terraform loads both, so only one may be there. */
const STACK_FILES = { json: "cdk.tf.json", hcl: "cdk.tf" } as const;

function stackNames(app: App): string[] {
  return app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
}

/**
 * Removes the form this synthesis did not write from every stack directory: after `npm run synth` and
 * then `npm run synth:hcl` (or the reverse) a directory would hold `cdk.tf.json` and `cdk.tf`, and
 * `terraform init` fails on the duplicate configuration.
 */
export function removeOtherStackForm(app: App): string[] {
  const other = app.hclOutput ? STACK_FILES.json : STACK_FILES.hcl;
  const removed: string[] = [];
  for (const name of stackNames(app)) {
    const file = path.join(app.outdir, "stacks", name, other);
    try {
      rmSync(file);
      removed.push(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return removed;
}

/** Buckets whose completed/expired notifications need EventBridge delivery that this project does not turn on. */
export function bucketsNeedingEventBridge(config: ResolvedConfig): string[] {
  const owned = new Set(config.bucketNotificationOwners.map((o) => o.bucket));
  return [
    ...new Set(
      config.targets
        .filter((t) => {
          const n = t.notifications;
          return n && n.completedVia === "eventbridge" && (n.completed || n.expired) && !owned.has(t.bucket);
        })
        .map((t) => t.bucket),
    ),
  ].sort();
}

/**
 * One line per target whose prefix its IAM policies cannot hold as written (core/policy-text.ts): the
 * prefix, and the wider pattern the policies grant instead. Everything else keeps the prefix as written.
 */
export function widenedPolicyLines(config: ResolvedConfig): string[] {
  return config.targets
    .filter((t) => isWidenedInPolicy(t.prefix))
    .map(
      (t) =>
        `target ${t.name}: prefix ${JSON.stringify(t.prefix)} is written in IAM policies as ${startsWithPatterns(
          t.prefix,
        )
          .map((p) => JSON.stringify(p))
          .join(" or ")} ("?" matches any one character; docs/operations.md, "Keys outside Latin-1")`,
    );
}

/** What a synthesis wrote, and what to do next: printed by the app after every synth. */
export function synthSummary(app: App, config: ResolvedConfig): string {
  const stacks = stackNames(app);
  const dir = path.relative(process.cwd(), path.join(app.outdir, "stacks")) || ".";
  const form = app.hclOutput ? STACK_FILES.hcl : STACK_FILES.json;
  const lines = [
    `glacier-restore: wrote ${stacks.length} stack${stacks.length === 1 ? "" : "s"} (${form}) to ${dir}/: ${stacks.join(", ")}`,
    `next: node scripts/stack-order.mjs (apply order), then terraform -chdir=${dir}/<stack> init && terraform -chdir=${dir}/<stack> plan`,
    ...bucketsNeedingEventBridge(config).map(
      (b) =>
        `bucket ${b}: restore completed/expired notifications need its EventBridge delivery turned on once, keeping its other notifications (docs/notifications.md)`,
    ),
    ...widenedPolicyLines(config),
  ];
  return `${lines.join("\n")}\n`;
}
