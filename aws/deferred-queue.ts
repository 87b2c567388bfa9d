/**
 * The deferred queue: events the restore budget refused, kept whole so that `glacier-restore redrive`
 * can hand them to the function again once the budget allows. The body is the event as the function
 * received it; the reason travels as a message attribute.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export const DEFER_REASON_ATTRIBUTE = "deferredBecause";

export async function deferEvent(sqs: SQSClient, queueUrl: string, event: unknown, reason: string): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(event),
      MessageAttributes: { [DEFER_REASON_ATTRIBUTE]: { DataType: "String", StringValue: reason } },
    }),
  );
}
