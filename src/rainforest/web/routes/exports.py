"""``.../metrics.csv`` and ``.../metrics.xlsx``: a finished job's or a stored run's metrics
as a download (one row per month and region, and run for a job of several seeds)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from rainforest.web import export
from rainforest.web.routes.deps import Manager, Store, job_or_404
from rainforest.web.routes.sessions import download

router = APIRouter(tags=["downloads"])


@router.get("/api/jobs/{job_id}/metrics.{fmt}")
def job_metrics(job_id: str, fmt: str, manager: Manager) -> Response:
    """A finished run's metrics (CSV or Excel with a sheet of labels and units)."""
    if fmt not in export.MEDIA:
        raise HTTPException(404, "formats: metrics.csv, metrics.xlsx")
    job = job_or_404(manager, job_id)
    if job.result is None or not hasattr(job.result, "metrics"):
        raise HTTPException(409, f"job {job_id} has no metrics (status {job.status})")
    return download(job.result.metrics, job.scenario.name, fmt)


@router.get("/api/runs/{run_id}/metrics.{fmt}")
def run_metrics(run_id: str, fmt: str, store: Store) -> Response:
    """A stored run's metrics (CSV or Excel)."""
    if fmt not in export.MEDIA:
        raise HTTPException(404, "formats: metrics.csv, metrics.xlsx")
    if store is None:
        raise HTTPException(404, f"unknown run {run_id!r} (this server has no run store)")
    try:
        row, metrics = store.load(run_id)
    except KeyError:
        raise HTTPException(404, f"unknown run {run_id!r}") from None
    return download(metrics, str(row["scenario_name"]), fmt)


@router.get("/api/jobs/{job_id}/network")
def job_network(job_id: str, manager: Manager) -> dict:
    """The spin-off genealogy of a finished run (one seed) as a sampled picture: at most 300
    nodes, igraph's Reingold–Tilford layout (:mod:`rainforest.report.graph`)."""
    from rainforest.report import graph
    from rainforest.report.network import institution_names

    job = job_or_404(manager, job_id)
    res = job.result
    if res is None or not hasattr(res, "orgs"):
        raise HTTPException(409, f"job {job_id} has no single run's organisations")
    pic = graph.genealogy_picture(res.orgs, institution_names(res))
    return {
        "kind": "genealogy",
        "available": pic is not None,
        "picture": pic.to_json() if pic else None,
    }
