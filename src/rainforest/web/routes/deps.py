"""What every route needs from the server: its job manager, catalogue, run store and limits
(kept on ``app.state`` by :func:`~rainforest.web.create_app`), as FastAPI dependencies, and
the lookups and checks that answer 404 or 422 the same way everywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from rainforest.scenario import Scenario
from rainforest.web.cache import ReportCache
from rainforest.web.jobs import Job, JobManager
from rainforest.web.scenarios import Catalogue, Entry
from rainforest.web.storage import WebStore


def _manager(request: Request) -> JobManager:
    return request.app.state.manager


def _catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


def _store(request: Request) -> WebStore | None:
    return request.app.state.store


def _reports(request: Request) -> ReportCache:
    return request.app.state.reports


def _max_person_months(request: Request) -> float:
    return request.app.state.max_person_months


Manager = Annotated[JobManager, Depends(_manager)]
Scenarios = Annotated[Catalogue, Depends(_catalogue)]
Store = Annotated[WebStore | None, Depends(_store)]
Reports = Annotated[ReportCache, Depends(_reports)]
MaxPersonMonths = Annotated[float, Depends(_max_person_months)]


def entry(catalogue: Catalogue, ident: str) -> Entry:
    """The catalogue entry ``ident``, or a 404 that points to the list."""
    e = catalogue.get(ident)
    if e is None:
        raise HTTPException(404, f"unknown scenario {ident!r}; see GET /api/scenarios")
    return e


def job_or_404(manager: JobManager, job_id: str) -> Job:
    """The job ``job_id``, or a 404."""
    job = manager.get(job_id)
    if job is None:
        raise HTTPException(404, f"unknown job {job_id!r}")
    return job


def check_budget(sc: Scenario, years: int, scale: float) -> None:
    """A 422 naming the field when a run would not fit the machine (see scenario/budget.py)."""
    from rainforest.scenario.budget import BudgetError
    from rainforest.scenario.budget import check_budget as check

    try:
        check(sc, years=years, scale=scale)
    except BudgetError as err:
        raise HTTPException(422, str(err)) from None


def check_size(pm: float, cap: float) -> None:
    """A 422 that says how to shrink a job of ``pm`` person-months over the server's ``cap``."""
    if pm > cap:
        raise HTTPException(
            422,
            f"this job would simulate about {pm:.3g} person-months, over this server's cap "
            f"of {cap:.3g}; raise scale (real people per simulated person) or run fewer "
            "years",
        )
