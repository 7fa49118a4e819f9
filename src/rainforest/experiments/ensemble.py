"""Ensembles: one scenario, many seeds, so results come with honest uncertainty.

One lucky run says little about a 20-year ecosystem; an ensemble runs the same scenario with
``runs`` independent seeds and reports distributions (DESIGN.md, question 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.runner import (
    ID_COLUMNS,
    Point,
    Progress,
    execute,
    make_experiment_id,
    plan_runs,
    scenario_digest,
)
from rainforest.experiments.seeds import resolve_root
from rainforest.experiments.tables import describe, run_totals
from rainforest.scenario import Scenario, load_scenario


@dataclass
class Ensemble:
    """Many runs of one scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario that ran.
    experiment_id : str
        Identifies the runs in the store.
    seed : int
        Root seed; run ``i`` used ``replicate_seeds(seed, n)[i]``.
    runs : DataFrame
        One row per run: run_id, point, replicate, seed, status, wall_s, reused.
    metrics : DataFrame
        Tidy: run_id, point, replicate, seed, month, year, region and every metric.
    years, scale
        What every run used.
    executed, reused, failed : int
        Runs computed now, read back from the store, and failed.
    """

    scenario: Scenario
    experiment_id: str
    seed: int
    runs: pd.DataFrame
    metrics: pd.DataFrame
    years: int
    scale: float
    executed: int = 0
    reused: int = 0
    failed: int = 0

    @property
    def n(self) -> int:
        """Number of finished runs."""
        return int((self.runs["status"] == "finished").sum())

    @property
    def metric_names(self) -> list[str]:
        """The metric columns (every column after month, year, region)."""
        skip = {*ID_COLUMNS, "month", "year", "region"}
        return [c for c in self.metrics.columns if c not in skip]

    def to_df(self) -> pd.DataFrame:
        """The tidy metrics table (one row per run, month and region)."""
        return self.metrics

    def summary(self, metrics: list[str] | None = None) -> pd.DataFrame:
        """Per month, region and metric: mean, median, q05, q95 and n over runs.

        Parameters
        ----------
        metrics
            Metric columns to summarise (default: all).
        """
        cols = metrics or self.metric_names
        return describe(self.metrics, ["month", "region"], cols)

    def totals(self) -> pd.DataFrame:
        """One row per run and region with the run's totals (flows summed over the run,
        stocks at the last month), as :meth:`rainforest.result.Result.totals`."""
        return run_totals(self.metrics)

    def totals_summary(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Per region and total: mean, median, q05, q95 and n over runs."""
        t = self.totals()
        cols = columns or [c for c in t.columns if c not in (*ID_COLUMNS, "region")]
        return describe(t, ["region"], cols)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write ``metrics.parquet``, ``totals.parquet`` and ``runs.parquet`` to ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self.metrics.to_parquet(out / "metrics.parquet", index=False)
        self.totals().to_parquet(out / "totals.parquet", index=False)
        self.runs.to_parquet(out / "runs.parquet", index=False)
        return out

    def __repr__(self) -> str:
        return (
            f"Ensemble({self.scenario.name!r}, runs={self.n}, years={self.years}, "
            f"scale={self.scale:g}, seed={self.seed}, experiment_id={self.experiment_id!r})"
        )


def ensemble(
    scenario: str | Path | dict | Scenario,
    runs: int = 32,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    events: bool | None = None,
    progress: Progress | None = None,
    on_error: Literal["raise", "skip"] = "raise",
    experiment_id: str | None = None,
) -> Ensemble:
    """Run a scenario with ``runs`` independent seeds.

    Parameters
    ----------
    scenario
        Preset name, TOML path, dict or :class:`Scenario`.
    runs
        Number of replications.
    seed
        Root seed; replicate ``i`` runs with an integer drawn from
        ``SeedSequence(seed).spawn(runs)[i]`` (stored with the run). ``None``: a fresh root.
    years, scale
        As in :func:`rainforest.api.simulate` (default: the scenario's).
    executor
        ``None`` (local processes, one per core), ``"sequential"``, a number of workers, a Dask
        ``Client`` or ``"tcp://host:port"``, or an
        :class:`~rainforest.experiments.executors.Executor`.
    store
        ``None`` (keep nothing on disk), ``True`` (default store), a path or a
        :class:`~rainforest.store.RunStore`. Finished runs are written as they finish; calling
        again with the same arguments reuses them and runs only what is missing.
    events
        Also store each run's events (default: yes when there is a store).
    progress
        ``progress(done, total)`` after each run.
    on_error
        ``"raise"`` (default) or ``"skip"`` failed runs.
    experiment_id
        Use this experiment id instead of one derived from the arguments.

    Returns
    -------
    Ensemble

    Examples
    --------
    >>> ens = ensemble("examples/two-districts.toml", runs=8, years=3, seed=1)  # doctest: +SKIP
    >>> ens.summary()                                                            # doctest: +SKIP
    """
    sc = load_scenario(scenario)
    root = resolve_root(seed)
    yrs = int(years if years is not None else sc.years)
    k = float(scale if scale is not None else sc.scale)
    definition = {"scenario": scenario_digest(sc), "seed": root, "years": yrs, "scale": k}
    exp_id = experiment_id or make_experiment_id("ensemble", definition)
    points = [Point(sc)]
    keep_events = (store not in (None, False)) if events is None else bool(events)
    specs = plan_runs(exp_id, points, runs, root, yrs, k, events=keep_events)
    got = execute(
        specs,
        points,
        executor=executor,
        store=store,
        keep_metrics=True,
        progress=progress,
        on_error=on_error,
        experiment=("ensemble", sc.name, definition),
    )
    return Ensemble(
        scenario=sc,
        experiment_id=exp_id,
        seed=root,
        runs=got.runs,
        metrics=got.metrics,
        years=yrs,
        scale=k,
        executed=got.executed,
        reused=got.reused,
        failed=got.failed,
    )
