"""The living network under the mechanism contract (mechanisms/network_plugins.py): off by
default the outputs are bit for bit the first edition's; switched on it runs in the engine's
month, deterministically, and reports its metrics."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.mechanisms import get
from rainforest.mechanisms.network_plugins import MECHANISMS, living_network
from rainforest.scenario import scenario_from_dict, with_values
from rainforest.state import accounts
from tests.conftest import base_region, scenario

ON = {
    "mechanisms.ties.enabled": True,
    "mechanisms.knowledge_vectors.enabled": True,
    "mechanisms.recombination.enabled": True,
    "mechanisms.people_spinoffs.enabled": True,
}


def world():
    return scenario_from_dict(scenario({"district": base_region(population=20000)}))


@pytest.fixture(scope="module")
def baseline():
    return simulate(world(), years=1, seed=3)


def test_declarations_keep_the_contract():
    for m in MECHANISMS:
        m.check()
        for name, f in m.param_model.model_fields.items():
            assert f.description and (f.json_schema_extra or {}).get("unit"), (m.name, name)
        assert m.off and all(v is False for v in m.off.values())


def test_registered_but_off_leaves_the_outputs_bit_identical(baseline):
    with living_network():
        assert get("ties").hooks[0].name == "ties.month"
        res = simulate(world(), years=1, seed=3)
    cols = [c for c in baseline.metrics.columns if c in res.metrics.columns]
    assert len(cols) == len(baseline.metrics.columns)
    a = baseline.metrics[cols].select_dtypes("number").to_numpy()
    b = res.metrics[cols].select_dtypes("number").to_numpy()
    assert np.array_equal(a, b, equal_nan=True)
    assert (res.metrics.ties_formed == 0).all()
    assert "ties_formed" not in accounts.accounts()  # unregistered after the block


def test_switched_on_it_runs_deterministically_and_reports(baseline):
    with living_network():
        sc = with_values(world(), ON)
        a = simulate(sc, years=1, seed=3)
        b = simulate(sc, years=1, seed=3)
    num = a.metrics.select_dtypes("number")
    assert np.array_equal(
        num.to_numpy(), b.metrics.select_dtypes("number").to_numpy(), equal_nan=True
    )
    assert a.metrics.ties_formed.sum() > 0
    assert a.metrics.recombinant_ideas.sum() > 0
    assert a.metrics.people_spinoff_draws.sum() >= 0
    assert (a.metrics.people > 0).all()
