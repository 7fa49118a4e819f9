"""A parent backs its spin-off from its own profits (issue 15 item 6, M5's ``parent_backing``).

Why these tests: a profitable former employer that pays for its people's startup (High-Flyer
and DeepSeek) is a second source of money beside the investors' table. Theory says it keeps
alive promising spin-offs that outside capital would let die, most where venture money is
scarce; the accounting must keep that money out of the venture statistics (no investor, no
round) while the month's metric, the events and each firm's ``backed`` agree.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import fisher_exact

import rainforest as rf
from rainforest.experiments.joint import apply_fitted
from rainforest.scenario import load_scenario, with_values

PROFIT_KINDS = ["anchor", "sme", "listed"]


def _run(preset: str, backing: float, seed: int, years: int = 8):
    sc = apply_fitted(load_scenario(preset))
    sc = with_values(sc, {"mechanisms.capital.parent_backing": backing})
    return rf.simulate(sc, years=years, seed=seed, scale=40)


def _promising_children(res, bar: float):
    """Firms founded in the run by employees of a kind that can profit, with potential at
    least the parent's bar: the firms a parent may back."""
    o = res.orgs
    kinds = o["kind"].astype(str).to_numpy()
    f = o[(o["founded"] >= 0) & (o["parent"] >= 0)]
    return f[np.isin(kinds[f["parent"].to_numpy()], PROFIT_KINDS) & (f["potential"] >= bar)]


def test_parents_back_promising_spinoffs_where_capital_is_scarce():
    # Detroit has little venture capital: promising spin-offs of profitable parents survive
    # (alive, listed or sold) far more often when parents may back them, pooled over seeds
    bar = load_scenario("detroit").mechanisms.capital.parent_bar
    counts = {}
    for backing in (0.0, 1.0):
        n = ok = backed = 0
        for seed in range(6):
            sel = _promising_children(_run("detroit", backing, seed), bar)
            good = sel["alive"] | sel["exit"].astype(str).isin(["ipo", "acquisition"])
            n, ok, backed = (
                n + len(sel),
                ok + int(good.sum()),
                backed + int((sel["backed"] > 0).sum()),
            )
        counts[backing] = (n, ok, backed)
    (n0, ok0, b0), (n1, ok1, b1) = counts[0.0], counts[1.0]
    assert n0 >= 30 and n1 >= 30, counts
    assert b0 == 0 and b1 >= n1 // 2, counts
    assert ok1 / n1 - ok0 / n0 > 0.1, counts
    _, p = fisher_exact([[ok1, n1 - ok1], [ok0, n0 - ok0]], alternative="greater")
    assert p < 0.05, (counts, p)


@pytest.mark.parametrize("preset", ["hangzhou", "detroit"])
def test_parent_money_is_booked_once_and_is_not_a_venture_round(preset):
    res = _run(preset, 1.0, seed=1, years=6)
    ev = res.events
    b = ev[ev["kind"].astype(str) == "backing"]
    assert len(b) > 0
    o = res.orgs.set_index("org")
    # every backing comes from a profitable kind of parent, the firm's own parent
    assert (o.loc[b["org"], "parent"].to_numpy() == b["other"].to_numpy()).all()
    assert set(o.loc[b["other"], "kind"].astype(str)) <= set(PROFIT_KINDS)
    # a firm founded in the run (the warm-up's events are not kept) has the sum of its events
    per_org = b.groupby("org")["amount"].sum()
    born = o[o["founded"] >= 0]
    assert np.allclose(born["backed"], per_org.reindex(born.index, fill_value=0.0))
    # the month's metric counts the real firms each event stands for
    assert res.metrics["parent_backing"].sum() == pytest.approx(
        float((b["amount"] * b["weight"]).sum()), rel=1e-9
    )
    # no investor cheque in the month a parent paid: it is not a venture round
    cheques = res.investments[["org", "month"]].drop_duplicates()
    both = b[["org", "month"]].merge(cheques, on=["org", "month"])
    assert both.empty


def test_backing_off_draws_nothing_and_books_nothing():
    # off (the first edition and the shipped fit): no event, a zero metric, every firm 0
    res = _run("hangzhou", 0.0, seed=1, years=3)
    assert not (res.events["kind"].astype(str) == "backing").any()
    assert (res.metrics["parent_backing"] == 0).all()
    assert (res.orgs["backed"] == 0).all()
