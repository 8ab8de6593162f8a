#!/usr/bin/python3
"""mpirun -n 2 eksim sweep writes the same bytes as a serial eksim sweep.

Runs a grid sweep, a knee search (two points, so both ranks get work) and
the DNS grid (dnsTraffic, so DNS load runs) once serially and once under
mpirun, each with --output-dir and stdout captured, and compares every file
byte for byte.
"""
import argparse
import filecmp
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, out_dir):
    os.makedirs(out_dir)
    result = subprocess.run(cmd + ["--output-dir", out_dir], capture_output=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr.decode()}")
    with open(os.path.join(out_dir, "stdout"), "wb") as f:
        f.write(result.stdout)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--eksim", required=True)
    p.add_argument("--mpirun", required=True)
    args = p.parse_args()
    sweeps = {
        "grid": [os.path.join(HERE, "mmc-grid.yaml")],
        "knee": [os.path.join(HERE, "mmc-grid.yaml"), "--find-knee", "--bound", "p99<40ms"],
        # DNS load runs: lookup streams and DNS servers travel between ranks too.
        "dns": [os.path.join(HERE, "dns-load.yaml")],
    }
    mpi = [args.mpirun, "--allow-run-as-root", "--oversubscribe", "-n", "2"]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, sweep in sweeps.items():
            serial = os.path.join(tmp, name, "serial")
            ranks = os.path.join(tmp, name, "mpi")
            run([args.eksim, "sweep"] + sweep, serial)
            run(mpi + [args.eksim, "sweep"] + sweep, ranks)
            files = sorted(os.listdir(serial))
            if files != sorted(os.listdir(ranks)):
                print(f"{name}: files differ: {files} vs {sorted(os.listdir(ranks))}")
                failed += 1
                continue
            for f in files:
                same = filecmp.cmp(os.path.join(serial, f), os.path.join(ranks, f), shallow=False)
                print(f"{name}/{f}: {'identical' if same else 'DIFFERENT'}")
                failed += 0 if same else 1
    print(f"{0 if failed else 1} passed, {1 if failed else 0} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
