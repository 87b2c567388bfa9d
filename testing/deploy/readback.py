"""Reads back, with boto3 (the AWS SDK for Python) against moto, what the deploy proof compares with the
synthesized configuration. Usage: python3 readback.py ENDPOINT [--leftovers] REGION [REGION...]; prints JSON keyed by region.
The Node SDK in this project has no EventBridge, CloudWatch, CloudTrail or IAM client, boto3 ships with moto."""
import json
import sys

import boto3


def client(service, endpoint, region):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def rules(endpoint, region):
    events = client("events", endpoint, region)
    out = {}
    for rule in events.list_rules()["Rules"]:
        targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        out[rule["Name"]] = {"EventPattern": rule.get("EventPattern"), "Targets": targets}
    return out


def functions(endpoint, region):
    lam = client("lambda", endpoint, region)
    return {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}


def role_policies(endpoint, region):
    iam = client("iam", endpoint, region)
    out = {}
    for role in iam.list_roles()["Roles"]:
        for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"]
            out[f"{role['RoleName']}/{name}"] = doc
    return out


def topics(endpoint, region):
    sns = client("sns", endpoint, region)
    out = {}
    for topic in sns.list_topics()["Topics"]:
        out[topic["TopicArn"]] = sns.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"]
    return out


def subscriptions(endpoint, region):
    sns = client("sns", endpoint, region)
    out = {}
    for sub in sns.list_subscriptions()["Subscriptions"]:
        arn = sub["SubscriptionArn"]
        out[arn] = {**sub, **sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]}
    return out


def alarms(endpoint, region):
    cw = client("cloudwatch", endpoint, region)
    return {a["AlarmName"]: a for a in cw.describe_alarms()["MetricAlarms"]}


def queues(endpoint, region):
    sqs = client("sqs", endpoint, region)
    out = {}
    for url in sqs.list_queues().get("QueueUrls", []):
        out[url.rsplit("/", 1)[1]] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return out


def trails(endpoint, region):
    ct = client("cloudtrail", endpoint, region)
    out = {}
    for trail in ct.describe_trails(includeShadowTrails=False)["trailList"]:
        selectors = ct.get_event_selectors(TrailName=trail["TrailARN"])
        out[trail["Name"]] = {**trail, "AdvancedEventSelectors": selectors.get("AdvancedEventSelectors", [])}
    return out


READERS = [rules, functions, role_policies, topics, subscriptions, alarms, queues, trails]


def leftovers(endpoint, region):
    """Everything a stack could have left behind in a region (moto starts empty, so anything is a leftover).
    KMS keys count only when not PendingDeletion (AWS keeps a deleted key for its waiting period) and not
    AWS managed (moto creates the alias/aws/* keys itself, e.g. aws/dynamodb for a table's encryption)."""
    kms = client("kms", endpoint, region)
    managed = {a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/aws/")}
    keys = [k["KeyId"] for k in kms.list_keys()["Keys"] if k["KeyId"] not in managed]
    names = {
        "buckets": [b["Name"] for b in client("s3", endpoint, region).list_buckets()["Buckets"]],
        "tables": client("dynamodb", endpoint, region).list_tables()["TableNames"],
        "log_groups": [g["logGroupName"] for g in client("logs", endpoint, region).describe_log_groups()["logGroups"]],
        "roles": [r["RoleName"] for r in client("iam", endpoint, region).list_roles()["Roles"]],
        "keys": [k for k in keys if kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] != "PendingDeletion"],
        "aliases": [a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")],
    }
    for read in [rules, functions, topics, subscriptions, alarms, queues, trails]:
        names[read.__name__] = list(read(endpoint, region).keys())
    return {kind: found for kind, found in names.items() if found}

if __name__ == "__main__":
    endpoint, regions = sys.argv[1], sys.argv[2:]
    if regions[0] == "--leftovers":
        dump = {r: leftovers(endpoint, r) for r in regions[1:]}
    else:
        dump = {r: {read.__name__: read(endpoint, r) for read in READERS} for r in regions}
    json.dump(dump, sys.stdout, default=str)
