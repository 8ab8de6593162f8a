"""Python against the CLI: the same 100,000-request run, timed both ways.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_vs_cli.py [--build build] [--reps 11]

The scenario is scenarios/quickstart.yaml run for 250 simulated seconds at its
400 requests/s: 100,000 requests. The CLI is timed as a user runs it, a whole
`eksim run ... --format json` process (output to /dev/null); Python as a
notebook runs it, `eksim.load(path).run(...)` in a started interpreter. Both
include loading the scenario. Repetitions alternate between the two, and the
medians are compared: the target (issue 7) is Python within 10% of the CLI.
Prints one line per side and the ratio; exits 1 above 1.10 with --require.
Results: docs/performance.md ("Python against the CLI").
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build folder (default: build)")
    ap.add_argument("--reps", type=int, default=11, help="repetitions of each (default 11)")
    ap.add_argument("--require", action="store_true", help="exit 1 when Python is more than 10%% slower")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    import eksim

    scenario = os.path.join(ROOT, "scenarios", "quickstart.yaml")
    duration = "250s"
    cli = [os.path.join(args.build, "bin", "eksim"), "run", scenario, "--duration", duration, "--format", "json"]
    requests = eksim.load(scenario).run(duration=duration).flows[0].requests
    cli_times, py_times = [], []
    for _ in range(args.reps):
        start = time.perf_counter()
        subprocess.run(cli, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        cli_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        eksim.load(scenario).run(duration=duration)
        py_times.append(time.perf_counter() - start)
    cli_median, py_median = statistics.median(cli_times), statistics.median(py_times)
    ratio = py_median / cli_median
    print(f"requests per run  {requests}")
    print(f"CLI     median {cli_median * 1e3:8.1f} ms  (min {min(cli_times) * 1e3:.1f}, max {max(cli_times) * 1e3:.1f}, {args.reps} runs)")
    print(f"Python  median {py_median * 1e3:8.1f} ms  (min {min(py_times) * 1e3:.1f}, max {max(py_times) * 1e3:.1f}, {args.reps} runs)")
    print(f"Python / CLI   {ratio:.3f}")
    return 1 if args.require and ratio > 1.10 else 0


if __name__ == "__main__":
    sys.exit(main())
