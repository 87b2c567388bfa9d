import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where the local provider mirror is (set by `npm test` / .ci/run through scripts/find-tf-mirror.sh). */
export const pluginDir = process.env.TF_PLUGIN_DIR;

export function terraformAvailable(): { ok: boolean; why?: string } {
  if (!pluginDir || !existsSync(path.join(pluginDir, "registry.terraform.io", "hashicorp", "aws")))
    return {
      ok: false,
      why: `TF_PLUGIN_DIR (${pluginDir ?? "unset"}) does not hold registry.terraform.io/hashicorp/aws`,
    };
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore", env: terraformEnv() });
  } catch {
    return { ok: false, why: "no terraform CLI on PATH" };
  }
  return { ok: true };
}

/** A terraform CLI config that installs providers only from a local mirror (symlinked, not copied). */
export function mirrorCliConfig(mirror: string): string {
  return `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`;
}

let cliConfig: string | undefined;

/** Environment for terraform: offline, providers only from the local mirror (symlinked, not copied). */
export function terraformEnv(): NodeJS.ProcessEnv {
  if (!cliConfig && pluginDir) {
    cliConfig = path.join(mkdtempSync(path.join(tmpdir(), "gr-tfrc-")), "terraformrc");
    writeFileSync(cliConfig, mirrorCliConfig(pluginDir));
  }
  return {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_CLI_CONFIG_FILE: cliConfig ?? "",
    TF_INPUT: "0",
  };
}

export async function terraform(cwd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run("terraform", args, { cwd, env: terraformEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`terraform ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`);
  }
}

/**
 * A plan against a mock AWS provider: every resource and data source is evaluated by Terraform without
 * credentials or network. Fixed account ID and policy JSON keep the plan close to a real one.
 */
export const OFFLINE_PLAN_TEST = `mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}" }
  }
}

run "offline_plan" {
  command = plan
}
`;
