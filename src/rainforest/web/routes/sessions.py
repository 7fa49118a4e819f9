"""``/api/sessions``: step-by-step runs (step / play / pause / speed) with the district map
and the network picture of the engine's current state (:mod:`rainforest.web.sessions`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from rainforest.scenario import ScenarioError
from rainforest.web import export
from rainforest.web.models import SessionRequest
from rainforest.web.routes.deps import MaxPersonMonths, Scenarios, check_budget, check_size, entry
from rainforest.web.scenarios import apply_levers, person_months
from rainforest.web.sessions import MAX_STEP, Session, SessionError, SessionManager

router = APIRouter(tags=["step-by-step"])


def _sessions(request: Request) -> SessionManager:
    return request.app.state.sessions


Sessions = Annotated[SessionManager, Depends(_sessions)]


def _fail(err: SessionError) -> HTTPException:
    return HTTPException(err.status, str(err))


@router.post("/api/sessions", status_code=201)
def open_session(
    req: SessionRequest, sessions: Sessions, catalogue: Scenarios, cap: MaxPersonMonths
) -> dict[str, Any]:
    """Open a step-by-step run: its engine is built (month = minus the warm-up) and waits."""
    e = entry(catalogue, req.scenario)
    try:
        sc = apply_levers(e.scenario, req.levers)
    except ScenarioError as err:
        raise HTTPException(422, str(err)) from None
    scale = float(req.scale if req.scale is not None else sc.scale)
    check_budget(sc, req.years, scale)
    check_size(person_months(sc, req.years, scale), cap)
    s = Session(
        id=sessions.new_id(), scenario_id=e.id, scenario=sc, seed=req.seed, scale=scale,
        years=req.years, levers=dict(req.levers), network=req.network,
    )  # fmt: skip
    try:
        sessions.open(s)
    except SessionError as err:
        raise _fail(err) from None
    return s.info()


@router.post("/api/sessions/{sid}/step")
def step(sid: str, sessions: Sessions, months: int = Query(1, ge=1, le=MAX_STEP)) -> dict[str, Any]:
    """Advance up to ``months`` months (warm-up months count); the position, the series of
    the reported months so far and the district map (people, firms, belief, rent per cell)."""
    try:
        return sessions.step(sid, months)
    except SessionError as err:
        raise _fail(err) from None


@router.get("/api/sessions/{sid}/network")
def network(
    sid: str, sessions: Sessions, kind: str = Query("genealogy", pattern="^(genealogy|ties)$")
) -> dict[str, Any]:
    """A sampled picture (at most 300 nodes, igraph layout) of the spin-off genealogy or of
    the people's ties; ``available`` is false when there is none yet (or the living network
    is off, for ties)."""
    try:
        pic = sessions.command(sid, "network", kind)
    except SessionError as err:
        raise _fail(err) from None
    return {"kind": kind, "available": pic is not None, "picture": pic}


@router.get("/api/sessions/{sid}/metrics.{fmt}")
def session_metrics(sid: str, fmt: str, sessions: Sessions) -> Response:
    """The months reported so far as CSV or Excel."""
    if fmt not in export.MEDIA:
        raise HTTPException(404, "formats: metrics.csv, metrics.xlsx")
    s = sessions.get(sid)
    if s is None:
        raise HTTPException(404, f"unknown step-by-step run {sid!r}")
    try:
        m = sessions.metrics(sid)
    except SessionError as err:
        raise _fail(err) from None
    return download(m, s.scenario.name, fmt)


@router.delete("/api/sessions/{sid}")
def close_session(sid: str, sessions: Sessions) -> dict[str, Any]:
    """Close a step-by-step run and end its process."""
    if not sessions.close(sid):
        raise HTTPException(404, f"unknown step-by-step run {sid!r}")
    return {"closed": sid}


def download(metrics: Any, name: str, fmt: str) -> Response:
    """A metrics table as a CSV or Excel attachment."""
    body = export.metrics_csv(metrics) if fmt == "csv" else export.metrics_xlsx(metrics, name)
    headers = {"Content-Disposition": f'attachment; filename="{export.filename(name, fmt)}"'}
    return Response(body, media_type=export.MEDIA[fmt], headers=headers)
