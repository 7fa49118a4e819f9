"""Issue 14's rules with the living network and what builds on it switched on: the engine's
invariants every month, conservation of people, and outputs in real units that do not depend
on the population scale (one simulated person stands for ``scale`` real ones, and keeps the
same number of ties, so per-capita outcomes must not move with it)."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.engine import Engine
from rainforest.scenario import scenario_from_dict
from tests.conftest import assert_scale_free, scenario
from tests.test_engine import check_invariants

#: the living network (M13-M16) and M18-M20 on; the outside pool too where people may move
NETWORK = {
    "ties": {"enabled": True},
    "knowledge_vectors": {"enabled": True},
    "recombination": {"enabled": True},
    "people_spinoffs": {"enabled": True},
    "tie_belief": {"enabled": True},
    "growth": {"enabled": True},
    "campus_spinoffs": {"enabled": True},
}


def networked(pool: bool = False, **top) -> dict:
    data = scenario(**top)
    data["mechanisms"] = {**data.get("mechanisms", {}), **NETWORK}
    if pool:
        data["mechanisms"]["outside_pool"] = {"enabled": True}
    return data


def test_invariants_hold_every_month_with_the_network_on():
    sc = scenario_from_dict(networked(pool=True))
    eng = Engine(sc, seed=5, scale=20)
    for _ in range(12 * sc.warmup_years + 24):
        eng.step()
        check_invariants(eng)


@pytest.mark.parametrize("pool", [False, True])
def test_people_are_conserved_with_the_network_on(pool):
    from rainforest.api import simulate

    res = simulate(scenario_from_dict(networked(pool=pool)), years=3, seed=2, scale=10)
    m = res.metrics.groupby("month")[["people", "arrivals", "departures"]].sum()
    change = m["people"].diff().iloc[1:]
    flow = (m["arrivals"] - m["departures"]).iloc[1:]
    np.testing.assert_allclose(change.to_numpy(), flow.to_numpy())


@pytest.mark.slow
def test_outputs_do_not_depend_on_population_scale_with_the_network_on():
    """Expected foundings, recombinant ideas, patents and failures in real units agree at
    scale 5 and 20 (the first edition's test, tests/test_engine.py, with the network on)."""
    assert_scale_free(networked(years=4), ["foundings", "recombinant_ideas", "patents", "failures"])
