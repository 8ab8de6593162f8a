#!/usr/bin/env python3
"""Checks scenarios/scenario.schema.json against the scenarios eksim loads.

Every scenario shipped in scenarios/, tests/scenarios/, tests/scenarios/{reach,dns,observe}/ must validate (so
editors using the schema never flag a valid file), and a few known-bad
documents must not (so the schema is not vacuous). Run with /usr/bin/python3
(Debian's python3-jsonschema and python3-yaml).
"""
import pathlib
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
schema = yaml.safe_load((ROOT / "scenarios/scenario.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

failures = 0
files = (sorted(ROOT.glob("scenarios/*.yaml")) + sorted(ROOT.glob("tests/scenarios/*.yaml"))
         + sorted(ROOT.glob("tests/scenarios/reach/*.yaml")) + sorted(ROOT.glob("tests/scenarios/dns/*.yaml"))
         + sorted(ROOT.glob("tests/scenarios/observe/*.yaml")))
for path in files:
    errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
    if errors:
        failures += 1
        print(f"FAIL {path.relative_to(ROOT)}: {errors[0].message} at {list(errors[0].absolute_path)}")

bad = {
    "unknown top-level key": {"scenario": {"name": "x"}, "vpc": []},
    "misspelled scenario key": {"scenario": {"name": "x", "duraton": "1s"}},
    "duration without unit": {"scenario": {"name": "x", "duration": "10"}},
    "node group without instance type": {
        "scenario": {"name": "x"},
        "clusters": [{"name": "c", "vpc": "v", "nodeGroups": [{"name": "g", "count": 1, "subnets": ["a"]}]}],
    },
    "Cloud Map service with neither workload nor loadBalancer": {
        "scenario": {"name": "x"},
        "cloudMap": [{"namespace": "mesh.internal", "vpcs": ["v"], "services": [{"name": "cart"}]}],
    },
    "private hosted zone record of type AAAA": {
        "scenario": {"name": "x"},
        "privateHostedZones": [{"name": "corp.internal", "vpcs": ["v"], "records": [{"name": "a", "type": "AAAA", "values": ["::1"]}]}],
    },
    "flow with both rate and clients": {
        "scenario": {"name": "x"},
        "traffic": [{"from": "c/web/frontend", "to": "c/web/cart", "rate": "1/s", "clients": 4}],
    },
    "distribution with an unknown unit": {
        "scenario": {"name": "x"},
        "servers": [{"workload": "c/web/cart", "serviceTime": "exp(5)"}],
    },
    "kube-proxy mode that does not exist": {
        "scenario": {"name": "x"},
        "clusters": [{"name": "c", "vpc": "v", "kubeProxy": {"mode": "userspace"},
                      "nodeGroups": [{"name": "g", "instanceType": "m5.large", "count": 1, "subnets": ["a"]}]}],
    },
    "workload not cluster/namespace/name": {
        "scenario": {"name": "x"},
        "traffic": [{"from": "web/frontend", "to": "c/web/cart", "rate": "1/s"}],
    },
}
for what, doc in bad.items():
    if validator.is_valid(doc):
        failures += 1
        print(f"FAIL the schema accepts a document with {what}")

print(f"{len(files) + len(bad) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
