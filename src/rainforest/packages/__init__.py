"""Named policy packages: sourced bundles of changes a government could adopt, for any preset.

Why: the question an official asks first is not "what if the sandbox were 0.8?" but "what if we
adopted *that* programme?" — Shanghai's 2025 measures for heavy-asset AI startups (seed 002),
Hangzhou's 2014 push (seed 004), Hefei's invest-to-attract (以投带引, seed 004). A package is a
TOML file in this folder; each entry names a scenario field *relative to a region*, how it
changes, and where the number comes from::

    name = "shanghai-2025-ai-measures"
    title = "Shanghai's 2025 measures for AI startups"
    title_zh = "上海AI创业全周期陪跑举措(2025)"

    [[entry]]
    path = "instruments.one_yuan_offices"   # relative to regions.<region>
    set = 0.8                                # or at_least / at_most / relative (+0.5 = x1.5)
    source = "seed 002: “1元办公空间” — near-free offices; 0.8 assumed"

``apply(scenario, "shanghai-2025-ai-measures", region="zhangjiang")`` returns the scenario
with the package adopted (its sources added to the scenario's ``sources``); ``changes`` gives
the dotted paths and values for :func:`rainforest.explain.whatif`. Sources follow the
provenance rules of :mod:`rainforest.scenario.provenance` (``seed NNN: 原文 — gloss``,
``ai-opinion: seed 003: …``, ``public: …``, ``assumed: reason``).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from rainforest.scenario import Scenario, ScenarioError, get_value, load_scenario, with_values
from rainforest.scenario.provenance import _SOURCE_RE, opinion_as_fact
from rainforest.suggest import did_you_mean

#: How an entry changes a value.
OPS = ("set", "at_least", "at_most", "relative")


class PackageError(ValueError):
    """A package that cannot be read or applied; the message names the package and field."""


@dataclass(frozen=True)
class Entry:
    """One change of a package: ``path`` relative to a region, an operation and its value."""

    path: str
    op: str
    value: Any
    source: str
    note: str = ""

    def describe(self) -> str:
        """``set 0.8``, ``at least 0.5``, ``+50%``."""
        if self.op == "relative":
            return f"{100 * float(self.value):+.0f}%"
        return f"{self.op.replace('_', ' ')} {self.value}"


@dataclass(frozen=True)
class Package:
    """A named, sourced bundle of changes (see the module docstring)."""

    name: str
    title: str
    title_zh: str
    description: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    def to_df(self) -> pd.DataFrame:
        """One row per entry: path, change, source."""
        return pd.DataFrame(
            [
                {"path": e.path, "change": e.describe(), "source": e.source, "note": e.note}
                for e in self.entries
            ]
        )


def _folder():
    return resources.files("rainforest.packages")


def names() -> list[str]:
    """Names of the packages shipped with rainforest."""
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml"))


def parse(data: dict[str, Any], origin: str = "<dict>") -> Package:
    """A :class:`Package` from parsed TOML; :class:`PackageError` names what is wrong."""
    where = f"package {data.get('name', origin)!r}"
    for key in ("name", "title", "entry"):
        if key not in data:
            raise PackageError(f"{where}: missing {key!r}")
    extra = set(data) - {"name", "title", "title_zh", "description", "entry"}
    if extra:
        raise PackageError(f"{where}: unknown key(s) {sorted(extra)}")
    entries = []
    for i, raw in enumerate(data["entry"]):
        at = f"{where}, entry {i} ({raw.get('path', '?')})"
        if "path" not in raw or not isinstance(raw["path"], str) or not raw["path"]:
            raise PackageError(f"{at}: needs a 'path' relative to a region, e.g. 'policy.sandbox'")
        if raw["path"].startswith("regions."):
            raise PackageError(f"{at}: path is relative to a region; drop 'regions.<name>.'")
        ops = [k for k in OPS if k in raw]
        if len(ops) != 1:
            raise PackageError(f"{at}: give exactly one of {', '.join(OPS)}")
        extra = set(raw) - {"path", "source", "note", *OPS}
        if extra:
            raise PackageError(f"{at}: unknown key(s) {sorted(extra)}")
        op = ops[0]
        value = raw[op]
        if op != "set" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise PackageError(f"{at}: {op} needs a number, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise PackageError(f"{at}: {op} must be finite")
        src = raw.get("source", "")
        if not isinstance(src, str) or not _SOURCE_RE.match(src):
            raise PackageError(
                f"{at}: source must be 'seed NNN: 原文 — gloss', 'ai-opinion: seed 003: …', "
                f"'public: …' or 'assumed: reason', got {src!r}"
            )
        if opinion_as_fact(src):
            raise PackageError(f"{at}: seed 003 is an AI model's answer: cite it as 'ai-opinion: '")
        entries.append(Entry(raw["path"], op, value, src, str(raw.get("note", ""))))
    if not entries:
        raise PackageError(f"{where}: no entries")
    return Package(
        name=str(data["name"]),
        title=str(data["title"]),
        title_zh=str(data.get("title_zh", "")),
        description=str(data.get("description", "")),
        entries=tuple(entries),
    )


def load(package: str | Path | Package) -> Package:
    """A shipped package by name, a package TOML file, or a :class:`Package` (returned as is)."""
    if isinstance(package, Package):
        return package
    path = Path(str(package))
    if path.suffix == ".toml" and path.is_file():
        text, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        res = _folder() / f"{package}.toml"
        if not res.is_file():
            known = names()
            hint = did_you_mean(str(package), known) or f"; available: {', '.join(known)}"
            raise PackageError(f"unknown package {package!r}{hint} (`rainforest packages list`)")
        text, origin = res.read_text(encoding="utf-8"), str(package)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PackageError(f"package {origin}: not valid TOML: {err}") from None
    return parse(data, origin)


def list_packages() -> pd.DataFrame:
    """Shipped packages: name, title (English and Chinese), number of entries, description."""
    rows = []
    for n in names():
        p = load(n)
        rows.append(
            {
                "name": p.name,
                "title": p.title,
                "title_zh": p.title_zh,
                "entries": len(p.entries),
                "description": p.description,
            }
        )
    return pd.DataFrame(rows)


def _region(sc: Scenario, region: str | None, pkg: Package) -> str:
    if region is None:
        if len(sc.regions) == 1:
            return next(iter(sc.regions))
        raise PackageError(
            f"package {pkg.name!r}: scenario {sc.name!r} has {len(sc.regions)} regions "
            f"({', '.join(sc.regions)}); say which with region="
        )
    if region not in sc.regions:
        hint = did_you_mean(region, list(sc.regions)) or f"; regions: {', '.join(sc.regions)}"
        raise PackageError(f"package {pkg.name!r}: unknown region {region!r}{hint}")
    return region


def changes(
    scenario: str | Path | dict | Scenario, package: str | Path | Package, region: str | None = None
) -> dict[str, Any]:
    """The dotted paths and new values that adopting ``package`` in ``region`` means for
    ``scenario`` (relative changes resolved against the scenario's values); checked."""
    sc = load_scenario(scenario)
    pkg = load(package)
    reg = _region(sc, region, pkg)
    out: dict[str, Any] = {}
    for e in pkg.entries:
        full = f"regions.{reg}.{e.path}"
        try:
            old = get_value(sc, full)
        except ScenarioError as err:
            raise PackageError(f"package {pkg.name!r}: field {e.path!r}: {err}") from None
        if e.op != "set" and (isinstance(old, bool) or not isinstance(old, int | float)):
            raise PackageError(
                f"package {pkg.name!r}: field {e.path!r} is {old!r}, not a number: use 'set'"
            )
        if e.op == "set":
            new = e.value
        elif e.op == "at_least":
            new = max(old, e.value)
        elif e.op == "at_most":
            new = min(old, e.value)
        else:
            new = old * (1.0 + float(e.value))
        if new != old:
            out[full] = new
    try:
        with_values(sc, out)
    except ScenarioError as err:
        raise PackageError(f"package {pkg.name!r} does not fit {sc.name!r}: {err}") from None
    return out


def apply(
    scenario: str | Path | dict | Scenario, package: str | Path | Package, region: str | None = None
) -> Scenario:
    """``scenario`` with ``package`` adopted in ``region`` (the only region by default): the
    values changed, the package's sources recorded in ``sources`` and the name suffixed."""
    sc = load_scenario(scenario)
    pkg = load(package)
    reg = _region(sc, region, pkg)
    values = changes(sc, pkg, reg)
    out = with_values(sc, values)
    sources = dict(out.sources)
    for e in pkg.entries:
        full = f"regions.{reg}.{e.path}"
        if full in values:
            sources[full] = e.source
    data = out.model_dump(mode="json")
    data["sources"] = sources
    data["name"] = f"{sc.name}+{pkg.name}"
    from rainforest.scenario import scenario_from_dict

    return scenario_from_dict(data, f"{sc.name} with package {pkg.name}")


__all__ = [
    "Entry",
    "Package",
    "PackageError",
    "apply",
    "changes",
    "list_packages",
    "load",
    "names",
    "parse",
]
