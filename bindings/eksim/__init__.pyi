# Type stub of the eksim package, for editors and type checkers.
# tests/python/test_stub.py checks that it names every public name and attribute.
from os import PathLike
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

Number = Union[int, float]
Duration = Union[str, Number]

__version__: str

NOTHING: int
SOME_POD_PAIRS: int
ALL_POD_PAIRS: int

class LoadError(ValueError):
    file: str
    line: int
    column: int
    message: str

def load(path: str) -> Scenario: ...
def loads(text: str, name: str = "<string>") -> Scenario: ...
def sweep(path: str, progress: Optional[Callable[[float], Any]] = None) -> SweepResult: ...
def find_knee(
    path: str,
    bound: str,
    rate: str = "traffic.0.rate",
    low: Optional[float] = None,
    high: Optional[float] = None,
    tolerance: float = 0.01,
    progress: Optional[Callable[[float], Any]] = None,
) -> KneeResult: ...

class KneeRow:
    point: int
    status: str
    knee_rate: float
    @property
    def probes(self) -> List[Tuple[float, float, bool]]: ...

class KneeResult:
    @property
    def rate_path(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def bound(self) -> float: ...
    @property
    def flow(self) -> int: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def rows(self) -> List[KneeRow]: ...
    @property
    def values(self) -> List[Dict[str, str]]: ...
    def csv(self) -> str: ...
    def json(self) -> str: ...

class SweepRow:
    point: int
    replication: int
    seed: int
    @property
    def values(self) -> Dict[str, str]: ...
    flow: int
    kind: str
    index: int
    from_: str
    to: str
    metric: str
    unit: str
    value: float

class SweepSummaryRow:
    point: int
    @property
    def values(self) -> Dict[str, str]: ...
    flow: int
    kind: str
    metric: str
    unit: str
    n: int
    mean: float
    ci95_low: Optional[float]
    ci95_high: Optional[float]

class SweepResult:
    @property
    def name(self) -> str: ...
    @property
    def scenario(self) -> str: ...
    @property
    def replications(self) -> int: ...
    @property
    def duration_ns(self) -> Optional[int]: ...
    @property
    def axes(self) -> List[Tuple[str, List[str]]]: ...
    @property
    def points(self) -> int: ...
    @property
    def rows(self) -> List[SweepRow]: ...
    @property
    def summary(self) -> List[SweepSummaryRow]: ...
    def csv(self) -> str: ...
    def json(self) -> str: ...
    def to_pandas(self) -> Any: ...

class Scenario:
    @property
    def name(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def duration_ns(self) -> int: ...
    @property
    def clusters(self) -> List[str]: ...
    @property
    def workloads(self) -> List[str]: ...
    @property
    def flows(self) -> List[Tuple[str, str, str, float]]: ...
    def capacity(self, headroom: bool = True) -> CapacityReport: ...
    def reach(self, port: Union[None, int, str] = None, ip_block_matches_pods: Optional[bool] = None) -> ReachMatrix: ...
    def explain(
        self, src: str, dst: str, port: Union[int, str], ip_block_matches_pods: Optional[bool] = None
    ) -> Explanation: ...
    def dns(self, pod: str, name: str, type: Optional[str] = None) -> DnsLookup: ...
    def dns_load(self, seed: Optional[int] = None, duration: Optional[Duration] = None) -> DnsLoadResult: ...
    def run(
        self,
        seed: Optional[int] = None,
        duration: Optional[Duration] = None,
        replication: int = 0,
        progress: Optional[Callable[[float], Any]] = None,
        keep_samples: bool = False,
        window: Optional[Duration] = None,
    ) -> RunResult: ...

class ScenarioBuilder:
    def __init__(self, name: str, seed: int = 1, duration: Duration = "10s") -> None: ...
    def add_vpc(self, name: str, cidrs: Sequence[str], region: str = "us-east-1", **extra: Any) -> ScenarioBuilder: ...
    def add_subnet(self, vpc: str, name: str, az: str, cidr: str) -> ScenarioBuilder: ...
    def add_cluster(
        self,
        name: str,
        vpc: str,
        cni: Optional[Mapping[str, Any]] = None,
        coredns_replicas: Optional[int] = None,
        node_local_cache: Optional[bool] = None,
    ) -> ScenarioBuilder: ...
    def add_node_group(
        self,
        cluster: str,
        name: str,
        instance_type: str,
        count: int,
        subnets: Sequence[str],
        max_pods: Optional[int] = None,
        managed: Optional[bool] = None,
    ) -> ScenarioBuilder: ...
    def add_manifest(self, cluster: str, manifest: Mapping[str, Any]) -> ScenarioBuilder: ...
    def add_workload(
        self,
        cluster: str,
        namespace: str,
        name: str,
        replicas: int = 1,
        ports: Optional[Mapping[str, int]] = None,
        labels: Optional[Mapping[str, str]] = None,
        kind: str = "Deployment",
        service: bool = False,
        image: str = ...,
        pod_spec: Optional[Mapping[str, Any]] = None,
    ) -> ScenarioBuilder: ...
    def add_service(
        self,
        cluster: str,
        namespace: str,
        name: str,
        selector: Mapping[str, str],
        ports: Mapping[str, Union[int, str]],
        target_ports: Optional[Mapping[str, int]] = None,
    ) -> ScenarioBuilder: ...
    def add_policy(
        self,
        cluster: str,
        namespace: str,
        name: str,
        select: Mapping[str, str],
        allow_from: Optional[Sequence[Mapping[str, str]]] = None,
        ports: Optional[Sequence[Union[int, str]]] = None,
        egress: Optional[Sequence[Mapping[str, Any]]] = None,
    ) -> ScenarioBuilder: ...
    def set_hop_latency(self, same_node: Duration, same_az: Duration, cross_az: Duration) -> ScenarioBuilder: ...
    def add_server(self, workload: str, workers: int, service_time: Duration) -> ScenarioBuilder: ...
    def add_flow(
        self,
        src: str,
        dst: str,
        rate: Union[str, Number],
        name: Optional[str] = None,
        port: Optional[int] = None,
        request: Optional[Union[str, int]] = None,
        response: Optional[Union[str, int]] = None,
        timeout: Optional[Duration] = None,
        keep_alive: Optional[bool] = None,
    ) -> ScenarioBuilder: ...
    def expect_latency(
        self, flow: int, p99_below: Optional[Duration] = None, p50_below: Optional[Duration] = None
    ) -> ScenarioBuilder: ...
    def expect_reach(self, src: str, dst: str, port: Union[int, str], allowed: bool) -> ScenarioBuilder: ...
    def add_dns_traffic(
        self, src: str, name: str, rate: Union[str, Number], names: Optional[int] = None
    ) -> ScenarioBuilder: ...
    def set_section(self, key: str, value: Any) -> ScenarioBuilder: ...
    def to_yaml(self) -> Dict[str, str]: ...
    def write(self, folder: Union[str, PathLike[str]]) -> str: ...
    def build(self) -> Scenario: ...

class Histogram:
    @property
    def count(self) -> int: ...
    @property
    def min(self) -> int: ...
    @property
    def max(self) -> int: ...
    @property
    def mean(self) -> float: ...
    @property
    def stddev(self) -> float: ...
    @overload
    def quantile(self, q: float) -> int: ...
    @overload
    def quantile(self, q: Sequence[float]) -> npt.NDArray[np.int64]: ...
    @property
    def lower(self) -> npt.NDArray[np.int64]: ...
    @property
    def upper(self) -> npt.NDArray[np.int64]: ...
    @property
    def counts(self) -> npt.NDArray[np.uint64]: ...
    def cdf(self) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def __len__(self) -> int: ...

class NodeGroupCapacity:
    cluster: str
    name: str
    instance_type: str
    nodes: int
    max_pods: int
    calculated: int
    bound_by: str
    mode: str
    explanation: str

class SubnetCapacity:
    name: str
    az: str
    cidr: str
    usable: int
    eni_primaries: int
    pods: int
    warm: int
    free: int
    free_prefixes: int

class NodeCapacity:
    name: str
    node_group: str
    az: str
    subnet: str
    pod_subnet: str
    address: str
    max_pods: int
    pods: int
    pods_with_address: int
    enis: int
    prefixes: int
    addresses: int

class PendingPod:
    workload: str
    replica: int
    node: str
    reason: str
    detail: str

class Headroom:
    workload: str
    replicas: int
    more: int
    capped: bool
    runs_out: str

class CapacityReport:
    node_groups: List[NodeGroupCapacity]
    subnets: List[SubnetCapacity]
    nodes: List[NodeCapacity]
    pending: List[PendingPod]
    headroom: List[Headroom]
    def to_pandas(self, table: str = "subnets") -> Any: ...

class ReachPair:
    from_: str
    to: str
    connections: str
    some_connections: str

class ReachWarning:
    where: str
    message: str

class ReachMatrix:
    labels: List[str]
    matrix: npt.NDArray[np.int8]
    pairs: List[ReachPair]
    warnings: List[ReachWarning]
    port: Optional[str]
    def to_pandas(self) -> Any: ...

class Hop:
    kind: str
    component: str
    detail: str

class Blocked:
    reason: str
    component: str
    rule: str
    message: str

class ExplainCase:
    from_pod: str
    to_pod: str
    pod_pairs: int
    allowed: bool
    path: List[Hop]
    blocked: Optional[Blocked]

class Explanation:
    from_: str
    to: str
    port: str
    allowed: bool
    none_allowed: bool
    cases: List[ExplainCase]

class ResolvConf:
    nameservers: List[str]
    search: List[str]
    ndots: int
    timeout_ns: int
    attempts: int

class DnsLookup:
    from_: str
    name: str
    resolv_conf: ResolvConf
    status: str
    resolved: bool
    answered_name: str
    addresses: List[str]
    cnames: List[str]
    notes: List[str]
    total_ns: int
    query_count: int
    queries: List[Dict[str, Any]]

class DnsFlowResult:
    from_: str
    name: str
    rate_per_second: float
    source_pods: int
    lookups: int
    resolved: int
    nxdomain: int
    nodata: int
    timeouts: int
    queries: int
    slower_than_1s: int
    latency: Histogram

class ResolverCounters:
    eni: str
    passed: int
    dropped: int

class DnsServerCounters:
    name: str
    queries: int
    cache_hits: int
    cache_misses: int
    waited: int

class DnsLoadResult:
    scenario: str
    seed: int
    duration_ns: int
    events: int
    flows: List[DnsFlowResult]
    resolver: List[ResolverCounters]
    coredns: List[DnsServerCounters]
    node_local: List[DnsServerCounters]

class FlowResult:
    name: str
    from_: str
    to: str
    offered_rate: float
    requests: int
    completed: int
    failed: int
    retries: int
    waited: int
    latency: Histogram
    samples: npt.NDArray[np.int64]
    errors: Dict[str, int]
    stages: Dict[str, float]
    mean_queue_wait_ns: float
    new_connections: int
    bytes: int
    cross_az_bytes: int
    transit_gateway_bytes: int
    nat_gateway_bytes: int
    data_cost_usd: float
    windows: Dict[str, npt.NDArray[Any]]
    source_pods: int
    destination_pods: int
    error_rate: float
    def throughput(self, run: RunResult) -> float: ...

class ExpectationOutcome:
    flow: int
    passed: bool
    detail: str
    where: str

class RunResult:
    scenario: str
    seed: int
    replication: int
    duration_ns: int
    finished_at_ns: int
    events: int
    flows: List[FlowResult]
    expectations: List[ExpectationOutcome]
