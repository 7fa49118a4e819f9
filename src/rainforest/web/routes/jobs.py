"""``/api/jobs``: start a run (one seed or several) in the background, list jobs, poll one for
its progress and series, and stop it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from rainforest.scenario import ScenarioError
from rainforest.web import jobs as J
from rainforest.web.models import JobDetail, JobInfo, RunRequest
from rainforest.web.routes.deps import (
    Manager,
    MaxPersonMonths,
    Scenarios,
    check_budget,
    check_size,
    entry,
    job_or_404,
)
from rainforest.web.scenarios import apply_levers, person_months

router = APIRouter(tags=["jobs"])


@router.post(
    "/api/jobs",
    response_model=JobInfo,
    status_code=202,
    responses={
        404: {"description": "Unknown scenario."},
        422: {"description": "Invalid request, invalid lever value, or over the size cap."},
        429: {"description": "Too many jobs at once."},
    },
)
def start_job(
    req: RunRequest, manager: Manager, catalogue: Scenarios, cap: MaxPersonMonths
) -> dict[str, Any]:
    """Start a run in the background; poll GET /api/jobs/{id} for progress and series."""
    e = entry(catalogue, req.scenario)
    try:
        sc = e.scenario
        if req.package:  # a named policy package first, the levers on top
            from rainforest.packages import PackageError, apply

            try:
                sc = apply(sc, req.package, region=req.package_region or None)
            except PackageError as err:
                raise HTTPException(422, str(err)) from None
        sc = apply_levers(sc, req.levers)
    except ScenarioError as err:
        raise HTTPException(422, str(err)) from None
    scale = float(req.scale if req.scale is not None else sc.scale)
    check_budget(sc, req.years, scale)
    pm = req.runs * person_months(sc, req.years, scale)
    check_size(pm, cap)
    job = J.Job(
        id=manager.new_id(),
        kind="run",
        scenario_id=e.id,
        scenario=sc,
        years=req.years,
        seed=req.seed,
        scale=scale,
        levers=dict(req.levers),
        person_months=pm,
        label=req.label,
        runs=req.runs,
    )
    try:
        manager.submit(job)
    except J.TooManyJobsError as err:
        raise HTTPException(429, str(err)) from None
    return job.info()


@router.get("/api/jobs", response_model=list[JobInfo])
def list_jobs(manager: Manager) -> list[dict[str, Any]]:
    """Jobs kept by this server, newest first."""
    return [j.info() for j in manager.list()]


@router.get("/api/jobs/{job_id}", response_model=JobDetail)
def job_detail(job_id: str, manager: Manager) -> dict[str, Any]:
    """A job with its progress, series (live while running) and, when done, its summary."""
    return J.detail(job_or_404(manager, job_id))


@router.post("/api/jobs/{job_id}/stop", response_model=JobInfo)
def stop_job(job_id: str, manager: Manager) -> dict[str, Any]:
    """Ask a job to stop (after its current month)."""
    job_or_404(manager, job_id)
    job = manager.stop(job_id)
    return job.info()
