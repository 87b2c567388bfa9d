/**
 * The environment variable naming a JSON config file that replaces cdktf.json's `context.glacierRestore`.
 * On its own so the operator command can pass --config on without loading the configuration schema (zod).
 */
export const CONFIG_ENV_VAR = "GLACIER_RESTORE_CONFIG";
