"""M21: firms move into and out of a district by a location choice (issue 15).

Direction tests of the pull (firms draw firms, demand draws them, dear space repels), a
district whose market grows gaining firms by moves, arrivals kept apart from foundings, and
the switch changing nothing while off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rainforest.api import simulate
from rainforest.mechanisms import get
from rainforest.mechanisms import m21_arrivals as ar
from rainforest.scenario import FIRST_EDITION, Scenario, scenario_from_dict, with_values
from rainforest.scenario.schema import FirmArrivalsParams
from tests.conftest import base_region, scenario

SEEDS = (1, 2, 3)
#: moves on, at a rate high enough for a small district's counts to show in three years
MOVES = {**ar.ON, "mechanisms.firm_arrivals.rate": 0.3}


def world(**over) -> Scenario:
    """A small district in the first edition, with its demand growing at ``growth``."""
    sc = scenario_from_dict(scenario({"district": base_region(population=20000, **over)}))
    return with_values(sc, FIRST_EDITION)


def test_declaration_keeps_the_contract():
    m = get("firm_arrivals")
    m.check()
    assert m.off == {"mechanisms.firm_arrivals.enabled": False}
    for name, f in FirmArrivalsParams.model_fields.items():
        extra = f.json_schema_extra or {}
        assert f.description and extra.get("unit"), name
        if name != "enabled":
            assert extra.get("source"), name


def test_pull_follows_the_location_choice():
    p = FirmArrivalsParams(rate=0.12, agglomeration=0.5, market=1.0, cost=0.8)
    one = np.ones(3)
    start = ar.pull(one * 100, one * 100, one, one, one, p)
    assert np.allclose(start, 1.0)  # as at the first reported month
    # balanced then: arrivals per SME = the chance that one SME leaves
    assert np.allclose(ar.arrival_rates(one * 50, one, start, p) / 50, ar.departure_chance(p))
    more_firms = ar.pull(np.array([80.0, 100.0, 150.0]), one * 100, one, one, one, p)
    assert more_firms[0] < more_firms[1] < more_firms[2]  # firms draw firms
    dearer = ar.pull(one * 100, one * 100, one, np.array([0.8, 1.0, 1.5]), one, p)
    assert dearer[0] > dearer[1] > dearer[2]  # dear space repels
    # a growing economy has more movers: more arrive, though a stock that has not kept
    # pace with it draws a share below its start
    demand = np.array([0.9, 1.0, 1.3])
    grown = ar.pull(one * 100, one * 100, demand, one, one, p)
    assert grown[0] > grown[1] > grown[2]
    came = ar.arrival_rates(one, demand, grown, p)
    assert came[0] < came[1] < came[2]
    # a district that keeps pace with its economy keeps its share
    assert np.allclose(ar.pull(one * 130, one * 100, one * 1.3, one, one, p), 1.0)
    # one that falls behind draws more than its stock, one ahead less (agglomeration < 1)
    behind, ahead = ar.pull(np.array([50.0, 200.0]), np.full(2, 100.0), np.ones(2), 1, 1, p)
    assert behind > 0.5 and ahead < 2.0
    # a region that had no firms draws none
    assert ar.pull(one * 5, np.array([0.0, 1.0, 1.0]), one, one, one, p)[0] == 0.0


def _net_moves(sc: Scenario) -> list[float]:
    out = []
    for s in SEEDS:
        m = simulate(sc, years=3, seed=s).metrics
        out.append(float(m.firm_arrivals.sum() - m.firm_departures.sum()))
    return out


def test_a_district_whose_market_grows_gains_firms():
    # the same district selling into an economy growing 10% a year or shrinking 2%: the
    # growing economy has more moving firms and the district draws its share, seed by seed
    def moves(growth: float) -> list[float]:
        sc = with_values(
            world(economy_growth=growth),
            {**MOVES, "mechanisms.growth.enabled": True, "mechanisms.firm_arrivals.cost": 0.0},
        )
        return _net_moves(sc)

    up, down = moves(0.10), moves(-0.02)
    assert all(u > d for u, d in zip(up, down, strict=True)), (up, down)


def test_arrivals_are_not_foundings():
    res = simulate(with_values(world(), MOVES), years=3, seed=1)
    o, m, e = res.orgs, res.metrics, res.events
    came = o[o.origin.astype(str) == "arrival"]
    assert len(came) > 0
    assert set(came.kind.astype(str)) == {"sme"}  # established firms
    assert (came.founded >= 0).all()  # only in reported months
    # counted as arrivals (each row stands for its weight in real firms), never as foundings
    assert m.firm_arrivals.sum() == came.weight.sum()
    founded = set(e.loc[e.kind.astype(str) == "founding", "org"])
    assert founded.isdisjoint(set(came.org))
    # firms that left are 'moved', not failures, and no longer alive here
    left = o[o.exit.astype(str) == "moved"]
    assert len(left) > 0 and m.firm_departures.sum() == left.weight.sum()
    assert (left.alive == 0).all() and (left.kind.astype(str) == "sme").all()
    # survival counts firms founded here only: the same cohorts as if arrivals were dropped
    from rainforest.metrics.indicators import survival

    class Without:
        orgs = o[o.origin.astype(str) != "arrival"]
        metrics = res.metrics
        meta = res.meta

    assert survival(res).equals(survival(Without()))


def test_the_switch_off_changes_nothing():
    base = simulate(world(), years=2, seed=4).metrics
    idle = simulate(
        with_values(world(), {"mechanisms.firm_arrivals.rate": 0.5}), years=2, seed=4
    ).metrics
    zero = simulate(
        with_values(world(), {**ar.ON, "mechanisms.firm_arrivals.rate": 0.0}), years=2, seed=4
    ).metrics
    for other in (idle, zero):
        pd.testing.assert_frame_equal(base, other)
