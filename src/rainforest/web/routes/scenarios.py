"""``/api/scenarios``: the catalogue (presets, the operator's scenarios, uploads) and each
scenario's culture and policy levers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from rainforest.scenario import ScenarioError
from rainforest.web.models import ScenarioDetail, ScenarioInfo
from rainforest.web.routes.deps import Scenarios, entry
from rainforest.web.scenarios import MAX_UPLOAD_BYTES, levers

router = APIRouter(tags=["scenarios"])


@router.get("/api/scenarios", response_model=list[ScenarioInfo])
def list_scenarios(catalogue: Scenarios) -> list[dict[str, Any]]:
    """Presets, scenarios added by the operator, and uploads."""
    return catalogue.list()


@router.get("/api/scenarios/{ident}", response_model=ScenarioDetail)
def scenario_detail(ident: str, catalogue: Scenarios) -> dict[str, Any]:
    """A scenario with its culture and policy levers (unit, bounds, source)."""
    e = entry(catalogue, ident)
    return {**e.info(), "levers": levers(e.scenario)}


@router.post(
    "/api/scenarios/upload",
    response_model=ScenarioDetail,
    status_code=201,
    responses={422: {"description": "Not UTF-8, not TOML, or not a valid scenario."}},
)
async def upload(
    catalogue: Scenarios,
    file: UploadFile = File(..., description="A scenario TOML file."),
) -> Any:
    """Upload a TOML scenario; it is parsed in memory and never written to disk."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    try:  # parsing and validation run off the event loop: other requests keep answering
        e = await run_in_threadpool(catalogue.upload, data, file.filename or "upload.toml")
        lev = await run_in_threadpool(levers, e.scenario)
    except ScenarioError as err:
        return JSONResponse(status_code=422, content={"detail": str(err)})
    return {**e.info(), "levers": lev}
