"""Liquidation preferences in a sale (M6, ``mechanisms.exits.liquidation_preference``).

Venture investors hold convertible preferred stock (Kaplan & Strömberg 2003): in a sale each
takes the larger of its preference and its shares' value, so a sale that covers the money
raised pays every investor back before the founders, and late money, bought at high prices,
is protected at the expense of early money in a sale that does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rainforest as rf
from rainforest.experiments.joint import apply_fitted
from rainforest.mechanisms.m06_lifecycle import preferred_payout
from rainforest.scenario import load_scenario, with_values

# a seed round of 10 for a third, a later round of 90 for a quarter of the firm after it:
# founders 1 share, seed 0.5 shares (price 20 a share), late 0.5 shares (price 180 a share)
AMOUNT = np.array([10.0, 90.0])
SHARES = np.array([0.5, 0.5])


def test_without_a_preference_every_share_is_paid_alike():
    paid, founders = preferred_payout(AMOUNT, SHARES, 1.0, 100.0, 0.0)
    np.testing.assert_allclose(paid, [25.0, 25.0])
    assert founders == pytest.approx(50.0)


def test_a_sale_below_the_money_raised_pays_the_preferences_pari_passu():
    paid, founders = preferred_payout(AMOUNT, SHARES, 1.0, 50.0, 1.0)
    np.testing.assert_allclose(paid, [5.0, 45.0])
    assert founders == 0.0


def test_a_modest_sale_pays_the_late_round_back_and_the_cheap_stock_converts():
    # pro rata the late round would get 40 of 160 (0.44x); with its preference it takes 90,
    # and the seed converts: (160 - 90) / 1.5 shares a share
    paid, founders = preferred_payout(AMOUNT, SHARES, 1.0, 160.0, 1.0)
    np.testing.assert_allclose(paid, [70.0 / 3.0, 90.0])
    assert founders == pytest.approx(70.0 / 1.5)


def test_a_rich_sale_converts_everything():
    paid, founders = preferred_payout(AMOUNT, SHARES, 1.0, 2000.0, 1.0)
    np.testing.assert_allclose(paid, [500.0, 500.0])
    assert founders == pytest.approx(1000.0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.01, 1e4), st.floats(0.001, 10.0)), min_size=1, max_size=12),
    st.floats(0.0, 1e6),
    st.floats(0.0, 3.0),
)
def test_a_sale_pays_out_exactly_its_price(rounds, value, pref):
    amount = np.array([a for a, _ in rounds])
    shares = np.array([s for _, s in rounds])
    paid, founders = preferred_payout(amount, shares, 1.0, value, pref)
    assert (paid >= -1e-9).all() and founders >= -1e-9
    assert paid.sum() + founders == pytest.approx(value, rel=1e-9, abs=1e-6)
    # nobody holding preferred stock gets less than the smaller of its preference and the
    # whole price shared pari passu among the preferences
    owed = pref * amount.sum()
    floor = pref * amount * (1.0 if value >= owed else value / owed)
    assert (paid >= floor - 1e-6 * max(value, 1.0)).all()
    # founders never get more than their pro-rata share
    assert founders <= value / (1.0 + shares.sum()) + 1e-6 * max(value, 1.0)


def _sold_deals(pref: float, seed: int):
    """Realised deals in acquired firms on the calibrated second edition in Silicon Valley
    (ten years), with whether the sale price covered all the money the firm raised."""
    sc = with_values(
        apply_fitted(load_scenario("silicon-valley")),
        {"mechanisms.exits.liquidation_preference": pref},
    )
    res = rf.simulate(sc, years=10, seed=seed)
    ev = res.events
    price = ev[ev.kind == "acquisition"].groupby("org")["amount"].first()
    raised = res.orgs.set_index("org")["raised"]
    inv = res.investments[res.investments.proceeds.notna()]
    inv = inv[inv.org.isin(price.index)].copy()
    inv["covered"] = price.reindex(inv.org).to_numpy() >= raised.reindex(inv.org).to_numpy()
    return inv


@pytest.mark.slow
def test_a_sale_that_covers_the_money_raised_pays_every_investor_back():
    """With the preference no deal loses money in a sale at or above the money raised (pro
    rata, late rounds bought at high prices do), and late rounds get more back from sales
    (their money comes first), early rounds less."""
    without = pd.concat([_sold_deals(0.0, s) for s in range(3)])
    with_pref = pd.concat([_sold_deals(1.0, s) for s in range(3)])
    covered = with_pref[with_pref.covered]
    assert len(covered) > 30
    assert covered.multiple.min() >= 1.0 - 1e-9
    assert (without[without.covered].multiple < 1.0).sum() > 0

    def mean_multiple(d, stage):
        return d[d.stage == stage].multiple.mean()

    assert mean_multiple(with_pref, "late") > mean_multiple(without, "late")
    assert mean_multiple(with_pref, "seed") < mean_multiple(without, "seed")
