"""Typology: the scoring formula, missing indicators, observed files, and real presets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rainforest.api import simulate
from rainforest.metrics import typology as T
from rainforest.scenario import load_scenario, preset_names, scenario_from_dict
from tests.conftest import EDITIONS
from tests.metrics_data import tiny_result


def test_standardise():
    share = T.StructuralIndicator("s", "share", "", "simulated", 0.5, 0.25)
    assert share.standardise(1.0) == pytest.approx(2.0)
    assert share.standardise(10.0) == 3.0  # clipped
    assert math.isnan(share.standardise(float("nan")))
    rate = T.StructuralIndicator("r", "1/yr", "", "simulated", 1.0, 0.5, log=True, eps=1.0)
    assert rate.standardise(99.0) == pytest.approx((2.0 - 1.0) / 0.5)


def test_softmax_scores_and_contributions_by_hand():
    specs = {
        "u": T.StructuralIndicator("u", "", "", "simulated", 0.0, 1.0),
        "v": T.StructuralIndicator("v", "", "", "simulated", 0.0, 1.0),
    }
    coef = {"m1": {"u": 1.0}, "m2": {"v": 2.0, "u": -0.5}}
    ind = pd.DataFrame({"u": [1.0], "v": [0.5]}, index=["d"])
    t = T.score(ind, coef, temperature=1.0, specs=specs)
    s1, s2 = 1.0, 2.0 * 0.5 - 0.5 * 1.0
    assert t.scores.loc["d", "m1"] == pytest.approx(s1)
    assert t.scores.loc["d", "m2"] == pytest.approx(s2)
    w1 = math.exp(s1) / (math.exp(s1) + math.exp(s2))
    assert t.weights.loc["d", "m1"] == pytest.approx(w1)
    c = t.contributions.groupby("model")["contribution"].sum()
    assert c["m1"] == pytest.approx(s1) and c["m2"] == pytest.approx(s2)
    # weight effect of u on m1: full weight minus the weight with u removed from both scores
    w1_without_u = math.exp(0) / (math.exp(0) + math.exp(2.0 * 0.5))
    eff = t.contributions.set_index(["model", "indicator"]).loc[("m1", "u"), "weight_effect"]
    assert eff == pytest.approx(w1 - w1_without_u)
    # temperature flattens
    flat = T.score(ind, coef, temperature=10.0, specs=specs)
    assert abs(flat.weights.loc["d", "m1"] - 0.5) < abs(w1 - 0.5)


def test_missing_indicators_are_reported_not_imputed():
    full = {
        "university_knowledge_rate": 3.0,
        "university_patents_per_10k": 100.0,
        "graduates_per_1000": 20.0,
    }
    t = T.classify(full)
    assert set(t.missing["indicator"]) == set(T.TYPOLOGY_INDICATORS) - set(full) - {
        i for i in T.TYPOLOGY_INDICATORS if all(i not in c for c in T.MODEL_COEFFICIENTS.values())
    }
    assert t.label()["observed"] == "university-led"
    # a missing indicator contributes nothing (no imputed value)
    missing = t.contributions[t.contributions["indicator"] == "founding_rate"]
    assert missing["value"].isna().all() and (missing["contribution"] == 0).all()
    assert np.isclose(t.weights.sum(axis=1), 1.0).all()


def test_structural_indicators_by_hand():
    si = T.structural_indicators(tiny_result())
    a, b = si.loc["A"], si.loc["B"]
    # A: foundings 3 (anchor), 4 (startup), 5 (university); one transfer from the university
    assert a["university_knowledge_rate"] == pytest.approx(20 * 1000 / (1000 * 2))
    assert a["anchor_spinout_share"] == pytest.approx(1 / 3)
    assert a["grassroots_share"] == 0.0
    assert a["university_patents_per_10k"] == pytest.approx(200.0)
    assert a["graduates_per_1000"] == pytest.approx(50.0)
    assert a["university_knowledge_share"] == 1.0
    assert a["largest_anchor_share"] == pytest.approx(0.2)
    assert a["anchor_employment_share"] == pytest.approx(20 * 10 / 1000)
    assert a["state_capital_share"] == 0.0
    assert a["subsidy_intensity"] == pytest.approx(48 / (48 + 96))
    assert a["policy_support"] == pytest.approx(0.7 / 7)
    assert a["state_preference"] == pytest.approx(0.35)
    assert a["private_capital_share"] == 1.0
    assert a["founding_rate"] == pytest.approx(12.0)
    assert a["people_per_km2"] == pytest.approx(500.0)
    assert b["facility_staff_share"] == pytest.approx(0.05)
    assert b["university_knowledge_share"] == 0.0
    assert b["grassroots_share"] == 1.0
    assert b["state_capital_share"] == pytest.approx(96 / 288)
    assert b["subsidy_intensity"] == pytest.approx(48 / (48 + 288))
    assert b["private_capital_share"] == pytest.approx(2 / 3)
    assert si.loc["all", "area_km2"] == 6.0
    assert list(si.index) == ["A", "B", "all"]


def test_read_observed_formats(tmp_path):
    toml = tmp_path / "obs.toml"
    toml.write_text(
        "[regions.north]\nfacility_staff_share = 0.2\n"
        "[regions.south]\nprivate_capital_share = 0.9\ntalent_per_km2 = 3000\n"
    )
    o = T.read_observed(toml)
    assert list(o.index) == ["north", "south"]
    assert o.loc["north", "facility_staff_share"] == 0.2
    assert np.isnan(o.loc["north", "private_capital_share"])
    flat = tmp_path / "district.toml"
    flat.write_text("facility_staff_share = 0.2\n")
    assert list(T.read_observed(flat).index) == ["district"]
    wide = tmp_path / "wide.csv"
    wide.write_text("region,facility_staff_share,founding_rate\nx,0.1,\ny,0.0,12\n")
    w = T.read_observed(wide)
    assert np.isnan(w.loc["x", "founding_rate"]) and w.loc["y", "founding_rate"] == 12
    long = tmp_path / "long.csv"
    long.write_text("region,indicator,value\nx,facility_staff_share,0.1\n")
    assert T.read_observed(long).loc["x", "facility_staff_share"] == 0.1
    bad = tmp_path / "bad.csv"
    bad.write_text("region,facility_staf_share\nx,0.1\n")
    with pytest.raises(ValueError, match="unknown indicator"):
        T.read_observed(bad)
    with pytest.raises(ValueError, match=r"\.toml or \.csv"):
        T.read_observed(tmp_path / "x.json")


def test_observed_classification_reports_missing(tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(
        "region,facility_staff_share,breakthroughs_per_100k,university_knowledge_share\n"
        "park,0.3,20,0.1\n"
    )
    t = T.classify(f)
    assert t.label()["park"] == "science-facility"
    assert "founding_rate" in set(t.missing["indicator"])


def test_a_founder_leaving_an_sme_is_not_grassroots():
    """Composition indicators count a founding for whoever its founder left (the channel of
    metrics.channels): region B's only founding, an idea from contacts, is grassroots until its
    founder is recorded as leaving B's SME."""
    res = tiny_result()
    assert T.structural_indicators(res).loc["B", "grassroots_share"] == 1.0
    res.orgs.loc[res.orgs["org"] == 6, "parent"] = 7  # org 7: an SME in region B
    si = T.structural_indicators(res)
    assert si.loc["B", "grassroots_share"] == 0.0
    assert si.loc["B", "anchor_spinout_share"] == 0.0
    # a founder leaving the anchor (org 1) is an anchor spin-off whatever the origin code says
    res.orgs.loc[res.orgs["org"] == 6, "parent"] = 1
    assert T.structural_indicators(res).loc["B", "anchor_spinout_share"] == 1.0


def _preset(name: str, edition: str):
    return scenario_from_dict(EDITIONS[edition](load_scenario(name).model_dump(mode="json")))


#: every archetype on both editions (in the second, a founding is carried by the organisation
#: its founder left, which the engine records whatever its kind: metrics.channels)
ARCHETYPES = [(model, edition) for edition in EDITIONS for model in T.MODELS]


#: seeds of the archetype test: a run's label is a draw (the anchor-platform archetype on the
#: calibrated second edition, fit L12, lands in its model in 7 of seeds 1-8, seed 3 not; the
#: anchors' share of spin-offs runs 0.16-0.33 over those seeds; docs/calibration.md section
#: 22), so the test asks for most of three runs, not one
ARCHETYPE_SEEDS = (1, 2, 3)


@pytest.mark.parametrize(("model", "edition"), ARCHETYPES)
def test_archetype_presets_land_in_their_model(model, edition):
    if model not in preset_names():
        pytest.skip(f"preset {model} not shipped yet")
    labels, weights = [], []
    for seed in ARCHETYPE_SEEDS:
        t = T.classify(simulate(_preset(model, edition), years=3, seed=seed))
        labels.append(t.label()["all"])
        weights.append(t.weights.round(2).to_dict("records")[-1])
    assert labels.count(model) * 2 > len(labels), (labels, weights)


#: the seed's exemplars, 10 years: seeds 1 and 2 on the first edition, seed 1 (Oxford's
#: narrowest margin; seed 2 passes too, docs/calibration.md section 8) on the second, to keep
#: the suite's time
EXEMPLARS = [
    (p, m, edition, seed)
    for edition, seeds in (("first", (1, 2)), ("second", (1,)))
    for seed in seeds
    for m, ps in T.EXEMPLARS.items()
    for p in ps
]


@pytest.mark.slow
@pytest.mark.parametrize(("preset", "model", "edition", "seed"), EXEMPLARS)
def test_seed_exemplars_land_in_their_model(preset, model, edition, seed):
    if preset not in preset_names():
        pytest.skip(f"preset {preset} not shipped yet")
    res = simulate(_preset(preset, edition), years=10, seed=seed)
    t = T.classify(res)
    assert t.label()["all"] == model, t.weights.round(2).to_dict("records")


def test_brookings_types():
    kendall_like = {
        "university_knowledge_rate": 3.0,
        "university_patents_per_10k": 100.0,
        "anchor_employment_share": 0.1,
        "people_per_km2": 20_000.0,
    }
    park_like = {
        "facility_staff_share": 0.2,
        "breakthroughs_per_100k": 10.0,
        "people_per_km2": 800.0,
        "area_km2": 100.0,
        "third_places_per_km2": 3.0,
    }
    assert T.classify_brookings(kendall_like).label()["observed"] == "anchor-plus"
    assert T.classify_brookings(park_like).label()["observed"] == "urbanised-science-park"
