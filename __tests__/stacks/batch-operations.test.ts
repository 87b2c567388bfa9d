/**
 * The S3 Batch Operations role as synthesized: the trust and permissions of the S3 User Guide, "Granting
 * permissions for Batch Operations" (trust without conditions; s3:PutInventoryConfiguration on the source
 * bucket for a generated manifest), scoped to the target's prefix and its reports bucket's batch/.
 */
import { exampleConfig } from "../../testing/config";
import { all, ref, statementsOf, synthConfig } from "../../testing/synth";
import { targetNames } from "../../stacks/names";

describe("BatchOperations", () => {
  const config = exampleConfig();
  config.targets[0].batchOperations = true;
  const stack = synthConfig(config).stacks["genomics-raw"]!;
  const role = all(stack, "aws_iam_role").find((r) => r.name === targetNames("genomics-raw").batchRole);
  const reports = all(stack, "aws_s3_bucket").find(
    (b) => b.bucket_prefix === targetNames("genomics-raw").batchReportsBucketPrefix,
  );
  const policy = all(stack, "aws_iam_role_policy").find((p) => p.role === ref(stack, "aws_iam_role", role, "id"));

  it("is trusted by S3 Batch Operations as documented, with no condition (iam:PassRole decides who uses it)", () => {
    expect(statementsOf(stack, role.assume_role_policy)).toEqual([
      {
        sid: "BatchOperationsAssume",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["batchoperations.s3.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
      },
    ]);
  });

  it("may put an inventory configuration on the source bucket, restore under the prefix, and write under batch/", () => {
    const statements = statementsOf(stack, policy.policy);
    const bySid = (sid: string) => statements.find((s) => s.sid === sid);
    expect(bySid("GenerateManifest")).toEqual({
      sid: "GenerateManifest",
      effect: "Allow",
      actions: ["s3:PutInventoryConfiguration"],
      resources: ["arn:aws:s3:::fsx4l-store"],
    });
    expect(bySid("RestoreTargetObjects")?.resources).toEqual(["arn:aws:s3:::fsx4l-store/raw/*"]);
    expect(bySid("WriteManifestsAndReports")).toMatchObject({
      actions: ["s3:PutObject", "s3:GetObject"],
      resources: [`${ref(stack, "aws_s3_bucket", reports, "arn")}/batch/*`],
    });
    // No statement grants PutInventoryConfiguration anywhere else.
    expect(statements.filter((s) => s.actions.includes("s3:PutInventoryConfiguration"))).toHaveLength(1);
  });
});
