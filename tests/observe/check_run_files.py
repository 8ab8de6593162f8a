#!/usr/bin/python3
"""Checks the files `eksim run` writes for production tooling against readers
written here from each format's published definition, and against the run's
own results JSON (issue 9, "Done means" 1-3):

* flow logs: every line parses with a reader built from AWS's field list for
  the default (version 2) format; with pods and ENIs named from `eksim node`,
  REJECT records appear for exactly the three flows a security group or
  network ACL blocks, each on the ENI where AWS logs that drop (the server's
  for an inbound SG, the client's for an outbound SG, the server's replies for
  a stateless ACL), one SYN per connection attempt (requests + retries of the
  flow in the results JSON); the NetworkPolicy-blocked flow shows ACCEPT only;
* metrics: `promtool check metrics` accepts the file (skipped only when
  promtool is absent), and each flow's histogram `_count` and `+Inf` bucket
  equal the results JSON's `completed`, buckets are cumulative, failures by
  cause add up to `failed`;
* trace: the file loads as JSON with the trace-event schema, and with every
  request sampled, each answered request's stage events (exact decimals) sum
  to its request event's duration and lie end to end inside it; as many
  answered requests as the results JSON's `completed`;
* access log: every line matches Envoy's default format; the mesh flow logs
  one line per request on each sidecar with the flow's payload sizes.

Usage: check_run_files.py --eksim BUILD/bin/eksim
"""
import argparse
import collections
import decimal
import ipaddress
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO = "tests/scenarios/observe/sg-block.yaml"

# AWS, "Flow log records", default format (version 2), in order.
FLOW_FIELDS = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
               "packets", "bytes", "start", "end", "action", "log-status"]

# Envoy's default access log format string.
ENVOY_LINE = re.compile(
    r'^\[(?P<start>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] '
    r'"(?P<method>\S+) (?P<path>\S+) (?P<protocol>\S+)" '
    r'(?P<code>\d+) (?P<flags>\S+) (?P<received>\d+) (?P<sent>\d+) (?P<duration>\d+) (?P<upstream_time>\d+|-) '
    r'"(?P<xff>[^"]*)" "(?P<ua>[^"]*)" "(?P<request_id>[^"]*)" "(?P<authority>[^"]*)" "(?P<upstream_host>[^"]*)"$')

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def read_flow_log(text):
    lines = text.splitlines()
    check(lines and lines[0].split(" ") == FLOW_FIELDS, f"flow log header: {lines[:1]}")
    records = []
    for n, line in enumerate(lines[1:], start=2):
        parts = line.split(" ")
        if len(parts) != len(FLOW_FIELDS):
            check(False, f"flow log line {n}: {len(parts)} fields")
            continue
        r = dict(zip(FLOW_FIELDS, parts))
        try:
            check(r["version"] == "2", f"line {n}: version {r['version']}")
            check(re.fullmatch(r"\d{12}", r["account-id"]) is not None, f"line {n}: account-id")
            check(re.fullmatch(r"eni-[0-9a-f]{17}", r["interface-id"]) is not None, f"line {n}: interface-id")
            ipaddress.IPv4Address(r["srcaddr"])
            ipaddress.IPv4Address(r["dstaddr"])
            for f in ("srcport", "dstport"):
                r[f] = int(r[f])
                check(0 <= r[f] <= 65535, f"line {n}: {f}")
            check(r["protocol"] == "6", f"line {n}: protocol {r['protocol']}")
            for f in ("packets", "bytes", "start", "end"):
                r[f] = int(r[f])
            check(r["packets"] > 0 and r["bytes"] >= 40 * r["packets"], f"line {n}: packets/bytes")
            check(r["start"] <= r["end"], f"line {n}: start after end")
            check(r["action"] in ("ACCEPT", "REJECT"), f"line {n}: action {r['action']}")
            check(r["log-status"] == "OK", f"line {n}: log-status {r['log-status']}")
        except ValueError as e:
            check(False, f"flow log line {n}: {e}")
            continue
        records.append(r)
    return records


def fnv1a64(text):
    h = 14695981039346656037
    for b in text.encode():
        h = ((h ^ b) * 1099511628211) % (1 << 64)
    return h


def pods_by_ip(eksim):
    """Pod address -> (workload, ENI id) from `eksim node --format json` on every node: the ENI id
    as docs/observability.md defines it, eni-0 + FNV-1a-64 of "<node>/eni-<device index>"."""
    capacity = json.loads(subprocess.run([eksim, "capacity", SCENARIO, "--format", "json", "--no-headroom"], cwd=ROOT,
                                         capture_output=True, text=True, check=True).stdout)
    pods = {}
    for node in capacity["nodes"]:
        view = json.loads(subprocess.run([eksim, "node", SCENARIO, node["name"], "--format", "json"], cwd=ROOT,
                                         capture_output=True, text=True, check=True).stdout)
        for pod in view["pods"]:
            if not pod["host_network"]:
                eni = "eni-0%016x" % fnv1a64(f"{node['name']}/eni-{pod['device_index']}")
                pods[pod["ip"]] = (pod["workload"], eni)
    return pods


def check_flow_logs(records, flows, pods):
    # Every record names a pod at each end, and sits on one of their two ENIs.
    where = []
    for r in records:
        src, dst = pods.get(r["srcaddr"]), pods.get(r["dstaddr"])
        if not src or not dst:
            check(False, f"record between unknown addresses: {r}")
            continue
        side = "src" if r["interface-id"] == src[1] else "dst" if r["interface-id"] == dst[1] else None
        check(side is not None, f"record on neither end's ENI: {r}")
        where.append((r, src[0], dst[0], side))
    # (source, destination, server port, ENI side) -> packets, per action.
    packets = {"ACCEPT": collections.Counter(), "REJECT": collections.Counter()}
    for r, src, dst, side in where:
        port = r["dstport"] if r["dstport"] in (8080, 9090) else r["srcport"]
        packets[r["action"]][(src, dst, port, side)] += r["packets"]
    attempts = {n: f["requests"] + f["retries"] for n, f in flows.items()}
    # Exactly the three flows a security group or network ACL blocks have REJECT records, each
    # on the ENI where AWS logs the drop, one packet per attempt (1 s connect timeout: one SYN).
    expected_rejects = {
        ("web/client", "web/server", 9090, "dst"): attempts["sg-blocked"],           # the server's SG, inbound
        ("web/locked", "web/server", 8080, "src"): attempts["sg-egress-blocked"],    # the client's SG, outbound
        ("web/acl-server", "web/client", 8080, "src"): attempts["nacl-return-blocked"],  # SYN-ACKs, server's ACL
    }
    check(dict(packets["REJECT"]) == expected_rejects, f"REJECT records {dict(packets['REJECT'])}, "
                                                        f"expected {expected_rejects}")
    accepted = packets["ACCEPT"]
    # The SYNs an inbound security group drops did leave the client; an outbound drop leaves nothing.
    check(accepted[("web/client", "web/server", 9090, "src")] == attempts["sg-blocked"], "blocked SYNs leave")
    check(accepted[("web/client", "web/server", 9090, "dst")] == 0, "blocked SYNs accepted at the server")
    check(not any(k[0] == "web/locked" for k in accepted), "ACCEPT records from the egress-blocked pod")
    # The ACL drops only the replies: the SYNs pass both ENIs.
    for side in ("src", "dst"):
        check(accepted[("web/client", "web/acl-server", 8080, side)] == attempts["nacl-return-blocked"],
              f"nacl-return-blocked SYNs on the {side} ENI")
    # A NetworkPolicy drops inside the node: the SYNs are ACCEPTed on both ENIs.
    for side in ("src", "dst"):
        check(accepted[("web/other", "web/server", 8080, side)] == attempts["netpol-blocked"],
              f"netpol-blocked SYNs on the {side} ENI")
    # The allowed flow's 20 KiB requests: at least 3 segments and 20480 bytes each, on both ENIs.
    allowed = flows["allowed"]["completed"]
    for side in ("src", "dst"):
        up = [r for r, src, dst, sd in where if (src, dst, r["dstport"], sd) == ("web/client", "web/server", 8080, side)]
        check(sum(r["bytes"] for r in up) >= 20480 * allowed and sum(r["packets"] for r in up) >= 3 * allowed,
              f"allowed flow's requests on the {side} ENI")


def parse_labels(text):
    return dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', text))


def check_metrics(path, text, flows):
    promtool = shutil.which("promtool")
    if promtool:
        proc = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
        check(proc.returncode == 0, f"promtool check metrics: {proc.stdout}{proc.stderr}")
    else:
        print("promtool not found: skipping promtool check metrics")
    counts, buckets, failed = {}, collections.defaultdict(list), collections.Counter()
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        check(m is not None, f"metrics line: {line}")
        if not m:
            continue
        name, labels, value = m.group(1), parse_labels(m.group(2)), float(m.group(3))
        flow = labels.get("flow")
        check(all(k in labels for k in ("cluster", "namespace", "workload", "flow")), f"labels of {line}")
        if name == "eksim_request_duration_seconds_count":
            counts[flow] = value
        elif name == "eksim_request_duration_seconds_bucket":
            buckets[flow].append((labels["le"], value))
        elif name == "eksim_requests_failed_total":
            failed[flow] += value
    for name, f in flows.items():
        check(counts.get(name) == f["completed"], f"{name}: _count {counts.get(name)}, completed {f['completed']}")
        values = [v for _, v in buckets[name]]
        check(values == sorted(values), f"{name}: buckets not cumulative")
        check(buckets[name] and buckets[name][-1] == ("+Inf", f["completed"]), f"{name}: +Inf bucket")
        check(failed[name] == f["failed"], f"{name}: failed by cause {failed[name]}, failed {f['failed']}")


def check_trace(text, flows):
    trace = json.loads(text, parse_float=decimal.Decimal)
    events = trace.get("traceEvents")
    check(isinstance(events, list) and events, "traceEvents missing")
    tracks = {}
    for e in events:
        check(isinstance(e.get("name"), str) and e.get("ph") in ("X", "M") and isinstance(e.get("pid"), int)
              and isinstance(e.get("tid"), int), f"trace event fields: {e}")
        if e["ph"] == "M":
            if e["name"] == "thread_name":
                tracks[e["tid"]] = e["args"]["name"]
            continue
        check(isinstance(e.get("ts"), (int, decimal.Decimal)) and isinstance(e.get("dur"), (int, decimal.Decimal))
              and e["dur"] >= 0 and isinstance(e.get("args", {}).get("request"), int), f"complete event: {e}")
    requests, stages = {}, collections.defaultdict(list)
    for e in events:
        if e["ph"] != "X":
            continue
        if tracks.get(e["tid"]) == "request":
            requests[e["args"]["request"]] = e
        else:
            stages[e["args"]["request"]].append(e)
    answered = {i: e for i, e in requests.items() if e["name"].endswith(": ok")}
    check(len(requests) == sum(f["requests"] for f in flows.values()), "every request traced with --trace-sample 1")
    check(len(answered) == sum(f["completed"] for f in flows.values()), "answered requests in the trace")
    for i, e in answered.items():
        spans = sorted(stages[i], key=lambda s: s["ts"])
        total = sum((s["dur"] for s in spans), decimal.Decimal(0))
        if total != e["dur"]:
            check(False, f"request {i}: stages sum to {total} us, latency {e['dur']} us")
            continue
        cursor = e["ts"]
        for s in spans:
            check(s["ts"] == cursor, f"request {i}: {s['name']} at {s['ts']}, expected {cursor}")
            cursor = s["ts"] + s["dur"]


def check_access_log(text, flows):
    lines = text.splitlines()
    per_flow = collections.Counter()
    for line in lines:
        m = ENVOY_LINE.match(line)
        check(m is not None, f"access log line: {line}")
        if not m:
            continue
        if m["authority"] == "server.mesh.svc.cluster.local:80":
            per_flow["mesh"] += 1
            if m["code"] == "200":
                check(m["received"] == "1024" and m["sent"] == "4096", f"mesh bytes: {line}")
    mesh = flows["mesh"]
    check(mesh["failed"] == 0, "mesh flow failed requests")
    check(per_flow["mesh"] == 2 * mesh["requests"], f"mesh lines {per_flow['mesh']}, requests {mesh['requests']}")
    check(len(lines) == per_flow["mesh"], "access log lines for flows without sidecars")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eksim", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        cmd = [args.eksim, "run", SCENARIO, "--json", str(out / "run.json"), "--flow-logs", str(out / "flows.log"),
               "--metrics", str(out / "metrics.prom"), "--trace", str(out / "trace.json"), "--trace-sample", "1",
               "--access-log", str(out / "access.log")]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            print(f"eksim run exited {proc.returncode}: {proc.stderr}")
            return 1
        result = json.loads((out / "run.json").read_text())
        flows = {f["name"]: f for f in result["flows"]}
        check_flow_logs(read_flow_log((out / "flows.log").read_text()), flows, pods_by_ip(args.eksim))
        check_metrics(out / "metrics.prom", (out / "metrics.prom").read_text(), flows)
        check_trace((out / "trace.json").read_text(), flows)
        check_access_log((out / "access.log").read_text(), flows)
    for f in failures:
        print("FAIL " + f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
