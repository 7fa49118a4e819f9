"""Loading scenarios from presets, TOML files or dicts, with errors a user can act on.

Every failure names the file, the field path (``regions.hangzhou.policy.sandbox``) and what was
expected, and happens before any simulation starts.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
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


#: Most problems listed in one error; the rest are counted ("and N more").
MAX_ERRORS = 20
#: Caps checked on the raw text before the TOML parser sees it (a preset has < 1,000 keys,
#: nesting of 4 and 60 KB; these leave room for hundreds of regions).
MAX_SCENARIO_BYTES = 8 * 2**20
MAX_KEYS = 100_000
MAX_DEPTH = 32
#: Most regions in one scenario (the presets have at most 6; region matrices grow as n²).
MAX_REGIONS = 200
_SAFE_PART = re.compile(r"^[A-Za-z0-9_\-]{1,60}$")
_SUBPATH = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*): (.*)$", re.S)
_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]'
)


def _part(p: Any) -> str:
    """One step of a field path, quoted when it is not a plain name (odd region names)."""
    s = str(p)
    if _SAFE_PART.match(s):
        return s
    return repr(s if len(s) <= 40 else s[:40] + "...")


def _got(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    text = repr(value)
    return f" (got {text if len(text) <= 60 else text[:60] + '...'})"


def _problem(e: dict[str, Any]) -> str:
    """One problem as 'path: message (got value)' on one line."""
    loc = list(e["loc"])
    msg = str(e["msg"])
    key = bool(loc) and loc[-1] == "[key]"
    if key:  # a bad dict key (a region name): the path ends at the key, no value shown
        loc = loc[:-1]
    if e["type"] == "extra_forbidden":
        msg = "unknown field (check the spelling; see `rainforest presets show` for fields)"
    if msg.startswith(("Value error, ", "Assertion failed, ")):
        msg = msg.split(", ", 1)[1]
    m = _SUBPATH.match(msg)
    if m:  # a model validator naming the field inside the model it checks
        loc = [*loc, *m.group(1).split(".")]
        msg = m.group(2)
    path = ".".join(_part(p) for p in loc) or "(top level)"
    got = "" if key or m or " got " in msg else _got(e.get("input"))
    text = f"{path}: {msg}{got}"
    return " ".join(text.split())  # one line, whatever the message held


def _format_errors(source: str, err: ValidationError) -> str:
    """The first line names the file and the first problem; at most MAX_ERRORS in all."""
    errors = err.errors(include_url=False)
    n = len(errors)
    items = [_problem(e) for e in errors[:MAX_ERRORS]]
    count = "" if n == 1 else f" ({n} problems)"
    lines = [f"{source}: invalid scenario{count}: {items[0]}"]
    lines += [f"  - {x}" for x in items[1:]]
    if n > MAX_ERRORS:
        lines.append(f"  and {n - MAX_ERRORS} more")
    return "\n".join(lines)


def check_text(text: str, source: str) -> None:
    """Refuse, before parsing, text too large, with too many keys or nested too deeply.

    The TOML parser recurses on nesting and keeps every key; these caps keep a hostile file
    from exhausting the stack, the memory or the time of the process reading it.
    """
    keys = text.count("=")
    if keys > MAX_KEYS:
        raise ScenarioError(
            f"{source}: about {keys:,} keys, more than the {MAX_KEYS:,} a scenario may have "
            "(a preset has fewer than 1,000)"
        )
    size = len(text.encode("utf-8", "replace")) if len(text) * 4 > MAX_SCENARIO_BYTES else 0
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{source}: {size / 2**20:.1f} MiB, larger than the "
            f"{MAX_SCENARIO_BYTES // 2**20} MiB a scenario may have"
        )
    depth = deepest = 0
    where = 0
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest, where = depth, m.start()
                if deepest > MAX_DEPTH:
                    line = text.count("\n", 0, where) + 1
                    raise ScenarioError(
                        f"{source}: nesting deeper than {MAX_DEPTH} levels (line {line}); "
                        "a scenario needs at most 5"
                    )
        elif tok in ("]", "}"):
            depth = max(depth - 1, 0)


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
    regions = data.get("regions") if isinstance(data, dict) else None
    if isinstance(regions, dict) and len(regions) > MAX_REGIONS:  # before validating them all
        raise ScenarioError(
            f"{source}: invalid scenario: regions: {len(regions):,} regions, more than the "
            f"{MAX_REGIONS} a scenario may have (merge small regions or split the scenario)"
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_errors(source, err)) from None


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    check_text(text, source)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{source}: not valid TOML: {err}") from None
    except RecursionError:  # the caps above should make this unreachable
        raise ScenarioError(f"{source}: nested too deeply to read") from None


def scenario_from_text(text: str, source: str) -> Scenario:
    """Check, parse and validate TOML text (a file's or an upload's) into a Scenario."""
    return scenario_from_dict(_parse_toml(text, source), source)


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
        if path.stat().st_size > 8 * MAX_SCENARIO_BYTES:  # not even read (check_text: less)
            raise ScenarioError(
                f"{path}: {path.stat().st_size / 2**20:.1f} MiB, larger than the "
                f"{MAX_SCENARIO_BYTES // 2**20} MiB a scenario may have"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(f"{path}: not a UTF-8 text file") from None
        return scenario_from_text(text, str(path))
    name = str(spec)
    return scenario_from_dict(_parse_toml(preset_text(name), f"preset {name}"), f"preset {name}")


def scenario_to_toml(sc: Scenario) -> str:
    """Serialise a scenario to TOML (round-trips through :func:`load_scenario`)."""
    return tomli_w.dumps(sc.model_dump(mode="json", exclude_none=True))  # empty = default


def scenario_hash(sc: Scenario) -> str:
    """A content hash of the scenario's values (sources excluded): equal hash, equal model.

    The order of regions is part of the hash: region order sets agent indices and so the
    random streams, so the same regions in another order give other (equally valid) numbers.
    """
    data = sc.model_dump(mode="json", exclude={"sources", "description"})
    data["region_order"] = list(sc.regions)
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _walk(node: Any, parts: list[str], path: str, names: list[str] | None = None) -> Any:
    """The node at ``parts``; ``names``, if given, receives the path as the sources table
    addresses it (a list item with a ``name`` by its name, one without by its index)."""
    for i, part in enumerate(parts):
        where = ".".join(parts[: i + 1])
        if isinstance(node, dict):
            if part not in node:
                hint = did_you_mean(part, node)
                raise ScenarioError(f"{path}: no field {where!r}{hint}")
            node = node[part]
            name = part
        elif isinstance(node, list):
            node = _item(node, part, path, where)
            name = _item_name(node, part)
        else:
            raise ScenarioError(f"{path}: {where!r} is not a table")
        if names is not None:
            names.append(name)
    return node


def _item_name(item: Any, part: str) -> str:
    """How the sources table addresses a list ``item`` reached by ``part``: by its ``name``
    if it has one, else by its index."""
    named = isinstance(item, dict) and item.get("name")
    return str(named) if named else part


def get_in(data: Any, path: str) -> Any:
    """The node at dotted ``path`` inside plain data (dicts and lists as dumped from a
    Scenario); list items may be addressed by ``name`` or index. Raises ScenarioError."""
    return _walk(data, path.split("."), path)


def get_value(sc: Scenario, path: str) -> Any:
    """The value at a dotted path; list items may be addressed by ``name`` or index."""
    return _walk(sc.model_dump(mode="json"), path.split("."), path)


def _item(node: list, part: str, path: str, where: str) -> Any:
    """The item of a list that ``part`` addresses: by index, else by its unique ``name``."""
    if part.isdigit() and int(part) < len(node):
        return node[int(part)]
    hits = [x for x in node if isinstance(x, dict) and x.get("name") == part]
    if len(hits) != 1:
        names = [str(x.get("name")) for x in node if isinstance(x, dict)]
        hint = did_you_mean(part, names)
        raise ScenarioError(f"{path}: no item named {part!r} at {where!r}{hint}")
    return hits[0]


def with_values(sc: Scenario, values: dict[str, Any], source: str | None = None) -> Scenario:
    """A copy of ``sc`` with values set at dotted paths, validated again.

    ``with_values(sc, {"regions.hangzhou.policy.service_latency_days": 90})``

    ``source``: who set them (``"--set on the command line"``), for a user's change: each
    path's provenance then says ``assumed: <source>`` and the value it replaced, so a report
    never credits a user's number to the preset's citation. Without it the sources are kept
    (programmatic overlays: a fit, an edition's switches, an experiment's design).
    """
    data = copy.deepcopy(sc.model_dump(mode="json"))
    was: dict[str, Any] = {}  # canonical path -> the value it replaced
    for path, value in values.items():
        parts = path.split(".")
        names: list[str] = []
        parent = _walk(data, parts[:-1], path, names)
        last = parts[-1]
        if isinstance(parent, dict):
            if last not in parent:
                raise ScenarioError(f"{path}: no field {last!r}{did_you_mean(last, parent)}")
        elif not (isinstance(parent, list) and last.isdigit() and int(last) < len(parent)):
            raise ScenarioError(f"{path}: cannot set {last!r}")
        if isinstance(parent, dict):
            slot, name = last, last
        else:  # named before the change, which may rename the item
            slot = int(last)
            name = _item_name(parent[slot], last)
        key = ".".join([*names, name])
        was[key] = parent[slot]
        parent[slot] = value
    if source is not None:
        sources = dict(data.get("sources") or {})
        for key, before in was.items():
            old = json.dumps(before, ensure_ascii=False)
            if len(old) > 80:
                old = old[:77] + "..."
            sources[key] = f"assumed: {source} (in place of {old})"
        data["sources"] = sources
    return scenario_from_dict(data, f"{sc.name} with {sorted(values)}")
