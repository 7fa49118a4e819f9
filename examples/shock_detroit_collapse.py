"""A single-anchor collapse in Detroit (seed 001: 底特律曾是世界汽车工业的巅峰,如今却因产业结构
单一而陷入衰败,这就是龙头平台型模式最大的风险 — Detroit, once the summit of the car industry,
declined because its industry was single-track: the greatest risk of the anchor-platform model).

The ``detroit`` preset has one dominant anchor, the Detroit Three automakers. This example adds
an ``anchor_collapse`` shock (a field every scenario has, set by no preset) two years into the
reported period: 60% of the anchor's staff are laid off (assumed; in 2009 GM and Chrysler went
through bankruptcy, public: U.S. court filings, 2009). Both arms run with the same seeds, so the
differences are the shock's, not luck's::

    python examples/shock_detroit_collapse.py            # 4 runs, 8 years
    rainforest whatif detroit --set ...                  # (shocks are lists: use this script)

The model is not yet calibrated (issues 14-15): read directions and orders of magnitude.
"""

from __future__ import annotations

import sys

import pandas as pd

import rainforest as rf
from rainforest.scenario import Scenario, with_values

ANCHOR = "Detroit Three automakers"
SHOCK_MONTH = 24
LAYOFF_SHARE = 0.6
OUTCOMES = ("employed", "foundings", "startups_alive", "output", "unemployed")


def scenario(month: int = SHOCK_MONTH, layoff_share: float = LAYOFF_SHARE) -> Scenario:
    """The ``detroit`` preset with its anchor collapsing at ``month``."""
    base = rf.load_scenario("detroit")
    shock = {
        "month": month,
        "kind": "anchor_collapse",
        "region": "detroit",
        "anchor": ANCHOR,
        "layoff_share": layoff_share,
    }
    sc = with_values(base, {"shocks": [shock]})
    return sc.model_copy(update={"name": "detroit+anchor-collapse"})


def compare(years: int = 8, runs: int = 4, scale: float | None = None) -> pd.DataFrame:
    """Mean of each outcome over ``runs`` paired seeds, with and without the collapse, over the
    reported years after the shock (stocks at the end, flows summed)."""
    rows = []
    for label, sc in (("baseline", rf.load_scenario("detroit")), ("collapse", scenario())):
        for seed in range(runs):
            m = rf.simulate(sc, years=years, seed=seed, scale=scale).metrics
            after = m[m["month"] >= SHOCK_MONTH]
            last = after[after["month"] == after["month"].max()]
            rows.append(
                {
                    "arm": label,
                    "seed": seed,
                    "employed": float(last["employed"].sum()),
                    "unemployed": float(last["unemployed"].sum()),
                    "startups_alive": float(last["startups_alive"].sum()),
                    "foundings": float(after["foundings"].sum()),
                    "output": float(after["output"].sum()),
                }
            )
    df = pd.DataFrame(rows)
    return df.groupby("arm")[list(OUTCOMES)].mean().T


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    table = compare(runs=runs)
    table["change"] = table["collapse"] / table["baseline"] - 1.0
    print(table.to_string(float_format=lambda x: f"{x:,.3g}"))
