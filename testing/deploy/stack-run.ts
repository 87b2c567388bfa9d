import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraform as runTerraform } from "../terraform";
import { allowDestroyOverride, motoOverride } from "./override";

/** One synthesized stack copied to its own working directory, pointed at moto. */
export interface StackWork {
  readonly name: string;
  readonly dir: string;
  /** The synthesized `cdk.tf.json`, as applied. */
  readonly stack: Record<string, any>;
}

/** A change the second plan proposes, with the attributes it would change. */
export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: string[];
  readonly attributes: string[];
}

const TF = ["-no-color", "-input=false"];

/** terraform in a stack's directory; a failure names the stack and keeps only terraform's error blocks. */
async function terraform(work: StackWork, args: string[]) {
  try {
    return await runTerraform(work.dir, args);
  } catch (err) {
    const message = (err as Error).message;
    const errors = message.slice(Math.max(0, message.indexOf("Error:")));
    throw new Error(`${work.name}: terraform ${args[0]} failed (${work.dir}):\n${errors.slice(0, 4000)}`);
  }
}
const seconds = (start: number) => (Date.now() - start) / 1000;

/** Copies stack `name` out of a synth directory and writes its moto override beside it. */
export function prepareStack(synthDir: string, workRoot: string, name: string, endpoint: string): StackWork {
  const dir = path.join(workRoot, name);
  cpSync(path.join(synthDir, "stacks", name), dir, { recursive: true });
  const stack = JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const override = motoOverride(stack, endpoint, path.join(dir, "terraform.tfstate"));
  writeFileSync(path.join(dir, "moto_override.tf.json"), JSON.stringify(override, null, 2));
  return { name, dir, stack };
}

/** init + apply; the number of resources in state and the seconds it took. */
export async function applyStack(work: StackWork): Promise<{ resources: number; seconds: number }> {
  const start = Date.now();
  await terraform(work, ["init", ...TF]);
  await terraform(work, ["apply", "-auto-approve", ...TF]);
  const list = (await terraform(work, ["state", "list"])).stdout.split("\n");
  return { resources: list.filter((a) => a.trim() !== "" && !a.startsWith("data.")).length, seconds: seconds(start) };
}

/** The applied state as `terraform show -json` prints it. */
export async function showState(work: StackWork): Promise<any> {
  return JSON.parse((await terraform(work, ["show", "-json"])).stdout);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Attributes an update would change: different before/after, or unknown until apply. */
function changedAttributes(change: { before?: any; after?: any; after_unknown?: any }): string[] {
  const keys = new Set([...Object.keys(change.before ?? {}), ...Object.keys(change.after ?? {})]);
  for (const key of Object.keys(change.after_unknown ?? {})) keys.add(key);
  return [...keys]
    .filter((k) => !same(change.before?.[k], change.after?.[k]) || change.after_unknown?.[k] === true)
    .sort();
}

/** Plans again after apply and lists every change it proposes (resources and outputs). */
export async function planAgain(work: StackWork): Promise<PlannedChange[]> {
  await terraform(work, ["plan", "-out=again.tfplan", ...TF]);
  const plan = JSON.parse((await terraform(work, ["show", "-json", "again.tfplan"])).stdout);
  const changes: PlannedChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions: string[] = rc.change.actions;
    if (same(actions, ["no-op"]) || same(actions, ["read"])) continue;
    changes.push({ address: rc.address, type: rc.type, actions, attributes: changedAttributes(rc.change) });
  }
  for (const [name, oc] of Object.entries<any>(plan.output_changes ?? {}))
    if (!same(oc.actions, ["no-op"]))
      changes.push({ address: `output.${name}`, type: "output", actions: oc.actions, attributes: [] });
  return changes;
}

/** Destroys a stack; with `allowDestroy`, first lifts prevent_destroy through a second override file. */
export async function destroyStack(work: StackWork, options: { allowDestroy?: boolean } = {}): Promise<number> {
  const start = Date.now();
  const lift = options.allowDestroy ? allowDestroyOverride(work.stack) : undefined;
  const liftFile = path.join(work.dir, "allow_destroy_override.tf.json");
  if (lift) writeFileSync(liftFile, JSON.stringify(lift, null, 2));
  try {
    await terraform(work, ["destroy", "-auto-approve", ...TF]);
  } finally {
    if (lift) rmSync(liftFile);
  }
  return seconds(start);
}
