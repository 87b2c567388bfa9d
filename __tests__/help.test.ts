import { readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const help = readFileSync(path.join(root, "help"), "utf8");
const schema = JSON.parse(readFileSync(path.join(root, "config", "config.schema.json"), "utf8"));

/** Every configuration key path the JSON Schema allows, written as the help file writes them. */
function keyPaths(node: any, prefix: string): string[] {
  if (node?.type === "array" && node.items) return keyPaths(node.items, `${prefix}[]`);
  if (node?.type === "object" && node.properties && !("additionalProperties" in node && node.propertyNames))
    return Object.entries(node.properties).flatMap(([key, child]: [string, any]) => {
      const here = prefix ? `${prefix}.${key}` : key;
      const nested = keyPaths(child, here);
      return nested.length > 0 ? [here, ...nested] : [here];
    });
  if (node?.additionalProperties?.properties) return keyPaths(node.additionalProperties, `${prefix}.<bucket>`);
  return [];
}

describe("help", () => {
  // Objects with free-form keys (tags) and `defaults` (documented as "any target key") are not listed.
  const documented = keyPaths(schema, "").filter(
    (p) => !p.startsWith("defaults") && !p.startsWith("$schema") && !/\.tags\./.test(p) && !/assumeRole\./.test(p),
  );

  it("covers a real list of keys", () => {
    expect(documented).toEqual(
      expect.arrayContaining(["targets[].notifications.completedVia", "buckets.<bucket>.notificationConfiguration"]),
    );
    expect(documented.length).toBeGreaterThan(40);
  });

  it.each(documented)("documents %s", (key) => {
    expect(help).toContain(key);
  });
});
