import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { denyInsecureTransport, policyDocument, serviceStatement } from "../policy";
import { Foundation } from "./foundation";

export interface DeadLetterQueueProps {
  /** The queue's physical name. */
  readonly queueName: string;
}

/**
 * Where events end that could not be turned into a restore: EventBridge puts events it could not deliver
 * to the function here, and Lambda puts invocations that still failed after its retries. Every construct
 * that dead-letters takes the stack's queue as `deadLetters: DeadLetterQueue` and adds its rules with
 * `allowEventBridgeRule`.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  private readonly ruleArns: string[] = [];
  private policy?: SqsQueuePolicy;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      sqsManagedSseEnabled: true,
      // The longest SQS allows: operators get two weeks to look at and redrive failures.
      messageRetentionSeconds: 1_209_600,
    });
  }

  /** TLS only and no EventBridge rule: for a target whose misses come from reader logs alone. */
  tlsOnly(): SqsQueuePolicy {
    if (this.policy) return this.policy;
    const document = policyDocument(this, "policy-document", [denyInsecureTransport(["sqs:*"], [this.queue.arn])]);
    this.policy = new SqsQueuePolicy(this, "policy", { queueUrl: this.queue.url, policy: document.json });
    return this.policy;
  }

  /**
   * Lets EventBridge dead-letter the given rule's events here. There is one queue policy (TLS only,
   * EventBridge only for this stack's rules); each call adds a rule to it and returns it.
   */
  allowEventBridgeRule(ruleArn: string): SqsQueuePolicy {
    this.ruleArns.push(ruleArn);
    if (this.policy) return this.policy;
    const document = policyDocument(this, "policy-document", [
      denyInsecureTransport(["sqs:*"], [this.queue.arn]),
      serviceStatement({
        sid: "EventBridgeDeadLetters",
        service: "events.amazonaws.com",
        actions: ["sqs:SendMessage"],
        resources: [this.queue.arn],
        // Read at synthesis, after every rule of the stack has been added.
        sourceArn: Lazy.listValue({ produce: () => this.ruleArns }),
        sourceAccount: Foundation.of(this).accountId,
      }),
    ]);
    this.policy = new SqsQueuePolicy(this, "policy", { queueUrl: this.queue.url, policy: document.json });
    return this.policy;
  }
}
