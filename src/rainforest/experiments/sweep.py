"""Sweeps: run a scenario at every point of a design, with replicates, and measure outcomes.

The sweep is the workhorse: sensitivity analysis is a sweep over a Sobol or Morris design
followed by SALib's analyser, and a comparison is a sweep whose points are whole scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.designs import Design, make_design
from rainforest.experiments.outcomes import (
    Outcome,
    ScalarOutcome,
    SurvivalOutcome,
    check_outcomes,
    default_outcomes,
)
from rainforest.experiments.parameters import (
    ExperimentError,
    Parameter,
    check_parameters,
)
from rainforest.experiments.runner import (
    ID_COLUMNS,
    Point,
    Progress,
    execute,
    make_experiment_id,
    plan_runs,
    run_settings,
    scenario_digest,
)
from rainforest.experiments.seeds import resolve_root
from rainforest.experiments.tables import describe
from rainforest.scenario import Scenario, ScenarioError, load_scenario, with_values


@dataclass
class SweepResult:
    """Outcomes of every run of a design.

    Attributes
    ----------
    design : Design
        The points that ran.
    experiment_id : str
        Identifies the runs in the store.
    seed : int
        Root seed (replicate ``r`` of every point used the same seed).
    runs_per_point : int
        Replicates per point.
    runs : DataFrame
        One row per run: run_id, point, replicate, seed, status, wall_s, reused.
    outcomes : DataFrame
        One row per finished run: run_id, point, replicate, seed, one column per parameter
        label, one per scalar outcome (survival curves as ``name_age`` columns).
    series : DataFrame
        Time-series outcomes, long: run_id, point, replicate, seed, outcome, month, value.
    metrics : DataFrame or None
        Every run's metrics if ``keep_metrics=True``.
    """

    design: Design
    experiment_id: str
    seed: int
    runs_per_point: int
    runs: pd.DataFrame
    outcomes: pd.DataFrame
    series: pd.DataFrame
    metrics: pd.DataFrame | None = None
    executed: int = 0
    reused: int = 0
    failed: int = 0

    @property
    def parameter_names(self) -> list[str]:
        """Parameter labels (columns of :attr:`outcomes`)."""
        return [p.label for p in self.design.parameters]

    @property
    def outcome_names(self) -> list[str]:
        """Scalar outcome columns of :attr:`outcomes`."""
        skip = {*ID_COLUMNS, *self.parameter_names}
        return [c for c in self.outcomes.columns if c not in skip]

    def to_df(self) -> pd.DataFrame:
        """The per-run outcomes table."""
        return self.outcomes

    def point_means(self) -> pd.DataFrame:
        """Mean of each outcome over replicates, one row per point (in point order)."""
        cols = ["point", *self.parameter_names]
        means = self.outcomes.groupby("point", sort=True)[self.outcome_names].mean()
        params = self.outcomes.drop_duplicates("point").set_index("point")[self.parameter_names]
        return params.join(means).reset_index()[[*cols, *self.outcome_names]]

    def summary(self) -> pd.DataFrame:
        """Per point and outcome: parameter values, mean, median, q05, q95 and n."""
        by = ["point", *self.parameter_names]
        return describe(self.outcomes, by, self.outcome_names).rename(columns={"metric": "outcome"})

    def to_parquet(self, folder: str | Path) -> Path:
        """Write outcomes, series, runs, design (and metrics if kept) as Parquet."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self.outcomes.to_parquet(out / "outcomes.parquet", index=False)
        self.series.to_parquet(out / "series.parquet", index=False)
        self.runs.to_parquet(out / "runs.parquet", index=False)
        self.design.to_df().to_parquet(out / "design.parquet", index=False)
        if self.metrics is not None:
            self.metrics.to_parquet(out / "metrics.parquet", index=False)
        return out


def design_points(sc: Scenario, design: Design) -> list[Point]:
    """Apply each design point to the scenario (validated), naming the point on error."""
    pts = []
    for i, values in enumerate(design.values):
        try:
            pts.append(Point(with_values(sc, values), dict(values)))
        except ScenarioError as err:
            raise ExperimentError(
                f"design point {i} {values} gives an invalid scenario: {err}"
            ) from None
    return pts


def sweep(
    scenario: str | Path | dict | Scenario,
    parameters: Sequence[Parameter],
    design: Design | str = "lhs",
    runs_per_point: int = 1,
    outcomes: Sequence[Outcome] | None = None,
    n: int | None = None,
    levels: int = 3,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    keep_metrics: bool = False,
    events: bool | None = None,
    progress: Progress | None = None,
    on_error: Literal["raise", "skip"] = "raise",
    experiment_id: str | None = None,
    kind: str = "sweep",
) -> SweepResult:
    """Run a scenario at every point of a design.

    Parameters
    ----------
    scenario
        Preset name, TOML path, dict or :class:`Scenario`.
    parameters
        Declared parameters (dotted scenario paths with ranges or values).
    design
        A :class:`Design`, or a method name: ``"factorial"`` (``levels`` per parameter),
        ``"lhs"``, ``"sobol"`` or ``"morris"`` (``n`` points, base samples or trajectories).
    runs_per_point
        Replicates per point; replicate ``r`` uses the same seed at every point (common
        random numbers).
    outcomes
        What to measure (default: run totals of foundings, failures, IPOs, unicorns,
        patents, output, startups alive and people).
    n, levels
        Design size when ``design`` is a method name.
    seed
        Root seed of the replicates (the design sampler uses it too).
    years, scale, executor, store, events, progress, on_error, experiment_id
        As in :func:`rainforest.experiments.ensemble`.
    keep_metrics
        Also keep every run's full metrics in memory (they are always in the store).
    kind
        Label recorded in the store (``"sweep"``, ``"sensitivity"``).

    Returns
    -------
    SweepResult
    """
    sc = load_scenario(scenario)
    params = check_parameters(parameters, sc)
    outs = check_outcomes(default_outcomes() if outcomes is None else outcomes)
    root = resolve_root(seed)
    if isinstance(design, str):
        design = make_design(design, params, n=n, levels=levels, seed=root % (2**32))
    elif not isinstance(design, Design):
        raise ExperimentError(f"design must be a Design or a method name, got {design!r}")
    elif [p.path for p in design.parameters] != [p.path for p in params]:
        raise ExperimentError("the design was built for other parameters than the ones given")
    points = design_points(sc, design)
    definition = {
        "scenario": scenario_digest(sc),
        "points": [scenario_digest(p.scenario) for p in points],
        "seed": root,
        **run_settings(
            years if years is not None else sc.years, scale if scale is not None else sc.scale
        ),
    }
    exp_id = experiment_id or make_experiment_id(kind, definition)
    keep_events = (store not in (None, False)) if events is None else bool(events)
    survival = tuple(o for o in outs if isinstance(o, SurvivalOutcome))
    specs = plan_runs(
        exp_id, points, runs_per_point, root, years, scale, events=keep_events, summaries=survival
    )
    got = execute(
        specs,
        points,
        outcomes=outs,
        executor=executor,
        store=store,
        keep_metrics=keep_metrics,
        progress=progress,
        on_error=on_error,
        experiment=(kind, sc.name, {**definition, "design": design.method, **design.options}),
    )
    table = design.to_df()
    outcomes_df = got.outcomes
    if not outcomes_df.empty:
        outcomes_df = outcomes_df.merge(table, on="point", how="left")
        names = [c for c in outcomes_df.columns if c not in (*ID_COLUMNS, *table.columns)]
        outcomes_df = outcomes_df[[*ID_COLUMNS, *table.columns[1:], *names]]
    return SweepResult(
        design=design,
        experiment_id=exp_id,
        seed=root,
        runs_per_point=runs_per_point,
        runs=got.runs,
        outcomes=outcomes_df,
        series=got.series,
        metrics=got.metrics,
        executed=got.executed,
        reused=got.reused,
        failed=got.failed,
    )


def scalar_names(outcomes: Sequence[Outcome]) -> list[str]:
    """Columns that the given outcomes produce in a per-run outcomes table."""
    names = []
    for o in outcomes:
        if isinstance(o, ScalarOutcome):
            names.append(o.name)
        elif isinstance(o, SurvivalOutcome):
            names += [f"{o.name}_{a}" for a in o.ages]
    return names
