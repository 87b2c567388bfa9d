/**
 * The --region value check, on its own so the command line can be read without loading the AWS SDK
 * (cli/region.ts, which finds a bucket's region, needs the S3 client).
 */
import { GlacierRestoreError } from "../core/errors";

/** Region codes as AWS writes them (us-east-1, eu-central-2, us-gov-west-1, cn-north-1). */
const REGION_CODE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

/** A --region value, checked. */
export function regionFlag(text: string): string {
  if (!REGION_CODE.test(text))
    throw new GlacierRestoreError("usage", `--region: ${JSON.stringify(text)} is not a region code such as eu-west-1`);
  return text;
}
