import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { resolveConfig } from "../../config/resolve";
import { synthSummary, widenedPolicyLines } from "../../stacks/synth-output";
import { exampleConfig } from "../../testing/config";
import { proofConfigurations } from "../../testing/configurations";

describe("synth summary for prefixes IAM policies cannot hold as written", () => {
  it("names each such target, its prefix and the wider pattern its policies grant", () => {
    const config = resolveConfig(proofConfigurations().unicode);
    expect(widenedPolicyLines(config)).toEqual([
      'target japanese: prefix "データ/ü/" is written in IAM policies as "???/ü/*" ("?" matches any one character; docs/operations.md, "Keys outside Latin-1")',
      'target emoji: prefix "runs/🧬 seq/" is written in IAM policies as "runs/? seq/*" or "runs/?? seq/*" ("?" matches any one character; docs/operations.md, "Keys outside Latin-1")',
    ]);
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), "gr-summary-")) });
    expect(synthSummary(app, config)).toContain(
      'target japanese: prefix "データ/ü/" is written in IAM policies as "???/ü/*"',
    );
  });

  it("says so for IAM's own wildcards in a prefix too", () => {
    const c = exampleConfig();
    c.targets[0].prefix = "run*/";
    expect(widenedPolicyLines(resolveConfig(c))).toEqual([
      expect.stringMatching(/^target genomics-raw: prefix "run\*\/" is written in IAM policies as "run\?\/\*"/),
    ]);
  });

  it("prints nothing for Latin-1, spaces and ASCII prefixes", () => {
    expect(widenedPolicyLines(resolveConfig(exampleConfig()))).toEqual([]);
  });
});
