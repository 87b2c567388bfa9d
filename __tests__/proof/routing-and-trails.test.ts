/**
 * For every configuration: each target's rule matches its own failed reads and nothing else, and some
 * trail logs exactly the GetObject data events that rule needs.
 */
import { resolveConfig, usesCloudTrail, type ResolvedTarget } from "../../config/resolve";
import { partitionOf } from "../../core/partition";
import { s3ApiCallEvent } from "../../testing/fixtures/cloudtrail-events";
import { proofConfigurations } from "../../testing/configurations";
import { motoAvailable } from "../../testing/moto";
import { layerAvailable } from "../../testing/layers";
import { matchesPattern } from "../../testing/proof/event-pattern";
import { motoMatches } from "../../testing/proof/moto-patterns";
import { fromApiShape, logsEvent, type AdvancedSelector } from "../../testing/proof/selectors";
import { restoreRule, single, synthConfig, type Synth } from "../../testing/synth";

/** The FSx reader and another reader, in the partition of a region. */
function readersIn(region: string) {
  const p = partitionOf(region).name;
  return {
    fsx: `arn:${p}:sts::123456789012:assumed-role/AWSServiceRoleForFSxS3Access_fs-0abc/FSxS3Session`,
    other: `arn:${p}:sts::123456789012:assumed-role/analytics/jupyter`,
  };
}
const FSX_READER = readersIn("us-east-1").fsx;

interface Labelled {
  label: string;
  event: Record<string, any>;
  /** The target whose function must receive it, if any. */
  owner?: string;
  /** Whether a trail of that target must log it. */
  logged: boolean;
  /** Left out on purpose by the trail's reader filter (the rule would act on it if it were logged). */
  filteredByReader?: boolean;
}

/** Real-shaped events around one target: reads that must restore, and near misses that must not. */
function eventsFor(t: ResolvedTarget): Labelled[] {
  const key = (rest: string) => `${t.prefix}${rest}`;
  const readers = readersIn(t.region);
  const reader = t.trail.readerArnPrefixes.length ? readers.fsx : readers.other;
  const base = { bucket: t.bucket, region: t.region, reader };
  return [
    {
      label: "archived read",
      event: s3ApiCallEvent({ ...base, key: key("run/sample.bam") }),
      owner: t.name,
      logged: true,
    },
    {
      label: "unicode key",
      event: s3ApiCallEvent({ ...base, key: key("ünï/数据 1.h5") }),
      owner: t.name,
      logged: true,
    },
    {
      label: "versioned read",
      event: s3ApiCallEvent({ ...base, key: key("v.dat"), versionId: "3HL4kqtJ" }),
      owner: t.name,
      logged: true,
    },
    // A URL-encoder writes every unsafe character as %XX (a space as %20, or + in form encoding), so a
    // prefix with spaces or characters beyond ASCII has encoded forms a source might log.
    ...(urlEncoded(t.prefix) !== t.prefix
      ? [
          {
            label: "key URL-encoded, + for spaces",
            event: s3ApiCallEvent({ ...base, key: urlEncoded(key("run+1/sample.bam")).replace(/%20/g, "+") }),
            owner: t.name,
            logged: true,
          },
          {
            label: "key URL-encoded, %20 for spaces",
            event: s3ApiCallEvent({ ...base, key: urlEncoded(key("run/sample.bam")) }),
            owner: t.name,
            logged: true,
          },
        ]
      : []),
    { label: "successful read", event: s3ApiCallEvent({ ...base, key: key("ok.txt"), errorCode: null }), logged: true },
    {
      label: "AccessDenied read",
      event: s3ApiCallEvent({ ...base, key: key("secret"), errorCode: "AccessDenied" }),
      logged: true,
    },
    { label: "HeadObject", event: s3ApiCallEvent({ ...base, key: key("h"), eventName: "HeadObject" }), logged: false },
    {
      label: "PutObject",
      event: s3ApiCallEvent({ ...base, key: key("p"), eventName: "PutObject", errorCode: null }),
      logged: false,
    },
    {
      label: "other bucket",
      event: s3ApiCallEvent({ ...base, bucket: `${t.bucket}-other`, key: key("x") }),
      logged: false,
    },
    ...(t.prefix
      ? [{ label: "outside the prefix", event: s3ApiCallEvent({ ...base, key: `zz-not-${t.prefix}x` }), logged: false }]
      : []),
    ...(t.trail.readerArnPrefixes.length
      ? [
          {
            label: "other reader",
            event: s3ApiCallEvent({ ...base, key: key("x"), reader: readers.other }),
            owner: t.name,
            logged: false,
            filteredByReader: true,
          },
        ]
      : []),
  ];
}

/** A key as a URL-encoder writes it, keeping "/" readable. */
function urlEncoded(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, "/");
}

function trailSelectorsFor(target: ResolvedTarget, stacks: Record<string, Synth>): AdvancedSelector[] {
  const own = stacks[target.name]!;
  if (target.trail.mode === "dedicated") return single(own, "aws_cloudtrail").advanced_event_selector;
  if (target.trail.mode === "shared")
    return single(stacks[own.output.trail_stack.value]!, "aws_cloudtrail").advanced_event_selector;
  return fromApiShape(JSON.parse(own.output.required_event_selectors.value));
}

const moto = layerAvailable("moto cross-check of the restore rules", motoAvailable);

describe.each(Object.entries(proofConfigurations()))("configuration %s", (_name, raw) => {
  const synthesized = synthConfig(raw);
  const stacks = synthesized.stacks;
  // CloudTrail routing concerns the targets fed by CloudTrail; reader-log targets have no trail or rule.
  const config = {
    ...synthesized.config,
    targets: synthesized.config.targets.filter((t) => usesCloudTrail(t)),
  };
  if (config.targets.length === 0) {
    it("feeds every target from reader logs: no trail and no CloudTrail rule anywhere", () => {
      for (const s of Object.values(stacks)) {
        expect(s.resource.aws_cloudtrail).toBeUndefined();
        expect(JSON.stringify(s.resource.aws_cloudwatch_event_rule ?? {})).not.toContain("AWS API Call via CloudTrail");
      }
    });
    return;
  }
  const patterns = new Map(config.targets.map((t) => [t.name, JSON.parse(restoreRule(stacks[t.name]!).event_pattern)]));
  const all = config.targets.flatMap((t) => eventsFor(t).map((e) => ({ ...e, of: t.name })));

  it.each(config.targets.map((t) => t.name))("rule of %s matches its own archived reads and nothing else", (name) => {
    const pattern = patterns.get(name)!;
    const wrong = all
      .filter((e) => matchesPattern(pattern, e.event) !== (e.owner === name))
      .map((e) => `${e.of}: ${e.label}`);
    expect(wrong).toEqual([]);
  });

  (moto ? it : it.skip)("moto's matcher gives the same answers for every rule and event", () => {
    const cases = [...patterns.values()].flatMap((pattern) => all.map((e) => ({ pattern, event: e.event })));
    const ours = cases.map((c) => matchesPattern(c.pattern, c.event));
    expect(motoMatches(cases)).toEqual(ours);
  });

  it.each(config.targets.map((t) => t.name))("a trail logs exactly the reads the rule of %s needs", (name) => {
    const target = config.targets.find((t) => t.name === name)!;
    const selectors = trailSelectorsFor(target, stacks);
    const wrong = eventsFor(target)
      .filter((e) => logsEvent(selectors, e.event.detail) !== e.logged)
      .map((e) => e.label);
    expect(wrong).toEqual([]);
    // Every event the rule would act on must be logged, or EventBridge never sees it.
    for (const e of eventsFor(target).filter((x) => x.owner && !x.filteredByReader))
      expect(logsEvent(selectors, e.event.detail)).toBe(true);
  });

  it("no trail logs reads outside every configured scope", () => {
    const stray = s3ApiCallEvent({ bucket: "unrelated-bucket", key: "raw/x", reader: FSX_READER });
    for (const target of config.targets) expect(logsEvent(trailSelectorsFor(target, stacks), stray.detail)).toBe(false);
  });
});

describe("trail coverage evaluator", () => {
  const selectors: AdvancedSelector[] = [
    {
      field_selector: [
        { field: "eventName", equals: ["GetObject"] },
        { field: "resources.ARN", starts_with: ["arn:aws:s3:::b/p/"], not_ends_with: [".tmp"] },
      ],
    },
  ];
  it("applies positive and negative operators", () => {
    expect(logsEvent(selectors, s3ApiCallEvent({ bucket: "b", key: "p/x" }).detail)).toBe(true);
    expect(logsEvent(selectors, s3ApiCallEvent({ bucket: "b", key: "p/x.tmp" }).detail)).toBe(false);
    expect(logsEvent(selectors, s3ApiCallEvent({ bucket: "b", key: "q/x" }).detail)).toBe(false);
    expect(logsEvent(selectors, s3ApiCallEvent({ bucket: "b", key: "p/x", eventName: "PutObject" }).detail)).toBe(
      false,
    );
  });

  it("rejects fields it does not model", () => {
    expect(() => logsEvent([{ field_selector: [{ field: "eventSource", equals: ["s3.amazonaws.com"] }] }], {})).toThrow(
      "not modelled",
    );
  });

  it("validates the resolved configuration used here", () => {
    expect(() => resolveConfig(proofConfigurations().options)).not.toThrow();
  });
});
