import { linesOf } from "../../aws/inventory";

async function* chunks(...parts: Buffer[]) {
  for (const p of parts) yield p;
}

async function all(source: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of linesOf(source)) out.push(line);
  return out;
}

describe("linesOf", () => {
  it("splits lines across chunk boundaries, even inside a multi-byte character, and drops CR of CRLF", async () => {
    const text = Buffer.from('"a","データ"\r\n"b","x"\n"c","last"');
    // Cut inside "デ" (3 bytes in UTF-8) and between CR and LF.
    const cutInChar = text.indexOf(Buffer.from("デ")) + 1;
    const cutInCrlf = text.indexOf(Buffer.from("\n"));
    const lines = await all(
      chunks(text.subarray(0, cutInChar), text.subarray(cutInChar, cutInCrlf), text.subarray(cutInCrlf)),
    );
    expect(lines).toEqual(['"a","データ"', '"b","x"', '"c","last"']);
  });

  it("yields nothing after a final newline", async () => {
    expect(await all(chunks(Buffer.from("one\ntwo\n")))).toEqual(["one", "two"]);
  });
});
