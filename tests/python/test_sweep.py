"""eksim.sweep(path) against `eksim sweep --format json` on the same file."""

import json

import pytest

import eksim
from conftest import ROOT, cli_json

MMC_GRID = str(ROOT / "tests" / "sweep" / "mmc-grid.yaml")
DNS_LOAD = str(ROOT / "tests" / "sweep" / "dns-load.yaml")


@pytest.fixture(scope="module")
def dns_sweep():
    return eksim.sweep(DNS_LOAD)


def test_rows_and_summary_are_the_cli_s(dns_sweep):
    cli = cli_json("sweep", DNS_LOAD)
    assert json.loads(dns_sweep.json()) == cli
    assert len(dns_sweep.rows) == len(cli["rows"])
    for row, want in zip(dns_sweep.rows, cli["rows"]):
        assert (row.point, row.replication, row.seed, row.values) == (
            want["point"], want["replication"], want["seed"], want["values"])
        assert (row.flow, row.kind, row.from_, row.to, row.metric, row.unit, row.value) == (
            want["flow"], want["kind"], want["from"], want["to"], want["metric"], want["unit"], want["value"])
    assert len(dns_sweep.summary) == len(cli["summary"])
    for s, want in zip(dns_sweep.summary, cli["summary"]):
        assert (s.point, s.flow, s.kind, s.metric, s.unit, s.n, s.mean, s.ci95_low, s.ci95_high) == (
            want["point"], want["flow"], want["kind"], want["metric"], want["unit"], want["n"], want["mean"],
            want["ci95_low"], want["ci95_high"])


def test_dns_grid_reads_as_the_issue_asks(dns_sweep):
    # CoreDNS replicas x lookup rate x NodeLocal DNSCache, 2 replications.
    assert dns_sweep.points == 12 and dns_sweep.replications == 2
    assert [path for path, _ in dns_sweep.axes] == [
        "clusters.c.dns.corednsReplicas", "dnsTraffic.0.rate", "clusters.c.dns.nodeLocalCache"]
    assert dns_sweep.duration_ns == 5_000_000_000
    kinds = {(r.kind, r.index, r.from_) for r in dns_sweep.rows}
    assert kinds == {("dns", 0, "c/app/client"), ("dns_servers", 0, "dns")}
    # Only one replica without NodeLocal at 1,500/s overflows the resolver's
    # 1,024 packets/s on the replica's ENI.
    dropped = {(s.values["clusters.c.dns.corednsReplicas"], s.values["dnsTraffic.0.rate"],
                s.values["clusters.c.dns.nodeLocalCache"]): s.mean
               for s in dns_sweep.summary if s.metric == "resolver_dropped"}
    assert dropped.pop(("1", "1500/s", "false")) > 1000
    assert set(dropped.values()) == {0}


def test_to_pandas_and_text():
    result = eksim.sweep(MMC_GRID)
    frame = result.to_pandas()
    assert list(frame.columns[:5]) == ["point", "replication", "seed", "traffic.0.rate", "servers.0.workers"]
    assert len(frame) == len(result.rows)
    header = result.csv().splitlines()[0]
    assert header == "point,replication,seed,traffic.0.rate,servers.0.workers,flow,from,to,metric,unit,value"
    assert str(result).startswith("sweep mmc-grid")
    seen = []
    eksim.sweep(MMC_GRID, progress=seen.append)
    assert seen and seen[-1] == 1.0


def test_bad_sweep_file_raises_load_error():
    with pytest.raises(eksim.LoadError) as e:
        eksim.sweep(str(ROOT / "tests" / "golden" / "scenarios" / "sweep-bad-path.yaml"))
    assert e.value.line == 5 and "did you mean" in e.value.message
