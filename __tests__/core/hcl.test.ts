import { repairStackHcl, restoreTerraformAttributes, unquoteDependsOn } from "../../core/hcl";

describe("restoreTerraformAttributes", () => {
  it("gives the terraform block back the required_version cdktf's HCL renderer loses", () => {
    const broken = ["terraform {", "  required_providers {", "  }", '  0 = "required_version"', "}"].join("\n");
    expect(restoreTerraformAttributes(broken, { required_version: ">= 1.11" })).toBe(
      ["terraform {", "  required_providers {", "  }", '  required_version = ">= 1.11"', "}"].join("\n"),
    );
  });

  it("refuses to guess an attribute whose value the stack did not set", () => {
    expect(() => restoreTerraformAttributes('terraform {\n  1 = "experiments"\n}', {})).toThrow(
      "cannot restore terraform.experiments",
    );
  });
});

describe("unquoteDependsOn", () => {
  it("unquotes references in depends_on only", () => {
    const hcl = [
      'resource "aws_x" "a" {',
      '  name = "aws_y.not_a_reference"',
      "  depends_on = [",
      '    "aws_y.b",',
      '    "data.aws_iam_policy_document.c",',
      "  ]",
      '  tags = ["aws_z.d"]',
      "}",
      'resource "aws_x" "e" { depends_on = ["aws_y.f", "module.g"] }',
    ].join("\n");
    expect(unquoteDependsOn(hcl)).toBe(
      [
        'resource "aws_x" "a" {',
        '  name = "aws_y.not_a_reference"',
        "  depends_on = [",
        "    aws_y.b,",
        "    data.aws_iam_policy_document.c,",
        "  ]",
        '  tags = ["aws_z.d"]',
        "}",
        'resource "aws_x" "e" { depends_on = [aws_y.f, module.g] }',
      ].join("\n"),
    );
  });

  it("are applied together by repairStackHcl", () => {
    expect(
      repairStackHcl('terraform {\n  0 = "required_version"\n}\nx { depends_on = ["aws_a.b"] }', {
        required_version: ">= 1.11",
      }),
    ).toBe('terraform {\n  required_version = ">= 1.11"\n}\nx { depends_on = [aws_a.b] }');
  });
});
