"""A corpus of malformed and hostile scenarios, shared by the CLI tests and
``scripts/reliability.py`` (which counts how each is handled for docs/reliability.md).

Every case is a bad input: the right answer is a non-zero exit with one clear line that names
the field (``expect``), fast, with no traceback. A case is a mutation of a small two-region
scenario, or raw text for parser-level cases, plus the extra CLI arguments it is run with.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w


def base_scenario() -> dict[str, Any]:
    """Two small districts with every institution kind; one reported year runs in seconds."""

    def region(name: str) -> dict[str, Any]:
        return {
            "area_km2": 5.0,
            "population": 60000,
            "universities": [{"name": f"U{name}", "graduates_per_year": 2000}],
            "facilities": [{"name": f"F{name}", "domain": "semiconductors"}],
            "anchors": [{"name": f"A{name}", "domain": "ai_software", "employees": 4000}],
            "investors": [{"kind": "angel", "count": 20}, {"kind": "vc", "count": 5}],
        }

    return {
        "name": "hostile-base",
        "years": 1,
        "scale": 100.0,
        "regions": {"a": region("a"), "b": region("b")},
        "distances_km": {"a|b": 100.0},
    }


@dataclass
class Case:
    """One hostile input: ``mutate`` edits the base dict (or ``text`` replaces the file)."""

    name: str
    expect: str  # a field path (or word) the error must name
    mutate: Callable[[dict[str, Any]], None] | None = None
    text: Callable[[], str | bytes] | None = None
    args: list[str] = field(default_factory=list)
    slow: bool = False  # large files: left out of the quick test subset

    def write(self, folder: Path) -> Path:
        """Write the case's scenario file into ``folder`` and return its path."""
        path = folder / f"{self.name}.toml"
        if self.text is not None:
            body = self.text()
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
            return path
        data = base_scenario()
        if self.mutate is not None:
            self.mutate(data)
        path.write_text(_dumps(data), encoding="utf-8")
        return path


def _dumps(data: dict[str, Any]) -> str:
    """TOML text; tomli_w refuses non-finite floats, so they are written as TOML's inf/nan."""
    marker = "__NONFINITE__"

    def swap(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        if isinstance(node, float) and node != node:
            return f"{marker}nan"
        if isinstance(node, float) and node in (float("inf"), float("-inf")):
            return f"{marker}{'-' if node < 0 else '+'}inf"
        return node

    text = tomli_w.dumps(swap(data))
    for word in ("nan", "+inf", "-inf"):
        text = text.replace(f'"{marker}{word}"', word)
    return text


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets ``value`` at a dotted path (list items by index)."""

    def mutate(data: dict[str, Any]) -> None:
        parts = path.split(".")
        node: Any = data
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
        if isinstance(node, list):
            node[int(parts[-1])] = value
        else:
            node[parts[-1]] = value

    return mutate


def _rename_region(new: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["regions"][new] = data["regions"].pop("b")
        data["distances_km"] = {}

    return mutate


def _many_regions(n: int) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        reg = data["regions"]["a"]
        data["regions"] = {f"r{i}": copy.deepcopy(reg) for i in range(n)}
        for i, r in enumerate(data["regions"].values()):
            for coll in ("universities", "facilities", "anchors"):
                for item in r[coll]:
                    item["name"] = f"{item['name']}{i}"
        data["distances_km"] = {}

    return mutate


def _deep_text(depth: int) -> Callable[[], str]:
    return lambda: "x = " + "[" * depth + "]" * depth + "\n"


def _many_keys(n: int) -> Callable[[], str]:
    def text() -> str:
        head = _dumps(base_scenario())
        return head + "\n[mechanisms.contacts]\n" + "".join(f"k{i} = 1\n" for i in range(n))

    return text


def _shock(**kw: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["shocks"] = [{"month": 6, "region": "a", **kw}]

    return mutate


INF = float("inf")
NAN = float("nan")
R = "regions.a"

CASES: list[Case] = [
    # non-finite and absurd numbers
    Case("area-inf", "area_km2", _set(f"{R}.area_km2", INF)),
    Case("area-nan", "area_km2", _set(f"{R}.area_km2", NAN)),
    Case("area-negative", "area_km2", _set(f"{R}.area_km2", -5.0)),
    Case("area-zero", "area_km2", _set(f"{R}.area_km2", 0.0)),
    Case("area-bool", "area_km2", _set(f"{R}.area_km2", True)),
    Case("area-tiny", "area_km2", _set(f"{R}.area_km2", 1e-9)),
    Case("area-string", "area_km2", _set(f"{R}.area_km2", "five")),
    Case("anchor-spillover-inf", "spillover", _set(f"{R}.anchors.0.spillover", INF)),
    Case("university-spillover-nan", "spillover", _set(f"{R}.universities.0.spillover", NAN)),
    Case("distance-nan", "distances_km", _set("distances_km.a|b", NAN)),
    Case("distance-negative", "distances_km", _set("distances_km.a|b", -100.0)),
    Case("distance-inf", "distances_km", _set("distances_km.a|b", INF)),
    Case("spinout-rate-huge", "spinout_rate", _set(f"{R}.anchors.0.spinout_rate", 1e6)),
    Case(
        "density-elasticity-huge",
        "density_elasticity",
        _set("mechanisms.contacts.density_elasticity", 1e6),
    ),
    Case("scale-inf", "scale", _set("scale", INF)),
    Case("scale-huge", "scale", _set("scale", 1e9)),
    Case("scale-zero", "scale", _set("scale", 0.0)),
    Case("years-fraction", "years", _set("years", 1.7), args=["--years", "1.7"]),
    Case("seed-negative", "seed", args=["--seed", "-1"]),
    Case("population-huge", "population", _set(f"{R}.population", 1e11)),
    Case("investor-count-huge", "count", _set(f"{R}.investors.0.count", 10**12)),
    Case(
        "graduates-huge", "graduates_per_year", _set(f"{R}.universities.0.graduates_per_year", 1e12)
    ),
    Case("regions-10000", "regions", _many_regions(10_000), slow=True),
    Case("years-cli-huge", "years", args=["--years", "1000000000"]),
    Case("population-1e38", "population", _set(f"{R}.population", 1e38)),
    Case("unemployment-over-one", "unemployment", _set(f"{R}.unemployment", 1.5)),
    Case(
        "conversion-negative", "conversion_rate", _set(f"{R}.universities.0.conversion_rate", -0.1)
    ),
    Case("under35-nan", "under35_share", _set(f"{R}.under35_share", NAN)),
    Case("wage-inf", "wage", _set(f"{R}.wage", INF)),
    Case("wage-zero", "wage", _set(f"{R}.wage", 0.0)),
    Case("risk-sd-huge", "risk_appetite_sd", _set(f"{R}.culture.risk_appetite_sd", 1e300)),
    Case("skill-mix-nan", "skill_mix", _set(f"{R}.skill_mix", {"tech": NAN, "market": 1.0})),
    Case("market-size-inf", "market_size", _set("domains", [{"name": "d", "market_size": INF}])),
    Case("grant-max-huge", "grant_max", _set(f"{R}.policy.grant_max", 1e308)),
    Case("dry-powder-inf", "dry_powder", _set(f"{R}.investors.0.dry_powder", INF)),
    Case("patience-nan", "patience", _set(f"{R}.investors.0.patience", NAN)),
    Case("migration-rate-nan", "base_rate", _set("mechanisms.migration.base_rate", NAN)),
    Case("contact-rate-huge", "base_rate", _set("mechanisms.contacts.base_rate", 1e9)),
    Case("decay-km-tiny", "decay_km", _set("mechanisms.ideas.decay_km", 1e-300)),
    Case("growth-rate-huge", "growth_rate", _set("mechanisms.exits.growth_rate", 1e3)),
    Case(
        "breakthroughs-huge",
        "breakthroughs_per_year",
        _set(f"{R}.facilities.0.breakthroughs_per_year", 1e12),
    ),
    Case("halflife-tiny", "halflife_months", _set("mechanisms.belief.halflife_months", 1e-300)),
    # parser and printer
    Case("toml-deep", "nesting", text=_deep_text(5000)),
    Case("keys-3-million", "keys", text=_many_keys(3_000_000), slow=True),
    Case("not-toml", "TOML", text=lambda: "regions = {{{\n"),
    Case("binary", "UTF-8", text=lambda: bytes(range(256)) * 4),
    Case("empty-file", "regions", text=lambda: ""),
    Case("domains-empty", "domains", _set("domains", [])),
    Case("regions-empty", "regions", _set("regions", {})),
    Case(
        "shock-value-out-of-range",
        "shocks.0.value",
        _shock(kind="policy_change", field="sandbox", value=5.0),
    ),
    Case(
        "shock-value-nan",
        "shocks.0.value",
        _shock(kind="policy_change", field="grant_rate", value=NAN),
    ),
    Case("region-name-empty", "regions", _rename_region("")),
    Case("region-name-pipe", "regions", _rename_region("a|b")),
    Case("region-name-newline", "regions", _rename_region("b\nc")),
    Case("region-name-markup", "regions", _rename_region("[bold red]b[/]")),
]
