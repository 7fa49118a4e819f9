"""Provenance of scenario values: where every number comes from.

A preset carries a top-level ``[sources]`` table that maps the dotted path of each value it sets
to a citation. Paths address list items by their ``name`` (``regions.hangzhou.anchors.Alibaba
.employees``) or, for items without a name such as investor pools, by index
(``regions.hangzhou.investors.0.patience``). A citation starts with one of

- ``seed NNN: <Chinese phrase> — <English gloss>``: a phrase quoted from seed essay NNN
  (``…`` in a phrase marks an elision; each part occurs in the essay, in order);
- ``public: <named source, year>``: a named public source;
- ``assumed: <reason>``: a modelling assumption and why.
- ``fitted: <how>``: calibrated so that the model reproduces a named figure (say which).

One source may cover several leaves: a source on a mapping field (``regions.x.skill_mix``)
covers its entries, and a source on a list item (``regions.x.anchors.Alibaba`` or
``regions.x.investors.0``) covers the item's identifying ``name`` or ``kind``.

:func:`provenance_table` lists every leaf value of a scenario with its unit, description and
source; :func:`check_sources` finds set values without a source and sources that name no field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from rainforest.scenario.loader import ScenarioError, preset_text, scenario_from_dict
from rainforest.scenario.schema import Scenario

#: Source text shown for a value that the scenario does not cite (a schema default).
DEFAULT_SOURCE = "model default (assumed)"

#: Source text shown for the top-level labels, which need no source.
LABEL_SOURCE = "label (no source needed)"

#: Top-level fields that are labels, not values: they need no source.
UNSOURCED = frozenset({"name", "description"})

#: Fields that identify a list item; a source on the item path covers them.
IDENTITY_FIELDS = frozenset({"name", "kind"})

_SOURCE_RE = re.compile(
    r"^(seed \d{3}: \S.*? — \S.*|public: \S.*|assumed: \S.*|fitted: \S.*)$", re.DOTALL
)
_SEED_RE = re.compile(r"seed (\d{3}): (.+?) — ")


@dataclass(frozen=True)
class Leaf:
    """One leaf value of a scenario.

    ``covers`` are the source keys that may cite it, the most specific first: its own path,
    then the mapping field or list item that holds it.
    """

    path: str
    value: Any
    unit: str
    description: str
    covers: tuple[str, ...]
    default_source: str = ""
    """Provenance of the schema default (``assumed: …``), shown where no source cites it."""


def _item_key(item: Any, index: int) -> str:
    name = item.get("name") if isinstance(item, dict) else getattr(item, "name", None)
    return name if isinstance(name, str) and name else str(index)


def _unit(info: Any) -> str:
    extra = getattr(info, "json_schema_extra", None)
    return extra.get("unit", "") if isinstance(extra, dict) else ""


def _default_source(info: Any) -> str:
    extra = getattr(info, "json_schema_extra", None)
    return extra.get("source", "") if isinstance(extra, dict) else ""


def default_source_text(leaf: Leaf) -> str:
    """What ``presets show`` prints for a value no source cites: ``model default (…)`` with
    the schema's provenance of the default where it has one."""
    return f"model default ({leaf.default_source})" if leaf.default_source else DEFAULT_SOURCE


def _walk_model(model: BaseModel, prefix: str, item_path: str | None = None) -> Iterator[Leaf]:
    for fname, info in type(model).model_fields.items():
        if not prefix and fname == "sources":
            continue
        path = f"{prefix}.{fname}" if prefix else fname
        value = getattr(model, fname)
        unit, desc, dsrc = _unit(info), info.description or "", _default_source(info)
        if isinstance(value, BaseModel):
            yield from _walk_model(value, path)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for i, item in enumerate(value):
                ipath = f"{path}.{_item_key(item, i)}"
                yield from _walk_model(item, ipath, item_path=ipath)
        elif (
            isinstance(value, dict) and value and isinstance(next(iter(value.values())), BaseModel)
        ):
            for key, sub in value.items():
                yield from _walk_model(sub, f"{path}.{key}")
        elif isinstance(value, dict) and value:
            for key, sub in value.items():
                yield Leaf(f"{path}.{key}", sub, unit, desc, (f"{path}.{key}", path), dsrc)
        else:
            covers = (path,)
            if item_path is not None and fname in IDENTITY_FIELDS:
                covers = (path, item_path)
            yield Leaf(path, value, unit, desc, covers, dsrc)


def iter_leaves(sc: Scenario) -> list[Leaf]:
    """Every leaf value of a scenario (the ``sources`` table excluded), in schema order.

    Empty mappings and lists (``domain_mix = {}``, ``universities = []``) are one leaf each.
    """
    return list(_walk_model(sc, ""))


def find_source(sources: dict[str, str], leaf: Leaf) -> str | None:
    """The source that cites ``leaf``, or None."""
    for key in leaf.covers:
        if key in sources:
            return sources[key]
    return None


def provenance_table(sc: Scenario, explicit: set[str] | None = None) -> pd.DataFrame:
    """One row per leaf value of the scenario, with its unit, description and source.

    Parameters
    ----------
    sc
        A validated scenario.
    explicit
        Optional set of paths the scenario file sets (see :func:`explicit_paths`); when given,
        a boolean column ``explicit`` marks them.

    Returns
    -------
    pandas.DataFrame
        Columns ``path``, ``value``, ``unit``, ``description``, ``source`` (and ``explicit``).
        A value without a source says ``model default (assumed)``, or ``model default (…)``
        with the schema's provenance of the default where the field declares one; the
        top-level ``name`` and ``description`` are labels and need none.
    """
    rows = []
    for leaf in iter_leaves(sc):
        src = find_source(sc.sources, leaf) or (
            LABEL_SOURCE if leaf.path in UNSOURCED else default_source_text(leaf)
        )
        row = {
            "path": leaf.path,
            "value": leaf.value,
            "unit": leaf.unit,
            "description": leaf.description,
            "source": src,
        }
        if explicit is not None:
            row["explicit"] = leaf.path in explicit
        rows.append(row)
    return pd.DataFrame(rows)


def explicit_paths(raw: dict[str, Any]) -> set[str]:
    """Dotted paths of the leaf values present in a raw scenario dict (as read from TOML).

    List items are addressed by ``name`` where they have one, else by index; the ``sources``
    table is left out. Empty tables and arrays count as leaves.
    """
    out: set[str] = set()

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and node:
            for key, sub in node.items():
                if not path and key == "sources":
                    continue
                walk(sub, f"{path}.{key}" if path else key)
        elif isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
            for i, item in enumerate(node):
                walk(item, f"{path}.{_item_key(item, i)}")
        else:
            out.add(path)

    walk(raw, "")
    return out


@dataclass(frozen=True)
class SourceCheck:
    """Result of :func:`check_sources`; ``ok`` when every list is empty."""

    missing: list[str] = field(default_factory=list)
    """Values the file sets that no source cites."""
    unknown: list[str] = field(default_factory=list)
    """Source keys that name no field of the scenario."""
    unset: list[str] = field(default_factory=list)
    """Source keys that name a real field the file does not set (a stale source)."""
    malformed: list[str] = field(default_factory=list)
    """Source keys whose text does not start with ``seed NNN:``, ``public:`` or ``assumed:``."""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unknown or self.unset or self.malformed)

    def problems(self) -> list[str]:
        """Human-readable lines, one per problem."""
        return (
            [f"no source for {p}" for p in self.missing]
            + [f"source names no field: {p}" for p in self.unknown]
            + [f"source for a value the file does not set: {p}" for p in self.unset]
            + [
                "malformed source (expected 'seed NNN: … — …', 'public: …', 'assumed: …' or "
                "'fitted: …'): " + p
                for p in self.malformed
            ]
        )


def check_sources(raw: dict[str, Any], source: str = "<dict>") -> SourceCheck:
    """Check the provenance of a raw scenario dict (as read from a TOML file).

    Every leaf the file sets (top-level ``name`` and ``description`` excepted) must be cited by
    a source; every source key must name a leaf, a mapping field or a list item of the
    scenario; and every source must start with ``seed NNN: … — …``, ``public:`` or
    ``assumed:``.

    Raises
    ------
    ScenarioError
        If ``raw`` is not a valid scenario.
    """
    sc = scenario_from_dict(raw, source)
    leaves = {leaf.path: leaf for leaf in iter_leaves(sc)}
    valid = {key for leaf in leaves.values() for key in leaf.covers}
    sources = sc.sources
    missing, used = [], set()
    for path in sorted(explicit_paths(raw)):
        if path in UNSOURCED:
            continue
        leaf = leaves.get(path)
        covers = leaf.covers if leaf is not None else (path,)
        hits = [k for k in covers if k in sources]
        if hits:
            used.update(hits)
        else:
            missing.append(path)
    unknown = sorted(k for k in sources if k not in valid)
    unset = sorted(k for k in sources if k in valid and k not in used)
    malformed = sorted(k for k, v in sources.items() if not _SOURCE_RE.match(v.strip()))
    return SourceCheck(missing, unknown, unset, malformed)


def raw_scenario(spec: str | Path) -> tuple[dict[str, Any], str]:
    """The raw dict and label of a preset name or a TOML file path."""
    path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ScenarioError(f"{path}: no such scenario file")
        text, label = path.read_text(encoding="utf-8"), str(path)
    else:
        text, label = preset_text(str(spec)), f"preset {spec}"
    try:
        return tomllib.loads(text), label
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{label}: not valid TOML: {err}") from None


def check_preset(spec: str | Path) -> SourceCheck:
    """:func:`check_sources` for a preset name or a TOML file path."""
    raw, label = raw_scenario(spec)
    return check_sources(raw, label)


def seed_citations(source: str) -> list[tuple[str, str]]:
    """The ``(seed number, Chinese phrase)`` pairs cited in a source string.

    >>> seed_citations("seed 003: 跑了3个月才盖章 — three months of stamps")
    [('003', '跑了3个月才盖章')]
    """
    return [(m.group(1), m.group(2).strip()) for m in _SEED_RE.finditer(source)]


def phrase_occurs(phrase: str, text: str) -> bool:
    """Whether a quoted phrase occurs in ``text``; ``…`` marks an elision between parts."""
    pos = 0
    for part in (p.strip() for p in phrase.split("…")):
        if not part:
            continue
        hit = text.find(part, pos)
        if hit < 0:
            return False
        pos = hit + len(part)
    return True
