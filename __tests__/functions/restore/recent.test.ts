import { RecentRestores } from "../../../functions/restore/recent";

describe("RecentRestores", () => {
  it("remembers an object until its time runs out", () => {
    const recent = new RecentRestores(1000, 10);
    recent.remember("a", 0);
    expect(recent.has("a", 999)).toBe(true);
    expect(recent.has("a", 1000)).toBe(false);
    expect(recent.size).toBe(0);
  });

  it("keeps at most maxEntries, forgetting the oldest first", () => {
    const recent = new RecentRestores(60_000, 2);
    recent.remember("a", 0);
    recent.remember("b", 1);
    recent.remember("a", 2);
    recent.remember("c", 3);
    expect(recent.size).toBe(2);
    expect(recent.has("b", 4)).toBe(false);
    expect(recent.has("a", 4)).toBe(true);
    expect(recent.has("c", 4)).toBe(true);
  });
});
