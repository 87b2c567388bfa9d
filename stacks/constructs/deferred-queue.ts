import type { Construct } from "constructs";
import { DeadLetterQueue, type DeadLetterQueueProps } from "./dead-letter-queue";

/**
 * Events the daily restore budget refused, kept (encrypted, TLS only, the 14 days SQS allows at most)
 * so an operator can redrive them after raising the budget. The same queue as a dead-letter queue with
 * no EventBridge rule: only the restore function writes here (its role allows it; no resource policy
 * lets anyone else in).
 */
export class DeferredQueue extends DeadLetterQueue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, props);
    this.tlsOnly();
  }
}
