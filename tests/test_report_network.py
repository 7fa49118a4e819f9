"""Report pieces of issue 17: the network picture (sampled, igraph layout), the wide diagnose
table, survival without warm-up firms, and one formatter for money with its unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rainforest.api import simulate
from rainforest.i18n import use_lang
from rainforest.report import build_sections, graph, report
from rainforest.report._common import money, money_interval
from rainforest.report.survival import founded_during_run
from rainforest.report.tables import wide_indicators

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"


@pytest.fixture(scope="module")
def result():
    return simulate(EXAMPLE, years=2, seed=1, scale=40)


def forest(n_families: int, size: int) -> pd.DataFrame:
    """Families of ``size`` firms each: a root and a chain-and-fan of spin-offs."""
    rows = []
    org = 0
    for f in range(n_families):
        root = org
        rows.append({"org": root, "parent": -1})
        org += 1
        for k in range(1, size):
            rows.append({"org": org, "parent": root if k % 2 else org - 1})
            org += 1
        del f
    df = pd.DataFrame(rows)
    df["kind"] = np.where(df["parent"] < 0, "anchor", "startup")
    df["region"] = "r"
    df["founded"] = 0
    df["exit"] = "none"
    return df


def test_sample_keeps_whole_families_largest_first():
    orgs = pd.concat(
        [forest(1, 250), forest(3, 40).assign(org=lambda d: d["org"] + 1000,
                                               parent=lambda d: d["parent"].where(
                                                   d["parent"] < 0, d["parent"] + 1000))],
        ignore_index=True,
    )  # fmt: skip
    a, b = graph.genealogy_edges(orgs)
    nodes, total = graph.sample_nodes(a, b, max_nodes=300)
    assert total == 250 + 3 * 40 and len(nodes) <= 300
    assert set(range(250)) <= set(nodes.tolist())  # the largest family whole
    # the rest of the room goes to the next family, cut breadth-first: a connected piece
    rest = np.array(sorted(set(nodes.tolist()) - set(range(250))))
    assert len(rest) == 50
    pic = graph.genealogy_picture(orgs)
    inside = set(pic.nodes.tolist())
    kept = [(p, c) for p, c in zip(a, b, strict=True) if p in inside and c in inside]
    assert len(pic.src) == len(kept)  # every parent link among the sampled nodes is drawn
    # Reingold-Tilford: each spin-off sits one level below its parent
    assert np.allclose(pic.y[pic.dst], pic.y[pic.src] - 1.0)


def test_tie_picture_samples_a_neighbourhood():
    rng = np.random.default_rng(0)
    n = 5000
    a = rng.integers(0, n, 20000)
    b = rng.integers(0, n, 20000)
    keep = a != b
    a, b = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    region = (np.arange(n) >= n // 2).astype(int)
    pic = graph.ties_picture(a, b, region, ["west", "east"])
    assert len(pic.nodes) == graph.MAX_NODES and pic.total_nodes > 4000
    assert set(pic.group) <= {"west", "east"} and np.isfinite(pic.x).all()
    again = graph.ties_picture(a, b, region, ["west", "east"])
    assert np.array_equal(pic.x, again.x)  # deterministic layout


def test_genealogy_chart_in_the_result_and_diagnosis_reports(result, tmp_path):
    from rainforest.experiments.diagnosis import diagnose

    chart = graph.genealogy_chart(result)
    a, _ = graph.genealogy_edges(result.orgs)
    if a.size == 0:
        assert chart is None
        return
    assert chart.figure.data[0].mode == "lines"
    d = diagnose(result, reference=None)
    secs = build_sections(d)
    net = next(s for s in secs if s.title == "Networks")
    assert any(getattr(it, "title", "").startswith("Spin-off genealogy") for it in net.items)
    html = report(d, tmp_path / "diag.html").read_text(encoding="utf-8")
    assert "Indicators by district" in html


def test_wide_diagnose_table(result):
    from rainforest.experiments.diagnosis import diagnose

    d = diagnose(result, vs=[result], reference=None)
    long = d.scorecard
    wide = wide_indicators(long)
    districts = long[["scenario", "region"]].drop_duplicates()
    n_ind = long.groupby(["group", "indicator"]).ngroups
    assert len(wide) == n_ind
    assert wide.shape[1] == 3 + len(districts) + 1  # group, indicator, unit, districts, reference
    cells = wide.iloc[:, 3:-1]
    assert int(cells.notna().to_numpy().sum()) == len(long)  # each long row is one cell
    out = wide.set_index("indicator")
    row = out.loc["Output per km² per year"]
    assert row["unit"] == "yuan/km²/yr" and "billion yuan/km²/yr" in row.iloc[2]
    assert not any("M million" in str(v) for v in wide.to_numpy().ravel())


def test_survival_leaves_out_warm_up_firms(result):
    f = founded_during_run(result)
    assert (f["founded"] >= 0).all()
    warm = result.orgs[(result.orgs["founded"] < 0) & (result.orgs["kind"] == "startup")]
    assert len(warm) > 0  # the run had warm-up startups; none of them is counted


def test_one_money_formatter():
    assert money(4.5e6) == "4.5 trillion yuan"
    assert money(4500) == "4.5 billion yuan"
    assert money(12.3) == "12.3 million yuan"
    assert money(0.004) == "4 thousand yuan"
    assert money_interval(4.5e6, 4.1e6, 4.9e6) == "4.5 [4.1, 4.9] trillion yuan"
    with use_lang("zh"):
        assert money(4500) == "45亿元" and money(12.3) == "1,230万元"
