/**
 * A target's daily restore budget, kept as one counter item per UTC day in the claims table and enforced
 * atomically across containers: a conditional `ADD` reserves one restore and its bytes only while the day's
 * totals stay within the limits (no read-then-write race). A reservation the restore did not use (S3 said
 * the copy exists or is on its way, or the request failed) is given back.
 */
import { PutItemCommand, UpdateItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CLAIM_FIELDS } from "../core/contract";
import { budgetCounterKey, budgetDay, budgetItemExpiry, budgetNoticeKey, type Budget } from "../core/restore-policy";
import { errorName } from "./aws-errors";

const { key: KEY, expiresAt: EXPIRES_AT } = CLAIM_FIELDS;

export type Reservation = "reserved" | "exceeded";

export interface BudgetStore {
  reserve(bytes: number, nowMs: number): Promise<Reservation>;
  refund(bytes: number, nowMs: number): Promise<void>;
  /** True once per UTC day: the first caller tells people the budget ran out. */
  firstRefusalToday(nowMs: number): Promise<boolean>;
}

export class DynamoBudgetStore implements BudgetStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly budget: Budget,
  ) {}

  async reserve(bytes: number, nowMs: number): Promise<Reservation> {
    const { maxRestoresPerDay, maxBytesPerDay } = this.budget;
    // One object larger than the whole day's bytes can never fit.
    if (maxBytesPerDay !== undefined && bytes > maxBytesPerDay) return "exceeded";
    const day = budgetDay(nowMs);
    const conditions: string[] = [];
    const values: Record<string, { N: string }> = {
      ":one": { N: "1" },
      ":bytes": { N: String(bytes) },
      ":expires": { N: String(budgetItemExpiry(day)) },
    };
    if (maxRestoresPerDay !== undefined) {
      conditions.push("(attribute_not_exists(restores) OR restores <= :restoresLeft)");
      values[":restoresLeft"] = { N: String(maxRestoresPerDay - 1) };
    }
    if (maxBytesPerDay !== undefined) {
      conditions.push("(attribute_not_exists(restoredBytes) OR restoredBytes <= :bytesLeft)");
      values[":bytesLeft"] = { N: String(maxBytesPerDay - bytes) };
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { [KEY]: { S: budgetCounterKey(day) } },
          UpdateExpression: `ADD restores :one, restoredBytes :bytes SET ${EXPIRES_AT} = :expires`,
          ...(conditions.length ? { ConditionExpression: conditions.join(" AND ") } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return "reserved";
    } catch (err) {
      if (errorName(err) === "ConditionalCheckFailedException") return "exceeded";
      throw err;
    }
  }

  async refund(bytes: number, nowMs: number): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { [KEY]: { S: budgetCounterKey(budgetDay(nowMs)) } },
        UpdateExpression: "ADD restores :minusOne, restoredBytes :minusBytes",
        ExpressionAttributeValues: { ":minusOne": { N: "-1" }, ":minusBytes": { N: String(-bytes) } },
      }),
    );
  }

  async firstRefusalToday(nowMs: number): Promise<boolean> {
    const day = budgetDay(nowMs);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { [KEY]: { S: budgetNoticeKey(day) }, [EXPIRES_AT]: { N: String(budgetItemExpiry(day)) } },
          ConditionExpression: `attribute_not_exists(${KEY})`,
        }),
      );
      return true;
    } catch (err) {
      if (errorName(err) === "ConditionalCheckFailedException") return false;
      throw err;
    }
  }
}
