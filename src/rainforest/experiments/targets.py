"""Calibration targets: observed numbers the model should reproduce, written the way people
say them ("foundings per month", "ipos per year in campus", a survival curve).

Grammar of a target name: ``[total] METRIC [per month | per year | at end] [in REGION]``.

- ``foundings per month``: mean over reported months of the all-region sum;
- ``foundings per year``: the same times 12;
- ``foundings`` or ``total foundings``: sum over the run;
- ``people at end``: value at the last month;
- ``survival``: a curve ``{age_in_months: share_alive}``.

The fit of a target is its relative error, ``(simulated - target) / |target|`` (absolute
when the target is 0); calibration minimises the weighted sum of squared fits, counting a
value the runs could not measure as a 100% error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from rainforest.experiments.outcomes import (
    METRIC_NAMES,
    ScalarOutcome,
    SurvivalOutcome,
)
from rainforest.experiments.parameters import ExperimentError

_PATTERN = re.compile(
    r"^\s*(?P<total>total\s+)?(?P<metric>[a-z0-9_ ]+?)"
    r"(?:\s+(?P<per>per month|per year|at end))?"
    r"(?:\s+in\s+(?P<region>[\w\-]+))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    """One calibration target.

    Parameters
    ----------
    name
        As written by the user (and in result tables).
    outcome
        What is measured per run.
    value
        The target: a number, or one share per age for a survival curve.
    factor
        Multiplies the measured outcome (12 for "per year" of a monthly mean).
    weight
        Weight in the loss.
    """

    name: str
    outcome: ScalarOutcome | SurvivalOutcome
    value: float | tuple[float, ...]
    factor: float = 1.0
    weight: float = 1.0

    def columns(self) -> list[str]:
        """Columns of the per-run outcomes table this target reads."""
        if isinstance(self.outcome, SurvivalOutcome):
            return [f"{self.outcome.name}_{a}" for a in self.outcome.ages]
        return [self.outcome.name]

    def values(self) -> np.ndarray:
        """Target value(s) as an array aligned with :meth:`columns`."""
        return np.atleast_1d(np.asarray(self.value, dtype=float))

    def errors(self, simulated: np.ndarray) -> np.ndarray:
        """Relative errors of simulated values (already multiplied by ``factor``)."""
        t = self.values()
        scale = np.where(t == 0, 1.0, np.abs(t))
        return (np.asarray(simulated, dtype=float) - t) / scale

    def loss(self, simulated: np.ndarray) -> float:
        """Weighted mean squared relative error; a value the runs could not measure (NaN,
        e.g. a survival age no startup reached) counts as a 100% error, so such trials rank
        behind every measured one instead of failing."""
        err = np.nan_to_num(self.errors(simulated), nan=1.0)
        return float(self.weight * np.mean(err**2))


def _number(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise ExperimentError(f"{what} must be a number, got {v!r}")
    if not math.isfinite(float(v)):
        raise ExperimentError(f"{what} must be finite, got {v!r}")
    return float(v)


def _survival(name: str, value: Any, weight: float) -> Target:
    if isinstance(value, Mapping):
        pairs = sorted((int(k), v) for k, v in value.items())
    elif isinstance(value, list | tuple) and all(isinstance(p, list | tuple) for p in value):
        pairs = sorted((int(a), v) for a, v in value)
    else:
        raise ExperimentError(
            f"target {name!r}: a survival curve is {{age_months: share}}, got {value!r}"
        )
    for a, v in pairs:
        s = _number(v, f"target {name!r} at age {a}")
        if not 0 <= s <= 1:
            raise ExperimentError(f"target {name!r}: share at age {a} must be in [0, 1], got {v}")
    ages = tuple(a for a, _ in pairs)
    region = None
    m = re.match(r"^survival(?:\s+in\s+(?P<region>[\w\-]+))?$", name.strip())
    if m:
        region = m.group("region")
    label = "survival" if region is None else f"survival_{region}"
    out = SurvivalOutcome(name=label, ages=ages, region=region)
    return Target(name, out, tuple(float(v) for _, v in pairs), weight=weight)


def parse_target(name: str, value: Any, weight: float = 1.0) -> Target:
    """A :class:`Target` from a name in the grammar above and its value."""
    if not isinstance(name, str) or not name.strip():
        raise ExperimentError(f"a target name must be a non-empty string, got {name!r}")
    weight = _number(weight, f"target {name!r}: weight")
    if weight <= 0:
        raise ExperimentError(f"target {name!r}: weight must be positive, got {weight}")
    if name.strip().startswith("survival"):
        return _survival(name, value, weight)
    m = _PATTERN.match(name)
    metric = m.group("metric").strip().lower().replace(" ", "_") if m else ""
    if not m or metric not in METRIC_NAMES:
        raise ExperimentError(
            f"target {name!r}: expected '[total] METRIC [per month|per year|at end] "
            f"[in REGION]' with METRIC one of {', '.join(METRIC_NAMES)}, or 'survival'"
        )
    v = _number(value, f"target {name!r}")
    per, region = (m.group("per") or "").lower() or None, m.group("region")
    col = re.sub(r"\W+", "_", name.strip().lower()).strip("_")
    if per == "per month":
        return Target(name, ScalarOutcome(col, metric, region, "mean"), v, weight=weight)
    if per == "per year":
        return Target(name, ScalarOutcome(col, metric, region, "mean"), v, 12.0, weight)
    if per == "at end":
        return Target(name, ScalarOutcome(col, metric, region, "last"), v, weight=weight)
    return Target(name, ScalarOutcome(col, metric, region, "sum"), v, weight=weight)


def parse_targets(targets: Mapping[str, Any] | list[Target]) -> tuple[Target, ...]:
    """Targets from ``{name: value}`` (or ``{name: {"value": v, "weight": w}}``) or a list."""
    if isinstance(targets, Mapping):
        out = []
        for k, v in targets.items():
            if isinstance(v, Mapping) and "value" in v:
                extra = set(v) - {"value", "weight"}
                if extra:
                    raise ExperimentError(f"target {k!r}: unknown keys {sorted(extra)}")
                out.append(parse_target(k, v["value"], v.get("weight", 1.0)))
            else:
                out.append(parse_target(k, v))
    else:
        out = list(targets)
        for t in out:
            if not isinstance(t, Target):
                raise ExperimentError(f"expected Target objects, got {t!r}")
    if not out:
        raise ExperimentError("calibration needs at least one target")
    names = [t.outcome.name for t in out]
    if len(set(names)) != len(names):
        raise ExperimentError(f"targets measure the same outcome twice: {names}")
    return tuple(out)
