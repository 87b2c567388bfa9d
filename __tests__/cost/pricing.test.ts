import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { GlacierRestoreError } from "../../core/errors";
import { loadPrices } from "../../cost/price-table";
import {
  batchJobCost,
  INTELLIGENT_TIERING_ASSUMPTION,
  parsePrices,
  restoreCost,
  type Prices,
} from "../../cost/pricing";

const file = path.join(__dirname, "..", "..", "cost", "prices.json");
const raw = () => JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;
const GB = 1024 ** 3;

/** The message parsePrices throws for `table`, or a failure when it accepts it. */
function problemWith(table: unknown): string {
  try {
    parsePrices(table);
  } catch (err) {
    expect(err).toBeInstanceOf(GlacierRestoreError);
    return (err as Error).message;
  }
  throw new Error("expected the table to be refused");
}

describe("the price table", () => {
  it("accepts cost/prices.json as reviewed", () => {
    expect(parsePrices(raw()).prices.restore.GLACIER.Standard).toEqual({ per1kRequests: 0.05, perGB: 0.01 });
  });

  it("names a price of the wrong type by its path", () => {
    const table = raw();
    table.prices.restore.GLACIER.Standard.perGB = "0.01";
    expect(problemWith(table)).toMatch(/prices\.restore\.GLACIER\.Standard\.perGB: .*expected number/i);
  });

  it("names a missing price by its path", () => {
    const table = raw();
    delete table.prices.batchOperationsPerJob;
    expect(problemWith(table)).toContain("prices.batchOperationsPerJob:");
  });

  it("refuses a misspelt price, which would otherwise read as nothing", () => {
    const table = raw();
    table.prices.lambdaArmPerGbSecond = table.prices.lambdaArmPerGBSecond;
    delete table.prices.lambdaArmPerGBSecond;
    const message = problemWith(table);
    expect(message).toContain('prices: unknown field "lambdaArmPerGbSecond"');
    expect(message).toContain("prices.lambdaArmPerGBSecond:");
  });

  it("refuses a negative price and a Deep Archive Expedited line (that tier does not exist there)", () => {
    const table = raw();
    table.prices.kmsKeyPerMonth = -1;
    table.prices.restore.DEEP_ARCHIVE.Expedited = { per1kRequests: 1, perGB: 1 };
    const message = problemWith(table);
    expect(message).toContain("prices.kmsKeyPerMonth:");
    expect(message).toContain('prices.restore.DEEP_ARCHIVE: unknown field "Expedited"');
  });

  it("is validated on load, naming the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "prices-"));
    const bad = path.join(dir, "prices.json");
    const table = raw();
    table.reviewed = "last week";
    writeFileSync(bad, JSON.stringify(table));
    expect(() => loadPrices(bad)).toThrow(
      `${bad} is not a valid price table:\n  - reviewed: must be a date, YYYY-MM-DD`,
    );
    writeFileSync(bad, "{");
    expect(() => loadPrices(bad)).toThrow(`${bad} is not JSON: line 1, column 2`);
    expect(loadPrices(file).region).toBe("us-east-1");
  });
});

describe("restoreCost and batchJobCost", () => {
  const p: Prices["prices"] = parsePrices(raw()).prices;

  it("prices Glacier and Deep Archive from the table, with the tier the archive gets", () => {
    // 1,000 Glacier Standard restores of 1 GB each: 0.05 USD of requests + 1,000 GB × 0.01 USD.
    expect(restoreCost("GLACIER", "Standard", 1000, 1000 * GB, p)).toEqual({ tier: "Standard", usd: 10.05 });
    // Deep Archive has no Expedited: Standard, 0.1 USD per 1,000 + 0.02 USD per GB.
    expect(restoreCost("DEEP_ARCHIVE", "Expedited", 1000, 0, p)).toEqual({ tier: "Standard", usd: 0.1 });
  });

  it("prices Intelligent-Tiering archive restores by the stated assumption, and says so", () => {
    expect(restoreCost("INTELLIGENT_TIERING_ARCHIVE", "Bulk", 1000, 1000 * GB, p)).toEqual({
      tier: "Bulk",
      usd: 0,
      assumption: INTELLIGENT_TIERING_ASSUMPTION,
    });
    expect(restoreCost("INTELLIGENT_TIERING_ARCHIVE", "Expedited", 1000, GB, p)).toEqual({
      tier: "Expedited",
      usd: 10 + 0.03,
      assumption: INTELLIGENT_TIERING_ASSUMPTION,
    });
    // Deep Archive Access has no Expedited either: Standard, free.
    expect(restoreCost("INTELLIGENT_TIERING_DEEP_ARCHIVE", "Expedited", 1000, GB, p).usd).toBe(0);
  });

  it("charges a Batch Operations job per job and per million objects", () => {
    expect(batchJobCost(0, p)).toBe(0.25);
    expect(batchJobCost(2_000_000, p)).toBe(2.25);
  });
});
