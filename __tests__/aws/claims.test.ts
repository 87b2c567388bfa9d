import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { DynamoClaimStore } from "../../aws/claims";

const dynamo = mockClient(DynamoDBClient);
const store = () => new DynamoClaimStore(new DynamoDBClient({ region: "us-east-1" }), "claims", 300);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

beforeEach(() => dynamo.reset());

describe("DynamoClaimStore", () => {
  it("claims with a TTL in whole seconds", async () => {
    dynamo.on(PutItemCommand).resolves({});
    expect(await store().claim("obj", "e1", 1_000_999)).toBe("claimed");
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      Item: { pk: { S: "obj" }, eventId: { S: "e1" }, expiresAt: { N: "1300" } },
      ExpressionAttributeValues: { ":now": { N: "1000" }, ":event": { S: "e1" } },
      ReturnValues: "ALL_OLD",
    });
  });

  it("tells a retry of the claiming event from a first claim by the item it replaced", async () => {
    const previous = (eventId: string, expiresAt: number) => ({
      Attributes: { pk: { S: "obj" }, eventId: { S: eventId }, expiresAt: { N: String(expiresAt) } },
    });
    dynamo.on(PutItemCommand).resolves(previous("e1", 1300));
    expect(await store().claim("obj", "e1", 1_000_000)).toBe("reclaimed");
    // Still live at exactly its expiry second; the condition treats it as expired only after that.
    expect(await store().claim("obj", "e1", 1_300_999)).toBe("reclaimed");
    // An expired claim of this event, or a live one of another event replaced after expiry: a new claim.
    expect(await store().claim("obj", "e1", 1_301_000)).toBe("claimed");
    dynamo.on(PutItemCommand).resolves(previous("e0", 999));
    expect(await store().claim("obj", "e1", 1_000_000)).toBe("claimed");
  });

  it("reports a claim held by another event as held elsewhere", async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed());
    expect(await store().claim("obj", "e2", 0)).toBe("held-elsewhere");
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
