"""Scenario.dns() and Scenario.dns_load() against `eksim dns`, and the documented behaviour."""

import numpy as np
import pytest

import eksim
from conftest import CROSS_CLUSTER_DNS, QUICKSTART, RESOLVER_LIMIT, cli, cli_json


@pytest.fixture(scope="module")
def cross():
    return eksim.load(CROSS_CLUSTER_DNS)


@pytest.mark.parametrize("pod", ["west/app/client-0", "east/shop/web-0"])
def test_lookup_matches_the_cli(cross, pod):
    t = cross.dns(pod, "db.corp.internal")
    want = cli_json("dns", CROSS_CLUSTER_DNS, "--from", pod, "--name", "db.corp.internal")
    assert t.from_ == want["from"] and t.name == want["name"]
    conf = want["resolv_conf"]
    assert (t.resolv_conf.nameservers, t.resolv_conf.search, t.resolv_conf.ndots, t.resolv_conf.timeout_ns,
            t.resolv_conf.attempts) == (conf["nameservers"], conf["search"], conf["ndots"], conf["timeout_ns"],
                                        conf["attempts"])
    assert t.queries == want["queries"]
    result = want["result"]
    assert (t.status, t.answered_name, t.addresses, t.cnames, t.notes, t.total_ns, t.query_count) == (
        result["status"], result["answered_name"], result["addresses"], result["cnames"], result["notes"],
        result["total_ns"], result["queries"])
    assert str(t) == cli("dns", CROSS_CLUSTER_DNS, "--from", pod, "--name", "db.corp.internal").stdout


def test_ndots_5_tries_every_search_suffix_first(cross):
    # docs/dns.md: ClusterFirst writes ndots:5; db.corp.internal has 2 dots, so glibc asks
    # each of the 4 search suffixes before the name as it is (A and AAAA each time).
    t = cross.dns("west/app/client-0", "db.corp.internal")
    assert t.resolv_conf.ndots == 5 and len(t.resolv_conf.search) == 4
    asked = []
    for q in t.queries:
        if q["name"] not in asked:
            asked.append(q["name"])
    assert asked == [f"db.corp.internal.{s}" for s in t.resolv_conf.search] + ["db.corp.internal"]
    # The zone is associated with the east VPC only (the scenario's header says so).
    assert not t.resolved and t.status == cross.dns("west/app/client-0", "db.corp.internal", type="A").status
    assert cross.dns("east/shop/web-0", "db.corp.internal.").resolved


def test_dns_errors(cross, quickstart):
    with pytest.raises(ValueError, match="pod"):
        cross.dns("west/app/client-9", "db.corp.internal")
    with pytest.raises(ValueError, match="type"):
        cross.dns("west/app/client-0", "db.corp.internal", type="MX")
    with pytest.raises(ValueError, match="name"):
        cross.dns("west/app/client-0", "")
    with pytest.raises(ValueError, match="dnsTraffic"):
        quickstart.dns_load()


def test_load_run_matches_the_cli_and_the_resolver_limit():
    s = eksim.load(RESOLVER_LIMIT)
    r = s.dns_load(duration="3s")
    want = cli_json("dns", RESOLVER_LIMIT, "--load", "--duration", "3s")
    assert (r.scenario, r.seed, r.duration_ns, r.events) == (want["scenario"], want["seed"], want["duration_ns"],
                                                             want["events"])
    (f,) = r.flows
    w = want["flows"][0]
    for key in ("name", "rate_per_second", "source_pods", "lookups", "resolved", "nxdomain", "nodata", "timeouts",
                "queries", "slower_than_1s"):
        assert getattr(f, key) == w[key], key
    assert f.from_ == w["from"]
    assert [[lo, hi, n] for lo, hi, n in zip(f.latency.lower, f.latency.upper, f.latency.counts)] == w["latency_histogram"]
    assert (f.latency.quantile(0.5), f.latency.quantile(0.99), f.latency.max) == (w["p50_ns"], w["p99_ns"], w["max_ns"])
    assert [(e.eni, e.passed, e.dropped) for e in r.resolver] == [(e["eni"], e["passed"], e["dropped"]) for e in want["resolver"]]
    servers = [(x.name, x.queries, x.cache_hits, x.cache_misses, x.waited) for x in r.coredns + r.node_local]
    assert servers == [(x["name"], x["queries"], x["cache_hits"], x["cache_misses"], x["waited"]) for x in want["servers"]]
    assert str(r) == cli("dns", RESOLVER_LIMIT, "--load", "--duration", "3s").stdout
    # One ENI forwards every query (one CoreDNS replica). The VPC resolver passes 1,024
    # packets/s after a burst of 1,024 (docs/dns.md), so in 3 s at most 4,096 pass and the
    # rest of the ~4,500 are dropped, each drop a 5 s timeout of a lookup made with attempts:1.
    (eni,) = r.resolver
    assert 4096 - 64 <= eni.passed <= 4096
    assert eni.dropped == f.timeouts == f.lookups - f.resolved
    assert f.latency.max == 5 * 10**9
    assert s.dns_load(duration=3.0).flows[0].lookups == f.lookups
