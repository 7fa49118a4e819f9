"""Shipped presets: they load, every value has a source, seed quotes are real, the CLI works.

The seed essays live outside the package, in ``shared/seeds`` beside the repository; the check
that a quoted Chinese phrase occurs in its seed file is skipped when that folder is absent.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rainforest.cli import app
from rainforest.cli.app import console, err_console
from rainforest.scenario import load_scenario, preset_names, preset_text, scenario_hash
from rainforest.scenario.provenance import (
    DEFAULT_SOURCE,
    check_preset,
    check_sources,
    explicit_paths,
    iter_leaves,
    opinion_as_fact,
    phrase_occurs,
    provenance_table,
    seed_citations,
    source_kind,
)
from rainforest.scenario.schema import default_domains

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

ARCHETYPES = [
    "university-led",
    "science-facility",
    "anchor-platform",
    "government-cultivated",
    "market-driven",
]
PLACES = [
    "silicon-valley",
    "cerebral-valley",
    "caohejing",
    "zhangjiang",
    "hangzhou",
    "shenzhen",
    "hefei",
    "nanjing",
    "kendall-square",
    "oxford",
    "research-triangle",
    "tsukuba",
    "eindhoven",
    "south-lake-union",
    "detroit",
    "one-north",
    "east-london",
    "austin",
]
ALL = ARCHETYPES + PLACES
SOURCE_PREFIX = re.compile(r"^(seed \d{3}: |ai-opinion: seed \d{3}: |public: |assumed: |fitted: )")


def _seed_texts() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("[0-9]*.txt"))}


def region(name: str):
    return load_scenario(name).regions[name.replace("-", "_")]


# --- every preset ------------------------------------------------------------------------------


NETWORKS = ["yangtze-delta", "greater-bay-area", "us-network"]


def test_shipped_names_are_exactly_the_expected_ones():
    assert sorted(preset_names()) == sorted(ALL + NETWORKS)


@pytest.mark.parametrize("name", NETWORKS)
def test_network_presets_load_with_sources_and_distances(name):
    sc = load_scenario(name)
    assert len(sc.regions) >= 3
    n = len(sc.regions)
    assert len(sc.distances_km) == n * (n - 1) // 2
    assert check_preset(name).ok, check_preset(name).problems()


@pytest.mark.parametrize("name", ALL)
def test_preset_loads_with_one_region_named_after_it(name):
    sc = load_scenario(name)
    assert sc.name == name
    assert list(sc.regions) == [name.replace("-", "_")]
    assert sc.description
    assert sc.warmup_years > 0
    simulated = sum(r.population for r in sc.regions.values()) / sc.scale
    assert 20_000 <= simulated <= 60_000, f"{name}: {simulated:.0f} simulated people"


@pytest.mark.parametrize("name", ALL)
def test_every_set_value_has_a_source_and_every_source_names_a_field(name):
    result = check_preset(name)
    assert result.ok, "\n".join(result.problems())


@pytest.mark.parametrize("name", ALL)
def test_sources_start_with_a_known_kind(name):
    sc = load_scenario(name)
    assert sc.sources
    bad = {k: v for k, v in sc.sources.items() if not SOURCE_PREFIX.match(v)}
    assert not bad


@pytest.mark.parametrize("name", ALL)
def test_seed_sources_quote_a_real_seed(name):
    sc = load_scenario(name)
    texts = _seed_texts() if SEEDS.is_dir() else None
    for key, src in sc.sources.items():
        cites = seed_citations(src)
        if src.startswith("seed "):
            assert cites, f"{key}: a seed source needs 'seed NNN: <phrase> — <gloss>': {src!r}"
        for num, phrase in cites:
            assert "000" <= num <= "004", f"{key}: no seed {num}"
            assert re.search(r"[\u4e00-\u9fff]", phrase), f"{key}: quote no Chinese: {phrase!r}"
            if texts is None:
                continue
            assert num in texts, f"{key}: no seed file {num}_*.txt in {SEEDS}"
            assert phrase_occurs(phrase, texts[num]), f"{key}: {phrase!r} not in seed {num}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed essays not available")
def test_seed_folder_has_the_five_essays():
    assert sorted(_seed_texts()) == ["000", "001", "002", "003", "004"]


def test_phrase_matching_understands_elisions():
    text = "张江的国有资本(如浦东科创集团)偏好中后期项目"
    assert phrase_occurs("国有资本…偏好中后期项目", text)
    assert not phrase_occurs("偏好中后期项目…国有资本", text)
    assert seed_citations("seed 003: 跑了3个月才盖章 — three months") == [
        ("003", "跑了3个月才盖章")
    ]


# --- the seeds' figures and contrasts are parameters -------------------------------------------


def test_hangzhou_policy_figures_from_the_seeds():
    hz = region("hangzhou")
    assert hz.policy.rd_subsidy_share == 0.3
    assert hz.policy.service_latency_days == 15
    assert hz.policy.land_price_factor == 0.2
    assert (hz.policy.rent_subsidy_share, hz.policy.rent_subsidy_months) == (1.0, 36)
    assert hz.policy.grant_max == 20
    zju = next(u for u in hz.universities if u.name == "Zhejiang University")
    assert zju.conversion_rate == 0.38
    alibaba = next(a for a in hz.anchors if a.name == "Alibaba")
    assert alibaba.platform_services > 0


def test_hangzhou_and_zhangjiang_differ_in_the_seed_levers():
    hz, zj = region("hangzhou"), region("zhangjiang")
    assert zj.policy.service_latency_days == 90
    assert zj.policy.liability_exemption == 0 < hz.policy.liability_exemption
    assert zj.policy.sandbox == 0 < hz.policy.sandbox
    assert zj.policy.open_data < hz.policy.open_data
    assert zj.policy.state_preference > hz.policy.state_preference
    assert zj.culture.credential_preference > hz.culture.credential_preference
    assert zj.culture.failure_tolerance < hz.culture.failure_tolerance
    state = next(p for p in zj.investors if p.kind == "state")
    assert state.stage_preference["late"] > state.stage_preference["seed"]
    assert state.credential_weight > 0 and state.rescue
    assert max(p.patience for p in hz.investors) > max(p.patience for p in zj.investors)
    assert any(a.state_linked for a in zj.anchors)


def test_nanjing_conversion_and_hefei_state_capital():
    seu = next(u for u in region("nanjing").universities if u.name == "Southeast University")
    assert seu.conversion_rate == 0.11
    hf = region("hefei")
    state = next(p for p in hf.investors if p.kind == "state")
    others = [p for p in hf.investors if p.kind != "state"]
    assert state.dry_powder > max(p.dry_powder for p in others)
    assert state.stage_preference["late"] > state.stage_preference["early"]


def test_caohejing_initial_state_matches_seed_000():
    cao = region("caohejing")
    assert (cao.area_km2, cao.population, cao.under35_share) == (6, 300_000, 0.8)
    assert cao.initial_firms + len(cao.anchors) == 15_500
    assert cao.initial_listed + sum(a.listed for a in cao.anchors) == 12 * 6
    assert cao.initial_patent_stock == pytest.approx(498 * 30)
    # output per worker is no per-place knob: the region's productivity is left empty and
    # comes from the global output-per-wage ratio (fitted jointly, docs/calibration.md)
    assert cao.productivity is None
    games = [a for a in cao.anchors if a.domain == "games"]
    assert len(games) >= 4 and all(a.spinout_rate > 0.0005 for a in games)


def test_tsukuba_represents_49_national_laboratories():
    labs = region("tsukuba").facilities
    named = [f for f in labs if "(45)" not in f.name]
    assert len(named) + 45 == 49


def test_costs_and_taxes_follow_seed_001():
    assert region("austin").tax_rate < region("silicon-valley").tax_rate
    housing = {n: region(n).housing_cost for n in PLACES}
    assert housing["cerebral-valley"] == max(housing.values())


def test_detroit_has_one_dominant_anchor():
    det = region("detroit")
    assert len(det.anchors) == 1
    assert det.anchors[0].employees > 0.3 * det.population


def test_shenzhen_supply_chain_and_tempo_and_restated_domains_match_defaults():
    sc = load_scenario("shenzhen")
    chains = {n: region(n).supply_chain for n in PLACES}
    assert chains["shenzhen"] == max(chains.values())
    defaults = {d.name: d for d in default_domains()}
    assert [d.name for d in sc.domains] == list(defaults)
    robot = next(d for d in sc.domains if d.name == "robotics")
    assert robot.time_to_market < defaults["robotics"].time_to_market
    # values the preset says it restates from default_domains() must still equal them
    for d in sc.domains:
        for key in type(d).model_fields:
            src = sc.sources.get(f"domains.{d.name}.{key}", "")
            if "default_domains()" in src:
                assert getattr(d, key) == getattr(defaults[d.name], key), (
                    f"shenzhen.toml: domains.{d.name}.{key} no longer equals default_domains(); "
                    "update the restated value"
                )


@pytest.mark.parametrize("name", preset_names())
def test_no_preset_cites_seed_003_an_ai_answer_as_a_fact(name):
    # seed 003 is DeepSeek's answer (这是DeepSeek给出的答案): an opinion to test, never a fact
    sc = load_scenario(name)
    as_fact = {k: v for k, v in sc.sources.items() if opinion_as_fact(v)}
    assert not as_fact, f"{name} cites seed 003 without 'ai-opinion:': {sorted(as_fact)}"
    assert check_preset(name).opinion_as_fact == []


def test_seed_003_is_cited_only_as_ai_opinion():
    sc = load_scenario("zhangjiang")
    src = sc.sources["regions.zhangjiang.policy.service_latency_days"]
    assert src.startswith("ai-opinion: seed 003: 跑了3个月才盖章")
    assert source_kind(src) == "ai-opinion"
    assert seed_citations(src) == [("003", "跑了3个月才盖章")]  # still a checked quote
    assert source_kind(sc.sources["regions.zhangjiang.policy.sandbox"]) == "seed"
    raw = tomllib.loads(preset_text("zhangjiang"))
    raw["sources"]["regions.zhangjiang.policy.service_latency_days"] = src.removeprefix(
        "ai-opinion: "
    )
    result = check_sources(raw)
    assert result.opinion_as_fact == ["regions.zhangjiang.policy.service_latency_days"]
    assert not result.ok and "AI model's answer" in result.problems()[-1]


# --- provenance API ----------------------------------------------------------------------------


def test_provenance_table_has_one_row_per_leaf_with_units_and_sources():
    sc = load_scenario("hangzhou")
    df = provenance_table(sc)
    assert list(df.columns) == ["path", "value", "unit", "description", "source"]
    assert len(df) == len(iter_leaves(sc)) == df["path"].nunique()
    row = df.set_index("path").loc["regions.hangzhou.policy.rd_subsidy_share"]
    assert row["value"] == 0.3 and row["unit"] == "share"
    assert row["source"].startswith("seed 004: 政府直接补贴30%的研发费用")
    assert df.set_index("path").loc["regions.hangzhou.area_km2", "unit"] == "km²"
    ipo = df.set_index("path").loc["mechanisms.exits.ipo_probability", "source"]
    assert ipo == DEFAULT_SOURCE
    # mapping entries and list-item names are covered by the mapping's or item's source
    paths = df.set_index("path")
    assert paths.loc["regions.hangzhou.skill_mix.tech", "source"] != DEFAULT_SOURCE
    assert paths.loc["regions.hangzhou.anchors.Alibaba.name", "source"] != DEFAULT_SOURCE
    assert paths.loc["regions.hangzhou.investors.0.kind", "source"] != DEFAULT_SOURCE


def test_provenance_table_marks_explicit_values():
    raw = tomllib.loads(preset_text("oxford"))
    df = provenance_table(load_scenario("oxford"), explicit=explicit_paths(raw))
    explicit = set(df.loc[df["explicit"], "path"])
    assert "regions.oxford.area_km2" in explicit
    assert "mechanisms.capital.seed_cheque" not in explicit


def test_check_sources_finds_missing_unknown_stale_and_malformed():
    raw = tomllib.loads(preset_text("hangzhou"))
    del raw["sources"]["regions.hangzhou.policy.sandbox"]
    raw["sources"]["regions.hangzhou.policy.sandbx"] = "assumed: typo"
    raw["sources"]["regions.hangzhou.policy.open_data"] = "someone said so"
    raw["sources"]["mechanisms.capital.seed_cheque"] = "assumed: not set in the file"
    result = check_sources(raw)
    assert not result.ok
    assert result.missing == ["regions.hangzhou.policy.sandbox"]
    assert result.unknown == ["regions.hangzhou.policy.sandbx"]
    assert result.unset == ["mechanisms.capital.seed_cheque"]
    assert result.malformed == ["regions.hangzhou.policy.open_data"]
    assert len(result.problems()) == 4


# --- CLI ---------------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Rich wraps long paths at the default 80 columns; tests read whole lines."""
    monkeypatch.setattr(console, "width", 400)
    monkeypatch.setattr(err_console, "width", 400)


def test_cli_list_shows_every_preset():
    result = runner.invoke(app, ["presets", "list"])
    assert result.exit_code == 0, result.output
    for name in ALL:
        assert name in result.output
    assert "300,000" in result.output  # Caohejing's population


def test_cli_show_set_values_and_all_fields():
    result = runner.invoke(app, ["presets", "show", "hangzhou"])
    assert result.exit_code == 0, result.output
    # brief: fields under their region, the kind of source, no quotes
    assert "region hangzhou · policy" in result.output
    assert "rd_subsidy_share" in result.output
    assert "seed 004" in result.output
    assert "政府直接补贴30%的研发费用" not in result.output
    assert "--sources" in result.output
    assert "ipo_probability" not in result.output
    cited = runner.invoke(app, ["presets", "show", "hangzhou", "--sources"])
    assert cited.exit_code == 0, cited.output
    # each citation once, as a numbered note under the table
    assert cited.output.count("政府直接补贴30%的研发费用") == 1
    assert "[1] " in cited.output
    full = runner.invoke(app, ["presets", "show", "hangzhou", "--all"])
    assert full.exit_code == 0, full.output
    assert "mechanisms · exits" in full.output and "ipo_probability" in full.output
    assert "model default" in full.output
    assert len(full.output.splitlines()) > len(result.output.splitlines())


def test_cli_presets_fit_80_columns(monkeypatch):
    monkeypatch.setattr(console, "width", 80)
    listed = runner.invoke(app, ["presets", "list"])
    assert listed.exit_code == 0, listed.output
    assert max(len(line) for line in listed.output.splitlines()) <= 80
    for name in ALL:  # whole names, never cut with an ellipsis
        assert re.search(rf"(^|\s){re.escape(name)}(\s|$)", listed.output, re.M), name
    assert "杭州" in listed.output and "Hangzhou." in listed.output and "Places" in listed.output
    shown = runner.invoke(app, ["presets", "show", "caohejing"])
    assert shown.exit_code == 0, shown.output
    assert max(len(line) for line in shown.output.splitlines()) <= 80
    # brief: at most a few lines per value, not a page of repeated quotes
    assert len(shown.output.splitlines()) < 260


def test_cli_did_you_mean_for_presets():
    result = runner.invoke(app, ["presets", "show", "hangzou"])
    assert result.exit_code == 2
    assert "did you mean 'hangzhou'?" in result.output


def test_cli_unknown_preset_lists_the_available_ones():
    for args in (["show", "no-such-place"], ["export", "no-such-place", "x.toml"]):
        result = runner.invoke(app, ["presets", *args])
        assert result.exit_code == 2
        assert "unknown preset 'no-such-place'" in result.output
        assert "hangzhou" in result.output


def test_cli_export_round_trips_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "hz.toml"
    result = runner.invoke(app, ["presets", "export", "hangzhou", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == preset_text("hangzhou")
    exported, shipped = load_scenario(target), load_scenario("hangzhou")
    assert exported == shipped
    assert scenario_hash(exported) == scenario_hash(shipped)
    assert check_preset(target).ok

    target.write_text("# edited\n", encoding="utf-8")
    again = runner.invoke(app, ["presets", "export", "hangzhou", str(target)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert target.read_text(encoding="utf-8") == "# edited\n"
    forced = runner.invoke(app, ["presets", "export", "hangzhou", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert load_scenario(target) == shipped


def test_cli_export_into_a_folder_then_show_and_check_the_file(tmp_path):
    result = runner.invoke(app, ["presets", "export", "caohejing", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "caohejing.toml"
    assert load_scenario(path) == load_scenario("caohejing")
    shown = runner.invoke(app, ["presets", "show", str(path), "--sources"])
    assert shown.exit_code == 0, shown.output
    assert "30多萬高知人才" in shown.output
    checked = runner.invoke(app, ["presets", "check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "ok" in checked.output


def test_cli_check_reports_problems(tmp_path):
    text = preset_text("detroit").replace(
        '"regions.detroit.area_km2" = ', '"regions.detroit.arae" = '
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["presets", "check", str(path)])
    assert result.exit_code == 1
    assert "no source for regions.detroit.area_km2" in result.output
    assert "source names no field: regions.detroit.arae" in result.output
