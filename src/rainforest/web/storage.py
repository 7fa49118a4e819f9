"""The dashboard's link to the run store (:mod:`rainforest.store`): finished, stopped and
interrupted jobs are written as runs (a finished job of several seeds as one run per seed), and
stored runs can be listed and reopened.

The DuckDB file is opened for each operation and closed at once, so the command line
(``rainforest runs list``) can read it while the server runs. Each dashboard job is its own
experiment ``web-<job id>`` (kind ``web``) with runs ``web-<job id>-p0-r<k>``.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

WEB_PREFIX = "web-"


class WebStore:
    """Reads and writes dashboard runs in a DuckDB run store.

    Parameters
    ----------
    path
        The store file (or folder); see :func:`rainforest.store.resolve_store_path`.
    """

    def __init__(self, path: str | Path):
        from rainforest.store import resolve_store_path

        self.path = resolve_store_path(path)
        self._lock = threading.Lock()

    def _open(self, read_only: bool = False):
        from rainforest.store import RunStore

        return RunStore(self.path, read_only=read_only)

    @staticmethod
    def run_id(job_id: str, replicate: int = 0) -> str:
        """The store's run id of a dashboard job (of one of its runs, for several seeds)."""
        return f"{WEB_PREFIX}{job_id}-p0-r{replicate}"

    def record(
        self,
        job: Any,
        status: str,
        metrics: pd.DataFrame | None = None,
        error: str | None = None,
        replicate: int = 0,
        seed: int | None = None,
    ) -> None:
        """Write (or overwrite) the run of ``job`` with ``status`` and, if given, its metrics.

        A job of several seeds writes each run as ``replicate`` with the ``seed`` it used (the
        job's seed is then their root)."""
        from rainforest import __version__
        from rainforest.scenario import scenario_hash, scenario_to_toml

        exp_id = f"{WEB_PREFIX}{job.id}"
        sc = job.scenario
        rec = {
            "run_id": self.run_id(job.id, replicate),
            "experiment_id": exp_id,
            "point": 0,
            "replicate": int(replicate),
            "scenario_name": sc.name,
            "scenario_hash": scenario_hash(sc),
            "scenario_toml": scenario_to_toml(sc),
            "parameters": json.dumps(job.levers, default=str, sort_keys=True),
            "seed": int(job.seed if seed is None else seed),
            "seed_root": int(job.seed),
            "seed_index": int(replicate),
            "scale": float(job.scale),
            "years": int(job.years),
            "package_version": __version__,
            "started": job.started,
            "finished": job.finished or time.time(),
            "wall_s": (job.finished or time.time()) - (job.started or time.time()),
            "status": status,
            "error": error,
            "simulated_people": int(job.simulated_people or 0),
        }
        definition = {
            "scenario": rec["scenario_hash"],
            "seed": job.seed,
            "runs": int(getattr(job, "runs", 1)),
            "years": job.years,
            "scale": job.scale,
            "levers": job.levers,
        }
        with self._lock, self._open() as st:
            st.register_experiment(exp_id, "web", sc.name, definition, __version__)
            st.write_run(rec, metrics)

    def mark_interrupted(self, job: Any) -> None:
        """Record a job cut short by a server stop."""
        self.record(job, "interrupted", error="the server stopped while this job ran")

    def sweep_stale(self) -> int:
        """Mark dashboard runs left ``running`` by a server that died as ``interrupted``."""
        if not self.path.exists():
            return 0
        with self._lock, self._open() as st:
            runs = st.runs()
            stale = runs[
                runs["experiment_id"].astype(str).str.startswith(WEB_PREFIX)
                & (runs["status"] == "running")
            ]
            return st.set_status(
                stale["run_id"], "interrupted", "the server stopped while this job ran"
            )

    def list_runs(self, limit: int = 200) -> list[dict[str, Any]]:
        """Stored runs (every experiment), newest first, as JSON-ready dicts."""
        if not self.path.exists():
            return []
        with self._lock, self._open(read_only=True) as st:
            runs = st.runs(limit=limit)
        out = []
        for r in runs.to_dict("records"):
            out.append(
                {
                    "run_id": str(r["run_id"]),
                    "experiment_id": str(r["experiment_id"]),
                    "scenario": str(r["scenario_name"]),
                    "seed": None if pd.isna(r["seed"]) else int(r["seed"]),
                    "years": None if pd.isna(r["years"]) else int(r["years"]),
                    "scale": None if pd.isna(r["scale"]) else float(r["scale"]),
                    "status": str(r["status"]),
                    "finished": None if pd.isna(r["finished"]) else str(r["finished"])[:19],
                    "source": "store",
                }
            )
        return out

    def load(self, run_id: str) -> tuple[dict[str, Any], pd.DataFrame]:
        """A stored run's row and metrics.

        Raises
        ------
        KeyError
            If the store or the run does not exist.
        """
        from rainforest.store import StoreError

        if not self.path.exists():
            raise KeyError(run_id)
        with self._lock, self._open(read_only=True) as st:
            try:
                row = st.run(run_id)
            except StoreError:
                raise KeyError(run_id) from None
            metrics = st.load_metrics([row["run_id"]])
        return row, metrics.drop(columns=["run_id"], errors="ignore")
