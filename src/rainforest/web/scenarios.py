"""The dashboard's scenario catalogue: shipped presets, scenarios the operator added at start-up
and scenarios uploaded through the page (parsed in memory, never written to disk).

A request names a scenario by its catalogue id only; no path from a request is ever opened.
Presets are read with :func:`~rainforest.scenario.preset_text` after the name is checked
against :func:`~rainforest.scenario.preset_names`.
"""

from __future__ import annotations

import math
import re
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rainforest.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    preset_names,
    preset_text,
    scenario_from_dict,
    scenario_from_text,
    scenario_hash,
    with_values,
)

#: Largest accepted upload (bytes).
MAX_UPLOAD_BYTES = 512 * 1024
#: Uploaded scenarios kept in memory (oldest dropped first).
MAX_UPLOADS = 64
#: The lever groups of a region shown as sliders and switches.
LEVER_GROUPS = ("culture", "policy")
LEVER_RE = re.compile(r"^regions\.([^.]+)\.(culture|policy)\.([A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True)
class Entry:
    """One scenario of the catalogue."""

    id: str
    scenario: Scenario
    origin: str  # "preset" | "added" | "upload"

    def info(self) -> dict[str, Any]:
        """What the page lists: id, name, description, origin, regions, years, scale, size."""
        from rainforest.i18n import preset_group, preset_label

        sc = self.scenario
        people = sum(float(r.population) for r in sc.regions.values())
        preset = self.origin == "preset"
        return {
            "id": self.id,
            "name": sc.name,
            # menu labels in English and Chinese, and the preset's group (archetype, place,
            # network; "other" for added and uploaded scenarios)
            "label_en": preset_label(self.id, "en") if preset else sc.name,
            "label_zh": preset_label(self.id, "zh") if preset else sc.name,
            "group": preset_group(self.id) if preset else "other",
            "description": sc.description,
            "origin": self.origin,
            "regions": list(sc.regions),
            "years": sc.years,
            "warmup_years": sc.warmup_years,
            "scale": sc.scale,
            "population": people,
        }


def person_months(sc: Scenario, years: int, scale: float | None) -> float:
    """Simulated people × months a run would take (warm-up included), before it starts."""
    k = float(scale if scale is not None else sc.scale)
    people = sum(float(r.population) for r in sc.regions.values()) / k
    return people * 12.0 * (int(years) + int(sc.warmup_years))


def _bounds(info: Any, value: float) -> tuple[float, float, float]:
    """Slider (min, max, step) of a numeric field from its constraints, unit and value."""
    lo, hi = 0.0, None
    for m in getattr(info, "metadata", []) or []:
        if getattr(m, "ge", None) is not None:
            lo = float(m.ge)
        if getattr(m, "gt", None) is not None:
            lo = float(m.gt)
        if getattr(m, "le", None) is not None:
            hi = float(m.le)
        if getattr(m, "lt", None) is not None:
            hi = float(m.lt)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = str(extra.get("unit", ""))
    floor = {"days": 365.0, "months": 60.0, "x": 5.0, "million yuan": 10.0}.get(unit, 1.0)
    raw = max(4.0 * abs(value), 2.0 * abs(float(info.default or 0.0)), floor)
    mag = 10 ** math.floor(math.log10(raw))
    # a schema bound far above any sensible value (a century of days) is a guard, not a range
    hi = math.ceil(raw / mag) * mag if hi is None else min(hi, math.ceil(raw / mag) * mag)
    step = (hi - lo) / 100.0 if hi > lo else 0.01
    if hi - lo >= 100:
        step = max(1.0, round(step))
    return lo, hi, step


def levers(sc: Scenario) -> list[dict[str, Any]]:
    """The culture and policy fields of every region, with unit, bounds and source."""
    from rainforest.i18n import lever_label
    from rainforest.scenario.provenance import DEFAULT_SOURCE, provenance_table

    try:
        prov = provenance_table(sc).set_index("path")["source"].to_dict()
    except Exception:  # provenance is a nicety on the page, never a reason to fail
        prov = {}
    out = []
    for rname, region in sc.regions.items():
        for group in LEVER_GROUPS:
            model = getattr(region, group)
            for fname, info in type(model).model_fields.items():
                value = getattr(model, fname)
                path = f"regions.{rname}.{group}.{fname}"
                extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
                item = {
                    "path": path,
                    "region": rname,
                    "group": group,
                    "name": fname,
                    "label": lever_label(path, "en"),
                    "label_zh": lever_label(path, "zh"),
                    "description": info.description or "",
                    "unit": str(extra.get("unit", "")),
                    "value": value,
                    "default": info.default,
                    "source": prov.get(path, DEFAULT_SOURCE),
                }
                if isinstance(value, bool):
                    item["kind"] = "bool"
                elif isinstance(value, int | float):
                    lo, hi, step = _bounds(info, float(value))
                    item.update(kind="number", min=lo, max=hi, step=step)
                else:
                    continue
                out.append(item)
    return out


def apply_levers(sc: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A validated copy of ``sc`` with lever values set.

    Raises
    ------
    ScenarioError
        If a path is not a culture or policy field of one of the scenario's regions, or a
        value fails validation (the message names the field).
    """
    if not values:
        return sc
    for path in values:
        m = LEVER_RE.match(path)
        if not m or m.group(1) not in sc.regions:
            raise ScenarioError(
                f"{path}: not a lever; expected regions.<region>.culture.<field> or "
                f"regions.<region>.policy.<field> with a region of {sorted(sc.regions)}"
            )
        model = getattr(sc.regions[m.group(1)], m.group(2))
        if m.group(3) not in type(model).model_fields:
            raise ScenarioError(f"{path}: no field {m.group(3)!r} in {m.group(2)}")
    return with_values(sc, dict(values), source="set in the dashboard")


class Catalogue:
    """Scenarios the dashboard can run, by id (thread-safe)."""

    def __init__(self, extra: Mapping[str, Any] | None = None):
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._uploads: list[str] = []
        for name in preset_names():
            self._entries[name] = Entry(name, _preset(name), "preset")
        for key, spec in (extra or {}).items():
            sc = spec if isinstance(spec, Scenario) else load_scenario(spec)
            ident = f"added:{key}"
            self._entries[ident] = Entry(ident, sc, "added")

    def list(self) -> list[dict[str, Any]]:
        """Every entry's :meth:`Entry.info`, presets first."""
        with self._lock:
            return [e.info() for e in self._entries.values()]

    def get(self, ident: str) -> Entry | None:
        """The entry with this id, or None."""
        with self._lock:
            return self._entries.get(ident)

    def upload(self, data: bytes, filename: str = "upload.toml") -> Entry:
        """Parse an uploaded TOML scenario in memory and add it.

        Raises
        ------
        ScenarioError
            If it is too large, not UTF-8, not TOML, or not a valid scenario.
        """
        label = Path(filename or "upload.toml").name[:80] or "upload.toml"
        if len(data) > MAX_UPLOAD_BYTES:
            raise ScenarioError(f"{label}: larger than {MAX_UPLOAD_BYTES // 1024} KiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(f"{label}: not a UTF-8 text file") from None
        sc = scenario_from_text(text, label)  # size, key and nesting caps before parsing
        ident = f"upload:{scenario_hash(sc)}"
        entry = Entry(ident, sc, "upload")
        with self._lock:
            self._entries[ident] = entry
            if ident in self._uploads:
                self._uploads.remove(ident)
            self._uploads.append(ident)
            while len(self._uploads) > MAX_UPLOADS:
                self._entries.pop(self._uploads.pop(0), None)
        return entry


def _preset(name: str) -> Scenario:
    if name not in preset_names():
        raise ScenarioError(f"unknown preset {name!r}")
    return scenario_from_dict(tomllib.loads(preset_text(name)), f"preset {name}")


def json_value(v: Any) -> Any:
    """A JSON-safe copy of a value (NaN and infinities become None)."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, BaseModel):
        return v.model_dump(mode="json")
    return v
