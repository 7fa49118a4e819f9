"""The dashboard's routes, one :class:`fastapi.APIRouter` per subject.

:func:`rainforest.web.create_app` includes them in the order of :data:`ROUTERS` (the page
first, so ``/static/plotly.min.js`` is matched before the ``/static`` mount). Routes read the
server's shared objects (job manager, catalogue, run store, limits) through the dependencies
in :mod:`~rainforest.web.routes.deps`.
"""

from rainforest.web.routes import (
    docs,
    explain,
    exports,
    i18n,
    jobs,
    packages,
    pages,
    reports,
    runs,
    scenarios,
    server,
    sessions,
)

#: Routers after the ``/static`` mount, in the order their routes were always declared.
ROUTERS = (
    server.router,
    scenarios.router,
    packages.router,
    jobs.router,
    reports.router,
    explain.router,
    runs.router,
    sessions.router,
    exports.router,
    i18n.router,
    docs.router,
)

__all__ = [
    "ROUTERS",
    "docs",
    "explain",
    "exports",
    "i18n",
    "jobs",
    "packages",
    "pages",
    "reports",
    "runs",
    "scenarios",
    "server",
    "sessions",
]
