import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { denyInsecureTransport, policyDocument } from "../policy";

/**
 * Events the daily restore budget refused, kept (encrypted, TLS only, the 14 days SQS allows at most)
 * so an operator can redrive them after raising the budget. Only the restore function writes here (its
 * role allows it; no resource policy lets anyone else in).
 */
export class DeferredQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: { readonly queueName: string }) {
    super(scope, id);
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
    });
    const document = policyDocument(this, "policy-document", [denyInsecureTransport(["sqs:*"], [this.queue.arn])]);
    new SqsQueuePolicy(this, "policy", { queueUrl: this.queue.url, policy: document.json });
  }
}
