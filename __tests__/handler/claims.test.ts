import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { DynamoClaimStore } from "../../handler/claims";

const dynamo = mockClient(DynamoDBClient);
const store = () => new DynamoClaimStore(new DynamoDBClient({ region: "us-east-1" }), "claims", 300);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

beforeEach(() => dynamo.reset());

describe("DynamoClaimStore", () => {
  it("claims with a TTL in whole seconds", async () => {
    dynamo.on(PutItemCommand).resolves({});
    expect(await store().claim("obj", "e1", 1_000_999)).toBe(true);
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      Item: { pk: { S: "obj" }, eventId: { S: "e1" }, expiresAt: { N: "1300" } },
      ExpressionAttributeValues: { ":now": { N: "1000" }, ":event": { S: "e1" } },
    });
  });

  it("reports a claim held by another event as not granted", async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed());
    expect(await store().claim("obj", "e2", 0)).toBe(false);
  });

  it("passes other errors on", async () => {
    dynamo.on(PutItemCommand).rejects(Object.assign(new Error("down"), { name: "InternalServerError" }));
    await expect(store().claim("obj", "e1", 0)).rejects.toThrow("down");
    dynamo.on(DeleteItemCommand).rejects(Object.assign(new Error("down"), { name: "InternalServerError" }));
    await expect(store().release("obj", "e1")).rejects.toThrow("down");
  });

  it("releases only its own claim and ignores one it no longer holds", async () => {
    dynamo.on(DeleteItemCommand).rejects(conditionFailed());
    await expect(store().release("obj", "e1")).resolves.toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: "claims",
      Key: { pk: { S: "obj" } },
      ConditionExpression: "eventId = :event",
      ExpressionAttributeValues: { ":event": { S: "e1" } },
    });
  });
});
