/**
 * The restore attempt's branches, each once: memory × claim (ok / held elsewhere / store down / no event ID)
 * × budget (ok / refused / down / refund down) × what S3 answers (202 / 200 / 409 / 503 for Expedited / 403
 * / 500) × observe mode, and the caller's plan. S3 is mocked; claims, budget, logs and metrics record.
 */
import { RestoreObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import {
  attemptRestore,
  objectId,
  type AttemptDeps,
  type AttemptResult,
  type Plan,
  type RestoreRequest,
} from "../../aws/restore-attempt";
import type { Pace } from "../../aws/restore-object";
import type { Reservation } from "../../aws/budget";
import type { ClaimResult } from "../../aws/claims";
import { RecentRestores } from "../../functions/restore/recent";
import { RecordingBudget, RecordingClaims, RecordingLog, RecordingMetrics } from "../../testing/recorders";

const s3Mock = mockClient(S3Client);
beforeEach(() => s3Mock.reset());

const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message: name,
  });
const down = (name: string) => Object.assign(new Error("down"), { name });

type S3Reply = 202 | 200 | 409 | "503-expedited" | 503 | 403 | 500;

/**
 * Answers RestoreObject as `reply` says: "503-expedited" has no Expedited capacity and takes Standard; 503
 * answers GlacierExpeditedRetrievalNotAvailable to any tier.
 */
function answer(reply: S3Reply) {
  if (reply === 202 || reply === 200)
    s3Mock.on(RestoreObjectCommand).resolves({ $metadata: { httpStatusCode: reply } });
  else if (reply === 409) s3Mock.on(RestoreObjectCommand).rejects(s3Error("RestoreAlreadyInProgress", 409));
  else if (reply === 403) s3Mock.on(RestoreObjectCommand).rejects(s3Error("AccessDenied", 403));
  else if (reply === 500) s3Mock.on(RestoreObjectCommand).rejects(s3Error("InternalError", 500));
  else if (reply === 503)
    s3Mock.on(RestoreObjectCommand).rejects(s3Error("GlacierExpeditedRetrievalNotAvailable", 503));
  else {
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: "Expedited" } } })
      .rejects(s3Error("GlacierExpeditedRetrievalNotAvailable", 503));
    s3Mock
      .on(RestoreObjectCommand, { RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: "Standard" } } })
      .resolves({ $metadata: { httpStatusCode: 202 } });
  }
}

const OBJECT = { bucket: "b", key: "raw/a.nc" };
const ID = "b|raw/a.nc|";
const REQUEST: RestoreRequest = { tier: "Expedited", days: 2, bytes: 500, archive: "GLACIER" };

interface Row {
  readonly name: string;
  readonly claim?: ClaimResult | "down" | "no-event-id";
  readonly budget?: Reservation | "down" | "refund-down";
  readonly s3?: S3Reply;
  readonly observe?: boolean;
  readonly recent?: boolean;
  readonly request?: RestoreRequest;
  /** What the attempt returned (status, S3's outcome, the tier that got it), or the code it threw. */
  readonly expect: string;
  readonly claims: string[];
  readonly budgetCalls?: string[];
  readonly tiers: string[];
  readonly metrics: string[];
  readonly remembered: boolean;
}

const rows: Row[] = [
  {
    name: "claimed, 202: started, claim kept, remembered",
    claim: "claimed",
    s3: 202,
    expect: "requested initiated Expedited",
    claims: [`claim ${ID}`],
    tiers: ["Expedited"],
    metrics: ["RestoreInitiated/GLACIER"],
    remembered: true,
  },
  {
    name: "held elsewhere: nothing asked, remembered",
    claim: "held-elsewhere",
    expect: "claimed-elsewhere",
    claims: [`claim ${ID}`],
    tiers: [],
    metrics: [],
    remembered: true,
  },
  {
    name: "claim store down, 202: no claim, counted, still requested",
    claim: "down",
    s3: 202,
    expect: "requested initiated Expedited",
    claims: [`claim ${ID}`],
    tiers: ["Expedited"],
    metrics: ["ClaimStoreUnavailable/ProvisionedThroughputExceededException", "RestoreInitiated/GLACIER"],
    remembered: true,
  },
  {
    name: "claim store down, 500: rethrown, no claim to give back",
    claim: "down",
    s3: 500,
    expect: "throws InternalError",
    claims: [`claim ${ID}`],
    tiers: ["Expedited"],
    metrics: ["ClaimStoreUnavailable/ProvisionedThroughputExceededException"],
    remembered: false,
  },
  {
    name: "no event ID: no claim taken",
    claim: "no-event-id",
    s3: 202,
    expect: "requested initiated Expedited",
    claims: [],
    tiers: ["Expedited"],
    metrics: ["RestoreInitiated/GLACIER"],
    remembered: true,
  },
  {
    name: "remembered: nothing claimed or asked",
    recent: true,
    expect: "recently-requested",
    claims: [],
    tiers: [],
    metrics: [],
    remembered: true,
  },
  {
    name: "reclaimed, budget ok, 202: reservation kept",
    claim: "reclaimed",
    budget: "reserved",
    s3: 202,
    expect: "requested initiated Expedited",
    claims: [`claim ${ID}`],
    budgetCalls: ["reserve 500"],
    tiers: ["Expedited"],
    metrics: ["RestoreInitiated/GLACIER"],
    remembered: true,
  },
  {
    name: "budget ok, 200: a copy exists, reservation given back",
    claim: "claimed",
    budget: "reserved",
    s3: 200,
    expect: "requested already-restored Expedited",
    claims: [`claim ${ID}`],
    budgetCalls: ["reserve 500", "refund 500"],
    tiers: ["Expedited"],
    metrics: ["RestoreSkipped/already-restored"],
    remembered: true,
  },
  {
    name: "budget ok, 409: a restore runs, reservation given back",
    claim: "claimed",
    budget: "reserved",
    s3: 409,
    expect: "requested already-in-progress Expedited",
    claims: [`claim ${ID}`],
    budgetCalls: ["reserve 500", "refund 500"],
    tiers: ["Expedited"],
    metrics: ["RestoreSkipped/already-in-progress"],
    remembered: true,
  },
  {
    name: "budget ok, 503 for Expedited: Standard asked, reservation kept, fallback counted",
    claim: "claimed",
    budget: "reserved",
    s3: "503-expedited",
    expect: "requested initiated Standard",
    claims: [`claim ${ID}`],
    budgetCalls: ["reserve 500"],
    tiers: ["Expedited", "Standard"],
    metrics: ["TierFallback/expedited-unavailable", "RestoreInitiated/GLACIER"],
    remembered: true,
  },
  {
    name: "budget ok, 403: rethrown, reservation and claim given back, not remembered",
    claim: "claimed",
    budget: "reserved",
    s3: 403,
    expect: "throws AccessDenied",
    claims: [`claim ${ID}`, `release ${ID}`],
    budgetCalls: ["reserve 500", "refund 500"],
    tiers: ["Expedited"],
    metrics: [],
    remembered: false,
  },
  {
    name: "budget refused: nothing asked, claim given back",
    claim: "claimed",
    budget: "exceeded",
    expect: "budget-exceeded",
    claims: [`claim ${ID}`, `release ${ID}`],
    budgetCalls: ["reserve 500"],
    tiers: [],
    metrics: [],
    remembered: false,
  },
  {
    name: "budget store down: rethrown before any request, claim given back",
    claim: "claimed",
    budget: "down",
    expect: "throws InternalServerError",
    claims: [`claim ${ID}`, `release ${ID}`],
    budgetCalls: ["reserve 500"],
    tiers: [],
    metrics: [],
    remembered: false,
  },
  {
    name: "refund down after 200: still a success, refunded once, counted",
    claim: "claimed",
    budget: "refund-down",
    s3: 200,
    expect: "requested already-restored Expedited",
    claims: [`claim ${ID}`],
    budgetCalls: ["reserve 500", "refund 500"],
    tiers: ["Expedited"],
    metrics: ["BudgetRefundFailed/ThrottlingException", "RestoreSkipped/already-restored"],
    remembered: true,
  },
  {
    name: "refund down after 500: S3's error rethrown, refunded once, claim given back",
    claim: "claimed",
    budget: "refund-down",
    s3: 500,
    expect: "throws InternalError",
    claims: [`claim ${ID}`, `release ${ID}`],
    budgetCalls: ["reserve 500", "refund 500"],
    tiers: ["Expedited"],
    metrics: ["BudgetRefundFailed/ThrottlingException"],
    remembered: false,
  },
  {
    name: "observe mode: counted, nothing reserved or asked, claim kept, not remembered",
    claim: "claimed",
    budget: "reserved",
    observe: true,
    expect: "would-restore",
    claims: [`claim ${ID}`],
    budgetCalls: [],
    tiers: [],
    metrics: ["WouldRestore/GLACIER"],
    remembered: false,
  },
  {
    name: "a Deep Archive plan that already took Standard: fallback counted, no second request",
    s3: 202,
    request: { tier: "Standard", days: 2, bytes: 500, archive: "DEEP_ARCHIVE", requestedTier: "Expedited" },
    expect: "requested initiated Standard",
    claims: [],
    tiers: ["Standard"],
    metrics: ["TierFallback/archive-has-no-expedited", "RestoreInitiated/DEEP_ARCHIVE"],
    remembered: true,
  },
  {
    name: "503 for a Standard request: no fallback, rethrown",
    s3: 503,
    request: { tier: "Standard", days: 2, bytes: 500, archive: "GLACIER" },
    expect: "throws GlacierExpeditedRetrievalNotAvailable",
    claims: [],
    tiers: ["Standard"],
    metrics: [],
    remembered: false,
  },
];

function claimsFor(row: Row): RecordingClaims | undefined {
  if (row.claim === undefined) return undefined;
  return new RecordingClaims(() =>
    row.claim === "down"
      ? down("ProvisionedThroughputExceededException")
      : row.claim === "no-event-id"
        ? "claimed"
        : row.claim!,
  );
}

function budgetFor(row: Row): RecordingBudget | undefined {
  if (row.budget === undefined) return undefined;
  if (row.budget === "down") return new RecordingBudget([down("InternalServerError")]);
  if (row.budget === "refund-down") return new RecordingBudget(["reserved"], { refundFails: true });
  return new RecordingBudget([row.budget]);
}

function setup(row: Partial<Row> = {}, extra: Partial<AttemptDeps> = {}) {
  const claims = claimsFor(row as Row);
  const budget = budgetFor(row as Row);
  const recent = new RecentRestores(60_000, 10);
  if (row.recent) recent.remember(objectId(OBJECT), 0);
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const deps: AttemptDeps = {
    s3: new S3Client({ region: "us-east-1" }),
    log,
    metrics,
    recent,
    ...(claims ? { claims } : {}),
    ...(budget ? { budget } : {}),
    ...(row.observe ? { observe: true } : {}),
    ...extra,
  };
  const object = { ref: OBJECT, at: 1000, ...(row.claim === "no-event-id" ? {} : { eventId: "e1" }) };
  return { deps, object, claims, budget, recent, metrics, log };
}

function summary(result: AttemptResult): string {
  return result.status === "requested" ? `requested ${result.answer.outcome} ${result.answer.tier}` : result.status;
}

const tiersAsked = () =>
  s3Mock.commandCalls(RestoreObjectCommand).map((c) => c.args[0].input.RestoreRequest?.GlacierJobParameters?.Tier);

describe("attemptRestore", () => {
  it.each(rows)("$name", async (row) => {
    if (row.s3 !== undefined) answer(row.s3);
    const { deps, object, claims, budget, recent } = setup(row);
    const outcome = await attemptRestore(deps, object, row.request ?? REQUEST).then(summary, (err: unknown) => {
      return `throws ${(err as { name: string }).name}`;
    });
    expect(outcome).toBe(row.expect);
    expect(claims?.calls ?? []).toEqual(row.claims);
    expect(budget?.calls ?? []).toEqual(row.budgetCalls ?? []);
    expect(tiersAsked()).toEqual(row.tiers);
    expect((deps.metrics as RecordingMetrics).counts).toEqual(row.metrics);
    expect(recent.has(objectId(OBJECT), 1001)).toBe(row.remembered);
  });

  it("logs a claim store that is down and a refund that failed, with the caller's fields", async () => {
    answer(200);
    const { deps, object, log } = setup({ claim: "down", budget: "refund-down" });
    await attemptRestore(deps, { ...object, fields: { requestId: "r1" } }, REQUEST);
    expect(log.lines.map((l) => [l.level, l.message, l.fields.requestId, l.fields.errorCode])).toEqual([
      ["warn", "claim store unavailable; going on without a claim", "r1", "ProvisionedThroughputExceededException"],
      ["warn", "could not give the budget reservation back; today's budget counts it", "r1", "ThrottlingException"],
    ]);
  });

  it("says so when a claim cannot be given back, and still rethrows S3's error", async () => {
    answer(500);
    const { deps, object, log } = setup();
    const claims = new RecordingClaims();
    claims.release = async () => {
      throw down("InternalServerError");
    };
    await expect(attemptRestore({ ...deps, claims }, object, REQUEST)).rejects.toThrow("InternalError");
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: "warn",
        message: "could not release claim; it expires by itself",
        fields: expect.objectContaining({ key: "raw/a.nc", errorCode: "InternalServerError" }),
      }),
    ]);
  });

  it("paces every request, the Standard one after a fallback too", async () => {
    answer("503-expedited");
    const paced: string[] = [];
    const pace: Pace = async (send) => {
      paced.push("start");
      return send();
    };
    const { deps, object } = setup({}, { pace });
    await attemptRestore(deps, object, REQUEST);
    expect(paced).toEqual(["start", "start"]);
  });

  it("requests the key form the plan found, but claims and remembers the object under the name it was given", async () => {
    answer(202);
    const { deps, object, claims, recent } = setup({ claim: "claimed" });
    const found = { bucket: "b", key: "raw/a b.nc" };
    await attemptRestore(deps, object, { ...REQUEST, ref: found });
    expect(s3Mock.commandCalls(RestoreObjectCommand)[0]!.args[0].input.Key).toBe("raw/a b.nc");
    expect(claims!.calls).toEqual([`claim ${ID}`]);
    expect(recent.has(objectId(OBJECT), 1001)).toBe(true);
  });
});

describe("attemptRestore with the caller's plan", () => {
  it("plans once the object is claimed, passing the claim, and runs the follow-up before remembering", async () => {
    answer(202);
    const { deps, object, recent } = setup({ claim: "reclaimed" });
    const seen: string[] = [];
    const plan: Plan = async (claim) => {
      seen.push(`plan ${claim}`);
      return {
        request: REQUEST,
        after: async (a) => void seen.push(`after ${a.outcome} remembered=${recent.has(objectId(OBJECT), 1001)}`),
      };
    };
    expect(summary(await attemptRestore(deps, object, plan))).toBe("requested initiated Expedited");
    expect(seen).toEqual(["plan reclaimed", "after initiated remembered=false"]);
    expect(recent.has(objectId(OBJECT), 1001)).toBe(true);
  });

  it.each([true, false])("needs no request: remembers the object only when told (%s)", async (remember) => {
    const { deps, object, claims, recent } = setup({ claim: "claimed" });
    const result = await attemptRestore(deps, object, async () => ({ remember }));
    expect(result).toEqual({ status: "no-request" });
    expect(recent.has(objectId(OBJECT), 1001)).toBe(remember);
    expect(claims!.calls).toEqual([`claim ${ID}`]);
    expect(s3Mock.commandCalls(RestoreObjectCommand)).toHaveLength(0);
  });

  it("gives the claim back when the plan fails (HeadObject failed)", async () => {
    const { deps, object, claims } = setup({ claim: "claimed" });
    const plan: Plan = async () => {
      throw down("Forbidden");
    };
    await expect(attemptRestore(deps, object, plan)).rejects.toThrow("down");
    expect(claims!.calls).toEqual([`claim ${ID}`, `release ${ID}`]);
  });

  it("keeps the claim and the reservation when the follow-up fails: S3 has the restore", async () => {
    answer(202);
    const { deps, object, claims, budget, recent } = setup({ claim: "claimed", budget: "reserved" });
    const plan: Plan = async () => ({
      request: REQUEST,
      after: async () => {
        throw down("KMSAccessDeniedException");
      },
    });
    await expect(attemptRestore(deps, object, plan)).rejects.toThrow("down");
    expect(claims!.calls).toEqual([`claim ${ID}`]);
    expect(budget!.calls).toEqual(["reserve 500"]);
    expect(recent.has(objectId(OBJECT), 1001)).toBe(false);
  });
});

describe("objectId", () => {
  it("tells buckets, keys and versions apart", () => {
    expect(objectId({ bucket: "b", key: "k", versionId: "v1" })).not.toBe(
      objectId({ bucket: "b", key: "k", versionId: "v2" }),
    );
    expect(objectId({ bucket: "b", key: "k" })).not.toBe(objectId({ bucket: "b", key: "k", versionId: "v1" }));
    expect(objectId({ bucket: "b", key: "k/x" })).not.toBe(objectId({ bucket: "b/k", key: "x" }));
  });
});
