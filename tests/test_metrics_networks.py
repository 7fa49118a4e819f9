"""Networks of the hand-built result: every number below is computed by hand from the table
in ``tests/metrics_data.py``."""

from __future__ import annotations

import pytest

from rainforest.metrics import networks as N
from tests.metrics_data import tiny_result


@pytest.fixture(scope="module")
def res():
    return tiny_result()


def test_organisation_graph_by_hand(res):
    g = N.organisation_graph(res)
    # institutions 0, 1, 2; new firms 3-6; investors 0, 1 (SME 7 has no tie, pool 8 has weight 0)
    assert g.vcount() == 9
    s = N.summarise(g)
    # distinct ties: 1-3, 3-4, 0-5 (spin-outs); i0-3, i1-6, i0-5 (rounds); 0-3 (transfer);
    # 3-6, 4-6 (serial founders 10 and 12)
    assert s["edges"] == 9
    assert s["giant_share"] == pytest.approx(8 / 9)  # the facility (org 2) is isolated
    assert s["transitivity"] == pytest.approx(3 * 1 / 17)  # one triangle 3-4-6, 17 triples
    assert s["avg_path_length"] == pytest.approx(110 / 56)
    assert s["mean_degree"] == pytest.approx(18 / 9)
    assert s["max_degree"] == 5
    assert s["bridging_share"] == pytest.approx(3 / 9)  # 0-5, 0-3 (U-I) and i1-6 (G-I)
    assert s["cross_region_share"] == pytest.approx(2 / 9)  # 3-6 and 4-6


def test_bridging_table(res):
    b = N.bridging(N.organisation_graph(res)).set_index("pair")
    assert b.loc["industry-university", "ties"] == 2
    assert b.loc["government-industry", "ties"] == 1
    assert b.loc["industry-industry", "ties"] == 6
    assert b["share"].sum() == pytest.approx(1.0)


def test_sampled_path_length_matches_exact(res):
    g = N.organisation_graph(res)
    exact = N.average_path_length(g, exact_paths=1000)
    sampled = N.average_path_length(g, exact_paths=0, samples=8)  # all 8 giant vertices
    assert sampled == pytest.approx(exact)


def test_connection_by_region_and_over_time(res):
    c = N.connection(res)
    assert c["A"] == pytest.approx(1.0)
    assert c["B"] == pytest.approx(2 / 3)
    assert c["all"] == pytest.approx(8 / 9)
    # by month 5: firm 6 not founded, no founder or state-fund tie yet
    early = N.connection(res, until_month=5)
    assert early["all"] == pytest.approx(6 / 8)


def test_people_graphs(res):
    cof = N.summarise(N.cofounding_graph(res))
    assert cof["nodes"] == 4 and cof["edges"] == 2  # 10-11 (org 3), 10-12 (org 6)
    assert cof["giant_share"] == pytest.approx(3 / 4)
    col = N.summarise(N.collaboration_graph(res))
    assert col["nodes"] == 3 and col["edges"] == 2
    assert col["giant_share"] == 1.0
    assert col["avg_path_length"] == pytest.approx(4 / 3)


def test_spinout_and_investment_graphs(res):
    sp = N.spinout_graph(res)
    assert sp.is_directed()
    assert N.summarise(sp)["giant_share"] == pytest.approx(3 / 7)  # {1, 3, 4}
    inv = N.summarise(N.investment_graph(res))
    assert inv["edges"] == 3 and inv["giant_share"] == pytest.approx(3 / 9)


def test_family_trees(res):
    ft = N.family_trees(res).set_index("name")
    assert ft.loc["Anchor A", "descendants"] == 2
    assert ft.loc["Anchor A", "depth"] == 2
    assert ft.loc["Anchor A", "alive_share"] == pytest.approx(0.5)  # firm 4 failed
    assert ft.loc["Anchor A", "descendants_real"] == pytest.approx(20.0)
    assert ft.loc["Uni A", "children"] == 1 and ft.loc["Uni A", "depth"] == 1
    assert ft.loc["Lab B", "descendants"] == 0


def test_degree_distribution_and_summary_table(res):
    dd = N.degree_distribution(N.organisation_graph(res)).set_index("degree")
    assert dd["vertices"].to_dict() == {0: 1, 1: 2, 2: 4, 3: 1, 5: 1}
    summary = N.network_summary(res)
    assert set(summary["graph"]) == set(N.GRAPHS)
    assert set(summary["region"]) == {"all", "A", "B"}
