/**
 * How `npm run check:cdktn` compares cdktf's and CDK Terrain's output (the check itself installs CDK
 * Terrain in a scratch copy and runs in .ci/run after the suite): only the toolchain's own version and
 * bookkeeping may differ; any change to what Terraform reads is a difference.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { callScript } from "../testing/scripts";

function outputDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gr-cdktn-test-"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const stack = (version: string, requiredVersion = ">= 1.11") => ({
  "//": { metadata: { version, stackName: "t", backend: "s3" }, outputs: {} },
  terraform: { required_version: requiredVersion },
  resource: { aws_sqs_queue: { q: { name: "glacier-restore-t-dlq" } } },
});
const manifest = (version: string, extra: object) => ({
  version,
  stacks: { t: { name: "t", dependencies: [], ...extra } },
});

describe("check-cdktn's comparison", () => {
  const differences = (a: string, b: string) => callScript("check-cdktn.mjs", "differences", a, b) as string[];

  it("ignores the toolchain version and the manifest's empty lists", () => {
    const cdktf = outputDir({ "manifest.json": manifest("0.21.0", {}), "stacks/t/cdk.tf.json": stack("0.21.0") });
    const cdktn = outputDir({
      "manifest.json": manifest("0.24.0", { stackDependencies: [] }),
      "stacks/t/cdk.tf.json": stack("0.24.0"),
    });
    expect(differences(cdktf, cdktn)).toEqual([]);
  });

  it("reports any change Terraform would see, and files only one side wrote", () => {
    const cdktf = outputDir({ "stacks/t/cdk.tf.json": stack("0.21.0"), "stacks/t/assets/a.zip": "zip-1" });
    const cdktn = outputDir({
      "stacks/t/cdk.tf.json": stack("0.24.0", ">= 0.0.1"),
      "stacks/t/assets/b.zip": "zip-1",
    });
    expect(differences(cdktf, cdktn).sort()).toEqual([
      "differs: stacks/t/cdk.tf.json",
      "only with cdktf: stacks/t/assets/a.zip",
      "only with cdktn: stacks/t/assets/b.zip",
    ]);
  });
});
