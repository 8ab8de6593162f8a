"""Scenario.run() against `eksim run --format json`, queueing theory, and the GIL."""

import math
import threading
import time

import numpy as np
import pytest

import eksim
from conftest import QUICKSTART, cli, cli_json


@pytest.fixture(scope="module")
def run7(quickstart):
    # The CLI always reports progress, and its ticks are kernel events: ask for them too.
    return quickstart.run(seed=7, progress=lambda fraction: None)


def test_run_matches_the_cli(run7):
    want = cli_json("run", QUICKSTART, "--seed", "7")
    assert (run7.scenario, run7.seed, run7.replication, run7.duration_ns, run7.events) == (
        want["scenario"], want["seed"], want["replication"], want["duration_ns"], want["events"])
    (f,) = run7.flows
    w = want["flows"][0]
    assert (f.name, f.from_, f.to, f.offered_rate, f.requests, f.completed, f.failed, f.retries, f.source_pods,
            f.destination_pods, f.waited) == (w["name"], w["from"], w["to"], w["offered_rate_per_s"], w["requests"],
                                              w["completed"], w["failed"], w["retries"], w["source_pods"],
                                              w["destination_pods"], w["waited"])
    assert f.stages == w["stage_mean_ns"] and f.errors == w["errors"]
    assert (f.bytes, f.cross_az_bytes, f.transit_gateway_bytes, f.nat_gateway_bytes, f.new_connections) == (
        w["bytes"], w["cross_az_bytes"], w["transit_gateway_bytes"], w["nat_gateway_bytes"], w["new_connections"])
    assert f.data_cost_usd == pytest.approx(w["data_cost_usd"], rel=1e-12)
    assert f.throughput(run7) == pytest.approx(w["throughput_per_s"], rel=1e-12)
    assert f.error_rate == w["error_rate"]
    windows = f.windows
    assert np.column_stack([windows["start_ns"], windows["completed"], windows["failed"], windows["p50_ns"],
                            windows["p99_ns"]]).tolist() == w["windows"]
    lat = w["latency_ns"]
    assert list(f.latency.quantile([0.5, 0.9, 0.99, 0.999])) == [lat["p50"], lat["p90"], lat["p99"], lat["p99.9"]]
    assert (f.latency.min, f.latency.max, f.latency.count) == (lat["min"], lat["max"], w["completed"])
    assert f.latency.mean == pytest.approx(lat["mean"], rel=1e-12)
    buckets = np.column_stack([f.latency.lower, f.latency.upper, f.latency.counts.astype(np.int64)])
    assert buckets.tolist() == w["latency_histogram"]
    assert [(run7.flows[e.flow].name, e.passed, e.detail, e.where) for e in run7.expectations] == [
        (e["flow"], e["passed"], e["detail"], e["where"]) for e in want["expectations"]]
    assert str(run7) == cli("run", QUICKSTART, "--seed", "7").stdout


def test_queueing_agrees_with_erlang_c(run7):
    # The cart: Poisson arrivals at 400/s, 4 workers, exponential 5 ms service (M/M/4).
    lam, mu, c = 400.0, 200.0, 4
    a = lam / mu
    tail = a**c / math.factorial(c) * c / (c - a)
    p_wait = tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)  # Erlang C = 0.1739
    wq = p_wait / (c * mu - lam)  # mean wait in queue, seconds
    (f,) = run7.flows
    assert f.waited / f.requests == pytest.approx(p_wait, abs=0.02)
    assert f.mean_queue_wait_ns * 1e-9 == pytest.approx(wq, rel=0.15)
    # Mean latency: queue + service + the path each way (a 120 us same-AZ hop and a 20 us
    # veth at each end when the pods are on different nodes) and the 1 KiB transfers.
    assert f.latency.mean * 1e-9 == pytest.approx(wq + 1 / mu + 2 * 160e-6, rel=0.05)
    # 30 s at 400/s: 12,000 arrivals, Poisson sd ~110.
    assert abs(f.requests - 12_000) < 5 * math.sqrt(12_000)


def test_samples_are_every_latency_without_a_copy(quickstart):
    r = quickstart.run(seed=3, duration="2s", keep_samples=True)
    f = r.flows[0]
    samples = f.samples
    assert samples.dtype == np.int64 and len(samples) == f.completed == f.latency.count
    assert (samples.min(), samples.max()) == (f.latency.min, f.latency.max)
    assert not samples.flags.owndata  # a view over the result's vector
    assert len(quickstart.run(seed=3, duration="2s").flows[0].samples) == 0


def test_histogram_arrays(run7):
    h = run7.flows[0].latency
    assert h.lower.dtype == np.int64 and h.counts.dtype == np.uint64
    assert int(h.counts.sum()) == h.count == len(h)
    assert (h.lower <= h.upper).all() and (h.upper[:-1] < h.lower[1:]).all()
    values, fraction = h.cdf()
    assert fraction[-1] == pytest.approx(1.0) and (np.diff(fraction) > 0).all()
    assert (values == h.upper).all()
    assert h.lower[0] <= h.min and h.max <= h.upper[-1]
    assert h.stddev > 0 and "count=" in repr(h)
    # The array owns its memory: it outlives the result it came from.
    counts = run7.flows[0].latency.counts
    assert counts.flags.owndata or counts.base is not None


def test_same_seed_same_result_and_duration_forms(quickstart):
    a = quickstart.run(seed=3, duration="2s")
    b = quickstart.run(seed=3, duration=2.0)
    assert a.duration_ns == b.duration_ns == 2 * 10**9
    assert a.flows[0].latency.counts.tolist() == b.flows[0].latency.counts.tolist()
    assert a.events == b.events
    c = quickstart.run(seed=4, duration="2s")
    assert c.flows[0].latency.counts.tolist() != a.flows[0].latency.counts.tolist()
    assert quickstart.run(duration="1s", replication=2).replication == 2
    assert quickstart.run(duration="1s").seed == quickstart.seed


def test_progress_is_reported_and_its_errors_raised(quickstart):
    seen = []
    plain = quickstart.run(seed=2, duration="1s")
    ticked = quickstart.run(seed=2, duration="1s", progress=seen.append)
    assert seen == sorted(seen) and seen[0] <= 0.011 and seen[-1] == pytest.approx(1.0, abs=0.011)
    assert len(seen) >= 99
    # The ticks are bookkeeping: the requests and their latencies are the same.
    assert plain.flows[0].latency.counts.tolist() == ticked.flows[0].latency.counts.tolist()

    def stop(fraction):
        if fraction > 0.5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        quickstart.run(duration="1s", progress=stop)


def test_run_errors(quickstart):
    with pytest.raises(ValueError, match="duration"):
        quickstart.run(duration="soon")
    with pytest.raises(ValueError, match="longer than 0s"):
        quickstart.run(duration=0)
    with pytest.raises(TypeError):
        quickstart.run(duration=[1])
    with pytest.raises(TypeError):
        quickstart.run(seed=-1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        quickstart.run(duration="1s").flows[0].latency.quantile(1.5)


def test_gil_is_released_while_the_engine_runs(quickstart):
    # While another thread runs a simulation, this thread keeps running Python;
    # with the GIL held it could not take a single step until the run ended.
    done = threading.Event()
    steps = 0

    def work():
        quickstart.run(seed=1, duration="600s")
        done.set()

    t = threading.Thread(target=work)
    t.start()
    time.sleep(0.01)
    while not done.is_set():
        steps += 1
        time.sleep(0.001)
    t.join()
    assert steps >= 5
