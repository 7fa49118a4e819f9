"""The library's front door: load a scenario, simulate it, get a Result."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.engine import Engine
from rainforest.engine.core import SeedLike
from rainforest.result import Result, build_result, metrics_frame
from rainforest.scenario import Scenario, load_scenario
from rainforest.scenario.budget import check_budget


def _seed_info(seed: SeedLike) -> Any:
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    if isinstance(seed, np.random.Generator):
        return "generator"
    return seed


def simulate(
    scenario: str | Path | dict | Scenario,
    years: int | None = None,
    seed: SeedLike = 0,
    scale: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_month: Callable[[int, int, Callable[[], pd.DataFrame]], None] | None = None,
    network_measures: bool = True,
) -> Result:
    """Simulate a scenario and return its :class:`~rainforest.result.Result`.

    Parameters
    ----------
    scenario
        A preset name (``"hangzhou"``), a TOML path, a dict or a :class:`Scenario`.
    years
        Reported years (after the scenario's warm-up); default: the scenario's ``years``.
    seed
        ``int``, ``SeedSequence`` or ``Generator``; the same seed gives the same numbers.
    scale
        Real people per simulated person (default: the scenario's ``scale``). Outputs are in
        real units whatever the scale; a smaller scale means less noise and more time.
    progress
        Called as ``progress(done_months, total_months)`` after every month.
    on_month
        Called as ``on_month(done_months, total_months, metrics_so_far)`` after every month,
        where ``metrics_so_far()`` returns the reported months so far in the layout of
        ``Result.metrics`` (for live charts; building it costs time, so call it sparingly).
        Either callback may raise to abandon the run.
    network_measures
        With the living network on, measure it at the end (``Result.meta["network"]`` and
        ``["network_sample"]``, about 40 ms a run at scale 40). ``False`` skips them, for batch
        runs that read only the metrics, events and organisations; the run itself is the same.

    Examples
    --------
    >>> import rainforest as rf
    >>> res = rf.simulate("hangzhou", years=5, seed=1)   # doctest: +SKIP
    >>> res.summary()                                      # doctest: +SKIP
    """
    from rainforest import __version__

    sc = load_scenario(scenario)
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, got {seed}")
    if isinstance(years, float) and not years.is_integer():
        raise ValueError(f"years must be a whole number, got {years}")
    yrs = sc.years if years is None else int(years)
    if yrs < 1:
        raise ValueError(f"years must be at least 1, got {yrs}")
    source = str(scenario) if isinstance(scenario, str | Path) else None
    check_budget(sc, years=yrs, scale=scale, source=source)
    t0 = time.perf_counter()
    eng = Engine(sc, seed=seed, scale=scale)
    eng.timings["build_s"] = time.perf_counter() - t0
    if on_month is None:
        eng.run(12 * yrs, progress=progress)
    else:

        def each_month(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            on_month(done, total, lambda: metrics_frame(eng))

        eng.run(12 * yrs, progress=each_month)
    return build_result(eng, _seed_info(seed), __version__, network=network_measures)
