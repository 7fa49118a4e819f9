"""``/api/runs``: runs to reopen, from this server's memory and from the run store."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException

from rainforest.web import jobs as J
from rainforest.web.models import RunInfo
from rainforest.web.routes.deps import Manager, Store
from rainforest.web.storage import WEB_PREFIX, WebStore

log = logging.getLogger("rainforest.web")

router = APIRouter(tags=["runs"])


@router.get("/api/runs", response_model=list[RunInfo])
def list_runs(manager: Manager, store: Store) -> list[dict[str, Any]]:
    """Runs to reopen: this server's finished jobs, then the run store's runs."""
    out = []
    seen = set()
    for j in manager.list():
        if j.kind != "run" or j.status not in J.FINAL:
            continue
        seen.update(WebStore.run_id(j.id, k) for k in range(j.runs))
        out.append(
            {
                "run_id": j.id,
                "experiment_id": f"{WEB_PREFIX}{j.id}",
                "scenario": j.scenario.name,
                "seed": j.seed,
                "years": j.years,
                "scale": j.scale,
                "status": "finished" if j.status == "done" else j.status,
                "finished": None,
                "source": "memory",
                "job_id": j.id,
            }
        )
    if store is not None:
        try:
            out += [r for r in store.list_runs() if r["run_id"] not in seen]
        except Exception as err:  # a busy store: list what we have
            log.warning("run store %s: %s", store.path, err)
    return out


@router.get("/api/runs/{run_id}")
def open_run(run_id: str, manager: Manager, store: Store) -> dict[str, Any]:
    """Reopen a run: its series and summary (from memory or from the run store)."""
    job = manager.get(run_id)
    if job is not None:
        return J.detail(job)
    if store is None:
        raise HTTPException(404, f"unknown run {run_id!r} (this server has no run store)")
    try:
        row, metrics = store.load(run_id)
    except KeyError:
        raise HTTPException(404, f"unknown run {run_id!r}") from None
    except Exception as err:
        raise HTTPException(503, f"run store unavailable: {err}") from None
    return {
        "id": str(row["run_id"]),
        "kind": "stored",
        "label": str(row["scenario_name"]),
        "scenario": str(row["scenario_name"]),
        "status": str(row["status"]),
        "seed": J.jsonable(row.get("seed")),
        "years": J.jsonable(row.get("years")),
        "scale": J.jsonable(row.get("scale")),
        "series": J.series_payload(metrics),
        "summary": J.summary_rows(metrics),
        "has_report": False,
    }
