"""``/api/health``: the server's limits and state, which the page reads first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from rainforest import __version__
from rainforest.web import jobs as J
from rainforest.web.models import Health
from rainforest.web.routes.deps import Manager, MaxPersonMonths, Store

router = APIRouter(tags=["server"])


@router.get("/api/health", response_model=Health)
def health(manager: Manager, store: Store, cap: MaxPersonMonths) -> dict[str, Any]:
    """Server limits, active jobs, the store and whether explanations are available."""
    return {
        "status": "ok",
        "version": __version__,
        "max_person_months": cap,
        "max_jobs": manager.max_jobs,
        "active_jobs": manager.active(),
        "store": str(store.path) if store is not None else None,
        "explain_available": J.explain_function() is not None,
    }
