#!/usr/bin/python3
"""How eksim's time and memory grow: pods, NetworkPolicies, flows and
simulated seconds, three sizes each (docs/performance.md, "Scaling").

Generates each scenario into a temporary folder (deterministic text), runs
the CLI on it under GNU time (`/usr/bin/time -f`), and prints one Markdown
table per dimension: wall time, user+system CPU time and peak resident set
(max RSS) of the whole process, loading included, output thrown away.

  bench/scaling.py --eksim build/bin/eksim [--reps 3] [--quick]

Each figure is the median of --reps runs. --quick uses smaller sizes (a
smoke run for the test suite's timing, not for the docs).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REGION = "regions: {us-east-1: {azs: [use1-az1, use1-az2, use1-az3]}}\n"
VPC = (
    "vpcs:\n  - name: v\n    cidrs: [10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16]\n    subnets:\n"
    "      - {name: a, az: use1-az1, cidr: 10.0.0.0/16}\n"
    "      - {name: b, az: use1-az2, cidr: 10.1.0.0/16}\n"
    "      - {name: c, az: use1-az3, cidr: 10.2.0.0/16}\n"
)


def write_scenario(folder: Path, name: str, deployments: int, replicas: int, policies: int,
                   flows: int, rate: float, duration: str) -> Path:
    """A cluster of `deployments` Deployments (`replicas` pods each) in 10
    namespaces; with `policies` > 0, each namespace's default-deny ingress plus that many
    NetworkPolicies (each lets one app in from the one before, on its http port
    and one numbered port), and `flows` request flows app(2i) -> app(2i+1)
    at `rate`/s with 8 workers and exp(2ms) service at each destination."""
    flows = min(flows, deployments // 2)  # distinct destinations
    pods = deployments * replicas
    nodes = max(3, pods // 40 + 3)  # m5.2xlarge: 58 pods at most
    groups = (nodes + 99) // 100
    d = folder / name
    (d / "manifests").mkdir(parents=True, exist_ok=True)
    ns_of = lambda i: f"team{i % 10}"  # noqa: E731
    with open(d / "manifests" / "apps.yaml", "w") as m:
        for i in range(10):
            m.write(f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: team{i}, labels: {{team: t{i}}}}}\n---\n")
            # Every pod isolated for ingress, so the allowed pairs (and the
            # output) are those the `policies` allow, not every pair.
            if policies:
                m.write(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                        f"metadata: {{name: default-deny, namespace: team{i}}}\n"
                        "spec: {podSelector: {}, policyTypes: [Ingress]}\n---\n")
        for i in range(deployments):
            m.write(
                f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{i}, namespace: {ns_of(i)}}}\n"
                f"spec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: app{i}}}}}\n"
                f"  template:\n    metadata: {{labels: {{app: app{i}}}}}\n"
                "    spec: {containers: [{name: main, image: app, ports: [{name: http, containerPort: 8080}]}]}\n"
                "---\n")
        for k in range(policies):
            i = k % deployments
            j = (i - 1) % deployments  # so flow app(2f) -> app(2f+1) is allowed
            m.write(
                f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                f"metadata: {{name: p{k}, namespace: {ns_of(i)}}}\n"
                f"spec:\n  podSelector: {{matchLabels: {{app: app{i}}}}}\n  policyTypes: [Ingress]\n"
                f"  ingress:\n    - from: [{{namespaceSelector: {{matchLabels: {{team: t{j % 10}}}}}, "
                f"podSelector: {{matchLabels: {{app: app{j}}}}}}}]\n"
                f"      ports: [{{port: http}}, {{port: {9000 + k % 500}}}]\n---\n")
    with open(d / "scenario.yaml", "w") as s:
        s.write(f"scenario: {{name: {name}, seed: 1, duration: {duration}}}\n" + REGION + VPC)
        s.write("clusters:\n  - name: k\n    vpc: v\n    nodeGroups:\n")
        left = nodes
        for g in range(groups):
            s.write(f"      - {{name: ng{g}, instanceType: m5.2xlarge, count: {min(100, left)}, "
                    "subnets: [a, b, c]}\n")
            left -= 100
        s.write("    manifests: [manifests/]\n")
        if flows:
            s.write("servers:\n")
            for f in range(flows):
                dst = (2 * f + 1) % deployments
                s.write(f"  - {{workload: k/{ns_of(dst)}/app{dst}, workers: 8, serviceTime: exp(2ms)}}\n")
            s.write("traffic:\n")
            for f in range(flows):
                src, dst = (2 * f) % deployments, (2 * f + 1) % deployments
                s.write(f"  - {{from: k/{ns_of(src)}/app{src}, to: k/{ns_of(dst)}/app{dst}, rate: {rate:g}/s}}\n")
    return d / "scenario.yaml"


def measure(cmd, reps):
    """Median wall s, CPU s, max RSS MiB of `cmd` over reps runs."""
    walls, cpus, rss = [], [], []
    for _ in range(reps):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
            done = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M"] + cmd,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if done.returncode not in (0, 1):
                sys.exit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}")
            wall, user, system, kib = t.read().split()[-4:]
        walls.append(float(wall))
        cpus.append(float(user) + float(system))
        rss.append(int(kib) / 1024)
    return statistics.median(walls), statistics.median(cpus), statistics.median(rss)


def table(title, column, rows):
    print(f"### {title}\n")
    print(f"| {column} | command | wall | CPU | peak RSS |")
    print("|---:|---|---:|---:|---:|")
    for size, what, (wall, cpu, rss) in rows:
        print(f"| {size} | {what} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MiB |")
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--eksim", default="build/bin/eksim")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    eksim = os.path.abspath(a.eksim)
    q = 10 if a.quick else 1
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = []
        for pods in (1000 // q, 5000 // q, 20000 // q):
            s = write_scenario(tmp, f"pods{pods}", pods // 10, 10, 100, 10, 100, "10s")
            rows.append((f"{pods:,}", "reach", measure([eksim, "reach", str(s)], a.reps)))
            rows.append((f"{pods:,}", "run 10 s", measure([eksim, "run", str(s), "--format", "json"], a.reps)))
        table("Pods (10 per Deployment, 10 + 100 NetworkPolicies, 10 flows of 100/s)", "pods", rows)

        rows = []
        for policies in (100 // q, 1000 // q, 10000 // q):
            s = write_scenario(tmp, f"policies{policies}", 500, 10, policies, 0, 0, "10s")
            rows.append((f"{policies:,}", "reach", measure([eksim, "reach", str(s)], a.reps)))
        table("NetworkPolicies (5,000 pods in 500 Deployments; 10 default-deny policies besides)", "policies", rows)

        rows = []
        for flows in (10 // q or 1, 100 // q, 1000 // q):
            s = write_scenario(tmp, f"flows{flows}", max(2 * flows, 20), 2, 0, flows, 50, "10s")
            rows.append((f"{flows:,}", "run 10 s",
                         measure([eksim, "run", str(s), "--format", "json"], a.reps)))
        table("Flows (50 requests/s each, 10 simulated s, 2 pods per side)", "flows", rows)

        rows = []
        quickstart = str(Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml")
        for seconds in (10 // q or 1, 100 // q, 1000 // q):
            rows.append((f"{seconds:,}", f"run quickstart --duration {seconds}s",
                         measure([eksim, "run", quickstart, "--duration", f"{seconds}s", "--format", "json"],
                                 a.reps)))
        table("Simulated seconds (quickstart: 400 requests/s)", "seconds", rows)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
