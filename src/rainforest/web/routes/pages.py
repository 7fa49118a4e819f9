"""The single page and the Plotly bundle it loads, both served from this machine (the page
works offline; ``/static`` itself is mounted by :func:`~rainforest.web.create_app`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from plotly.offline import get_plotlyjs

STATIC = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(include_in_schema=False)


def _plotly_js() -> Path | None:
    """The minified Plotly bundle shipped inside the plotly package, if it is a plain file."""
    p = resources.files("plotly") / "package_data" / "plotly.min.js"
    return Path(str(p)) if p.is_file() else None


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    p = _plotly_js()
    if p is not None:
        return FileResponse(p, media_type="application/javascript")
    return Response(get_plotlyjs(), media_type="application/javascript")
