#!/usr/bin/python3
"""Compares eksim's kernel with ns-3 on the hold model.

Reads Google Benchmark JSON files (e.g. build/bench/kernel.json from the eksim
kernel suite and build/bench/ns3_hold.json from bench/peers/ns3_hold.cc), finds
every benchmark named hold/<impl>/<N> and prints a Markdown table with one row
per N: events/s of eksim (impl "eksim"), of any other eksim variant, of each
ns-3 scheduler (impl "ns3-<scheduler>"), the best ns-3, and eksim / best ns-3.

Exit codes: 0 ok, 1 eksim / best ns-3 below --require-ratio at some N (or an N
that ns-3 has and eksim lacks),
2 bad input (unreadable JSON, or no hold/eksim/<N> result at all).

Standard library only, so it runs with Debian's /usr/bin/python3.
"""

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

# hold/<impl>/<N>, plus whatever Google Benchmark appends to a registered name:
# the Arg again ("/1000"), "/min_time:1.000", "/iterations:..", "/real_time", ...
HOLD_NAME = re.compile(r"^hold/([^/]+)/(\d+)(?:/\d+)*(?:/[a-z_]+:[^/]+|/real_time|/manual_time|/process_time)*$")
EKSIM = "eksim"
NS3_PREFIX = "ns3-"
# ns-3's schedulers in the order its documentation lists them; others sort after.
NS3_ORDER = ["ns3-map", "ns3-heap", "ns3-calendar", "ns3-calendar-reverse", "ns3-priorityqueue"]
BYTES_COUNTER = "bytes_per_pending_event"


class BadInput(Exception):
    pass


def load_runs(path):
    """Returns {(impl, n): [benchmark entries]} for the hold benchmarks in one file."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except json.JSONDecodeError as e:
        raise BadInput(f"{path}: not valid JSON ({e})") from e
    runs = {}
    for entry in doc.get("benchmarks", []):
        # run_name drops the repetition/aggregate suffixes that name may carry.
        match = HOLD_NAME.match(entry.get("run_name", entry.get("name", "")))
        if match:
            runs.setdefault((match.group(1), int(match.group(2))), []).append(entry)
    return runs


def summarize(entries, notes, key):
    """Reduces one benchmark's entries to {'eps': events/s, 'bytes': counter or None}.

    With --benchmark_repetitions the file holds one entry per repetition plus
    aggregates; the median is the figure least moved by a noisy neighbour.
    """
    good = [e for e in entries if not e.get("error_occurred")]
    if not good:
        notes.append(f"hold/{key[0]}/{key[1]} failed: {entries[0].get('error_message', 'error')}")
        return None
    medians = [e for e in good if e.get("run_type") == "aggregate" and e.get("aggregate_name") == "median"]
    iterations = [e for e in good if e.get("run_type", "iteration") == "iteration"]

    def pick(field):
        if medians and field in medians[0]:
            return float(medians[0][field])
        values = [float(e[field]) for e in iterations if field in e]
        return statistics.median(values) if values else None

    eps = pick("items_per_second")
    if eps is None:
        notes.append(f"hold/{key[0]}/{key[1]} has no items_per_second; skipped")
        return None
    return {"eps": eps, "bytes": pick(BYTES_COUNTER)}


def impl_order(impls):
    def rank(impl):
        if impl == EKSIM:
            return (0, 0, impl)
        if not impl.startswith(NS3_PREFIX):
            return (1, 0, impl)
        return (2, NS3_ORDER.index(impl) if impl in NS3_ORDER else len(NS3_ORDER), impl)

    return sorted(impls, key=rank)


def fmt_eps(value):
    if value is None:
        return "—"
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    return f"{value / 1e3:.1f} k"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="+", help="Google Benchmark JSON output files")
    parser.add_argument("--require-ratio", type=float, metavar="R",
                        help="exit 1 if eksim / best ns-3 < R at any N")
    args = parser.parse_args(argv)

    notes = []
    raw = {}
    for path in args.json:
        if not Path(path).is_file():
            notes.append(f"{path} not found")
            continue
        try:
            for key, entries in load_runs(path).items():
                raw.setdefault(key, []).extend(entries)
        except (BadInput, OSError) as e:
            print(f"compare_kernel: {e}", file=sys.stderr)
            return 2

    results = {}
    for key in sorted(raw):
        summary = summarize(raw[key], notes, key)
        if summary:
            results[key] = summary

    sizes = sorted({n for _, n in results})
    impls = impl_order({impl for impl, _ in results})
    ns3_impls = [i for i in impls if i.startswith(NS3_PREFIX)]
    if not any(impl == EKSIM for impl, _ in results):
        print("compare_kernel: no hold/eksim/<N> benchmark in the input", file=sys.stderr)
        for note in notes:
            print(f"compare_kernel: {note}", file=sys.stderr)
        return 2
    show_bytes = any(results[k]["bytes"] is not None for k in results if k[0] == EKSIM)

    header = ["N"] + [f"{i} ev/s" for i in impls]
    if ns3_impls:
        header += ["best ns-3", "eksim / best ns-3"]
    if show_bytes:
        header += ["eksim bytes/pending event"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")

    failures = []
    for n in sizes:
        row = [f"{n:,}"] + [fmt_eps(results.get((i, n), {}).get("eps")) for i in impls]
        eksim = results.get((EKSIM, n))
        if ns3_impls:
            measured = [(results[(i, n)]["eps"], i) for i in ns3_impls if (i, n) in results]
            if measured:
                best_eps, best_impl = max(measured)
                row.append(f"{fmt_eps(best_eps)} ({best_impl.removeprefix(NS3_PREFIX)})")
                if eksim:
                    ratio = eksim["eps"] / best_eps
                    row.append(f"{ratio:.2f}x")
                    if args.require_ratio is not None and ratio < args.require_ratio:
                        failures.append(f"N={n}: eksim / best ns-3 = {ratio:.2f} < {args.require_ratio:g}")
                else:
                    row.append("—")
                    if args.require_ratio is not None:
                        failures.append(f"N={n}: ns-3 was measured but eksim was not")
            else:
                row += ["—", "—"]
        if show_bytes:
            size = eksim["bytes"] if eksim else None
            row.append("—" if size is None else f"{size:.1f}")
        print("| " + " | ".join(row) + " |")

    print()
    if not ns3_impls:
        print("ns-3 was not built (no hold/ns3-* results): eksim rows only.")
        if args.require_ratio is not None:
            print(f"--require-ratio {args.require_ratio:g} not checked: nothing to compare against.")
    for note in notes:
        print(f"note: {note}")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
