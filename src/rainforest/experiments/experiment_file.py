"""Experiment files: a sweep, sensitivity analysis or calibration written down in TOML.

An experiment file makes a study reviewable and repeatable: the scenario, what varies, what
is measured, the design, replications, years, scale and seed are in one file, and the same
file always gives the same experiment id (so an interrupted run resumes). Example::

    name = "latency"
    scenario = "two-districts.toml"   # relative to this file, or a preset name
    years = 3
    scale = 30
    seed = 1
    runs = 2                          # replicates per design point (alias: replications)

    [design]
    method = "lhs"                    # factorial | lhs | sobol | morris
    n = 16

    [[parameters]]
    path = "regions.campus.policy.service_latency_days"
    low = 0
    high = 180
    name = "latency"

    [[outcomes]]
    name = "foundings"
    metric = "foundings"
    region = "campus"                 # optional; agg = "sum" | "mean" | "last"; window

    [targets]                         # calibration only
    "foundings per month" = 30

    [calibration]
    trials = 40

Errors name the file and the field, e.g. ``exp.toml: parameters.0.high: ...``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rainforest.experiments.designs import Design, make_design
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
    RealParameter,
    check_parameters,
)
from rainforest.experiments.targets import Target, parse_targets
from rainforest.scenario import Scenario, ScenarioError, load_scenario


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Parameter(_Model):
    path: str = Field(min_length=1)
    type: Literal["real", "integer", "categorical"] = "real"
    low: float | None = None
    high: float | None = None
    values: list[Any] | None = None
    name: str | None = None


class _Outcome(_Model):
    name: str = Field(min_length=1)
    type: Literal["scalar", "timeseries", "survival"] = "scalar"
    metric: str | None = None
    region: str | None = None
    agg: Literal["sum", "mean", "last"] = "sum"
    window: int | tuple[int, int] | None = None
    ages: list[int] | None = None


class _Design(_Model):
    method: Literal["factorial", "lhs", "sobol", "morris"] = "lhs"
    n: int | None = Field(None, ge=1)
    levels: int = Field(3, ge=2)
    second_order: bool = False
    num_levels: int = Field(4, ge=2)


class _Calibration(_Model):
    trials: int = Field(40, ge=1)
    runs: int | None = Field(None, ge=1)
    batch: int = Field(4, ge=1)
    top: int = Field(5, ge=1)


class _File(_Model):
    name: str = ""
    scenario: str = Field(min_length=1)
    years: int | None = Field(None, ge=1, le=100)
    scale: float | None = Field(None, gt=0)
    seed: int = Field(0, ge=0, lt=2**63)
    runs: int | None = Field(None, ge=1)
    replications: int | None = Field(None, ge=1)
    conf_level: float = Field(0.95, gt=0, lt=1)
    design: _Design = Field(default_factory=_Design)
    parameters: list[_Parameter] = Field(default_factory=list)
    outcomes: list[_Outcome] = Field(default_factory=list)
    targets: dict[str, Any] = Field(default_factory=dict)
    calibration: _Calibration = Field(default_factory=_Calibration)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file.

    Attributes
    ----------
    name, scenario, parameters, outcomes
        What runs, what varies and what is measured (default outcomes if none declared).
    method, n, levels, second_order, num_levels
        The design.
    runs
        Replicates per design point.
    years, scale, seed
        As in :func:`rainforest.experiments.sweep`.
    targets
        Calibration targets (empty if none).
    trials, runs_per_trial, batch, top
        Calibration settings.
    path
        The file it was read from.
    """

    name: str
    scenario: Scenario
    parameters: tuple[Parameter, ...]
    outcomes: tuple[Outcome, ...]
    method: str = "lhs"
    n: int | None = None
    levels: int = 3
    second_order: bool = False
    num_levels: int = 4
    runs: int = 1
    years: int | None = None
    scale: float | None = None
    seed: int = 0
    conf_level: float = 0.95
    targets: tuple[Target, ...] = ()
    trials: int = 40
    runs_per_trial: int = 2
    batch: int = 4
    top: int = 5
    path: Path | None = field(default=None, compare=False)

    def design(self) -> Design:
        """The design of this experiment."""
        return make_design(
            self.method,
            self.parameters,
            n=self.n,
            levels=self.levels,
            second_order=self.second_order,
            num_levels=self.num_levels,
            seed=self.seed % (2**32),
        )


def _parameter(p: _Parameter, where: str) -> Parameter:
    try:
        if p.type == "categorical":
            if p.values is None or p.low is not None or p.high is not None:
                raise ExperimentError("a categorical parameter needs values (and no low/high)")
            return CategoricalParameter(p.path, tuple(p.values), p.name)
        if p.low is None or p.high is None or p.values is not None:
            raise ExperimentError(f"a {p.type} parameter needs low and high (and no values)")
        if p.type == "integer":
            return IntegerParameter(p.path, p.low, p.high, p.name)
        return RealParameter(p.path, p.low, p.high, p.name)
    except ExperimentError as err:
        raise ExperimentError(f"{where}: {err}") from None


def _outcome(o: _Outcome, where: str) -> Outcome:
    try:
        if o.type == "survival":
            if o.metric is not None:
                raise ExperimentError("a survival outcome takes ages, not a metric")
            return SurvivalOutcome(o.name, tuple(o.ages or (12, 24, 36)), o.region)
        if o.metric is None:
            raise ExperimentError(f"a {o.type} outcome needs a metric")
        if o.type == "timeseries":
            return TimeSeriesOutcome(o.name, o.metric, o.region)
        return ScalarOutcome(o.name, o.metric, o.region, o.agg, o.window)
    except ExperimentError as err:
        raise ExperimentError(f"{where}: {err}") from None


def _format(source: str, err: ValidationError) -> str:
    lines = [f"{source}: invalid experiment ({err.error_count()} problem(s))"]
    for e in err.errors():
        path = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
        got = e.get("input")
        got_s = "" if isinstance(got, dict | list) else f" (got {got!r})"
        lines.append(f"  - {path}: {msg}{got_s}")
    return "\n".join(lines)


def _scenario(spec: str, base: Path | None) -> Scenario:
    candidate = (base / spec) if base is not None else None
    try:
        if candidate is not None and candidate.is_file():
            return load_scenario(candidate)
        return load_scenario(spec)
    except ScenarioError as err:
        raise ExperimentError(f"scenario: {err}") from None


def experiment_from_dict(
    data: dict[str, Any], source: str = "<dict>", base: Path | None = None
) -> Experiment:
    """Validate a dict (as read from TOML) into an :class:`Experiment`.

    Parameters
    ----------
    data
        The file's content.
    source
        Name used in error messages.
    base
        Folder that relative scenario paths are resolved against.

    Raises
    ------
    ExperimentError
        With the source, the field path and the reason.
    """
    try:
        f = _File.model_validate(data)
    except ValidationError as err:
        raise ExperimentError(_format(source, err)) from None
    try:
        sc = _scenario(f.scenario, base)
        params = tuple(_parameter(p, f"parameters.{i}") for i, p in enumerate(f.parameters))
        if params:
            params = check_parameters(params, sc)
        outs = tuple(_outcome(o, f"outcomes.{i}") for i, o in enumerate(f.outcomes))
        outs = check_outcomes(outs or default_outcomes())
        try:
            targets = parse_targets(f.targets) if f.targets else ()
        except ExperimentError as err:
            raise ExperimentError(f"targets: {err}") from None
        if f.runs is not None and f.replications is not None:
            raise ExperimentError("give runs or replications (the same thing), not both")
        runs = f.runs or f.replications or 1
        d = f.design
        if d.method != "factorial" and d.n is None and params:
            raise ExperimentError(f"design.n: the {d.method} design needs n")
    except ExperimentError as err:
        raise ExperimentError(f"{source}: {err}") from None
    return Experiment(
        name=f.name or (Path(source).stem if source != "<dict>" else "experiment"),
        scenario=sc,
        parameters=params,
        outcomes=outs,
        method=d.method,
        n=d.n,
        levels=d.levels,
        second_order=d.second_order,
        num_levels=d.num_levels,
        runs=runs,
        years=f.years,
        scale=f.scale,
        seed=f.seed,
        conf_level=f.conf_level,
        targets=targets,
        trials=f.calibration.trials,
        runs_per_trial=f.calibration.runs or runs,
        batch=f.calibration.batch,
        top=f.calibration.top,
    )


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file.

    Parameters
    ----------
    path
        The file; a relative ``scenario`` path inside it is resolved against its folder
        first, then the working directory, then the shipped presets.

    Raises
    ------
    ExperimentError
        If the file is missing, not TOML, or invalid (the message names the field).
    """
    p = Path(path)
    if not p.is_file():
        raise ExperimentError(f"{p}: no such experiment file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ExperimentError(f"{p}: not valid TOML: {err}") from None
    exp = experiment_from_dict(data, str(p), p.parent)
    object.__setattr__(exp, "path", p)
    return exp
