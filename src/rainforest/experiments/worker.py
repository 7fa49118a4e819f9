"""What runs in a worker process: one :class:`RunSpec` in, one :class:`RunOutput` out.

Everything here must be importable and picklable in a freshly ``spawn``-ed process or on a
Dask worker: a spec carries the scenario as plain data and the integer seed, and
:func:`run_one` is a pure function of it. It returns only what the parent needs: the
metrics table, small per-run summaries (survival curves) and, when a store keeps them, the
events as an Arrow table. Errors are returned, not raised, so one bad run cannot break a pool.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from rainforest.experiments.outcomes import SurvivalOutcome
from rainforest.scenario import Scenario


class RunFailedError(RuntimeError):
    """A run raised an error in its worker; the message carries the worker's traceback."""


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run (picklable, no open resources)."""

    run_id: str
    experiment_id: str
    point: int
    replicate: int
    seed: int
    seed_root: int
    scenario: dict[str, Any]
    scenario_hash: str
    digest: str
    years: int
    scale: float
    events: bool = False
    summaries: tuple[SurvivalOutcome, ...] = ()


@dataclass
class RunOutput:
    """What a worker sends back: metrics, small summaries and, on request, events."""

    run_id: str
    status: Literal["finished", "failed"]
    started: float
    finished: float
    wall_s: float
    metrics: pd.DataFrame | None = None
    events: Any = None
    summaries: list[tuple[str, float, float]] = field(default_factory=list)
    simulated_people: int | None = None
    error: str | None = None


_SCENARIO_CACHE: dict[str, Scenario] = {}


def _scenario(spec: RunSpec) -> Scenario:
    from rainforest.scenario import scenario_from_dict

    sc = _SCENARIO_CACHE.get(spec.digest)
    if sc is None:
        if len(_SCENARIO_CACHE) > 64:
            _SCENARIO_CACHE.clear()
        sc = scenario_from_dict(spec.scenario, f"run {spec.run_id}")
        _SCENARIO_CACHE[spec.digest] = sc
    return sc


def _events_table(events: pd.DataFrame) -> Any:
    """Events as a pyarrow table with categories as plain text (portable in DuckDB/Parquet)."""
    import pyarrow as pa

    cols = {}
    for c in events.columns:
        s = events[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            vals = s.astype(object).where(s.notna(), None)
            cols[c] = pa.array(vals.tolist(), type=pa.string())
        else:
            cols[c] = pa.array(s.to_numpy())
    return pa.table(cols)


def run_one(spec: RunSpec) -> RunOutput:
    """Run one spec (in a worker); errors are returned, not raised, so one bad run cannot
    take down a pool."""
    from rainforest.api import simulate

    started = time.time()
    t0 = time.perf_counter()
    try:
        res = simulate(  # only metrics, summaries and events leave the worker
            _scenario(spec), years=spec.years, seed=spec.seed, scale=spec.scale,
            network_measures=False,
        )  # fmt: skip
        summaries = []
        for s in spec.summaries:
            curve = s.evaluate_result(res)
            summaries += [(s.name, float(a), float(v)) for a, v in zip(s.ages, curve, strict=True)]
        return RunOutput(
            run_id=spec.run_id,
            status="finished",
            started=started,
            finished=time.time(),
            wall_s=time.perf_counter() - t0,
            metrics=res.metrics,
            events=_events_table(res.events) if spec.events else None,
            summaries=summaries,
            simulated_people=int(res.meta.get("simulated_people", 0)),
        )
    except Exception:
        return RunOutput(
            run_id=spec.run_id,
            status="failed",
            started=started,
            finished=time.time(),
            wall_s=time.perf_counter() - t0,
            error=traceback.format_exc(limit=8),
        )
