/**
 * AWS partitions: which ARN prefix and service DNS suffix a region uses. Pure (no SDK, no cdktf), so the
 * stacks, the function and the configuration checks share one answer.
 *
 * Source: AWS General Reference, "Amazon Resource Names (ARNs)" (partition: aws, aws-cn, aws-us-gov) and
 * "Service endpoints" (China Regions' endpoints end in amazonaws.com.cn).
 */

export type PartitionName = "aws" | "aws-cn" | "aws-us-gov";

export interface Partition {
  /** The ARN partition: `arn:<partition>:...`. */
  readonly name: PartitionName;
  /** Suffix of regional service endpoints, as used in `kms:ViaService` (`sns.<region>.<dnsSuffix>`). */
  readonly dnsSuffix: string;
}

const PARTITIONS: Record<PartitionName, Partition> = {
  aws: { name: "aws", dnsSuffix: "amazonaws.com" },
  "aws-cn": { name: "aws-cn", dnsSuffix: "amazonaws.com.cn" },
  "aws-us-gov": { name: "aws-us-gov", dnsSuffix: "amazonaws.com" },
};

/** Regions of the isolated partitions (aws-iso*): their endpoints and principals are not verified here. */
export function isIsolatedRegion(region: string): boolean {
  return /^[a-z]{2}-iso[a-z]?-/.test(region);
}

/** The partition a region belongs to. Throws for the isolated partitions, which this project does not support. */
export function partitionOf(region: string): Partition {
  if (isIsolatedRegion(region)) throw new Error(`region ${region} is in an isolated partition, which is not supported`);
  if (region.startsWith("cn-")) return PARTITIONS["aws-cn"];
  if (region.startsWith("us-gov-")) return PARTITIONS["aws-us-gov"];
  return PARTITIONS.aws;
}

/** `arn:<partition>:s3:::<bucket>` */
export function bucketArn(partition: Partition, bucket: string): string {
  return `arn:${partition.name}:s3:::${bucket}`;
}

/** The ARN prefix of a target's objects; the "/" keeps bucket "data" from matching "data-old". */
export function objectArnPrefix(partition: Partition, bucket: string, prefix: string): string {
  return `${bucketArn(partition, bucket)}/${prefix}`;
}

/** A regional resource's ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function regionalArn(
  partition: Partition,
  service: string,
  region: string,
  account: string,
  resource: string,
): string {
  return `arn:${partition.name}:${service}:${region}:${account}:${resource}`;
}

/** The account root principal: `arn:<partition>:iam::<account>:root`. */
export function accountRootArn(partition: Partition, account: string): string {
  return `arn:${partition.name}:iam::${account}:root`;
}

/** The endpoint host a service uses in a region, as `kms:ViaService` names it. */
export function serviceEndpoint(partition: Partition, service: string, region: string): string {
  return `${service}.${region}.${partition.dnsSuffix}`;
}
