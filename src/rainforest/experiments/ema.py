"""Adapter to the EMA workbench: a rainforest scenario as an ``ema_workbench.Model``.

The EMA workbench (Kwakkel 2017) brings scenario discovery (PRIM, CART), many-objective
robust decision making and its own samplers. This module turns a scenario plus declared
parameters and outcomes into an EMA ``Model``: uncertainties and levers are rainforest
parameters (their dotted paths become EMA variable names), outcomes are computed from each
run's metrics and averaged over ``replications`` seeds.

``ema-workbench`` is an optional extra (``pip install 'rainforest[ema]'``) and is imported
only when :func:`ema_model` is called. See docs/ema.md for a worked example.

References
----------
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench: An open source toolkit for
exploratory modeling, scenario discovery, and (multi-objective) robust decision making.
Environmental Modelling & Software 96, 239-250. doi:10.1016/j.envsoft.2017.06.054
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rainforest.experiments.outcomes import (
    Outcome,
    ScalarOutcome,
    SurvivalOutcome,
    TimeSeriesOutcome,
    check_outcomes,
    default_outcomes,
)
from rainforest.experiments.parameters import (
    CategoricalParameter,
    ExperimentError,
    IntegerParameter,
    Parameter,
    check_parameters,
)
from rainforest.experiments.seeds import replicate_seeds, resolve_root
from rainforest.scenario import Scenario, load_scenario


def _ident(label: str) -> str:
    s = re.sub(r"\W+", "_", label).strip("_")
    return s if s and not s[0].isdigit() else f"p_{s}"


class RainforestFunction:
    """The callable an EMA ``Model`` runs: ``f(**{path: value}) -> {outcome: value}``.

    Picklable (a plain object holding the scenario as a dict), so EMA's multiprocessing
    evaluator can ship it to its workers.
    """

    def __init__(
        self,
        scenario: Scenario,
        outcomes: Sequence[Outcome],
        seeds: Sequence[int],
        years: int | None,
        scale: float | None,
    ):
        self.scenario = scenario.model_dump(mode="json")
        self.outcomes = tuple(outcomes)
        self.seeds = tuple(seeds)
        self.years = years
        self.scale = scale

    def __call__(self, **values: Any) -> dict[str, Any]:
        from rainforest.api import simulate
        from rainforest.scenario import scenario_from_dict, with_values

        sc = scenario_from_dict(self.scenario, "EMA model")
        sc = with_values(sc, {k: _plain(v) for k, v in values.items()}) if values else sc
        acc: dict[str, list[Any]] = {o.name: [] for o in self.outcomes}
        for seed in self.seeds:
            res = simulate(sc, years=self.years, seed=seed, scale=self.scale)
            for o in self.outcomes:
                if isinstance(o, SurvivalOutcome):
                    acc[o.name].append(o.evaluate_result(res))
                else:
                    acc[o.name].append(o.evaluate(res.metrics))
        return {k: np.mean(np.asarray(v, dtype=float), axis=0) for k, v in acc.items()}


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _ema_parameter(ew: Any, p: Parameter) -> Any:
    name = _ident(p.label)
    if isinstance(p, CategoricalParameter):
        return ew.CategoricalParameter(name, list(p.values), variable_name=p.path)
    if isinstance(p, IntegerParameter):
        return ew.IntegerParameter(name, p.low, p.high, variable_name=p.path)
    return ew.RealParameter(name, p.low, p.high, variable_name=p.path)


def ema_model(
    scenario: str | Path | dict | Scenario,
    uncertainties: Sequence[Parameter] = (),
    levers: Sequence[Parameter] = (),
    outcomes: Sequence[Outcome] | None = None,
    years: int | None = None,
    scale: float | None = None,
    replications: int = 1,
    seed: int = 0,
    name: str | None = None,
) -> Any:
    """Build an ``ema_workbench.Model`` that simulates ``scenario``.

    Parameters
    ----------
    scenario
        Preset name, TOML path, dict or :class:`Scenario`.
    uncertainties
        Parameters the world decides (culture, market, capital), as rainforest parameters.
    levers
        Parameters policy decides (``regions.X.policy.*``).
    outcomes
        Scalar, time-series or survival outcomes (default: run totals, see
        :func:`~rainforest.experiments.outcomes.default_outcomes`).
    years, scale
        As in :func:`rainforest.api.simulate`.
    replications
        Seeds per experiment; outcomes are their mean. Seeds come from
        ``SeedSequence(seed).spawn(replications)`` and are the same for every experiment.
    seed
        Root seed.
    name
        EMA model name (EMA allows letters and digits only; default: the scenario name
        without other characters).

    Returns
    -------
    ema_workbench.Model

    Raises
    ------
    ImportError
        If ``ema-workbench`` is not installed.
    """
    try:
        import ema_workbench as ew
    except ImportError:
        raise ImportError(
            "the EMA adapter needs the optional ema-workbench package: "
            "pip install 'rainforest[ema]'"
        ) from None
    sc = load_scenario(scenario)
    params = tuple(uncertainties) + tuple(levers)
    if params:
        check_parameters(params, sc)
    outs = check_outcomes(default_outcomes() if outcomes is None else outcomes)
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ExperimentError(f"replications must be a positive integer, got {replications!r}")
    seeds = replicate_seeds(resolve_root(seed), replications)
    model_name = re.sub(r"[^A-Za-z0-9]", "", name or sc.name) or "rainforest"
    model = ew.Model(model_name, function=RainforestFunction(sc, outs, seeds, years, scale))
    model.uncertainties = [_ema_parameter(ew, p) for p in uncertainties]
    model.levers = [_ema_parameter(ew, p) for p in levers]
    ema_outs = []
    for o in outs:
        if isinstance(o, ScalarOutcome):
            ema_outs.append(ew.ScalarOutcome(o.name))
        elif isinstance(o, TimeSeriesOutcome):
            ema_outs.append(ew.TimeSeriesOutcome(o.name))
        else:
            ema_outs.append(ew.ArrayOutcome(o.name))
    model.outcomes = ema_outs
    return model
