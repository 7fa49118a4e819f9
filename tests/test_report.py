"""HTML reports: one self-contained file per Result, Ensemble, Comparison, Diagnosis or
Explanation; every chart has a title, axis titles and a reading; nothing loads from the web."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from rainforest.api import simulate
from rainforest.report import build_sections, kind_of, report, report_html
from rainforest.report._common import Chart, Table, charts_of
from rainforest.report.sizes import ccdf, tail_exponent
from rainforest.report.survival import kaplan_meier

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"


@pytest.fixture(scope="module")
def result():
    """A real, small two-region run (2 reported years, coarse scale)."""
    return simulate(EXAMPLE, years=2, seed=1, scale=40)


# -- stand-ins for objects built elsewhere ---------------------------------------------------
def tidy_summary(metrics: pd.DataFrame, runs: int = 8, seed: int = 0) -> pd.DataFrame:
    """A fake ensemble summary: the run's metrics with a spread, as month/region/metric rows."""
    rng = np.random.default_rng(seed)
    cols = ["foundings", "startups_alive", "people", "output", "belief"]
    long = metrics.melt(id_vars=["month", "region"], value_vars=cols, var_name="metric")
    noise = np.abs(long["value"].to_numpy()) * 0.1 + 1.0
    long["mean"] = long["value"]
    long["median"] = long["value"]
    long["q05"] = long["value"] - noise * rng.uniform(0.5, 1.5, len(long))
    long["q95"] = long["value"] + noise * rng.uniform(0.5, 1.5, len(long))
    long["n"] = runs
    return long.drop(columns="value")


class FakeEnsemble:
    def __init__(self, result, name: str, seed: int = 0):
        self.name = name
        self.scenario = result.scenario
        self._s = tidy_summary(result.metrics, seed=seed)

    def summary(self) -> pd.DataFrame:
        return self._s


class FakeComparison:
    def __init__(self, result):
        self.ensembles = {"A": FakeEnsemble(result, "A"), "B": FakeEnsemble(result, "B", 1)}
        self.table = pd.DataFrame(
            {
                "scenario": ["A", "B", "A", "B"],
                "outcome": ["foundings", "foundings", "unicorns", "unicorns"],
                "mean": [120.0, 80.0, 2.0, 1.0],
                "median": [118.0, 79.0, 2.0, 1.0],
                "q05": [90.0, 60.0, 0.0, 0.0],
                "q95": [150.0, 100.0, 4.0, 3.0],
                "n": [8, 8, 8, 8],
            }
        )


class RealShapedComparison:
    """The shape of rainforest.experiments.Comparison: table(), outcomes, per-run metrics."""

    def __init__(self, result):
        self.labels = ["A", "B"]
        self.scenarios = [result.scenario, result.scenario]
        frames = []
        for label, factor in (("A", 1.0), ("B", 0.5)):
            for rep in range(3):
                m = result.metrics.copy()
                m["foundings"] = m["foundings"] * factor + rep
                frames.append(m.assign(run_id=f"{label}{rep}", replicate=rep, scenario=label))
        self.metrics = pd.concat(frames, ignore_index=True)
        self.outcomes = pd.DataFrame(
            {"scenario": ["A"] * 3 + ["B"] * 3, "foundings": [10, 12, 14, 5, 6, 7]}
        )

    def table(self) -> pd.DataFrame:
        g = self.outcomes.groupby("scenario")["foundings"]
        return pd.DataFrame(
            {
                "scenario": ["A", "B"],
                "outcome": "foundings",
                "mean": g.mean().to_numpy(),
                "median": g.median().to_numpy(),
                "q05": g.quantile(0.05).to_numpy(),
                "q95": g.quantile(0.95).to_numpy(),
                "n": 3,
            }
        )


def fake_diagnosis(result):
    models = [
        "university-led",
        "science-facility",
        "anchor-platform",
        "government-cultivated",
        "market-driven",
    ]
    typ = pd.DataFrame(
        [
            {
                "scenario": "two-districts",
                "region": "campus",
                **dict(zip(models, [0.6, 0.1, 0.1, 0.1, 0.1], strict=True)),
                "label": "university-led",
            },
            {
                "scenario": "two-districts",
                "region": "harbour",
                **dict(zip(models, [0.1, 0.0, 0.7, 0.1, 0.1], strict=True)),
                "label": "anchor-platform",
            },
        ]
    )
    return SimpleNamespace(
        typology=typ,
        scorecard=pd.DataFrame(
            {
                "scenario": ["two-districts"] * 2,
                "region": ["campus", "harbour"],
                "indicator": ["talent_per_km2", "talent_per_km2"],
                "value": [15000.0, 11000.0],
                "unit": ["people/km²"] * 2,
                "reference": [50000.0] * 2,
            }
        ),
        networks=pd.DataFrame(
            {"source": ["u", "u", "a", "s1"], "target": ["s1", "s2", "s3", "s4"]}
        ),
        survival=pd.DataFrame(
            {"region": ["campus"] * 2, "age": [1, 2], "survival": [0.82, 0.7], "bls": [0.8, 0.66]}
        ),
        scenario=result.scenario,
    )


def fake_explanation(residual: float = 10.0):
    att = pd.DataFrame(
        {
            "group": ["policy", "capital", "culture", "anchors"],
            "value": [60.0, 30.0, 15.0, -5.0],
            "lo": [40.0, 15.0, 2.0, -12.0],
            "hi": [80.0, 45.0, 28.0, 3.0],
        }
    )
    return SimpleNamespace(
        attribution=att,
        total_gap=100.0 + residual,
        metric="foundings",
        a="hangzhou",
        b="zhangjiang",
    )


# -- checks -------------------------------------------------------------------------------
def axis_names(fig: go.Figure) -> set[str]:
    """Layout keys (xaxis, yaxis2, ...) of the axes the figure's cartesian traces use."""
    names = set()
    for t in fig.data:
        if t.type in ("sankey", "pie", "table"):
            continue
        for attr, base in (("xaxis", "xaxis"), ("yaxis", "yaxis")):
            ref = getattr(t, attr, None) or attr[0]
            names.add(base + ref[1:])
    return names


def assert_charts_complete(sections) -> list[Chart]:
    charts = charts_of(sections)
    assert charts, "a report must have at least one chart"
    for c in charts:
        assert c.title.strip(), "chart without a title"
        assert (c.figure.layout.title.text or "").strip(), f"{c.title}: figure title missing"
        assert c.reading.strip(), f"{c.title}: no reading"
        for ax in axis_names(c.figure):
            axis = c.figure.layout[ax]
            assert axis is not None and (axis.title.text or "").strip(), f"{c.title}: {ax} untitled"
    return charts


def assert_offline(html: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"@import\s+url\(\s*[\"']?https?:", html, re.I)
    assert html.count("Plotly.newPlot") >= 1
    assert html.count("* plotly.js v") == 1, "plotly.js must be embedded exactly once"


# -- tests --------------------------------------------------------------------------------
def test_result_report(result, tmp_path):
    secs = build_sections(result)
    titles = [s.title for s in secs]
    assert "Time series" in titles and "Opportunity density" in titles
    charts = assert_charts_complete(secs)
    by_title = {c.title: c for c in charts}
    assert "Foundings by region" in by_title
    assert (
        "peak" in by_title["Foundings by region"].reading
        or "No " in by_title["Foundings by region"].reading
    )
    sizes = by_title["Firm-size distribution of living firms"].figure
    assert sizes.layout.xaxis.type == "log" and sizes.layout.yaxis.type == "log"
    assert "Survival of firms founded in the reported period" in by_title
    # two regions: a Sankey for each kind of flow the run has
    kinds = set(result.flows()["kind"]) if hasattr(result, "flows") else set()
    sankeys = [t for t, c in by_title.items() if c.figure.data[0].type == "sankey"]
    if "people" in kinds:
        assert any(t.startswith("Talent flows") for t in sankeys)
    if "capital" in kinds:
        assert any(t.startswith("Capital flows") and "million yuan" in t for t in sankeys)
    tables = [it for s in secs for it in s.items if isinstance(it, Table)]
    density = next(t for t in tables if t.title.startswith("Opportunity density"))
    assert "Caohejing (seed 000)" in density.frame.columns
    assert any("sources" in t.title.lower() for t in tables)
    out = report(result, tmp_path / "sub" / "run.html")
    html = out.read_text(encoding="utf-8")
    assert_offline(html)
    assert html.count('<figure class="chart"') == len(charts)
    assert "rainforest result report: two-districts" in html
    assert "million yuan" in html


def test_ensemble_report_has_bands(result, tmp_path):
    ens = FakeEnsemble(result, "two-districts")
    assert kind_of(ens) == "ensemble"
    secs = build_sections(ens)
    charts = assert_charts_complete(secs)
    first = charts[0].figure
    assert any(getattr(t, "fill", None) == "tonexty" for t in first.data), "90% band missing"
    assert "90%" in charts[0].title
    assert_offline(report(ens, tmp_path / "ens.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("shape", ["ensembles", "real"])
def test_comparison_report(result, tmp_path, shape):
    cmp = FakeComparison(result) if shape == "ensembles" else RealShapedComparison(result)
    assert kind_of(cmp) == "comparison"
    secs = build_sections(cmp)
    charts = assert_charts_complete(secs)
    names = {t.name for c in charts for t in c.figure.data if t.name}
    assert any(n.startswith("A") for n in names) and any(n.startswith("B") for n in names)
    outcome = [c for c in charts if c.title.startswith("Outcomes by scenario")]
    assert outcome and "foundings" in outcome[0].reading.lower()
    assert_offline(report(cmp, tmp_path / "cmp.html").read_text(encoding="utf-8"))


def test_diagnosis_report(result, tmp_path):
    diag = fake_diagnosis(result)
    assert kind_of(diag) == "diagnosis"
    secs = build_sections(diag)
    charts = assert_charts_complete(secs)
    typ = next(c for c in charts if c.title.startswith("District typology"))
    assert "campus is mostly university-led (60%)" in typ.reading
    assert any(c.title == "Collaboration network" for c in charts)
    html = report(diag, tmp_path / "diag.html").read_text(encoding="utf-8")
    assert_offline(html)
    assert "Indicators by district" in html  # one row per indicator, a column per district


def test_explanation_waterfall(tmp_path):
    ex = fake_explanation(residual=10.0)
    assert kind_of(ex) == "explanation"
    secs = build_sections(ex)
    charts = assert_charts_complete(secs)
    wf = charts[0].figure.data[0]
    assert wf.type == "waterfall"
    assert list(wf.x)[-2:] == ["interaction / residual", "total gap"]
    assert wf.y[-1] == pytest.approx(110.0)
    assert sum(wf.y[:-1]) == pytest.approx(110.0)
    assert "policy accounts for 60" in charts[0].reading
    assert_offline(report(ex, tmp_path / "why.html").read_text(encoding="utf-8"))


def test_unknown_object_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="cannot report"):
        report(object(), tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_report_html_title(result):
    html = report_html(result, title="My run")
    assert "<title>My run</title>" in html


def test_maybe_report(result, tmp_path):
    from rainforest.cli.report_option import maybe_report

    assert maybe_report(result, None) is None
    out = maybe_report(result, tmp_path / "r.html")
    assert out is not None and out.stat().st_size > 100_000


# -- estimators -----------------------------------------------------------------------------
def test_kaplan_meier_simple():
    # four firms: failures at ages 1 and 3, one censored at 2, one alive at 4
    _, ys = kaplan_meier(
        np.array([1, 2, 3, 4.0]), np.array([True, False, True, False]), min_at_risk=1
    )
    assert ys[0] == 1.0
    assert ys[1] == pytest.approx(0.75)  # 1 of 4 at risk failed
    assert ys[2] == pytest.approx(0.75 * 0.5)  # 1 of 2 at risk failed at 3


def test_ccdf_and_zipf_tail():
    rng = np.random.default_rng(3)
    sizes = np.floor(1.0 / rng.random(20000)).astype(float)  # P(S >= s) ~ 1/s
    s, p = ccdf(sizes)
    assert p[0] == pytest.approx(1.0)
    assert np.all(np.diff(p) <= 0)
    assert tail_exponent(s, p, s_min=2) == pytest.approx(1.0, abs=0.15)


def test_whatif_validation_and_plain_tables(tmp_path):
    validation = SimpleNamespace(
        table=pd.DataFrame(
            {
                "regularity": ["survival to 1 year", "firm-size tail exponent"],
                "published": [0.8, 1.0],
                "low": [0.7, 0.8],
                "high": [0.9, 1.2],
                "model": [0.85, 1.5],
                "model_lo": [0.8, 1.3],
                "model_hi": [0.9, 1.7],
                "inside": [True, False],
            }
        )
    )
    whatif = SimpleNamespace(
        changes={"regions.x.policy.sandbox": 0.5},
        table=pd.DataFrame(
            {
                "outcome": ["foundings", "unicorns"],
                "year": [pd.NA, pd.NA],
                "baseline": [100.0, 2.0],
                "difference": [20.0, 0.0],
                "lo": [10.0, -1.0],
                "hi": [30.0, 1.0],
                "relative": [0.2, 0.0],
            }
        ),
    )
    plain = SimpleNamespace(numbers=pd.DataFrame({"a": [1.5, 2.5]}))
    assert kind_of(validation) == "validation"
    assert kind_of(whatif) == "whatif"
    assert kind_of(plain) == "tables"
    v = assert_charts_complete(build_sections(validation))
    assert v[0].reading.startswith("1 of 2 regularities")
    w = assert_charts_complete(build_sections(whatif))
    assert "foundings: 20%" in w[0].reading
    for obj, name in ((validation, "v"), (whatif, "w"), (plain, "p")):
        html = report(obj, tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert "<table" in html
