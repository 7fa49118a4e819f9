"""Comparisons: several scenarios, the same seeds, outcomes side by side with intervals.

Scenario ``i`` replicate ``r`` runs with the same seed as every other scenario's replicate
``r`` (common random numbers), so :meth:`Comparison.differences` can report paired
differences, whose intervals are narrower than those of two independent ensembles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.outcomes import (
    Outcome,
    SurvivalOutcome,
    check_outcomes,
    default_outcomes,
)
from rainforest.experiments.parameters import ExperimentError
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
from rainforest.scenario import Scenario, load_scenario


@dataclass
class Comparison:
    """Outcomes of several scenarios run with the same seeds.

    Attributes
    ----------
    labels : list of str
        One label per scenario (its name, made unique).
    scenarios : list of Scenario
    outcomes : DataFrame
        One row per run: run_id, point, replicate, seed, scenario (label), outcomes.
    metrics : DataFrame or None
        Every run's metrics with a ``scenario`` column, if kept.
    """

    labels: list[str]
    scenarios: list[Scenario]
    experiment_id: str
    seed: int
    runs: pd.DataFrame
    outcomes: pd.DataFrame
    metrics: pd.DataFrame | None = None
    executed: int = 0
    reused: int = 0
    failed: int = 0

    def _repr_html_(self) -> str:
        """Jupyter display: a summary table and a small chart (:mod:`rainforest.notebook`)."""
        from rainforest.notebook import comparison_html

        return comparison_html(self)

    @property
    def outcome_names(self) -> list[str]:
        """The outcome columns."""
        return [c for c in self.outcomes.columns if c not in (*ID_COLUMNS, "scenario")]

    def to_df(self) -> pd.DataFrame:
        """The per-run outcomes table."""
        return self.outcomes

    def table(self) -> pd.DataFrame:
        """Per scenario and outcome: mean, median, q05, q95 (a 90% interval over runs), n."""
        t = describe(self.outcomes, ["scenario"], self.outcome_names)
        t = t.rename(columns={"metric": "outcome"})
        t["scenario"] = pd.Categorical(t["scenario"], categories=self.labels, ordered=True)
        t["outcome"] = pd.Categorical(t["outcome"], categories=self.outcome_names, ordered=True)
        t = t.sort_values(["outcome", "scenario"]).reset_index(drop=True)
        t["scenario"] = t["scenario"].astype(str)
        t["outcome"] = t["outcome"].astype(str)
        return t

    def differences(self, baseline: str | int = 0) -> pd.DataFrame:
        """Paired differences (scenario minus baseline, replicate by replicate): mean, q05,
        q95 and n per scenario and outcome."""
        base = self.labels[baseline] if isinstance(baseline, int) else baseline
        if base not in self.labels:
            raise ExperimentError(f"unknown baseline {baseline!r}; scenarios: {self.labels}")
        cols = self.outcome_names
        wide = self.outcomes.set_index(["replicate", "scenario"])[cols]
        b = wide.xs(base, level="scenario")
        rows = []
        for label in self.labels:
            if label == base:
                continue
            d = (wide.xs(label, level="scenario") - b).dropna(how="all")
            d = d.reset_index().assign(scenario=label)
            rows.append(d)
        if not rows:
            return pd.DataFrame(columns=["scenario", "outcome", *("mean", "q05", "q95", "n")])
        diff = describe(pd.concat(rows), ["scenario"], cols).rename(columns={"metric": "outcome"})
        return diff.assign(baseline=base)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write outcomes, runs (and metrics if kept) as Parquet in ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self.outcomes.to_parquet(out / "outcomes.parquet", index=False)
        self.runs.to_parquet(out / "runs.parquet", index=False)
        if self.metrics is not None:
            self.metrics.to_parquet(out / "metrics.parquet", index=False)
        return out


def _labels(scenarios: Sequence[Scenario]) -> list[str]:
    names = [s.name for s in scenarios]
    out = []
    for i, n in enumerate(names):
        out.append(n if names.count(n) == 1 else f"{n}#{names[: i + 1].count(n)}")
    return out


def compare(
    scenarios: Sequence[str | Path | dict | Scenario],
    runs: int = 32,
    outcomes: Sequence[Outcome] | None = None,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    keep_metrics: bool = True,
    events: bool | None = None,
    progress: Progress | None = None,
    on_error: Literal["raise", "skip"] = "raise",
    experiment_id: str | None = None,
) -> Comparison:
    """Run several scenarios with the same ``runs`` seeds and tabulate their outcomes.

    Parameters
    ----------
    scenarios
        Two or more preset names, TOML paths, dicts or Scenarios.
    runs
        Replicates per scenario.
    outcomes
        Default: run totals over all regions (foundings, failures, IPOs, unicorns, patents,
        output, startups alive, people).
    seed, years, scale, executor, store, events, progress, on_error, experiment_id
        As in :func:`rainforest.experiments.ensemble`.
    keep_metrics
        Keep every run's metrics (with a ``scenario`` column).

    Returns
    -------
    Comparison
        ``.table()`` gives mean and 90% interval per scenario and outcome.
    """
    if isinstance(scenarios, str | Path | dict | Scenario) or len(scenarios) < 1:
        raise ExperimentError("compare needs a list of scenarios")
    scs = [load_scenario(s) for s in scenarios]
    labels = _labels(scs)
    outs = check_outcomes(default_outcomes() if outcomes is None else outcomes)
    root = resolve_root(seed)
    points = [Point(s, {"scenario": label}, label) for s, label in zip(scs, labels, strict=True)]
    definition = {
        "scenarios": [scenario_digest(s) for s in scs],
        "seed": root,
        "settings": [
            run_settings(
                years if years is not None else s.years, scale if scale is not None else s.scale
            )
            for s in scs
        ],
    }
    exp_id = experiment_id or make_experiment_id("compare", definition)
    keep_events = (store not in (None, False)) if events is None else bool(events)
    survival = tuple(o for o in outs if isinstance(o, SurvivalOutcome))
    specs = plan_runs(
        exp_id, points, runs, root, years, scale, events=keep_events, summaries=survival
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
        experiment=("compare", " vs ".join(labels), {**definition, "labels": labels}),
    )
    label_of = dict(enumerate(labels))
    outcomes_df = got.outcomes
    if not outcomes_df.empty:
        outcomes_df.insert(4, "scenario", outcomes_df["point"].map(label_of))
    metrics = got.metrics
    if metrics is not None and not metrics.empty:
        metrics.insert(4, "scenario", metrics["point"].map(label_of))
    return Comparison(
        labels=labels,
        scenarios=scs,
        experiment_id=exp_id,
        seed=root,
        runs=got.runs.assign(scenario=got.runs["point"].map(label_of)),
        outcomes=outcomes_df,
        metrics=metrics,
        executed=got.executed,
        reused=got.reused,
        failed=got.failed,
    )
