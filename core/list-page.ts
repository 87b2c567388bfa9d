/**
 * One ListObjectsV2 answer page, read from its XML body without a general XML parser. The SDK's parser
 * builds a tree of every element of the page (LastModified, ETag, checksums, owner) and costs about 12 ms
 * of CPU per 1,000-key page on these machines, more than the request itself against a local endpoint; this
 * reads only what a dataset summary needs. Element names follow the S3 API Reference, ListObjectsV2
 * "Response Syntax": ListBucketResult > IsTruncated, NextContinuationToken, EncodingType,
 * Contents > (Key, Size, StorageClass, RestoreStatus > (IsRestoreInProgress, RestoreExpiryDate)),
 * CommonPrefixes > Prefix. The same page says a 200 answer "can contain valid or invalid XML": anything this
 * reader does not fully recognise gives `undefined`, and the caller lets the SDK parse (and reject) it.
 * A test compares this reader with the SDK's parser on generated pages (__tests__/core/list-page.test.ts).
 */
import type { ListedObject } from "./dataset";

export interface ListPage {
  readonly objects: ListedObject[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  readonly nextToken?: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character data with its five predefined entities and numeric references decoded; undefined if malformed. */
export function decodeXmlText(text: string): string | undefined {
  if (!text.includes("&")) return text;
  let bad = false;
  const decoded = text.replace(/&([^;&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) bad = true;
    if (name.startsWith("#x") || name.startsWith("#X")) {
      const code = Number.parseInt(name.slice(2), 16);
      if (!/^[0-9a-fA-F]+$/.test(name.slice(2)) || code > 0x10ffff) bad = true;
      else return String.fromCodePoint(code);
    } else if (name.startsWith("#")) {
      const code = Number(name.slice(1));
      if (!/^[0-9]+$/.test(name.slice(1)) || code > 0x10ffff) bad = true;
      else return String.fromCodePoint(code);
    } else if (ENTITIES[name] !== undefined) return ENTITIES[name];
    else bad = true;
    return whole;
  });
  return bad ? undefined : decoded;
}

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const SPACE = /^\s*$/;

/**
 * Calls `visit(name, start, end)` for each child element of xml[from, to), in order (start and end bound
 * its content); false when the markup is not of the shapes S3 writes (plain start tags without attributes,
 * end tags, empty `<A/>`, whitespace between; a comment, CDATA section, processing instruction or
 * attribute is refused) or when `visit` refuses. Children of the same name do not nest in a
 * ListBucketResult, so each element ends at the first end tag of its name.
 */
function eachChild(
  xml: string,
  from: number,
  to: number,
  visit: (name: string, start: number, end: number) => boolean,
): boolean {
  let at = from;
  for (;;) {
    const open = xml.indexOf("<", at);
    if (open < 0 || open >= to) return SPACE.test(xml.slice(at, to));
    if (open > at && !SPACE.test(xml.slice(at, open))) return false;
    const close = xml.indexOf(">", open);
    if (close < 0 || close >= to) return false;
    const tag = xml.slice(open + 1, close);
    if (tag.endsWith("/")) {
      if (!NAME.test(tag.slice(0, -1)) || !visit(tag.slice(0, -1), close + 1, close + 1)) return false;
      at = close + 1;
      continue;
    }
    if (!NAME.test(tag)) return false;
    const end = xml.indexOf(`</${tag}>`, close + 1);
    if (end < 0 || end >= to || !visit(tag, close + 1, end)) return false;
    at = end + tag.length + 3;
  }
}

/** Text-only content (no child element), decoded; undefined when it holds markup. */
function textIn(xml: string, start: number, end: number): string | undefined {
  const raw = xml.slice(start, end);
  return raw.includes("<") ? undefined : decodeXmlText(raw);
}

/** The raw text of the first `<name>` element inside xml[from, to), or undefined when there is none. */
function field(xml: string, name: string, from: number, to: number): string | undefined {
  const open = xml.indexOf(`<${name}>`, from);
  if (open < 0 || open >= to) return undefined;
  const start = open + name.length + 2;
  const end = xml.indexOf(`</${name}>`, start);
  return end < 0 || end > to ? undefined : xml.slice(start, end);
}

/** The decoded text of the first `<name>` element inside xml[from, to); undefined when none or not text. */
function fieldText(xml: string, name: string, from: number, to: number): string | undefined {
  const raw = field(xml, name, from, to);
  return raw === undefined || raw.includes("<") ? undefined : decodeXmlText(raw);
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * One Contents element's object. Its children are found by name: character data cannot hold a raw "<",
 * and no other child of Contents (Owner's ID and DisplayName, RestoreStatus's fields) shares their names.
 */
function objectOf(block: string): ListedObject | undefined {
  const end = block.length;
  const key = fieldText(block, "Key", 0, end);
  if (key === undefined) return undefined;
  const sizeText = field(block, "Size", 0, end);
  if (sizeText !== undefined && !/^\d+$/.test(sizeText)) return undefined;
  const cls = field(block, "StorageClass", 0, end);
  if (cls !== undefined && (cls.includes("<") || cls.includes("&"))) return undefined;
  const listed: ListedObject = {
    key,
    size: sizeText === undefined ? 0 : Number(sizeText),
    storageClass: cls ?? "STANDARD",
  };
  const restore = block.indexOf("<RestoreStatus>");
  if (restore < 0) return listed;
  const restoreEnd = block.indexOf("</RestoreStatus>", restore);
  if (restoreEnd < 0) return undefined;
  const inProgress = field(block, "IsRestoreInProgress", restore, restoreEnd);
  if (inProgress !== undefined && inProgress !== "true" && inProgress !== "false") return undefined;
  const expiryText = field(block, "RestoreExpiryDate", restore, restoreEnd);
  let restoreExpiry: Date | undefined;
  if (expiryText !== undefined) {
    const when = Date.parse(expiryText);
    if (!RFC3339.test(expiryText) || Number.isNaN(when)) return undefined;
    restoreExpiry = new Date(when);
  }
  return {
    ...listed,
    ...(inProgress === "true" ? { restoreInProgress: true } : {}),
    ...(restoreExpiry ? { restoreExpiry } : {}),
  };
}

/** What a page's elements add up to while they are read. */
interface PageParts {
  readonly objects: ListedObject[];
  readonly commonPrefixes: string[];
  truncated?: boolean;
  nextToken?: string;
}

/** Reads one child element of ListBucketResult into `parts`; false when it is not one this reader knows. */
function readElement(xml: string, name: string, start: number, end: number, parts: PageParts): boolean {
  if (name === "Contents") {
    // Searched within its own text: a name missing from it must not send indexOf through the rest.
    const o = objectOf(xml.slice(start, end));
    if (o) parts.objects.push(o);
    return o !== undefined;
  }
  if (name === "CommonPrefixes") {
    let prefix: string | undefined;
    const ok = eachChild(xml, start, end, (inner, s, e) => {
      if (inner === "Prefix") prefix = textIn(xml, s, e);
      return true;
    });
    if (ok && prefix !== undefined) parts.commonPrefixes.push(prefix);
    return ok && prefix !== undefined;
  }
  if (name === "IsTruncated") {
    const t = textIn(xml, start, end);
    parts.truncated = t === "true" ? true : t === "false" ? false : undefined;
    return parts.truncated !== undefined;
  }
  if (name === "NextContinuationToken") {
    parts.nextToken = textIn(xml, start, end);
    return parts.nextToken !== undefined;
  }
  // Keys would be URL-encoded: this project never asks for it, so such a page is left to the SDK.
  return name !== "EncodingType";
}

/** The root's content range [start, end) in a document, or undefined when it is not a ListBucketResult. */
function rootOf(xml: string): { start: number; end: number } | undefined {
  let at = 0;
  if (xml.startsWith("<?xml")) {
    at = xml.indexOf("?>");
    if (at < 0) return undefined;
    at += 2;
  }
  const rootOpen = xml.indexOf("<ListBucketResult", at);
  if (rootOpen < 0 || !SPACE.test(xml.slice(at, rootOpen))) return undefined;
  const rootTagEnd = xml.indexOf(">", rootOpen);
  if (rootTagEnd < 0) return undefined;
  const rootTag = xml.slice(rootOpen + "<ListBucketResult".length, rootTagEnd);
  // The root carries S3's namespace declaration, nothing else.
  if (!/^(\s+xmlns="[^"]*")?\s*$/.test(rootTag)) return undefined;
  const rootClose = xml.lastIndexOf("</ListBucketResult>");
  if (rootClose < rootTagEnd || !SPACE.test(xml.slice(rootClose + "</ListBucketResult>".length))) return undefined;
  return { start: rootTagEnd + 1, end: rootClose };
}

function finished(parts: PageParts): ListPage | undefined {
  const { objects, commonPrefixes, truncated, nextToken } = parts;
  if (truncated === undefined || (truncated && !nextToken)) return undefined;
  return { objects, commonPrefixes, truncated, ...(truncated && nextToken ? { nextToken } : {}) };
}

/** The page, or undefined when the body is not a ListBucketResult this reader fully recognises. */
export function parseListPage(xml: string): ListPage | undefined {
  const root = rootOf(xml);
  if (!root) return undefined;
  const parts: PageParts = { objects: [], commonPrefixes: [] };
  const read = eachChild(xml, root.start, root.end, (name, start, end) => readElement(xml, name, start, end, parts));
  return read ? finished(parts) : undefined;
}

/**
 * A page body as bytes, split so that no large string is made: `outer` is the document without its run of
 * Contents elements (every other element, the continuation token among them: S3 does not document their
 * order), and the run itself is decoded in slices of about 64 KiB cut after a `</Contents>`. A 1,000-key
 * page decoded whole is a string of some 250 KB, which V8 keeps in its large-object space until a full
 * collection: over a long listing the process grows by tens of MB; slices stay in the young generation.
 */
export interface PageBody {
  readonly outer: string;
  readonly slices: () => Iterable<string>;
}

const OPEN_CONTENTS = new TextEncoder().encode("<Contents>");
const CLOSE_CONTENTS = new TextEncoder().encode("</Contents>");
const SLICE_BYTES = 64 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Where `needle` starts in `bytes` at or after `from` (or, with `backwards`, at or before it); -1 if nowhere. */
function findBytes(bytes: Uint8Array, needle: Uint8Array, from: number, backwards = false): number {
  const last = bytes.length - needle.length;
  for (let i = backwards ? Math.min(from, last) : from; backwards ? i >= 0 : i <= last; backwards ? i-- : i++) {
    let j = 0;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** The body split for reading (see PageBody); undefined when it is not UTF-8. */
export function pageBody(bytes: Uint8Array): PageBody | undefined {
  try {
    const first = findBytes(bytes, OPEN_CONTENTS, 0);
    const lastClose = first < 0 ? -1 : findBytes(bytes, CLOSE_CONTENTS, bytes.length, true);
    if (first < 0 || lastClose < first) return { outer: utf8.decode(bytes), slices: () => [] };
    const runEnd = lastClose + CLOSE_CONTENTS.length;
    const outer = utf8.decode(bytes.subarray(0, first)) + utf8.decode(bytes.subarray(runEnd));
    return {
      outer,
      *slices() {
        for (let at = first; at < runEnd;) {
          const cut =
            at + SLICE_BYTES >= runEnd
              ? runEnd - CLOSE_CONTENTS.length
              : findBytes(bytes, CLOSE_CONTENTS, at + SLICE_BYTES);
          const end = cut < 0 || cut >= runEnd ? runEnd : cut + CLOSE_CONTENTS.length;
          yield utf8.decode(bytes.subarray(at, end));
          at = end;
        }
      },
    };
  } catch {
    return undefined;
  }
}

/** The page a body holds, read slice by slice; undefined when this reader does not fully recognise it. */
export function parseListPageBody(body: PageBody): ListPage | undefined {
  const root = rootOf(body.outer);
  if (!root) return undefined;
  const parts: PageParts = { objects: [], commonPrefixes: [] };
  const xml = body.outer;
  if (!eachChild(xml, root.start, root.end, (name, start, end) => readElement(xml, name, start, end, parts)))
    return undefined;
  try {
    for (const slice of body.slices())
      if (!eachChild(slice, 0, slice.length, (name, start, end) => readElement(slice, name, start, end, parts)))
        return undefined;
  } catch {
    return undefined;
  }
  return finished(parts);
}

/**
 * The continuation token of a page, read before the page itself (so the next request can leave first),
 * or undefined. The caller checks it against the parsed page's own token.
 */
export function peekNextToken(xml: string): string | undefined {
  return fieldText(xml, "NextContinuationToken", 0, xml.length);
}
