"""Scenario.reach() and Scenario.explain() against `eksim reach` / `eksim explain`."""

import numpy as np
import pytest

import eksim
from conftest import QUICKSTART, SHOP, cli, cli_json


@pytest.mark.parametrize("path", [QUICKSTART, SHOP])
def test_pairs_match_the_cli(path):
    m = eksim.load(path).reach()
    expected = cli_json("reach", path)
    assert [(p.from_, p.to, p.connections, p.some_connections) for p in m.pairs] == [
        (p["from"], p["to"], p["connections"], p["someConnections"]) for p in expected["pairs"]
    ]
    assert [(w.where, w.message) for w in m.warnings] == [(w["where"], w["message"]) for w in expected["warnings"]]
    assert str(m) == cli("reach", path).stdout


def test_matrix_cells_follow_the_pairs(shop):
    m = shop.reach()
    cells = m.matrix
    assert cells.dtype == np.int8 and cells.shape == (len(m.labels), len(m.labels))
    assert m.labels == sorted(m.labels) and m.port is None
    by_pair = {(p.from_, p.to): p for p in m.pairs}
    for i, src in enumerate(m.labels):
        for j, dst in enumerate(m.labels):
            p = by_pair.get((src, dst))
            want = eksim.NOTHING if p is None else eksim.ALL_POD_PAIRS if p.connections else eksim.SOME_POD_PAIRS
            assert cells[i, j] == want, (src, dst)
    frame = m.to_pandas()
    assert list(frame.index) == m.labels and list(frame.columns) == m.labels
    assert (frame.to_numpy() == cells).all()


def test_port_matrix_agrees_with_cli_port_filter(quickstart):
    m = quickstart.reach(port="8080/TCP")
    assert m.port == "8080/TCP"
    filtered = {(p["from"], p["to"]) for p in cli_json("reach", QUICKSTART, "--port", "8080/TCP")["pairs"]}
    nonzero = {(m.labels[i], m.labels[j]) for i, j in zip(*np.nonzero(m.matrix))}
    assert nonzero == filtered
    # scenarios/quickstart/web.yaml: cart takes 8080 from frontend; nothing takes 6379 there.
    i, j = m.labels.index("web/frontend[Deployment]"), m.labels.index("web/cart[Deployment]")
    assert m.matrix[i, j] == eksim.ALL_POD_PAIRS
    redis = quickstart.reach(port=6379)
    assert redis.matrix[i, j] == eksim.NOTHING


def test_explain_blocked_pair_matches_cli(quickstart):
    a = quickstart.explain("shop/web/frontend", "shop/web/cart", "6379/TCP")
    expected = cli_json("explain", QUICKSTART, "--from", "shop/web/frontend", "--to", "shop/web/cart", "--port", "6379/TCP")
    assert (a.from_, a.to, a.port, a.allowed) == (expected["from"], expected["to"], expected["port"], expected["allowed"])
    assert a.none_allowed and not a.allowed
    assert len(a.cases) == len(expected["cases"])
    for case, want in zip(a.cases, expected["cases"]):
        assert (case.from_pod, case.to_pod, case.pod_pairs, case.allowed) == (
            want["fromPod"], want["toPod"], want["podPairs"], want["allowed"])
        assert [(h.kind, h.component, h.detail) for h in case.path] == [
            (h["kind"], h["component"], h["detail"]) for h in want["path"]]
        b = want["blocked"]
        assert (case.blocked.reason, case.blocked.component, case.blocked.rule, case.blocked.message) == (
            b["reason"], b["component"], b["rule"], b["message"])
    # The quickstart's NetworkPolicy admits only port http (8080) to cart.
    assert a.cases[0].blocked.reason == "NETPOL_INGRESS_DENY"
    assert str(a) == cli("explain", QUICKSTART, "--from", "shop/web/frontend", "--to", "shop/web/cart",
                         "--port", "6379/TCP").stdout


def test_explain_allowed_pair_and_int_port(quickstart):
    a = quickstart.explain("shop/web/frontend", "shop/web/cart[Service]", 8080)
    assert a.allowed and a.port == "8080/TCP"
    assert all(c.blocked is None for c in a.cases)


def test_ip_block_override_gives_a_fresh_engine(quickstart):
    assert [p.from_ for p in quickstart.reach(ip_block_matches_pods=False).pairs] == [
        p.from_ for p in quickstart.reach().pairs]
    assert quickstart.explain("shop/web/frontend", "shop/web/cart", 8080, ip_block_matches_pods=False).allowed


def test_explain_and_reach_errors(quickstart):
    with pytest.raises(ValueError, match="cart"):
        quickstart.explain("shop/web/frontend", "shop/web/carts", 8080)
    with pytest.raises(ValueError, match="port"):
        quickstart.explain("shop/web/frontend", "shop/web/cart", "80/ICMP")
    with pytest.raises(ValueError, match="src"):
        quickstart.explain("a/b/c/d/e", "shop/web/cart", 8080)
    with pytest.raises(ValueError, match="port"):
        quickstart.reach(port="http")
