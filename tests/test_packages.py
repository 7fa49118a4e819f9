"""Named policy packages (issue 16): sourced, applicable to any preset, with errors that name
the field; the what-if reports their public cost and the share of a gap they close."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rainforest import packages
from rainforest.cli import app
from rainforest.i18n import package_label
from rainforest.packages import PackageError, apply, changes, load, parse
from rainforest.packages.cost import cost_effectiveness, public_cost, ratio_interval
from rainforest.scenario import get_value, load_scenario, preset_names
from rainforest.scenario.provenance import phrase_occurs, seed_citations
from tests.test_presets import SEEDS, _seed_texts

runner = CliRunner()
REQUIRED = ("shanghai-2025-ai-measures", "hangzhou-2014-push", "hefei-invest-to-attract")


def test_the_required_packages_ship_with_chinese_names():
    assert set(REQUIRED) <= set(packages.names())
    df = packages.list_packages()
    assert set(df.columns) >= {"name", "title", "title_zh", "entries"}
    for name in packages.names():
        assert package_label(name, "zh") != package_label(name, "en"), name
        assert re.search(r"[\u4e00-\u9fff]", load(name).title_zh), name


@pytest.mark.parametrize("name", REQUIRED)
def test_every_entry_is_sourced_and_seed_quotes_are_real(name):
    texts = _seed_texts() if SEEDS.is_dir() else None
    pkg = load(name)
    assert len(pkg.entries) >= 5
    for e in pkg.entries:
        cites = seed_citations(e.source)
        if "seed" in e.source.split(":")[0]:
            assert cites, e
        for num, phrase in cites:
            assert re.search(r"[\u4e00-\u9fff]", phrase), e
            if texts is not None:
                assert phrase_occurs(phrase, texts[num]), f"{e.path}: {phrase!r} not in seed {num}"


@pytest.mark.parametrize("preset", preset_names())
def test_packages_apply_to_every_preset_or_say_why(preset):
    sc = load_scenario(preset)
    region = next(iter(sc.regions))
    for name in REQUIRED:
        try:
            out = apply(sc, name, region=region)
        except PackageError as err:  # e.g. a preset without the sector's domain
            assert name in str(err) and ("sector_domain" in str(err) or "domain" in str(err))
            continue
        assert out.name == f"{sc.name}+{name}"
        for path, value in changes(sc, name, region).items():
            assert get_value(out, path) == value
            assert out.sources[path].split(":")[0] in ("seed 002", "seed 004", "assumed")


def test_relative_operations_never_lower_what_a_place_already_has():
    hz = load_scenario("hangzhou")
    ch = changes(hz, "shanghai-2025-ai-measures")
    # Hangzhou's open data (0.8) is above the package's floor (0.4): left alone
    assert "regions.hangzhou.policy.open_data" not in ch
    zj = changes("zhangjiang", "hangzhou-2014-push")
    assert zj["regions.zhangjiang.policy.land_price_factor"] == 0.2
    assert zj["regions.zhangjiang.policy.service_latency_days"] == 15.0


def _pkg(**entry) -> dict:
    base = {"path": "policy.sandbox", "set": 0.5, "source": "assumed: a test"}
    return {"name": "t", "title": "T", "entry": [{**base, **entry}]}


def test_errors_name_the_package_and_field():
    with pytest.raises(PackageError, match=r"unknown package 'shanghai-2025'.*did you mean"):
        load("shanghai-2025")
    with pytest.raises(PackageError, match=r"policy\.sandbx.*sandbox"):
        changes("zhangjiang", parse(_pkg(path="policy.sandbx")))
    with pytest.raises(PackageError, match="relative to a region"):
        parse(_pkg(path="regions.zhangjiang.policy.sandbox"))
    with pytest.raises(PackageError, match="source must be"):
        parse(_pkg(source="because"))
    with pytest.raises(PackageError, match="ai-opinion"):
        parse(_pkg(source="seed 003: 跑了3个月才盖章 — stamps"))
    with pytest.raises(PackageError, match="exactly one of"):
        parse(_pkg(at_least=0.2))
    with pytest.raises(PackageError, match="sandbox"):
        changes("zhangjiang", parse(_pkg(set=2.0)))
    with pytest.raises(PackageError, match="say which with region="):
        apply("yangtze-delta", "hangzhou-2014-push")
    with pytest.raises(PackageError, match=r"unknown region 'hangzou'.*hangzhou"):
        apply("yangtze-delta", "hangzhou-2014-push", region="hangzou")


@settings(max_examples=40, deadline=None)
@given(
    op=st.sampled_from(["set", "at_least", "at_most", "relative"]),
    value=st.floats(-5, 5, allow_nan=False),
    field=st.sampled_from(["policy.sandbox", "policy.grant_max", "instruments.opc_grant"]),
)
def test_any_entry_gives_a_valid_scenario_or_an_error_naming_the_field(op, value, field):
    pkg = parse(
        {"name": "h", "title": "H", "entry": [{"path": field, op: value, "source": "assumed: x"}]}
    )
    try:
        out = apply("zhangjiang", pkg)
    except PackageError as err:
        assert field.split(".")[-1] in str(err)
        return
    assert get_value(out, f"regions.zhangjiang.{field}") >= 0.0


def test_ratio_interval_is_unbounded_when_the_gain_may_be_nil():
    rng = np.random.default_rng(0)
    r, lo, hi = ratio_interval(np.full(8, 10.0), np.array([1, 2, 1, 2, 1, 2, 1, 2.0]), rng)
    assert r == pytest.approx(10 / 1.5) and lo < r < hi < np.inf
    r, lo, hi = ratio_interval(np.full(8, 10.0), np.array([1, -1, 1, -1, 1, -1, 2, -1.5]), rng)
    assert r > 0 and hi == np.inf
    # a loss on average: no cost per unit at all
    r, lo, hi = ratio_interval(np.full(8, 10.0), np.full(8, -1.0), rng)
    assert np.isnan([r, lo, hi]).all()


def test_cost_effectiveness_from_paired_differences():
    rows = []
    for rep in range(6):
        rows.append(
            {"outcome": "public_spending", "year": pd.NA, "replicate": rep, "difference": 100.0}
        )
        rows.append(
            {"outcome": "foundings", "year": pd.NA, "replicate": rep, "difference": 10.0 + rep}
        )
        rows.append({"outcome": "foundings", "year": 0, "replicate": rep, "difference": 99.0})
    ce = cost_effectiveness(pd.DataFrame(rows))
    row = ce.set_index("outcome").loc["foundings"]
    assert row.cost_per_unit == pytest.approx(100 / 12.5)
    assert row.lo <= row.cost_per_unit <= row.hi and row.n == 6


def test_public_cost_by_instrument_of_a_run():
    import rainforest as rf

    res = rf.simulate(apply("zhangjiang", "shanghai-2025-ai-measures"), years=2, seed=1, scale=40)
    pc = public_cost(res)
    assert pc.iloc[-1]["instrument"] == "public_spending"
    assert pc.iloc[:-1]["total"].sum() == pytest.approx(pc.iloc[-1]["total"])
    assert {"public_vouchers", "public_model_community"} <= set(pc["instrument"])


def test_cli_lists_shows_and_runs_a_package(tmp_path):
    res = runner.invoke(app, ["packages", "list"])
    assert res.exit_code == 0 and "shanghai-2025-ai-measures" in res.stdout
    res = runner.invoke(app, ["packages", "show", "hangzhou-2014-push", "--scenario", "zhangjiang"])
    assert res.exit_code == 0, res.output
    assert "1.0 -> 0.2" in res.stdout and "seed 004" in res.stdout  # land at 1/5 the price
    res = runner.invoke(app, ["packages", "show", "nope"])
    assert res.exit_code == 2 and "unknown package" in res.output
    args = ["whatif", "zhangjiang", "--package", "shanghai-2025-ai-measures", "--vs", "hangzhou"]
    args += ["-n", "2", "--years", "1", "--scale", "80", "--no-store", "--workers", "1"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    for words in ("package shanghai-2025-ai-measures", "Cost to government", "gap to hangzhou"):
        assert words in res.stdout, words
    res = runner.invoke(app, ["whatif", "zhangjiang", "--no-store"])
    assert res.exit_code == 2 and "--package" in res.output


def test_dashboard_lists_packages_and_runs_one(tmp_path):
    from tests.test_web_api import SC, make_client, wait

    with make_client(tmp_path, max_jobs=1) as client:
        pkgs = {p["name"]: p for p in client.get("/api/packages").json()}
        assert set(REQUIRED) <= set(pkgs)
        assert pkgs["hangzhou-2014-push"]["title_zh"] and pkgs["hangzhou-2014-push"]["entries"]
        body = {"scenario": SC, "years": 1, "seed": 3, "scale": 400}
        bad = client.post("/api/jobs", json={**body, "package": "hangzhou-2014-push"})
        assert bad.status_code == 422 and "say which with region=" in bad.text
        ok = client.post(
            "/api/jobs",
            json={**body, "package": "hangzhou-2014-push", "package_region": "campus"},
        )
        assert ok.status_code == 202, ok.text
        assert wait(client, ok.json()["id"])["status"] == "done"
        none = client.post("/api/jobs", json={**body, "package": "no-such-package"})
        assert none.status_code == 422 and "unknown package" in none.text


def test_explain_reports_the_cost_of_each_move():
    from rainforest.explain import explain

    kw = dict(groups=["subsidies_land"], runs=2, years=1, scale=400, executor="sequential")
    e = explain("hangzhou", vs="zhangjiang", outcome="foundings", **kw)
    cost = e.extra["cost"].set_index("move")
    assert {"all", "subsidies_land"} <= set(cost.index)
    # adopting Hangzhou's subsidies and land costs Zhangjiang's government money
    assert cost.loc["subsidies_land", "extra_cost"] > 0
    res = runner.invoke(
        app,
        ["explain", "hangzhou", "--vs", "zhangjiang", "--groups", "subsidies_land", "-n", "2",
         "--years", "1", "--scale", "400", "--no-store", "--outcome", "foundings"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Cost to government of each move" in res.stdout


def test_instruments_and_public_costs_have_chinese_labels():
    from rainforest import i18n, registry
    from rainforest.i18n import zh
    from rainforest.mechanisms.m17_instruments import COSTS, TOTAL
    from rainforest.scenario.schema import Instruments, Learning

    for group, model in (("instruments", Instruments), ("learning", Learning)):
        for name in model.model_fields:
            assert f"{group}.{name}" in zh.LEVERS, f"{group}.{name}"
            assert (
                i18n.lever_label(f"regions.x.{group}.{name}", "zh") == zh.LEVERS[f"{group}.{name}"]
            )
    for name in [*(c[0] for c in COSTS), TOTAL]:
        assert registry.label(name, "zh") != registry.label(name, "en"), name
        assert name in zh.METRICS, name
