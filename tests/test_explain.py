"""Explain (issue 7): lever groups, Shapley attribution, best moves, what-if and the CLI."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from rainforest.cli import app
from rainforest.experiments import replicate_seeds
from rainforest.explain import (
    BUILTIN_GROUPS,
    ExplainError,
    LeverGroup,
    Transplanter,
    exact_shapley,
    explain,
    load_groups,
    permutation_shapley,
    resolve_groups,
    resolve_outcome,
    sample_permutations,
    whatif,
)
from rainforest.explain.outcomes import ai_foundings, grassroots_ai_foundings, high_growth
from rainforest.explain.shapley import permutation_coalitions
from rainforest.scenario import get_value, load_scenario

# -- Shapley values of known games ------------------------------------------------------------


def game_from(fn, n: int) -> np.ndarray:
    """A game as an array over masks from ``fn(set of players)``."""
    return np.array([fn({i for i in range(n) if m >> i & 1}) for m in range(1 << n)], dtype=float)


def test_glove_game_textbook_values():
    # player 0 holds a left glove, players 1 and 2 a right one; a pair is worth 1
    v = game_from(lambda s: float(0 in s and bool(s & {1, 2})), 3)
    np.testing.assert_allclose(exact_shapley(v), [2 / 3, 1 / 6, 1 / 6], atol=1e-12)


def test_majority_game_and_dummy_player():
    # weighted voting [quota 3; 2, 1, 1, 0]: player 3 is a dummy and gets nothing
    weights = [2, 1, 1, 0]
    v = game_from(lambda s: float(sum(weights[i] for i in s) >= 3), 4)
    np.testing.assert_allclose(exact_shapley(v), [2 / 3, 1 / 6, 1 / 6, 0.0], atol=1e-12)


def test_exact_shapley_is_efficient_per_replicate():
    rng = np.random.default_rng(5)
    v = rng.normal(size=(1 << 5, 7)) * 100  # 5 players, 7 replicates, arbitrary game
    phi = exact_shapley(v)
    assert phi.shape == (5, 7)
    np.testing.assert_allclose(phi.sum(axis=0), v[-1] - v[0], rtol=1e-12, atol=1e-9)


def test_permutation_estimator_converges_to_exact_on_six_players():
    rng = np.random.default_rng(11)
    n = 6
    v = rng.normal(size=1 << n)
    # add strong interactions so the game is far from additive
    v += game_from(lambda s: 3.0 * (0 in s and 1 in s) - 2.0 * (2 in s and 3 in s and 4 in s), n)
    exact = exact_shapley(v)
    every = np.array(list(itertools.permutations(range(n))))
    np.testing.assert_allclose(permutation_shapley(lambda m: v[m], every), exact, atol=1e-12)
    errs = []
    for m in (50, 5000):
        perms = sample_permutations(n, m, np.random.default_rng(3))
        est = permutation_shapley(lambda mask: v[mask], perms)
        assert est.sum() == pytest.approx(v[-1] - v[0], abs=1e-12)  # efficient for any m
        errs.append(np.abs(est - exact).max())
    assert errs[1] < 0.05
    assert errs[1] < errs[0]


def test_permutation_coalitions_are_prefixes():
    perms = np.array([[2, 0, 1], [0, 1, 2]])
    assert permutation_coalitions(perms) == sorted({0, 0b100, 0b101, 0b111, 0b001, 0b011})


# -- explain with an injected game ----------------------------------------------------------

EFFECTS = {
    "culture": 40.0,
    "capital": 25.0,
    "services": 10.0,
    "subsidies_land": 5.0,
    "data_compute": -3.0,
    "knowledge": 12.0,
    "anchors": 30.0,
}


def additive(arms, runs, root):
    """B's value plus each adopted group's effect; replicate luck shared by all arms (CRN)."""
    luck = np.random.default_rng(root).normal(0, 7, size=runs)
    out = []
    for arm in arms:
        if arm.coalition is None:  # A itself
            out.append(200.0 + luck)
        else:
            out.append(50.0 + luck + sum(EFFECTS[g] for g in arm.coalition))
    return np.array(out)


def interacting(arms, runs, root):
    """A non-additive game with replicate-specific effects: culture x capital complement."""
    rng = np.random.default_rng(root)
    scale = rng.uniform(0.5, 1.5, size=runs)
    out = []
    for arm in arms:
        c = arm.coalition if arm.coalition is not None else frozenset(EFFECTS)
        val = sum(EFFECTS[g] for g in c) + 60.0 * ("culture" in c and "capital" in c)
        val -= 15.0 * ("services" in c and "subsidies_land" in c and "anchors" not in c)
        out.append(scale * val + (0.0 if arm.coalition is not None else 77.0))
    return np.array(out)


def test_additive_toy_is_recovered_exactly():
    e = explain("hangzhou", vs="zhangjiang", runs=5, evaluate=additive)
    got = e.attribution.set_index("group")["value"]
    for g, eff in EFFECTS.items():
        assert got[g] == pytest.approx(eff, abs=1e-9)
        np.testing.assert_allclose(e.per_replicate[g], eff, atol=1e-9)
    assert e.total_gap == pytest.approx(sum(EFFECTS.values()))
    moves = e.best_moves.set_index("group")["value"]
    for g, eff in EFFECTS.items():
        assert moves[g] == pytest.approx(eff, abs=1e-9)
    assert e.best_moves["group"].iloc[0] == "culture"
    assert e.ranking()[:3] == ["culture", "anchors", "capital"]
    ends = e.endpoints.set_index("endpoint")["value"]
    assert e.structural_gap == pytest.approx(ends["a"] - ends["b_with_a_levers"])
    assert e.raw_gap == pytest.approx(ends["a"] - ends["b"])
    assert e.method == "exact"
    assert len(e.coalitions) == 2**7 * 5
    assert e.seeds == replicate_seeds(0, 5)


def test_attributions_sum_to_the_gap_on_every_replicate():
    e = explain("hangzhou", vs="zhangjiang", runs=6, seed=3, evaluate=interacting)
    groups = [g.name for g in e.groups]
    per_rep = e.per_replicate
    np.testing.assert_allclose(per_rep[groups].sum(axis=1), per_rep["gap"], rtol=1e-12)
    c = e.coalitions
    full = c[c["mask"] == c["mask"].max()].set_index("replicate")["value"]
    none = c[c["mask"] == 0].set_index("replicate")["value"]
    np.testing.assert_allclose(per_rep["gap"], (full - none).to_numpy(), rtol=1e-12)
    assert e.attribution["value"].sum() == pytest.approx(e.total_gap, rel=1e-12)
    assert e.attribution["share"].sum() == pytest.approx(1.0, rel=1e-9)
    # the complementary pair splits its interaction (60 x mean scale) equally
    att = e.attribution.set_index("group")["value"]
    scale = e.best_moves.set_index("group")["value"]["culture"] / EFFECTS["culture"]
    assert att["culture"] == pytest.approx(scale * (EFFECTS["culture"] + 30.0), rel=1e-9)
    assert att["capital"] == pytest.approx(scale * (EFFECTS["capital"] + 30.0), rel=1e-9)
    assert (e.attribution["lo"] <= e.attribution["value"] + 1e-9).all()
    assert (e.attribution["hi"] >= e.attribution["value"] - 1e-9).all()


def test_many_groups_use_permutation_sampling_and_stay_efficient():
    names = [
        "culture",
        "capital",
        "services",
        "subsidies_land",
        "data_compute",
        "knowledge",
        "anchors",
        "density",
        "costs",
    ]
    eff = dict(EFFECTS, density=7.0, costs=-2.0)

    def toy(arms, runs, root):
        return np.array(
            [[sum(eff[g] for g in (a.coalition or ()))] * runs for a in arms], dtype=float
        )

    e = explain("hangzhou", vs="zhangjiang", runs=2, groups=names, evaluate=toy, permutations=8)
    assert e.method == "permutation"
    assert e.coalitions["mask"].nunique() < 2**9
    got = e.attribution.set_index("group")["value"]
    for g in names:  # sampling is exact for an additive game
        assert got[g] == pytest.approx(eff[g], abs=1e-9)
    assert got.sum() == pytest.approx(sum(eff.values()), abs=1e-9)


# -- lever groups -----------------------------------------------------------------------------


def test_transplant_copies_fields_lists_and_density():
    hz, zj = load_scenario("hangzhou"), load_scenario("zhangjiang")
    groups = [BUILTIN_GROUPS[n] for n in ("services", "anchors", "density", "capital")]
    t = Transplanter(zj, "zhangjiang", hz, "hangzhou", groups)
    sc = t(["services", "anchors", "density"])
    r, h, z = sc.regions["zhangjiang"], hz.regions["hangzhou"], zj.regions["zhangjiang"]
    assert r.policy.service_latency_days == h.policy.service_latency_days
    assert r.policy.sandbox == h.policy.sandbox
    assert r.policy.open_data == z.policy.open_data  # not in the groups
    assert [a.name for a in r.anchors] == [a.name for a in h.anchors]
    assert r.investors == z.investors
    assert r.population == z.population
    assert r.population / r.area_km2 == pytest.approx(h.population / h.area_km2)
    assert r.third_places_per_km2 == h.third_places_per_km2
    assert t([]).regions["zhangjiang"] == z


def test_user_groups_from_toml(tmp_path):
    path = tmp_path / "groups.toml"
    path.write_text(
        'builtin = ["culture"]\n'
        "[groups.speed]\n"
        'description = "How fast the state answers"\n'
        'paths = ["policy.service_latency_days", "policy.registration_days"]\n'
        "[groups.money]\n"
        'label = "money for founders"\n'
        'paths = ["policy.rd_subsidy_share", "investors"]\n',
        encoding="utf-8",
    )
    groups = load_groups(path)
    assert [g.name for g in groups] == ["culture", "speed", "money"]
    assert groups[2].label == "money for founders"
    assert groups[1].description == "How fast the state answers"
    e = explain("hangzhou", vs="zhangjiang", runs=2, groups=path, evaluate=additive_by_name)
    assert set(e.attribution["group"]) == {"culture", "speed", "money"}
    assert len(e.coalitions) == 2**3 * 2


def additive_by_name(arms, runs, root):
    eff = {"culture": 3.0, "speed": 2.0, "money": 1.0}
    return np.array([[sum(eff[g] for g in (a.coalition or ()))] * runs for a in arms])


def test_bad_group_paths_are_named():
    bad = LeverGroup("oops", ("policy.sandbx",))
    with pytest.raises(ExplainError, match=r"group 'oops'.*policy\.sandbx"):
        explain("hangzhou", vs="zhangjiang", groups=[bad], evaluate=additive)
    with pytest.raises(ExplainError, match="overlap"):
        Transplanter(
            load_scenario("zhangjiang"),
            "zhangjiang",
            load_scenario("hangzhou"),
            "hangzhou",
            [LeverGroup("a", ("policy",)), LeverGroup("b", ("policy.sandbox",))],
        )
    with pytest.raises(ExplainError, match="unknown lever group 'cultur'"):
        resolve_groups(["cultur"])
    with pytest.raises(ExplainError, match="paths"):
        LeverGroup("empty", ())


def test_bad_groups_file(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text("[groups.x]\npath = ['wage']\n", encoding="utf-8")
    with pytest.raises(ExplainError, match=r"g\.toml: groups\.x: unknown key"):
        load_groups(path)


# -- outcomes, what-if and the real simulator -----------------------------------------------


def test_builtin_outcomes_from_a_run():
    from rainforest.api import simulate

    res = simulate("hangzhou", years=2, seed=1, scale=200)
    ai = ai_foundings(res, "hangzhou", 2)
    grass = grassroots_ai_foundings(res, "hangzhou", 2)
    assert ai.shape == grass.shape == (2,)
    assert (grass <= ai).all()
    assert ai.sum() <= res.metrics["foundings"].sum()
    assert high_growth(res, None, 2).shape == (2,)
    f = resolve_outcome("foundings")
    assert f.total(f.yearly(res, "hangzhou", 2)) == res.metrics["foundings"].sum()
    alive = resolve_outcome("startups_alive")
    assert alive.agg == "last"
    with pytest.raises(ExplainError, match="unknown outcome"):
        resolve_outcome("foundingz")


def test_whatif_no_change_is_exactly_zero_and_a_change_is_paired():
    zj = load_scenario("zhangjiang")
    same = get_value(zj, "regions.zhangjiang.policy.sandbox")
    kw = dict(runs=2, years=1, scale=400, executor="sequential", outcomes=["foundings", "patents"])
    w = whatif(zj, set={"regions.zhangjiang.policy.sandbox": same}, **kw)
    assert (w.table["difference"] == 0).all()
    assert set(w.table["outcome"]) == {"foundings", "patents"}
    assert w.overall()["year"].isna().all() and len(w.overall()) == 2
    assert w.by_year()["year"].tolist() == [0, 0]
    w2 = whatif(zj, set={"regions.zhangjiang.culture.failure_tolerance": 0.9}, **kw)
    row = w2.per_run[w2.per_run["year"].isna()]
    np.testing.assert_allclose(row["difference"], row["changed"] - row["baseline"])
    with pytest.raises(ExplainError, match="no field"):
        whatif(zj, set={"regions.zhangjiang.policy.sandbx": 1.0}, **kw)


def test_explain_simulates_with_common_seeds_and_resumes_from_the_store(tmp_path):
    kw = dict(
        groups=["services"],
        runs=2,
        years=1,
        scale=400,
        executor="sequential",
        outcome="foundings",
        store=tmp_path / "runs.duckdb",
    )
    e = explain("hangzhou", vs="zhangjiang", **kw)
    from rainforest.api import simulate

    seeds = replicate_seeds(0, 2)
    b = [
        simulate("zhangjiang", years=1, seed=s, scale=400).metrics["foundings"].sum() for s in seeds
    ]
    none = e.coalitions[e.coalitions["mask"] == 0]["value"].to_numpy()
    np.testing.assert_allclose(none, b)
    assert (e.executed, e.reused) == (3 * 2, 0)
    again = explain("hangzhou", vs="zhangjiang", **kw)
    assert (again.executed, again.reused) == (0, 3 * 2)
    np.testing.assert_array_equal(again.coalitions["value"], e.coalitions["value"])
    assert again.experiment_id == e.experiment_id


# -- CLI --------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_explain_and_whatif_smoke(tmp_path):
    res = runner.invoke(
        app,
        [
            "explain",
            "hangzhou",
            "--vs",
            "zhangjiang",
            "--years",
            "1",
            "--runs",
            "2",
            "--scale",
            "400",
            "--groups",
            "services,culture",
            "--workers",
            "1",
            "--outcome",
            "foundings",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "government services" in res.output
    assert "Best single moves" in res.output
    assert (tmp_path / "x" / "attribution.parquet").exists()
    res = runner.invoke(
        app,
        [
            "whatif",
            "zhangjiang",
            "--set",
            "regions.zhangjiang.policy.sandbox=0.8",
            "--runs",
            "2",
            "--years",
            "1",
            "--scale",
            "400",
            "--workers",
            "1",
            "-o",
            "unicorns",
        ],
    )
    assert res.exit_code == 0, res.output
    # -o is --outcome here (not --out): only the outcome asked for is reported
    assert "unicorns" in res.output and "foundings" not in res.output


def test_cli_errors_are_one_line():
    res = runner.invoke(
        app, ["explain", "hangzhou", "--vs", "zhangjiang", "--groups", "cultur", "--workers", "1"]
    )
    assert res.exit_code == 2
    assert "unknown lever group" in res.output
    res = runner.invoke(app, ["whatif", "zhangjiang", "--set", "nonsense", "--workers", "1"])
    assert res.exit_code == 2
    assert "PATH=VALUE" in res.output


# -- stability of the real answer (slow) -----------------------------------------------------


#: The default explanation's top three with seed root 101 (`rainforest explain hangzhou --vs
#: zhangjiang --seed 101`, 2026-11-30, the first edition: anchors 31%, culture 29%, knowledge
#: institutions 27%, capital 17%). Recorded rather than recomputed here: one default explanation
#: is 516 ten-year runs (about 6 CPU-minutes), and the suite has to stay within 15 minutes on
#: two cores. Re-record it (and the README) when the default model changes.
TOP_THREE_ROOT_101 = {"anchors", "culture", "knowledge"}


@pytest.mark.slow
def test_explain_top_three_is_stable_across_seed_roots():
    """A default explanation with another seed root names the same top three groups as the
    one recorded with root 101, and its groups sum to its gap replicate by replicate."""
    e = explain("hangzhou", vs="zhangjiang", seed=202)
    groups = [g.name for g in e.groups]
    np.testing.assert_allclose(
        e.per_replicate[groups].sum(axis=1), e.per_replicate["gap"], rtol=1e-9
    )
    assert e.total_gap > 0
    assert set(e.ranking()[:3]) == TOP_THREE_ROOT_101, e.attribution
    assert not math.isnan(e.total_gap_lo)
