"""Run a set of scenarios ("arms") with common random numbers on the experiments runner.

Explanations and what-ifs compare scenarios that differ in a few levers. Every arm runs the
same replicate seeds (replicate ``r`` uses ``seed_for(root, r)`` in every arm), so arm
differences are paired and not blurred by different luck. The runs go through
:func:`rainforest.experiments.runner.execute`: local processes by default, Dask with
``executor="tcp://host:8786"``, and the DuckDB run store with ``store=``, so an interrupted
explanation resumes.

Outcomes are computed in the worker from the whole Result (events and organisations are not
sent back to the parent) and returned through the runner's per-run ``summaries`` channel as
``(name, year, value)`` rows; the store keeps them, so reused runs give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rainforest.experiments.executors import make_executor
from rainforest.experiments.runner import Point, execute, make_experiment_id, plan_runs
from rainforest.experiments.seeds import replicate_seeds, resolve_root
from rainforest.explain.outcomes import ExplainOutcome
from rainforest.scenario import Scenario, scenario_hash


@dataclass(frozen=True)
class Arm:
    """One scenario to run with the common seeds.

    Attributes
    ----------
    key
        Unique label (``"coalition:services+capital"``, ``"baseline"``).
    scenario
        The validated scenario.
    region
        Region whose outcome is measured (``None``: all regions together).
    coalition
        For explanations: the lever groups taken from the donor (``None`` for other arms).
    values
        What this arm changes, recorded in the store.
    """

    key: str
    scenario: Scenario
    region: str | None = None
    coalition: frozenset[str] | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _YearlyHook:
    """Computes one outcome per reported year in the worker.

    It has the interface the runner expects of a worker-side summary (``name``, ``ages``,
    ``evaluate_result``): ``ages`` are the x values of the rows, here the reported years
    (``-1`` for a single total).
    """

    name: str
    outcome: ExplainOutcome
    region: str | None
    years: int

    @property
    def ages(self) -> tuple[int, ...]:
        """The x values of the rows: years ``0..years-1`` (``(-1,)`` for one total)."""
        return tuple(range(self.years)) if self.outcome.per_year else (-1,)

    def evaluate_result(self, result: Any) -> np.ndarray:
        """The outcome's values for one run (in the worker)."""
        v = self.outcome.yearly(result, self.region, self.years)
        if v.shape != (len(self.ages),):
            raise ValueError(
                f"outcome {self.outcome.name!r} returned {v.shape[0]} value(s), expected "
                f"{len(self.ages)}"
            )
        return v


@dataclass
class ArmValues:
    """Outcomes of every arm and replicate.

    Attributes
    ----------
    yearly : DataFrame
        arm, key, replicate, seed, outcome, year (``-1``: total only), value.
    totals : DataFrame
        arm, key, replicate, seed, outcome, value (the reported-period value).
    seeds : list of int
        Replicate seeds (the same in every arm).
    experiment_id : str
    executed, reused : int
        Runs computed now and read back from the store.
    """

    yearly: pd.DataFrame
    totals: pd.DataFrame
    seeds: list[int]
    experiment_id: str
    executed: int = 0
    reused: int = 0

    def matrix(self, outcome: str, n_arms: int) -> np.ndarray:
        """Totals of one outcome as an ``(arms, replicates)`` array."""
        t = self.totals[self.totals["outcome"] == outcome]
        wide = t.pivot(index="arm", columns="replicate", values="value")
        return wide.reindex(range(n_arms)).to_numpy(float)


def run_arms(
    arms: Sequence[Arm],
    outcomes: Sequence[ExplainOutcome],
    runs: int,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    progress: Callable[[int, int], None] | None = None,
    kind: str = "explain",
    name: str = "",
    definition: dict[str, Any] | None = None,
) -> ArmValues:
    """Run every arm with the same ``runs`` replicate seeds and collect the outcomes.

    Parameters
    ----------
    arms
        The scenarios (with the region to measure).
    outcomes
        What to measure in each run.
    runs, seed, years, scale, executor, store, progress
        As in :func:`rainforest.experiments.compare`.
    kind, name, definition
        Recorded in the store's experiments table; ``definition`` also enters the id.
    """
    root = resolve_root(seed)
    keys = [a.key for a in arms]
    if len(set(keys)) != len(keys):
        raise ValueError(f"arm keys must be unique: {keys}")
    defn = {
        "arms": [[a.key, scenario_hash(a.scenario), a.region] for a in arms],
        "outcomes": [o.name for o in outcomes],
        "seed": root,
        "years": years,
        "scale": scale,
        **(definition or {}),
    }
    exp_id = make_experiment_id(kind, defn)
    points = [Point(a.scenario, {"arm": a.key, **a.values}, a.key) for a in arms]
    specs = []
    for i, (arm, pt) in enumerate(zip(arms, points, strict=True)):
        yrs = int(years if years is not None else arm.scenario.years)
        # the hooks stand in for SurvivalOutcome: the runner only uses name/ages/evaluate_result
        hooks: Any = tuple(_YearlyHook(o.name, o, arm.region, yrs) for o in outcomes)
        specs += plan_runs(exp_id, [pt], runs, root, years, scale, summaries=hooks, first_point=i)
    ex, own = make_executor(executor)
    try:
        got = execute(
            specs,
            points,
            executor=ex,
            store=store,
            keep_metrics=False,
            progress=progress,
            experiment=(kind, name or exp_id, defn),
        )
    finally:
        if own:
            ex.close()
    yearly = _long(got.outcomes, outcomes, keys)
    totals = _totals(yearly, outcomes)
    return ArmValues(
        yearly=yearly,
        totals=totals,
        seeds=replicate_seeds(root, runs),
        experiment_id=exp_id,
        executed=got.executed,
        reused=got.reused,
    )


def _long(wide: pd.DataFrame, outcomes: Sequence[ExplainOutcome], keys: list[str]) -> pd.DataFrame:
    """The runner's ``<outcome>_<year>`` columns as a long table."""
    parts = []
    for o in outcomes:
        prefix = f"{o.name}_"
        cols = [c for c in wide.columns if isinstance(c, str) and c.startswith(prefix)]
        cols = [c for c in cols if c[len(prefix) :].lstrip("-").isdigit()]
        if not cols:
            continue
        sub = wide[["point", "replicate", "seed", *cols]].melt(
            id_vars=["point", "replicate", "seed"], var_name="col", value_name="value"
        )
        sub["year"] = sub["col"].str[len(prefix) :].astype(int)
        sub["outcome"] = o.name
        parts.append(sub.drop(columns="col"))
    cols = ["arm", "key", "replicate", "seed", "outcome", "year", "value"]
    if not parts:
        return pd.DataFrame(columns=cols)
    df = pd.concat(parts, ignore_index=True).rename(columns={"point": "arm"})
    df["key"] = df["arm"].map(dict(enumerate(keys)))
    return df[cols].sort_values(["outcome", "arm", "replicate", "year"], ignore_index=True)


def _totals(yearly: pd.DataFrame, outcomes: Sequence[ExplainOutcome]) -> pd.DataFrame:
    rows = []
    by = {o.name: o for o in outcomes}
    for (out, arm, key, rep, sd), g in yearly.groupby(
        ["outcome", "arm", "key", "replicate", "seed"], sort=True
    ):
        vals = g.sort_values("year")["value"].to_numpy(float)
        rows.append((arm, key, rep, sd, out, by[out].total(vals)))
    return pd.DataFrame(rows, columns=["arm", "key", "replicate", "seed", "outcome", "value"])


Evaluator = Callable[[Sequence[Arm], int, int], np.ndarray]
"""An injectable evaluation: ``(arms, runs, root_seed) -> (len(arms), runs)`` totals of one
outcome, replicate ``r`` of every arm using the same seed. Tests pass cheap toy games."""
