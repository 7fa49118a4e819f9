"""Benchmark scenarios: one district of N simulated people with every mechanism switched on.

Density, institutions and investors grow with N so that per-person work stays the same and the
cost per step can be compared across sizes (like Mesa's benchmarks/configurations.py).
"""

from __future__ import annotations

from rainforest.scenario import Scenario, scenario_from_dict


def district(people: int, regions: int = 1) -> Scenario:
    """A scenario with ``people`` simulated people (at scale 1) over ``regions`` regions."""
    per = people / regions
    f = per / 100_000
    regs = {}
    for r in range(regions):
        regs[f"r{r}"] = {
            "area_km2": 10.0 * f,
            "population": per,
            "under35_share": 0.55,
            "third_places_per_km2": 30,
            "initial_firms": 2000 * f,
            "domain_mix": {
                "ai_software": 3,
                "semiconductors": 1,
                "biomedicine": 1,
                "games": 1,
                "robotics": 1,
                "ecommerce": 1,
            },
            "culture": {"failure_tolerance": 0.6, "risk_appetite": 0.55},
            "policy": {
                "rd_subsidy_share": 0.3,
                "rent_subsidy_share": 0.5,
                "rent_subsidy_months": 24,
                "service_latency_days": 30,
                "sandbox": 0.5,
                "grant_max": 5.0,
                "grant_rate": 0.01,
                "open_data": 0.5,
                "compute_vouchers": 0.3,
                "shared_labs": 0.3,
                "talent_subsidy": 0.05,
            },
            "universities": [
                {
                    "name": f"U{i}",
                    "graduates_per_year": 3000 * f / 2,
                    "patents_per_year": 400 * f / 2,
                    "conversion_rate": 0.3,
                }
                for i in range(2)
            ],
            "facilities": [
                {
                    "name": "Lab",
                    "domain": "semiconductors",
                    "breakthroughs_per_year": 2,
                    "lag_months": 36,
                    "staff": 500 * f,
                }
            ],
            "anchors": [
                {
                    "name": f"A{i}",
                    "domain": d,
                    "employees": 4000 * f,
                    "spinout_rate": 0.0008,
                    "platform_services": 0.3,
                }
                for i, d in enumerate(["ai_software", "ecommerce"])
            ],
            "investors": [
                {
                    "kind": "angel",
                    "count": max(1, int(50 * f)),
                    "dry_powder": 30,
                    "stage_preference": {"seed": 1, "early": 0.3, "late": 0},
                },
                {"kind": "vc", "count": max(1, int(10 * f)), "dry_powder": 1500},
                {"kind": "cvc", "count": max(1, int(3 * f)), "dry_powder": 2000},
                {
                    "kind": "state",
                    "count": max(1, int(3 * f)),
                    "dry_powder": 3000,
                    "stage_preference": {"seed": 0.1, "early": 0.5, "late": 1},
                    "rescue": True,
                },
                {
                    "kind": "bank",
                    "count": max(1, int(2 * f)),
                    "dry_powder": 3000,
                    "stage_preference": {"seed": 0, "early": 0.2, "late": 1},
                },
            ],
        }
    return scenario_from_dict(
        {"name": f"bench-{people}", "years": 10, "warmup_years": 0, "scale": 1, "regions": regs}
    )
