/**
 * The CloudTrail advanced event selectors a trail needs for a set of targets, in CloudTrail's own API
 * shape (AdvancedEventSelector / AdvancedFieldSelector), so they can be printed for an existing trail
 * as well as mapped onto the provider's attributes.
 */
import { keyPrefixForms } from "./keys";
import { objectArnPrefix, type Partition } from "./partition";

/** What one trail must log for one target: GetObject on its keys, optionally only by some readers. */
export interface TrailScope {
  readonly bucket: string;
  readonly prefix: string;
  readonly readerArnPrefixes: readonly string[];
}

export interface FieldSelector {
  readonly Field: string;
  readonly Equals?: readonly string[];
  readonly StartsWith?: readonly string[];
}

export interface AdvancedEventSelector {
  readonly Name: string;
  readonly FieldSelectors: readonly FieldSelector[];
}

/** Groups scopes by their (sorted) reader filter: one selector per distinct filter. */
function byReaderFilter(scopes: readonly TrailScope[]): Map<string, TrailScope[]> {
  const groups = new Map<string, TrailScope[]>();
  for (const s of scopes) {
    const key = JSON.stringify([...s.readerArnPrefixes].sort());
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return groups;
}

/**
 * Selectors that log only GetObject data events on the scopes' objects: one selector per distinct reader
 * filter (selectors are ORed, the values of one field are ORed, fields are ANDed). `errorCode` is not a
 * data-event selector field, so successful reads in scope are logged (and billed) too.
 */
export function advancedEventSelectors(partition: Partition, scopes: readonly TrailScope[]): AdvancedEventSelector[] {
  return [...byReaderFilter(scopes).entries()].map(([key, group]) => {
    const readers = JSON.parse(key) as string[];
    return {
      Name: `GetObject in ${group.length} glacier-restore scope${group.length === 1 ? "" : "s"}${readers.length ? " by selected readers" : ""}`,
      FieldSelectors: [
        { Field: "eventCategory", Equals: ["Data"] },
        { Field: "resources.type", Equals: ["AWS::S3::Object"] },
        { Field: "eventName", Equals: ["GetObject"] },
        {
          Field: "resources.ARN",
          // Every form of the prefix, like the rule's pattern: how CloudTrail writes keys is not documented.
          StartsWith: [
            ...new Set(
              group.flatMap((s) => keyPrefixForms(s.prefix).map((p) => objectArnPrefix(partition, s.bucket, p))),
            ),
          ].sort(),
        },
        ...(readers.length ? [{ Field: "userIdentity.arn", StartsWith: readers }] : []),
      ],
    };
  });
}

/** Condition values the selectors use (CloudTrail allows 500 per trail). */
export function selectorValueCount(selectors: readonly AdvancedEventSelector[]): number {
  return selectors
    .flatMap((s) => s.FieldSelectors)
    .reduce((n, f) => n + (f.Equals?.length ?? 0) + (f.StartsWith?.length ?? 0), 0);
}

/** Quotes a string for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that sets these selectors on an existing trail. PutEventSelectors replaces all of a
 * trail's selectors, so the command is only safe once they are merged with the trail's current ones.
 */
export function putEventSelectorsCommand(trailArn: string, selectors: readonly AdvancedEventSelector[]): string {
  const region = trailArn.split(":")[3];
  return `aws cloudtrail put-event-selectors --region ${region} --trail-name ${shellQuote(trailArn)} --advanced-event-selectors ${shellQuote(JSON.stringify(selectors))}`;
}
