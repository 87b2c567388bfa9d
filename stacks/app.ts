import type { App } from "cdktf";
import type { ResolvedConfig } from "../config/resolve";
import type { HandlerArtifact } from "./artifact";
import { StateBootstrapStack } from "./bootstrap-stack";
import { SharedTrailStack } from "./shared-trail-stack";
import { TargetStack } from "./target-stack";

/** Adds the state bootstrap stack (when asked for), the shared trail stacks, then one stack per target. */
export function addStacks(app: App, config: ResolvedConfig, artifact: HandlerArtifact): void {
  if (config.stateBackend.bootstrap)
    new StateBootstrapStack(app, { stateBackend: config.stateBackend, tags: config.defaultTags });
  const trailStackOf = new Map<string, string>();
  for (const group of config.sharedTrails) {
    new SharedTrailStack(app, { group, stateBackend: config.stateBackend });
    for (const t of group.targets) trailStackOf.set(t.name, group.stackName);
  }
  for (const target of config.targets) {
    const shared = trailStackOf.get(target.name);
    new TargetStack(app, {
      target,
      stateBackend: config.stateBackend,
      artifact,
      ...(shared ? { sharedTrailStack: shared } : {}),
    });
  }
}
