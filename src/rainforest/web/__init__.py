"""Show: the web dashboard (FastAPI + one page), served by ``rainforest serve``.

:func:`create_app` builds the app from the routers in :mod:`~rainforest.web.routes`;
:mod:`~rainforest.web.jobs` runs jobs in the background,
:mod:`~rainforest.web.scenarios` is the scenario catalogue and its levers,
:mod:`~rainforest.web.storage` links jobs to the run store, and ``static/`` holds the page.
"""

from rainforest.web.app import create_app

__all__ = ["create_app"]
