"""moto's server with the fixes the deploy proof needs, for moto 5.2.1 (refuses any other version).

Usage: python3 testing/deploy/moto_server.py -H 127.0.0.1 -p PORT

Each patch below closes one gap between moto and an AWS API (CloudTrail, SQS, S3) that the Terraform AWS
provider relies on; nothing else is changed. Other gaps are tolerated by name in testing/deploy/moto-gaps.ts.
"""
import json
import sys

import moto
from moto.cloudtrail.models import CloudTrailBackend
from moto.cloudtrail.responses import CloudTrailResponse
from moto.core.responses import ActionResult
from moto.s3.responses import S3Response
from moto.sqs.models import Queue

PATCHED_FOR = "5.2.1"
if moto.__version__ != PATCHED_FOR:
    sys.exit(
        f"testing/deploy/moto_server.py patches moto {PATCHED_FOR}, found {moto.__version__}: "
        "check each gap below against the new version, then update PATCHED_FOR"
    )


# Gap 1 (moto 5.2.1): StartLogging, StopLogging and DeleteTrail index the trail by name only
# (`self.trails[name]`), but the provider passes the trail ARN. Start/Stop raise KeyError (HTTP 500, and
# the provider retries the create for minutes); DeleteTrail silently deletes nothing (the trail leaks).
# CloudTrail accepts a name or an ARN for all three: look the trail up the way GetTrail already does.
def _start_logging(self, name):
    self.get_trail(name).start_logging()


def _stop_logging(self, name):
    self.get_trail(name).stop_logging()


def _delete_trail(self, name):
    del self.trails[self.get_trail(name).trail_name]


CloudTrailBackend.start_logging = _start_logging
CloudTrailBackend.stop_logging = _stop_logging
CloudTrailBackend.delete_trail = _delete_trail


# Gap 2 (moto 5.2.1): DescribeTrails ignores `trailNameList` and answers every trail of the region, so
# the provider's read of one trail fails with "too many results" once a region holds two trails.
# CloudTrail returns only the trails named (by name or ARN) when the list is given.
def _describe_trails(self):
    include_shadow = self._get_bool_param("includeShadowTrails", True)
    trails = self.cloudtrail_backend.describe_trails(include_shadow)
    wanted = self._get_param("trailNameList") or []
    if wanted:
        trails = [t for t in trails if t.trail_name in wanted or t.arn in wanted]
    return json.dumps({"trailList": [t.description(include_region=True) for t in trails]})


CloudTrailResponse.describe_trails = _describe_trails


# Gap 3 (moto 5.2.1): Queue.attributes (moto/sqs/models.py) answers RedrivePolicy as
# `json.dumps(self.redrive_policy)`, Python's default separators: `{"deadLetterTargetArn": "...", "maxReceiveCount": 24}`.
# The provider stores the string GetQueueAttributes answers as is (internal/attrmap APIAttributesToResourceData;
# redrive_policy has a StateFunc for the configuration but no DiffSuppressFunc), so the re-plan shows an update
# from the spaced form to the compact form it sent; every data source reading the queue is then deferred to
# apply, and the policies built from them show as unknown. SQS answers RedrivePolicy as the JSON object
# {deadLetterTargetArn, maxReceiveCount} (Amazon SQS API Reference, "GetQueueAttributes",
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html); the
# product writes it in the provider's documented form, jsonencode with a numeric maxReceiveCount (pinned by
# __tests__/stacks/fsx-import.test.ts). Only moto's spacing differs: answer it compact.
_queue_attributes = Queue.attributes


def _attributes_compact_redrive(self):
    result = _queue_attributes.fget(self)
    if self.redrive_policy:
        result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
    return result


Queue.attributes = property(_attributes_compact_redrive)


# Gap 4 (moto 5.2.1): PutBucketNotificationConfiguration stores an EventBridgeConfiguration
# (NotificationConfiguration.event_bridge, moto/s3/models.py) but S3Response.get_bucket_notification
# (moto/s3/responses.py) builds its answer from the topic, queue and Lambda configurations only, so the
# provider reads `eventbridge = false` after applying `true`. In S3 the configuration read back holds the
# EventBridgeConfiguration element that "enables delivery of events to Amazon EventBridge" (Amazon S3 API
# Reference, "NotificationConfiguration", https://docs.aws.amazon.com/AmazonS3/latest/API/API_NotificationConfiguration.html;
# GetBucketNotificationConfiguration returns that container).
_get_bucket_notification = S3Response.get_bucket_notification


def _get_bucket_notification_with_eventbridge(self):
    config = self.backend.get_bucket_notification_configuration(self.bucket_name)
    if config is None or config.event_bridge is None:
        return _get_bucket_notification(self)
    serialized = self.serialized
    # The original builds its result then serializes it: add the one missing element on the way out.
    self.serialized = lambda result: serialized(ActionResult({**result.result, "EventBridgeConfiguration": {}}))
    try:
        return _get_bucket_notification(self)
    finally:
        del self.serialized


S3Response.get_bucket_notification = _get_bucket_notification_with_eventbridge

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
