/**
 * Every Terraform output of every stack says what it is (terraform-aws-modules' convention: outputs are
 * values a pipeline can use, each with a description), over every proof configuration.
 */
import { proofConfigurations } from "../../testing/configurations";
import { synthConfig } from "../../testing/synth";

const outputs = Object.entries(proofConfigurations()).flatMap(([configuration, raw]) =>
  Object.entries(synthConfig(raw).stacks).flatMap(([stack, synth]) =>
    Object.entries(synth.output ?? {}).map(([name, output]) => ({ at: `${configuration}/${stack}/${name}`, output })),
  ),
);

describe("stack outputs", () => {
  it("are found in every proof configuration (the walk sees them)", () => {
    expect(outputs.length).toBeGreaterThan(50);
    expect(outputs.map((o) => o.at)).toContainEqual(expect.stringMatching(/\/bucket_eventbridge_delivery$/));
  });

  it("each have a non-empty description", () => {
    const undescribed = outputs
      .filter(({ output }) => typeof output.description !== "string" || output.description.trim() === "")
      .map((o) => o.at);
    expect(undescribed).toEqual([]);
  });

  it("are values, not sentences: the EventBridge delivery output is one of its enumerated values", () => {
    const delivery = outputs.filter((o) => o.at.endsWith("/bucket_eventbridge_delivery"));
    for (const { output } of delivery) expect(output.value).toMatch(/^(external|owned-by:bucket-notifications-\S+)$/);
    expect(new Set(delivery.map((o) => String(o.output.value).split(":")[0]))).toEqual(
      new Set(["external", "owned-by"]),
    );
  });
});
