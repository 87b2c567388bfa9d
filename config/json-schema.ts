import { z } from "zod";
import { configSchema } from "./schema";

/** The JSON Schema editors use to check `context.glacierRestore` / GLACIER_RESTORE_CONFIG files. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://glacier-restore.invalid/config.schema.json",
    title: "glacier-restore configuration",
  };
}
