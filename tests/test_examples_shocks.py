"""The shock examples of issue 16 run and move outcomes the way the essays say: Detroit's
anchor collapse costs jobs; Tsukuba's withdrawal of support cuts public spending."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _example(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_detroit_anchor_collapse_costs_jobs():
    ex = _example("shock_detroit_collapse")
    sc = ex.scenario()
    assert sc.shocks[0].kind == "anchor_collapse" and sc.shocks[0].anchor == ex.ANCHOR
    t = ex.compare(years=4, runs=3, scale=200)
    assert t.loc["employed", "collapse"] < t.loc["employed", "baseline"]
    assert t.loc["output", "collapse"] < t.loc["output", "baseline"]


def test_tsukuba_withdrawal_cuts_public_spending():
    ex = _example("shock_tsukuba_withdrawal")
    sc = ex.scenario()
    assert {s.field for s in sc.shocks} == set(ex.WITHDRAWN)
    t = ex.compare(years=4, runs=3, scale=100)
    assert t.loc["subsidies_paid", "withdrawal"] < t.loc["subsidies_paid", "baseline"]
    assert t.loc["public_spending", "withdrawal"] < t.loc["public_spending", "baseline"]


@pytest.mark.parametrize("preset", ["silicon-valley", "cerebral-valley"])
def test_presets_set_hybrid_collaboration_and_event_months(preset):
    import rainforest as rf

    cn = rf.load_scenario(preset).mechanisms.connect
    assert cn.hybrid > 0 and cn.event_months


def test_policy_shocks_in_the_same_month_add_up():
    """Each policy_change shock sets its own field only (they used to reset every other policy
    field to the scenario's value, so only the last shock of a month took effect)."""
    from rainforest.engine import Engine

    ex = _example("shock_tsukuba_withdrawal")
    eng = Engine(ex.scenario(month=0), seed=0, scale=200)
    while eng.month <= 0:
        eng.step()
    R = eng.w.R
    assert R.rd_sub[0] == 0.0 and R.shared_labs[0] == 0.0 and R.grant_rate[0] == 0.0
    assert R.latency[0] == 180.0 / 30.4
