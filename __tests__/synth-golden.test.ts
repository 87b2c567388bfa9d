/**
 * The synthesized output of every proof configuration, byte for byte, against the recorded hashes in
 * testing/fixtures/synth-golden.json: a refactoring must not change what users apply (a renamed
 * construct ID would move a Terraform address and recreate a resource in every account). When a change
 * is meant to change the output, record it anew and review the diff of the fixture:
 *   GLACIER_RESTORE_UPDATE_GOLDEN=1 npx jest __tests__/synth-golden.test.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { synthesizedHashes } from "../testing/golden";

const fixture = path.join(__dirname, "..", "testing", "fixtures", "synth-golden.json");

describe("synthesized output", () => {
  it("is byte-identical to the recorded output of every proof configuration", () => {
    const now = synthesizedHashes();
    if (process.env.GLACIER_RESTORE_UPDATE_GOLDEN === "1") writeFileSync(fixture, `${JSON.stringify(now, null, 2)}\n`);
    const recorded = JSON.parse(readFileSync(fixture, "utf8")) as typeof now;
    const changed = Object.keys({ ...recorded, ...now }).flatMap((config) =>
      Object.keys({ ...recorded[config], ...now[config] })
        .filter((file) => recorded[config]?.[file] !== now[config]?.[file])
        .map((file) => `${config}/${file}`),
    );
    expect(changed).toEqual([]);
  }, 60_000);
});
