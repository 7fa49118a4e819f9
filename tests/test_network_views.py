"""The living network where an analyst looks (issue 14 item 7): its measures in `diagnose`'s
scorecard, a sampled neighbourhood kept with the result, and the picture in reports. On in
the second edition (SECOND_EDITION); switched off (FIRST_EDITION, or the ties' switch alone in
the second edition) there is no network to measure, sample or draw."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.metrics.scorecard import LIVING_SCALARS, measure
from rainforest.metrics.ties import edges, neighbourhood
from rainforest.report.core import result_sections
from rainforest.report.graph import ties_chart
from rainforest.scenario import FIRST_EDITION, SECOND_EDITION, scenario_from_dict, with_values
from tests.conftest import base_region, scenario


def world():
    """A small district in the second edition (the network on)."""
    sc = scenario_from_dict(scenario({"district": base_region(population=20000)}))
    return with_values(sc, SECOND_EDITION)


@pytest.fixture(scope="module")
def on():
    return simulate(world(), years=2, seed=1)


@pytest.fixture(
    scope="module",
    params=[FIRST_EDITION, {"mechanisms.ties.enabled": False}],
    ids=["first_edition", "ties_switch"],
)
def off(request):
    return simulate(with_values(world(), request.param), years=2, seed=1)


def test_neighbourhood_is_breadth_first_from_the_hub_and_keeps_only_inner_ties():
    # a star of 5 around person 0, a chain 5-6-7-8 hanging off person 4, and a lone pair
    a = np.array([0, 0, 0, 0, 4, 5, 6, 7, 10])
    b = np.array([1, 2, 3, 4, 5, 6, 7, 8, 11])
    people, src, dst = neighbourhood(a, b, 12, max_nodes=6)
    assert people.tolist() == [0, 1, 2, 3, 4, 5]  # the hub, its ties, then one step further
    got = {(int(people[s]), int(people[d])) for s, d in zip(src, dst, strict=True)}
    assert got == {(0, 1), (0, 2), (0, 3), (0, 4), (4, 5)}
    empty = neighbourhood(np.zeros(0, np.int64), np.zeros(0, np.int64), 3)
    assert all(x.size == 0 for x in empty)


def test_result_keeps_a_neighbourhood_of_real_ties(on, off):
    s = on.meta["network_sample"]
    assert 0 < len(s["people"]) <= 300
    assert len(s["region"]) == len(s["people"])
    assert s["total_ties"] >= len(s["src"]) > 0
    people = np.asarray(s["people"])
    pairs = set(zip(people[s["src"]].tolist(), people[s["dst"]].tolist(), strict=True))
    assert all(a < b for a, b in pairs)  # each tie once, as the measures count them
    assert s["total_people"] >= len(s["people"])
    json.dumps(on.meta)  # meta.json can hold it
    assert "network_sample" not in off.meta


def test_sampled_ties_are_ties_of_the_network():
    # the sample is a sub-graph: every edge of it is an edge of the whole network
    rng = np.random.default_rng(3)
    n, k = 400, 6
    slot = np.full((n, k, 2), -1, np.int32)
    deg = np.zeros(n, np.int32)
    for _ in range(900):
        i, j = (int(x) for x in rng.integers(0, n, 2))
        if i == j or deg[i] >= k or deg[j] >= k or j in slot[i, : deg[i], 0]:
            continue
        slot[i, deg[i], 0], slot[j, deg[j], 0] = j, i
        deg[i] += 1
        deg[j] += 1
    a, b = edges(slot, deg)
    people, src, dst = neighbourhood(a, b, n, max_nodes=50)
    whole = set(zip(a.tolist(), b.tolist(), strict=True))
    got = {tuple(sorted((int(people[s]), int(people[d])))) for s, d in zip(src, dst, strict=True)}
    assert got and got <= whole
    # and every whole-network tie between two sampled people is drawn
    inside = set(people.tolist())
    assert got == {(x, y) for x, y in whole if x in inside and y in inside}


def test_scorecard_has_the_living_network_only_when_it_was_on(on, off):
    rows = measure(on)["scalars"]
    mine = rows[(rows["group"] == "network") & (rows["region"] == "district")]  # one region
    names = set(mine["indicator"])
    assert {v[0] for v in LIVING_SCALARS.values()} | {"genealogy_share"} <= names
    ties = mine.set_index("indicator")["value"]
    assert ties["ties_per_person"] == pytest.approx(on.meta["network"]["mean_degree"])
    assert 0.0 <= ties["ties_within_1km"] <= 1.0
    assert 0.0 <= ties["genealogy_share"] <= 1.0
    plain = measure(off)["scalars"]
    assert "ties_per_person" not in set(plain["indicator"])


def test_report_draws_the_ties_when_the_network_was_on(on, off):
    chart = ties_chart(on)
    assert chart is not None
    trace = chart.figure.data
    assert sum(len(t.x) for t in trace if t.x is not None) > 0
    titles = [s.title for s in result_sections(on) if s.items]
    assert "The people's ties" in titles
    assert ties_chart(off) is None
    assert "The people's ties" not in [s.title for s in result_sections(off) if s.items]
