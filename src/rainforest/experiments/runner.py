"""The one runner behind ensembles, sweeps, comparisons, sensitivity and calibration.

An experiment is a list of :class:`RunSpec` (design point x replicate). The runner

1. asks the store which of them already finished (same experiment id, point, replicate,
   scenario hash and seed) and reads those back instead of running them again;
2. hands the rest to an executor; each worker runs :func:`run_one`, a pure function of the
   spec, and returns only the metrics table, small summaries and, when a store keeps them,
   the events;
3. writes every finished run to the store in one transaction as it arrives, then keeps only
   its metrics (or just its outcomes), so the parent never holds every run's event tables.

Results are sorted by (point, replicate) at the end, so they are the same whichever executor
ran them and in whatever order runs finished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.executors import make_executor
from rainforest.experiments.outcomes import (
    Outcome,
    ScalarOutcome,
    SurvivalOutcome,
    TimeSeriesOutcome,
)
from rainforest.experiments.parameters import ExperimentError
from rainforest.experiments.seeds import replicate_seeds
from rainforest.experiments.worker import RunFailedError, RunOutput, RunSpec, run_one
from rainforest.scenario import Scenario, scenario_hash, scenario_to_toml
from rainforest.store import RunStore, open_store

Progress = Callable[[int, int], None]
ID_COLUMNS = ("run_id", "point", "replicate", "seed")
_READ_BATCH = 512  # stored runs read back per query when resuming


# -- planning --------------------------------------------------------------------------------
def scenario_digest(sc: Scenario | dict[str, Any]) -> str:
    """A content hash that, unlike :func:`rainforest.scenario.scenario_hash`, also depends
    on the order of regions and other tables: the engine draws random numbers region by
    region, so reordering regions changes the numbers. Used for experiment ids and caches."""
    data = sc if isinstance(sc, dict) else sc.model_dump(mode="json")
    data = {k: v for k, v in data.items() if k not in ("sources", "description")}
    blob = json.dumps(data, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def run_settings(years: Any, scale: Any) -> dict[str, Any]:
    """``years`` and ``scale`` as they enter an experiment id (``40`` and ``40.0`` agree)."""
    return {
        "years": None if years is None else int(years),
        "scale": None if scale is None else float(scale),
    }


def make_experiment_id(kind: str, definition: dict[str, Any]) -> str:
    """A stable id from what determines the runs (not the number of replicates, so adding
    replicates later extends the same experiment)."""
    blob = json.dumps(definition, sort_keys=True, default=str, separators=(",", ":"))
    return f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class Point:
    """A design point: a scenario (already with the point's values) and those values."""

    scenario: Scenario
    values: dict[str, Any] = field(default_factory=dict)
    label: str = ""


def plan_runs(
    exp_id: str,
    points: Sequence[Point],
    runs: int,
    root: int,
    years: int | None,
    scale: float | None,
    events: bool = False,
    summaries: tuple[SurvivalOutcome, ...] = (),
    first_point: int = 0,
) -> list[RunSpec]:
    """Specs for every (point, replicate), with common replicate seeds across points.

    Point ``i`` of ``points`` gets index ``first_point + i`` (calibration adds points in
    batches).
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ExperimentError(f"runs must be a positive integer, got {runs!r}")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years < 1):
        raise ExperimentError(f"years must be a positive integer, got {years!r}")
    if scale is not None and not (isinstance(scale, int | float) and scale > 0):
        raise ExperimentError(f"scale must be a positive number, got {scale!r}")
    seeds = replicate_seeds(root, runs)
    specs = []
    for i, pt in enumerate(points, start=first_point):
        sc = pt.scenario
        dump = sc.model_dump(mode="json")
        h = scenario_hash(sc)
        digest = scenario_digest(dump)
        yrs = int(years if years is not None else sc.years)
        k = float(scale if scale is not None else sc.scale)
        for r, s in enumerate(seeds):
            specs.append(
                RunSpec(
                    run_id=f"{exp_id}-p{i}-r{r}",
                    experiment_id=exp_id,
                    point=i,
                    replicate=r,
                    seed=s,
                    seed_root=root,
                    scenario=dump,
                    scenario_hash=h,
                    digest=digest,
                    years=yrs,
                    scale=k,
                    events=events,
                    summaries=summaries,
                )
            )
    return specs


# -- collecting ------------------------------------------------------------------------------
@dataclass
class Collected:
    """Everything the parent keeps from an experiment's runs, sorted by point and replicate.

    Attributes
    ----------
    runs
        One row per run: run_id, point, replicate, seed, status, wall_s, reused.
    metrics
        Tidy metrics with ``run_id, point, replicate, seed`` first (``None`` if not kept).
    outcomes
        One row per finished run: ids and one column per scalar outcome (and per survival age).
    series
        Long table of time-series outcomes: ids, outcome, month, value.
    """

    runs: pd.DataFrame
    metrics: pd.DataFrame | None
    outcomes: pd.DataFrame
    series: pd.DataFrame
    executed: int = 0
    reused: int = 0
    failed: int = 0


class _Collector:
    def __init__(self, specs: Sequence[RunSpec], outcomes: Sequence[Outcome], keep_metrics: bool):
        self.by_id = {s.run_id: s for s in specs}
        self.outcomes = outcomes
        self.keep_metrics = keep_metrics
        self.run_rows: list[dict[str, Any]] = []
        # (point, replicate) -> frame; concatenated in key order at the end (no sort copy)
        self.metrics: dict[tuple[int, int], pd.DataFrame] = {}
        self.outcome_rows: list[dict[str, Any]] = []
        self.series: dict[tuple[int, int], list[pd.DataFrame]] = {}

    def add(
        self,
        spec: RunSpec,
        status: str,
        wall_s: float,
        metrics: pd.DataFrame | None,
        summaries: Sequence[tuple[str, float, float]],
        reused: bool,
    ) -> None:
        ids = {"run_id": spec.run_id, "point": spec.point, "replicate": spec.replicate}
        ids["seed"] = spec.seed
        self.run_rows.append({**ids, "status": status, "wall_s": wall_s, "reused": reused})
        if metrics is None:
            return
        row: dict[str, Any] = dict(ids)
        for o in self.outcomes:
            if isinstance(o, ScalarOutcome):
                row[o.name] = o.evaluate(metrics)
            elif isinstance(o, TimeSeriesOutcome):
                v = o.evaluate(metrics)
                self.series.setdefault((spec.point, spec.replicate), []).append(
                    pd.DataFrame({**ids, "outcome": o.name, "month": np.arange(len(v)), "value": v})
                )
        for name, x, value in summaries:
            row[f"{name}_{int(x)}"] = value
        self.outcome_rows.append(row)
        if self.keep_metrics:
            m = metrics.copy()
            for i, (k, v) in enumerate(ids.items()):
                m.insert(i, k, v)
            self.metrics[(spec.point, spec.replicate)] = m

    def result(self, executed: int, reused: int, failed: int) -> Collected:
        def order(df: pd.DataFrame) -> pd.DataFrame:
            if df.empty:
                return df
            return df.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)

        def concat(frames: dict[tuple[int, int], Any]) -> pd.DataFrame:
            parts = []
            for key in sorted(frames):
                v = frames[key]
                parts += v if isinstance(v, list) else [v]
            frames.clear()  # drop per-run frames as soon as they are concatenated
            return pd.concat(parts, ignore_index=True)

        runs = order(
            pd.DataFrame(self.run_rows, columns=[*ID_COLUMNS, "status", "wall_s", "reused"])
        )
        metrics = None
        if self.keep_metrics:
            metrics = (
                concat(self.metrics) if self.metrics else pd.DataFrame(columns=list(ID_COLUMNS))
            )
        outcomes = (
            order(pd.DataFrame(self.outcome_rows))
            if self.outcome_rows
            else pd.DataFrame(columns=list(ID_COLUMNS))
        )
        series = (
            concat(self.series)
            if self.series
            else pd.DataFrame(columns=[*ID_COLUMNS, "outcome", "month", "value"])
        )
        return Collected(runs, metrics, outcomes, series, executed, reused, failed)


def _record(spec: RunSpec, out: RunOutput, values: dict[str, Any], name: str, toml: str) -> dict:
    from rainforest import __version__

    return {
        "run_id": spec.run_id,
        "experiment_id": spec.experiment_id,
        "point": spec.point,
        "replicate": spec.replicate,
        "scenario_name": name,
        "scenario_hash": spec.scenario_hash,
        "scenario_toml": toml,
        "parameters": json.dumps(values, default=str, sort_keys=True),
        "seed": spec.seed,
        "seed_root": spec.seed_root,
        "seed_index": spec.replicate,
        "scale": spec.scale,
        "years": spec.years,
        "package_version": __version__,
        "started": out.started,
        "finished": out.finished,
        "wall_s": out.wall_s,
        "status": out.status,
        "error": out.error,
        "simulated_people": out.simulated_people,
    }


def _engine_order(metrics: pd.DataFrame, spec: RunSpec) -> pd.DataFrame:
    """Rows of a stored run in the order a fresh run has them: month, then the scenario's
    region order (so resumed and uninterrupted experiments give identical tables)."""
    rank = {r: i for i, r in enumerate(spec.scenario["regions"])}
    key = metrics["month"].to_numpy() * (len(rank) + 1) + metrics["region"].map(rank).to_numpy()
    return metrics.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)


def _reusable(store: RunStore, specs: Sequence[RunSpec]) -> dict[str, RunSpec]:
    """Specs already finished in the store with the same scenario and seed."""
    if not specs:
        return {}
    done = store.finished_runs(specs[0].experiment_id)
    if done.empty:
        return {}
    known = {r.run_id: (r.scenario_hash, int(r.seed)) for r in done.itertuples(index=False)}
    needs = [s for s in specs if known.get(s.run_id) == (s.scenario_hash, s.seed)]
    if any(s.summaries for s in needs):
        # a run stored before a survival outcome was declared must run again
        summ = store.load_summaries([s.run_id for s in needs])
        have = set(zip(summ.get("run_id", []), summ.get("name", []), strict=False))
        needs = [s for s in needs if all((s.run_id, o.name) in have for o in s.summaries)]
    return {s.run_id: s for s in needs}


def execute(
    specs: Sequence[RunSpec],
    points: Sequence[Point] | Mapping[int, Point],
    *,
    outcomes: Sequence[Outcome] = (),
    executor: Any = None,
    store: Any = None,
    keep_metrics: bool = True,
    progress: Progress | None = None,
    on_error: Literal["raise", "skip"] = "raise",
    experiment: tuple[str, str, dict[str, Any]] | None = None,
) -> Collected:
    """Run (or read back) every spec and collect metrics and outcomes.

    Parameters
    ----------
    specs
        From :func:`plan_runs`.
    points
        The design points the specs refer to, indexable by ``spec.point`` (for the store's
        scenario TOML and values).
    outcomes
        Evaluated per run in the parent (survival outcomes come from the worker).
    executor
        Anything :func:`~rainforest.experiments.executors.make_executor` accepts.
    store
        ``None``, ``True`` (default path), a path or a :class:`~rainforest.store.RunStore`.
    keep_metrics
        Keep every run's metrics in memory (``False`` keeps only outcomes).
    progress
        Called as ``progress(done, total)`` after each run.
    on_error
        ``"raise"`` stops at the first failed run (after recording it); ``"skip"`` records it
        and goes on.
    experiment
        ``(kind, name, definition)`` recorded in the store's ``experiments`` table.
    """
    if on_error not in ("raise", "skip"):
        raise ExperimentError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    st, own_store = open_store(store)
    collector = _Collector(specs, outcomes, keep_metrics)
    total, done = len(specs), 0
    executed = reused = failed = 0
    toml: tuple[int, str] = (-1, "")
    try:
        todo = list(specs)
        if st is not None and specs:
            from rainforest import __version__

            if experiment is not None:
                kind, name, definition = experiment
                st.register_experiment(specs[0].experiment_id, kind, name, definition, __version__)
            old = _reusable(st, specs)
            found: set[str] = set()
            ids = list(old)
            for i in range(0, len(ids), _READ_BATCH):  # bounded memory for big resumes
                batch = ids[i : i + _READ_BATCH]
                stored = st.load_metrics(batch)
                with_summaries = any(old[r].summaries for r in batch)
                summ = st.load_summaries(batch) if with_summaries else None
                groups = dict(tuple(stored.groupby("run_id", sort=False))) if len(stored) else {}
                del stored
                for rid in batch:
                    m = groups.pop(rid, None)
                    if m is None:
                        continue
                    spec = old[rid]
                    m = _engine_order(m.drop(columns=["run_id"]), spec)
                    rows = []
                    if summ is not None:
                        s = summ[summ["run_id"] == rid]
                        rows = list(zip(s["name"], s["x"], s["value"], strict=True))
                    collector.add(spec, "finished", 0.0, m, rows, reused=True)
                    found.add(rid)
            reused = done = len(found)
            todo = [s for s in specs if s.run_id not in found]
            if progress and reused:
                progress(done, total)
        if todo:
            ex, own_ex = make_executor(executor)
            results = ex.imap_unordered(run_one, todo)
            try:
                for out in results:
                    spec = collector.by_id[out.run_id]
                    if st is not None:
                        pt = points[spec.point]
                        if toml[0] != spec.point:  # replicates of a point often come together
                            toml = (spec.point, scenario_to_toml(pt.scenario))
                        rec = _record(spec, out, pt.values, pt.scenario.name, toml[1])
                        st.write_run(rec, out.metrics, out.events, out.summaries)
                    out.events = None
                    executed += 1
                    done += 1
                    if out.status == "failed":
                        failed += 1
                        if on_error == "raise":
                            raise RunFailedError(
                                f"run {out.run_id} (seed {spec.seed}) failed:\n{out.error}"
                            )
                    collector.add(spec, out.status, out.wall_s, out.metrics, out.summaries, False)
                    if progress:
                        progress(done, total)
            except BaseException:
                results.close()  # cancels queued runs, stops workers (Ctrl-C, failed run)
                raise
            finally:
                if own_ex:
                    ex.close()
    finally:
        if own_store and st is not None:
            st.close()
    return collector.result(executed, reused, failed)
