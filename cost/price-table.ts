/** The reviewed price table (cost/prices.json), read where the cost tool and `glacier-restore stage` need it. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Prices } from "./estimate";

/** Both callers run compiled from dist/<folder>/, so the table is two levels up, in the source tree. */
export function loadPrices(): Prices {
  return JSON.parse(readFileSync(path.join(__dirname, "..", "..", "cost", "prices.json"), "utf8")) as Prices;
}
