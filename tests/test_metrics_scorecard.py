"""Diagnose: the Diagnosis tables, percentiles against a reference, and the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rainforest.cli import app
from rainforest.experiments import reference as XR
from rainforest.experiments.diagnosis import diagnose
from rainforest.metrics import reference as R
from rainforest.metrics import render
from rainforest.metrics.scorecard import Diagnosis, measure
from tests.conftest import EXAMPLE
from tests.metrics_data import tiny_result


def test_percentiles_are_mid_ranks():
    ref = pd.DataFrame({"group": "g", "indicator": "x", "value": [1.0, 2.0, 2.0, 3.0, np.nan]})
    card = pd.DataFrame(
        {
            "group": ["g", "g", "g", "g", "h"],
            "indicator": ["x", "x", "x", "x", "x"],
            "value": [0.0, 2.0, 5.0, np.nan, 1.0],
        }
    )
    p = R.percentiles(card, ref)
    assert p.iloc[0] == 0.0
    assert p.iloc[1] == pytest.approx(100 * (1 + 0.5 * 2) / 4)  # one below, two ties
    assert p.iloc[2] == 100.0
    assert np.isnan(p.iloc[3]) and np.isnan(p.iloc[4])  # no value / no reference


def test_measure_of_the_tiny_result():
    m = measure(tiny_result())
    s = m["scalars"]
    assert {"opportunity", "community", "outcome", "network", "synergy", "structure"} <= set(
        s["group"]
    )
    row = s[(s.region == "all") & (s.indicator == "org_giant_share")]
    assert row["value"].iloc[0] == pytest.approx(8 / 9)
    surv = s[(s.region == "all") & (s.indicator == "survival_1y")].iloc[0]
    assert surv["value"] == pytest.approx(2 / 3) and surv["reference"] == 0.8


def test_diagnose_a_result_and_observed_indicators(tmp_path):
    obs = tmp_path / "obs.toml"
    obs.write_text(
        "[regions.park]\nfacility_staff_share = 0.3\nbreakthroughs_per_100k = 20\n"
        "university_knowledge_share = 0.1\ntalent_per_km2 = 2000\n"
    )
    ref = pd.DataFrame(
        {
            "group": "opportunity",
            "indicator": "talent_per_km2",
            "value": [100.0, 1000.0, 3000.0, 10_000.0],
        }
    )
    d = diagnose(tiny_result(), indicators=obs, reference=ref)
    assert isinstance(d, Diagnosis)
    assert set(d.to_frames()) == {
        "scorecard",
        "typology",
        "drivers",
        "brookings",
        "networks",
        "synergy",
        "survival",
        "family_trees",
        "multiples",
        "missing",
    }
    assert set(d.scorecard["scenario"]) == {"tiny", "observed"}
    park = d.typology.set_index(["scenario", "region"]).loc[("observed", "park")]
    assert park["label"] == "science-facility"
    assert np.isclose(d.typology[list(d.typology.columns[2:7])].sum(axis=1), 1.0).all()
    # observed districts list what they did not supply
    miss = d.missing[d.missing["scenario"] == "observed"]
    assert "founding_rate" in set(miss["indicator"])
    # a two-region scenario keeps its pooled row
    assert set(d.typology.loc[d.typology.scenario == "tiny", "region"]) == {"A", "B", "all"}
    # percentile of the observed talent density: 2,000 is above 2 of 4 reference values
    row = d.scorecard[
        (d.scorecard.scenario == "observed") & (d.scorecard.indicator == "talent_per_km2")
    ].iloc[0]
    assert row["percentile"] == 50.0
    assert d.top_drivers(2).groupby(["scenario", "region"]).size().max() <= 2


def test_diagnose_runs_average_and_render(capsys):
    d = diagnose(EXAMPLE, years=2, seed=3, runs=2, reference=None)
    assert d.meta["runs"] == 2 and len(d.meta["scenarios"][0]["seeds"]) == 2
    card = d.scorecard
    assert card["percentile"].isna().all()
    assert card.loc[card.group == "opportunity", "sd"].notna().any()
    from rich.console import Console

    render(d, Console(width=160, record=True))
    out = capsys.readouterr().out
    assert "Typology" in out and "talent_per_km2" in out


def test_reference_build_and_staleness(tmp_path):
    table = XR.build_reference(["market-driven"], years=1, seed=1)
    assert set(R.COLUMNS) == set(table.columns)
    assert (table["preset"] == "market-driven").all()
    path = R.write_reference(table, tmp_path / "ref.csv")
    ref = R.load_reference(path)
    assert ref is not None and ref.source == str(path)
    # presets that were not in the table count as stale
    assert "market-driven" not in ref.stale
    assert XR.resolve(None) is None
    assert XR.resolve(table).source == "given"
    with pytest.raises(FileNotFoundError):
        XR.resolve(str(tmp_path / "missing.csv"))


def test_cli_diagnose(tmp_path):
    runner = CliRunner()
    out = tmp_path / "tables"
    r = runner.invoke(
        app,
        [
            "diagnose",
            str(EXAMPLE),
            "--years",
            "2",
            "--seed",
            "1",
            "--reference",
            "none",
            "--out",
            str(out),
        ],
        env={"COLUMNS": "160"},
    )
    assert r.exit_code == 0, r.output
    assert "Opportunity density" in r.output and "Typology" in r.output
    assert (out / "scorecard.csv").is_file() and (out / "typology.csv").is_file()
    obs = tmp_path / "obs.csv"
    obs.write_text("region,private_capital_share,third_places_per_km2\nhub,0.95,90\n")
    r = runner.invoke(app, ["diagnose", "--indicators", str(obs), "--reference", "none"])
    assert r.exit_code == 0, r.output
    assert "market-driven" in r.output and "missing" in r.output
    r = runner.invoke(app, ["diagnose"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["diagnose", "no-such-preset", "--reference", "none"])
    assert r.exit_code == 2 and "unknown preset" in r.output
