"""Creates in moto what the configuration names but does not own (the readers' buckets and log groups, which
FSx, Storage Gateway or the operator create in a real account). Usage: python3 world.py ENDPOINT < spec.json,
spec = {"buckets": [[name, region]], "logGroups": [[name, region]]}."""
import json
import sys

import boto3


def client(service, endpoint, region):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


endpoint, spec = sys.argv[1], json.load(sys.stdin)
for name, region in spec["buckets"]:
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client("s3", endpoint, region).create_bucket(Bucket=name, **extra)
for name, region in spec["logGroups"]:
    client("logs", endpoint, region).create_log_group(logGroupName=name)
