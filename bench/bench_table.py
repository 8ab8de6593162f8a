#!/usr/bin/python3
"""Prints every figure of the Google Benchmark JSON files in a folder as one
Markdown table per suite: name, wall and CPU time, iterations and the
benchmark's counters (events/s, lookups/s, bytes...). `make bench` ends with
it; docs/performance.md holds its latest output.

  bench_table.py build/bench

With repetitions only the median aggregate is shown. Exit 2 if the folder has
no benchmark JSON.
"""
import json
import sys
from pathlib import Path

# Counters Google Benchmark adds itself, not the suite's figures.
SKIP = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
        "real_time", "cpu_time", "time_unit", "family_index", "per_family_instance_index",
        "aggregate_name", "aggregate_unit", "error_occurred", "error_message", "label"}


def number(v):
    """Whole numbers in full with thousands separators, rates and ratios to
    three significant digits with k, M or G."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if float(v).is_integer() and abs(v) < 1e12:
        return f"{int(v):,}"
    for scale, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k"), (1, "")):
        if abs(v) >= scale * 0.9995 or scale == 1:
            text = f"{v / scale:.3g}"
            if "e+" in text:
                text = f"{v / scale:.0f}"
            return text + suffix
    return str(v)


NS_PER = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}


def duration(value, unit):
    """A time in the unit that keeps it between 1 and 1000, four digits."""
    ns = value * NS_PER.get(unit, 1)
    for name in ("s", "ms", "us", "ns"):
        if ns >= NS_PER[name] or name == "ns":
            return f"{ns / NS_PER[name]:.4g} {'µs' if name == 'us' else name}"
    return f"{value} {unit}"


def rows_of(path):
    data = json.loads(path.read_text())
    rows = []
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"]) if b.get("run_type") == "aggregate" else b["name"]
        if b.get("run_type") == "aggregate":
            name += " (median)"
        if b.get("error_occurred"):
            rows.append((name, "error: " + b.get("error_message", ""), "", "", ""))
            continue
        unit = b.get("time_unit", "ns")
        counters = ", ".join(f"{k} {number(v)}" for k, v in b.items() if k not in SKIP)
        rows.append((name, duration(b["real_time"], unit), duration(b["cpu_time"], unit),
                     number(b.get("iterations", "")), counters))
    return data.get("context", {}), rows


def main(argv):
    folder = Path(argv[1] if len(argv) > 1 else "build/bench")
    files = sorted(folder.glob("*.json"))
    if not files:
        print(f"bench_table: no benchmark JSON in {folder}", file=sys.stderr)
        return 2
    for path in files:
        try:
            context, rows = rows_of(path)
        except (OSError, ValueError, KeyError) as e:
            print(f"bench_table: {path}: {e}", file=sys.stderr)
            return 2
        print(f"### {path.name}  ({context.get('date', '?')}, {context.get('num_cpus', '?')} CPUs, "
              f"load average {', '.join(f'{x:.2f}' for x in context.get('load_avg', []))})\n")
        print("| benchmark | wall | CPU | iterations | counters |")
        print("|---|---:|---:|---:|---|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
