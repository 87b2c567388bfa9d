/**
 * Listing a dataset: ListObjectsV2 with `OptionalObjectAttributes: ["RestoreStatus"]`, one request per
 * 1,000 keys, streamed page by page so memory stays flat however many objects there are. With `deep`,
 * each Intelligent-Tiering object (and only those) gets one HeadObject for its access tier.
 *
 * Near the floor of what listing can cost: the next page is asked for as soon as its continuation token is
 * known, while the caller works through the current one (one page in flight, one being read), and a page's
 * body is read by core/list-page.ts rather than the SDK's general XML parser. The SDK still signs, retries,
 * times out and turns error answers into errors; only a 200 body this reader recognises skips its parser.
 * `listParallel` fans a location out over its common prefixes ("directories") for trees of run or date
 * directories, each part listed this way.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client, type _Object } from "@aws-sdk/client-s3";
import type { ListedObject } from "../core/dataset";
import { pageBody, parseListPageBody, peekNextToken, type ListPage } from "../core/list-page";
import { restoreStateOf } from "../core/restore-rules";

export interface ListingCounters {
  list: number;
  head: number;
}

export interface Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** An object as the SDK parsed it (the path a page takes when core/list-page.ts does not recognise it). */
export function listedFromSdk(c: _Object & { Key: string }): ListedObject {
  return {
    key: c.Key,
    size: c.Size ?? 0,
    storageClass: c.StorageClass ?? "STANDARD",
    ...(c.RestoreStatus?.IsRestoreInProgress ? { restoreInProgress: true } : {}),
    ...(c.RestoreStatus?.RestoreExpiryDate ? { restoreExpiry: c.RestoreStatus.RestoreExpiryDate } : {}),
  };
}

/** The raw HTTP answer as the deserialize step sees it. */
interface RawResponse {
  statusCode?: number;
  body?: unknown;
}

/** What the SDK's own parser gets instead of a page this module has already read. */
const EMPTY_RESULT = new TextEncoder().encode("<ListBucketResult></ListBucketResult>");

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** One page: read by core/list-page.ts when it recognises the body, else by the SDK. */
export async function listPage(
  s3: S3Client,
  location: Location,
  options: {
    token?: string;
    delimiter?: string;
    /** Keys after this one only (ListObjectsV2 StartAfter): sent with the first request, the token after. */
    startAfter?: string;
    /** Called once with the next page's token as soon as the body is in, before it is parsed. */
    onToken?: (token: string) => void;
  },
): Promise<ListPage> {
  const command = new ListObjectsV2Command({
    Bucket: location.bucket,
    Prefix: location.prefix || undefined,
    ContinuationToken: options.token,
    ...(options.startAfter !== undefined && !options.token ? { StartAfter: options.startAfter } : {}),
    ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
    OptionalObjectAttributes: ["RestoreStatus"],
  });
  let read: ListPage | undefined;
  // Inside the SDK's deserializer (so after signing and within its retries): a 200 body is read here and,
  // when recognised, the SDK's parser gets an empty result instead. Error answers pass untouched.
  command.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<{ response: RawResponse }>) => async (args: unknown) => {
      const result = await next(args);
      const { response } = result;
      if (response.statusCode !== 200 || response.body === undefined) return result;
      const bytes = await bodyBytes(response.body);
      const body = pageBody(bytes);
      const token = body && options.onToken && peekNextToken(body.outer);
      if (token) options.onToken!(token);
      read = body && parseListPageBody(body);
      response.body = read ? EMPTY_RESULT : bytes;
      return result;
    }) as never,
    { relation: "after", toMiddleware: "deserializerMiddleware", name: "glacierRestoreListPage" },
  );
  const page = await s3.send(command);
  if (read) return read;
  return {
    objects: (page.Contents ?? [])
      .filter((c): c is _Object & { Key: string } => c.Key !== undefined)
      .map(listedFromSdk),
    commonPrefixes: (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])),
    truncated: page.IsTruncated === true && page.NextContinuationToken !== undefined,
    ...(page.IsTruncated && page.NextContinuationToken ? { nextToken: page.NextContinuationToken } : {}),
  };
}

/** A page requested, and the one after it when it was requested early (from the token in its body). */
interface PageRequest {
  readonly page: Promise<ListPage>;
  next?: { readonly token: string; readonly request: PageRequest };
}

/**
 * The pages of one location in listing order. The next page is requested as soon as the current page's
 * body is in (its token read before the page is parsed), so the network and S3 work on it while this one
 * is parsed and read by the caller. Bounded: at most one page requested ahead of the one being read.
 */
export async function* listPages(
  s3: S3Client,
  location: Location,
  options: { delimiter?: string; startAfter?: string; counters?: ListingCounters } = {},
): AsyncGenerator<ListPage> {
  const counters = options.counters ?? { list: 0, head: 0 };
  let ahead = 0;
  const request = (token?: string): PageRequest => {
    counters.list += 1;
    const r: PageRequest = {
      page: listPage(s3, location, {
        ...(token ? { token } : {}),
        ...(options.delimiter ? { delimiter: options.delimiter } : {}),
        ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
        onToken: (next) => {
          if (r.next || ahead >= 1) return;
          ahead += 1;
          r.next = { token: next, request: request(next) };
        },
      }),
    };
    return r;
  };
  let current: PageRequest | undefined = request();
  try {
    while (current) {
      const page: ListPage = await current.page;
      const early: PageRequest["next"] = current.next;
      if (early) ahead -= 1;
      if (!page.truncated || !page.nextToken) current = undefined;
      else if (early && early.token === page.nextToken) current = early.request;
      else {
        // Read early but not the page's own token (a body the SDK parsed instead): ask again.
        early?.request.page.catch(() => undefined);
        current = request(page.nextToken);
      }
      yield page;
    }
  } finally {
    // A caller that stops early leaves at most two requests in flight: their outcome no longer matters.
    current?.page.catch(() => undefined);
    current?.next?.request.page.catch(() => undefined);
  }
}

/** An Intelligent-Tiering object completed by HeadObject (its access tier, its restore); others as they are. */
export async function withAccessTier(
  s3: S3Client,
  bucket: string,
  o: ListedObject,
  counters: ListingCounters,
): Promise<ListedObject> {
  if (o.storageClass !== "INTELLIGENT_TIERING") return o;
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: o.key }));
  counters.head += 1;
  return {
    ...o,
    archiveStatus: head.ArchiveStatus ?? "",
    ...(restoreStateOf(head.Restore) === "ongoing" ? { restoreInProgress: true } : {}),
  };
}

/**
 * The objects of a location page by page (an array per ListObjectsV2 page, in listing order), so callers
 * pay one await per page rather than one per object.
 */
export async function* listBatches(
  s3: S3Client,
  location: Location,
  options: {
    deep?: boolean;
    counters?: ListingCounters;
    /** "/" lists only the direct children of the prefix (a directory), not every key under it. */
    delimiter?: string;
  } = {},
): AsyncGenerator<ListedObject[]> {
  const counters = options.counters ?? { list: 0, head: 0 };
  for await (const page of listPages(s3, location, { ...options, counters }))
    yield options.deep ? await withAccessTiers(s3, location.bucket, page.objects, counters) : page.objects;
}

/** Batches one object at a time. */
export async function* eachObject(batches: AsyncIterable<ListedObject[]>): AsyncGenerator<ListedObject> {
  for await (const batch of batches) yield* batch;
}

/** listBatches one object at a time. */
export function listDataset(
  s3: S3Client,
  location: Location,
  options: { deep?: boolean; counters?: ListingCounters; delimiter?: string } = {},
): AsyncGenerator<ListedObject> {
  return eachObject(listBatches(s3, location, options));
}

/** A page's objects with the Intelligent-Tiering ones completed by HeadObject, one after another. */
async function withAccessTiers(
  s3: S3Client,
  bucket: string,
  objects: ListedObject[],
  counters: ListingCounters,
): Promise<ListedObject[]> {
  const done: ListedObject[] = [];
  for (const o of objects) done.push(await withAccessTier(s3, bucket, o, counters));
  return done;
}

/** How far a parallel listing has got: parts found and finished, objects listed. */
export interface ListingProgress {
  parts: number;
  partsDone: number;
  objects: number;
}

/**
 * Every object under the location, a page at a time, listed by up to `parallel` concurrent streams, in no particular order
 * (callers that need the listing order use listBatches). The location is split over its common prefixes:
 * a part's first page is asked with the "/" delimiter, which gives its direct objects and, when they fit
 * in that page, its sub-directories as new parts, while fewer than `parallel` × 4 parts are known and the
 * tree is at most 8 levels deep below the location; other parts are listed whole, without a delimiter
 * (1,000 keys a request). Every object comes once. Each directory costs at least one request, so a split
 * pays for itself only on directories of many objects; a flat prefix is one stream (no guessed key ranges).
 * Memory stays bounded: each stream stops asking for pages while `parallel` × 2 pages wait to be read.
 */
export async function* listParallel(
  s3: S3Client,
  location: Location,
  options: {
    parallel: number;
    deep?: boolean;
    counters?: ListingCounters;
    onProgress?: (p: ListingProgress) => void;
  },
): AsyncGenerator<ListedObject[]> {
  const counters = options.counters ?? { list: 0, head: 0 };
  const progress: ListingProgress = { parts: 1, partsDone: 0, objects: 0 };
  const splitWhileBelow = options.parallel * 4;
  const maxDepth = 8;
  const parts: { prefix: string; depth: number; split: boolean }[] = [
    { prefix: location.prefix, depth: 0, split: true },
  ];
  const ready: ListPage[] = [];
  const maxReady = options.parallel * 2;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let roomWaiters: (() => void)[] = [];
  let running = 0;
  let stopped = false;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const deliver = async (page: ListPage): Promise<void> => {
    ready.push(page);
    signal();
    while (ready.length >= maxReady && !stopped) await new Promise<void>((r) => roomWaiters.push(r));
  };
  /** A stream's pages to the reader, less the objects already given (`given`). */
  const deliverAll = async (pages: AsyncIterable<ListPage>, given?: Set<string>): Promise<void> => {
    for await (const page of pages) {
      if (stopped) return;
      await deliver(given ? { ...page, objects: page.objects.filter((o) => !given.has(o.key)) } : page);
    }
  };
  const listPart = async (part: { prefix: string; depth: number; split: boolean }): Promise<void> => {
    const where = { bucket: location.bucket, prefix: part.prefix };
    if (!part.split) return deliverAll(listPages(s3, where, { counters }));
    // One page with the delimiter shows the directories. More than fits in a page: too wide to split
    // (each would cost a request); the part is listed whole instead, less what that page already gave.
    const first = await listPage(s3, where, { delimiter: "/" });
    counters.list += 1;
    if (stopped) return;
    if (!first.truncated)
      for (const prefix of first.commonPrefixes) {
        const depth = part.depth + 1;
        parts.push({ prefix, depth, split: progress.parts < splitWhileBelow && depth < maxDepth });
        progress.parts += 1;
      }
    await deliver({ ...first, commonPrefixes: [] });
    if (!first.truncated) return;
    const last = first.objects.at(-1)?.key;
    // Files only so far: every key up to the last one was given, so go on after it (StartAfter).
    if (first.commonPrefixes.length === 0 && last !== undefined)
      return deliverAll(listPages(s3, where, { counters, startAfter: last }));
    return deliverAll(listPages(s3, where, { counters }), new Set(first.objects.map((o) => o.key)));
  };
  const worker = async (): Promise<void> => {
    for (let part = parts.shift(); part && !stopped; part = parts.shift()) {
      await listPart(part);
      progress.partsDone += 1;
      options.onProgress?.(progress);
    }
  };
  const workers = new Set<Promise<void>>();
  const startWorkers = () => {
    while (!failure && parts.length > 0 && running < options.parallel) {
      running += 1;
      const w: Promise<void> = worker()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => {
          running -= 1;
          workers.delete(w);
          signal();
        });
      workers.add(w);
    }
  };

  try {
    startWorkers();
    for (;;) {
      const page = ready.shift();
      if (page) {
        const waiters = roomWaiters;
        roomWaiters = [];
        for (const r of waiters) r();
        progress.objects += page.objects.length;
        yield options.deep ? await withAccessTiers(s3, location.bucket, page.objects, counters) : page.objects;
        options.onProgress?.(progress);
        startWorkers();
        continue;
      }
      if (failure) throw failure.error;
      startWorkers();
      if (running === 0 && parts.length === 0) break;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stopped = true;
    for (const r of roomWaiters) r();
    await Promise.allSettled(workers);
  }
}
