"""Designs: the points an experiment evaluates, drawn in the unit cube and mapped to values.

Samplers work in [0, 1]^k and each parameter maps its coordinate to a value, so Latin
hypercube, Sobol (Saltelli) and Morris samples from SALib apply unchanged to integer and
categorical parameters. The unit sample is kept because SALib's analysers need it (Morris)
or need its row order (Sobol).

References
----------
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. Computer Physics Communications 181, 259-270.
doi:10.1016/j.cpc.2009.09.018

Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33(2), 161-174. doi:10.1080/00401706.1991.10484804
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rainforest.experiments.parameters import (
    ExperimentError,
    Parameter,
    check_parameters,
    point_values,
)

METHODS = ("factorial", "lhs", "sobol", "morris")


@dataclass(frozen=True)
class Design:
    """Points of an experiment.

    Attributes
    ----------
    method
        ``"factorial"``, ``"lhs"``, ``"sobol"``, ``"morris"`` or ``"points"``.
    parameters
        The declared parameters, in column order.
    values
        One ``{path: value}`` dict per point, in point order.
    unit
        The unit-cube sample (``n_points x n_parameters``), or ``None`` for factorial and
        explicit designs.
    options
        Sampler settings (``n``, ``levels``, ``second_order``, ``num_levels``, ``seed``).
    """

    method: str
    parameters: tuple[Parameter, ...]
    values: tuple[dict[str, Any], ...]
    unit: np.ndarray | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem of the unit cube (names are the parameter labels)."""
        return {
            "num_vars": len(self.parameters),
            "names": [p.label for p in self.parameters],
            "bounds": [[0.0, 1.0]] * len(self.parameters),
        }

    def to_df(self) -> pd.DataFrame:
        """One row per point: ``point`` and one column per parameter label."""
        rows = [
            {"point": i, **{p.label: v[p.path] for p in self.parameters}}
            for i, v in enumerate(self.values)
        ]
        return pd.DataFrame(rows)


def _from_unit(method: str, params: tuple[Parameter, ...], unit: np.ndarray, **opts) -> Design:
    values = tuple(point_values(params, row) for row in unit)
    return Design(method, params, values, np.asarray(unit, dtype=float), opts)


def _seed(seed: int | None) -> int | None:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ExperimentError(f"design seed must be a non-negative integer, got {seed!r}")
    return seed


def full_factorial(parameters: Sequence[Parameter], levels: int = 3) -> Design:
    """Every combination of ``levels`` values per parameter (all categories, small integer
    ranges in full).

    Parameters
    ----------
    parameters
        Declared parameters.
    levels
        Values per real parameter (evenly spaced from low to high), at least 2.
    """
    params = check_parameters(parameters)
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise ExperimentError(f"factorial design: levels must be an integer >= 2, got {levels!r}")
    grids = [p.levels(levels) for p in params]
    values = tuple(
        {p.path: v for p, v in zip(params, combo, strict=True)}
        for combo in itertools.product(*grids)
    )
    return Design("factorial", params, values, None, {"levels": levels})


def latin_hypercube(parameters: Sequence[Parameter], n: int, seed: int | None = 0) -> Design:
    """``n`` points of a Latin hypercube (SALib ``sample.latin``): one point per stratum of
    every parameter."""
    params = check_parameters(parameters)
    _check_n(n, "lhs design: n", 1)
    from SALib.sample import latin

    d = Design("lhs", params, (), None)
    unit = latin.sample(d.problem, n, seed=_seed(seed))
    return _from_unit("lhs", params, unit, n=n, seed=seed)


def sobol(
    parameters: Sequence[Parameter],
    n: int,
    second_order: bool = False,
    seed: int | None = 0,
) -> Design:
    """Saltelli's extension of a Sobol sequence (SALib ``sample.sobol``) for Sobol indices:
    ``n * (k + 2)`` points (``n * (2k + 2)`` with second order) for ``k`` parameters.

    ``n`` should be a power of two (SALib warns otherwise).
    """
    params = check_parameters(parameters)
    _check_n(n, "sobol design: n", 2)
    from SALib.sample import sobol as sobol_sample

    d = Design("sobol", params, (), None)
    unit = sobol_sample.sample(d.problem, n, calc_second_order=second_order, seed=_seed(seed))
    return _from_unit("sobol", params, unit, n=n, second_order=second_order, seed=seed)


def morris(
    parameters: Sequence[Parameter],
    n: int,
    num_levels: int = 4,
    seed: int | None = 0,
) -> Design:
    """``n`` Morris trajectories (SALib ``sample.morris``): ``n * (k + 1)`` points."""
    params = check_parameters(parameters)
    _check_n(n, "morris design: n (trajectories)", 2)
    if isinstance(num_levels, bool) or not isinstance(num_levels, int) or num_levels < 2:
        raise ExperimentError(
            f"morris design: num_levels must be an integer >= 2, got {num_levels}"
        )
    from SALib.sample import morris as morris_sample

    d = Design("morris", params, (), None)
    unit = morris_sample.sample(d.problem, n, num_levels=num_levels, seed=_seed(seed))
    return _from_unit("morris", params, unit, n=n, num_levels=num_levels, seed=seed)


def points(parameters: Sequence[Parameter], values: Sequence[dict[str, Any]]) -> Design:
    """An explicit list of points, each ``{path: value}`` over the declared parameters."""
    params = check_parameters(parameters)
    paths = {p.path for p in params}
    out = []
    for i, v in enumerate(values):
        if set(v) != paths:
            raise ExperimentError(
                f"point {i}: expected values for {sorted(paths)}, got {sorted(v)}"
            )
        out.append(dict(v))
    if not out:
        raise ExperimentError("an explicit design needs at least one point")
    return Design("points", params, tuple(out), None)


def _check_n(n: Any, what: str, minimum: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ExperimentError(f"{what} must be an integer >= {minimum}, got {n!r}")


def make_design(
    method: str,
    parameters: Sequence[Parameter],
    n: int | None = None,
    levels: int = 3,
    second_order: bool = False,
    num_levels: int = 4,
    seed: int | None = 0,
) -> Design:
    """Build a design by name (``factorial``, ``lhs``, ``sobol``, ``morris``)."""
    if method == "factorial":
        return full_factorial(parameters, levels)
    if method not in METHODS:
        raise ExperimentError(f"design method must be one of {METHODS}, got {method!r}")
    if n is None:
        raise ExperimentError(f"{method} design: n is required")
    if method == "lhs":
        return latin_hypercube(parameters, n, seed)
    if method == "sobol":
        return sobol(parameters, n, second_order, seed)
    return morris(parameters, n, num_levels, seed)
