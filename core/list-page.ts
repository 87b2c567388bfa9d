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

interface Element {
  readonly name: string;
  /** Inner text (raw, undecoded) between the start and end tags. */
  readonly inner: string;
}

/**
 * The child elements of `xml` from `from` to `to`, in order. Only the shapes S3 writes are accepted: plain
 * start tags without attributes (except the root's namespace), end tags, empty elements `<A/>`; a comment,
 * CDATA section, processing instruction or attribute gives undefined. Children of the same name do not nest
 * in a ListBucketResult, so each element ends at the first end tag of its name.
 */
function children(xml: string, from: number, to: number): Element[] | undefined {
  const found: Element[] = [];
  let at = from;
  for (;;) {
    const open = xml.indexOf("<", at);
    if (open < 0 || open >= to) {
      // Only whitespace may sit between elements.
      return /^\s*$/.test(xml.slice(at, to)) ? found : undefined;
    }
    if (!/^\s*$/.test(xml.slice(at, open))) return undefined;
    const close = xml.indexOf(">", open);
    if (close < 0 || close >= to) return undefined;
    const tag = xml.slice(open + 1, close);
    if (tag.endsWith("/")) {
      const name = tag.slice(0, -1);
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return undefined;
      found.push({ name, inner: "" });
      at = close + 1;
      continue;
    }
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(tag)) return undefined;
    const end = xml.indexOf(`</${tag}>`, close + 1);
    if (end < 0 || end >= to) return undefined;
    found.push({ name: tag, inner: xml.slice(close + 1, end) });
    at = end + tag.length + 3;
  }
}

/** Text-only content (no child element), decoded; undefined when it holds markup. */
function textOf(e: Element): string | undefined {
  return e.inner.includes("<") ? undefined : decodeXmlText(e.inner);
}

function booleanOf(e: Element): boolean | undefined {
  const t = textOf(e);
  return t === "true" ? true : t === "false" ? false : undefined;
}

function objectOf(contents: Element): ListedObject | undefined {
  const fields = children(contents.inner, 0, contents.inner.length);
  if (!fields) return undefined;
  let key: string | undefined;
  let size = 0;
  let storageClass = "STANDARD";
  let restoreInProgress = false;
  let restoreExpiry: Date | undefined;
  for (const f of fields) {
    if (f.name === "Key") key = textOf(f);
    else if (f.name === "Size") {
      const t = textOf(f);
      if (t === undefined || !/^\d+$/.test(t)) return undefined;
      size = Number(t);
    } else if (f.name === "StorageClass") {
      const t = textOf(f);
      if (t === undefined) return undefined;
      storageClass = t;
    } else if (f.name === "RestoreStatus") {
      const status = children(f.inner, 0, f.inner.length);
      if (!status) return undefined;
      for (const s of status) {
        if (s.name === "IsRestoreInProgress") {
          const b = booleanOf(s);
          if (b === undefined) return undefined;
          restoreInProgress = b;
        } else if (s.name === "RestoreExpiryDate") {
          const t = textOf(s);
          const when = t === undefined ? Number.NaN : Date.parse(t);
          if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t ?? "") || Number.isNaN(when))
            return undefined;
          restoreExpiry = new Date(when);
        }
      }
    }
    // LastModified, ETag, checksums, Owner: not needed for a dataset's state.
  }
  if (key === undefined) return undefined;
  return {
    key,
    size,
    storageClass,
    ...(restoreInProgress ? { restoreInProgress: true } : {}),
    ...(restoreExpiry ? { restoreExpiry } : {}),
  };
}

/** The page, or undefined when the body is not a ListBucketResult this reader fully recognises. */
export function parseListPage(xml: string): ListPage | undefined {
  let at = 0;
  if (xml.startsWith("<?xml")) {
    at = xml.indexOf("?>");
    if (at < 0) return undefined;
    at += 2;
  }
  const rootOpen = xml.indexOf("<ListBucketResult", at);
  if (rootOpen < 0 || !/^\s*$/.test(xml.slice(at, rootOpen))) return undefined;
  const rootTagEnd = xml.indexOf(">", rootOpen);
  if (rootTagEnd < 0) return undefined;
  const rootTag = xml.slice(rootOpen + "<ListBucketResult".length, rootTagEnd);
  // The root carries S3's namespace declaration, nothing else.
  if (!/^(\s+xmlns="[^"]*")?\s*$/.test(rootTag)) return undefined;
  const rootClose = xml.lastIndexOf("</ListBucketResult>");
  if (rootClose < rootTagEnd || !/^\s*$/.test(xml.slice(rootClose + "</ListBucketResult>".length))) return undefined;
  const elements = children(xml, rootTagEnd + 1, rootClose);
  if (!elements) return undefined;
  const objects: ListedObject[] = [];
  const commonPrefixes: string[] = [];
  let truncated: boolean | undefined;
  let nextToken: string | undefined;
  for (const e of elements) {
    if (e.name === "Contents") {
      const o = objectOf(e);
      if (!o) return undefined;
      objects.push(o);
    } else if (e.name === "CommonPrefixes") {
      const inner = children(e.inner, 0, e.inner.length);
      const prefix = inner?.find((c) => c.name === "Prefix");
      const text = prefix && textOf(prefix);
      if (text === undefined) return undefined;
      commonPrefixes.push(text);
    } else if (e.name === "IsTruncated") {
      truncated = booleanOf(e);
      if (truncated === undefined) return undefined;
    } else if (e.name === "NextContinuationToken") {
      nextToken = textOf(e);
      if (nextToken === undefined) return undefined;
    } else if (e.name === "EncodingType") {
      // Keys would be URL-encoded: this project never asks for it, so such a page is left to the SDK.
      return undefined;
    }
  }
  if (truncated === undefined || (truncated && !nextToken)) return undefined;
  return { objects, commonPrefixes, truncated, ...(truncated && nextToken ? { nextToken } : {}) };
}
