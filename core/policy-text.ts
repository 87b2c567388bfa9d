/**
 * The one rule for user text (key prefixes) written into policy documents. Pure: no SDK, no cdktf.
 *
 * IAM and KMS accept only tab, line feed, carriage return and U+0020–U+00FF in a policy document (IAM User
 * Guide, "IAM and AWS STS quotas", IAM name requirements; IAM API Reference, PutRolePolicy / CreatePolicy
 * `PolicyDocument`; AWS KMS Developer Guide, "Key policies in AWS KMS" / key policy format; KMS API Reference,
 * PutKeyPolicy `Policy`). S3 keys may hold any UTF-8. So a prefix is written into a resource ARN or a
 * `StringLike`/`ArnLike` value with each character IAM would refuse or read as syntax replaced by `?`, IAM's
 * one-character wildcard (IAM User Guide, "IAM JSON policy elements: Resource" and "Condition operators",
 * string condition operators): the statement stays valid and matches the real key plus the fewest others.
 *
 * Replaced by `?`:
 * - characters outside the documented set (`データ` → `???`; Latin-1 such as `é`, `ü` stays as written);
 * - `*` and `?` themselves: IAM reads both as wildcards, so written as they are a literal `*` would match any
 *   run of characters; as `?` each matches one character, itself among them;
 * - `&` before `{`: the Terraform `aws_iam_policy_document` data source turns `&{` into `${`, which IAM reads
 *   as a policy variable (IAM User Guide, "IAM policy elements: Variables and tags"). (`${` and `%{` never get
 *   here: the configuration refuses them, since Terraform would read them as expressions.)
 *
 * Whether IAM's `?` matches a Unicode code point or a UTF-16 code unit is not documented. For text with a
 * character beyond U+FFFF (an emoji), both readings are written: one `?` per code point, and `??` per such
 * character. Text without one gives a single pattern.
 */

/** Whether IAM and KMS accept a code point in a policy document. */
export function isPolicyCharacter(codePoint: number): boolean {
  return codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d || (codePoint >= 0x20 && codePoint <= 0xff);
}

/** The distinct characters of a text that a policy document may not contain, in order of appearance. */
export function charactersOutsidePolicy(text: string): string[] {
  return [...new Set([...text].filter((c) => !isPolicyCharacter(c.codePointAt(0)!)))];
}

/** `U+30C7` for a character: how problems name one. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** One character of literal text as a Like pattern; `units` is how many `?` a character beyond U+FFFF takes. */
function patternCharacter(character: string, next: string | undefined, units: 1 | 2): string {
  const codePoint = character.codePointAt(0)!;
  if (codePoint > 0xffff) return "?".repeat(units);
  if (!isPolicyCharacter(codePoint) || character === "*" || character === "?") return "?";
  if (character === "&" && next === "{") return "?";
  return character;
}

function patternWith(literal: string, units: 1 | 2): string {
  const characters = [...literal];
  return characters.map((c, i) => patternCharacter(c, characters[i + 1], units)).join("");
}

/**
 * Like-patterns (resource ARN, `StringLike`, `ArnLike`) that together match `literal` exactly as written,
 * widened only where the rule above says. One pattern, or two when the text holds a character beyond U+FFFF.
 */
export function likePatterns(literal: string): string[] {
  return [...new Set([patternWith(literal, 1), patternWith(literal, 2)])];
}

/** Like-patterns matching every string that starts with `literal` (the patterns above, each followed by `*`). */
export function startsWithPatterns(literal: string): string[] {
  return likePatterns(literal).map((p) => `${p}*`);
}

/** Whether a policy's patterns for `literal` match more than the text itself (a `?` stands in them). */
export function isWidenedInPolicy(literal: string): boolean {
  return likePatterns(literal).some((p) => p.includes("?"));
}
