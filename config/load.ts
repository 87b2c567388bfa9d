import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseJson } from "../core/json";
import { CONFIG_ENV_VAR } from "./config-env-var";
import { ConfigError, resolveConfig, type ResolvedConfig } from "./resolve";

export { CONFIG_ENV_VAR };

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  try {
    return parseJson(text);
  } catch (err) {
    throw new ConfigError([`${what}: ${file} is not valid JSON at ${(err as Error).message}`]);
  }
}

/**
 * Reads the raw configuration: the file named by GLACIER_RESTORE_CONFIG when set, otherwise
 * `context.glacierRestore` of cdktf.json in the project directory.
 */
export function readRawConfig(projectDir: string, env: NodeJS.ProcessEnv): unknown {
  const fromEnv = env[CONFIG_ENV_VAR];
  if (fromEnv) return readJson(path.resolve(projectDir, fromEnv), CONFIG_ENV_VAR);
  const cdktfJson = readJson(path.join(projectDir, "cdktf.json"), "cdktf.json") as {
    context?: { glacierRestore?: unknown };
  };
  const raw = cdktfJson.context?.glacierRestore;
  if (raw === undefined)
    throw new ConfigError([
      `cdktf.json: context.glacierRestore is missing (or set ${CONFIG_ENV_VAR} to a config file)`,
    ]);
  return raw;
}

/** Reads and validates the configuration; throws ConfigError naming every problem. */
export function loadConfig(projectDir: string, env: NodeJS.ProcessEnv): ResolvedConfig {
  return resolveConfig(readRawConfig(projectDir, env));
}
