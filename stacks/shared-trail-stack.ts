import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { GlacierRestoreStack } from "./stack";
import type { ResolvedConfig, SharedTrailGroup } from "../config/resolve";
import { Foundation, placedFoundation } from "./constructs/foundation";
import { RestoreTrail, trailScopeOf } from "./constructs/restore-trail";
import { targetNames } from "./names";

export interface SharedTrailStackProps {
  readonly group: SharedTrailGroup;
  readonly stateBackend: ResolvedConfig["stateBackend"];
}

/** One trail per region (and account) whose selectors cover every `shared`-mode target there. */
export class SharedTrailStack extends GlacierRestoreStack {
  constructor(scope: Construct, props: SharedTrailStackProps) {
    const g = props.group;
    super(scope, g.stackName);
    new Foundation(this, "foundation", placedFoundation(g, props.stateBackend));
    const trail = new RestoreTrail(this, "trail", {
      trail: g.trail,
      names: targetNames(g.stackName),
      scopes: g.targets.map(trailScopeOf),
    });
    new TerraformOutput(this, "trail_arn", {
      value: trail.trail.arn,
      description: "CloudTrail trail logging the GetObject data events of every target it serves",
    });
    new TerraformOutput(this, "trail_log_bucket", {
      value: trail.logBucket.bucket,
      description: "S3 bucket receiving the shared trail's log files",
    });
    new TerraformOutput(this, "targets", {
      value: g.targets.map((t) => t.name),
      description: "Names of the targets whose reads this trail logs",
    });
  }
}
