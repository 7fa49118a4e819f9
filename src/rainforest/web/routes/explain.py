"""``/api/explain``: explain A vs B (:func:`rainforest.explain.explain`) as a background job,
sized by every coalition of lever groups it will run."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, HTTPException, Query

from rainforest.explain import SCALE_FACTOR
from rainforest.web import jobs as J
from rainforest.web.models import ExplainRequest, JobInfo
from rainforest.web.routes.deps import Manager, MaxPersonMonths, Scenarios, check_size, entry
from rainforest.web.scenarios import person_months

router = APIRouter(tags=["jobs"])


def explain_cost(a: Any, b: Any, years: int, scale: float, runs: int) -> dict[str, Any]:
    """What an explanation of ``a`` vs ``b`` costs: every coalition of lever groups runs B with
    some of A's levers, then A itself, ``runs`` times each."""
    arms_b, arms_a = J.explain_arms()
    per_replicate = arms_a * person_months(a, years, scale) + arms_b * person_months(
        b, years, scale
    )
    return {
        "coalitions": arms_b,
        "runs": (arms_a + arms_b) * runs,
        "person_months": per_replicate * runs,
    }


@router.get("/api/explain/estimate")
def explain_estimate(
    a: str,
    b: str,
    catalogue: Scenarios,
    cap: MaxPersonMonths,
    years: int = Query(2, ge=1, le=100),
    runs: int = Query(4, ge=1, le=256),
    scale: float | None = Query(None, gt=0, le=1e7),
) -> dict[str, Any]:
    """The cost of an explanation before it is asked for, counting every run (coalitions
    included), and the smallest scale that fits the server's cap (``fit_scale``).

    Person-months fall in proportion to the scale (people / scale), so the fitting scale is
    the requested one times ``person_months / cap``, rounded up; a coarser scale means fewer
    simulated people per district and wider intervals.
    """
    ea, eb = entry(catalogue, a), entry(catalogue, b)
    base = float(scale if scale is not None else SCALE_FACTOR * eb.scenario.scale)
    cost = explain_cost(ea.scenario, eb.scenario, years, base, runs)
    fit = base
    if cost["person_months"] > cap:
        fit = base * cost["person_months"] / cap
        mag = 10 ** math.floor(math.log10(fit))
        fit = math.ceil(fit / mag * 4) / 4 * mag  # up to a round number
    people = sum(float(r.population) for r in eb.scenario.regions.values())
    return {
        **cost,
        "scale": base,
        "cap": cap,
        "fits": cost["person_months"] <= cap,
        "fit_scale": fit,
        "simulated_people_b": people / fit,
    }


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
    pm = explain_cost(a.scenario, b.scenario, req.years, scale, req.runs)["person_months"]
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
