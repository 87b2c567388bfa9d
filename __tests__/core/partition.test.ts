import {
  accountRootArn,
  bucketArn,
  isIsolatedRegion,
  objectArnPrefix,
  partitionOf,
  regionalArn,
  serviceEndpoint,
} from "../../core/partition";

describe("partitions", () => {
  it.each([
    ["us-east-1", "aws", "amazonaws.com"],
    ["eu-central-2", "aws", "amazonaws.com"],
    ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
    ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
    ["cn-northwest-1", "aws-cn", "amazonaws.com.cn"],
  ])("%s is in %s, endpoints under %s", (region, name, dnsSuffix) => {
    expect(partitionOf(region)).toEqual({ name, dnsSuffix });
  });

  it("refuses the isolated partitions", () => {
    expect(isIsolatedRegion("us-iso-east-1")).toBe(true);
    expect(isIsolatedRegion("us-isob-east-1")).toBe(true);
    expect(isIsolatedRegion("us-east-1")).toBe(false);
    expect(() => partitionOf("us-iso-east-1")).toThrow("isolated partition");
  });

  it("builds ARNs and endpoints in the region's partition", () => {
    const cn = partitionOf("cn-north-1");
    expect(bucketArn(cn, "b")).toBe("arn:aws-cn:s3:::b");
    expect(objectArnPrefix(cn, "b", "raw/")).toBe("arn:aws-cn:s3:::b/raw/");
    expect(regionalArn(cn, "sns", "cn-north-1", "123456789012", "t")).toBe("arn:aws-cn:sns:cn-north-1:123456789012:t");
    expect(accountRootArn(partitionOf("us-gov-east-1"), "123456789012")).toBe("arn:aws-us-gov:iam::123456789012:root");
    expect(serviceEndpoint(cn, "sns", "cn-north-1")).toBe("sns.cn-north-1.amazonaws.com.cn");
    expect(serviceEndpoint(partitionOf("us-gov-west-1"), "sns", "us-gov-west-1")).toBe(
      "sns.us-gov-west-1.amazonaws.com",
    );
  });
});
