"""``/api/i18n``: the page's own words in English and simplified Chinese, from the one
catalogue (:mod:`rainforest.i18n`), so the dashboard translates nothing itself."""

from __future__ import annotations

from fastapi import APIRouter

from rainforest.i18n import page_words

router = APIRouter(tags=["server"])


@router.get("/api/i18n")
def words() -> dict[str, dict[str, str]]:
    """``{"en": {key: text}, "zh": {key: text}}`` for the page's labels and messages."""
    return {"en": page_words("en"), "zh": page_words("zh")}
