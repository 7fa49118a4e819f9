"""Global sensitivity: which declared parameters drive which outcomes, and how much.

Two SALib methods over one sweep:

- **Sobol** (variance-based): first-order index ``S1`` (share of outcome variance due to the
  parameter alone) and total index ``ST`` (including its interactions), with bootstrap
  confidence intervals. Needs ``n * (k + 2)`` points.
- **Morris** (elementary effects): ``mu_star`` (mean absolute effect, for ranking) and
  ``sigma`` (non-linearity or interactions); cheap screening with ``n * (k + 1)`` points.

Replicates of a point are averaged before the analysis, and every point uses the same
replicate seeds (common random numbers), so seed noise does not pose as a parameter effect.

References
----------
Saltelli, A. et al. (2010). Computer Physics Communications 181, 259-270.
doi:10.1016/j.cpc.2009.09.018

Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. Environmental Modelling & Software 22, 1509-1518.
doi:10.1016/j.envsoft.2006.10.004

Herman, J., Usher, W. (2017). SALib: An open-source Python library for Sensitivity Analysis.
Journal of Open Source Software 2(9). doi:10.21105/joss.00097
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.designs import morris as morris_design
from rainforest.experiments.designs import sobol as sobol_design
from rainforest.experiments.outcomes import Outcome, check_outcomes, default_outcomes
from rainforest.experiments.parameters import ExperimentError, Parameter, check_parameters
from rainforest.experiments.runner import Progress
from rainforest.experiments.seeds import resolve_root
from rainforest.experiments.sweep import SweepResult, sweep
from rainforest.scenario import Scenario, load_scenario


@dataclass
class SensitivityResult:
    """Sensitivity indices per outcome and parameter.

    Attributes
    ----------
    method : str
        ``"sobol"`` or ``"morris"``.
    indices : DataFrame
        Sobol: outcome, parameter, S1, S1_conf, ST, ST_conf (``*_conf``: half-width of the
        ``conf_level`` bootstrap interval). Morris: outcome, parameter, mu, mu_star,
        mu_star_conf, sigma.
    second_order : DataFrame or None
        Sobol S2 and S2_conf per outcome and parameter pair, if requested.
    sweep : SweepResult
        The runs behind the indices.
    conf_level : float
    """

    method: str
    indices: pd.DataFrame
    sweep: SweepResult
    conf_level: float
    second_order: pd.DataFrame | None = None

    def to_df(self) -> pd.DataFrame:
        """The indices table."""
        return self.indices

    def ranking(self, outcome: str) -> pd.DataFrame:
        """Parameters of one outcome, most influential first (by ST or mu_star)."""
        key = "ST" if self.method == "sobol" else "mu_star"
        t = self.indices[self.indices["outcome"] == outcome]
        if t.empty:
            raise ExperimentError(f"unknown outcome {outcome!r}")
        return t.sort_values(key, ascending=False).reset_index(drop=True)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write indices (and the sweep's tables) as Parquet in ``folder``."""
        out = Path(folder)
        self.sweep.to_parquet(out)
        self.indices.to_parquet(out / "indices.parquet", index=False)
        return out


def _analyse_sobol(res: SweepResult, conf_level: float, second_order: bool, seed: int):
    from SALib.analyze import sobol

    problem = res.design.problem
    means = res.point_means()
    rows, pairs = [], []
    names = problem["names"]
    for outcome in res.outcome_names:
        y = means[outcome].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            for p in names:
                rows.append((outcome, p, *([np.nan] * 4)))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            si = sobol.analyze(
                problem, y, calc_second_order=second_order, conf_level=conf_level, seed=seed
            )
        for i, p in enumerate(names):
            rows.append((outcome, p, si["S1"][i], si["S1_conf"][i], si["ST"][i], si["ST_conf"][i]))
        if second_order:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    pairs.append((outcome, names[i], names[j], si["S2"][i, j], si["S2_conf"][i, j]))
    idx = pd.DataFrame(rows, columns=["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
    s2 = None
    if second_order:
        s2 = pd.DataFrame(pairs, columns=["outcome", "parameter_1", "parameter_2", "S2", "S2_conf"])
    return idx, s2


def _analyse_morris(res: SweepResult, conf_level: float, num_levels: int, seed: int):
    from SALib.analyze import morris

    problem = res.design.problem
    means = res.point_means()
    x = res.design.unit
    rows = []
    for outcome in res.outcome_names:
        y = means[outcome].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)):
            rows += [(outcome, p, *([np.nan] * 4)) for p in problem["names"]]
            continue
        si = morris.analyze(problem, x, y, conf_level=conf_level, num_levels=num_levels, seed=seed)
        for i, p in enumerate(problem["names"]):
            rows.append(
                (outcome, p, si["mu"][i], si["mu_star"][i], si["mu_star_conf"][i], si["sigma"][i])
            )
    cols = ["outcome", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    return pd.DataFrame(rows, columns=cols)


def sensitivity(
    scenario: str | Path | dict | Scenario,
    parameters: Sequence[Parameter],
    outcomes: Sequence[Outcome] | None = None,
    method: Literal["sobol", "morris"] = "sobol",
    n: int = 64,
    runs_per_point: int = 1,
    second_order: bool = False,
    num_levels: int = 4,
    conf_level: float = 0.95,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    progress: Progress | None = None,
    experiment_id: str | None = None,
) -> SensitivityResult:
    """Sobol indices (with confidence intervals) or Morris screening of declared parameters.

    Parameters
    ----------
    scenario
        Preset name, TOML path, dict or :class:`Scenario`.
    parameters
        Declared parameters.
    outcomes
        Scalar outcomes to analyse (default: run totals, see :func:`default_outcomes`).
        Time-series outcomes are recorded but not analysed.
    method
        ``"sobol"`` (``n`` base samples, a power of two; ``n * (k + 2)`` points) or
        ``"morris"`` (``n`` trajectories; ``n * (k + 1)`` points).
    runs_per_point
        Replicates averaged per point.
    second_order
        Sobol only: also second-order indices (``n * (2k + 2)`` points).
    num_levels
        Morris grid levels.
    conf_level
        Level of the bootstrap confidence intervals.
    seed, years, scale, executor, store, progress, experiment_id
        As in :func:`rainforest.experiments.sweep`.

    Returns
    -------
    SensitivityResult
    """
    if method not in ("sobol", "morris"):
        raise ExperimentError(f"method must be 'sobol' or 'morris', got {method!r}")
    if not 0 < conf_level < 1:
        raise ExperimentError(f"conf_level must be between 0 and 1, got {conf_level}")
    sc = load_scenario(scenario)
    params = check_parameters(parameters, sc)
    outs = check_outcomes(default_outcomes() if outcomes is None else outcomes)
    root = resolve_root(seed)
    dseed = root % (2**32)
    if method == "sobol":
        design = sobol_design(params, n, second_order=second_order, seed=dseed)
    else:
        design = morris_design(params, n, num_levels=num_levels, seed=dseed)
    res = sweep(
        sc,
        params,
        design,
        runs_per_point=runs_per_point,
        outcomes=outs,
        seed=root,
        years=years,
        scale=scale,
        executor=executor,
        store=store,
        events=False,
        progress=progress,
        experiment_id=experiment_id,
        kind="sensitivity",
    )
    if res.failed or res.outcomes["point"].nunique() != len(design):
        raise ExperimentError("sensitivity needs every design point; some runs failed")
    if method == "sobol":
        idx, s2 = _analyse_sobol(res, conf_level, second_order, dseed)
        return SensitivityResult("sobol", idx, res, conf_level, s2)
    idx = _analyse_morris(res, conf_level, num_levels, dseed)
    return SensitivityResult("morris", idx, res, conf_level)
