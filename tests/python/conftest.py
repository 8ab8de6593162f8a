"""Shared fixtures: the project root, the CLI, and scenarios loaded once.

ctest sets PYTHONPATH to build/python and EKSIM_CLI to the eksim binary of the
same build; run by hand, `PYTHONPATH=build/python /usr/bin/python3 -m pytest
tests/python` finds build/bin/eksim.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

import eksim

ROOT = Path(os.environ.get("EKSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
CLI = os.environ.get("EKSIM_CLI", str(ROOT / "build" / "bin" / "eksim"))

QUICKSTART = str(ROOT / "scenarios" / "quickstart.yaml")
SHOP = str(ROOT / "scenarios" / "shop.yaml")
CROSS_CLUSTER_DNS = str(ROOT / "tests" / "scenarios" / "dns" / "cross-cluster.yaml")
RESOLVER_LIMIT = str(ROOT / "tests" / "scenarios" / "dns" / "resolver-limit.yaml")


def cli(*args: str, check_exit=(0, 1)) -> subprocess.CompletedProcess:
    """Run the eksim CLI from the project root."""
    done = subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode in check_exit, done.stderr
    return done


def cli_json(*args: str):
    """The CLI's --format json answer, parsed."""
    return json.loads(cli(*args, "--format", "json").stdout)


@pytest.fixture(scope="session")
def quickstart():
    return eksim.load(QUICKSTART)


@pytest.fixture(scope="session")
def shop():
    return eksim.load(SHOP)
