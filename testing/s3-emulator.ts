/**
 * A small S3 emulator for the handler's integration tests: HeadObject and RestoreObject with Glacier
 * semantics (storage classes, Intelligent-Tiering archive tiers, versions, restores that stay "ongoing"
 * until completed) and injectable faults. It listens on 127.0.0.1 only and speaks path-style S3 REST,
 * which the AWS SDK uses for an IP endpoint. The same port also answers the two DynamoDB calls the
 * claim store makes (PutItem/DeleteItem with the condition forms it uses; moto checks those semantics)
 * and SNS Publish (query protocol), keeping what was published.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type StorageClass =
  "STANDARD" | "STANDARD_IA" | "ONEZONE_IA" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE" | "INTELLIGENT_TIERING";

export interface StoredObject {
  storageClass: StorageClass;
  archiveStatus?: "ARCHIVE_ACCESS" | "DEEP_ARCHIVE_ACCESS";
  restore: "none" | "ongoing" | "restored";
  restoreExpiry?: Date;
  versionId: string;
  /** Bytes, as listed (default 1 MiB). */
  size: number;
  /** The object's content, when a test or a PutObject gave one (GetObject serves it). */
  body?: Buffer;
  /** The ETag S3 would answer for `body`: its MD5, quoted. */
  etag?: string;
}

export interface Fault {
  op: "head" | "restore" | "publish" | "create-job" | "list";
  status: number;
  code: string;
  /** Only requests with this tier (restore) are affected. */
  tier?: string;
  /** How many requests the fault answers; Infinity for all. */
  times: number;
}

export interface PublishedMessage {
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
}

export interface RequestRecord {
  op:
    | "head"
    | "head-bucket"
    | "get"
    | "restore"
    | "list"
    | "claim"
    | "release"
    | "publish"
    | "create-job"
    | "describe-job"
    | "batch-task"
    | "update"
    | "send"
    | "receive"
    | "delete-message"
    | "invoke"
    | "put"
    | "other";
  bucket: string;
  key: string;
  versionId?: string;
  tier?: string;
  days?: number;
  status: number;
  /** PutObject: its x-amz-server-side-encryption and x-amz-expected-bucket-owner headers. */
  sse?: string;
  expectedOwner?: string;
}

/** One S3 Batch Operations job as the emulator ran it. */
export interface EmulatedJob {
  id: string;
  accountId: string;
  token: string;
  status: "Complete" | "Failed";
  /** The CreateJob request, parsed from its XML. */
  request: XmlNode;
  tasks: number;
  succeeded: number;
  failed: number;
  failureReasons: { code: string; reason: string }[];
}

export class S3Emulator {
  private server?: Server;
  private readonly buckets = new Map<string, Map<string, StoredObject[]>>();
  private readonly faults: Fault[] = [];
  /** DynamoDB items by table, then by `pk`. */
  readonly tables = new Map<string, Map<string, Record<string, Record<string, string>>>>();
  readonly requests: RequestRecord[] = [];
  readonly published: PublishedMessage[] = [];
  /** SQS messages sent (SendMessage, JSON protocol), in order. */
  readonly sent: { queueUrl: string; body: string; attributes: Record<string, string> }[] = [];
  /** Messages waiting in each queue (by queue name), as ReceiveMessage and DeleteMessage see them. */
  readonly queues = new Map<
    string,
    { id: string; body: string; attributes: Record<string, string>; hiddenUntil: number }[]
  >();
  /** Lambda Invoke calls: function name, invocation type and payload. */
  readonly invocations: { functionName: string; invocationType: string; payload: string }[] = [];
  /** Called on each Invoke: a test can play the function (for example, defer the event again). */
  onInvoke: ((functionName: string, payload: string) => void) | undefined;
  /** S3 Batch Operations jobs by ID. */
  readonly jobs = new Map<string, EmulatedJob>();
  /** Host names S3 Control requests arrived at (the SDK puts the account ID in front). */
  readonly controlHosts: string[] = [];
  private nextVersion = 1;
  /** Each bucket's keys in UTF-8 binary order, kept until the next put (listing a million keys pages fast). */
  private readonly sortedKeys = new Map<string, string[]>();
  /** Milliseconds from a 202 until the restored copy is readable; undefined: only `complete()` finishes it. */
  restoreDelayMs: number | undefined;
  /** Artificial latency per request, to model a real network round trip in benchmarks. */
  latencyMs = 0;
  /** Called on a GetObject that failed with InvalidObjectState: a test can play the deployed pipeline. */
  onArchivedRead: ((bucket: string, key: string) => void) | undefined;
  /**
   * Buckets with a region set here answer a request signed for another region with 301 (others accept any
   * region); HeadBucket names a bucket's region, us-east-1 when none is set.
   */
  readonly bucketRegions = new Map<string, string>();
  /** The region each request was signed for (SigV4 credential scope), in arrival order. */
  readonly signingRegions: string[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>(
      (resolve, reject) => this.server?.close((err) => (err ? reject(err) : resolve())) ?? resolve(),
    );
  }

  /** Adds a new (current) version of an object. */
  put(
    bucket: string,
    key: string,
    storageClass: StorageClass,
    archiveStatus?: StoredObject["archiveStatus"],
    size = 1_048_576,
  ): StoredObject {
    const objects = this.buckets.get(bucket) ?? new Map<string, StoredObject[]>();
    this.buckets.set(bucket, objects);
    const version: StoredObject = {
      storageClass,
      archiveStatus,
      restore: "none",
      versionId: `v${this.nextVersion++}`,
      size,
    };
    if (!objects.has(key)) this.sortedKeys.delete(bucket);
    objects.set(key, [...(objects.get(key) ?? []), version]);
    return version;
  }

  /** Adds a new (current) version of an object with content, as PutObject does (inventory files, manifests). */
  putBody(bucket: string, key: string, body: Buffer | string, storageClass: StorageClass = "STANDARD"): StoredObject {
    const bytes = Buffer.from(body);
    const version = this.put(bucket, key, storageClass, undefined, bytes.length);
    version.body = bytes;
    version.etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
    return version;
  }

  get(bucket: string, key: string, versionId?: string): StoredObject | undefined {
    const versions = this.buckets.get(bucket)?.get(key);
    if (!versions) return undefined;
    return versionId ? versions.find((v) => v.versionId === versionId) : versions[versions.length - 1];
  }

  /** Finishes a running restore, as S3 does hours later. */
  complete(bucket: string, key: string, versionId?: string): void {
    const obj = this.get(bucket, key, versionId);
    if (!obj || obj.restore !== "ongoing") throw new Error(`no restore running for ${key}`);
    this.finish(obj);
  }

  inject(fault: Omit<Fault, "times"> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  count(op: RequestRecord["op"]): number {
    return this.requests.filter((r) => r.op === op).length;
  }

  reset(): void {
    this.buckets.clear();
    this.sortedKeys.clear();
    this.tables.clear();
    this.published.length = 0;
    this.sent.length = 0;
    this.queues.clear();
    this.invocations.length = 0;
    this.onInvoke = undefined;
    this.jobs.clear();
    this.controlHosts.length = 0;
    this.faults.length = 0;
    this.requests.length = 0;
    this.restoreDelayMs = undefined;
    this.latencyMs = 0;
    this.onArchivedRead = undefined;
    this.bucketRegions.clear();
    this.signingRegions.length = 0;
  }

  private finish(obj: StoredObject): void {
    if (obj.storageClass === "INTELLIGENT_TIERING") {
      // Intelligent-Tiering moves a restored object back to the Frequent Access tier.
      obj.archiveStatus = undefined;
      obj.restore = "none";
    } else {
      obj.restore = "restored";
      // A restored copy always has an expiry (x-amz-restore's expiry-date, RestoreStatus.RestoreExpiryDate).
      obj.restoreExpiry ??= new Date(Date.now() + 86_400_000);
    }
  }

  private takeFault(op: Fault["op"], tier?: string): Fault | undefined {
    const fault = this.faults.find((f) => f.op === op && f.times > 0 && (f.tier === undefined || f.tier === tier));
    if (fault) fault.times -= 1;
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
    });
    const body = raw.toString("utf8");
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const signedFor = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
    this.signingRegions.push(signedFor);
    const target = req.headers["x-amz-target"];
    if (req.method === "POST" && typeof target === "string" && target.startsWith("DynamoDB_20120810."))
      return this.dynamo(target.slice("DynamoDB_20120810.".length), body, res);
    if (req.method === "POST" && typeof target === "string" && target.startsWith("AmazonSQS."))
      return this.sqs(target.slice("AmazonSQS.".length), body, res);
    if (req.method === "POST" && String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
      return this.sns(new URLSearchParams(body), res);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/v20180820/jobs")) return this.control(req, url, body, res);
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (req.method === "POST" && invoke) {
      const functionName = decodeURIComponent(invoke[1]!);
      const invocationType = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
      this.invocations.push({ functionName, invocationType, payload: body });
      this.requests.push({ op: "invoke", bucket: functionName, key: "", status: 202 });
      this.onInvoke?.(functionName, body);
      res.writeHead(invocationType === "Event" ? 202 : 200, { "content-type": "application/json" });
      res.end(invocationType === "Event" ? "" : "null");
      return;
    }
    const [bucket = "", ...rest] = url.pathname.slice(1).split("/");
    const key = rest.map((segment) => decodeURIComponent(segment)).join("/");
    const versionId = url.searchParams.get("versionId") ?? undefined;
    const record = (r: Omit<RequestRecord, "bucket" | "key" | "versionId">) =>
      this.requests.push({ bucket, key, ...(versionId ? { versionId } : {}), ...r });
    // S3 answers a request signed for another region than the bucket's with 301 and the bucket's region in
    // x-amz-bucket-region; HeadBucket gives the region on every answer (S3 API reference, GetBucketLocation
    // and HeadBucket).
    const home = this.bucketRegions.get(bucket) ?? "us-east-1";
    if (this.bucketRegions.has(bucket) && signedFor !== home)
      return this.redirect(res, home, req.method === "HEAD", () =>
        record({ op: req.method === "HEAD" && key === "" ? "head-bucket" : "other", status: 301 }),
      );
    if (req.method === "HEAD" && key === "") {
      const status = this.buckets.has(bucket) ? 200 : 404;
      record({ op: "head-bucket", status });
      res.writeHead(status, status === 200 ? { "x-amz-bucket-region": home } : {});
      res.end();
      return;
    }

    if (req.method === "HEAD") {
      const fault = this.takeFault("head");
      if (fault)
        return this.fail(res, fault.status, fault.code, true, () => record({ op: "head", status: fault.status }));
      const obj = this.get(bucket, key, versionId);
      if (!obj) return this.fail(res, 404, "NotFound", true, () => record({ op: "head", status: 404 }));
      record({ op: "head", status: 200 });
      const headers: Record<string, string> = { "x-amz-version-id": obj.versionId, "content-length": String(obj.size) };
      if (obj.storageClass !== "STANDARD") headers["x-amz-storage-class"] = obj.storageClass;
      if (obj.archiveStatus) headers["x-amz-archive-status"] = obj.archiveStatus;
      if (obj.restore === "ongoing") headers["x-amz-restore"] = 'ongoing-request="true"';
      if (obj.restore === "restored")
        headers["x-amz-restore"] =
          `ongoing-request="false", expiry-date="${(obj.restoreExpiry ?? new Date()).toUTCString()}"`;
      res.writeHead(200, headers);
      res.end();
      return;
    }

    if (req.method === "POST" && url.searchParams.has("restore")) {
      const days = /<Days>(\d+)<\/Days>/.exec(body)?.[1];
      const tier = /<Tier>(\w+)<\/Tier>/.exec(body)?.[1] ?? "Standard";
      const rec = (status: number) => record({ op: "restore", tier, ...(days ? { days: Number(days) } : {}), status });
      const fault = this.takeFault("restore", tier);
      if (fault) return this.fail(res, fault.status, fault.code, false, () => rec(fault.status));
      const obj = this.get(bucket, key, versionId);
      if (!obj) return this.fail(res, 404, "NoSuchKey", false, () => rec(404));
      const answer = this.restoreStored(obj, tier, days === undefined ? undefined : Number(days));
      if (answer.code) return this.fail(res, answer.status, answer.code, false, () => rec(answer.status));
      rec(answer.status);
      res.writeHead(answer.status, { "content-length": "0" });
      res.end();
      return;
    }

    if (req.method === "GET" && key !== "") {
      const obj = this.get(bucket, key, versionId);
      if (!obj) return this.fail(res, 404, "NoSuchKey", false, () => record({ op: "get", status: 404 }));
      const archived =
        obj.storageClass === "GLACIER" ||
        obj.storageClass === "DEEP_ARCHIVE" ||
        (obj.storageClass === "INTELLIGENT_TIERING" && obj.archiveStatus !== undefined);
      // S3 User Guide, "Working with archived objects": a GET of an archived object without a restored
      // copy fails with 403 InvalidObjectState (also while a restore is running).
      if (archived && obj.restore !== "restored")
        return this.fail(res, 403, "InvalidObjectState", false, () => {
          record({ op: "get", status: 403 });
          this.onArchivedRead?.(bucket, key);
        });
      record({ op: "get", status: 200 });
      const content = obj.body ?? Buffer.from("data");
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(content.length),
        ...(obj.etag ? { etag: obj.etag } : {}),
      });
      res.end(content);
      return;
    }

    // PutObject (S3 API reference): stores the body, answers its ETag. An expected bucket owner that is not
    // 12 digits is refused; every emulated bucket belongs to the caller's account.
    // The SDK names the operation in an `x-id` query parameter; any other parameter is another call.
    if (req.method === "PUT" && key !== "" && [...url.searchParams.keys()].every((k) => k === "x-id")) {
      const owner = req.headers["x-amz-expected-bucket-owner"];
      const sse = req.headers["x-amz-server-side-encryption"];
      const put = (status: number) =>
        record({
          op: "put",
          status,
          ...(typeof sse === "string" ? { sse } : {}),
          ...(typeof owner === "string" ? { expectedOwner: owner } : {}),
        });
      if (typeof owner === "string" && !/^\d{12}$/.test(owner))
        return this.fail(res, 400, "InvalidArgument", false, () => put(400));
      const stored = this.putBody(bucket, key, decodeChunked(raw, req.headers["content-encoding"]));
      put(200);
      res.writeHead(200, { etag: stored.etag!, "x-amz-version-id": stored.versionId, "content-length": "0" });
      res.end();
      return;
    }

    const listFault = url.searchParams.get("list-type") === "2" ? this.takeFault("list") : undefined;
    if (listFault)
      return this.fail(res, listFault.status, listFault.code, false, () =>
        this.requests.push({ op: "list", bucket, key: url.searchParams.get("prefix") ?? "", status: listFault.status }),
      );
    if (req.method === "GET" && key === "" && url.searchParams.get("list-type") === "2")
      // A listing's record carries the prefix it asked for (what s3:ListBucket's s3:prefix condition sees).
      return this.list(bucket, url.searchParams, req.headers["x-amz-optional-object-attributes"], res, () =>
        this.requests.push({ op: "list", bucket, key: url.searchParams.get("prefix") ?? "", status: 200 }),
      );

    record({ op: "other", status: 501 });
    this.fail(res, 501, "NotImplemented", false, () => undefined);
  }

  /**
   * RestoreObject's semantics on one stored object (S3 API reference, RestoreObject): 202 starts a
   * restore, 200 renews a restored copy's expiry, 409 while one runs; Days required for Glacier classes
   * and refused for Intelligent-Tiering; no Expedited for Deep Archive; 403 for an object not archived.
   */
  private restoreStored(obj: StoredObject, tier: string, days: number | undefined): { status: number; code?: string } {
    const archived =
      obj.storageClass === "GLACIER" ||
      obj.storageClass === "DEEP_ARCHIVE" ||
      (obj.storageClass === "INTELLIGENT_TIERING" && obj.archiveStatus !== undefined);
    if (!archived) return { status: 403, code: "ObjectAlreadyInActiveTierError" };
    const deep = obj.storageClass === "DEEP_ARCHIVE" || obj.archiveStatus === "DEEP_ARCHIVE_ACCESS";
    if (obj.storageClass === "INTELLIGENT_TIERING" && days) return { status: 400, code: "InvalidArgument" };
    if (obj.storageClass !== "INTELLIGENT_TIERING" && !days) return { status: 400, code: "MalformedXML" };
    if (deep && tier === "Expedited") return { status: 400, code: "InvalidArgument" };
    if (obj.restore === "ongoing") return { status: 409, code: "RestoreAlreadyInProgress" };
    if (obj.restore === "restored") {
      obj.restoreExpiry = new Date(Date.now() + (days ?? 1) * 86_400_000);
      return { status: 200 };
    }
    obj.restore = "ongoing";
    obj.restoreExpiry = new Date(Date.now() + (days ?? 1) * 86_400_000);
    if (this.restoreDelayMs !== undefined)
      setTimeout(() => obj.restore === "ongoing" && this.finish(obj), this.restoreDelayMs);
    return { status: 202 };
  }

  /**
   * S3 Control CreateJob / DescribeJob for restore jobs (S3 API reference; S3 User Guide, "Restore objects
   * with Batch Operations"): the manifest generator keeps current objects with any `MatchAnyPrefix` and a
   * storage class in `MatchAnyStorageClass`; each becomes a RestoreObject task, where a restore already
   * running fails the task (Overlapping restores); Standard and Bulk only; the same ClientRequestToken
   * answers the same job; a job whose failure rate passes 50 % after 1,000 tasks fails ("Tracking job
   * failures"); an expected bucket owner must be 12 digits, and another account than the caller's fails
   * the job. Jobs run to their end at once.
   */
  private control(req: IncomingMessage, url: URL, body: string, res: ServerResponse): void {
    const host = String(req.headers.host ?? "");
    this.controlHosts.push(host);
    const accountId = String(req.headers["x-amz-account-id"] ?? "");
    const reply = (op: RequestRecord["op"], status: number, xmlBody: string, key = "") => {
      this.requests.push({ op, bucket: accountId, key, status });
      res.writeHead(status, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xmlBody}`);
    };
    const error = (op: RequestRecord["op"], status: number, code: string, message: string) =>
      reply(
        op,
        status,
        `<ErrorResponse><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>EMU${this.requests.length}</RequestId></ErrorResponse>`,
      );
    // The SDK addresses <account>.<endpoint host>; the account must be the header's.
    if (!/^\d{12}$/.test(accountId) || !host.startsWith(`${accountId}.`))
      return error("other", 400, "InvalidRequest", `account ${accountId} does not match host ${host}`);
    const jobId = /^\/v20180820\/jobs\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === "GET" && jobId) {
      const job = this.jobs.get(jobId);
      if (!job || job.accountId !== accountId)
        return error("describe-job", 404, "NoSuchJob", "The specified job does not exist");
      const reasons = job.failureReasons
        .map(
          (f) =>
            `<member><FailureCode>${xml(f.code)}</FailureCode><FailureReason>${xml(f.reason)}</FailureReason></member>`,
        )
        .join("");
      return reply(
        "describe-job",
        200,
        `<DescribeJobResult><Job><JobId>${job.id}</JobId><Status>${job.status}</Status><Priority>10</Priority><ProgressSummary><TotalNumberOfTasks>${job.tasks}</TotalNumberOfTasks><NumberOfTasksSucceeded>${job.succeeded}</NumberOfTasksSucceeded><NumberOfTasksFailed>${job.failed}</NumberOfTasksFailed></ProgressSummary>${reasons ? `<FailureReasons>${reasons}</FailureReasons>` : ""}</Job></DescribeJobResult>`,
        jobId,
      );
    }
    if (req.method !== "POST" || url.pathname !== "/v20180820/jobs")
      return error("other", 501, "NotImplemented", `${req.method} ${url.pathname}`);
    const fault = this.takeFault("create-job");
    if (fault) return error("create-job", fault.status, fault.code, fault.code);
    const request = parseXml(body);
    const token = request.text("ClientRequestToken");
    const existing = [...this.jobs.values()].find((j) => j.accountId === accountId && j.token === token);
    if (existing)
      return reply("create-job", 200, `<CreateJobResult><JobId>${existing.id}</JobId></CreateJobResult>`, existing.id);
    const operation = request.child("Operation")?.child("S3InitiateRestoreObject");
    if (!request.text("RoleArn") || !operation || request.text("ConfirmationRequired") === undefined)
      return error(
        "create-job",
        400,
        "InvalidRequest",
        "RoleArn, Operation.S3InitiateRestoreObject and ConfirmationRequired are required here",
      );
    const jobTier = operation.text("GlacierJobTier") ?? "STANDARD";
    if (jobTier !== "STANDARD" && jobTier !== "BULK")
      return error("create-job", 400, "InvalidRequest", `GlacierJobTier ${jobTier}: STANDARD or BULK only`);
    const generator = request.child("ManifestGenerator")?.child("S3JobManifestGenerator");
    const manifest = request.child("Manifest");
    if ((!generator && !manifest) || !request.child("Report"))
      return error(
        "create-job",
        400,
        "InvalidRequest",
        "this emulator runs jobs with a manifest or a generator, and a report",
      );
    if (manifest) return this.manifestJob(accountId, token ?? "", request, manifest, reply, error);
    const owners = expectedOwners(generator!, request.child("Report")!);
    const malformed = owners.find(([, v]) => v !== undefined && !/^\d{12}$/.test(v));
    if (malformed)
      return error("create-job", 400, "InvalidRequest", `${malformed[0]} ${malformed[1]}: not a 12-digit account ID`);
    const sourceBucket = (generator!.text("SourceBucket") ?? "").replace(/^arn:[^:]+:s3:::/, "");
    const filter = generator!.child("Filter");
    const prefixes = filter?.child("KeyNameConstraint")?.child("MatchAnyPrefix")?.texts("member") ?? [];
    const classes = filter?.child("MatchAnyStorageClass")?.texts("member") ?? [];
    const daysText = operation.text("ExpirationInDays");
    const days = daysText === undefined ? undefined : Number(daysText);
    const tier = jobTier === "BULK" ? "Bulk" : "Standard";
    const id = `job-${String(this.jobs.size + 1).padStart(4, "0")}`;
    const job: EmulatedJob = {
      id,
      accountId,
      token: token ?? "",
      status: "Complete",
      request,
      tasks: 0,
      succeeded: 0,
      failed: 0,
      failureReasons: [],
    };
    // Every emulated bucket is the caller's: another expected owner fails the job before any task runs.
    // AWS documents that the job fails (S3JobManifestGenerator), not a failure code: this one is the emulator's.
    const foreign = owners.find(([, v]) => v !== undefined && v !== accountId);
    if (foreign) {
      job.status = "Failed";
      job.failureReasons.push({ code: "ExpectedBucketOwner", reason: `${foreign[0]} ${foreign[1]} does not own it` });
    }
    const objects = foreign ? new Map<string, StoredObject[]>() : (this.buckets.get(sourceBucket) ?? new Map());
    for (const [key, versions] of objects) {
      const obj = versions.at(-1)!;
      if (prefixes.length && !prefixes.some((p) => key.startsWith(p))) continue;
      if (classes.length && !classes.includes(obj.storageClass)) continue;
      const answer = this.restoreStored(obj, tier, days);
      job.tasks += 1;
      if (answer.code) job.failed += 1;
      else job.succeeded += 1;
      this.requests.push({
        op: "batch-task",
        bucket: sourceBucket,
        key,
        tier,
        ...(days ? { days } : {}),
        status: answer.status,
      });
    }
    if (job.tasks >= 1000 && job.failed / job.tasks > 0.5) {
      job.status = "Failed";
      job.failureReasons.push({ code: "TaskFailureThresholdExceeded", reason: "more than 50 % of tasks failed" });
    }
    this.jobs.set(id, job);
    reply("create-job", 200, `<CreateJobResult><JobId>${id}</JobId></CreateJobResult>`, id);
  }

  /**
   * CreateJob with a CSV manifest (S3 User Guide, "Specifying a manifest"; S3 API reference, JobManifestSpec,
   * JobManifestLocation): format S3BatchOperations_CSV_20180820 with fields Bucket,Key[,VersionId]; the
   * manifest object named by ObjectArn must exist with the given ETag (quotes aside), else the job fails
   * (the emulator's failure code); each line's key is URL-decoded and becomes a RestoreObject task on that
   * object (the version named, or the current one). Rate rule and report as for generated manifests.
   */
  private manifestJob(
    accountId: string,
    token: string,
    request: XmlNode,
    manifest: XmlNode,
    reply: (op: RequestRecord["op"], status: number, xmlBody: string, key?: string) => void,
    error: (op: RequestRecord["op"], status: number, code: string, message: string) => void,
  ): void {
    const spec = manifest.child("Spec");
    const format = spec?.text("Format");
    const fields = spec?.child("Fields")?.texts("member") ?? [];
    if (format !== "S3BatchOperations_CSV_20180820" || !fields.includes("Bucket") || !fields.includes("Key"))
      return error(
        "create-job",
        400,
        "InvalidRequest",
        `this emulator reads S3BatchOperations_CSV_20180820 manifests with Bucket and Key, not ${format} ${fields.join(",")}`,
      );
    const owner = request.child("Report")!.text("ExpectedBucketOwner");
    if (owner !== undefined && !/^\d{12}$/.test(owner))
      return error(
        "create-job",
        400,
        "InvalidRequest",
        `JobReport.ExpectedBucketOwner ${owner}: not a 12-digit account ID`,
      );
    const location = manifest.child("Location");
    const arn = /^arn:[^:]+:s3:::([^/]+)\/(.+)$/.exec(location?.text("ObjectArn") ?? "");
    const etag = location?.text("ETag") ?? "";
    const operation = request.child("Operation")!.child("S3InitiateRestoreObject")!;
    const daysText = operation.text("ExpirationInDays");
    const days = daysText === undefined ? undefined : Number(daysText);
    const tier = operation.text("GlacierJobTier") === "BULK" ? "Bulk" : "Standard";
    const id = `job-${String(this.jobs.size + 1).padStart(4, "0")}`;
    const job: EmulatedJob = {
      id,
      accountId,
      token,
      status: "Complete",
      request,
      tasks: 0,
      succeeded: 0,
      failed: 0,
      failureReasons: [],
    };
    const stored = arn ? this.get(arn[1]!, arn[2]!) : undefined;
    if (!stored?.body || stored.etag?.replace(/"/g, "") !== etag.replace(/"/g, "")) {
      job.status = "Failed";
      job.failureReasons.push({
        code: "ManifestNotReadable",
        reason: `no manifest ${arn?.[2] ?? ""} with ETag ${etag}`,
      });
    } else if (owner !== undefined && owner !== accountId) {
      job.status = "Failed";
      job.failureReasons.push({
        code: "ExpectedBucketOwner",
        reason: `JobReport.ExpectedBucketOwner ${owner} does not own it`,
      });
    } else
      for (const line of stored.body.toString("utf8").split("\n")) {
        if (line === "") continue;
        const cells = line.split(",");
        const cell = (name: string) => cells[fields.indexOf(name)];
        const bucket = cell("Bucket") ?? "";
        const key = decodeURIComponent(cell("Key") ?? "");
        const versionId = fields.includes("VersionId") ? cell("VersionId") : undefined;
        const obj = this.get(bucket, key, versionId);
        const answer = obj ? this.restoreStored(obj, tier, days) : { status: 404, code: "NoSuchKey" };
        job.tasks += 1;
        if (answer.code) job.failed += 1;
        else job.succeeded += 1;
        this.requests.push({
          op: "batch-task",
          bucket,
          key,
          ...(versionId ? { versionId } : {}),
          tier,
          ...(days ? { days } : {}),
          status: answer.status,
        });
      }
    if (job.tasks >= 1000 && job.failed / job.tasks > 0.5) {
      job.status = "Failed";
      job.failureReasons.push({ code: "TaskFailureThresholdExceeded", reason: "more than 50 % of tasks failed" });
    }
    this.jobs.set(id, job);
    reply("create-job", 200, `<CreateJobResult><JobId>${id}</JobId></CreateJobResult>`, id);
  }

  /**
   * ListObjectsV2 (S3 API reference): keys in UTF-8 binary order after `prefix`, at most `max-keys`
   * (1,000) per page with a continuation token, current versions only, `RestoreStatus` per object when
   * the request asks for it with `x-amz-optional-object-attributes` and the object has a restore.
   */
  private list(
    bucket: string,
    params: URLSearchParams,
    optional: string | string[] | undefined,
    res: ServerResponse,
    record: () => void,
  ): void {
    const objects = this.buckets.get(bucket);
    if (!objects) return this.fail(res, 404, "NoSuchBucket", false, () => record());
    record();
    const prefix = params.get("prefix") ?? "";
    const max = Math.min(Number(params.get("max-keys") ?? "1000"), 1000);
    const after = params.get("continuation-token") ?? params.get("start-after") ?? "";
    let sorted = this.sortedKeys.get(bucket);
    if (!sorted) {
      sorted = [...objects.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      this.sortedKeys.set(bucket, sorted);
    }
    // First key after the continuation point (binary search), then keys while they carry the prefix.
    const strict = after !== "" && Buffer.compare(Buffer.from(after), Buffer.from(prefix)) >= 0;
    const from = Buffer.from(strict ? after : prefix);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = Buffer.compare(Buffer.from(sorted[mid]!), from);
      if (c < 0 || (c === 0 && strict)) lo = mid + 1;
      else hi = mid;
    }
    // With a delimiter, keys with it after the prefix roll up into one CommonPrefixes entry each.
    const delimiter = params.get("delimiter") ?? "";
    const page: string[] = [];
    const commonPrefixes: string[] = [];
    let lastKey = "";
    let truncated = false;
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) {
      if (page.length + commonPrefixes.length === max) {
        truncated = true;
        break;
      }
      const rest = sorted[i]!.slice(prefix.length);
      const at = delimiter ? rest.indexOf(delimiter) : -1;
      if (at < 0) {
        page.push(sorted[i]!);
        lastKey = sorted[i]!;
        continue;
      }
      const common = prefix + rest.slice(0, at + delimiter.length);
      commonPrefixes.push(common);
      while (i + 1 < sorted.length && sorted[i + 1]!.startsWith(common)) i++;
      lastKey = sorted[i]!;
    }
    const withRestore = String(optional ?? "").includes("RestoreStatus");
    const url = params.get("encoding-type") === "url";
    const text = (v: string) => xml(url ? encodeURIComponent(v).replace(/%2F/g, "/") : v);
    const contents = page.map((k) => {
      const o = objects.get(k)!.at(-1)!;
      const restore =
        withRestore && o.restore !== "none"
          ? `<RestoreStatus><IsRestoreInProgress>${o.restore === "ongoing"}</IsRestoreInProgress>${
              o.restore === "restored" && o.restoreExpiry
                ? `<RestoreExpiryDate>${o.restoreExpiry.toISOString()}</RestoreExpiryDate>`
                : ""
            }</RestoreStatus>`
          : "";
      return `<Contents><Key>${text(k)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>${o.size}</Size><StorageClass>${o.storageClass}</StorageClass>${restore}</Contents>`;
    });
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${xml(bucket)}</Name><Prefix>${text(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys>` +
      (url ? "<EncodingType>url</EncodingType>" : "") +
      `<IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextContinuationToken>${xml(lastKey)}</NextContinuationToken>` : "") +
      `${contents.join("")}${commonPrefixes.map((c) => `<CommonPrefixes><Prefix>${text(c)}</Prefix></CommonPrefixes>`).join("")}</ListBucketResult>`;
    res.writeHead(200, { "content-type": "application/xml" });
    res.end(body);
  }

  private dynamo(operation: string, body: string, res: ServerResponse): void {
    const input = JSON.parse(body) as {
      TableName: string;
      Item?: Record<string, Record<string, string>>;
      Key?: Record<string, Record<string, string>>;
      ConditionExpression?: string;
      UpdateExpression?: string;
      ExpressionAttributeValues?: Record<string, Record<string, string>>;
      ReturnValues?: string;
    };
    const table = this.tables.get(input.TableName) ?? new Map();
    this.tables.set(input.TableName, table);
    const pk = (input.Item ?? input.Key)?.pk?.S ?? "";
    const existing = table.get(pk);
    const op =
      operation === "PutItem"
        ? "claim"
        : operation === "DeleteItem"
          ? "release"
          : operation === "UpdateItem"
            ? "update"
            : "other";
    const reply = (status: number, payload: object, errorType?: string) => {
      this.requests.push({ op, bucket: input.TableName, key: pk, status });
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.0",
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    if (op === "other") return reply(400, { __type: "UnknownOperationException" }, "UnknownOperationException");
    if (
      input.ConditionExpression &&
      !conditionHolds(input.ConditionExpression, existing, input.ExpressionAttributeValues ?? {})
    )
      return reply(
        400,
        {
          __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
          message: "The conditional request failed",
        },
        "ConditionalCheckFailedException",
      );
    if (op === "claim") table.set(pk, input.Item!);
    else if (op === "update")
      table.set(
        pk,
        applyUpdate(existing, input.Key!, input.UpdateExpression ?? "", input.ExpressionAttributeValues ?? {}),
      );
    else table.delete(pk);
    reply(200, input.ReturnValues === "ALL_OLD" && existing ? { Attributes: existing } : {});
  }

  /** SNS Publish in the query protocol: form-encoded request, XML response. */
  private sns(form: URLSearchParams, res: ServerResponse): void {
    const topicArn = form.get("TopicArn") ?? "";
    const record = (status: number) => this.requests.push({ op: "publish", bucket: topicArn, key: "", status });
    const xmlError = (status: number, code: string) => {
      record(status);
      const xml = `<ErrorResponse><Error><Type>${status < 500 ? "Sender" : "Receiver"}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>EMU${this.requests.length}</RequestId></ErrorResponse>`;
      res.writeHead(status, { "content-type": "text/xml" });
      res.end(xml);
    };
    if (form.get("Action") !== "Publish") return xmlError(400, "InvalidAction");
    const fault = this.takeFault("publish");
    if (fault) return xmlError(fault.status, fault.code);
    const subject = form.get("Subject") ?? undefined;
    // SNS's documented limits: subject printable ASCII, no line breaks, at most 100 characters.
    if (subject !== undefined && (subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)))
      return xmlError(400, "InvalidParameter");
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++)
      attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? "";
    this.published.push({ topicArn, ...(subject ? { subject } : {}), message: form.get("Message") ?? "", attributes });
    record(200);
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(
      `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>msg-${this.published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>EMU${this.requests.length}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  /** Adds a message to a queue, as SendMessage does (tests use it to fill a deferred queue). */
  enqueue(queueName: string, body: string, attributes: Record<string, string> = {}): void {
    const queue = this.queues.get(queueName) ?? [];
    this.queues.set(queueName, queue);
    queue.push({
      id: `m-${this.sent.length + queue.length + 1}-${Math.random().toString(36).slice(2)}`,
      body,
      attributes,
      hiddenUntil: 0,
    });
  }

  /**
   * SQS in the JSON protocol: SendMessage, ReceiveMessage (visibility timeout), DeleteMessage, GetQueueUrl
   * and GetQueueAttributes (ApproximateNumberOfMessages). Queues are known by name, the URL's last part.
   */
  private sqs(operation: string, body: string, res: ServerResponse): void {
    const input = JSON.parse(body) as {
      QueueUrl?: string;
      QueueName?: string;
      MessageBody?: string;
      MessageAttributes?: Record<string, { StringValue?: string }>;
      MaxNumberOfMessages?: number;
      VisibilityTimeout?: number;
      ReceiptHandle?: string;
    };
    const name = input.QueueName ?? (input.QueueUrl ?? "").split("/").at(-1) ?? "";
    const op: RequestRecord["op"] =
      operation === "SendMessage"
        ? "send"
        : operation === "ReceiveMessage"
          ? "receive"
          : operation === "DeleteMessage"
            ? "delete-message"
            : "other";
    const reply = (status: number, payload: object, errorType?: string) => {
      this.requests.push({ op, bucket: input.QueueUrl ?? name, key: "", status });
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.0",
        ...(errorType ? { "x-amzn-query-error": `${errorType};Sender` } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    const queue = this.queues.get(name) ?? [];
    this.queues.set(name, queue);
    const now = Date.now();
    switch (operation) {
      case "SendMessage": {
        const attributes = Object.fromEntries(
          Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ""]),
        );
        this.sent.push({ queueUrl: input.QueueUrl!, body: input.MessageBody!, attributes });
        this.enqueue(name, input.MessageBody!, attributes);
        return reply(200, {
          MessageId: queue.at(-1)!.id,
          MD5OfMessageBody: createHash("md5").update(input.MessageBody!).digest("hex"),
        });
      }
      case "ReceiveMessage": {
        const visible = queue.filter((m) => m.hiddenUntil <= now).slice(0, input.MaxNumberOfMessages ?? 1);
        for (const m of visible) m.hiddenUntil = now + (input.VisibilityTimeout ?? 30) * 1000;
        return reply(200, {
          Messages: visible.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.id,
            Body: m.body,
            MD5OfBody: createHash("md5").update(m.body).digest("hex"),
            MessageAttributes: Object.fromEntries(
              Object.entries(m.attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
            ),
          })),
        });
      }
      case "DeleteMessage": {
        const at = queue.findIndex((m) => m.id === input.ReceiptHandle);
        if (at >= 0) queue.splice(at, 1);
        return reply(200, {});
      }
      case "GetQueueUrl":
        // The SDK sends a queue's calls to its URL's host: this emulator.
        return reply(200, {
          QueueUrl: `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/123456789012/${name}`,
        });
      case "GetQueueAttributes":
        return reply(200, {
          Attributes: { ApproximateNumberOfMessages: String(queue.filter((m) => m.hiddenUntil <= now).length) },
        });
      default:
        return reply(400, { __type: "com.amazonaws.sqs#InvalidAction", message: operation }, "InvalidAction");
    }
  }

  private redirect(res: ServerResponse, region: string, head: boolean, record: () => void): void {
    record();
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`;
    res.writeHead(301, {
      "content-type": "application/xml",
      "x-amz-bucket-region": region,
      "content-length": head ? "0" : String(Buffer.byteLength(xml)),
    });
    res.end(head ? undefined : xml);
  }

  private fail(res: ServerResponse, status: number, code: string, head: boolean, record: () => void): void {
    record();
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message><RequestId>EMU${this.requests.length}</RequestId></Error>`;
    res.writeHead(status, {
      "content-type": "application/xml",
      "x-amz-request-id": `EMU${this.requests.length}`,
      "content-length": head ? "0" : String(Buffer.byteLength(xml)),
    });
    res.end(head ? undefined : xml);
  }
}

/**
 * Evaluates `group AND group …`, each group `term OR term …` (optionally in parentheses), where a term is
 * attribute_not_exists(a), `a < :v`, `a <= :v` or `a = :v`: the condition forms the claim store and the
 * budget store use (moto checks the same expressions against DynamoDB's semantics).
 */
function conditionHolds(
  expression: string,
  item: Record<string, Record<string, string>> | undefined,
  values: Record<string, Record<string, string>>,
): boolean {
  return expression.split(/\s+AND\s+/).every((group) =>
    group
      .trim()
      .replace(/^\((.*)\)$/, "$1")
      .split(/\s+OR\s+/)
      .some((term) => {
        const notExists = /^attribute_not_exists\((\w+)\)$/.exec(term.trim());
        if (notExists) return item?.[notExists[1]!] === undefined;
        const compare = /^(\w+)\s*(<=|<|=)\s*(:\w+)$/.exec(term.trim());
        if (!compare) throw new Error(`emulator does not understand condition term ${term}`);
        const [, name, operator, placeholder] = compare;
        const actual = item?.[name!];
        const expected = values[placeholder!];
        if (!actual || !expected) return false;
        if (operator === "=") return JSON.stringify(actual) === JSON.stringify(expected);
        if (operator === "<=") return Number(actual.N) <= Number(expected.N);
        return Number(actual.N) < Number(expected.N);
      }),
  );
}

/** Applies `ADD a :x, b :y SET c = :z` (numbers only) to an item, as UpdateItem does. */
function applyUpdate(
  item: Record<string, Record<string, string>> | undefined,
  key: Record<string, Record<string, string>>,
  expression: string,
  values: Record<string, Record<string, string>>,
): Record<string, Record<string, string>> {
  const next = { ...key, ...item };
  for (const clause of expression.split(/\s+(?=ADD |SET )/)) {
    const [action, ...rest] = clause.trim().split(/\s+/);
    for (const part of rest.join(" ").split(",")) {
      const m = action === "ADD" ? /^(\w+)\s+(:\w+)$/.exec(part.trim()) : /^(\w+)\s*=\s*(:\w+)$/.exec(part.trim());
      if (!m) throw new Error(`emulator does not understand update clause ${part}`);
      const value = values[m[2]!]!;
      next[m[1]!] = action === "ADD" ? { N: String(Number(next[m[1]!]?.N ?? "0") + Number(value.N)) } : value;
    }
  }
  return next;
}

/**
 * The expected bucket owners a CreateJob request names (S3 API reference: S3JobManifestGenerator and
 * JobReport `ExpectedBucketOwner`, S3ManifestOutputLocation `ExpectedManifestBucketOwner`; 12 digits).
 */
function expectedOwners(generator: XmlNode, report: XmlNode): [string, string | undefined][] {
  return [
    ["S3JobManifestGenerator.ExpectedBucketOwner", generator.text("ExpectedBucketOwner")],
    [
      "S3ManifestOutputLocation.ExpectedManifestBucketOwner",
      generator.child("ManifestOutputLocation")?.text("ExpectedManifestBucketOwner"),
    ],
    ["JobReport.ExpectedBucketOwner", report.text("ExpectedBucketOwner")],
  ];
}

/** Escapes text for an XML element. */
function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An element of a parsed XML document: enough to read S3 Control requests. */
export interface XmlNode {
  readonly name: string;
  readonly children: XmlNode[];
  readonly value: string;
  child(name: string): XmlNode | undefined;
  text(name: string): string | undefined;
  texts(name: string): string[];
}

function node(name: string, children: XmlNode[], value: string): XmlNode {
  return {
    name,
    children,
    value,
    child: (n) => children.find((c) => c.name === n),
    text: (n) => children.find((c) => c.name === n)?.value,
    texts: (n) => children.filter((c) => c.name === n).map((c) => c.value),
  };
}

const unescapeXml = (t: string) =>
  t
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** Parses elements and text (no attributes kept, no mixed content): the shape AWS's XML requests have. */
export function parseXml(text: string): XmlNode {
  const tokens = text.replace(/<\?xml[^>]*\?>/, "").match(/<\/?[^>]+>|[^<]+/g) ?? [];
  const stack: { name: string; children: XmlNode[]; value: string }[] = [
    { name: "#document", children: [], value: "" },
  ];
  for (const token of tokens) {
    if (token.startsWith("</")) {
      const done = stack.pop()!;
      stack.at(-1)!.children.push(node(done.name, done.children, unescapeXml(done.value.trim())));
    } else if (token.startsWith("<")) {
      const name = /^<([^\s/>]+)/.exec(token)![1]!;
      if (token.endsWith("/>")) stack.at(-1)!.children.push(node(name, [], ""));
      else stack.push({ name, children: [], value: "" });
    } else stack.at(-1)!.value += token;
  }
  return stack[0]!.children[0] ?? node("#empty", [], "");
}

/**
 * A request body as sent: the SDK may send a streamed body with `Content-Encoding: aws-chunked` (chunks of
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n`, ending with a zero chunk and trailers; S3 API reference,
 * "Signature calculations for the Authorization header: Transferring payload in multiple chunks").
 */
function decodeChunked(raw: Buffer, encoding: string | string[] | undefined): Buffer {
  if (!String(encoding ?? "").includes("aws-chunked")) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString("latin1").split(";")[0]!, 16);
    if (!(size > 0)) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
