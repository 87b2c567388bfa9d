/**
 * The `_override.tf.json` that points a synthesized stack at moto. Terraform merges a file with this suffix
 * over the stack's own configuration (Terraform docs, "Override Files"): a provider block replaces the
 * arguments of the block with the same alias, a backend block replaces the backend.
 */

/** Every AWS service the stacks call, as the provider's `endpoints` block names them. */
export const MOTO_SERVICES = [
  "cloudtrail",
  "cloudwatch",
  "dynamodb",
  "events",
  "iam",
  "kms",
  "lambda",
  "logs",
  "s3",
  "sns",
  "sqs",
  "sts",
] as const;

interface ProviderBlock {
  alias?: string;
  [key: string]: unknown;
}

/** Provider arguments that send every call of one `aws` block to moto. */
function motoProvider(block: ProviderBlock, endpoint: string): ProviderBlock {
  return {
    ...(block.alias ? { alias: block.alias } : {}),
    // moto accepts any key; these are its documented test values.
    access_key: "testing",
    secret_key: "testing",
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    // The account ID is read from moto's STS (123456789012), so ARNs the provider builds are complete.
    skip_requesting_account_id: false,
    s3_use_path_style: true,
    // moto answers some unsupported calls with HTTP 500, which the provider otherwise retries for minutes.
    max_retries: 3,
    endpoints: [Object.fromEntries(MOTO_SERVICES.map((service) => [service, endpoint]))],
  };
}

/** The override for one stack: local state in `statePath`, every `aws` provider block on moto. */
export function motoOverride(stack: { provider?: { aws?: ProviderBlock[] } }, endpoint: string, statePath: string) {
  const blocks = stack.provider?.aws ?? [];
  if (blocks.length === 0) throw new Error("the stack declares no aws provider block to point at moto");
  return {
    terraform: { backend: { local: { path: statePath } } },
    provider: { aws: blocks.map((block) => motoProvider(block, endpoint)) },
  };
}

/**
 * Lifts `prevent_destroy` from every resource that sets it (the state bootstrap guards its bucket and lock
 * table on purpose): used only to clean moto up after the guard itself was seen to stop a destroy.
 */
export function allowDestroyOverride(stack: { resource?: Record<string, Record<string, any>> }) {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [type, byName] of Object.entries(stack.resource ?? {}))
    for (const [name, body] of Object.entries(byName))
      if (body.lifecycle?.prevent_destroy) (resource[type] ??= {})[name] = { lifecycle: { prevent_destroy: false } };
  return Object.keys(resource).length > 0 ? { resource } : undefined;
}
