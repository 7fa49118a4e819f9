"""Experiments: declarations and their validation, designs, seeds, the runner over every
executor (bit-identical results), ensembles, sweeps, comparisons, sensitivity, calibration,
the EMA adapter and the CLI commands.

Simulations are small (two-districts, 2 years, scale 50: ~0.1 s a run).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import rainforest.experiments as rx
from rainforest.api import simulate
from rainforest.cli import app
from rainforest.experiments import ExperimentError
from rainforest.experiments.outcomes import METRIC_NAMES
from rainforest.experiments.targets import parse_target
from rainforest.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SC = str(ROOT / "examples" / "two-districts.toml")
SMALL = {"years": 2, "scale": 50}
LATENCY = rx.RealParameter("regions.campus.policy.service_latency_days", 0, 180, name="latency")
TOLERANCE = rx.RealParameter("regions.campus.culture.failure_tolerance", 0.2, 0.9, name="tol")
IDS = ["run_id", "point", "replicate", "seed"]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SC)


# -- parameters -------------------------------------------------------------------------------
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)


@given(a=finite, b=finite)
def test_real_parameter_rejects_empty_ranges_naming_the_path(a, b):
    if a < b:
        p = rx.RealParameter("regions.campus.policy.sandbox", a, b)
        assert p.low == a and p.high == b
    else:
        with pytest.raises(ExperimentError, match=r"regions\.campus\.policy\.sandbox.*low"):
            rx.RealParameter("regions.campus.policy.sandbox", a, b)


@given(bad=st.sampled_from([math.nan, math.inf, -math.inf, "1", None, True]))
def test_real_parameter_rejects_non_numbers(bad):
    with pytest.raises(ExperimentError, match=r"x.y"):
        rx.RealParameter("x.y", bad, 1.0)


@given(path=st.sampled_from(["", " ", "a..b", ".a", None, 3]))
def test_parameter_paths_must_be_dotted_strings(path):
    with pytest.raises(ExperimentError, match=r"path|segment"):
        rx.RealParameter(path, 0, 1)


@given(u=st.floats(0, 1), low=st.integers(-50, 50), width=st.integers(1, 50))
def test_from_unit_stays_in_range(u, low, width):
    r = rx.RealParameter("a.b", low, low + width)
    i = rx.IntegerParameter("a.b", low, low + width)
    c = rx.CategoricalParameter("a.b", tuple(range(width + 1)))
    assert r.low <= r.from_unit(u) <= r.high
    assert isinstance(i.from_unit(u), int) and low <= i.from_unit(u) <= low + width
    assert c.from_unit(u) in c.values


def test_integer_parameter_bins_are_equal_width():
    p = rx.IntegerParameter("a.b", 1, 4)
    got = [p.from_unit(u) for u in np.linspace(0, 1, 4001)]
    counts = np.bincount(got)[1:]
    assert list(range(1, 5)) == sorted(set(got))
    assert counts.max() - counts.min() <= 2
    with pytest.raises(ExperimentError, match="integer"):
        rx.IntegerParameter("a.b", 0.5, 3)


@given(values=st.lists(st.integers(0, 3), max_size=4))
def test_categorical_needs_two_distinct_values(values):
    if len(values) >= 2 and len(set(values)) == len(values):
        assert rx.CategoricalParameter("a.b", values).values == tuple(values)
    else:
        with pytest.raises(ExperimentError, match=r"a.b"):
            rx.CategoricalParameter("a.b", values)


def test_check_parameters_against_a_scenario(scenario):
    with pytest.raises(ExperimentError, match=r"regions\.campus\.policy\.nope.*not a field"):
        rx.check_parameters([rx.RealParameter("regions.campus.policy.nope", 0, 1)], scenario)
    with pytest.raises(ExperimentError, match=r"value 2\.0 is invalid"):
        rx.check_parameters([rx.RealParameter("regions.campus.policy.sandbox", 0, 2)], scenario)
    with pytest.raises(ExperimentError, match="table or list"):
        rx.check_parameters([rx.RealParameter("regions.campus.policy", 0, 1)], scenario)
    with pytest.raises(ExperimentError, match="unique"):
        rx.check_parameters([LATENCY, LATENCY], scenario)
    with pytest.raises(ExperimentError, match="at least one"):
        rx.check_parameters([], scenario)
    ok = rx.check_parameters([LATENCY, TOLERANCE], scenario)
    assert [p.label for p in ok] == ["latency", "tol"]


# -- outcomes ---------------------------------------------------------------------------------
def _metrics() -> pd.DataFrame:
    months = np.repeat(np.arange(4), 2)
    return pd.DataFrame(
        {
            "month": months,
            "year": months // 12,
            "region": ["a", "b"] * 4,
            "foundings": [1.0, 10.0, 2.0, 20.0, 3.0, 30.0, 4.0, 40.0],
            "belief": [0.2, 0.4] * 4,
        }
    )


def test_scalar_outcomes_reduce_regions_and_windows():
    m = _metrics()
    assert rx.ScalarOutcome("x", "foundings").evaluate(m) == 110
    assert rx.ScalarOutcome("x", "foundings", region="a").evaluate(m) == 10
    assert rx.ScalarOutcome("x", "foundings", agg="mean").evaluate(m) == 27.5
    assert rx.ScalarOutcome("x", "foundings", agg="last").evaluate(m) == 44
    assert rx.ScalarOutcome("x", "foundings", window=2).evaluate(m) == 77
    assert rx.ScalarOutcome("x", "foundings", region="b", window=(1, 3)).evaluate(m) == 50
    assert rx.ScalarOutcome("x", "belief", agg="mean").evaluate(m) == pytest.approx(0.3)
    ts = rx.TimeSeriesOutcome("x", "foundings", region="b").evaluate(m)
    assert ts.tolist() == [10, 20, 30, 40]
    with pytest.raises(ExperimentError, match="unknown region 'c'"):
        rx.ScalarOutcome("x", "foundings", region="c").evaluate(m)


@given(
    metric=st.text(max_size=12),
    agg=st.text(max_size=6),
    window=st.one_of(
        st.none(), st.integers(-3, 3), st.tuples(st.integers(-2, 5), st.integers(-2, 5))
    ),
)
def test_scalar_outcome_validation_messages(metric, agg, window):
    ok_window = (
        window is None
        or (isinstance(window, int) and window >= 1)
        or (isinstance(window, tuple) and 0 <= window[0] < window[1])
    )
    if metric in METRIC_NAMES and agg in ("sum", "mean", "last") and ok_window:
        rx.ScalarOutcome("o", metric, agg=agg, window=window)
        return
    with pytest.raises(ExperimentError, match=r"ScalarOutcome 'o': (unknown metric|agg|window)"):
        rx.ScalarOutcome("o", metric, agg=agg, window=window)


def test_outcome_names_must_be_unique():
    with pytest.raises(ExperimentError, match="unique"):
        rx.sweep(SC, [LATENCY], "factorial", outcomes=[rx.ScalarOutcome("a", "ipos")] * 2)


# -- designs and seeds ------------------------------------------------------------------------
def test_designs_have_the_documented_sizes():
    cat = rx.CategoricalParameter("regions.campus.policy.sandbox", (0.0, 0.5, 1.0), name="sb")
    assert len(rx.full_factorial([LATENCY, cat], levels=4)) == 12
    assert len(rx.sobol([LATENCY, TOLERANCE, cat], 8)) == 8 * (3 + 2)
    assert len(rx.sobol([LATENCY, TOLERANCE], 8, second_order=True)) == 8 * (2 * 2 + 2)
    assert len(rx.morris([LATENCY, TOLERANCE], 5)) == 5 * 3
    lhs = rx.latin_hypercube([LATENCY, TOLERANCE], 10, seed=3)
    assert len(lhs) == 10
    # one point per stratum of every parameter
    for j in range(2):
        strata = np.floor(lhs.unit[:, j] * 10).astype(int)
        assert sorted(strata) == list(range(10))
    df = lhs.to_df()
    assert df["latency"].between(0, 180).all() and df["tol"].between(0.2, 0.9).all()
    assert rx.latin_hypercube([LATENCY, TOLERANCE], 10, seed=3).values == lhs.values
    with pytest.raises(ExperimentError, match="levels"):
        rx.full_factorial([LATENCY], levels=1)
    with pytest.raises(ExperimentError, match="method"):
        rx.make_design("grid", [LATENCY], n=3)


def test_replicate_seeds_are_spawned_and_extend():
    a = rx.replicate_seeds(7, 5)
    assert a[:3] == rx.replicate_seeds(7, 3)
    assert a[4] == rx.seed_for(7, 4)
    assert len(set(a)) == 5 and all(0 <= s < 2**63 for s in a)
    child = np.random.SeedSequence(7).spawn(5)[2]
    assert a[2] == int(child.generate_state(1, np.uint64)[0]) & (2**63 - 1)
    assert rx.replicate_seeds(8, 3) != rx.replicate_seeds(7, 3)


def test_make_executor_specs():
    ex, own = rx.make_executor("sequential")
    assert isinstance(ex, rx.SequentialExecutor) and own
    ex, _ = rx.make_executor(1)
    assert isinstance(ex, rx.SequentialExecutor)
    ex, _ = rx.make_executor(3)
    assert isinstance(ex, rx.ProcessExecutor) and ex.workers == 3
    mine = rx.SequentialExecutor()
    assert rx.make_executor(mine) == (mine, False)
    with pytest.raises(ExperimentError, match="executor must be"):
        rx.make_executor(object())
    with pytest.raises(ExperimentError, match="workers"):
        rx.make_executor(0)


def test_process_workers_share_the_cores_among_numba_threads():
    """A worker is one of the pool's processes, so Numba's parallel kernels get its share of
    the cores (one thread each with one worker per core), not a thread per core each."""
    import os

    import numba

    ex = rx.ProcessExecutor(workers=2)
    try:
        got = ex._get_pool().submit(numba.get_num_threads).result(timeout=300)
    finally:
        ex.close()
    share = max(1, (os.cpu_count() or 1) // 2)
    assert got == min(share, numba.config.NUMBA_NUM_THREADS)


def test_map_ordered_keeps_item_order_on_any_executor():
    """Results come back in the items' order, with ``progress(done, total)`` after each."""
    import math

    from rainforest.experiments.executors import map_ordered

    items = [9.0, 4.0, 1.0, 16.0, 25.0]
    seen: list[tuple[int, int]] = []
    for spec in (1, 2):
        seen.clear()
        assert map_ordered(spec, math.sqrt, items, lambda d, t: seen.append((d, t))) == [
            3.0,
            2.0,
            1.0,
            4.0,
            5.0,
        ]
        assert seen == [(i, 5) for i in range(1, 6)]
    assert map_ordered(1, math.sqrt, []) == []


# -- experiment files -------------------------------------------------------------------------
GOOD = {
    "name": "t",
    "scenario": SC,
    "years": 2,
    "scale": 50,
    "seed": 3,
    "runs": 2,
    "design": {"method": "lhs", "n": 4},
    "parameters": [
        {"path": "regions.campus.policy.service_latency_days", "low": 0, "high": 90},
        {"path": "regions.harbour.policy.sandbox", "type": "categorical", "values": [0.0, 1.0]},
    ],
    "outcomes": [
        {"name": "f", "metric": "foundings"},
        {"name": "s", "type": "survival", "ages": [6, 12]},
        {"name": "p", "type": "timeseries", "metric": "people"},
    ],
    "targets": {"foundings per month": 20, "survival": {"12": 0.8}},
}


def test_load_experiment_file(tmp_path):
    import tomli_w

    path = tmp_path / "exp.toml"
    path.write_text(tomli_w.dumps(GOOD))
    exp = rx.load_experiment(path)
    assert exp.name == "t" and exp.runs == 2 and exp.seed == 3 and exp.years == 2
    assert [type(p).__name__ for p in exp.parameters] == ["RealParameter", "CategoricalParameter"]
    assert [o.name for o in exp.outcomes] == ["f", "s", "p"]
    assert len(exp.design()) == 4
    alias = {k: v for k, v in GOOD.items() if k != "runs"} | {"replications": 3}
    assert rx.experiment_from_dict(alias).runs == 3
    assert [t.name for t in exp.targets] == ["foundings per month", "survival"]
    relative = tmp_path / "rel.toml"
    (tmp_path / "sc.toml").write_text(Path(SC).read_text())
    relative.write_text(tomli_w.dumps({**GOOD, "scenario": "sc.toml"}))
    assert rx.load_experiment(relative).scenario.name == "two-districts"


BAD_FIELDS = [
    ({"runs": 0}, "runs"),
    ({"replications": 2}, "runs or replications"),
    ({"seed": -1}, "seed"),
    ({"years": "x"}, "years"),
    ({"scale": 0}, "scale"),
    ({"colour": 1}, "colour: unknown field"),
    ({"design": {"method": "grid"}}, "design.method"),
    ({"design": {"method": "lhs"}}, "design.n"),
    ({"scenario": "no-such-preset"}, "scenario"),
    ({"parameters": [{"path": "regions.campus.nope", "low": 0, "high": 1}]}, "regions.campus.nope"),
    ({"parameters": [{"path": "a.b", "low": 2, "high": 1}]}, "parameters.0"),
    ({"parameters": [{"path": "a.b", "type": "categorical"}]}, "parameters.0: a categorical"),
    ({"outcomes": [{"name": "x", "metric": "nope"}]}, "outcomes.0: ScalarOutcome 'x'"),
    ({"outcomes": [{"name": "x", "metric": "ipos", "agg": "max"}]}, "outcomes.0.agg"),
    ({"targets": {"nonsense per week": 3}}, "targets: target 'nonsense per week'"),
    ({"targets": {"survival": {"12": 1.5}}}, "share at age 12"),
]


@settings(max_examples=len(BAD_FIELDS) * 2, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(BAD_FIELDS))
def test_invalid_experiments_say_which_field(case):
    patch, expected = case
    with pytest.raises(ExperimentError) as info:
        rx.experiment_from_dict({**GOOD, **patch}, "exp.toml")
    msg = str(info.value)
    assert msg.startswith("exp.toml")
    assert expected in msg


def test_experiment_file_errors(tmp_path):
    with pytest.raises(ExperimentError, match="no such experiment file"):
        rx.load_experiment(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = ")
    with pytest.raises(ExperimentError, match="not valid TOML"):
        rx.load_experiment(bad)


def test_target_grammar():
    t = parse_target("Foundings per year in campus", 120)
    assert (t.outcome.metric, t.outcome.region, t.outcome.agg, t.factor) == (
        "foundings",
        "campus",
        "mean",
        12.0,
    )
    assert parse_target("startups alive at end", 5).outcome.agg == "last"
    assert parse_target("total ipos", 5).outcome.agg == "sum"
    s = parse_target("survival in campus", {24: 0.5, 12: 0.8})
    assert s.outcome.ages == (12, 24) and s.value == (0.8, 0.5)
    assert s.errors(np.array([0.8, 0.25])).tolist() == [0.0, -0.5]
    with pytest.raises(ExperimentError, match="expected"):
        parse_target("foundings per week", 1)


# -- runs -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_ensemble():
    return rx.ensemble(SC, runs=3, seed=11, executor="sequential", **SMALL)


def test_ensemble_tables(small_ensemble):
    ens = small_ensemble
    m = ens.metrics
    assert list(m.columns[:7]) == [*IDS, "month", "year", "region"]
    assert len(m) == 3 * 24 * 2 and ens.n == 3
    assert m["seed"].drop_duplicates().tolist() == rx.replicate_seeds(11, 3)
    s = ens.summary(["foundings", "people"])
    assert list(s.columns) == ["month", "region", "metric", "mean", "median", "q05", "q95", "n"]
    assert (s["n"] == 3).all() and len(s) == 24 * 2 * 2
    assert (s["q05"] <= s["mean"]).all() and (s["mean"] <= s["q95"]).all()
    t = ens.totals()
    assert len(t) == 3 * 2 and {"foundings", "people"} <= set(t.columns)
    first = m[m["replicate"] == 0]
    assert t.loc[0, "foundings"] == first[first["region"] == t.loc[0, "region"]]["foundings"].sum()
    assert ens.to_df() is m


def test_a_run_is_simulate_with_its_stored_seed(small_ensemble):
    m = small_ensemble.metrics
    one = m[m["replicate"] == 2]
    res = simulate(SC, seed=int(one["seed"].iloc[0]), **SMALL)
    pd.testing.assert_frame_equal(
        one.drop(columns=IDS).reset_index(drop=True), res.metrics, check_exact=True
    )


def test_process_pool_is_bit_identical_to_sequential(small_ensemble):
    with rx.ProcessExecutor(2) as pool:
        ens = rx.ensemble(SC, runs=3, seed=11, executor=pool, **SMALL)
    pd.testing.assert_frame_equal(ens.metrics, small_ensemble.metrics, check_exact=True)


def test_sweep_outcomes_and_common_seeds():
    outs = [
        rx.ScalarOutcome("foundings", "foundings"),
        rx.TimeSeriesOutcome("people", "people", region="campus"),
        rx.SurvivalOutcome("surv", ages=(6, 12)),
    ]
    res = rx.sweep(
        SC,
        [LATENCY],
        "factorial",
        levels=2,
        runs_per_point=2,
        outcomes=outs,
        seed=5,
        executor="sequential",
        keep_metrics=True,
        **SMALL,
    )
    o = res.outcomes
    assert len(o) == 4 and res.outcome_names == ["foundings", "surv_6", "surv_12"]
    assert o["latency"].tolist() == [0.0, 0.0, 180.0, 180.0]
    assert o.groupby("replicate")["seed"].nunique().eq(1).all()  # same seeds at every point
    surv = o[["surv_6", "surv_12"]].to_numpy().ravel()
    assert np.all((surv >= 0) & (surv <= 1) | np.isnan(surv))  # NaN: no startup that old
    assert len(res.series) == 4 * 24 and set(res.series["outcome"]) == {"people"}
    means = res.point_means()
    assert list(means.columns) == ["point", "latency", "foundings", "surv_6", "surv_12"]
    summ = res.summary()
    assert set(summ[summ["outcome"] == "foundings"]["n"]) == {2}  # n: runs with a value
    assert len(res.metrics) == 4 * 24 * 2


def test_sweep_reports_invalid_points(scenario):
    # each range is valid alone, but 80,000 anchor staff do not fit in 20,000 people
    staff = rx.RealParameter("regions.harbour.anchors.Harbour Platform.employees", 1000, 80000)
    people = rx.RealParameter("regions.harbour.population", 20000, 90000)
    with pytest.raises(ExperimentError, match=r"design point 2 .* invalid scenario"):
        rx.sweep(scenario, [staff, people], "factorial", levels=2, executor="sequential", **SMALL)


def test_compare_table_and_paired_differences():
    variant = load_scenario(SC).model_copy(update={"name": "variant"})
    cmp = rx.compare([SC, variant, SC], runs=3, seed=2, executor="sequential", **SMALL)
    assert cmp.labels == ["two-districts#1", "variant", "two-districts#2"]
    t = cmp.table()
    assert set(t["n"]) == {3} and set(t["scenario"]) == set(cmp.labels)
    d = cmp.differences()
    # same scenario, same seeds: differences are exactly zero
    same = d[d["scenario"] == "two-districts#2"]
    assert (same[["mean", "q05", "q95"]] == 0).all().all()
    assert (d[d["scenario"] == "variant"]["mean"] == 0).all()  # variant = same values


def test_sensitivity_morris_and_sobol():
    outs = [rx.ScalarOutcome("foundings", "foundings")]
    mo = rx.sensitivity(
        SC,
        [LATENCY, TOLERANCE],
        outs,
        method="morris",
        n=3,
        seed=1,
        executor="sequential",
        **SMALL,
    )
    assert list(mo.indices.columns) == [
        "outcome",
        "parameter",
        "mu",
        "mu_star",
        "mu_star_conf",
        "sigma",
    ]
    assert len(mo.sweep.outcomes) == 3 * 3 and (mo.indices["mu_star"] >= 0).all()
    so = rx.sensitivity(
        SC,
        [LATENCY, TOLERANCE],
        outs,
        method="sobol",
        n=4,
        seed=1,
        executor="sequential",
        **SMALL,
    )
    assert list(so.indices.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(so.sweep.outcomes) == 4 * 4
    assert so.ranking("foundings")["parameter"].tolist()[0] in ("latency", "tol")


def test_calibrate_returns_best_spread_and_fit():
    res = rx.calibrate(
        SC,
        [TOLERANCE],
        {"foundings per month": 30, "survival": {6: 0.95}},
        trials=4,
        runs_per_trial=1,
        batch=2,
        top=3,
        seed=4,
        executor="sequential",
        **SMALL,
    )
    assert len(res.trials) == 4 and res.best_loss == res.trials["loss"].min()
    assert 0.2 <= res.best[TOLERANCE.path] <= 0.9
    sp = res.spread()
    assert sp.loc[0, "n"] == 3 and sp.loc[0, "min"] <= sp.loc[0, "best"] <= sp.loc[0, "max"]
    assert res.fit["target"].tolist() == ["foundings per month", "survival"]
    assert res.scenario.regions["campus"].culture.failure_tolerance == res.best[TOLERANCE.path]


def test_ema_model_runs_in_the_workbench():
    ew = pytest.importorskip("ema_workbench")
    from rainforest.experiments.ema import ema_model

    model = ema_model(
        SC,
        uncertainties=[TOLERANCE],
        levers=[rx.CategoricalParameter("regions.campus.policy.sandbox", (0.0, 1.0), name="sb")],
        outcomes=[
            rx.ScalarOutcome("foundings", "foundings"),
            rx.TimeSeriesOutcome("ppl", "people"),
        ],
        replications=2,
        **SMALL,
    )
    assert [u.name for u in model.uncertainties] == ["tol"]
    with ew.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=2, policies=1)
    assert len(experiments) == 2 and outcomes["foundings"].shape == (2,)
    assert outcomes["ppl"].shape == (2, 24)


@pytest.mark.slow
def test_dask_local_cluster_is_bit_identical(small_ensemble):
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = rx.ensemble(SC, runs=3, seed=11, executor=client, **SMALL)
        swept = rx.sweep(SC, [LATENCY], "factorial", levels=2, seed=3, executor=client, **SMALL)
    with rx.ProcessExecutor(2) as pool:
        on_pool = rx.ensemble(SC, runs=3, seed=11, executor=pool, **SMALL)
        swept_pool = rx.sweep(SC, [LATENCY], "factorial", levels=2, seed=3, executor=pool, **SMALL)
    pd.testing.assert_frame_equal(on_dask.metrics, small_ensemble.metrics, check_exact=True)
    pd.testing.assert_frame_equal(on_dask.metrics, on_pool.metrics, check_exact=True)
    pd.testing.assert_frame_equal(swept.outcomes, swept_pool.outcomes, check_exact=True)


# -- CLI --------------------------------------------------------------------------------------
runner = CliRunner()


def _cli(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_ensemble_compare_and_runs(tmp_path):
    db = str(tmp_path / "runs.duckdb")
    common = ["--years", "2", "--scale", "50", "--workers", "1"]
    out = _cli("ensemble", SC, "--runs", "3", *common, "--store", db)
    assert "two-districts: 3 runs x 2 years" in out and "Foundings" in out
    assert "3 run(s) computed" in out
    out = _cli("ensemble", SC, "--runs", "4", *common, "--store", db)
    assert "1 run(s) computed; 3 reused from the store" in out
    out = _cli("compare", SC, "university-led", "--runs", "2", *common, "--no-store")
    assert "two-districts vs university-led: 2 runs each" in out and "not stored" in out
    jobs = _cli("runs", "list", "--store", db)
    assert "1 of 1 job(s)" in jobs and "ensemble" in jobs and "two-districts" in jobs
    out = _cli("runs", "list", "--each", "--store", db)
    assert "4 of 4 run(s) shown" in out
    run_id = out.split("ensemble-")[1].split()[0]
    out = _cli("runs", "show", f"ensemble-{run_id}", "--store", db)
    assert "reproduce" in out and "foundings" in out
    out = _cli("runs", "export", "--out", str(tmp_path / "pq"), "--store", db)
    assert pd.read_parquet(tmp_path / "pq" / "runs.parquet").shape[0] == 4
    assert "ensemble" in _cli("runs", "experiments", "--store", db)


def test_cli_sweep_sensitivity_calibrate(tmp_path):
    import tomli_w

    exp = {
        **GOOD,
        "outcomes": [{"name": "f", "metric": "foundings"}],
        "runs": 1,
        "calibration": {"trials": 2, "batch": 2},
    }
    path = tmp_path / "exp.toml"
    path.write_text(tomli_w.dumps(exp))
    page = tmp_path / "sweep.html"
    out = _cli("sweep", str(path), "--workers", "1", "--no-store", "--report", str(page))
    assert "t: 4 points (lhs) x 1 run(s)" in out
    text = page.read_text(encoding="utf-8")
    assert "Parameter space" in text and "runs in parameter space" in text
    assert "Days to pay a subsidy" in text  # the parameter in words, not its path
    morris = tmp_path / "morris.toml"
    morris.write_text(tomli_w.dumps({**exp, "design": {"method": "morris", "n": 2}}))
    page = tmp_path / "morris.html"
    out = _cli("sensitivity", str(morris), "--workers", "1", "--no-store", "--report", str(page))
    assert "mu*" in out and "6 runs" in out
    text = page.read_text(encoding="utf-8")
    assert "Morris screening of" in text and "Parameter space" in text
    out = _cli("calibrate", str(path), "--workers", "1", "--no-store")
    assert "fit of the best trial" in out and "foundings per month" in out
    bad = runner.invoke(app, ["sensitivity", str(path), "--no-store"])
    assert bad.exit_code == 2 and "sobol" in bad.output
