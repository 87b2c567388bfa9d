/** The reviewed price table (cost/prices.json), read where the cost tool and `glacier-restore stage` need it. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { GlacierRestoreError } from "../core/errors";
import { JsonSyntaxError, parseJson } from "../core/json";
import { parsePrices, type Prices } from "./pricing";

/** Both callers run compiled from dist/<folder>/, so the table is two levels up, in the source tree. */
export const PRICES_FILE = path.join(__dirname, "..", "..", "cost", "prices.json");

/** The price table, validated on load: a wrong or missing field fails naming its path. */
export function loadPrices(file = PRICES_FILE): Prices {
  let raw: unknown;
  try {
    raw = parseJson(readFileSync(file, "utf8"));
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new GlacierRestoreError("configuration", `${file} is not JSON: ${err.message}`);
  }
  return parsePrices(raw, file);
}
