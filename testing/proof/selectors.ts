/**
 * Evaluates CloudTrail advanced event selectors against a CloudTrail record (an EventBridge event's
 * `detail`), as CloudTrail decides whether to log a data event: selectors are ORed, the field selectors
 * of one selector are ANDed, the values of one operator are ORed, and every negative operator must hold.
 */
export interface FieldSelector {
  field: string;
  equals?: string[];
  starts_with?: string[];
  ends_with?: string[];
  not_equals?: string[];
  not_starts_with?: string[];
  not_ends_with?: string[];
}

export interface AdvancedSelector {
  name?: string;
  field_selector: FieldSelector[];
}

/** CloudTrail's API shape (as in the `required_event_selectors` output) → Terraform names. */
export function fromApiShape(
  selectors: { Name?: string; FieldSelectors: Record<string, unknown>[] }[],
): AdvancedSelector[] {
  const names: Record<string, string> = {
    Field: "field",
    Equals: "equals",
    StartsWith: "starts_with",
    EndsWith: "ends_with",
    NotEquals: "not_equals",
    NotStartsWith: "not_starts_with",
    NotEndsWith: "not_ends_with",
  };
  return selectors.map((s) => ({
    ...(s.Name ? { name: s.Name } : {}),
    field_selector: s.FieldSelectors.map((f) =>
      Object.fromEntries(
        Object.entries(f).map(([k, v]) => {
          if (!names[k]) throw new Error(`unknown AdvancedFieldSelector member ${k}`);
          return [names[k], v];
        }),
      ),
    ) as unknown as FieldSelector[],
  }));
}

function fieldValue(record: Record<string, any>, field: string): string | undefined {
  switch (field) {
    case "eventCategory":
      return record.eventCategory;
    case "eventName":
      return record.eventName;
    case "readOnly":
      return String(record.readOnly);
    case "userIdentity.arn":
      return record.userIdentity?.arn;
    case "resources.type":
      return record.resources?.find((r: { type: string }) => r.type === "AWS::S3::Object")?.type;
    case "resources.ARN":
      return record.resources?.find((r: { type: string }) => r.type === "AWS::S3::Object")?.ARN;
    default:
      throw new Error(`selector field ${field} is not modelled`);
  }
}

function fieldMatches(f: FieldSelector, value: string | undefined): boolean {
  if (value === undefined) return false;
  const positive = [
    ...(f.equals ?? []).map((v) => value === v),
    ...(f.starts_with ?? []).map((v) => value.startsWith(v)),
    ...(f.ends_with ?? []).map((v) => value.endsWith(v)),
  ];
  if ((f.equals ?? f.starts_with ?? f.ends_with) !== undefined && !positive.some(Boolean)) return false;
  if ((f.not_equals ?? []).some((v) => value === v)) return false;
  if ((f.not_starts_with ?? []).some((v) => value.startsWith(v))) return false;
  if ((f.not_ends_with ?? []).some((v) => value.endsWith(v))) return false;
  return true;
}

export function logsEvent(selectors: AdvancedSelector[], record: Record<string, any>): boolean {
  return selectors.some((s) => s.field_selector.every((f) => fieldMatches(f, fieldValue(record, f.field))));
}
