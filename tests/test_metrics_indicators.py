"""Indicator formulas on the hand-built result (numbers derived in tests/metrics_data.py)."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.metrics import indicators as I
from tests.metrics_data import tiny_result


@pytest.fixture(scope="module")
def res():
    return tiny_result()


def test_select_years(res):
    assert I.select_years(res.metrics) == [1]
    assert I.select_years(res.metrics, "all") == [0, 1]
    assert I.select_years(res.metrics, -2) == [0]
    assert I.select_years(res.metrics, [1, 0]) == [0, 1]
    with pytest.raises(ValueError, match="outside the run"):
        I.select_years(res.metrics, 5)
    with pytest.raises(ValueError):
        I.select_years(res.metrics, "last")


def test_opportunity_density_last_year(res):
    od = I.opportunity_density(res)
    a, b, t = od.loc[("A", 1)], od.loc[("B", 1)], od.loc[("all", 1)]
    # A: output 20 a month on 2 km²; listed 4; 1,000 people; patent stock 60; 12 foundings
    assert a["output_per_km2"] == pytest.approx(20 * 12 / 2)
    assert a["listed_per_km2"] == pytest.approx(4 / 2)
    assert a["talent_per_km2"] == pytest.approx(1000 / 2)
    assert a["patents_per_10k"] == pytest.approx(60 / 1000 * 1e4)
    assert a["under35_share"] == pytest.approx(0.5)
    assert a["new_firms_per_day"] == pytest.approx(12 / 365)
    assert a["tech_transfers_per_day"] == pytest.approx(6 / 365)
    assert a["specialised_smes_per_km2"] == pytest.approx(5 / 2)
    assert b["output_per_km2"] == pytest.approx(40 * 12 / 4)
    assert b["patents_per_10k"] == pytest.approx(110 / 2000 * 1e4)
    # pooled: sums over 6 km² and 3,000 people, shares weighted by people
    assert t["output_per_km2"] == pytest.approx(720 / 6)
    assert t["listed_per_km2"] == pytest.approx(10 / 6)
    assert t["patents_per_10k"] == pytest.approx(170 / 3000 * 1e4)
    assert t["under35_share"] == pytest.approx((0.5 * 1000 + 0.75 * 2000) / 3000)
    assert t["new_firms_per_day"] == pytest.approx(36 / 365)


def test_opportunity_density_by_year(res):
    od = I.opportunity_density(res, "all")
    assert od.loc[("A", 0), "output_per_km2"] == pytest.approx(10 * 12 / 2)
    assert od.loc[("A", 0), "listed_per_km2"] == pytest.approx(2 / 2)
    assert len(od) == 6  # (A, B, all) x (0, 1)


def test_community(res):
    c = I.community(res)
    a, b, t = c.loc[("A", 1)], c.loc[("B", 1)], c.loc[("all", 1)]
    assert a["cross_skill_share"] == pytest.approx(0.6)
    assert t["cross_skill_share"] == pytest.approx((0.6 * 10_000 + 0.9 * 20_000) / 30_000)
    assert a["experiment_cost"] == pytest.approx(0.02)
    assert a["belief"] == pytest.approx(0.5) and b["belief"] == pytest.approx(0.6)
    assert a["temperature"] == pytest.approx(0.5 * 0.5)  # failure tolerance x belief
    assert b["temperature"] == pytest.approx(0.8 * 0.6)
    assert t["failure_tolerance"] == pytest.approx((0.5 * 1000 + 0.8 * 2000) / 3000)
    assert t["temperature"] == pytest.approx(0.7 * (0.5 * 1000 + 0.6 * 2000) / 3000)
    assert a["refounding_share"] == pytest.approx(0.5)
    assert a["density"] == pytest.approx(10.0)  # contacts per person-month
    assert a["connection"] == pytest.approx(1.0)
    assert b["connection"] == pytest.approx(2 / 3)
    assert t["connection"] == pytest.approx(8 / 9)
    assert np.isnan(I.community(res, connection=False)["connection"]).all()


def test_outcomes(res):
    o = I.outcomes(res)
    a, b = o.loc[("A", 1)], o.loc[("B", 1)]
    assert a["foundings"] == 12 and a["ipos"] == 1 and a["ipos_to_date"] == 1
    assert b["unicorns"] == 0 and b["unicorns_to_date"] == 1  # the unicorn came in year 0
    assert a["employment"] == 990 and a["unemployment_rate"] == pytest.approx(0.01)
    assert a["investment"] == pytest.approx(4 * 12)
    assert b["investment"] == pytest.approx((6 + 2 + 4) * 12)


def test_survival(res):
    s = I.survival(res).set_index(["region", "age"])
    # founded in the run: 3 (month 0), 5 (1), 4 (2, failed at 8), 6 (14); the run ends at 23
    assert s.loc[("all", 1), "cohort"] == pytest.approx(30)  # 3, 4, 5 (6 is too young)
    assert s.loc[("all", 1), "survival"] == pytest.approx(2 / 3)
    assert s.loc[("all", 2), "cohort"] == pytest.approx(20)  # 3 and the failed 4
    assert s.loc[("all", 2), "survival"] == pytest.approx(1 / 2)
    assert np.isnan(s.loc[("B", 1), "survival"]) and s.loc[("B", 1), "cohort"] == 0
    assert s.loc[("all", 5), "bls"] == 0.5


def test_investment_multiples(res):
    m = I.investment_multiples(res).set_index("bucket")
    # realised multiples 0.25, 30 and 3 (one round unrealised)
    assert m["rounds"].to_dict() == {"<1x": 1, "1-5x": 1, "5-10x": 0, "10-20x": 0, ">20x": 1}
    assert m["share"].sum() == pytest.approx(1.0)
    assert m["reference"].sum() == pytest.approx(1.0)


def test_indicator_table_is_long_and_labelled(res):
    t = I.indicator_table(res)
    assert set(t.columns) == {
        "region",
        "year",
        "group",
        "indicator",
        "value",
        "unit",
        "reference",
        "description",
    }
    assert set(t["indicator"]) == set(I.INDICATORS)
    assert list(dict.fromkeys(t["region"])) == ["A", "B", "all"]
    row = t[(t.region == "all") & (t.indicator == "specialised_smes_per_km2")].iloc[0]
    assert row["reference"] == 78.0 and row["group"] == "opportunity"
    assert I.CAOHEJING["output_per_km2"] == 90_000.0


def test_real_run_indicators_are_finite(example_result):
    t = I.indicator_table(example_result)
    opp = t[t.group == "opportunity"]
    assert np.isfinite(opp["value"]).all()
    assert (opp["value"] >= 0).all()
    c = I.community(example_result)
    assert ((c["connection"] >= 0) & (c["connection"] <= 1)).all()
