"""``/api/jobs/{id}/report``: the self-contained HTML report of a finished run or explanation
(built once per job by :func:`rainforest.report.report_html`, then kept)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse

from rainforest.report import report_html
from rainforest.web.routes.deps import Manager, Reports, job_or_404

router = APIRouter(tags=["jobs"])


@router.get(
    "/api/jobs/{job_id}/report",
    response_class=HTMLResponse,
    responses={409: {"description": "The job has no result yet."}},
)
def job_report(
    job_id: str, manager: Manager, reports: Reports, download: bool = False
) -> HTMLResponse:
    """The self-contained HTML report of a finished job (``download=true`` to save it)."""
    job = job_or_404(manager, job_id)
    obj = job.result if job.result is not None else job.explanation
    if obj is None:
        raise HTTPException(409, f"job {job_id} has no result (status {job.status})")
    html = reports.get(job_id)
    if html is None:
        html = report_html(obj)
        reports[job_id] = html  # kept while it fits the cache's bytes (LRU)
        reports.keep_only(j.id for j in manager.list())  # and only for jobs still kept
    headers = {}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="rainforest-{job_id}.html"'
    return HTMLResponse(html, headers=headers)
