/**
 * Cross-container de-duplication. Lambda runs concurrent events in separate containers, so when many
 * readers hit one archived file at once, several containers would all see "not restoring yet" and each
 * ask S3. A conditional write to a small DynamoDB table lets exactly one of them claim the object; the
 * others skip. Claims expire (DynamoDB TTL) after a few minutes.
 */
import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CLAIM_FIELDS } from "../core/contract";
import { errorName } from "./aws-errors";

const { key: KEY, eventId: EVENT_ID, expiresAt: EXPIRES_AT } = CLAIM_FIELDS;

/** A condition that did not hold: another event holds the claim (or this event no longer does). */
function isConditionFailure(err: unknown): boolean {
  return errorName(err) === "ConditionalCheckFailedException";
}

/**
 * `claimed`: nobody held a live claim, this event now does. `reclaimed`: this event already held it (a
 * retry or a repeated delivery of the same event). `held-elsewhere`: another event holds a live claim.
 */
export type ClaimResult = "claimed" | "reclaimed" | "held-elsewhere";

export interface ClaimStore {
  /** Whether this event may act on the object (`claimed` or `reclaimed`). */
  claim(objectId: string, eventId: string, nowMs: number): Promise<ClaimResult>;
  /** Gives a claim back (after a failure), so the event's retry or another event can act. */
  release(objectId: string, eventId: string): Promise<void>;
}

export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly ttlSeconds: number,
  ) {}

  async claim(objectId: string, eventId: string, nowMs: number): Promise<ClaimResult> {
    const now = Math.floor(nowMs / 1000);
    try {
      const out = await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            [KEY]: { S: objectId },
            [EVENT_ID]: { S: eventId },
            [EXPIRES_AT]: { N: String(now + this.ttlSeconds) },
          },
          // TTL deletion can lag by hours, so an expired claim is treated as absent here.
          // A retry of the claiming event (same eventId) may always proceed.
          ConditionExpression: `attribute_not_exists(${KEY}) OR ${EXPIRES_AT} < :now OR ${EVENT_ID} = :event`,
          ExpressionAttributeValues: { ":now": { N: String(now) }, ":event": { S: eventId } },
          // The replaced item tells a retry of the claiming event apart from a first claim.
          ReturnValues: "ALL_OLD",
        }),
      );
      const previous = out.Attributes;
      const stillLive = Number(previous?.[EXPIRES_AT]?.N ?? "0") >= now;
      return previous?.[EVENT_ID]?.S === eventId && stillLive ? "reclaimed" : "claimed";
    } catch (err) {
      if (isConditionFailure(err)) return "held-elsewhere";
      throw err;
    }
  }

  async release(objectId: string, eventId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { [KEY]: { S: objectId } },
          ConditionExpression: `${EVENT_ID} = :event`,
          ExpressionAttributeValues: { ":event": { S: eventId } },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}
