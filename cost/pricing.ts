/**
 * The price table (cost/prices.json) and every figure computed from it that more than one program uses:
 * what a restore costs, what a Batch Operations job costs, and the assumption made for Intelligent-Tiering.
 * The cost estimate (cost/estimate.ts) and `glacier-restore stage` (cli/stage-plan.ts, cli/stage-batch.ts)
 * both price through here, so a price or an assumption has one place to change. Pure: the file is read by
 * cost/price-table.ts and validated here.
 */
import { z } from "zod";
import { formatPath } from "../config/errors";
import { GlacierRestoreError } from "../core/errors";
import { tierFor, type Archive, type Tier } from "../core/restore-rules";

const price = z.number().nonnegative();
const restorePrice = z.strictObject({ per1kRequests: price, perGB: price });

/** cost/prices.json: every field required, no unknown field (a misspelt price would otherwise read as 0). */
export const PricesSchema = z.strictObject({
  reviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD"),
  region: z.string().min(1),
  currency: z.string().min(1),
  source: z.string().min(1),
  prices: z.strictObject({
    cloudtrailDataEventsPer100k: price,
    cloudwatchLogsIngestionPerGB: price,
    cloudwatchLogsStoragePerGBMonth: price,
    s3StandardStoragePerGBMonth: price,
    s3PutRequestsPer1k: price,
    eventbridgeOptInDataEventsPerMillion: price,
    lambdaRequestsPerMillion: price,
    lambdaArmPerGBSecond: price,
    dynamodbOnDemandWritesPerMillion: price,
    sqsRequestsPerMillion: price,
    snsPublishesPerMillion: price,
    snsEmailPer100k: price,
    snsHttpsPerMillion: price,
    kmsKeyPerMonth: price,
    kmsRequestsPer10k: price,
    /** Standard-resolution metric alarm, per alarm-month. */
    cloudwatchAlarmPerMonth: price,
    /** S3 Batch Operations: a fee per job and per million objects the job processes. */
    batchOperationsPerJob: price,
    batchOperationsPerMillionObjects: price,
    // Deep Archive has no Expedited tier (S3 User Guide, "Understanding archive retrieval options").
    restore: z.strictObject({
      GLACIER: z.strictObject({ Expedited: restorePrice, Standard: restorePrice, Bulk: restorePrice }),
      DEEP_ARCHIVE: z.strictObject({ Standard: restorePrice, Bulk: restorePrice }),
    }),
  }),
  notes: z.array(z.string()),
});

export type Prices = z.infer<typeof PricesSchema>;
/** The prices alone, as the estimate takes them. */
export type PriceList = Prices["prices"];

/** The price table from parsed JSON; throws naming every wrong field by its path (`prices.restore.GLACIER…`). */
export function parsePrices(raw: unknown, file = "cost/prices.json"): Prices {
  const parsed = PricesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const at = formatPath(issue.path) || "(top level)";
    return issue.code === "unrecognized_keys"
      ? `${at}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
      : `${at}: ${issue.message}`;
  });
  throw new GlacierRestoreError("configuration", `${file} is not a valid price table:\n  - ${problems.join("\n  - ")}`);
}

const GB = 1024 ** 3;

/**
 * How Intelligent-Tiering archive restores are priced: the price table has no line for them (its notes
 * say they carry no retrieval charge), so Standard and Bulk are free and Expedited is priced as Glacier
 * Flexible Retrieval's. An assumption to check on the S3 pricing page, said wherever a figure uses it.
 */
export const INTELLIGENT_TIERING_ASSUMPTION =
  "assumed: Intelligent-Tiering Standard/Bulk restores free, Expedited as Glacier's";

export interface RestoreCost {
  /** The tier the archive actually gets (Deep Archive has no Expedited). */
  readonly tier: Tier;
  readonly usd: number;
  /** Set when the figure rests on an assumption rather than a line of the price table. */
  readonly assumption?: string;
}

/** What restoring `objects` objects of `bytes` bytes from `archive` at `tier` costs: requests plus retrieval per GB. */
export function restoreCost(archive: Archive, tier: Tier, objects: number, bytes: number, p: PriceList): RestoreCost {
  const used = tierFor(archive, tier);
  if (archive === "GLACIER" || archive === "DEEP_ARCHIVE") {
    const line = (p.restore[archive] as Partial<Record<Tier, { per1kRequests: number; perGB: number }>>)[used]!;
    return { tier: used, usd: (objects / 1000) * line.per1kRequests + (bytes / GB) * line.perGB };
  }
  const usd = used === "Expedited" ? restoreCost("GLACIER", "Expedited", objects, bytes, p).usd : 0;
  return { tier: used, usd, assumption: INTELLIGENT_TIERING_ASSUMPTION };
}

/** The fees of one S3 Batch Operations job processing `tasks` objects (restores not included). */
export function batchJobCost(tasks: number, p: PriceList): number {
  return p.batchOperationsPerJob + (tasks / 1e6) * p.batchOperationsPerMillionObjects;
}
