"""The dashboard server: a FastAPI app with a JSON API and a single page (``web/static``).

Choose a preset or upload a TOML scenario, adjust its culture and policy levers, run it as a
background job and watch its series grow, stop it, compare two scenarios, ask for an
explanation of their gap, and reopen runs kept in memory or in the run store.

Safety: requests are validated by pydantic (422 with a readable ``detail``); every job is
capped in simulated people × months and in concurrent jobs; requests name scenarios by
catalogue id only, so no path from a request is ever opened; uploads are parsed in memory.
The OpenAPI page is at ``/docs``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from rainforest import __version__
from rainforest.web.cache import DEFAULT_REPORT_BYTES, ReportCache
from rainforest.web.jobs import DEFAULT_TIME_LIMIT_S, JobManager, jsonable
from rainforest.web.routes import ROUTERS, pages
from rainforest.web.scenarios import Catalogue
from rainforest.web.sessions import SessionManager
from rainforest.web.storage import WebStore

log = logging.getLogger("rainforest.web")

#: Default cap on simulated people × months per job (about a minute of compute).
DEFAULT_MAX_PERSON_MONTHS = 3e8
DEFAULT_MAX_JOBS = 2
DEFAULT_MAX_SESSIONS = 2


def _readable(err: RequestValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc or 'request'}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _validation(_: Request, err: RequestValidationError) -> JSONResponse:
    """A 422 whose ``detail`` is one readable line, with pydantic's errors beside it."""
    return JSONResponse(
        status_code=422,
        content={"detail": _readable(err), "errors": jsonable(err.errors())},
    )


def create_app(
    store_path: str | Path | None = None,
    max_person_months: float = DEFAULT_MAX_PERSON_MONTHS,
    max_jobs: int = DEFAULT_MAX_JOBS,
    scenarios: Mapping[str, Any] | None = None,
    job_time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    job_memory_bytes: float | None = None,
    report_cache_bytes: int = DEFAULT_REPORT_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> FastAPI:
    """Build the dashboard app.

    Parameters
    ----------
    store_path
        A DuckDB run store (file or folder) where jobs are recorded and from which stored runs
        can be reopened; None keeps runs in memory only.
    max_person_months
        Largest job accepted, in simulated people × simulated months (warm-up included); a
        larger request gets a 422 that says how to shrink it (raise ``scale``, fewer years).
    max_jobs
        Jobs queued or running at once (the thread pool's size); more get a 429.
    scenarios
        Extra scenarios to offer besides the presets: name -> Scenario, dict or TOML path
        (read once here, by the operator; requests never name paths).
    job_time_limit_s, job_memory_bytes
        Limits of each job's worker process: it is killed past the time, and fails alone past
        the memory (default: the run budget's limit shared by ``max_jobs``).
    report_cache_bytes
        Bytes of built HTML reports kept (least recently used dropped first).
    max_sessions
        Step-by-step runs open at once (each holds an engine in its own process).

    Returns
    -------
    fastapi.FastAPI
        Serve it with uvicorn (``rainforest serve`` does). Its routes come from the routers in
        :mod:`rainforest.web.routes`; ``app.state`` holds what they share: ``manager``,
        ``catalogue``, ``store``, ``max_person_months`` and the ``reports`` already built.
    """
    store = WebStore(store_path) if store_path is not None else None
    manager = JobManager(
        max_jobs=max_jobs,
        store=store,
        time_limit_s=job_time_limit_s,
        memory_bytes=job_memory_bytes,
    )

    sessions = SessionManager(max_sessions=max_sessions)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if store is not None:
            try:
                n = store.sweep_stale()
                if n:
                    log.warning("marked %d dashboard run(s) left running as interrupted", n)
            except Exception as err:  # a locked or broken store must not stop the page
                log.warning("run store %s: %s", store.path, err)
        yield
        sessions.shutdown()
        stopped = manager.shutdown()
        if stopped:
            log.warning("server stopping: %d job(s) marked interrupted", len(stopped))

    app = FastAPI(
        title="rainforest dashboard",
        version=__version__,
        description=__doc__,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from routes.docs, with local assets
        redoc_url=None,
    )
    app.state.manager = manager
    app.state.sessions = sessions
    app.state.catalogue = Catalogue(scenarios)
    app.state.store = store
    app.state.max_person_months = float(max_person_months)
    app.state.reports = ReportCache(report_cache_bytes)
    app.add_exception_handler(RequestValidationError, _validation)

    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
