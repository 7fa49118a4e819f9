"""The seeds' comparative claims, per capita, with runs as the units of the statistics.

Each claim (:data:`rainforest.experiments.claims.CLAIMS`) is a rate that does not depend on a
place's size (per 1,000 workers a year, or a share of foundings or of deals), measured once per
run; it holds when Welch's t over runs is at least 2 in the claimed direction. These are
direction tests: they stay green on the presets' own values. Whether a claim *emerges* or is
an input read back is what ``rainforest claims`` reports (swapping each input group between the
two places); one test pins a case where the answer is known: in the first edition the
conversion claim is the universities' conversion_rate input, so it is labelled *by
assumption*; in the second edition that input is set aside, so nothing states the claim.
"""

from __future__ import annotations

from functools import cache

import pytest

from rainforest.experiments.claims import CLAIMS, check_claims

SEEDS = tuple(range(6))
YEARS, SCALE = 5, 10.0


@cache
def baseline():
    """Every claim on the presets' own values (no ablation)."""
    return check_claims(CLAIMS, seeds=SEEDS, years=YEARS, scale=SCALE, groups=())


def verdict(key: str):
    res = baseline().claims.set_index("claim")
    return res.loc[key]


def holds(key: str) -> None:
    r = verdict(key)
    why = f"{r.text}: {r.a} {r.mean_a:.3g} vs {r.b} {r.mean_b:.3g} ({r.unit}), t={r.t:.2f}"
    assert r.holds, why


@pytest.mark.slow
def test_hangzhou_more_grassroots_early_ai_and_more_high_growth_per_worker():
    """Seed 003: 杭州是“幸存者偏差”:无数草根创业者…但一个李佳琦的成功就能让年轻人前赴后继;
    seed 004: 敢投钱,肯等待 — grassroots AI/software founders and high-growth firms, per 1,000
    workers."""
    holds("grassroots_ai")
    holds("high_growth")


@pytest.mark.slow
def test_zhangjiang_leans_to_hard_tech_with_state_linked_and_credentialed_founders():
    """Seed 003: 张江的资源向“国家队”倾斜 / 没三篇ISSCC都不好意思要融资 — hard tech, the national
    team and credentials, as shares of each run's foundings and funded startups."""
    holds("hard_tech")
    holds("state_linked")
    holds("credentialed")


@pytest.mark.slow
def test_hefei_capital_favours_few_large_heavy_asset_projects():
    """Seed 004: 以投带引 — Hefei's government invests to bring in heavy-asset industry."""
    holds("hefei_cheques")
    holds("hefei_few_deals")
    holds("hefei_heavy_capital")


@pytest.mark.slow
def test_nanjing_converts_less_of_its_university_research():
    """Seed 004: 东南大学…专利转化率仅11%,而浙大高达38%."""
    holds("conversion")


@pytest.mark.slow
def test_conversion_claim_is_labelled_by_assumption():
    """Give Hangzhou Nanjing's universities (and the reverse) and the claim flips: it is the
    presets' conversion_rate inputs read back, which the output must say."""
    claim = next(c for c in CLAIMS if c.key == "conversion")
    res = check_claims([claim], seeds=SEEDS[:4], years=YEARS, scale=SCALE, groups=("research",))
    row = res.claims.iloc[0]
    assert row.holds and row.label == "by assumption", row.to_dict()
    ab = res.ablations.iloc[0]
    assert ab.a < ab.b  # after the swap, Nanjing converts more


def test_conversion_claim_is_stated_by_research_only_in_the_first_edition():
    """The first edition converts each university's patents at its conversion_rate input, so
    the research group states the claim; the second edition's M20 converts by hazard and sets
    that input aside, so there no input group states it and swapping research can only show
    that the claim is *carried by* research, not that it is assumed."""
    from rainforest.experiments.joint import apply_fitted
    from rainforest.scenario import FIRST_EDITION, load_scenario, with_values

    claim = next(c for c in CLAIMS if c.key == "conversion")
    first = with_values(load_scenario("hangzhou"), FIRST_EDITION)
    assert claim.stated_by(first) == ("research",)
    assert claim.stated_by(apply_fitted("hangzhou")) == ()
    # a claim with no switch is stated by its groups in either edition
    other = next(c for c in CLAIMS if c.key == "grassroots_ai")
    assert other.stated_by(apply_fitted("hangzhou")) == other.says_so


def test_claims_do_not_depend_on_the_executor():
    """The same claims table and ablations in this process and on two worker processes (runs
    are gathered in seed order, whatever order they finish in)."""
    claim = next(c for c in CLAIMS if c.key == "hefei_cheques")
    kw = dict(seeds=(0, 1), years=1, scale=40.0, groups=("capital",))
    here = check_claims([claim], executor=1, **kw)
    there = check_claims([claim], executor=2, **kw)
    assert here.claims.equals(there.claims)
    assert here.ablations.equals(there.ablations)
