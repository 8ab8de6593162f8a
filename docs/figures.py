#!/usr/bin/env python3
"""Draws the README's pictures from eksim's own output.

  /usr/bin/python3 docs/figures.py [--eksim build/bin/eksim]

Writes docs/img/quickstart-latency.png: the latency CDF of the quickstart
flow at three seeds, from the JSON report's histogram buckets; and
docs/img/two-clusters-tgw.png: `eksim validate --format dot` of that
scenario, drawn by Graphviz.
"""
import argparse
import json
import pathlib
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


def latency_cdf(eksim, scenario, seed):
    out = subprocess.run([eksim, "run", scenario, "--format", "json", "--seed", str(seed)],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    flow = json.loads(out)["flows"][0]
    total = sum(c for _, _, c in flow["latency_histogram"])
    xs, ys, seen = [], [], 0
    for lower, upper, count in flow["latency_histogram"]:
        seen += count
        xs.append((lower + upper) / 2 / 1e6)
        ys.append(seen / total)
    return xs, ys, flow


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eksim", default=str(ROOT / "build/bin/eksim"))
    args = ap.parse_args()
    fig, ax = plt.subplots(figsize=(7, 4))
    for seed in (42, 7, 2026):
        xs, ys, flow = latency_cdf(args.eksim, "scenarios/quickstart.yaml", seed)
        ax.plot(xs, ys, label=f"seed {seed}: p99 {flow['latency_ns']['p99'] / 1e6:.1f} ms")
    ax.axhline(0.99, color="grey", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("request latency (ms, log scale)")
    ax.set_ylabel("fraction of requests")
    ax.set_title("quickstart: web/frontend -> web/cart, 400 req/s, 4 workers x 5 ms")
    ax.legend(loc="lower right")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    out = ROOT / "docs/img/quickstart-latency.png"
    fig.savefig(out, dpi=110)
    print(f"wrote {out.relative_to(ROOT)}")

    dot = subprocess.run([args.eksim, "validate", "scenarios/two-clusters-tgw.yaml", "--format", "dot"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    out = ROOT / "docs/img/two-clusters-tgw.png"
    subprocess.run(["dot", "-Tpng", "-Gdpi=90", "-o", str(out)], input=dot, text=True, check=True)
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
