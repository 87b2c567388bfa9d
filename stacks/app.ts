import type { App } from "cdktf";
import type { ResolvedConfig } from "../config/resolve";
import { alarmRouting } from "./alarm-routing";
import { loadHandlerArtifact, ROUTER_ZIP, type HandlerArtifact } from "./artifact";
import { StateBootstrapStack } from "./bootstrap-stack";
import { BucketNotificationsStack } from "./bucket-notifications-stack";
import { LogTriggerStack } from "./log-trigger-stack";
import { SharedTrailStack } from "./shared-trail-stack";
import { TargetStack } from "./target-stack";

/**
 * Adds the state bootstrap stack (when asked for), the shared trail stacks, one stack per target, then
 * one stack per bucket whose notification configuration this project owns (after the topics it names), and
 * one stack per reader log group feeding targets (after those targets).
 */
export function addStacks(
  app: App,
  config: ResolvedConfig,
  artifact: HandlerArtifact,
  routerArtifact?: HandlerArtifact,
): void {
  if (config.stateBackend.bootstrap)
    new StateBootstrapStack(app, { stateBackend: config.stateBackend, tags: config.defaultTags });
  const trailStackOf = new Map<string, SharedTrailStack>();
  for (const group of config.sharedTrails) {
    const trailStack = new SharedTrailStack(app, { group, stateBackend: config.stateBackend });
    for (const t of group.targets) trailStackOf.set(t.name, trailStack);
  }
  const ownerOf = new Map(config.bucketNotificationOwners.map((o) => [o.bucket, o.stackName]));
  const routing = alarmRouting(config);
  const targetStacks = new Map<string, TargetStack>();
  for (const target of config.targets) {
    const shared = trailStackOf.get(target.name);
    const owner = ownerOf.get(target.bucket);
    const stack = new TargetStack(app, {
      target,
      stateBackend: config.stateBackend,
      artifact,
      ...(shared ? { sharedTrailStack: shared.node.id } : {}),
      ...(owner ? { bucketNotificationsStack: owner } : {}),
      routerAlarmNames: routing.routerAlarmNames.get(target.name) ?? [],
    });
    // Deployed after its trail, so no failed read goes unlogged once the function exists.
    if (shared) stack.addDependency(shared);
    targetStacks.set(target.name, stack);
  }
  for (const owner of config.bucketNotificationOwners) {
    const stack = new BucketNotificationsStack(app, { owner, stateBackend: config.stateBackend });
    // S3 checks that it may publish to each topic when the configuration is written.
    for (const t of owner.topicTargets) stack.addDependency(targetStacks.get(t.name)!);
  }
  if (config.logTriggers.length === 0) return;
  const router = routerArtifact ?? loadHandlerArtifact(ROUTER_ZIP);
  for (const group of config.logTriggers) {
    const stack = new LogTriggerStack(app, {
      group,
      stateBackend: config.stateBackend,
      artifact: router,
      alarmDestinations: routing.logTriggerDestinations.get(group.stackName) ?? [],
    });
    // The router may invoke only functions that exist: the targets are applied first.
    for (const r of group.routes) stack.addDependency(targetStacks.get(r.target)!);
  }
}
