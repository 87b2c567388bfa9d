/** The plan's kept listing (cli/spool.ts): what goes in comes back, and nothing is left on disk. */
import { existsSync } from "node:fs";
import { ListingSpool } from "../../cli/spool";
import type { ListedObject } from "../../core/dataset";

const objects: ListedObject[] = [
  { key: "raw/a.nc", size: 1, storageClass: "GLACIER" },
  { key: 'raw/new\nline "q" データ 😀', size: 2, storageClass: "DEEP_ARCHIVE", restoreInProgress: true },
  { key: "raw/c.nc", size: 3, storageClass: "GLACIER", restoreExpiry: new Date("2026-12-24T00:00:00.000Z") },
  { key: "raw/d.nc", size: 4, storageClass: "INTELLIGENT_TIERING", archiveStatus: "" },
  { key: "raw/e.nc", size: 5, storageClass: "INTELLIGENT_TIERING", archiveStatus: "DEEP_ARCHIVE_ACCESS" },
];

async function replayed(spool: ListingSpool): Promise<ListedObject[]> {
  const back: ListedObject[] = [];
  for await (const o of spool.replay()) back.push(o);
  return back;
}

describe("ListingSpool", () => {
  it("gives back every object as it was added, in order, however many pass through it", async () => {
    const spool = new ListingSpool();
    try {
      const many = Array.from({ length: 5000 }, (_, i) => ({ ...objects[i % objects.length]!, key: `k${i}` }));
      for (const o of [...objects, ...many]) spool.add(o);
      expect(spool.complete).toBe(true);
      expect(spool.objects).toBe(5005);
      const back = await replayed(spool);
      expect(back.slice(0, 5)).toEqual(objects);
      expect(back.slice(5)).toEqual(many);
      // Read twice (a plan read back, then the restores): the same.
      expect((await replayed(spool)).length).toBe(5005);
    } finally {
      spool.dispose();
    }
  });

  it("stops keeping past its limit and says so; a replay is then refused", async () => {
    const spool = new ListingSpool(3);
    try {
      for (const o of objects) spool.add(o);
      expect(spool.complete).toBe(false);
      await expect(replayed(spool)).rejects.toThrow(/incomplete/);
    } finally {
      spool.dispose();
    }
  });

  it("removes its directory when disposed, twice without harm", () => {
    const spool = new ListingSpool();
    spool.add(objects[0]!);
    const dir = spool.directory;
    expect(existsSync(dir)).toBe(true);
    spool.dispose();
    spool.dispose();
    expect(existsSync(dir)).toBe(false);
  });
});
