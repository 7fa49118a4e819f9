"""Diagnose districts (question 1 of ``DESIGN.md``): simulate them, then measure.

:func:`diagnose` is the simulating half of ``rainforest diagnose``: it runs each scenario for
``runs`` seeds, resolves the percentile reference (:mod:`rainforest.experiments.reference`)
and hands the finished runs to :func:`rainforest.metrics.scorecard.diagnosis`, which only
measures. Keeping the runs here keeps :mod:`rainforest.metrics` free of simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from rainforest.api import simulate
from rainforest.experiments.reference import resolve
from rainforest.mechanisms.m13_network import ON
from rainforest.metrics import typology as typ
from rainforest.metrics.scorecard import Diagnosis, diagnosis, district_label
from rainforest.scenario import load_scenario, with_values


def _is_result(spec: Any) -> bool:
    return hasattr(spec, "metrics") and hasattr(spec, "scenario")


def _seeds(seed: int, runs: int) -> list:
    """``runs`` seeds: ``seed`` itself for one run, else spawned with ``SeedSequence``."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if runs == 1:
        return [seed]
    return list(np.random.SeedSequence(seed).spawn(runs))


def diagnose(
    scenario: Any = None,
    vs: Sequence[Any] = (),
    years: int | None = None,
    seed: int = 0,
    runs: int = 1,
    scale: float | None = None,
    indicators: str | Path | pd.DataFrame | None = None,
    reference: Any = "auto",
    progress: Callable[[str, int, int], None] | None = None,
    network: bool = False,
) -> Diagnosis:
    """Diagnose one or more districts.

    Parameters
    ----------
    scenario
        A preset name, TOML path, :class:`~rainforest.scenario.Scenario` or a finished
        :class:`~rainforest.result.Result` (used as is; ``years``, ``seed``, ``runs`` ignored).
        May be ``None`` when only observed ``indicators`` are diagnosed.
    vs
        Further scenarios (or results) to diagnose side by side.
    years, seed, runs, scale
        Simulation settings; ``runs`` seeds are spawned from ``seed`` (``SeedSequence``) and
        every number is the mean over runs (``sd`` in the scorecard).
    indicators
        Observed indicators (TOML/CSV path or DataFrame, see
        :func:`~rainforest.metrics.typology.read_observed`), diagnosed as an extra
        ``"observed"`` scenario.
    reference
        Percentile reference: ``"auto"`` (the shipped file, else a cached or freshly built
        one), a DataFrame from :func:`~rainforest.experiments.reference.build_reference`, a
        path, a :class:`~rainforest.metrics.reference.Reference`, or ``None`` for no
        percentiles.
    progress
        Called as ``progress(label, done, total)`` while simulating.
    network
        Switch the living network (M13-M16) on in every simulated scenario; the scorecard then
        has its measures (ties per person, clustering, path length, ties within 1 km, novel
        combinations, genealogy share) and the report a picture of the ties.

    Returns
    -------
    Diagnosis

    Examples
    --------
    >>> from rainforest.experiments.diagnosis import diagnose
    >>> d = diagnose("university-led", years=5, seed=1, reference=None)   # doctest: +SKIP
    >>> d.typology                                                        # doctest: +SKIP
    """
    specs = ([] if scenario is None else [scenario]) + list(vs)
    if not specs and indicators is None:
        raise ValueError("nothing to diagnose: give a scenario or observed indicators")
    taken: set[str] = set()
    labels = [district_label(spec, taken) for spec in specs]
    observed = None
    if indicators is not None:
        obs = indicators if isinstance(indicators, pd.DataFrame) else typ.read_observed(indicators)
        observed = (district_label("observed", taken), obs)
    ref = resolve(reference, years=years)

    def districts() -> Iterator[tuple[str, list[Any]]]:
        for label, spec in zip(labels, specs, strict=True):
            if _is_result(spec):
                yield label, [spec]
                continue
            seeds = _seeds(seed, runs)
            run_spec = with_values(load_scenario(spec), ON) if network else spec
            results = []
            for k, s in enumerate(seeds):
                if progress:
                    progress(label, k, len(seeds))
                results.append(simulate(run_spec, years=years, seed=s, scale=scale))
            if progress:
                progress(label, len(seeds), len(seeds))
            yield label, results

    first: dict[str, Any] = {}

    def keeping_first() -> Iterator[tuple[str, list[Any]]]:
        # the first run's organisations of each district, for the report's network picture
        for label, results in districts():
            if results:
                first[label] = SimpleNamespace(
                    orgs=results[0].orgs, scenario=results[0].scenario, meta=results[0].meta
                )
            yield label, results

    d = diagnosis(
        keeping_first(),
        observed,
        ref,
        meta={"runs": runs, "seed": seed, "years": years, "network": network},
    )
    d.genealogy = first  # label -> (orgs, scenario) of the first run; not one of the tables
    return d
