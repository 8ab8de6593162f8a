"""Scenario.capacity() against `eksim capacity --format json` and published figures."""

import pytest

from conftest import QUICKSTART, ROOT, cli, cli_json

import eksim


def rows(items, columns):
    return [{c: getattr(item, c) for c in columns} for item in items]


@pytest.mark.parametrize("path", [QUICKSTART, str(ROOT / "tests" / "scenarios" / "subnet-exhaustion.yaml")])
def test_capacity_matches_the_cli(path):
    report = eksim.load(path).capacity()
    expected = cli_json("capacity", path)
    for table, columns in eksim._CAPACITY_COLUMNS.items():
        columns = [c for c in columns if c not in ("mode", "address")]  # not in the JSON
        assert rows(getattr(report, table), columns) == [{c: r[c] for c in columns} for r in expected[table]], table
    assert [g.explanation for g in report.node_groups] == [g["explanation"] for g in expected["node_groups"]]
    assert str(report) == cli("capacity", path).stdout


def test_m5_large_max_pods_is_the_published_29(quickstart):
    # AWS's eni-max-pods.txt: m5.large 29 (3 ENIs x (10 - 1) + 2).
    group = quickstart.capacity().node_groups[0]
    assert (group.instance_type, group.max_pods, group.calculated, group.nodes) == ("m5.large", 29, 29, 2)
    assert "secondary" in group.mode


def test_subnet_addresses_add_up(quickstart):
    # A /20 holds 4096 addresses; AWS reserves 5 in every subnet.
    report = quickstart.capacity()
    a = next(s for s in report.subnets if s.name == "private-a")
    assert a.usable == 4096 - 5
    assert a.usable == a.eni_primaries + a.pods + a.warm + a.free


def test_without_headroom_and_to_pandas(quickstart):
    report = quickstart.capacity(headroom=False)
    assert report.headroom == []
    frame = quickstart.capacity().to_pandas("headroom")
    assert list(frame.columns) == eksim._CAPACITY_COLUMNS["headroom"]
    assert "web/cart" in set(frame["workload"])
    with pytest.raises(ValueError, match="expected one of"):
        report.to_pandas("subnet")

