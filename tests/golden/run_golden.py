#!/usr/bin/env python3
"""Runs the eksim CLI golden cases listed in cases.json.

Each case gives the arguments (run from the repository root, so paths in
messages stay relative), the expected exit code, and the expected stdout and
stderr in expected/<name>.out and expected/<name>.err (empty when absent).

  run_golden.py --eksim build/bin/eksim [--case NAME] [--update]

A case may also list "files": the arguments name them as {out}/NAME (a fresh
temporary folder), and each must match expected/<name>.NAME after the run.

--update rewrites the expected files from the current output: review the diff
before committing it.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def run_case(eksim, case, update):
    with tempfile.TemporaryDirectory() as out:
        args = [a.replace("{out}", out) for a in case["args"]]
        proc = subprocess.run([eksim] + args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        written = {}
        for name in case.get("files", []):
            path = pathlib.Path(out) / name
            written["." + name] = path.read_text() if path.exists() else ""
    failures = []
    if proc.returncode != case["code"]:
        failures.append(f"exit code {proc.returncode}, expected {case['code']}")
    for stream, suffix in ((proc.stdout, ".out"), (proc.stderr, ".err"), *((v, k) for k, v in written.items())):
        path = HERE / "expected" / (case["name"] + suffix)
        if update:
            if stream:
                path.write_text(stream)
            elif path.exists():
                path.unlink()
            continue
        expected = path.read_text() if path.exists() else ""
        if stream != expected:
            failures.append(f"{suffix[1:]} differs from {path.relative_to(ROOT)}:\n--- expected\n{expected}--- actual\n{stream}")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eksim", required=True)
    ap.add_argument("--case")
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    cases = json.loads((HERE / "cases.json").read_text())
    if args.case:
        cases = [c for c in cases if c["name"] == args.case]
        if not cases:
            print(f"no golden case named {args.case}", file=sys.stderr)
            return 2
    failed = 0
    for case in cases:
        failures = run_case(args.eksim, case, args.update)
        if failures:
            failed += 1
            print(f"FAIL {case['name']}: eksim {' '.join(case['args'])}")
            for f in failures:
                print("  " + f.replace("\n", "\n  "))
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
