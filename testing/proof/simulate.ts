import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { IamPolicy } from "./references";
import { ACCOUNT } from "./references";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Request {
  principal: string;
  action: string;
  resource: string;
  /** Account owning the resource; this account unless said otherwise. */
  resourceAccount?: string;
  identityPolicy?: IamPolicy;
  resourcePolicy?: IamPolicy;
  context?: Record<string, string | string[]>;
}

/** Evaluates one request with the IAM simulator (same-account rules: identity OR resource policy). */
export async function decide(request: Request): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: request.identityPolicy ? [{ name: "policy", policy: request.identityPolicy }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount ?? ACCOUNT },
        contextVariables: { "aws:SecureTransport": "true", ...request.context },
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === "error") throw new Error(`simulation rejected: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}
