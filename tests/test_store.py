"""The DuckDB run store: atomic writes, resume without duplicates (also after SIGKILL),
failed runs replaced on retry, Parquet export, default location.

Every test uses a real DuckDB file in ``tmp_path``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import rainforest.experiments as rx
from rainforest.experiments.runner import Point, execute, plan_runs
from rainforest.scenario import load_scenario
from rainforest.store import ENV_VAR, RunStore, StoreError, default_store_path, resolve_store_path

ROOT = Path(__file__).resolve().parents[1]
SC = str(ROOT / "examples" / "two-districts.toml")
SMALL = {"years": 2, "scale": 50}
IDS = ["run_id", "point", "replicate", "seed"]


def _unique_keys(st: RunStore) -> tuple[int, int]:
    total, distinct = st.con.execute(
        "SELECT count(*), count(DISTINCT (experiment_id, point, replicate)) FROM runs"
    ).fetchone()
    return int(total), int(distinct)


def test_store_location(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # platformdirs on Linux
    assert default_store_path() == tmp_path / "data" / "rainforest" / "runs.duckdb"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere.duckdb"))
    assert default_store_path() == tmp_path / "elsewhere.duckdb"
    assert resolve_store_path(tmp_path) == tmp_path / "runs.duckdb"
    with RunStore() as st:
        assert st.path == tmp_path / "elsewhere.duckdb"
    assert (tmp_path / "elsewhere.duckdb").is_file()
    with pytest.raises(StoreError, match="no run store"):
        RunStore(tmp_path / "missing.duckdb", read_only=True)


def test_ensemble_streams_runs_and_resumes(tmp_path):
    db = tmp_path / "runs.duckdb"
    first = rx.ensemble(SC, runs=3, seed=1, executor="sequential", store=db, **SMALL)
    assert (first.executed, first.reused) == (3, 0)
    more = rx.ensemble(SC, runs=5, seed=1, executor="sequential", store=db, **SMALL)
    assert (more.executed, more.reused) == (2, 3)
    again = rx.ensemble(SC, runs=5, seed=1, executor="sequential", store=db, **SMALL)
    assert (again.executed, again.reused) == (0, 5)
    fresh = rx.ensemble(SC, runs=5, seed=1, executor="sequential", **SMALL)
    pd.testing.assert_frame_equal(more.metrics, fresh.metrics, check_exact=True)
    pd.testing.assert_frame_equal(again.metrics, fresh.metrics, check_exact=True)
    with RunStore(db, read_only=True) as st:
        assert _unique_keys(st) == (5, 5)
        counts = st.counts()
        assert counts["metrics"] == 5 * 24 * 2 and counts["events"] > 0
        runs = st.runs(first.experiment_id)
        assert set(runs["status"]) == {"finished"} and set(runs["seed_root"]) == {1}
        assert sorted(runs["seed"]) == sorted(rx.replicate_seeds(1, 5))
        row = st.run(runs["run_id"].iloc[0])
        assert load_scenario({**__import__("tomllib").loads(row["scenario_toml"])}).name == (
            "two-districts"
        )
        assert row["package_version"] and row["wall_s"] > 0 and row["finished"] >= row["started"]
    # a different seed is a different experiment
    other = rx.ensemble(SC, runs=1, seed=2, executor="sequential", store=db, **SMALL)
    assert other.experiment_id != first.experiment_id and other.executed == 1


def test_a_failed_write_leaves_nothing(tmp_path):
    db = tmp_path / "runs.duckdb"
    rx.ensemble(SC, runs=1, seed=1, executor="sequential", store=db, **SMALL)
    with RunStore(db) as st:
        before = st.counts()
        metrics = st.load_metrics([st.runs()["run_id"].iloc[0]]).drop(columns=["run_id"])
        record = {"run_id": "x-p0-r0", "experiment_id": "x", "point": 0, "replicate": 0}
        # the runs row and metrics are written, then the summaries fail: all is rolled back
        with pytest.raises(ValueError):
            st.write_run(record, metrics, None, [("survival", "twelve", 0.5)])
        assert st.counts() == before
        assert st.runs("x").empty


def test_set_status_changes_one_column_and_nothing_else(tmp_path):
    db = tmp_path / "runs.duckdb"
    rx.ensemble(SC, runs=2, seed=1, executor="sequential", store=db, **SMALL)
    with RunStore(db) as st:
        runs = st.runs().sort_values("run_id")
        first, second = runs["run_id"]
        metrics_before = st.load_metrics([first])
        counts_before = st.counts()
        assert st.set_status([first], "interrupted", "the server stopped") == 1
        after = st.runs().set_index("run_id")
        assert after.loc[first, "status"] == "interrupted"
        assert after.loc[first, "error"] == "the server stopped"
        assert after.loc[second, "status"] == "finished"  # the other run is untouched
        cols = ["seed", "scale", "years", "finished", "wall_s", "simulated_people"]
        pd.testing.assert_frame_equal(
            after.loc[[first], cols], runs.set_index("run_id").loc[[first], cols]
        )
        pd.testing.assert_frame_equal(st.load_metrics([first]), metrics_before)
        assert st.counts() == counts_before
        assert st.set_status([], "failed") == 0
        assert st.set_status(["no-such-run"], "failed") == 0
        # a status the store does not know is refused, and nothing changes
        with pytest.raises(StoreError, match="unknown run status 'crashed'"):
            st.set_status([second], "crashed")
        assert st.runs().set_index("run_id").loc[second, "status"] == "finished"


def test_failed_runs_are_recorded_and_replaced(tmp_path):
    db = tmp_path / "runs.duckdb"
    sc = load_scenario(SC)
    good = plan_runs("exp-x", [Point(sc)], 2, 9, 2, 50.0)
    broken = [
        s.__class__(
            **{**s.__dict__, "scenario": {"regions": {}}, "scenario_hash": "x", "digest": "x"}
        )
        if s.replicate == 1
        else s
        for s in good
    ]
    got = execute(broken, [Point(sc)], executor="sequential", store=db, on_error="skip")
    assert (got.executed, got.failed) == (2, 1)
    with pytest.raises(rx.RunFailedError, match="exp-x-p0-r1"):
        execute(broken, [Point(sc)], executor="sequential", store=db)
    with RunStore(db, read_only=True) as st:
        runs = st.runs("exp-x").set_index("replicate")
        assert runs.loc[1, "status"] == "failed" and "ScenarioError" in runs.loc[1, "error"]
        assert runs.loc[0, "status"] == "finished"
    got = execute(good, [Point(sc)], executor="sequential", store=db)
    assert (got.executed, got.reused, got.failed) == (1, 1, 0)
    with RunStore(db, read_only=True) as st:
        assert set(st.runs("exp-x")["status"]) == {"finished"}
        assert _unique_keys(st) == (2, 2)
        assert st.counts()["metrics"] == 2 * 24 * 2


def test_export_selection_to_parquet(tmp_path):
    db = tmp_path / "runs.duckdb"
    a = rx.ensemble(SC, runs=2, seed=1, executor="sequential", store=db, **SMALL)
    rx.ensemble(SC, runs=1, seed=2, executor="sequential", store=db, **SMALL)
    with RunStore(db, read_only=True) as st:
        files = st.export_parquet(tmp_path / "out", experiment_id=a.experiment_id)
        one = st.export_parquet(tmp_path / "one", run_ids=[a.runs["run_id"][1]])
    runs = pd.read_parquet(files["runs"])
    assert sorted(runs["run_id"]) == sorted(a.runs["run_id"])
    metrics = pd.read_parquet(files["metrics"])
    assert len(metrics) == 2 * 24 * 2
    pd.testing.assert_frame_equal(
        metrics.sort_values(["run_id", "month", "region"])
        .drop(columns="run_id")
        .reset_index(drop=True),
        a.metrics.drop(columns=IDS).reset_index(drop=True),
        check_exact=True,
        check_dtype=False,
    )
    assert set(pd.read_parquet(files["events"])["run_id"]) == set(a.runs["run_id"])
    assert pd.read_parquet(one["runs"])["run_id"].tolist() == [a.runs["run_id"][1]]
    assert len(pd.read_parquet(one["experiments"])) == 1


def test_survival_summaries_survive_a_resume(tmp_path):
    db = tmp_path / "runs.duckdb"
    outs = [rx.ScalarOutcome("f", "foundings"), rx.SurvivalOutcome("s", ages=(6, 12))]
    lat = rx.RealParameter("regions.campus.policy.service_latency_days", 0, 90)
    args = dict(design="factorial", levels=2, outcomes=outs, seed=3, executor="sequential")
    first = rx.sweep(SC, [lat], store=db, **args, **SMALL)
    second = rx.sweep(SC, [lat], store=db, **args, **SMALL)
    assert second.reused == 2 and second.executed == 0
    pd.testing.assert_frame_equal(first.outcomes, second.outcomes, check_exact=True)


EXPERIMENT = """
name = "killme"
scenario = "{scenario}"
years = 2
scale = 40
seed = 7
runs = 2
[design]
method = "lhs"
n = 20
[[parameters]]
path = "regions.campus.policy.service_latency_days"
low = 0
high = 180
[[outcomes]]
name = "foundings"
metric = "foundings"
"""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from rainforest.cli import app; app()", *args]


@pytest.mark.slow
def test_sigkill_mid_sweep_then_resume(tmp_path):
    psutil = pytest.importorskip("psutil")
    exp = tmp_path / "exp.toml"
    exp.write_text(EXPERIMENT.format(scenario=SC))
    db = tmp_path / "runs.duckdb"
    total = 20 * 2
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen(
        _cli("sweep", str(exp), "--store", str(db), "--workers", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    stored = 0
    children = []
    try:
        for line in proc.stdout:
            if "runs" in line and "/" in line:
                stored = int(line.split(":")[-1].split("/")[0])
                if stored >= 1 and not children:
                    children = psutil.Process(proc.pid).children(recursive=True)
                if stored >= 6:
                    break
        assert 6 <= stored < total, f"could not interrupt mid-way (stored {stored})"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    # the workers notice their parent is gone and exit
    deadline = time.time() + 15
    while time.time() < deadline and any(
        c.is_running() and c.status() != "zombie" for c in children
    ):
        time.sleep(0.2)
    assert not any(c.is_running() and c.status() != "zombie" for c in children)
    with RunStore(db, read_only=True) as st:
        done, distinct = _unique_keys(st)
        assert done == distinct and stored <= done < total
        assert st.counts()["metrics"] == done * 24 * 2
    again = subprocess.run(
        _cli("sweep", str(exp), "--store", str(db), "--workers", "2"),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{total - done} run(s) computed; {done} reused from the store" in again.stdout
    with RunStore(db, read_only=True) as st:
        assert _unique_keys(st) == (total, total)
        keys = st.con.execute("SELECT point, replicate FROM runs ORDER BY ALL").fetchall()
        assert keys == [(p, r) for p in range(20) for r in range(2)]
        assert st.counts()["metrics"] == total * 24 * 2
        assert set(st.runs()["status"]) == {"finished"}
    # the resumed sweep equals an uninterrupted one
    exp_def = rx.load_experiment(exp)
    clean = rx.sweep(
        exp_def.scenario,
        exp_def.parameters,
        exp_def.design(),
        runs_per_point=2,
        outcomes=exp_def.outcomes,
        seed=7,
        years=2,
        scale=40,
        executor="sequential",
    )
    resumed = rx.sweep(
        exp_def.scenario,
        exp_def.parameters,
        exp_def.design(),
        runs_per_point=2,
        outcomes=exp_def.outcomes,
        seed=7,
        years=2,
        scale=40,
        executor="sequential",
        store=db,
    )
    assert resumed.executed == 0
    pd.testing.assert_frame_equal(clean.outcomes, resumed.outcomes, check_exact=True)


def test_resumed_tables_keep_the_engine_row_order(tmp_path):
    data = load_scenario(SC).model_dump(mode="json")
    data["regions"] = dict(reversed(list(data["regions"].items())))  # harbour before campus
    db = tmp_path / "runs.duckdb"
    fresh = rx.ensemble(data, runs=2, seed=1, executor="sequential", store=db, **SMALL)
    assert fresh.metrics["region"].iloc[:2].tolist() == ["harbour", "campus"]
    resumed = rx.ensemble(data, runs=2, seed=1, executor="sequential", store=db, **SMALL)
    assert resumed.reused == 2
    pd.testing.assert_frame_equal(fresh.metrics, resumed.metrics, check_exact=True)
