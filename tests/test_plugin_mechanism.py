"""A mechanism registered at run time needs no edit outside its own module: the talent visa of
``examples/talent_visa.py`` gets its parameters in the scenario, its metric in the registry,
``Result.metrics`` and reports, its hook in the month, and passes the conformance checks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from rainforest import registry
from rainforest.api import simulate
from rainforest.engine.month import plan_names
from rainforest.mechanisms import ContractError, registered
from rainforest.report._common import metric_label
from rainforest.scenario import ScenarioError, scenario_from_dict, with_values
from tests.conftest import scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "talent_visa.py"


def _toy():
    spec = importlib.util.spec_from_file_location("talent_visa", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TALENT_VISA


@pytest.fixture()
def visa():
    with registered(_toy()) as mech:
        yield mech


def test_registration_adds_parameters_metric_and_hook(visa):
    assert "talent_visa.grant" in plan_names()
    i = plan_names().index("talent_visa.grant")
    assert plan_names()[i - 1] == "belief.prepare"
    sc = scenario_from_dict(scenario())
    assert sc.mechanisms.talent_visa.quota_per_year == 0.0
    assert registry.unit("visa_arrivals") == "people/month"
    assert metric_label("visa_arrivals") == "Visa arrivals"
    with pytest.raises(ScenarioError, match="quota_per_year"):
        with_values(sc, {"mechanisms.talent_visa.quota_per_year": -5})


def test_talent_visa_adds_people(visa):
    sc = scenario_from_dict(scenario())
    on = with_values(sc, {"mechanisms.talent_visa.quota_per_year": 3000.0})
    for seed in (1, 2):
        base = simulate(sc, years=2, seed=seed)
        more = simulate(on, years=2, seed=seed)
        assert "visa_arrivals" in more.metrics.columns
        assert more.metrics.visa_arrivals.sum() == pytest.approx(3000.0 * 2, rel=1e-9)
        assert base.metrics.visa_arrivals.sum() == 0.0
        last = more.metrics.month.max()
        grown = more.metrics[more.metrics.month == last].people.sum()
        assert grown > base.metrics[base.metrics.month == last].people.sum() + 4000


def test_deterministic_and_unregistered_cleanly(visa):
    on = with_values(scenario_from_dict(scenario()), {"mechanisms.talent_visa.quota_per_year": 500})
    a, b = simulate(on, years=1, seed=4), simulate(on, years=1, seed=4)
    assert np.array_equal(a.metrics.select_dtypes("number"), b.metrics.select_dtypes("number"))


def test_unknown_section_is_an_error_once_unregistered():
    with registered(_toy()):
        pass
    assert "talent_visa.grant" not in plan_names()
    with pytest.raises(ScenarioError, match="talent_visa"):
        scenario_from_dict(scenario(mechanisms={"talent_visa": {"quota_per_year": 1.0}}))
    with pytest.raises(KeyError):
        registry.get("visa_arrivals")


def test_a_plugin_must_say_where_it_goes():
    toy = _toy()
    from dataclasses import replace

    with pytest.raises(ContractError, match="after"), registered(replace(toy, after="")):
        pass
