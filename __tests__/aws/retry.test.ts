import { maxAttemptsFrom, RestoreRetryStrategy } from "../../aws/retry";

describe("RestoreRetryStrategy", () => {
  it("does not retry missing Expedited capacity, which the handler answers with Standard", async () => {
    const strategy = new RestoreRetryStrategy(3);
    const token = await strategy.acquireInitialRetryToken("s3");
    const error = Object.assign(new Error("no capacity"), { name: "GlacierExpeditedRetrievalNotAvailable" });
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "SERVER_ERROR", error } as never)).rejects.toBe(
      error,
    );
  });

  it("retries other transient errors up to the attempt limit", async () => {
    const strategy = new RestoreRetryStrategy(3);
    let token = await strategy.acquireInitialRetryToken("s3");
    const error = Object.assign(new Error("oops"), { name: "InternalError" });
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error } as never);
    expect(token.getRetryCount()).toBe(1);
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error } as never);
    expect(token.getRetryCount()).toBe(2);
    await expect(
      strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error } as never),
    ).rejects.toThrow();
    strategy.recordSuccess(token);
    expect(strategy.mode).toBe("standard");
  });
});

describe("maxAttemptsFrom", () => {
  it.each([
    [undefined, 3],
    ["5", 5],
    ["1", 1],
    ["0", 3],
    ["2.5", 3],
    ["many", 3],
  ])("AWS_MAX_ATTEMPTS=%s gives %d attempts", (value, attempts) => {
    expect(maxAttemptsFrom({ AWS_MAX_ATTEMPTS: value })).toBe(attempts);
  });
});

describe("RestoreRetryStrategy delegation", () => {
  it("hands tokens, retries of errorless failures and successes to the standard strategy", async () => {
    const calls: string[] = [];
    const standard = {
      acquireInitialRetryToken: async () => (calls.push("acquire"), { token: 1 }),
      refreshRetryTokenForRetry: async () => (calls.push("refresh"), { token: 2 }),
      recordSuccess: () => calls.push("success"),
    };
    const strategy = new RestoreRetryStrategy(3, standard as never);
    const token = await strategy.acquireInitialRetryToken("s3");
    await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" } as never);
    strategy.recordSuccess(token);
    expect(calls).toEqual(["acquire", "refresh", "success"]);
  });
});
