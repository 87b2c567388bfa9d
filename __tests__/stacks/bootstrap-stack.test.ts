import { resolveConfig } from "../../config/resolve";
import { exampleConfig } from "../../testing/config";
import { all, ref, single, statementsOf, synthConfig } from "../../testing/synth";

function withBootstrap(patch: Record<string, unknown> = {}) {
  const c = exampleConfig();
  c.stateBackend = { ...c.stateBackend, bootstrap: true, ...patch };
  return c;
}

describe("StateBootstrapStack", () => {
  it("is generated only when asked for, before the other stacks", () => {
    expect(Object.keys(synthConfig(exampleConfig()).stacks)).not.toContain("state-bootstrap");
    expect(Object.keys(synthConfig(withBootstrap()).stacks)[0]).toBe("state-bootstrap");
  });

  const stack = synthConfig(withBootstrap({ locking: "dynamodb", dynamodbTable: "tf-locks" })).stacks[
    "state-bootstrap"
  ]!;

  it("keeps its own state locally, since the state bucket does not exist yet", () => {
    expect(stack.terraform.backend).toEqual({
      local: { path: expect.stringMatching(/terraform\.state-bootstrap\.tfstate$/) },
    });
    expect(stack.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
    expect(stack.provider.aws[0].region).toBe("us-east-1");
  });

  it("creates the configured state bucket: protected, versioned, encrypted, private, TLS-only", () => {
    const bucket = single(stack, "aws_s3_bucket");
    expect(bucket).toMatchObject({
      bucket: "acme-tf-state",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    const id = ref(stack, "aws_s3_bucket", bucket, "id");
    expect(single(stack, "aws_s3_bucket_versioning")).toMatchObject({
      bucket: id,
      versioning_configuration: { status: "Enabled" },
    });
    expect(single(stack, "aws_s3_bucket_server_side_encryption_configuration").bucket).toBe(id);
    expect(single(stack, "aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: id,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const statements = statementsOf(stack, single(stack, "aws_s3_bucket_policy").policy);
    expect(statements).toEqual([
      expect.objectContaining({
        effect: "Deny",
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      }),
    ]);
    expect(stack.output.state_bucket.value).toBe(ref(stack, "aws_s3_bucket", bucket, "bucket"));
  });

  it("creates the DynamoDB lock table Terraform's S3 backend expects", () => {
    expect(single(stack, "aws_dynamodb_table")).toMatchObject({
      name: "tf-locks",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      server_side_encryption: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
  });

  it("creates no lock table with S3-native locking", () => {
    const s = synthConfig(withBootstrap()).stacks["state-bootstrap"]!;
    expect(all(s, "aws_dynamodb_table")).toEqual([]);
    expect(s.output.lock_table).toBeUndefined();
  });

  it("reserves its name", () => {
    const c = withBootstrap();
    c.targets[0].name = "state-bootstrap";
    expect(() => resolveConfig(c)).toThrow(
      'targets[0].name: "state-bootstrap" is reserved for the state bootstrap stack',
    );
  });
});
