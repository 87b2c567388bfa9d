import { configJsonSchema } from "../../config/json-schema";
import { resolveConfig } from "../../config/resolve";
import { exampleConfig, problemsOf } from "../../testing/config";

describe("objects that set nothing", () => {
  it("rejects an empty budget, in a target or in defaults, naming what it needs", () => {
    const c = exampleConfig();
    c.defaults.budget = {};
    c.targets[0].budget = {};
    expect(problemsOf(c)).toEqual([
      "defaults.budget: sets nothing; set at least one of maxRestoresPerDay, maxGBPerDay (without one there is no daily limit)",
      "targets[0].budget: sets nothing; set at least one of maxRestoresPerDay, maxGBPerDay (without one there is no daily limit)",
    ]);
  });

  it("rejects an empty bucket entry, which would change nothing", () => {
    const c = exampleConfig();
    c.buckets = { "fsx4l-store": {} };
    expect(problemsOf(c)).toEqual([
      "buckets.fsx4l-store: sets nothing; set notificationConfiguration (or remove the entry: a bucket not listed keeps the defaults)",
    ]);
  });

  it("reports an unknown key alone, not also as setting nothing", () => {
    const c = exampleConfig();
    c.targets[0].budget = { maxRestores: 5 };
    expect(problemsOf(c)).toEqual([
      'targets[0].budget: unknown key "maxRestores" (see the "help" file for the allowed keys)',
    ]);
  });

  it("accepts empty objects whose built-in values are what they look like", () => {
    // notifications: {} turns notifications on (a topic to subscribe to); the others keep their
    // built-in values, none of which turns anything off.
    const c = exampleConfig();
    c.defaults = { ...c.defaults, trail: {}, function: {}, eventRetry: {}, alarms: {}, directory: {}, tags: {} };
    c.targets[0].notifications = {};
    const [t] = resolveConfig(c).targets;
    expect(t!.notifications).toMatchObject({ initiated: true, completed: true, email: [] });
    expect(t!.alarms.enabled).toBe(true);
    expect(t!.budget).toEqual({});
  });

  it("tells editors through the JSON Schema", () => {
    const schema = configJsonSchema() as any;
    const target = schema.properties.targets.items.properties;
    expect(target.budget.minProperties).toBe(1);
    expect(schema.properties.buckets.additionalProperties.minProperties).toBe(1);
    expect(target.trail.minProperties).toBeUndefined();
  });
});
