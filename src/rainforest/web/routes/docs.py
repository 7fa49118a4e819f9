"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served with
JavaScript and CSS from this machine.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a machine without internet the
"API" link opened a blank page. The assets come from the ``fastapi-offline`` package (in the
``web`` extras), which ships them as plain files; only the four names below are served.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)

#: URL prefix of the documentation assets.
PREFIX = "/docs-static"
#: The files served, by name, with their media types.
ASSETS = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "application/javascript",
    "favicon.png": "image/png",
}


def assets_dir() -> Path | None:
    """The folder with Swagger UI's and ReDoc's files, or None if the package lacks one."""
    folder = Path(fastapi_offline.__file__).resolve().parent / "static"
    return folder if all((folder / n).is_file() for n in ASSETS) else None


def _missing() -> HTMLResponse:
    return HTMLResponse(
        "<p>The API pages' assets are missing from the fastapi-offline package; reinstall "
        "<code>rainforest[web]</code>. The schema is at "
        "<a href='/openapi.json'>/openapi.json</a>.</p>",
        status_code=503,
    )


@router.get(PREFIX + "/{name}")
def asset(name: str) -> FileResponse:
    """One of :data:`ASSETS` (anything else is a 404; no path from the request is opened)."""
    folder = assets_dir()
    if name not in ASSETS or folder is None:
        raise HTTPException(404, "not found")
    return FileResponse(folder / name, media_type=ASSETS[name])


@router.get("/docs")
def swagger(request: Request) -> HTMLResponse:
    """Swagger UI for the JSON API, offline."""
    if assets_dir() is None:
        return _missing()
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} — API",
        swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{PREFIX}/favicon.png",
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc for the JSON API, offline (no web fonts)."""
    if assets_dir() is None:
        return _missing()
    return get_redoc_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} — API reference",
        redoc_js_url=f"{PREFIX}/redoc.standalone.js",
        redoc_favicon_url=f"{PREFIX}/favicon.png",
        with_google_fonts=False,
    )
