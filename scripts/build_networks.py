"""Build the pan-regional presets from the single-place presets (run after editing those).

Each network preset takes its regions, with their values and sources, from the place presets,
adds the distances between them (with sources), and picks one population scale for the run.

    python scripts/build_networks.py      # rewrites src/rainforest/presets/{yangtze-delta,...}.toml
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

PRESETS = Path(__file__).resolve().parents[1] / "src" / "rainforest" / "presets"
ROAD = "public: approximate road distance between district centres (online maps, 2024)"

NETWORKS = {
    "yangtze-delta": {
        "description": (
            "The Yangtze River Delta innovation network (seed 001 trend 3, 泛区域创新网): "
            "Caohejing and Zhangjiang in Shanghai, Hangzhou, Hefei and Nanjing, linked by "
            "talent, capital and hybrid collaboration."
        ),
        "places": ["caohejing", "zhangjiang", "hangzhou", "hefei", "nanjing"],
        "scale": 20.0,
        "distances": {
            "caohejing|zhangjiang": 20,
            "caohejing|hangzhou": 170,
            "zhangjiang|hangzhou": 190,
            "caohejing|nanjing": 300,
            "zhangjiang|nanjing": 320,
            "hangzhou|nanjing": 280,
            "caohejing|hefei": 470,
            "zhangjiang|hefei": 490,
            "hangzhou|hefei": 400,
            "nanjing|hefei": 170,
        },
    },
    "us-network": {
        "description": (
            "A US network: Silicon Valley, San Francisco's Cerebral Valley, Kendall Square, "
            "Austin, South Lake Union and Detroit — the connections of seed 000, San "
            "Francisco's costs and Detroit's single anchor of seed 001."
        ),
        "places": [
            "silicon-valley",
            "cerebral-valley",
            "kendall-square",
            "austin",
            "south-lake-union",
            "detroit",
        ],
        "scale": 20.0,
        "distances": {
            "silicon_valley|cerebral_valley": 60,
            "silicon_valley|kendall_square": 4300,
            "silicon_valley|austin": 2700,
            "silicon_valley|south_lake_union": 1300,
            "silicon_valley|detroit": 3800,
            "cerebral_valley|kendall_square": 4300,
            "cerebral_valley|austin": 2800,
            "cerebral_valley|south_lake_union": 1300,
            "cerebral_valley|detroit": 3800,
            "kendall_square|austin": 3200,
            "kendall_square|south_lake_union": 4900,
            "kendall_square|detroit": 1100,
            "austin|south_lake_union": 3400,
            "austin|detroit": 2200,
            "south_lake_union|detroit": 3800,
        },
    },
    "greater-bay-area": {
        "description": (
            "The Greater Bay Area: Shenzhen's design-to-production chain (seed 004: "
            "50公里半径内完成从设计到量产) with Dongguan's factories, Guangzhou's universities and "
            "Hong Kong's capital and research, within 150 km — supply-chain proximity (M12)."
        ),
        "places": ["shenzhen"],
        "derived": {
            # name: (base region, {field: (value, source)})
            "dongguan": (
                "shenzhen",
                {
                    "area_km2": (120.0, "assumed: Songshan Lake and its factory belt"),
                    "population": (
                        250_000.0,
                        "assumed: engineers and technicians of the factory belt",
                    ),
                    "wage": (0.016, "assumed: below Shenzhen"),
                    "office_rent": (0.0012, "assumed: about half Shenzhen's"),
                    "housing_cost": (0.6, "assumed: well below Shenzhen"),
                    "supply_chain": (
                        1.0,
                        "seed 004: 50公里半径内完成从设计到量产 — the design-to-"
                        "production radius includes Dongguan's factories",
                    ),
                    "openness": (0.5, "assumed: a manufacturing town"),
                    "third_places_per_km2": (8.0, "assumed: few cafés and hacker houses"),
                    "domain_mix": (
                        {"robotics": 3.0, "semiconductors": 1.0, "ecommerce": 1.0},
                        "assumed: hardware and its supply chain",
                    ),
                    "universities": ([], "assumed: none of note modelled"),
                    "facilities": ([], "assumed: none of note modelled"),
                    "initial_firms": (15_000.0, "assumed: dense small manufacturers"),
                    "initial_listed": (
                        30.0,
                        "assumed: sized in proportion to the district's workforce",
                    ),
                    "initial_patent_stock": (
                        5_000.0,
                        "assumed: sized in proportion to the district's workforce",
                    ),
                },
            ),
            "guangzhou": (
                "shenzhen",
                {
                    "area_km2": (200.0, "assumed: the Tianhe-Huangpu science corridor"),
                    "population": (400_000.0, "assumed: knowledge workers of the corridor"),
                    "wage": (0.018, "assumed: below Shenzhen"),
                    "housing_cost": (0.8, "assumed: below Shenzhen"),
                    "credential_share": (0.25, "assumed: a university city (SYSU, SCUT)"),
                    "state_employment_share": (0.2, "assumed: a provincial capital"),
                    "supply_chain": (0.6, "assumed: within reach of the Pearl River Delta chain"),
                    "initial_firms": (
                        20_000.0,
                        "assumed: sized in proportion to the district's workforce",
                    ),
                    "initial_listed": (
                        60.0,
                        "assumed: sized in proportion to the district's workforce",
                    ),
                },
            ),
            "hong_kong": (
                "shenzhen",
                {
                    "area_km2": (60.0, "assumed: the business districts and science parks"),
                    "population": (300_000.0, "assumed: finance, research and tech workers"),
                    "wage": (0.04, "assumed: about twice Shenzhen's"),
                    "office_rent": (0.009, "assumed: among the world's highest"),
                    "housing_cost": (2.5, "assumed: among the world's highest"),
                    "tax_rate": (0.15, "assumed: low profits tax"),
                    "supply_chain": (0.3, "assumed: the chain lies across the border"),
                    "credential_share": (0.3, "assumed: HKU, HKUST, CUHK"),
                    "domain_mix": (
                        {"ai_software": 2.0, "biomedicine": 2.0, "ecommerce": 1.0},
                        "assumed: finance-adjacent software and biotech",
                    ),
                    "initial_firms": (
                        20_000.0,
                        "assumed: sized in proportion to the district's workforce",
                    ),
                    "initial_listed": (150.0, "assumed: a listing hub"),
                },
            ),
        },
        "scale": 15.0,
        "distances": {
            "shenzhen|dongguan": 50,
            "shenzhen|guangzhou": 110,
            "shenzhen|hong_kong": 30,
            "dongguan|guangzhou": 60,
            "dongguan|hong_kong": 80,
            "guangzhou|hong_kong": 140,
        },
    },
}


def derive(base_raw: dict, base: str, name: str, changes: dict) -> tuple[dict, dict]:
    """A region copied from ``base`` with ``changes``; inherited values keep their sources,
    prefixed to say where they come from."""
    region = dict(base_raw["regions"][base])
    sources = {}
    for key, text in base_raw.get("sources", {}).items():
        prefix = f"regions.{base}."
        if key.startswith(prefix):
            field = key[len(prefix) :].split(".")[0]
            if field not in changes:
                new_key = f"regions.{name}." + key[len(prefix) :]
                sources[new_key] = (
                    text if text.startswith("assumed:") else (f"assumed: as Shenzhen ({text})")
                )
    for field, (value, text) in changes.items():
        region[field] = value
        sources[f"regions.{name}.{field}"] = text
    return region, sources


def build(name: str, spec: dict) -> str:
    regions, sources, domains = {}, {}, None
    for place in spec["places"]:
        raw = tomllib.loads((PRESETS / f"{place}.toml").read_text(encoding="utf-8"))
        regions.update(raw["regions"])
        sources.update(
            {k: v for k, v in raw.get("sources", {}).items() if k.startswith("regions.")}
        )
        if "domains" in raw:
            domains = raw["domains"]
            sources.update({k: v for k, v in raw["sources"].items() if k.startswith("domains")})
    out = {
        "name": name,
        "description": spec["description"],
        "years": 20,
        "warmup_years": 5,
        "scale": spec["scale"],
        "sources": {
            "scale": "assumed: one scale for every region keeps the run near 100,000 simulated "
            "people",
            "years": "assumed: two decades, the horizon of the seeds' stories",
            "warmup_years": "assumed: five years to build up from the initial stocks",
            **{f"distances_km.{k}": ROAD for k in spec["distances"]},
            **sources,
        },
        "distances_km": {k: float(v) for k, v in spec["distances"].items()},
        "regions": regions,
    }
    for name_, (base, changes) in spec.get("derived", {}).items():
        base_raw = tomllib.loads((PRESETS / f"{base.replace('_', '-')}.toml").read_text("utf-8"))
        region, srcs = derive(base_raw, base, name_, changes)
        out["regions"][name_] = region
        out["sources"].update(srcs)
    if domains is not None:
        out["domains"] = domains
    header = (
        f"# Generated by scripts/build_networks.py from the presets "
        f"{', '.join(spec['places'])}; edit those, then rerun the script.\n"
    )
    return header + tomli_w.dumps(out)


def main() -> None:
    for name, spec in NETWORKS.items():
        (PRESETS / f"{name}.toml").write_text(build(name, spec), encoding="utf-8")
        print(f"wrote {name}.toml")


if __name__ == "__main__":
    main()
