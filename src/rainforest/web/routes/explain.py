"""``/api/explain``: explain A vs B (:func:`rainforest.explain.explain`) as a background job,
sized by every coalition of lever groups it will run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from rainforest.explain import SCALE_FACTOR
from rainforest.web import jobs as J
from rainforest.web.models import ExplainRequest, JobInfo
from rainforest.web.routes.deps import Manager, MaxPersonMonths, Scenarios, check_size, entry
from rainforest.web.scenarios import person_months

router = APIRouter(tags=["jobs"])


@router.post(
    "/api/explain",
    response_model=JobInfo,
    status_code=202,
    responses={501: {"description": "This server offers no explanations."}},
)
def explain(
    req: ExplainRequest, manager: Manager, catalogue: Scenarios, cap: MaxPersonMonths
) -> dict[str, Any]:
    """Explain A vs B: which lever groups account for how much of the gap (a job)."""
    if J.explain_function() is None:
        raise HTTPException(
            501,
            "Explanation is not available on this server. Compare the two scenarios side by "
            "side instead.",
        )
    a, b = entry(catalogue, req.a), entry(catalogue, req.b)
    scale = float(req.scale if req.scale is not None else SCALE_FACTOR * b.scenario.scale)
    # every coalition of lever groups runs B with some of A's levers, then A itself
    arms_b, arms_a = J.explain_arms()
    pm = (
        arms_a * person_months(a.scenario, req.years, scale)
        + arms_b * person_months(b.scenario, req.years, scale)
    ) * req.runs
    check_size(pm, cap)
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
