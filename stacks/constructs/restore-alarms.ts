import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { AlarmSpec } from "../../core/alarms";

export interface RestoreAlarmsProps {
  readonly specs: readonly AlarmSpec[];
  /** Physical alarm name of each spec (by id). */
  readonly alarmName: (id: string) => string;
  /** Where alarm and OK notices go; the alarms exist without actions when empty. */
  readonly actions: readonly string[];
}

/** The target's alarms; each fires when its metric is above zero in a 5-minute period. */
export class RestoreAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: RestoreAlarmsProps) {
    super(scope, id);
    this.alarms = props.specs.map(
      (spec) =>
        new CloudwatchMetricAlarm(this, spec.id, {
          alarmName: props.alarmName(spec.id),
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          dimensions: { ...spec.dimensions },
          statistic: spec.statistic,
          period: 300,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          // EventBridge and Lambda publish some of these metrics only when they are not zero.
          treatMissingData: "notBreaching",
          ...(props.actions.length > 0 ? { alarmActions: [...props.actions], okActions: [...props.actions] } : {}),
        }),
    );
  }
}
