// Turns one stack's plan (`terraform show -json plan.tfplan`) into the Markdown a pull request comment
// shows: counts per action, every resource that changes, and a warning for anything destroyed or replaced.
// The first line is a hidden marker, so CI can update its comment for the stack instead of adding one.
// Usage: node scripts/plan-summary.mjs <stack> <plan.json>   (Markdown on stdout)
import { readFileSync } from "node:fs";

const ACTION_LABELS = {
  create: "create",
  update: "update in place",
  replace: "replace",
  delete: "destroy",
  read: "read",
  "no-op": "no change",
};

/** Terraform's action list for a change, as one word: replace is ["delete","create"] in either order. */
export function actionOf(actions) {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  return actions[0] ?? "no-op";
}

export function marker(stack) {
  return `<!-- glacier-restore-plan:${stack} -->`;
}

/** Markdown for one stack's plan JSON. */
export function summarize(stack, plan) {
  if (plan.format_version === undefined || !Array.isArray(plan.resource_changes ?? []))
    throw new Error("not the output of `terraform show -json <planfile>`");
  const changes = (plan.resource_changes ?? [])
    .filter((rc) => rc.mode === "managed")
    .map((rc) => ({ address: rc.address, type: rc.type, action: actionOf(rc.change.actions) }))
    .filter((c) => c.action !== "no-op" && c.action !== "read");
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) counts[c.action] = (counts[c.action] ?? 0) + 1;
  const lines = [marker(stack), `### Terraform plan: \`${stack}\``, ""];
  if (changes.length === 0) {
    lines.push("No changes. The infrastructure matches the configuration.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `**${counts.create} to create, ${counts.update} to update in place, ${counts.replace} to replace, ${counts.delete} to destroy.**`,
  );
  const destructive = changes.filter((c) => c.action === "delete" || c.action === "replace");
  if (destructive.length > 0) {
    lines.push("");
    lines.push(`> [!WARNING]`);
    lines.push(`> ${destructive.length} resource(s) will be destroyed or replaced:`);
    for (const c of destructive) lines.push(`> - \`${c.address}\` (${ACTION_LABELS[c.action]})`);
  }
  lines.push("", "<details><summary>Every change</summary>", "", "| action | resource | type |", "| --- | --- | --- |");
  const order = ["delete", "replace", "update", "create"];
  for (const c of [...changes].sort(
    (a, b) => order.indexOf(a.action) - order.indexOf(b.action) || a.address.localeCompare(b.address),
  ))
    lines.push(`| ${ACTION_LABELS[c.action]} | \`${c.address}\` | ${c.type} |`);
  lines.push("", "</details>");
  return `${lines.join("\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [stack, file] = process.argv.slice(2);
  if (!stack || !file) {
    process.stderr.write("usage: node scripts/plan-summary.mjs <stack> <plan.json>\n");
    process.exit(2);
  }
  try {
    process.stdout.write(summarize(stack, JSON.parse(readFileSync(file, "utf8"))));
  } catch (err) {
    process.stderr.write(`plan-summary: ${file}: ${err.message}\n`);
    process.exit(1);
  }
}
