/** RestoreAlarms on a bare stack: one alarm per spec, above zero in five minutes, notifying the actions given. */
import { targetAlarmSpecs } from "../../../core/alarms";
import { RestoreAlarms } from "../../../stacks/constructs/restore-alarms";
import { synthBare } from "../../../testing/bare-stack";
import { all } from "../../../testing/synth";

const specs = targetAlarmSpecs({ functionName: "fn", deadLetterQueueName: "dlq", notificationRuleNames: [] });

function alarms(actions: readonly string[]) {
  const s = synthBare((scope) => new RestoreAlarms(scope, "alarms", { specs, alarmName: (id) => `gr-${id}`, actions }));
  return all(s, "aws_cloudwatch_metric_alarm");
}

describe("RestoreAlarms", () => {
  it("makes one alarm per spec, named by the given rule, firing on any non-zero 5-minute period", () => {
    const made = alarms(["arn:aws:sns:us-east-1:123456789012:ops"]);
    expect(made.map((a) => a.alarm_name)).toEqual(specs.map((spec) => `gr-${spec.id}`));
    for (const [i, alarm] of made.entries())
      expect(alarm).toMatchObject({
        metric_name: specs[i]!.metricName,
        namespace: specs[i]!.namespace,
        dimensions: specs[i]!.dimensions,
        period: 300,
        evaluation_periods: 1,
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "notBreaching",
      });
  });

  it("notifies the actions of alarm and OK, and exists without actions when none are given", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:ops";
    expect(alarms([topic])[0]).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    const silent = alarms([])[0];
    expect(silent.alarm_actions).toBeUndefined();
    expect(silent.ok_actions).toBeUndefined();
  });
});
