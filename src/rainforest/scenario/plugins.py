"""Parameter sections that plug-in mechanisms add to ``mechanisms`` in every scenario.

Why here: the scenario layer sits below the mechanisms, so it cannot ask the mechanism registry
which plug-ins exist; :func:`rainforest.mechanisms.register` tells it instead, by adding the
plug-in's parameter model under its name.
"""

from __future__ import annotations

from pydantic import BaseModel

_SECTIONS: dict[str, type[BaseModel]] = {}


def add_section(name: str, model: type[BaseModel]) -> None:
    """Accept ``mechanisms.<name>`` in scenarios, validated by ``model`` (defaults if absent)."""
    _SECTIONS[name] = model


def remove_section(name: str) -> None:
    """Stop accepting ``mechanisms.<name>``."""
    _SECTIONS.pop(name, None)


def sections() -> dict[str, type[BaseModel]]:
    """The plug-in sections now accepted, by name."""
    return dict(_SECTIONS)
