import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { StackWork } from "./stack-run";

/** What moto holds per region, as testing/deploy/readback.py reads it with boto3. */
export type MotoDump = Record<string, Record<string, Record<string, any>>>;

export function readBack(endpoint: string, regions: string[]): MotoDump {
  const script = path.join("testing", "deploy", "readback.py");
  return JSON.parse(execFileSync("python3", [script, endpoint, ...regions], { encoding: "utf8", maxBuffer: 1 << 26 }));
}

/** Resolves `${type.name.attr}` references of a synthesized stack through its applied state. */
export function stateResolver(state: any): (value: unknown) => any {
  const byAddress = new Map<string, any>();
  for (const r of state.values?.root_module?.resources ?? []) byAddress.set(r.address, r.values);
  const lookup = (expr: string) => {
    const parts = expr.split(".");
    const cut = parts[0] === "data" ? 3 : 2;
    let value = byAddress.get(parts.slice(0, cut).join("."));
    for (const key of parts.slice(cut)) value = value?.[key];
    if (value === undefined) throw new Error(`cannot resolve \${${expr}} from the applied state`);
    return value;
  };
  const resolve = (value: unknown): any => {
    if (typeof value === "string") {
      const whole = /^\$\{([\w.-]+)\}$/.exec(value);
      if (whole) return lookup(whole[1]!);
      return value.replace(/\$\{([\w.-]+)\}/g, (_, expr: string) => String(lookup(expr)));
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  return resolve;
}

/** Objects compared whatever their key order (policies and patterns are JSON documents). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}
const asJson = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
const sameDoc = (a: unknown, b: unknown) =>
  JSON.stringify(canonical(asJson(a) ?? null)) === JSON.stringify(canonical(asJson(b) ?? null));

const resources = (stack: any, type: string): any[] => Object.values(stack.resource?.[type] ?? {});

/** Compares what moto holds for one applied stack with its synthesized configuration; lists mismatches. */
export function compareStack(work: StackWork, state: any, region: Record<string, Record<string, any>>): string[] {
  const resolve = stateResolver(state);
  const problems: string[] = [];
  const expect = (what: string, ok: boolean, detail: () => string) => {
    if (!ok) problems.push(`${work.name}: ${what}: ${detail()}`);
  };
  for (const check of CHECKS) check(work.stack, resolve, region, expect);
  return problems;
}

type Expect = (what: string, ok: boolean, detail: () => string) => void;
type Check = (stack: any, resolve: (v: unknown) => any, moto: Record<string, Record<string, any>>, e: Expect) => void;

const show = (v: unknown) => JSON.stringify(v);

const rulesCheck: Check = (stack, resolve, moto, expect) => {
  for (const rule of resources(stack, "aws_cloudwatch_event_rule")) {
    const found = moto.rules![resolve(rule.name)];
    expect(`rule ${rule.name}`, Boolean(found), () => "missing in moto");
    if (found && rule.event_pattern)
      expect(`rule ${rule.name} pattern`, sameDoc(found.EventPattern, resolve(rule.event_pattern)), () =>
        show(found.EventPattern),
      );
  }
  for (const target of resources(stack, "aws_cloudwatch_event_target")) {
    const rule = resolve(target.rule);
    const found = moto.rules![rule]?.Targets?.find((t: any) => t.Id === target.target_id);
    const what = `target ${target.target_id} of rule ${rule}`;
    expect(what, Boolean(found), () => "missing in moto");
    if (!found) continue;
    expect(`${what} arn`, found.Arn === resolve(target.arn), () => found.Arn);
    expect(`${what} dead-letter queue`, found.DeadLetterConfig?.Arn === resolve(target.dead_letter_config?.arn), () =>
      show(found.DeadLetterConfig),
    );
    const retry = target.retry_policy;
    expect(
      `${what} retry policy`,
      sameDoc(
        found.RetryPolicy,
        retry && {
          MaximumEventAgeInSeconds: retry.maximum_event_age_in_seconds,
          MaximumRetryAttempts: retry.maximum_retry_attempts,
        },
      ),
      () => show(found.RetryPolicy),
    );
  }
};

const functionsCheck: Check = (stack, resolve, moto, expect) => {
  for (const fn of resources(stack, "aws_lambda_function")) {
    const found = moto.functions![fn.function_name];
    expect(`function ${fn.function_name}`, Boolean(found), () => "missing in moto");
    if (!found) continue;
    expect(
      `function ${fn.function_name} environment`,
      sameDoc(found.Environment?.Variables, resolve(fn.environment?.variables)),
      () => show(found.Environment),
    );
    expect(`function ${fn.function_name} role`, found.Role === resolve(fn.role), () => found.Role);
  }
  for (const policy of resources(stack, "aws_iam_role_policy")) {
    const key = `${resolve(policy.role)}/${policy.name}`;
    expect(`role policy ${key}`, sameDoc(moto.role_policies![key], resolve(policy.policy)), () =>
      show(moto.role_policies![key]),
    );
  }
};

const topicsCheck: Check = (stack, resolve, moto, expect) => {
  for (const topic of resources(stack, "aws_sns_topic")) {
    const found = Object.values(moto.topics!).find((t: any) => t.TopicArn.endsWith(`:${topic.name}`));
    expect(`topic ${topic.name}`, Boolean(found), () => "missing in moto");
    if (found && topic.kms_master_key_id)
      expect(
        `topic ${topic.name} key`,
        found.KmsMasterKeyId === resolve(topic.kms_master_key_id),
        () => found.KmsMasterKeyId,
      );
  }
  for (const policy of resources(stack, "aws_sns_topic_policy")) {
    const arn = resolve(policy.arn);
    expect(`topic policy of ${arn}`, sameDoc(moto.topics![arn]?.Policy, resolve(policy.policy)), () =>
      String(moto.topics![arn]?.Policy),
    );
  }
  for (const sub of resources(stack, "aws_sns_topic_subscription")) {
    const [topic, endpoint] = [resolve(sub.topic_arn), resolve(sub.endpoint)];
    const found = Object.values(moto.subscriptions!).find((s: any) => s.TopicArn === topic && s.Endpoint === endpoint);
    const what = `subscription ${sub.protocol}:${endpoint}`;
    expect(what, found?.Protocol === sub.protocol, () => "missing in moto");
    if (found && sub.filter_policy)
      expect(`${what} filter policy`, sameDoc(found.FilterPolicy, sub.filter_policy), () => String(found.FilterPolicy));
  }
};

const alarmsAndQueuesCheck: Check = (stack, resolve, moto, expect) => {
  for (const alarm of resources(stack, "aws_cloudwatch_metric_alarm")) {
    const found = moto.alarms![alarm.alarm_name];
    expect(`alarm ${alarm.alarm_name}`, Boolean(found), () => "missing in moto");
    if (!found) continue;
    expect(`alarm ${alarm.alarm_name} actions`, sameDoc(found.AlarmActions, resolve(alarm.alarm_actions ?? [])), () =>
      show(found.AlarmActions),
    );
    expect(`alarm ${alarm.alarm_name} ok actions`, sameDoc(found.OKActions, resolve(alarm.ok_actions ?? [])), () =>
      show(found.OKActions),
    );
  }
  for (const policy of resources(stack, "aws_sqs_queue_policy")) {
    const name = String(resolve(policy.queue_url)).split("/").at(-1)!;
    expect(`queue policy of ${name}`, sameDoc(moto.queues![name]?.Policy, resolve(policy.policy)), () =>
      String(moto.queues![name]?.Policy),
    );
  }
};

const FIELD_KEYS: Record<string, string> = {
  equals: "Equals",
  not_equals: "NotEquals",
  starts_with: "StartsWith",
  not_starts_with: "NotStartsWith",
  ends_with: "EndsWith",
  not_ends_with: "NotEndsWith",
};

const trailsCheck: Check = (stack, resolve, moto, expect) => {
  for (const trail of resources(stack, "aws_cloudtrail")) {
    const found = moto.trails![resolve(trail.name)];
    expect(`trail ${trail.name}`, Boolean(found), () => "missing in moto");
    if (!found) continue;
    const wanted = (trail.advanced_event_selector ?? []).map((s: any) => ({
      Name: s.name,
      FieldSelectors: s.field_selector.map((f: any) =>
        Object.fromEntries([
          ["Field", f.field],
          ...Object.entries(f)
            .filter(([k]) => k !== "field")
            .map(([k, v]) => [FIELD_KEYS[k] ?? k, resolve(v)]),
        ]),
      ),
    }));
    const byField = (list: any[]) =>
      list.map((s) => ({ ...s, FieldSelectors: [...s.FieldSelectors].sort((a, b) => a.Field.localeCompare(b.Field)) }));
    expect(`trail ${trail.name} selectors`, sameDoc(byField(found.AdvancedEventSelectors), byField(wanted)), () =>
      show(found.AdvancedEventSelectors),
    );
  }
};

const CHECKS: Check[] = [rulesCheck, functionsCheck, topicsCheck, alarmsAndQueuesCheck, trailsCheck];
