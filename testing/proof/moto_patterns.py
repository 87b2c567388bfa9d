"""Evaluates EventBridge patterns with moto's implementation: stdin [{pattern, event}], stdout [bool]."""
import json
import sys

from moto.events.models import EventPattern

cases = json.load(sys.stdin)
results = []
for case in cases:
    raw = json.dumps(case["pattern"])
    results.append(EventPattern(raw, json.loads(raw)).matches_event(case["event"]))
json.dump(results, sys.stdout)
