import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { GlacierRestoreStack } from "./stack";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import type { BucketNotificationOwner, ResolvedConfig } from "../config/resolve";
import { Foundation, placedFoundation } from "./constructs/foundation";
import { notificationFilterPrefix } from "../core/keys";
import { regionalArn } from "../core/partition";
import { RESTORE_S3_EVENT_TYPES, s3RestoreEvents } from "./constructs/restore-notifications";
import { targetNames } from "./names";

export interface BucketNotificationsStackProps {
  readonly owner: BucketNotificationOwner;
  readonly stateBackend: ResolvedConfig["stateBackend"];
}

/**
 * The one writer of a bucket's S3 notification configuration, generated only for buckets the
 * configuration declares `owned`. PutBucketNotificationConfiguration replaces the whole configuration,
 * so everything every target on the bucket needs is written here, by one resource, in one stack.
 */
export class BucketNotificationsStack extends GlacierRestoreStack {
  constructor(scope: Construct, props: BucketNotificationsStackProps) {
    const o = props.owner;
    super(scope, o.stackName);
    const base = new Foundation(this, "foundation", placedFoundation(o, props.stateBackend));
    new S3BucketNotification(this, "notifications", {
      bucket: o.bucket,
      eventbridge: o.eventBridge,
      // The topics live in the target stacks (deployed first); their ARNs follow from their names.
      topic: o.topicTargets.map((t) => ({
        id: `glacier-restore-${t.name}`,
        topicArn: regionalArn(base.partition, "sns", o.region, base.accountId, targetNames(t.name).topic),
        events: s3RestoreEvents(t.notifications!).map((e) => RESTORE_S3_EVENT_TYPES[e]),
        // S3 compares filter values in their URL-encoded form (space as "+").
        ...(t.prefix ? { filterPrefix: notificationFilterPrefix(t.prefix) } : {}),
      })),
    });
    new TerraformOutput(this, "bucket", {
      value: o.bucket,
      description: "Bucket whose whole notification configuration this stack owns",
    });
    new TerraformOutput(this, "eventbridge", {
      value: o.eventBridge,
      description: "Whether this stack turns on the bucket's delivery of its events to EventBridge",
    });
    new TerraformOutput(this, "topic_targets", {
      value: o.topicTargets.map((t) => t.name),
      description: "Targets whose SNS topic receives the bucket's restore event notifications directly",
    });
  }
}
