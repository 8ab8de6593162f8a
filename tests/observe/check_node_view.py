#!/usr/bin/python3
"""Cross-checks `eksim node` against `eksim capacity` and against the scenario's
manifests read here independently (PyYAML), for every node of a scenario:

* the ENIs, ENI primaries, secondary IPs or prefixes and pods of every node add
  up to what `eksim capacity --format json` reports per node and per subnet;
* every port of every Service with a ClusterIP has its KUBE-SERVICES rule
  and KUBE-SVC chain, named as kube-proxy names them (sha256 + base32, computed
  here with hashlib), and every endpoint pod (selected here from the
  manifests' labels, named targetPorts resolved here from container ports)
  has its KUBE-SEP chain with a DNAT to ip:port on every node;
* every pod with a VPC address has its /32 route through the veth the VPC CNI
  would name (eni + sha1("namespace.pod")[:11], hashlib).

Usage: check_node_view.py --eksim BUILD/bin/eksim SCENARIO [SCENARIO...]
"""
import argparse
import base64
import hashlib
import ipaddress
import json
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run_json(eksim, *args):
    out = subprocess.run([eksim, *args, "--format", "json"], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def chain_hash(text):
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:16]


def manifests(scenario_path, cluster):
    """Every object of a cluster: the EKS add-ons, then the cluster's manifest files."""
    docs = list(yaml.safe_load_all((ROOT / "data/eks-addons/core.yaml").read_text()))
    for entry in cluster.get("manifests", []):
        path = (scenario_path.parent / entry)
        files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
        for f in files:
            docs.extend(yaml.safe_load_all(f.read_text()))
    return [d for d in docs if d]


def check(eksim, scenario):
    path = ROOT / scenario
    spec = yaml.safe_load(path.read_text())
    capacity = run_json(eksim, "capacity", scenario, "--no-headroom")
    failures = []
    checks = [0]

    def expect(cond, what):
        checks[0] += 1
        if not cond:
            failures.append(what)

    views = {n["name"]: run_json(eksim, "node", scenario, n["name"]) for n in capacity["nodes"]}
    eni_primaries = {}
    pod_ips = {}
    for node in capacity["nodes"]:
        v = views[node["name"]]
        slots = [s for e in v["enis"] for s in e.get("secondary_ips", []) + e.get("prefixes", [])]
        held = sum(ipaddress.ip_network(s["block"]).num_addresses for s in slots)
        expect(len(v["enis"]) == node["enis"], f"{node['name']}: {len(v['enis'])} ENIs, capacity says {node['enis']}")
        expect(held == node["addresses"], f"{node['name']}: {held} addresses held, capacity says {node['addresses']}")
        expect(len(v["pods"]) == node["pods"], f"{node['name']}: {len(v['pods'])} pods, capacity says {node['pods']}")
        with_ip = [p for p in v["pods"] if not p["host_network"]]
        expect(len(with_ip) == node["pods_with_address"],
               f"{node['name']}: {len(with_ip)} pods with a VPC address, capacity says {node['pods_with_address']}")
        expect(v["enis"][0]["primary_ip"] == v["address"], f"{node['name']}: eth0's primary is not the node address")
        expect(v["enis"][0]["subnet"] == node["subnet"], f"{node['name']}: eth0 not in {node['subnet']}")
        for e in v["enis"]:
            eni_primaries[e["subnet"]] = eni_primaries.get(e["subnet"], 0) + 1
            for s in e.get("secondary_ips", []) + e.get("prefixes", []):
                for pod in s["pods"]:
                    ip = next(p["ip"] for p in v["pods"] if f"{p['namespace']}/{p['name']}" == pod)
                    expect(ipaddress.ip_address(ip) in ipaddress.ip_network(s["block"]), f"{pod} {ip} not in {s['block']}")
        for p in v["pods"]:
            pod_ips.setdefault((v["cluster"], p["workload"]), []).append(p["ip"])
            if p["host_network"]:
                expect(p["ip"] == v["address"], f"host-network pod {p['name']} not at the node address")
                continue
            veth = "eni" + hashlib.sha1(f"{p['namespace']}.{p['name']}".encode()).hexdigest()[:11]
            expect(f"{p['ip']} dev {veth} scope link" in v["routes"], f"{node['name']}: no route to {p['name']} via {veth}")
            expect(f"512:\tfrom all to {p['ip']} lookup main" in v["ip_rules"], f"no to-pod rule for {p['ip']}")
    for subnet in capacity["subnets"]:
        expect(eni_primaries.get(subnet["name"], 0) == subnet["eni_primaries"],
               f"subnet {subnet['name']}: {eni_primaries.get(subnet['name'], 0)} ENI primaries, capacity says {subnet['eni_primaries']}")

    # Services and endpoints, from the manifests.
    for cluster in spec["clusters"]:
        docs = manifests(path, cluster)
        workloads = [d for d in docs if d.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")]
        services = [d for d in docs if d.get("kind") == "Service"]
        nodes = [v for name, v in views.items() if name.startswith(cluster["name"] + "/")]
        for svc in services:
            meta, sspec = svc["metadata"], svc["spec"]
            ns = meta.get("namespace", "default")
            if sspec.get("clusterIP") == "None" or sspec.get("type") == "ExternalName":
                continue
            selector = sspec.get("selector") or {}
            backends = [w for w in workloads if w["metadata"].get("namespace", "default") == ns and selector and
                        all(w["spec"]["template"]["metadata"].get("labels", {}).get(k) == val for k, val in selector.items())]
            for port in sspec["ports"]:
                proto = port.get("protocol", "TCP").lower()
                name = f"{ns}/{meta['name']}" + (f":{port['name']}" if port.get("name") else "")
                svc_chain = "KUBE-SVC-" + chain_hash(name + proto)
                endpoints = []
                for w in backends:
                    target = port.get("targetPort", port["port"])
                    if isinstance(target, str):
                        target = next((cp["containerPort"] for c in w["spec"]["template"]["spec"]["containers"]
                                       for cp in c.get("ports", []) if cp.get("name") == target and
                                       cp.get("protocol", "TCP").lower() == proto), None)
                    if target is None:
                        continue
                    for ip in pod_ips.get((cluster["name"], f"{ns}/{w['metadata']['name']}"), []):
                        endpoints.append(f"{ip}:{target}")
                for v in nodes:
                    nat = v["iptables_nat"]
                    if not endpoints:
                        expect(f"# {name} has no endpoints" in nat, f"{v['name']}: {name} without endpoints not noted")
                        continue
                    expect(f"-p {proto} -m comment --comment \"{name} cluster IP\" -m {proto} --dport {port['port']} -j {svc_chain}\n" in nat,
                           f"{v['name']}: no KUBE-SERVICES rule for {name} -> {svc_chain}")
                    for ep in endpoints:
                        sep = "KUBE-SEP-" + chain_hash(name + proto + ep)
                        expect(f"-A {svc_chain} -m comment --comment \"{name} -> {ep}\"" in nat,
                               f"{v['name']}: {svc_chain} does not jump to {ep}")
                        expect(f"-A {sep} -p {proto} -m comment --comment \"{name}\" -m {proto} -j DNAT --to-destination {ep}\n" in nat,
                               f"{v['name']}: no {sep} DNAT to {ep}")
                    if sspec.get("type") in ("NodePort", "LoadBalancer"):
                        ext = "KUBE-EXT-" + chain_hash(name + proto)
                        rule = re.search(rf'-A KUBE-NODEPORTS -p {proto} -m comment --comment "{re.escape(name)}" '
                                         rf'-m {proto} --dport (\d+) -j {ext}\n', nat)
                        expect(rule is not None, f"{v['name']}: no KUBE-NODEPORTS rule for {name} -> {ext}")
                        if rule:
                            expect(30000 <= int(rule.group(1)) <= 32767 and
                                   int(rule.group(1)) == port.get("nodePort", int(rule.group(1))),
                                   f"{v['name']}: {name} NodePort {rule.group(1)}")
                    expect(nat.count(f"-A {svc_chain} ") == len(endpoints),
                           f"{v['name']}: {svc_chain} has {nat.count(f'-A {svc_chain} ')} rules for {len(endpoints)} endpoints")
    if checks[0] < 10:
        failures.append(f"only {checks[0]} checks ran: nothing to compare?")
    return failures, checks[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eksim", required=True)
    ap.add_argument("scenarios", nargs="+")
    args = ap.parse_args()
    passed = failed = 0
    for scenario in args.scenarios:
        failures, checks = check(args.eksim, scenario)
        if failures:
            failed += 1
            print(f"FAIL {scenario}")
            for f in failures:
                print("  " + f)
        else:
            passed += 1
            print(f"ok   {scenario} ({checks} checks)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
