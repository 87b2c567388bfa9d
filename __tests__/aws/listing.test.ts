/**
 * The page reader (core/list-page.ts) against the SDK's own ListObjectsV2 parser as the oracle: the same
 * bodies, generated in the shape of the S3 API Reference's ListObjectsV2 "Response Syntax", must give the
 * same objects, directories and token; a body the reader does not recognise must fall back to the SDK.
 */
import { Readable } from "node:stream";
import { ListObjectsV2Command, S3Client, type _Object } from "@aws-sdk/client-s3";
import { listedFromSdk, listPage, listPages } from "../../aws/listing";
import { decodeXmlText, pageBody, parseListPage, parseListPageBody, peekNextToken } from "../../core/list-page";

/** A client whose every request is answered with `bodies` in turn (status 200), recording the tokens asked. */
function answering(bodies: string[]): { s3: S3Client; asked: (string | null)[] } {
  const asked: (string | null)[] = [];
  let i = 0;
  const s3 = new S3Client({
    region: "eu-west-1",
    credentials: { accessKeyId: "a", secretAccessKey: "s" },
    requestHandler: {
      handle: async (request: { query?: Record<string, string> }) => {
        asked.push(request.query?.["continuation-token"] ?? null);
        const body = bodies[Math.min(i++, bodies.length - 1)]!;
        return {
          response: {
            statusCode: 200,
            headers: { "content-type": "application/xml" },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    } as never,
  });
  return { s3, asked };
}

/** What the SDK alone makes of a body. */
async function sdkRead(body: string) {
  const { s3 } = answering([body]);
  const page = await s3.send(new ListObjectsV2Command({ Bucket: "data-bucket" }));
  return {
    objects: (page.Contents ?? [])
      .filter((c): c is _Object & { Key: string } => c.Key !== undefined)
      .map(listedFromSdk),
    commonPrefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix),
    truncated: page.IsTruncated === true,
    nextToken: page.NextContinuationToken,
  };
}

const escape = (t: string) =>
  t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** A deterministic pseudo-random source, so a failure names a seed that reproduces it. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const PIECES = [
  "raw/",
  "run-7/",
  "a b",
  "x+y",
  "100%",
  "データ/",
  "é",
  "&",
  "<>",
  "\"q'",
  "😀",
  "~",
  ".nc",
  "\t",
  " lead",
  "tail ",
];
const CLASSES = [undefined, "STANDARD", "GLACIER", "DEEP_ARCHIVE", "INTELLIGENT_TIERING", "GLACIER_IR"];

function generatedPage(seed: number, size = 40): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const ws = next() < 0.5 ? "\n    " : "";
  const contents: string[] = [];
  const n = Math.floor(next() * size);
  for (let i = 0; i < n; i++) {
    const key = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(PIECES)).join("") + String(i);
    // Numeric references for some characters, as an XML writer may choose.
    const keyText =
      next() < 0.2
        ? [...key].map((c) => (c === "a" ? "&#97;" : c === "b" ? "&#x62;" : escape(c))).join("")
        : escape(key);
    const cls = pick(CLASSES);
    const restore =
      next() < 0.3
        ? `<RestoreStatus><IsRestoreInProgress>${next() < 0.5}</IsRestoreInProgress>${next() < 0.5 ? `<RestoreExpiryDate>2026-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}T00:00:00.000Z</RestoreExpiryDate>` : ""}</RestoreStatus>`
        : "";
    const owner =
      next() < 0.3
        ? "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>ops</DisplayName></Owner>"
        : "";
    contents.push(
      `<Contents>${ws}<Key>${keyText}</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>` +
        `${next() < 0.5 ? "<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>" : ""}` +
        `<Size>${Math.floor(next() * 1e12)}</Size>${cls ? `<StorageClass>${cls}</StorageClass>` : ""}${owner}${restore}${ws}</Contents>`,
    );
  }
  const prefixes = Array.from(
    { length: Math.floor(next() * 4) },
    (_, i) => `<CommonPrefixes><Prefix>${escape(pick(PIECES))}${i}/</Prefix></CommonPrefixes>`,
  );
  const truncated = next() < 0.5;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${ws}` +
    `<Name>data-bucket</Name>${ws}<Prefix/>${ws}<KeyCount>${n}</KeyCount><MaxKeys>1000</MaxKeys>` +
    `<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=&amp;${seed}</NextContinuationToken>` : ""}` +
    `${ws}${contents.join(ws)}${prefixes.join("")}\n</ListBucketResult>\n`
  );
}

describe("core/list-page.ts against the SDK's parser", () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))(
    "generated page, seed %i: the same objects, directories and token",
    async (seed) => {
      const body = generatedPage(seed);
      const mine = parseListPage(body);
      expect(mine).toBeDefined();
      const sdk = await sdkRead(body);
      expect(mine!.objects).toEqual(sdk.objects);
      expect(mine!.commonPrefixes).toEqual(sdk.commonPrefixes);
      expect(mine!.truncated).toBe(sdk.truncated);
      expect(mine!.nextToken).toBe(sdk.nextToken);
      if (sdk.truncated) expect(peekNextToken(body)).toBe(sdk.nextToken);
      // Read from bytes, in slices, as aws/listing.ts reads a response: the same page.
      expect(parseListPageBody(pageBody(Buffer.from(body))!)).toEqual(mine);
    },
  );

  it.each([101, 102, 103])(
    "a page of up to 3,000 keys read in slices gives the SDK's objects (seed %i)",
    async (seed) => {
      const body = generatedPage(seed, 3000);
      const split = pageBody(Buffer.from(body))!;
      expect([...split.slices()].length).toBeGreaterThan(1);
      const mine = parseListPageBody(split);
      const sdk = await sdkRead(body);
      expect(mine!.objects).toEqual(sdk.objects);
      expect(mine!.commonPrefixes).toEqual(sdk.commonPrefixes);
      expect(peekNextToken(split.outer)).toBe(sdk.nextToken);
    },
  );

  it("reads directories between the Contents, and the token after them, from the slices and the rest", () => {
    const contents = (from: number) =>
      Array.from({ length: 400 }, (_, i) => `<Contents><Key>k${from + i} データ</Key><Size>1</Size></Contents>`).join(
        "",
      );
    const body = `<ListBucketResult>${contents(0)}<CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes>${contents(400)}<IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken></ListBucketResult>`;
    const page = parseListPageBody(pageBody(Buffer.from(body))!);
    expect(page).toMatchObject({ commonPrefixes: ["d/"], truncated: true, nextToken: "t" });
    expect(page!.objects.map((o) => o.key)).toEqual(Array.from({ length: 800 }, (_, i) => `k${i} データ`));
  });

  it("leaves a body that is not UTF-8 to the SDK", () => {
    const bytes = Buffer.concat([
      Buffer.from("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>"),
      Buffer.from([0xff]),
      Buffer.from("</Key></Contents></ListBucketResult>"),
    ]);
    const body = pageBody(bytes);
    expect(body === undefined || parseListPageBody(body) === undefined).toBe(true);
  });

  it("reads the documented example's shape (pretty-printed, empty <Prefix/>, STANDARD)", () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
    <Name>amzn-s3-demo-bucket</Name>
    <Prefix/>
    <KeyCount>1</KeyCount>
    <MaxKeys>1000</MaxKeys>
    <IsTruncated>false</IsTruncated>
    <Contents>
        <Key>my-image.jpg</Key>
        <LastModified>2009-10-12T17:50:30.000Z</LastModified>
        <ETag>"fba9dede5f27731c9771645a39863328"</ETag>
        <Size>434234</Size>
        <StorageClass>STANDARD</StorageClass>
    </Contents>
</ListBucketResult>`;
    expect(parseListPage(body)).toEqual({
      objects: [{ key: "my-image.jpg", size: 434234, storageClass: "STANDARD" }],
      commonPrefixes: [],
      truncated: false,
    });
  });

  it.each([
    ["a CDATA section", "<Contents><Key><![CDATA[a]]></Key></Contents>"],
    ["a comment", "<!-- note --><Contents><Key>a</Key></Contents>"],
    ["an attribute", '<Contents id="1"><Key>a</Key></Contents>'],
    ["URL-encoded keys", "<EncodingType>url</EncodingType><Contents><Key>a%20b</Key></Contents>"],
    ["an unknown entity", "<Contents><Key>a&nbsp;b</Key></Contents>"],
    ["a size that is not a number", "<Contents><Key>a</Key><Size>-1</Size></Contents>"],
    ["a truncated page without a token", "<Contents><Key>a</Key></Contents>"],
  ])("does not guess at %s: undefined, so the SDK reads it", (_, inner) => {
    const truncated = _ === "a truncated page without a token";
    const body = `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>${truncated}</IsTruncated>${inner}</ListBucketResult>`;
    expect(parseListPage(body)).toBeUndefined();
  });

  it("decodes the five entities and numeric references, and refuses anything else", () => {
    expect(decodeXmlText("a&amp;b&lt;c&gt;d&quot;e&apos;f&#233;&#x1F600;")).toBe("a&b<c>d\"e'fé😀");
    expect(decodeXmlText("a&b")).toBeUndefined();
    expect(decodeXmlText("&#xZZ;")).toBeUndefined();
  });
});

describe("aws/listing.ts", () => {
  it("gives what the SDK gives for a page it reads itself, and for one it leaves to the SDK", async () => {
    const mine = generatedPage(7);
    const sdkOnly = mine.replace("<Name>", "<EncodingType>url</EncodingType><Name>");
    for (const body of [mine, sdkOnly]) {
      const { s3 } = answering([body]);
      const page = await listPage(s3, { bucket: "data-bucket", prefix: "" }, {});
      const sdk = await sdkRead(body);
      expect(page.objects).toEqual(sdk.objects);
      expect(page.truncated).toBe(sdk.truncated);
    }
  });

  it("asks for the next page with the page's own token, each page once, and stops at the last", async () => {
    const page = (token: string | undefined, key: string) =>
      `<ListBucketResult><IsTruncated>${token !== undefined}</IsTruncated>${token ? `<NextContinuationToken>${token}</NextContinuationToken>` : ""}<Contents><Key>${key}</Key></Contents></ListBucketResult>`;
    const { s3, asked } = answering([page("t&amp;1", "a"), page("t2", "b"), page(undefined, "c")]);
    const counters = { list: 0, head: 0 };
    const keys: string[] = [];
    for await (const p of listPages(s3, { bucket: "data-bucket", prefix: "" }, { counters }))
      keys.push(...p.objects.map((o) => o.key));
    expect(keys).toEqual(["a", "b", "c"]);
    expect(asked).toEqual([null, "t&1", "t2"]);
    expect(counters.list).toBe(3);
  });
});
