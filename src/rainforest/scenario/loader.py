"""Loading scenarios from presets, TOML files or dicts, with errors a user can act on.

Every failure names the file, the field path (``regions.hangzhou.policy.sandbox``) and what was
expected, and happens before any simulation starts.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from rainforest.scenario.schema import Scenario
from rainforest.suggest import did_you_mean


class ScenarioError(ValueError):
    """A scenario could not be read or validated; the message says where and why."""


def _format_errors(source: str, err: ValidationError) -> str:
    lines = [f"{source}: invalid scenario ({err.error_count()} problem(s))"]
    for e in err.errors():
        path = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see `rainforest presets show` for fields)"
        got = e.get("input")
        got_s = "" if isinstance(got, dict | list) else f" (got {got!r})"
        lines.append(f"  - {path}: {msg}{got_s}")
    return "\n".join(lines)


def preset_names() -> list[str]:
    """Names of the presets shipped with the package."""
    folder = resources.files("rainforest.presets")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    """The TOML text of a shipped preset."""
    path = resources.files("rainforest.presets") / f"{name}.toml"
    if not path.is_file():
        names = preset_names()
        hint = did_you_mean(name, names) or f"; available: {', '.join(names)}"
        raise ScenarioError(f"unknown preset {name!r}{hint} (`rainforest presets list`)")
    return path.read_text(encoding="utf-8")


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a plain dict (as read from TOML) into a Scenario."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_errors(source, err)) from None


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{source}: not valid TOML: {err}") from None


def load_scenario(spec: str | Path | dict[str, Any] | Scenario) -> Scenario:
    """Load a scenario from a preset name, a TOML path, a dict or a Scenario.

    Parameters
    ----------
    spec
        A preset name such as ``"hangzhou"`` (see :func:`preset_names`), a path to a TOML file,
        a dict with the same structure, or an already validated :class:`Scenario`.

    Raises
    ------
    ScenarioError
        If the preset or file does not exist, is not TOML, or fails validation; the message
        names the file and the field path.
    """
    if isinstance(spec, Scenario):
        return spec
    if isinstance(spec, dict):
        return scenario_from_dict(spec)
    path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ScenarioError(f"{path}: no such scenario file")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(f"{path}: not a UTF-8 text file") from None
        return scenario_from_dict(_parse_toml(text, str(path)), str(path))
    name = str(spec)
    return scenario_from_dict(_parse_toml(preset_text(name), f"preset {name}"), f"preset {name}")


def scenario_to_toml(sc: Scenario) -> str:
    """Serialise a scenario to TOML (round-trips through :func:`load_scenario`)."""
    return tomli_w.dumps(sc.model_dump(mode="json"))


def scenario_hash(sc: Scenario) -> str:
    """A content hash of the scenario's values (sources excluded): equal hash, equal model.

    The order of regions is part of the hash: region order sets agent indices and so the
    random streams, so the same regions in another order give other (equally valid) numbers.
    """
    data = sc.model_dump(mode="json", exclude={"sources", "description"})
    data["region_order"] = list(sc.regions)
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _walk(node: Any, parts: list[str], path: str) -> Any:
    for i, part in enumerate(parts):
        where = ".".join(parts[: i + 1])
        if isinstance(node, dict):
            if part not in node:
                hint = did_you_mean(part, node)
                raise ScenarioError(f"{path}: no field {where!r}{hint}")
            node = node[part]
        elif isinstance(node, list):
            if part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                hits = [x for x in node if isinstance(x, dict) and x.get("name") == part]
                if len(hits) != 1:
                    names = [str(x.get("name")) for x in node if isinstance(x, dict)]
                    hint = did_you_mean(part, names)
                    raise ScenarioError(f"{path}: no item named {part!r} at {where!r}{hint}")
                node = hits[0]
        else:
            raise ScenarioError(f"{path}: {where!r} is not a table")
    return node


def get_in(data: Any, path: str) -> Any:
    """The node at dotted ``path`` inside plain data (dicts and lists as dumped from a
    Scenario); list items may be addressed by ``name`` or index. Raises ScenarioError."""
    return _walk(data, path.split("."), path)


def get_value(sc: Scenario, path: str) -> Any:
    """The value at a dotted path; list items may be addressed by ``name`` or index."""
    return _walk(sc.model_dump(mode="json"), path.split("."), path)


def with_values(sc: Scenario, values: dict[str, Any]) -> Scenario:
    """A copy of ``sc`` with values set at dotted paths, validated again.

    ``with_values(sc, {"regions.hangzhou.policy.service_latency_days": 90})``
    """
    data = copy.deepcopy(sc.model_dump(mode="json"))
    for path, value in values.items():
        parts = path.split(".")
        parent = _walk(data, parts[:-1], path)
        last = parts[-1]
        if isinstance(parent, dict):
            if last not in parent:
                raise ScenarioError(f"{path}: no field {last!r}{did_you_mean(last, parent)}")
            parent[last] = value
        elif isinstance(parent, list) and last.isdigit():
            parent[int(last)] = value
        else:
            raise ScenarioError(f"{path}: cannot set {last!r}")
    return scenario_from_dict(data, f"{sc.name} with {sorted(values)}")
