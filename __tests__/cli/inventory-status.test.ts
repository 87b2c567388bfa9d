/** The text and JSON of `status --inventory` from a summary (the S3 side runs in inventory-status-moto.test.ts). */
import { inventoryStatusResult } from "../../cli/inventory-status";
import { addInventoryRow, emptyInventorySummary, type InventoryRow } from "../../core/inventory";

const row = (key: string, size: number, storageClass: string, accessTier?: string): InventoryRow => ({
  bucket: "src",
  key,
  size,
  storageClass,
  ...(accessTier !== undefined ? { accessTier } : {}),
  isLatest: true,
  isDeleteMarker: false,
});

function summary() {
  const s = emptyInventorySummary(
    { asOf: "2024-01-07T01:00:00.000Z", columns: ["Bucket", "Key", "Size", "StorageClass"] },
    { bucket: "src", prefix: "data/" },
  );
  addInventoryRow(s, row("data/a", 2048, "GLACIER"));
  addInventoryRow(s, row("data/b", 10, "STANDARD"));
  addInventoryRow(s, row("data/c", 5, "INTELLIGENT_TIERING", "DEEP_ARCHIVE"));
  return s;
}

describe("status --inventory output", () => {
  it("--json: the summary with source and the GetObject count", () => {
    const { data } = inventoryStatusResult(summary(), { get: 3 });
    expect(data).toMatchObject({ source: "inventory", objects: 3, bytes: 2063, requests: { get: 3 } });
    expect(data.states.archived).toEqual({ objects: 2, bytes: 2053 });
  });

  it("text: totals with the as-of time, archived vs readable, classes, tiers, requests, what it cannot tell", () => {
    const result = inventoryStatusResult(summary(), { get: 3 });
    expect(result.text(result.data).split("\n")).toEqual([
      "s3://src/data/: 3 objects, 2.01 KiB, from the S3 Inventory report of 2024-01-07T01:00:00.000Z",
      "  archived                        2 objects     2.00 KiB  (needs a restore before reading)",
      "  readable                        1 objects         10 B  (without a restore)",
      "storage classes:",
      "  GLACIER                         1 objects     2.00 KiB",
      "  INTELLIGENT_TIERING             1 objects          5 B",
      "  STANDARD                        1 objects         10 B",
      "Intelligent-Tiering access tiers:",
      "  DEEP_ARCHIVE                    1 objects          5 B",
      "read with 3 GetObject requests (0 rows outside the location)",
      "the inventory cannot tell:",
      ...summary().cannotTell.map((t) => `  - ${t}`),
      "",
    ]);
  });
});
