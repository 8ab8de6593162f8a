"""eksim: a discrete-event network simulator for AWS EKS topologies, from Python.

Load a scenario (``eksim.load(path)``, ``eksim.loads(text)``) or build one in
code (``eksim.ScenarioBuilder``), then ask it what the CLI answers:
``capacity()``, ``reach()``, ``explain()``, ``dns()``, ``dns_load()`` and
``run()``; ``eksim.sweep(path)`` runs a sweep file and ``eksim.find_knee(path, bound)`` its knee search. The engine is the CLI's own, so the numbers are the CLI's.
Times are integer nanoseconds (names ending in ``_ns``), as in the CLI's JSON.
See docs/python.md.
"""

from typing import Any, List

from ._eksim import (
    ALL_POD_PAIRS,
    NOTHING,
    SOME_POD_PAIRS,
    Blocked,
    CapacityReport,
    DnsFlowResult,
    DnsLoadResult,
    DnsLookup,
    DnsServerCounters,
    ExpectationOutcome,
    ExplainCase,
    Explanation,
    FlowResult,
    Headroom,
    Histogram,
    Hop,
    KneeResult,
    KneeRow,
    LoadError,
    NodeCapacity,
    NodeGroupCapacity,
    PendingPod,
    ReachMatrix,
    ReachPair,
    ReachWarning,
    ResolvConf,
    ResolverCounters,
    RunResult,
    Scenario,
    SubnetCapacity,
    SweepResult,
    SweepRow,
    SweepSummaryRow,
    find_knee,
    load,
    loads,
    sweep,
)
from .builder import ScenarioBuilder

# Columns of CapacityReport.to_pandas(table), in the order of `eksim capacity --format json`.
_CAPACITY_COLUMNS = {
    "node_groups": ["cluster", "name", "instance_type", "nodes", "max_pods", "calculated", "bound_by", "mode"],
    "subnets": ["name", "az", "cidr", "usable", "eni_primaries", "pods", "warm", "free", "free_prefixes"],
    "nodes": ["name", "node_group", "az", "subnet", "pod_subnet", "address", "max_pods", "pods",
              "pods_with_address", "enis", "prefixes", "addresses"],
    "pending": ["workload", "replica", "node", "reason", "detail"],
    "headroom": ["workload", "replicas", "more", "capped", "runs_out"],
}


def _capacity_to_pandas(self: CapacityReport, table: str = "subnets") -> Any:
    """One table of the report as a pandas DataFrame: 'node_groups', 'subnets',
    'nodes', 'pending' or 'headroom'."""
    import pandas as pd

    if table not in _CAPACITY_COLUMNS:
        raise ValueError(f"table: expected one of {', '.join(_CAPACITY_COLUMNS)}, got '{table}'")
    columns = _CAPACITY_COLUMNS[table]
    rows: List[List[Any]] = [[getattr(item, c) for c in columns] for item in getattr(self, table)]
    return pd.DataFrame(rows, columns=columns)


CapacityReport.to_pandas = _capacity_to_pandas  # type: ignore[attr-defined]

# Columns of SweepResult.to_pandas(), those of `eksim sweep --format csv` plus
# the flow's kind and its number within the kind.
_SWEEP_COLUMNS = ["point", "replication", "seed", "flow", "kind", "index", "from_", "to", "metric", "unit", "value"]


def _sweep_to_pandas(self: SweepResult) -> Any:
    """The tidy table as a pandas DataFrame: one row per point, replication,
    flow and metric, with a column per axis (its value as written)."""
    import pandas as pd

    axes = [path for path, _ in self.axes]
    rows = [[getattr(r, c) for c in _SWEEP_COLUMNS[:3]] + [r.values[a] for a in axes] +
            [getattr(r, c) for c in _SWEEP_COLUMNS[3:]] for r in self.rows]
    columns = _SWEEP_COLUMNS[:3] + axes + ["flow", "kind", "index", "from", "to", "metric", "unit", "value"]
    return pd.DataFrame(rows, columns=columns)


SweepResult.to_pandas = _sweep_to_pandas  # type: ignore[attr-defined]

__version__ = "0.1.0"

__all__ = [
    "ALL_POD_PAIRS",
    "NOTHING",
    "SOME_POD_PAIRS",
    "Blocked",
    "CapacityReport",
    "DnsFlowResult",
    "DnsLoadResult",
    "DnsLookup",
    "DnsServerCounters",
    "ExpectationOutcome",
    "ExplainCase",
    "Explanation",
    "FlowResult",
    "Headroom",
    "Histogram",
    "Hop",
    "KneeResult",
    "KneeRow",
    "LoadError",
    "NodeCapacity",
    "NodeGroupCapacity",
    "PendingPod",
    "ReachMatrix",
    "ReachPair",
    "ReachWarning",
    "ResolvConf",
    "ResolverCounters",
    "RunResult",
    "Scenario",
    "ScenarioBuilder",
    "SubnetCapacity",
    "SweepResult",
    "SweepRow",
    "SweepSummaryRow",
    "find_knee",
    "load",
    "loads",
    "sweep",
]
