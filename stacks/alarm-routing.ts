import type { ResolvedConfig, ResolvedTarget } from "../config/resolve";
import { ConfigError } from "../config/errors";
import { fsxImportAlarmSpecs, logTriggerAlarmSpecs } from "../core/alarms";
import { fsxImportNames, hasFsxImport, importScopes } from "../core/fsx-import";
import { logTriggerNames, targetNames } from "./names";

/** An alarm action: a topic ARN the configuration names, or a target's own notifications topic by name. */
export type AlarmDestination =
  { readonly kind: "arn"; readonly arn: string } | { readonly kind: "topic"; readonly topicName: string };

/** CloudWatch accepts at most five alarm actions per state (PutMetricAlarm API reference, AlarmActions). */
export const MAX_ALARM_ACTIONS = 5;

/** Where a target's alarms notify: its `alarms.topicArn`, else its notifications topic, else nowhere. */
export function targetAlarmDestination(t: ResolvedTarget): AlarmDestination | undefined {
  if (!t.alarms.enabled) return undefined;
  if (t.alarms.topicArn) return { kind: "arn", arn: t.alarms.topicArn };
  return t.notifications ? { kind: "topic", topicName: targetNames(t.name).topic } : undefined;
}

export interface AlarmRouting {
  /** Per log-trigger stack: where its router's alarms notify (the fed targets' destinations, distinct). */
  readonly logTriggerDestinations: ReadonlyMap<string, readonly AlarmDestination[]>;
  /** Per target: log-group alarms (router, FSx import) that notify its own topic, so its policies let them publish. */
  readonly routerAlarmNames: ReadonlyMap<string, readonly string[]>;
}

/**
 * A reader log group's router serves several targets; its alarms go where theirs go, so nobody has to
 * watch a second place. The only cross-stack link is a name: the target's topic policy lists the router's
 * alarm ARNs, which are known before either stack exists.
 */
export function alarmRouting(config: ResolvedConfig): AlarmRouting {
  const byName = new Map(config.targets.map((t) => [t.name, t]));
  const logTriggerDestinations = new Map<string, AlarmDestination[]>();
  const routerAlarmNames = new Map<string, string[]>();
  const problems: string[] = [];
  for (const g of config.logTriggers) {
    const names = logTriggerNames(g.stackName);
    const importNames = fsxImportNames(g.stackName);
    const alarmNames = [
      ...logTriggerAlarmSpecs({ functionName: names.function, deadLetterQueueName: names.deadLetterQueue }).map((a) =>
        names.alarm(a.id),
      ),
      ...(hasFsxImport(g)
        ? fsxImportAlarmSpecs({
            functionName: importNames.function,
            deadLetterQueueName: importNames.deadLetterQueue,
            ruleNames: importScopes(g.routes, g.associations ?? []).map((_, i) => importNames.rule(i)),
          }).map((a) => importNames.alarm(a.id))
        : []),
    ];
    const destinations = new Map<string, AlarmDestination>();
    for (const r of g.routes) {
      const d = targetAlarmDestination(byName.get(r.target)!);
      if (!d) continue;
      destinations.set(d.kind === "arn" ? d.arn : `topic:${d.topicName}`, d);
      if (d.kind === "topic")
        routerAlarmNames.set(r.target, [...(routerAlarmNames.get(r.target) ?? []), ...alarmNames]);
    }
    if (destinations.size > MAX_ALARM_ACTIONS)
      problems.push(
        `log group ${g.logGroupName} (${g.region}): its router's alarms would notify ${destinations.size} topics, the alarm topics of the targets it feeds (${g.routes.map((r) => r.target).join(", ")}); CloudWatch allows at most ${MAX_ALARM_ACTIONS} actions per alarm: give these targets one alarms.topicArn`,
      );
    logTriggerDestinations.set(g.stackName, [...destinations.values()]);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { logTriggerDestinations, routerAlarmNames };
}
