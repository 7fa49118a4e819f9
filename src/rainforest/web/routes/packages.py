"""``/api/packages``: the named policy packages (:mod:`rainforest.packages`) the what-if form
offers; a run request names one in ``package`` to adopt it in the scenario."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from rainforest.i18n import package_label
from rainforest.packages import list_packages, load

router = APIRouter(tags=["scenarios"])


@router.get("/api/packages")
def packages() -> list[dict[str, Any]]:
    """Shipped policy packages: name, English and Chinese titles, description and entries
    (path relative to a region, change, source)."""
    out = []
    for row in list_packages().itertuples(index=False):
        pkg = load(row.name)
        out.append(
            {
                "name": pkg.name,
                "title": pkg.title,
                "title_zh": pkg.title_zh or package_label(pkg.name, "zh"),
                "description": pkg.description,
                "entries": [
                    {"path": e.path, "change": e.describe(), "source": e.source}
                    for e in pkg.entries
                ],
            }
        )
    return out
