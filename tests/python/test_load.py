"""eksim.load / eksim.loads and LoadError."""

import pytest

import eksim
from conftest import QUICKSTART, ROOT, cli_json


def test_load_reads_the_scenario_header_as_the_cli_does(quickstart):
    summary = cli_json("validate", QUICKSTART)
    assert quickstart.name == "quickstart"
    assert len(quickstart.workloads) == summary["workloads"]
    assert len(quickstart.clusters) == summary["clusters"]
    assert len(quickstart.flows) == summary["flows"]
    # scenarios/quickstart.yaml: {name: quickstart, seed: 42, duration: 30s}
    assert quickstart.seed == 42
    assert quickstart.duration_ns == 30 * 10**9
    assert quickstart.file == QUICKSTART
    assert quickstart.clusters == ["shop"]
    assert "shop/web/frontend" in quickstart.workloads and "shop/web/cart" in quickstart.workloads
    assert quickstart.flows == [("flow-0", "shop/web/frontend", "shop/web/cart", 400.0)]
    assert "quickstart" in repr(quickstart)


def test_loads_resolves_manifests_from_the_name_folder():
    text = open(QUICKSTART).read()
    s = eksim.loads(text, name=QUICKSTART)
    assert s.workloads == eksim.load(QUICKSTART).workloads


def test_misspelled_workload_raises_load_error_at_its_place():
    text = open(QUICKSTART).read().replace("to: shop/web/cart, rate", "to: shop/web/carts, rate")
    with pytest.raises(eksim.LoadError) as caught:
        eksim.loads(text, name=str(ROOT / "scenarios" / "edited.yaml"))
    e = caught.value
    # Where the misspelled name stands in the text, counted here independently.
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "shop/web/carts" in line)
    column = text.splitlines()[line_no - 1].index("shop/web/carts") + 1
    assert (e.file, e.line, e.column) == (str(ROOT / "scenarios" / "edited.yaml"), line_no, column)
    assert "did you mean 'shop/web/cart'" in e.message
    assert str(e).startswith(f"{e.file}:{line_no}:{column}: ")
    assert isinstance(e, ValueError)


def test_invalid_yaml_and_missing_file():
    with pytest.raises(eksim.LoadError) as caught:
        eksim.loads("scenario: {name: x\n", name="broken.yaml")
    assert caught.value.file == "broken.yaml" and caught.value.line >= 1
    with pytest.raises(eksim.LoadError) as caught:
        eksim.load(str(ROOT / "scenarios" / "no-such-file.yaml"))
    assert "no-such-file.yaml" in str(caught.value)
