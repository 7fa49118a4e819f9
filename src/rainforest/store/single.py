"""Store one simulated :class:`~rainforest.result.Result` (``rainforest run``, ``demo``).

Multi-run commands stream their runs through :mod:`rainforest.experiments.runner`; a single run
made in this process is written here as an experiment of its own (kind ``run``) with one run,
so that ``rainforest runs list`` shows it next to sweeps, explanations and dashboard jobs.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from rainforest.store.duck import RunStore
from rainforest.store.paths import resolve_store_path


def store_result(
    res: Any,
    path: Any = None,
    *,
    seed: int,
    years: int,
    kind: str = "run",
    changes: dict[str, Any] | None = None,
    started: float | None = None,
) -> str:
    """Write ``res`` into the run store at ``path`` (default store if None); returns its run id.

    Parameters
    ----------
    res
        A Result from :func:`rainforest.api.simulate`.
    path
        Store file or folder; ``None`` for the default (``$RAINFOREST_STORE`` or per user).
    seed, years
        What the run was asked for (to reproduce it).
    kind
        The experiment kind shown by ``runs list`` (``run``, ``demo``).
    changes
        Lever values set on top of the scenario (``{path: value}``), if any.
    started
        POSIX time the run started (default: now minus its step time).
    """
    from rainforest import __version__
    from rainforest.scenario import scenario_hash, scenario_to_toml

    sc = res.scenario
    now = time.time()
    wall = float(res.meta.get("timings", {}).get("steps_s", 0.0) or 0.0)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    exp_id = f"{kind}-{stamp}-{uuid.uuid4().hex[:6]}"
    params = dict(changes or {})
    rec = {
        "run_id": f"{exp_id}-p0-r0",
        "experiment_id": exp_id,
        "point": 0,
        "replicate": 0,
        "scenario_name": sc.name,
        "scenario_hash": scenario_hash(sc),
        "scenario_toml": scenario_to_toml(sc),
        "parameters": json.dumps(params, default=str, sort_keys=True),
        "seed": int(seed),
        "seed_root": int(seed),
        "seed_index": 0,
        "scale": float(res.meta.get("scale", sc.scale)),
        "years": int(years),
        "package_version": __version__,
        "started": started if started is not None else now - wall,
        "finished": now,
        "wall_s": wall,
        "status": "finished",
        "error": None,
        "simulated_people": int(res.meta.get("simulated_people", 0)),
    }
    definition = {"scenario": rec["scenario_hash"], "seed": seed, "years": years, "levers": params}
    with RunStore(resolve_store_path(path)) as st:
        st.register_experiment(exp_id, kind, sc.name, definition, __version__)
        st.write_run(rec, res.metrics)
    return rec["run_id"]
