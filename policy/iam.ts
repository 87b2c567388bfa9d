/** IAM policy JSON as the generators print it (IAM User Guide, "IAM JSON policy element reference"). */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface IamPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly IamStatement[];
}

/** A Sid from words: IAM allows only A-Z, a-z and 0-9 in one. */
export function sid(...words: readonly (string | number)[]): string {
  return words
    .map((w) => String(w).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

/** The policy of the given statements, with statements of the same actions and condition merged. */
export function policyOf(statements: readonly IamStatement[]): IamPolicy {
  const merged = new Map<string, IamStatement>();
  for (const s of statements) {
    const key = JSON.stringify([s.Action, s.Condition ?? null]);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, Resource: [...new Set([...seen.Resource, ...s.Resource])] } : s);
  }
  return { Version: "2012-10-17", Statement: [...merged.values()] };
}
