"""Calibration: find parameter values whose runs reproduce observed targets (optuna TPE).

Each trial is a design point: optuna's Tree-structured Parzen Estimator proposes values for
the declared parameters, the runner evaluates ``runs_per_trial`` replicates (same seeds for
every trial), and the loss is the weighted sum of squared relative errors of the targets'
replicate means. Trials are asked in fixed-size batches so that the sequence of proposals,
and therefore the answer, does not depend on the number of workers.

The answer is not only the best trial: the spread of the top trials shows how well the
targets pin each parameter down (a wide spread means the data do not identify it).

References
----------
Bergstra, J., Bardenet, R., Bengio, Y., Kégl, B. (2011). Algorithms for hyper-parameter
optimization. NeurIPS 24.

Akiba, T. et al. (2019). Optuna: a next-generation hyperparameter optimization framework.
KDD '19. doi:10.1145/3292500.3330701
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.experiments.executors import make_executor
from rainforest.experiments.outcomes import SurvivalOutcome
from rainforest.experiments.parameters import (
    CategoricalParameter,
    ExperimentError,
    IntegerParameter,
    Parameter,
    check_parameters,
)
from rainforest.experiments.runner import (
    Point,
    Progress,
    execute,
    make_experiment_id,
    plan_runs,
    run_settings,
    scenario_digest,
)
from rainforest.experiments.seeds import resolve_root
from rainforest.experiments.targets import Target, parse_targets
from rainforest.scenario import Scenario, ScenarioError, load_scenario, with_values
from rainforest.store import open_store


@dataclass
class CalibrationResult:
    """Best parameters, the spread of the best trials and the fit of every target.

    Attributes
    ----------
    best : dict
        ``{path: value}`` of the best trial.
    best_loss : float
    trials : DataFrame
        One row per trial: trial, loss, one column per parameter label, and the simulated
        mean of each target column.
    fit : DataFrame
        For the best trial, per target (and age): target, simulated mean, q05, q95, n and
        relative error.
    top : int
        Number of best trials in :meth:`spread`.
    study : optuna.Study
    scenario : Scenario
        The calibrated scenario (the input with the best values applied).
    """

    best: dict[str, Any]
    best_loss: float
    trials: pd.DataFrame
    fit: pd.DataFrame
    parameters: tuple[Parameter, ...]
    targets: tuple[Target, ...]
    top: int
    study: Any
    scenario: Scenario
    experiment_id: str

    def top_trials(self) -> pd.DataFrame:
        """The ``top`` trials with the lowest loss."""
        ok = self.trials[np.isfinite(self.trials["loss"])]
        return ok.nsmallest(self.top, "loss").reset_index(drop=True)

    def spread(self) -> pd.DataFrame:
        """Per parameter: best value and mean, sd, min, max over the top trials."""
        t = self.top_trials()
        rows = []
        for p in self.parameters:
            col = t[p.label]
            row = {"parameter": p.label, "best": self.best[p.path], "n": len(col)}
            if isinstance(p, CategoricalParameter):
                row.update(mean=np.nan, sd=np.nan, min=np.nan, max=np.nan)
                row["values"] = ", ".join(str(v) for v in col.unique())
            else:
                row.update(mean=col.mean(), sd=col.std(ddof=1) if len(col) > 1 else 0.0)
                row.update(min=col.min(), max=col.max(), values="")
            rows.append(row)
        return pd.DataFrame(rows)

    def to_df(self) -> pd.DataFrame:
        """The trials table."""
        return self.trials

    def to_parquet(self, folder: str | Path) -> Path:
        """Write trials, fit and spread as Parquet in ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self.trials.to_parquet(out / "trials.parquet", index=False)
        self.fit.to_parquet(out / "fit.parquet", index=False)
        self.spread().to_parquet(out / "spread.parquet", index=False)
        return out


def _suggest(trial: Any, p: Parameter) -> Any:
    if isinstance(p, CategoricalParameter):
        return trial.suggest_categorical(p.label, list(p.values))
    if isinstance(p, IntegerParameter):
        return trial.suggest_int(p.label, p.low, p.high)
    return trial.suggest_float(p.label, p.low, p.high)


def _fit_table(targets: Sequence[Target], runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for t in targets:
        cols = t.columns()
        sims = runs[cols].to_numpy(dtype=float) * t.factor
        mean = _mean(sims)
        errs = t.errors(mean)
        ages: list[Any] = list(t.outcome.ages) if isinstance(t.outcome, SurvivalOutcome) else [None]
        for i, age in enumerate(ages):
            rows.append(
                {
                    "target": t.name,
                    "age": age,
                    "value": t.values()[i],
                    "simulated": mean[i],
                    "q05": _quantile(sims[:, i], 0.05),
                    "q95": _quantile(sims[:, i], 0.95),
                    "n": int(np.isfinite(sims[:, i]).sum()),
                    "relative_error": errs[i],
                }
            )
    return pd.DataFrame(rows)


def calibrate(
    scenario: str | Path | dict | Scenario,
    parameters: Sequence[Parameter],
    targets: Mapping[str, Any] | Sequence[Target],
    trials: int = 40,
    runs_per_trial: int = 2,
    batch: int = 4,
    top: int = 5,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    progress: Progress | None = None,
    experiment_id: str | None = None,
) -> CalibrationResult:
    """Calibrate declared parameters to targets with optuna's TPE sampler.

    Parameters
    ----------
    scenario
        Preset name, TOML path, dict or :class:`Scenario`.
    parameters
        Declared parameters (the search space).
    targets
        ``{"foundings per month": 30, "survival": {12: 0.8, 36: 0.5}}`` (see
        :mod:`rainforest.experiments.targets`) or a list of :class:`Target`.
    trials
        Number of parameter sets tried.
    runs_per_trial
        Replicates per trial (the loss uses their mean; same seeds for every trial).
    batch
        Trials proposed and run together (independent of the number of workers, so results
        do not depend on it).
    top
        Number of best trials whose spread is reported.
    seed
        Root seed (replicate seeds and the sampler's seed).
    years, scale, executor, store, progress, experiment_id
        As in :func:`rainforest.experiments.ensemble`; ``progress`` counts runs.

    Returns
    -------
    CalibrationResult
    """
    import optuna

    sc = load_scenario(scenario)
    params = check_parameters(parameters, sc)
    tgts = parse_targets(targets)
    for name, v in (("trials", trials), ("batch", batch), ("top", top)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ExperimentError(f"{name} must be a positive integer, got {v!r}")
    root = resolve_root(seed)
    definition = {
        "scenario": scenario_digest(sc),
        "parameters": [repr(p) for p in params],
        "targets": [repr(t) for t in tgts],
        "seed": root,
        **run_settings(
            years if years is not None else sc.years, scale if scale is not None else sc.scale
        ),
        "runs_per_trial": runs_per_trial,
        "batch": batch,
    }
    exp_id = experiment_id or make_experiment_id("calibrate", definition)
    outcomes = [t.outcome for t in tgts]
    survival = tuple(o for o in outcomes if isinstance(o, SurvivalOutcome))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize", sampler=optuna.samplers.TPESampler(seed=root % (2**32))
    )
    ex, own_ex = make_executor(executor)
    st, own_st = open_store(store)
    total_runs = trials * runs_per_trial
    offset = 0
    rows: list[dict[str, Any]] = []
    per_run: dict[int, pd.DataFrame] = {}
    try:
        while len(rows) < trials:
            asked = [study.ask() for _ in range(min(batch, trials - len(rows)))]
            points: dict[int, Point] = {}
            for t in asked:
                values = {p.path: _suggest(t, p) for p in params}
                try:
                    points[t.number] = Point(with_values(sc, values), values)
                except ScenarioError as err:
                    raise ExperimentError(
                        f"trial {t.number}: invalid values {values}: {err}"
                    ) from None
            specs = []
            for num, pt in points.items():
                specs += plan_runs(
                    exp_id,
                    [pt],
                    runs_per_trial,
                    root,
                    years,
                    scale,
                    summaries=survival,
                    first_point=num,
                )

            def step(done: int, _total: int, base: int = offset) -> None:
                if progress:
                    progress(base + done, total_runs)

            got = execute(
                specs,
                points,
                outcomes=outcomes,
                executor=ex,
                store=st,
                keep_metrics=False,
                progress=step,
                on_error="skip",
                experiment=("calibrate", sc.name, definition),
            )
            offset += len(specs)
            for t in asked:
                runs = got.outcomes[got.outcomes["point"] == t.number]
                per_run[t.number] = runs
                row: dict[str, Any] = {"trial": t.number}
                loss = 0.0
                for tg in tgts:
                    mean = _mean(runs[tg.columns()].to_numpy(dtype=float) * tg.factor)
                    loss += tg.loss(mean)
                    for c, m in zip(tg.columns(), np.atleast_1d(mean), strict=True):
                        row[f"sim_{c}"] = m * 1.0
                row["loss"] = loss
                row.update({p.label: points[t.number].values[p.path] for p in params})
                rows.append(row)
                if math.isfinite(loss):
                    study.tell(t, loss)
                else:
                    study.tell(t, state=optuna.trial.TrialState.FAIL)
    finally:
        if own_ex:
            ex.close()
        if own_st and st is not None:
            st.close()
    table = pd.DataFrame(rows)
    first = ["trial", "loss", *[p.label for p in params]]
    table = table[[*first, *[c for c in table.columns if c not in first]]]
    finite = table[np.isfinite(table["loss"])]
    if finite.empty:
        raise ExperimentError("every calibration trial failed; check the runs in the store")
    best_row = finite.loc[finite["loss"].idxmin()]
    best_trial = int(best_row["trial"])
    best = {p.path: _plain(best_row[p.label]) for p in params}
    return CalibrationResult(
        best=best,
        best_loss=float(best_row["loss"]),
        trials=table,
        fit=_fit_table(tgts, per_run[best_trial]),
        parameters=params,
        targets=tgts,
        top=top,
        study=study,
        scenario=with_values(sc, best),
        experiment_id=exp_id,
    )


def _quantile(values: np.ndarray, q: float) -> float:
    """Quantile of the finite values (NaN if there are none)."""
    v = values[np.isfinite(values)]
    return float(np.quantile(v, q)) if len(v) else np.nan


def _mean(sims: np.ndarray) -> np.ndarray:
    """Column means over replicates, ignoring NaN (NaN where a column has no value)."""
    out = np.full(sims.shape[1], np.nan)
    for i in range(sims.shape[1]):
        col = sims[:, i][np.isfinite(sims[:, i])]
        if len(col):
            out[i] = col.mean()
    return out


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v
