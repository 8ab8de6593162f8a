"""ScenarioBuilder: a scenario made in code.

The builder writes the scenario file and the Kubernetes manifests a person
would write, and loads them with the same loader as ``eksim.load``. So a
built scenario is the model the YAML gives, checked by the same rules, and
``to_yaml()`` / ``write()`` show exactly what was built (docs/python.md).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import yaml

from . import _eksim

Number = Union[int, float]
Duration = Union[str, Number]

_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
# Namespaces every cluster has; the builder declares only the others.
_BUILT_IN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def _duration(value: Duration, what: str) -> str:
    """Scenario duration text: '30s' stays as written, a number is seconds."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what}: expected seconds (a number) or text such as '30s', got {value!r}")
    return f"{round(value * 1e9)}ns"


def _rate(value: Union[str, Number], what: str) -> str:
    """Scenario rate text: '400/s' stays as written, a number is per second."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what}: expected requests per second (a number) or text such as '400/s', got {value!r}")
    return f"{value:g}/s"


def _closest(name: str, known: Sequence[str]) -> str:
    match = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


class ScenarioBuilder:
    """Build a scenario in code: VPCs and subnets, clusters and node groups,
    workloads, Services and NetworkPolicies, servers, flows and expectations.

    Every ``add_*`` method returns the builder, so calls chain. ``build()``
    gives an ``eksim.Scenario`` identical to loading the YAML that
    ``to_yaml()`` prints.
    """

    def __init__(self, name: str, seed: int = 1, duration: Duration = "10s") -> None:
        """Start a scenario called `name` with its default `seed` and `duration` (seconds or '30s')."""
        self._head: Dict[str, Any] = {"name": name, "seed": seed, "duration": _duration(duration, "duration")}
        self._regions: Dict[str, List[str]] = {}
        self._vpcs: List[Dict[str, Any]] = []
        self._clusters: List[Dict[str, Any]] = []
        self._manifests: Dict[str, List[Dict[str, Any]]] = {}
        self._namespaces: Dict[str, List[str]] = {}
        self._sections: Dict[str, Any] = {}
        self._servers: List[Dict[str, Any]] = []
        self._flows: List[Dict[str, Any]] = []
        self._expect: List[Dict[str, Any]] = []
        self._dns_traffic: List[Dict[str, Any]] = []

    # --- the AWS network -------------------------------------------------

    def add_vpc(self, name: str, cidrs: Sequence[str], region: str = "us-east-1", **extra: Any) -> "ScenarioBuilder":
        """Add a VPC with its CIDR blocks in `region`. `extra` keys go into the VPC
        entry as written in a scenario (routeTables, natGateways, securityGroups, ...)."""
        self._vpcs.append({"name": name, "region": region, "cidrs": list(cidrs), "subnets": [], **extra})
        self._regions.setdefault(region, [])
        return self

    def add_subnet(self, vpc: str, name: str, az: str, cidr: str) -> "ScenarioBuilder":
        """Add a subnet to `vpc` in Availability Zone ID `az` (e.g. 'use1-az1')."""
        entry = self._vpc(vpc)
        entry["subnets"].append({"name": name, "az": az, "cidr": cidr})
        azs = self._regions[entry["region"]]
        if az not in azs:
            azs.append(az)
        return self

    # --- clusters --------------------------------------------------------

    def add_cluster(
        self,
        name: str,
        vpc: str,
        cni: Optional[Mapping[str, Any]] = None,
        coredns_replicas: Optional[int] = None,
        node_local_cache: Optional[bool] = None,
    ) -> "ScenarioBuilder":
        """Add an EKS cluster in `vpc`. `cni` takes the scenario's cni keys
        (mode: 'secondary' or 'prefix', customNetworking, warmIpTarget, ...);
        coredns_replicas and node_local_cache set its DNS."""
        self._vpc(vpc)
        cluster: Dict[str, Any] = {"name": name, "vpc": vpc}
        if cni:
            cluster["cni"] = dict(cni)
        cluster["nodeGroups"] = []
        dns: Dict[str, Any] = {}
        if coredns_replicas is not None:
            dns["corednsReplicas"] = coredns_replicas
        if node_local_cache is not None:
            dns["nodeLocalCache"] = node_local_cache
        if dns:
            cluster["dns"] = dns
        self._clusters.append(cluster)
        self._manifests[name] = []
        self._namespaces[name] = []
        return self

    def add_node_group(
        self,
        cluster: str,
        name: str,
        instance_type: str,
        count: int,
        subnets: Sequence[str],
        max_pods: Optional[int] = None,
        managed: Optional[bool] = None,
    ) -> "ScenarioBuilder":
        """Add `count` nodes of `instance_type` to `cluster`, spread over `subnets` in turn."""
        group: Dict[str, Any] = {"name": name, "instanceType": instance_type, "count": count, "subnets": list(subnets)}
        if max_pods is not None:
            group["maxPods"] = max_pods
        if managed is not None:
            group["managed"] = managed
        self._cluster(cluster)["nodeGroups"].append(group)
        return self

    # --- Kubernetes objects ----------------------------------------------

    def add_manifest(self, cluster: str, manifest: Mapping[str, Any]) -> "ScenarioBuilder":
        """Add any Kubernetes object (a dict as its YAML reads) to `cluster`'s manifests."""
        self._cluster(cluster)
        self._manifests[cluster].append(dict(manifest))
        return self

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
        image: str = "public.ecr.aws/nginx/nginx:1.27",
        pod_spec: Optional[Mapping[str, Any]] = None,
    ) -> "ScenarioBuilder":
        """Add a workload (Deployment, StatefulSet or DaemonSet) with one container.

        `ports` maps port names to container ports; `labels` default to
        {'app': name}. With service=True a ClusterIP Service of the same name
        exposes each named port (port = targetPort name). `pod_spec` keys are
        merged into the pod spec (dnsConfig, dnsPolicy, hostNetwork, ...).
        The namespace object is added the first time a namespace is used."""
        if kind not in _WORKLOAD_KINDS:
            raise ValueError(f"kind: expected one of {', '.join(_WORKLOAD_KINDS)}, got '{kind}'{_closest(kind, _WORKLOAD_KINDS)}")
        self._namespace(cluster, namespace)
        labels = dict(labels or {"app": name})
        container: Dict[str, Any] = {"name": name, "image": image}
        if ports:
            container["ports"] = [{"name": port_name, "containerPort": port} for port_name, port in ports.items()]
        spec: Dict[str, Any] = {"containers": [container]}
        spec.update(pod_spec or {})
        body: Dict[str, Any] = {}
        if kind != "DaemonSet":
            body["replicas"] = replicas
        if kind == "StatefulSet":
            body["serviceName"] = name
        body["selector"] = {"matchLabels": labels}
        body["template"] = {"metadata": {"labels": labels}, "spec": spec}
        self._manifests[cluster].append(
            {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": namespace}, "spec": body}
        )
        if service:
            if not ports:
                raise ValueError(f"workload {namespace}/{name}: service=True needs ports")
            self.add_service(cluster, namespace, name, selector=labels, ports={n: n for n in ports}, target_ports=ports)
        return self

    def add_service(
        self,
        cluster: str,
        namespace: str,
        name: str,
        selector: Mapping[str, str],
        ports: Mapping[str, Union[int, str]],
        target_ports: Optional[Mapping[str, int]] = None,
    ) -> "ScenarioBuilder":
        """Add a ClusterIP Service selecting pods by labels. `ports` maps each port's
        name to its targetPort (a container port name or number); the Service port is
        `target_ports[name]` when given, else the targetPort itself when a number."""
        self._namespace(cluster, namespace)
        entries = []
        for port_name, target in ports.items():
            port = (target_ports or {}).get(port_name, target)
            if not isinstance(port, int):
                raise ValueError(f"service {namespace}/{name}: port '{port_name}' needs a number (target_ports)")
            entries.append({"name": port_name, "port": port, "targetPort": target})
        self._manifests[cluster].append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": name, "namespace": namespace},
                "spec": {"selector": dict(selector), "ports": entries},
            }
        )
        return self

    def add_policy(
        self,
        cluster: str,
        namespace: str,
        name: str,
        select: Mapping[str, str],
        allow_from: Optional[Sequence[Mapping[str, str]]] = None,
        ports: Optional[Sequence[Union[int, str]]] = None,
        egress: Optional[Sequence[Mapping[str, Any]]] = None,
    ) -> "ScenarioBuilder":
        """Add a NetworkPolicy selecting pods labelled `select` in `namespace`.

        allow_from: label sets of pods (same namespace) allowed in, on `ports`
        (names or numbers; all ports when None); an empty list denies all
        ingress. egress: raw egress rules, which also make the policy an
        egress policy. For anything else use add_manifest()."""
        spec: Dict[str, Any] = {"podSelector": {"matchLabels": dict(select)}}
        types = []
        if allow_from is not None:
            types.append("Ingress")
            rules = []
            if allow_from:
                rule: Dict[str, Any] = {"from": [{"podSelector": {"matchLabels": dict(peer)}} for peer in allow_from]}
                if ports:
                    rule["ports"] = [{"port": p} for p in ports]
                rules.append(rule)
            spec["ingress"] = rules
        if egress is not None:
            types.append("Egress")
            spec["egress"] = [dict(rule) for rule in egress]
        if types != ["Ingress"]:
            spec["policyTypes"] = types
        self._namespace(cluster, namespace)
        self._manifests[cluster].append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": name, "namespace": namespace},
                "spec": spec,
            }
        )
        return self

    # --- traffic and expectations ----------------------------------------

    def set_hop_latency(self, same_node: Duration, same_az: Duration, cross_az: Duration) -> "ScenarioBuilder":
        """One-way latency of each hop kind: seconds (a constant) or scenario text, a duration
        ('120us') or a distribution ('lognormal(100us, 0.25)'), as in docs/scenario.md."""
        self._sections["hopLatency"] = {
            "sameNode": _duration(same_node, "same_node"),
            "sameAz": _duration(same_az, "same_az"),
            "crossAz": _duration(cross_az, "cross_az"),
        }
        return self

    def add_server(self, workload: str, workers: int, service_time: Duration) -> "ScenarioBuilder":
        """How each pod of `workload` ('cluster/namespace/name') serves: `workers` at once, for
        `service_time`: a number of seconds is the mean of an exponential distribution; text is
        scenario text ('5ms' constant, 'exp(5ms)', 'lognormal(2ms, 0.5)', ...)."""
        text = service_time if isinstance(service_time, str) else f"exp({_duration(service_time, 'service_time')})"
        self._servers.append({"workload": workload, "workers": workers, "serviceTime": text})
        return self

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
    ) -> "ScenarioBuilder":
        """A Poisson flow of requests from workload `src` ('cluster/namespace/name') to `dst`
        (a workload, 'ns/name[Service]', an address or a DNS name such as 'http://cart.web:8080'),
        `rate` per second. Sizes are bytes or scenario text ('2KiB', 'exp(16KiB)')."""
        flow: Dict[str, Any] = {}
        if name is not None:
            flow["name"] = name
        flow.update({"from": src, "to": dst, "rate": _rate(rate, "rate")})
        if port is not None:
            flow["port"] = port
        if request is not None:
            flow["request"] = request
        if response is not None:
            flow["response"] = response
        if timeout is not None:
            flow["timeout"] = _duration(timeout, "timeout")
        if keep_alive is not None:
            flow["keepAlive"] = keep_alive
        self._flows.append(flow)
        return self

    def expect_latency(
        self, flow: int, p99_below: Optional[Duration] = None, p50_below: Optional[Duration] = None
    ) -> "ScenarioBuilder":
        """A latency bound on flow number `flow`, checked after run()."""
        entry: Dict[str, Any] = {"flow": flow}
        if p50_below is not None:
            entry["p50Below"] = _duration(p50_below, "p50_below")
        if p99_below is not None:
            entry["p99Below"] = _duration(p99_below, "p99_below")
        self._expect.append(entry)
        return self

    def expect_reach(self, src: str, dst: str, port: Union[int, str], allowed: bool) -> "ScenarioBuilder":
        """A reachability expectation, as `eksim check` verifies."""
        self._expect.append({"from": src, "to": dst, "port": str(port), "allowed": allowed})
        return self

    def add_dns_traffic(
        self, src: str, name: str, rate: Union[str, Number], names: Optional[int] = None
    ) -> "ScenarioBuilder":
        """A stream of lookups of `name` from the pods of workload `src`, for dns_load().
        '{i}' in the name is replaced by the lookup's number (`names` distinct ones)."""
        entry: Dict[str, Any] = {"from": src, "name": name, "rate": _rate(rate, "rate")}
        if names is not None:
            entry["names"] = names
        self._dns_traffic.append(entry)
        return self

    def set_section(self, key: str, value: Any) -> "ScenarioBuilder":
        """Set any other top-level scenario key as written in YAML: dns, policy,
        peerings, transitGateways, prefixLists, privateHostedZones, cloudMap."""
        if key in ("scenario", "regions", "vpcs", "clusters", "servers", "traffic", "expect", "dnsTraffic"):
            raise ValueError(f"set_section: '{key}' is made by the builder's own methods")
        self._sections[key] = value
        return self

    # --- output ----------------------------------------------------------

    def to_yaml(self) -> Dict[str, str]:
        """The files the builder writes: 'scenario.yaml' and one
        'manifests/<cluster>.yaml' per cluster, as text."""
        doc: Dict[str, Any] = {"scenario": dict(self._head)}
        doc["regions"] = {region: {"azs": azs} for region, azs in self._regions.items() if azs}
        doc["vpcs"] = self._vpcs
        clusters = []
        for cluster in self._clusters:
            entry = dict(cluster)
            if self._manifests[cluster["name"]]:
                entry["manifests"] = [f"manifests/{cluster['name']}.yaml"]
            clusters.append(entry)
        doc["clusters"] = clusters
        for key in ("hopLatency",):
            if key in self._sections:
                doc[key] = self._sections[key]
        for key, value in (("servers", self._servers), ("traffic", self._flows), ("expect", self._expect)):
            if value:
                doc[key] = value
        for key, value in self._sections.items():
            if key not in doc:
                doc[key] = value
        if self._dns_traffic:
            doc["dnsTraffic"] = self._dns_traffic
        files = {"scenario.yaml": yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=120)}
        for cluster, objects in self._manifests.items():
            if objects:
                files[f"manifests/{cluster}.yaml"] = yaml.safe_dump_all(objects, sort_keys=False, width=120)
        return files

    def write(self, folder: Union[str, os.PathLike]) -> str:
        """Write the files of to_yaml() under `folder`; returns the scenario file's path,
        which eksim.load() and `eksim run` read."""
        for relative, text in self.to_yaml().items():
            path = os.path.join(folder, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return os.path.join(folder, "scenario.yaml")

    def build(self) -> "_eksim.Scenario":
        """Load the scenario, as eksim.load() would load the files of to_yaml().

        A problem raises LoadError; its message quotes the generated line at
        fault, since the files live only while loading (write() keeps them)."""
        files = self.to_yaml()
        with tempfile.TemporaryDirectory(prefix="eksim-builder-") as folder:
            path = self.write(folder)
            try:
                return _eksim.load(path)
            except _eksim.LoadError as e:
                relative = os.path.relpath(e.file, folder) if e.file.startswith(folder) else e.file
                lines = files.get(relative, "").splitlines()
                quoted = f"\n  generated line: {lines[e.line - 1].strip()}" if 0 < e.line <= len(lines) else ""
                error = _eksim.LoadError(f"{relative}:{e.line}:{e.column}: {e.message}{quoted}")
                error.file, error.line, error.column, error.message = relative, e.line, e.column, e.message
                raise error from None

    # --- lookups ---------------------------------------------------------

    def _vpc(self, name: str) -> Dict[str, Any]:
        for vpc in self._vpcs:
            if vpc["name"] == name:
                return vpc
        raise ValueError(f"unknown VPC '{name}'{_closest(name, [v['name'] for v in self._vpcs])}; add_vpc() it first")

    def _cluster(self, name: str) -> Dict[str, Any]:
        for cluster in self._clusters:
            if cluster["name"] == name:
                return cluster
        known = [c["name"] for c in self._clusters]
        raise ValueError(f"unknown cluster '{name}'{_closest(name, known)}; add_cluster() it first")

    def _namespace(self, cluster: str, namespace: str) -> None:
        self._cluster(cluster)
        if namespace in _BUILT_IN_NAMESPACES:
            return
        if namespace not in self._namespaces[cluster]:
            self._namespaces[cluster].append(namespace)
            self._manifests[cluster].append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
