/**
 * `npm run policy -- operator [--target NAME]` and `npm run policy -- deployer`: prints the least-privilege
 * IAM policy JSON of the operator command and of the deployer (docs/permissions.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { loadConfig } from "../config/load";
import type { ResolvedConfig } from "../config/types";
import { endOnError, GlacierRestoreError } from "../core/errors";
import { addStacks } from "../stacks/app";
import { loadHandlerArtifact } from "../stacks/artifact";
import { deployerPolicy } from "./deployer";
import type { IamPolicy } from "./iam";
import { operatorPolicy } from "./operator";

export const HELP = `Usage: npm run policy -- operator [--target NAME] | deployer

Prints an IAM policy (JSON) for the configured stacks (cdktf.json or GLACIER_RESTORE_CONFIG):
  operator   what glacier-restore status, stage (direct and batch), wait, check and redrive call,
             on the configured targets' buckets, prefixes, queues, functions and batch roles;
             --target NAME limits it to one target.
  deployer   what terraform apply and destroy of the synthesized stacks need: the state bucket and lock,
             and the actions of every resource type the stacks contain, scoped by the glacier-restore- prefix.
See docs/permissions.md. Exit status: 0 printed, 1 bad configuration, 2 bad usage.
`;

/** The Terraform resource types (and `data.` types) of every stack the configuration synthesizes. */
export function synthesizedTypes(config: ResolvedConfig): string[] {
  const outdir = mkdtempSync(path.join(tmpdir(), "gr-policy-"));
  try {
    const app = new App({ outdir });
    addStacks(app, config, loadHandlerArtifact());
    const types = new Set<string>();
    for (const child of app.node.children) {
      if (!(child instanceof TerraformStack)) continue;
      const json = child.toTerraform() as { resource?: object; data?: object };
      for (const t of Object.keys(json.resource ?? {})) types.add(t);
      for (const t of Object.keys(json.data ?? {})) types.add(`data.${t}`);
    }
    return [...types].sort();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The policy a command line asks for; bad usage is a GlacierRestoreError("usage"). */
export function policyFor(argv: readonly string[], config: () => ResolvedConfig): IamPolicy {
  const [role, ...rest] = argv;
  if (role === "operator") {
    if (rest.length === 0) return operatorPolicy(config());
    if (rest[0] === "--target" && rest[1] && rest.length === 2) return operatorPolicy(config(), rest[1]);
    throw new GlacierRestoreError("usage", `operator: takes only --target NAME; got ${rest.join(" ")}`);
  }
  if (role === "deployer") {
    if (rest.length > 0) throw new GlacierRestoreError("usage", `deployer: takes no options; got ${rest.join(" ")}`);
    const c = config();
    return deployerPolicy(c, synthesizedTypes(c));
  }
  throw new GlacierRestoreError(
    "usage",
    `${role === undefined ? "a role is needed" : `unknown role ${JSON.stringify(role)}`}: operator or deployer (npm run policy -- --help)`,
  );
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  void endOnError(() => {
    if (argv.includes("--help") || argv.includes("-h")) return void process.stdout.write(HELP);
    const policy = policyFor(argv, () => loadConfig(process.cwd(), process.env));
    process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  }, process);
}
