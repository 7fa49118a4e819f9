"""Venture rounds as deal statistics count them, and their comparison with published deal
sizes (issue 15 item 6)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from rainforest.experiments.placecheck import venture_table
from rainforest.metrics import rounds as rd


def _result(cheques: list[tuple[int, int, str, float]]) -> SimpleNamespace:
    """A run's investments (org, month, stage, amount in million yuan) and three firms."""
    inv = pd.DataFrame(cheques, columns=["org", "month", "stage", "amount"])
    inv["stage"] = pd.Categorical(inv["stage"], ["seed", "early", "late"])
    orgs = pd.DataFrame(
        {"org": [0, 1, 2], "domain": ["ai_software", "biomedicine", "ai_software"],
         "region": ["a", "a", "b"]}
    )  # fmt: skip
    return SimpleNamespace(investments=inv, orgs=orgs)


def test_a_lead_and_its_co_investors_are_one_round():
    res = _result([(0, 5, "seed", 3.0), (0, 5, "seed", 4.1), (0, 9, "early", 71.0),
                   (1, 5, "seed", 2.0), (2, 7, "late", 0.0)])  # fmt: skip
    r = rd.rounds(res)
    assert len(r) == 3  # org 0 month 5 (lead + follower), org 0 month 9, org 1; no empty round
    first = r[(r["org"] == 0) & (r["month"] == 5)].iloc[0]
    assert first["amount"] == pytest.approx(7.1) and first["usd"] == pytest.approx(1.0)
    assert first["domain"] == "ai_software" and first["region"] == "a"
    assert rd.rounds(_result([])).empty


def test_statistics_of_rounds():
    usd = [0.5, 1.0, 2.0, 10.0, 200.0]
    r = pd.DataFrame(
        {
            "stage": ["seed", "seed", "seed", "early", "late"],
            "usd": usd,
            "domain": ["ai_software", "games", "AI_chips", "ai_software", "games"],
        }
    )
    assert rd.STATS["vc_median_deal_seed"][1](r) == 1.0
    assert rd.STATS["vc_median_deal_early"][1](r) == 10.0
    assert rd.STATS["vc_avg_deal"][1](r) == pytest.approx(np.mean(usd))
    assert rd.STATS["vc_megadeal_share"][1](r) == pytest.approx(200.0 / sum(usd))
    assert rd.STATS["ai_vc_avg_deal"][1](r) == pytest.approx((0.5 + 2.0 + 10.0) / 3)
    assert np.isnan(rd.STATS["vc_median_deal_early"][1](r[r["stage"] == "seed"]))


def _stats(rows):
    return pd.DataFrame(rows, columns=["place", "measure", "value", "unit", "year", "publisher"])


def test_venture_table_pools_a_countrys_places_run_by_run():
    def runs(scale_usd):
        return {
            s: pd.DataFrame(
                {
                    "stage": ["seed", "early"],
                    "usd": [scale_usd * (1 + s), 5.0],
                    "domain": ["ai_software", "games"],
                }
            )
            for s in (0, 1, 2)
        }

    by_run = {"hangzhou": runs(1.0), "zhangjiang": runs(3.0), "research-triangle": runs(0.5)}
    stats = _stats([
        ("china", "vc_avg_deal", 4.0, "million USD", 2023, "P1"),
        ("china", "vc_megadeal_share", 0.5, "share", 2023, "P2"),
        ("united-states", "vc_median_deal_seed", 3.0, "million USD", 2023, "P3"),
        ("world", "ai_vc_avg_deal", 2.0, "million USD", 2023, "P4"),
        ("hangzhou", "ai_vc_value", 710.0, "million CNY/year", 2024, "P5"),
        ("hangzhou", "ai_vc_deals", 50.0, "deals/year", 2024, "P5"),
        ("netherlands", "vc_avg_deal", 9.0, "million USD", 2023, "P6"),  # no Dutch place ran
    ])  # fmt: skip
    t = venture_table(by_run, stats).set_index(["scope", "measure"])
    assert len(t) == 5 and (t["role"] == "not in fit").all()
    # China: Hangzhou's and Zhangjiang's rounds pooled in each seed, then averaged over seeds
    c = t.loc[("china", "vc_avg_deal")]
    assert c["places"] == "hangzhou, zhangjiang" and c["rounds"] == 12
    per_seed = [np.mean([1 + s, 5.0, 3 * (1 + s), 5.0]) for s in (0, 1, 2)]
    assert c["model"] == pytest.approx(np.mean(per_seed))
    assert c["factor"] == pytest.approx(c["model"] / 4.0)
    assert t.loc[("china", "vc_megadeal_share"), "model_lo"] >= 0.0
    assert t.loc[("china", "vc_megadeal_share"), "model_hi"] <= 1.0
    assert t.loc[("united-states", "vc_median_deal_seed"), "places"] == "research-triangle"
    assert t.loc[("world", "ai_vc_avg_deal"), "rounds"] == 18  # every place
    # a place's own AI funding over its deals (710 million yuan / 50 = 2 million dollars)
    h = t.loc[("hangzhou", "ai_vc_avg_deal")]
    assert h["data"] == pytest.approx(2.0) and h["places"] == "hangzhou"


def test_deal_sums_pool_a_countrys_runs_and_the_worlds():
    """The pooled deal moments of a fit: (rounds, dollars) for China's mean round, (dollars,
    dollars in rounds of $100M or more) for its megadeal share, (AI rounds, their dollars) for
    the world's mean AI round; a US run adds to the world's only."""
    from rainforest.experiments.joint import DEAL_MOMENTS, POOLED, deal_counts

    r = pd.DataFrame(
        {"usd": [1.0, 4.0, 150.0], "domain": ["ai_software", "games", "AI_chips"],
         "stage": ["seed", "early", "late"]}
    )  # fmt: skip
    row = {m: POOLED.index(m) for m in DEAL_MOMENTS}
    cn = np.zeros((len(POOLED), 2))
    deal_counts(r, "hangzhou", cn)
    assert tuple(cn[row["china_mean_round"]]) == (3, 155.0)
    assert tuple(cn[row["china_megadeal_share"]]) == (155.0, 150.0)
    assert tuple(cn[row["world_ai_mean_round"]]) == (2, 151.0)
    us = np.zeros((len(POOLED), 2))
    deal_counts(r, "research-triangle", us)
    assert not us[row["china_mean_round"]].any() and not us[row["china_megadeal_share"]].any()
    assert tuple(us[row["world_ai_mean_round"]]) == (2, 151.0)
    empty = np.zeros((len(POOLED), 2))
    deal_counts(r.iloc[:0], "hangzhou", empty)
    assert not empty.any()


def test_venture_table_shows_the_role_a_fit_gave_a_figure():
    """A deal figure a fit targeted is labelled with the fit's role; a second figure for the
    same year (another publisher) stays a prediction."""
    by_run = {"hangzhou": {0: pd.DataFrame({"stage": ["seed"], "usd": [2.0], "domain": ["x"]})}}
    stats = _stats([
        ("china", "vc_avg_deal", 12.9, "million USD", 2023, "GlobalData"),
        ("china", "vc_avg_deal", 20.4, "million USD", 2023, "DealStreetAsia"),
    ])  # fmt: skip
    roles = {("china", "vc_avg_deal", 2023, 12.9): "fit"}
    t = venture_table(by_run, stats, roles)
    assert list(t["role"]) == ["fit", "not in fit"]


def test_published_money_is_read_in_million_dollars():
    assert rd.usd(71.0, "million CNY/year") == pytest.approx(10.0)
    assert rd.usd(12.9, "million USD") == 12.9
