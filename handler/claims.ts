/**
 * Cross-container de-duplication. Lambda runs concurrent events in separate containers, so when many
 * readers hit one archived file at once, several containers would all see "not restoring yet" and each
 * ask S3. A conditional write to a small DynamoDB table lets exactly one of them claim the object; the
 * others skip. Claims expire (DynamoDB TTL) after a few minutes.
 */
import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** By name rather than instanceof, so a second copy of the SDK cannot make a lost race look like an error. */
function isConditionFailure(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === "ConditionalCheckFailedException";
}

export interface ClaimStore {
  /** True when this event may act on the object: nobody holds a live claim, or this event already does. */
  claim(objectId: string, eventId: string, nowMs: number): Promise<boolean>;
  /** Gives a claim back (after a failure), so the event's retry or another event can act. */
  release(objectId: string, eventId: string): Promise<void>;
}

export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly ttlSeconds: number,
  ) {}

  async claim(objectId: string, eventId: string, nowMs: number): Promise<boolean> {
    const now = Math.floor(nowMs / 1000);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { pk: { S: objectId }, eventId: { S: eventId }, expiresAt: { N: String(now + this.ttlSeconds) } },
          // TTL deletion can lag by hours, so an expired claim is treated as absent here.
          // A retry of the claiming event (same eventId) may always proceed.
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now OR eventId = :event",
          ExpressionAttributeValues: { ":now": { N: String(now) }, ":event": { S: eventId } },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async release(objectId: string, eventId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: objectId } },
          ConditionExpression: "eventId = :event",
          ExpressionAttributeValues: { ":event": { S: eventId } },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}
