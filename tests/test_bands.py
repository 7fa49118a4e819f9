"""The model's band in the tables that set it beside data (validate --places, calibrate
--places, data compare): where a single run lands, honest about how few runs there are."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from rainforest.experiments.joint import POOLED, PlaceTarget, target_table
from rainforest.metrics.bands import MIN_EMPIRICAL, run_band, share_band


def test_two_runs_give_a_band_far_wider_than_their_range():
    lo, hi = run_band([1.0, 3.0])
    assert lo < 1.0 - 5.0 and hi > 3.0 + 5.0  # t(1) = 6.3: two runs say little
    assert math.isclose((lo + hi) / 2, 2.0)


def test_few_runs_cover_about_ninety_percent_of_new_runs():
    # normal runs: the t prediction interval of n runs holds the next run 90% of the time
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(4000):
        x = rng.normal(5.0, 2.0, 4)
        lo, hi = run_band(x)
        hits += lo <= rng.normal(5.0, 2.0) <= hi
    assert 0.88 <= hits / 4000 <= 0.92
    # the runs' own 5-95% quantiles (the old band) hold it far less often
    old = 0
    for _ in range(4000):
        x = rng.normal(5.0, 2.0, 4)
        lo, hi = np.quantile(x, [0.05, 0.95])
        old += lo <= rng.normal(5.0, 2.0) <= hi
    assert old / 4000 < 0.6


def test_many_runs_give_their_own_quantiles_and_one_run_none():
    x = np.arange(MIN_EMPIRICAL, dtype=float)
    assert np.allclose(run_band(x), np.quantile(x, [0.05, 0.95]))
    assert all(math.isnan(b) for b in run_band([3.0]))
    assert all(math.isnan(b) for b in run_band([3.0, math.nan]))
    assert run_band([2.0, 2.0, 2.0]) == (2.0, 2.0)


@given(st.lists(st.floats(0.0, 1e6), min_size=2, max_size=30))
def test_a_positive_quantity_never_gets_a_negative_band(values):
    lo, hi = run_band(values, positive=True)
    assert lo >= 0.0 and hi >= lo


def test_share_band_is_wilsons_and_narrows_with_more_firms():
    lo, hi = share_band(42, 100)
    assert (round(lo, 3), round(hi, 3)) == (0.342, 0.502)  # Wilson 90%, by hand
    lo2, hi2 = share_band(420, 1000)
    assert lo < lo2 < 0.42 < hi2 < hi
    assert share_band(0, 50)[0] == 0.0 and share_band(50, 50)[1] == 1.0
    assert all(math.isnan(b) for b in share_band(0, 0))


def test_target_table_bands_runs_and_pooled_shares():
    runs = pd.DataFrame({"place": ["p", "p"], "firms_per_1k_workers": [40.0, 60.0]})
    surv = np.zeros((len(POOLED), 2))
    surv[POOLED.index("survival_1y")] = (200.0, 40.0)  # 40 of 200 cohort firms failed
    targets = [
        PlaceTarget("p", "firms_per_1k_workers", 50.0, 2024, 0.5, "fit", "s", ""),
        PlaceTarget("all", "survival_1y", 0.8, 2013, 0.05, "fit", "s", ""),
    ]
    tab = target_table(targets, runs, surv).set_index("moment")
    lo, hi = tab.loc["firms_per_1k_workers", ["model_lo", "model_hi"]]
    assert 0.0 < lo < 40.0 and hi > 60.0  # wider than the two runs, never below zero
    s = tab.loc["survival_1y"]
    assert math.isclose(s["model"], 0.8)
    assert s["model_lo"] < 0.8 < s["model_hi"]
    assert (s["model_lo"], s["model_hi"]) == tuple(1.0 - x for x in share_band(40, 200)[::-1])
