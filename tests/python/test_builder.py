"""ScenarioBuilder: the quickstart built in code is the quickstart of the YAML."""

import os

import numpy as np
import pytest

import eksim
from conftest import QUICKSTART, cli, cli_json


def quickstart_builder(**changes):
    """scenarios/quickstart.yaml and scenarios/quickstart/web.yaml, in code."""
    b = eksim.ScenarioBuilder("quickstart", seed=42, duration="30s")
    b.add_vpc("shop-vpc", cidrs=["10.0.0.0/16"])
    b.add_subnet("shop-vpc", "private-a", az="use1-az1", cidr="10.0.0.0/20")
    b.add_subnet("shop-vpc", "private-b", az="use1-az2", cidr="10.0.16.0/20")
    b.add_cluster("shop", vpc="shop-vpc")
    b.add_node_group("shop", "general", instance_type="m5.large", count=2, subnets=["private-a"])
    b.add_workload("shop", "web", "frontend", ports={"http": 8080})
    b.add_workload("shop", "web", "cart", ports={"http": 8080}, service=True,
                   image="public.ecr.aws/docker/library/redis:7")
    b.add_policy("shop", "web", "cart-from-frontend", select={"app": "cart"}, allow_from=[{"app": "frontend"}],
                 ports=["http"])
    b.set_hop_latency(same_node="20us", same_az="120us", cross_az=changes.get("cross_az", "500us"))
    b.add_server("shop/web/cart", workers=4, service_time=0.005)
    b.add_flow("shop/web/frontend", "shop/web/cart", rate=changes.get("rate", 400))
    b.expect_latency(0, p99_below="40ms")
    b.expect_reach("shop/web/frontend", "shop/web/cart[Service]", "8080/TCP", allowed=True)
    return b


@pytest.fixture(scope="module")
def built():
    return quickstart_builder().build()


def test_same_model_as_the_yaml(built, quickstart):
    assert (built.name, built.seed, built.duration_ns) == (quickstart.name, quickstart.seed, quickstart.duration_ns)
    assert built.workloads == quickstart.workloads and built.flows == quickstart.flows


def test_same_capacity(built, quickstart):
    assert str(built.capacity()) == str(quickstart.capacity())


def test_same_reachability(built, quickstart):
    a, b = built.reach(), quickstart.reach()
    assert a.labels == b.labels and (a.matrix == b.matrix).all()
    assert [(p.from_, p.to, p.connections, p.some_connections) for p in a.pairs] == [
        (p.from_, p.to, p.connections, p.some_connections) for p in b.pairs]
    assert str(built.explain("web/frontend", "web/cart", 6379)) == str(quickstart.explain("web/frontend", "web/cart", 6379))


def test_same_run_for_one_seed(built, quickstart):
    a, b = built.run(seed=11), quickstart.run(seed=11)
    assert a.events == b.events
    for fa, fb in zip(a.flows, b.flows):
        assert fa.requests == fb.requests and fa.waited == fb.waited
        assert np.array_equal(fa.latency.lower, fb.latency.lower)
        assert np.array_equal(fa.latency.counts, fb.latency.counts)
    assert [e.passed for e in a.expectations] == [e.passed for e in b.expectations]


def test_written_files_run_in_the_cli(tmp_path):
    b = quickstart_builder(rate="300/s")
    path = b.write(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["manifests", "scenario.yaml"]
    want = cli_json("run", path, "--seed", "5", "--duration", "5s")
    got = eksim.load(path).run(seed=5, duration="5s")
    assert got.flows[0].requests == want["flows"][0]["requests"]
    assert got.flows[0].offered_rate == 300
    assert "apiVersion: networking.k8s.io/v1" in b.to_yaml()["manifests/shop.yaml"]


def test_builder_reports_mistakes():
    b = eksim.ScenarioBuilder("x")
    with pytest.raises(ValueError, match="did you mean 'shop-vpc'"):
        b.add_vpc("shop-vpc", ["10.0.0.0/16"]).add_subnet("shop-vpx", "a", "use1-az1", "10.0.0.0/20")
    with pytest.raises(ValueError, match="add_cluster"):
        b.add_workload("nope", "web", "x")
    b.add_cluster("c", vpc="shop-vpc")
    with pytest.raises(ValueError, match="Deployment"):
        b.add_workload("c", "web", "x", kind="Deployments")
    with pytest.raises(ValueError, match="needs ports"):
        b.add_workload("c", "web", "x", service=True)
    with pytest.raises(TypeError):
        eksim.ScenarioBuilder("x", duration=[1])
    with pytest.raises(ValueError, match="builder's own"):
        b.set_section("vpcs", [])


def test_loader_errors_quote_the_generated_line():
    b = quickstart_builder()
    b.add_node_group("shop", "big", instance_type="m5.lage", count=1, subnets=["private-a"])
    with pytest.raises(eksim.LoadError) as caught:
        b.build()
    e = caught.value
    assert e.file == "scenario.yaml"
    line = b.to_yaml()["scenario.yaml"].splitlines()[e.line - 1]
    assert "m5.lage" in line[e.column - 1:]
    assert "m5.large" in e.message and "generated line" in str(e)


def test_sections_dns_traffic_and_node_local_cache():
    b = eksim.ScenarioBuilder("dns", seed=7, duration="2s")
    b.add_vpc("vpc", ["10.0.0.0/16"], region="us-west-2").add_subnet("vpc", "a", "usw2-az1", "10.0.0.0/20")
    b.add_cluster("c", vpc="vpc", coredns_replicas=1, node_local_cache=True)
    b.add_node_group("c", "ng", "m5.large", 2, ["a"])
    b.add_workload("c", "app", "client", replicas=2)
    b.set_section("dns", {"parallelAaaa": False})
    b.add_dns_traffic("c/app/client", "host-{i}.example.com.", rate=100)
    s = b.build()
    assert "c/kube-system/node-local-dns" in s.workloads
    r = s.dns_load()
    assert r.flows[0].lookups > 0 and r.node_local
