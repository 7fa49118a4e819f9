"""Declared parameters: what an experiment varies, as dotted scenario paths with ranges.

Users write *what* varies (``RealParameter("regions.campus.policy.sandbox", 0, 1)``), not a
loop; designs (factorial, Latin hypercube, Sobol, Morris) then produce points that one runner
evaluates (the EMA workbench's ``RealParameter`` / ``CategoricalParameter``). Every parameter
maps a number in [0, 1) to a value, so every sampler can work in the unit cube and the
parameter decides what an integer or a category means.

A value is applied with :func:`rainforest.scenario.with_values`, so the scenario schema stays
the single judge of what is valid; :func:`check_parameters` tries the extremes up front so a
bad range fails before any run starts, naming the path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rainforest.scenario import Scenario, ScenarioError, get_value, with_values


class ExperimentError(ValueError):
    """An experiment, parameter, outcome or design is invalid; the message says which and why."""


def _check_path(path: Any, kind: str) -> str:
    if not isinstance(path, str) or not path.strip():
        raise ExperimentError(f"{kind}: path must be a non-empty dotted string, got {path!r}")
    parts = path.split(".")
    if any(not p.strip() for p in parts):
        raise ExperimentError(f"{kind} {path!r}: empty segment in dotted path")
    return path


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ExperimentError(f"{what} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ExperimentError(f"{what} must be finite, got {value!r}")
    return v


@dataclass(frozen=True)
class RealParameter:
    """A continuous parameter, uniform on ``[low, high]``.

    Parameters
    ----------
    path
        Dotted scenario path, e.g. ``"regions.campus.policy.service_latency_days"``; list
        items are addressed by ``name`` or index (see :func:`rainforest.scenario.with_values`).
    low, high
        Bounds, ``low < high``.
    name
        Short label for tables (default: the path).
    """

    path: str
    low: float
    high: float
    name: str | None = None

    def __post_init__(self) -> None:
        _check_path(self.path, "RealParameter")
        low = _finite(self.low, f"RealParameter {self.path!r}: low")
        high = _finite(self.high, f"RealParameter {self.path!r}: high")
        if not low < high:
            raise ExperimentError(
                f"RealParameter {self.path!r}: low must be below high, got low={low}, high={high}"
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    @property
    def label(self) -> str:
        """The column name used in result tables."""
        return self.name or self.path

    def from_unit(self, u: float) -> float:
        """The value at position ``u`` in [0, 1] of the range."""
        return float(self.low + float(u) * (self.high - self.low))

    def levels(self, n: int) -> list[float]:
        """``n`` evenly spaced values from low to high (full factorial designs)."""
        return [float(x) for x in np.linspace(self.low, self.high, n)]

    def extremes(self) -> list[float]:
        """Values tried by :func:`check_parameters`."""
        return [self.low, self.high]


@dataclass(frozen=True)
class IntegerParameter:
    """An integer parameter, uniform on ``low, low + 1, ..., high`` (both included)."""

    path: str
    low: int
    high: int
    name: str | None = None

    def __post_init__(self) -> None:
        _check_path(self.path, "IntegerParameter")
        for which in ("low", "high"):
            v = getattr(self, which)
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                if isinstance(v, float) and v.is_integer():
                    object.__setattr__(self, which, int(v))
                    continue
                raise ExperimentError(
                    f"IntegerParameter {self.path!r}: {which} must be an integer, got {v!r}"
                )
            object.__setattr__(self, which, int(v))
        if not self.low < self.high:
            raise ExperimentError(
                f"IntegerParameter {self.path!r}: low must be below high, "
                f"got low={self.low}, high={self.high}"
            )

    @property
    def label(self) -> str:
        """The column name used in result tables."""
        return self.name or self.path

    def from_unit(self, u: float) -> int:
        """Equal-width bins of [0, 1] mapped to the integers low..high."""
        k = self.high - self.low + 1
        return int(self.low + min(int(math.floor(float(u) * k)), k - 1))

    def levels(self, n: int) -> list[int]:
        """Every integer if there are at most ``n``, else ``n`` evenly spaced ones."""
        if self.high - self.low + 1 <= n:
            return list(range(self.low, self.high + 1))
        return sorted({int(round(x)) for x in np.linspace(self.low, self.high, n)})

    def extremes(self) -> list[int]:
        """Values tried by :func:`check_parameters`."""
        return [self.low, self.high]


@dataclass(frozen=True)
class CategoricalParameter:
    """A parameter that takes one of a few listed values (numbers, strings or booleans)."""

    path: str
    values: tuple[Any, ...]
    name: str | None = None

    def __post_init__(self) -> None:
        _check_path(self.path, "CategoricalParameter")
        vals = self.values
        if isinstance(vals, str | bytes) or not isinstance(vals, Iterable):
            raise ExperimentError(
                f"CategoricalParameter {self.path!r}: values must be a list, got {vals!r}"
            )
        vals = tuple(v.item() if isinstance(v, np.generic) else v for v in vals)
        if len(vals) < 2:
            raise ExperimentError(
                f"CategoricalParameter {self.path!r}: needs at least two values, got {list(vals)}"
            )
        for v in vals:
            if not isinstance(v, str | int | float | bool):
                raise ExperimentError(
                    f"CategoricalParameter {self.path!r}: values must be numbers, strings or "
                    f"booleans, got {v!r}"
                )
            if isinstance(v, float) and not math.isfinite(v):
                raise ExperimentError(
                    f"CategoricalParameter {self.path!r}: values must be finite, got {v!r}"
                )
        if len({(type(v), v) for v in vals}) != len(vals):
            raise ExperimentError(
                f"CategoricalParameter {self.path!r}: values must be distinct, got {list(vals)}"
            )
        object.__setattr__(self, "values", vals)

    @property
    def label(self) -> str:
        """The column name used in result tables."""
        return self.name or self.path

    def from_unit(self, u: float) -> Any:
        """Equal-width bins of [0, 1] mapped to the listed values."""
        k = len(self.values)
        return self.values[min(int(math.floor(float(u) * k)), k - 1)]

    def levels(self, n: int) -> list[Any]:
        """Every value (a factorial design always crosses all categories)."""
        return list(self.values)

    def extremes(self) -> list[Any]:
        """Values tried by :func:`check_parameters` (all of them)."""
        return list(self.values)


Parameter = RealParameter | IntegerParameter | CategoricalParameter


def check_parameters(
    parameters: Sequence[Parameter], scenario: Scenario | None = None
) -> tuple[Parameter, ...]:
    """Validate a list of parameters, and against ``scenario`` if given.

    Checks that every item is a parameter, that paths and labels are unique, that each path
    exists in the scenario, and that each parameter's extreme values give a valid scenario.

    Raises
    ------
    ExperimentError
        Naming the parameter path and the reason.
    """
    params = tuple(parameters)
    if not params:
        raise ExperimentError("an experiment needs at least one parameter")
    for p in params:
        if not isinstance(p, RealParameter | IntegerParameter | CategoricalParameter):
            raise ExperimentError(
                f"expected RealParameter, IntegerParameter or CategoricalParameter, got {p!r}"
            )
    paths = [p.path for p in params]
    dup = sorted({x for x in paths if paths.count(x) > 1})
    if dup:
        raise ExperimentError(f"parameter paths must be unique; repeated: {dup}")
    labels = [p.label for p in params]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise ExperimentError(f"parameter names must be unique; repeated: {dup}")
    if scenario is not None:
        for p in params:
            try:
                current = get_value(scenario, p.path)
            except ScenarioError as err:
                raise ExperimentError(
                    f"parameter {p.path!r}: not a field of scenario {scenario.name!r} ({err})"
                ) from None
            if isinstance(current, dict | list):
                raise ExperimentError(
                    f"parameter {p.path!r}: points to a table or list, not a single value"
                )
            for v in p.extremes():
                try:
                    with_values(scenario, {p.path: v})
                except ScenarioError as err:
                    first = str(err).splitlines()[-1].strip(" -")
                    raise ExperimentError(
                        f"parameter {p.path!r}: value {v!r} is invalid for scenario "
                        f"{scenario.name!r}: {first}"
                    ) from None
    return params


def point_values(parameters: Sequence[Parameter], unit_row: Sequence[float]) -> dict[str, Any]:
    """Map one row of the unit cube to ``{path: value}`` (plain Python numbers)."""
    return {p.path: p.from_unit(u) for p, u in zip(parameters, unit_row, strict=True)}
