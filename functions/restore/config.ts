/**
 * Runtime settings of the restore function, read once per container from its environment. The contract
 * (what the stack writes, what is read back) lives in core/function-env.ts, beside its encoder.
 */
import { decodeRestoreEnv, type FunctionEnv, type RestoreFunctionConfig } from "../../core/function-env";

export { HandlerConfigError } from "../../core/function-env";
export { TIERS, type Tier } from "../../core/restore-rules";

export type HandlerConfig = RestoreFunctionConfig;

/** Parses the function's environment; throws HandlerConfigError naming the variable at fault. */
export function configFromEnv(env: FunctionEnv): HandlerConfig {
  return decodeRestoreEnv(env);
}
