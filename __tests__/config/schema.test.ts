import { readFileSync } from "node:fs";
import * as path from "node:path";
import { configJsonSchema } from "../../config/json-schema";

describe("published JSON Schema", () => {
  it("matches the zod schema (run `npm run schema` after changing it)", () => {
    const published = JSON.parse(readFileSync(path.join(__dirname, "../../config/config.schema.json"), "utf8"));
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it("describes the documented keys and enums", () => {
    const schema = configJsonSchema() as any;
    expect(schema.required).toEqual(expect.arrayContaining(["stateBackend", "targets"]));
    const target = schema.properties.targets.items;
    expect(target.required).toEqual(expect.arrayContaining(["name", "bucket"]));
    expect(target.properties.restoreTier.enum).toEqual(["Expedited", "Standard", "Bulk"]);
    expect(target.additionalProperties).toBe(false);
  });
});
