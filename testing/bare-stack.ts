import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { stateBackendSchema } from "../config/schema";
import { Foundation } from "../stacks/constructs/foundation";
import { GlacierRestoreStack } from "../stacks/stack";
import type { Synth } from "./synth";

/**
 * Synthesizes constructs on a bare stack: only a Foundation (the account, partition and region the
 * constructs look up with `Foundation.of`) in `region`, then what `build` adds. Like cdktf's
 * `Testing.synthScope`, but the stack is a GlacierRestoreStack, which the Foundation needs.
 */
export function synthBare(build: (scope: Construct) => void, region = "us-east-1"): Synth {
  const stack = new GlacierRestoreStack(Testing.app(), "bare");
  new Foundation(stack, "foundation", {
    stackName: "bare",
    region,
    stateBackend: stateBackendSchema.parse({ bucket: "acme-tf-state", region: "us-east-1" }),
    tags: {},
  });
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Synth;
}
