"""eksim.sweep and eksim.find_knee against `eksim sweep [--find-knee] --format json` on the same file."""

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


def test_find_knee_is_the_cli_s():
    result = eksim.find_knee(MMC_GRID, "p99<30ms")
    cli = cli_json("sweep", MMC_GRID, "--find-knee", "--bound", "p99<30ms")
    assert json.loads(result.json()) == cli
    assert (result.rate_path, result.metric, result.bound, result.flow, result.low, result.high) == (
        "traffic.0.rate", "p99", 30.0, 0, 300.0, 600.0)
    assert len(result.rows) == len(cli["knees"])
    for row, values, want in zip(result.rows, result.values, cli["knees"]):
        assert (row.point, values, row.status, row.knee_rate) == (
            want["point"], want["values"], want["status"], want["knee_rate"])
        assert [list(p) for p in row.probes] == want["probes"]
    assert result.csv().startswith("point,servers.0.workers,rate_path,flow,bound,status,knee_rate,probes\n")
    assert str(result).startswith("sweep mmc-grid")


def test_find_knee_on_a_dns_metric():
    # One CoreDNS replica without NodeLocal: timeouts start where 5 s of
    # lookups outgrow the resolver's 1,024 burst plus 1,024/s (1,229/s).
    result = eksim.find_knee(DNS_LOAD, "resolver_dropped<1", rate="dnsTraffic.0.rate", tolerance=0.05)
    first = result.rows[0]
    assert result.values[0] == {"clusters.c.dns.corednsReplicas": "1", "clusters.c.dns.nodeLocalCache": "false"}
    assert first.status == "found" and 1100 < first.knee_rate < 1300
    assert all(r.status == "above_high" for r in result.rows[1:])


def test_find_knee_bad_input():
    with pytest.raises(eksim.LoadError) as e:
        eksim.find_knee(MMC_GRID, "pp99<30ms")
    assert "did you mean 'p99'?" in e.value.message
    with pytest.raises(ValueError):
        eksim.find_knee(MMC_GRID, "p99<30ms", tolerance=2)
