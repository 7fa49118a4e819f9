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
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from rainforest.scenario import ScenarioError
from rainforest.web import jobs as J
from rainforest.web.models import (
    ExplainRequest,
    Health,
    JobDetail,
    JobInfo,
    RunInfo,
    RunRequest,
    ScenarioDetail,
    ScenarioInfo,
)
from rainforest.web.scenarios import (
    MAX_UPLOAD_BYTES,
    Catalogue,
    apply_levers,
    levers,
    person_months,
)
from rainforest.web.storage import WEB_PREFIX, WebStore

log = logging.getLogger("rainforest.web")

STATIC = Path(__file__).parent / "static"
#: Default cap on simulated people × months per job (about a minute of compute).
DEFAULT_MAX_PERSON_MONTHS = 3e8
DEFAULT_MAX_JOBS = 2


def _plotly_js() -> Path | None:
    try:
        p = resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError:  # pragma: no cover - plotly is a dependency
        return None
    return Path(str(p)) if p.is_file() else None


def _readable(err: RequestValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc or 'request'}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(
    store_path: str | Path | None = None,
    max_person_months: float = DEFAULT_MAX_PERSON_MONTHS,
    max_jobs: int = DEFAULT_MAX_JOBS,
    scenarios: Mapping[str, Any] | None = None,
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

    Returns
    -------
    fastapi.FastAPI
        Serve it with uvicorn (``rainforest serve`` does).
    """
    from rainforest import __version__

    catalogue = Catalogue(scenarios)
    store = None
    if store_path is not None:
        store = WebStore(store_path)
    manager = J.JobManager(max_jobs=max_jobs, store=store)
    reports: dict[str, str] = {}

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
        stopped = manager.shutdown()
        if stopped:
            log.warning("server stopping: %d job(s) marked interrupted", len(stopped))

    app = FastAPI(
        title="rainforest dashboard",
        version=__version__,
        description=__doc__,
        lifespan=lifespan,
    )
    app.state.manager = manager
    app.state.catalogue = catalogue
    app.state.store = store
    app.state.max_person_months = float(max_person_months)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, err: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": _readable(err), "errors": J.jsonable(err.errors())},
        )

    # -- page ------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        p = _plotly_js()
        if p is not None:
            return FileResponse(p, media_type="application/javascript")
        from plotly.offline import get_plotlyjs

        return Response(get_plotlyjs(), media_type="application/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- API -------------------------------------------------------------------------------
    @app.get("/api/health", response_model=Health, tags=["server"])
    def health() -> dict[str, Any]:
        """Server limits, active jobs, the store and whether explanations are available."""
        return {
            "status": "ok",
            "version": __version__,
            "max_person_months": app.state.max_person_months,
            "max_jobs": manager.max_jobs,
            "active_jobs": manager.active(),
            "store": str(store.path) if store is not None else None,
            "explain_available": J.explain_function() is not None,
        }

    @app.get("/api/scenarios", response_model=list[ScenarioInfo], tags=["scenarios"])
    def list_scenarios() -> list[dict[str, Any]]:
        """Presets, scenarios added by the operator, and uploads."""
        return catalogue.list()

    def _entry(ident: str):
        e = catalogue.get(ident)
        if e is None:
            raise HTTPException(404, f"unknown scenario {ident!r}; see GET /api/scenarios")
        return e

    @app.get("/api/scenarios/{ident}", response_model=ScenarioDetail, tags=["scenarios"])
    def scenario_detail(ident: str) -> dict[str, Any]:
        """A scenario with its culture and policy levers (unit, bounds, source)."""
        e = _entry(ident)
        return {**e.info(), "levers": levers(e.scenario)}

    @app.post(
        "/api/scenarios/upload",
        response_model=ScenarioDetail,
        status_code=201,
        tags=["scenarios"],
        responses={422: {"description": "Not UTF-8, not TOML, or not a valid scenario."}},
    )
    async def upload(file: UploadFile = File(..., description="A scenario TOML file.")) -> Any:
        """Upload a TOML scenario; it is parsed in memory and never written to disk."""
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        try:
            e = catalogue.upload(data, file.filename or "upload.toml")
        except ScenarioError as err:
            return JSONResponse(status_code=422, content={"detail": str(err)})
        return {**e.info(), "levers": levers(e.scenario)}

    def _check_size(pm: float) -> None:
        cap = app.state.max_person_months
        if pm > cap:
            raise HTTPException(
                422,
                f"this job would simulate about {pm:.3g} person-months, over this server's cap "
                f"of {cap:.3g}; raise scale (real people per simulated person) or run fewer "
                "years",
            )

    @app.post(
        "/api/jobs",
        response_model=JobInfo,
        status_code=202,
        tags=["jobs"],
        responses={
            404: {"description": "Unknown scenario."},
            422: {"description": "Invalid request, invalid lever value, or over the size cap."},
            429: {"description": "Too many jobs at once."},
        },
    )
    def start_job(req: RunRequest) -> dict[str, Any]:
        """Start a run in the background; poll GET /api/jobs/{id} for progress and series."""
        e = _entry(req.scenario)
        try:
            sc = apply_levers(e.scenario, req.levers)
        except ScenarioError as err:
            raise HTTPException(422, str(err)) from None
        scale = float(req.scale if req.scale is not None else sc.scale)
        pm = req.runs * person_months(sc, req.years, scale)
        _check_size(pm)
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

    @app.get("/api/jobs", response_model=list[JobInfo], tags=["jobs"])
    def list_jobs() -> list[dict[str, Any]]:
        """Jobs kept by this server, newest first."""
        return [j.info() for j in manager.list()]

    def _job(job_id: str) -> J.Job:
        job = manager.get(job_id)
        if job is None:
            raise HTTPException(404, f"unknown job {job_id!r}")
        return job

    @app.get("/api/jobs/{job_id}", response_model=JobDetail, tags=["jobs"])
    def job_detail(job_id: str) -> dict[str, Any]:
        """A job with its progress, series (live while running) and, when done, its summary."""
        return J.detail(_job(job_id))

    @app.post("/api/jobs/{job_id}/stop", response_model=JobInfo, tags=["jobs"])
    def stop_job(job_id: str) -> dict[str, Any]:
        """Ask a job to stop (after its current month)."""
        _job(job_id)
        job = manager.stop(job_id)
        return job.info()

    @app.get(
        "/api/jobs/{job_id}/report",
        response_class=HTMLResponse,
        tags=["jobs"],
        responses={409: {"description": "The job has no result yet."}},
    )
    def job_report(job_id: str, download: bool = False) -> HTMLResponse:
        """The self-contained HTML report of a finished job (``download=true`` to save it)."""
        from rainforest.report import report_html

        job = _job(job_id)
        obj = job.result if job.result is not None else job.explanation
        if obj is None:
            raise HTTPException(409, f"job {job_id} has no result (status {job.status})")
        if job_id not in reports:
            reports[job_id] = report_html(obj)
        headers = {}
        if download:
            headers["Content-Disposition"] = f'attachment; filename="rainforest-{job_id}.html"'
        return HTMLResponse(reports[job_id], headers=headers)

    @app.post(
        "/api/explain",
        response_model=JobInfo,
        status_code=202,
        tags=["jobs"],
        responses={501: {"description": "This build has no explanation API."}},
    )
    def explain(req: ExplainRequest) -> dict[str, Any]:
        """Explain A vs B: which lever groups account for how much of the gap (a job)."""
        if J.explain_function() is None:
            raise HTTPException(
                501,
                "Explanation is not available in this build: rainforest.experiments has no "
                "explain() yet. Compare the two scenarios side by side instead.",
            )
        a, b = _entry(req.a), _entry(req.b)
        factor = J.explain_scale_factor()
        scale = float(req.scale if req.scale is not None else factor * b.scenario.scale)
        # every coalition of lever groups runs B with some of A's levers, then A itself
        arms_b, arms_a = J.explain_arms()
        pm = (
            arms_a * person_months(a.scenario, req.years, scale)
            + arms_b * person_months(b.scenario, req.years, scale)
        ) * req.runs
        _check_size(pm)
        job = J.Job(
            id=manager.new_id(),
            kind="explain",
            scenario_id=a.id,
            scenario=a.scenario,
            other=b.scenario,
            years=req.years,
            seed=req.seed,
            scale=scale,
            levers={},
            person_months=pm,
            runs=req.runs,
            label=f"{a.scenario.name} vs {b.scenario.name}",
        )
        try:
            manager.submit(job)
        except J.TooManyJobsError as err:
            raise HTTPException(429, str(err)) from None
        return job.info()

    @app.get("/api/runs", response_model=list[RunInfo], tags=["runs"])
    def list_runs() -> list[dict[str, Any]]:
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

    @app.get("/api/runs/{run_id}", tags=["runs"])
    def open_run(run_id: str) -> dict[str, Any]:
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

    return app
