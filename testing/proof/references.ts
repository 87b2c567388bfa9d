/**
 * Turns a synthesized stack's Terraform references (`${aws_sqs_queue.x.arn}`) into the concrete values
 * AWS would give them in account 123456789012, and renders `aws_iam_policy_document` data sources into
 * IAM policy JSON, so policies can be evaluated by an IAM simulator.
 */
import { partitionOf } from "../../core/partition";
import type { Synth, PolicyStatement } from "../synth";

export const ACCOUNT = "123456789012";

export interface IamPolicy {
  Version: string;
  Statement: Record<string, unknown>[];
}

export class References {
  private readonly values = new Map<string, string>();
  readonly region: string;
  /** The ARN partition of the stack's region (aws, aws-cn, aws-us-gov). */
  readonly partition: string;

  constructor(private readonly synth: Synth) {
    this.region = synth.provider.aws[0].region;
    this.partition = partitionOf(this.region).name;
    const r = this.region;
    const p = this.partition;
    const set = (type: string, name: string, attrs: Record<string, string>) => {
      for (const [attr, value] of Object.entries(attrs)) this.values.set(`${type}.${name}.${attr}`, value);
    };
    for (const [type, resources] of Object.entries(synth.resource ?? {})) {
      for (const [name, res] of Object.entries(resources)) {
        switch (type) {
          case "aws_s3_bucket": {
            const bucket = res.bucket ?? `${res.bucket_prefix}20261126000000000000000001`;
            set(type, name, { bucket, id: bucket, arn: `arn:${p}:s3:::${bucket}` });
            break;
          }
          case "aws_sqs_queue":
            set(type, name, {
              name: res.name,
              arn: `arn:${p}:sqs:${r}:${ACCOUNT}:${res.name}`,
              url: `https://sqs.${r}.${partitionOf(r).dnsSuffix}/${ACCOUNT}/${res.name}`,
            });
            break;
          case "aws_cloudwatch_event_rule":
            set(type, name, { name: res.name, arn: `arn:${p}:events:${r}:${ACCOUNT}:rule/${res.name}` });
            break;
          case "aws_lambda_function":
            set(type, name, {
              function_name: res.function_name,
              arn: `arn:${p}:lambda:${r}:${ACCOUNT}:function:${res.function_name}`,
            });
            break;
          case "aws_cloudwatch_log_group":
            set(type, name, { name: res.name, arn: `arn:${p}:logs:${r}:${ACCOUNT}:log-group:${res.name}` });
            break;
          case "aws_dynamodb_table":
            set(type, name, { name: res.name, arn: `arn:${p}:dynamodb:${r}:${ACCOUNT}:table/${res.name}` });
            break;
          case "aws_iam_role":
            set(type, name, { name: res.name, id: res.name, arn: `arn:${p}:iam::${ACCOUNT}:role/${res.name}` });
            break;
          case "aws_sns_topic":
            set(type, name, { name: res.name, arn: `arn:${p}:sns:${r}:${ACCOUNT}:${res.name}` });
            break;
          case "aws_kms_key": {
            // A fixed key ID per resource name is enough: policies only compare ARNs.
            const keyId = `0000${name.length}-test-key-${name}`;
            set(type, name, { key_id: keyId, id: keyId, arn: `arn:${p}:kms:${r}:${ACCOUNT}:key/${keyId}` });
            break;
          }
          case "aws_cloudtrail":
            set(type, name, { name: res.name, arn: `arn:${p}:cloudtrail:${r}:${ACCOUNT}:trail/${res.name}` });
            break;
          default:
            break;
        }
      }
    }
    for (const name of Object.keys(synth.data?.aws_caller_identity ?? {}))
      this.values.set(`data.aws_caller_identity.${name}.account_id`, ACCOUNT);
  }

  /** Replaces every `${…}` reference; an unknown reference throws, so nothing is evaluated half-resolved. */
  resolve(text: string): string {
    return text.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
      const doc = /^data\.aws_iam_policy_document\.([^.]+)\.json$/.exec(ref);
      if (doc) return JSON.stringify(this.policy(doc[1]!));
      const value = this.values.get(ref);
      if (value === undefined) throw new Error(`cannot resolve reference \${${ref}}`);
      return value;
    });
  }

  /** A resource attribute, resolved. */
  attr(type: string, resource: any, attr: string): string {
    const entry = Object.entries(this.synth.resource[type] ?? {}).find(([, v]) => v === resource);
    if (!entry) throw new Error(`resource not in ${type}`);
    return this.resolve(`\${${type}.${entry[0]}.${attr}}`);
  }

  /** Renders a policy given as a `${data.aws_iam_policy_document.X.json}` reference. */
  policyOf(reference: string): IamPolicy {
    return JSON.parse(this.resolve(reference)) as IamPolicy;
  }

  private policy(documentName: string): IamPolicy {
    const doc = this.synth.data.aws_iam_policy_document?.[documentName];
    if (!doc) throw new Error(`no policy document ${documentName}`);
    return {
      Version: doc.version ?? "2012-10-17",
      Statement: (doc.statement as PolicyStatement[]).map((s) => this.statement(s)),
    };
  }

  private statement(s: PolicyStatement): Record<string, unknown> {
    const out: Record<string, unknown> = { Effect: s.effect ?? "Allow", Action: s.actions };
    if (s.sid) out.Sid = s.sid;
    if (s.resources) out.Resource = s.resources.map((r) => this.resolve(r));
    if (s.principals) {
      const principal: Record<string, string[]> = {};
      let anyone = false;
      for (const p of s.principals) {
        if (p.type === "*") anyone = true;
        else principal[p.type] = [...(principal[p.type] ?? []), ...p.identifiers.map((i) => this.resolve(i))];
      }
      out.Principal = anyone ? "*" : principal;
    }
    if (s.condition) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of s.condition) {
        condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: c.values.map((v) => this.resolve(v)) };
      }
      out.Condition = condition;
    }
    return out;
  }
}
