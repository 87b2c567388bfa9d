import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, Testing, type TerraformStack } from "cdktf";
import { resolveConfig, type ResolvedConfig } from "../config/resolve";
import { loadHandlerArtifact } from "../stacks/artifact";
import { addStacks } from "../stacks/app";

/** Synthesized Terraform JSON of one stack. */
export interface Synth {
  resource: Record<string, Record<string, any>>;
  data: Record<string, Record<string, any>>;
  output: Record<string, any>;
  terraform: Record<string, any>;
  provider: Record<string, any>;
}

/** Synthesizes every stack of a configuration in memory, keyed by stack name. */
export function synthConfig(raw: unknown): { config: ResolvedConfig; stacks: Record<string, Synth> } {
  const config = resolveConfig(raw);
  const app = Testing.app();
  addStacks(app, config, loadHandlerArtifact());
  const stacks: Record<string, Synth> = {};
  for (const child of app.node.children) {
    const stack = child as TerraformStack;
    stacks[stack.node.id] = JSON.parse(Testing.synth(stack)) as Synth;
  }
  return { config, stacks };
}

/** The only resource of a type in a stack (fails when there is not exactly one). */
export function single(synth: Synth, type: string): any {
  const all = Object.values(synth.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export function all(synth: Synth, type: string): any[] {
  return Object.values(synth.resource[type] ?? {});
}

export interface PolicyStatement {
  sid?: string;
  effect: string;
  actions: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** Resolves `${data.aws_iam_policy_document.X.json}` to the statements of that document. */
export function statementsOf(synth: Synth, reference: string): PolicyStatement[] {
  const match = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference);
  if (!match) throw new Error(`not a policy document reference: ${reference}`);
  const doc = synth.data.aws_iam_policy_document?.[match[1]!];
  if (!doc) throw new Error(`no policy document ${match[1]}`);
  return doc.statement as PolicyStatement[];
}

/** `${aws_x.name.attr}` for a resource, as Terraform JSON references it. */
export function ref(synth: Synth, type: string, resource: any, attr: string): string {
  const entry = Object.entries(synth.resource[type] ?? {}).find(([, v]) => v === resource);
  if (!entry) throw new Error(`resource not in ${type}`);
  return `\${${type}.${entry[0]}.${attr}}`;
}

/** Synthesizes a configuration to a fresh directory as `cdktf synth` does; returns it and its stack names. */
export function synthToDisk(raw: unknown, options: { hcl?: boolean } = {}): { outdir: string; stacks: string[] } {
  const outdir = mkdtempSync(path.join(tmpdir(), "gr-synth-"));
  // `cdktf synth --hcl` asks for HCL through SYNTH_HCL_OUTPUT, which the App and each stack read as they
  // are built: set it for exactly that long.
  const previous = process.env.SYNTH_HCL_OUTPUT;
  if (options.hcl) process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app = new App({ outdir });
    addStacks(app, resolveConfig(raw), loadHandlerArtifact());
    app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  return { outdir, stacks: readdirSync(path.join(outdir, "stacks")) };
}

/** The only resource of a type that satisfies a predicate (fails when there is not exactly one). */
export function only(synth: Synth, type: string, what: string, predicate: (resource: any) => boolean): any {
  const found = all(synth, type).filter(predicate);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0];
}

/** A target's restore function (the stack may also hold the digest function). */
export function restoreFunction(synth: Synth): any {
  return only(synth, "aws_lambda_function", "restore function", (f) => f.handler === "index.handler");
}

/** A target's dead-letter queue (the stack may also hold a digest queue). */
export function deadLetterQueue(synth: Synth): any {
  return only(synth, "aws_sqs_queue", "dead-letter queue", (q) => String(q.name).endsWith("-dlq"));
}

/** The policy of a target's dead-letter queue. */
export function deadLetterQueuePolicy(synth: Synth): any {
  const queue = deadLetterQueue(synth);
  return only(
    synth,
    "aws_sqs_queue_policy",
    "dead-letter queue policy",
    (p) => p.queue_url === ref(synth, "aws_sqs_queue", queue, "url"),
  );
}

/** A target's restore rule: the rule matching CloudTrail API calls (the stack may also hold notification rules). */
export function restoreRule(synth: Synth): any {
  const rules = all(synth, "aws_cloudwatch_event_rule").filter(
    (r) => r.event_pattern && JSON.parse(r.event_pattern)["detail-type"][0] === "AWS API Call via CloudTrail",
  );
  if (rules.length !== 1) throw new Error(`expected one restore rule, found ${rules.length}`);
  return rules[0];
}
