"""A tiny, hand-built Result whose metrics can be computed by hand (metrics tests).

Two regions: ``A`` (2 km², 1,000 people) and ``B`` (4 km², 2,000 people), 24 months (two
years), scale 10. Organisations and ties (see ``tests/test_metrics_networks.py`` for the hand
computation of the graphs):

====  ==========  ======  ======  =======  ======  ==========  =====================
org   kind        region  parent  founded  exit    origin      note
====  ==========  ======  ======  =======  ======  ==========  =====================
0     university  A       -1      -600     none    grassroots  "Uni A"
1     anchor      A       -1      -240     none    grassroots  "Anchor A", 200 staff
2     facility    B       -1      -360     none    grassroots  "Lab B", state-linked
3     startup     A       1       0        none    anchor      founders 10, 11
4     startup     A       3       2        failure startup     founder 12, failed at 8
5     startup     A       0       1        none    university  founder 13
6     startup     B       -1      14       none    grassroots  founders 10, 12
7     sme         B       -1      -100     none    initial     no ties
8     incumbent   A       -1      -240     none    grassroots  aggregate pool (weight 0)
====  ==========  ======  ======  =======  ======  ==========  =====================

Investors: 0 (angel, A) invests in 3; 1 (state, B) invests in 6. Technology transfer: 0 -> 3.
Ideas (sampled): persons 20-21 (twice), 21-22.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rainforest.result import Result
from rainforest.scenario import scenario_from_dict
from rainforest.state.tables import EVENT_KINDS, ORG_KINDS, ORIGINS

SCALE = 10.0


def tiny_scenario():
    """Two regions with the institutions of the table above."""
    return scenario_from_dict(
        {
            "name": "tiny",
            "years": 2,
            "scale": SCALE,
            "regions": {
                "A": {
                    "area_km2": 2.0,
                    "population": 1000,
                    "third_places_per_km2": 10,
                    "state_employment_share": 0.1,
                    "culture": {"failure_tolerance": 0.5},
                    "policy": {"rd_subsidy_share": 0.7, "state_preference": 0.35},
                    "universities": [
                        {"name": "Uni A", "graduates_per_year": 50, "patents_per_year": 20}
                    ],
                    "anchors": [{"name": "Anchor A", "domain": "games", "employees": 200}],
                },
                "B": {
                    "area_km2": 4.0,
                    "population": 2000,
                    "third_places_per_km2": 40,
                    "state_employment_share": 0.4,
                    "culture": {"failure_tolerance": 0.8},
                    "facilities": [{"name": "Lab B", "domain": "robotics", "staff": 100}],
                },
            },
        }
    )


def _metrics() -> pd.DataFrame:
    rows = []
    for month in range(24):
        year = month // 12
        for region, people, k in (("A", 1000.0, 1.0), ("B", 2000.0, 2.0)):
            rows.append(
                {
                    "month": month,
                    "year": year,
                    "region": region,
                    "people": people,
                    "employed": people - 10 * k,
                    "unemployed": 10.0 * k,
                    "founders": 5.0 * k,
                    "arrivals": 0.0,
                    "departures": 0.0,
                    "startups_alive": 3.0 * k,
                    "smes": 10.0 * k,
                    "specialised_smes": 4.0 * k + year,
                    "listed_firms": 2.0 * k + 2 * year,
                    "firms": 20.0 * k,
                    "contacts": 10.0 * people,
                    "ideas": 2.0 * k,
                    "foundings": 1.0 * k,
                    "spinouts": 0.0,
                    "university_spinouts": 0.0,
                    "refoundings": 0.5 * k * year,
                    "failures": 0.0,
                    "ipos": float(month == 23 and region == "A"),
                    "acquisitions": 0.0,
                    "unicorns": float(month == 5 and region == "B"),
                    "patents": 1.0,
                    "patent_stock": 50.0 * k + 10 * year,
                    "tech_transfers": 0.5 * k,
                    "breakthroughs": 0.0,
                    "output": 10.0 * k * (1 + year),
                    "investment_angel": 3.0 * k,
                    "investment_vc": 1.0 * k,
                    "investment_cvc": 0.0,
                    "investment_state": 4.0 * (k - 1),
                    "investment_bank": 0.0,
                    "rescues": 0.0,
                    "subsidies_paid": 2.0,
                    "experiments": 100.0 * k,
                    "experiment_spend": 2.0 * k,
                    "belief": 0.4 + 0.1 * year + 0.1 * (k - 1),
                    "under35_share": 0.5 * k / 2 + 0.25,
                    "cross_skill_share": 0.6 if region == "A" else 0.9,
                    "time_to_subsidy_days": 30.0,
                    "experiment_cost": 0.02,
                }
            )
    return pd.DataFrame(rows)


def _cat(values, categories) -> pd.Categorical:
    return pd.Categorical(values, categories=list(categories))


DOMAINS = ("ai_software", "semiconductors", "biomedicine", "games", "robotics", "ecommerce")


def _orgs() -> pd.DataFrame:
    kind = [
        "university",
        "anchor",
        "facility",
        "startup",
        "startup",
        "startup",
        "startup",
        "sme",
        "incumbent",
    ]
    region = ["A", "A", "B", "A", "A", "A", "B", "B", "A"]
    origin = [
        "grassroots",
        "grassroots",
        "grassroots",
        "anchor",
        "startup",
        "university",
        "grassroots",
        "initial",
        "grassroots",
    ]
    exit_ = ["none", "none", "none", "none", "failure", "none", "none", "none", "none"]
    return pd.DataFrame(
        {
            "org": np.arange(9),
            "kind": _cat(kind, ORG_KINDS),
            "region": _cat(region, ("A", "B")),
            "domain": _cat(
                [
                    "ai_software",
                    "games",
                    "robotics",
                    "games",
                    "games",
                    "biomedicine",
                    "robotics",
                    "robotics",
                    "ai_software",
                ],
                DOMAINS,
            ),
            "founded": [-600, -240, -360, 0, 2, 1, 14, -100, -240],
            "alive": [True, True, True, True, False, True, True, True, True],
            "employees": [0, 20, 10, 3, 0, 2, 4, 30, 50],
            "fit": 0.5,
            "potential": 0.6,
            "valuation": 1.0,
            "raised": 1.0,
            "rounds": 1,
            "parent": [-1, -1, -1, 1, 3, 0, -1, -1, -1],
            "origin": _cat(origin, ORIGINS),
            "state_linked": [False, False, True, False, False, False, False, False, False],
            "credentialed": False,
            "listed": False,
            "unicorn": [False, False, False, False, False, False, True, False, False],
            "exit": _cat(exit_, ("none", "ipo", "acquisition", "failure")),
            "exit_month": [-1, -1, -1, -1, 8, -1, -1, -1, -1],
            "cash": 1.0,
            "weight": [1.0, 1.0, 1.0, SCALE, SCALE, SCALE, SCALE, SCALE, 0.0],
        }
    )


def _events() -> pd.DataFrame:
    # (month, kind, region, org, person, other)
    ev = [
        (0, "founding", "A", 3, 10, 1),
        (0, "spinout", "A", 3, 10, 1),
        (0, "cofounder", "A", 3, 11, 10),
        (1, "founding", "A", 5, 13, 0),
        (2, "founding", "A", 4, 12, 3),
        (5, "tech_transfer", "A", 3, -1, 0),
        (8, "failure", "A", 4, -1, -1),
        (14, "founding", "B", 6, 10, -1),
        (14, "cofounder", "B", 6, 12, 10),
        (3, "idea", "A", -1, 20, 21),
        (4, "idea", "A", -1, 21, 20),
        (6, "idea", "A", -1, 21, 22),
    ]
    month, kind, region, org, person, other = zip(*ev, strict=True)
    return pd.DataFrame(
        {
            "month": np.array(month),
            "kind": _cat(kind, EVENT_KINDS),
            "region": _cat(region, ("A", "B")),
            "org": np.array(org),
            "person": np.array(person),
            "other": np.array(other),
            "amount": 0.0,
            "domain": _cat(["games"] * len(ev), DOMAINS),
            "weight": SCALE,
        }
    )


def tiny_result() -> Result:
    """The hand-built Result described in the module docstring."""
    investments = pd.DataFrame(
        {
            "investor": [0, 1, 0, 0],
            "org": [3, 6, 3, 5],
            "month": [1, 15, 3, 4],
            "stage": _cat(["seed", "early", "seed", "seed"], ("seed", "early", "late")),
            "amount": [2.0, 5.0, 1.0, 1.0],
            "shares": 0.1,
            "proceeds": [0.5, np.nan, 30.0, 3.0],
        }
    )
    investments["multiple"] = investments["proceeds"] / investments["amount"]
    # the fourth round (investor 0 -> org 5) happens in region A too
    investors = pd.DataFrame(
        {
            "investor": [0, 1],
            "kind": _cat(["angel", "state"], ("angel", "vc", "cvc", "state", "bank")),
            "region": _cat(["A", "B"], ("A", "B")),
            "dry_powder": 10.0,
            "invested": 5.0,
            "returned": 0.0,
        }
    )
    meta = {
        "scenario": "tiny",
        "scenario_hash": "0",
        "seed": 0,
        "scale": SCALE,
        "version": "test",
        "months": 24,
        "warmup_months": 0,
        "regions": ["A", "B"],
        "domains": list(DOMAINS),
        "simulated_people": 300,
        "timings": {},
    }
    return Result(
        tiny_scenario(),
        _metrics(),
        _events(),
        _orgs(),
        investments,
        investors,
        pd.DataFrame({"distance_km": [0.0], "contacts": [1.0]}),
        meta,
    )
