"""History's direction: did a place's output, firm stock and workforce go up or down, by the
data folder?

Why: a ten-year run is checked not only on levels but on where it goes. The directions of the
firm stock and of the workforce are targets of the joint fit for the fitted places and
predictions for the rest
(:func:`rainforest.experiments.joint.build_targets`), and ``validate --places`` sets every
place's simulated change beside history's (:mod:`rainforest.experiments.placecheck`). Both
read history here, so they cannot disagree about it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

#: A change smaller than this (as a share over the run) counts as flat.
FLAT = 0.02

_SCOPE_RANK = {"district": 0, "narrower": 1, "wider": 2, "national": 3}


def history(stats: pd.DataFrame, place: str) -> dict[str, tuple[str, str, int | None]]:
    """History's direction of ``"output"``, of the ``"firm stock"`` and of the
    ``"workforce"`` of ``place``: for each quantity the data can tell, (``"up"``/``"down"``/
    ``"flat"``, the evidence in words, the latest year of the evidence). Counts (firms,
    workers) compare two years over one area only (:func:`same_area`), the area closest to
    the district's among the quantity's measures (:func:`_closest_series`)."""
    s = stats[stats["place"] == place]
    out: dict[str, tuple[str, str, int | None]] = {}
    g = s[s["measure"].isin(["gdp_growth", "revenue_growth"])]
    if len(g):
        mean = float(g["value"].mean())
        years = g["year"].dropna().astype(int)
        out["output"] = (
            direction(mean),
            f"{'/'.join(sorted(set(g['measure'])))} {mean:+.1%} "
            f"({', '.join(str(y) for y in years)})",
            int(years.max()) if len(years) else None,
        )
    else:
        for m in ("gdp", "revenue", "industrial_output"):
            d = s[(s["measure"] == m) & s["year"].notna()].sort_values("year")
            if len(d) >= 2:
                out["output"] = _first_to_last(d, m, "")
                break
    for quantity, measures in (
        ("firm stock", ("enterprises", "high_tech_enterprises", "biotech_companies")),
        ("workforce", ("workers", "knowledge_workers")),
    ):
        best = _closest_series(s, measures)
        if best is not None:
            m, d = best
            out[quantity] = _first_to_last(d, m, f", {d.iloc[0].area_covered}")
    return out


def _closest_series(s: pd.DataFrame, measures: Sequence[str]) -> tuple[str, pd.DataFrame] | None:
    """The series (measure, rows of one area, :func:`same_area`) over the area closest to the
    district among ``measures``: the district's own before a narrower area, a narrower before
    a wider (Hangzhou's high-tech zone's firms before the whole city's enterprises); between
    series of equally close areas, the earlier measure of ``measures``."""
    best: tuple[int, int, str, pd.DataFrame] | None = None
    for order, m in enumerate(measures):
        d = same_area(s[(s["measure"] == m) & s["year"].notna()])
        if d is None:
            continue
        key = (_SCOPE_RANK.get(d["scope"].iloc[0], 9), order)
        if best is None or key < best[:2]:
            best = (*key, m, d)
    return None if best is None else (best[2], best[3])


def _first_to_last(d: pd.DataFrame, measure: str, where: str) -> tuple[str, str, int]:
    """Direction, evidence and latest year of the change from the first row of ``d`` (in
    year order) to its last."""
    a, b = d.iloc[0], d.iloc[-1]
    return (
        direction(b.value / a.value - 1),
        f"{measure} {a.value:,.0f} ({a.year}) -> {b.value:,.0f} ({b.year}){where}",
        int(b.year),
    )


def same_area(d: pd.DataFrame) -> pd.DataFrame | None:
    """The rows, in year order, of the one area with figures in at least two years: a change
    of a count is history only over the same area (Zhangjiang's 25 km² park of 2010 against
    its 80 km² core park of 2015, or Kendall Square's 2.5 square miles against the city of
    Cambridge, is a change of boundary). Prefers the district's own area, then narrower,
    then wider, then the area with most years; None when no area has two years."""
    best: tuple | None = None
    for area, g in d.groupby("area_covered", sort=True):
        years = g["year"].nunique()
        if years < 2:
            continue
        key = (_SCOPE_RANK.get(g["scope"].iloc[0], 9), -years, str(area))
        if best is None or key < best[0]:
            best = (key, g.sort_values("year"))
    return None if best is None else best[1]


def direction(change: float) -> str:
    """``"up"``, ``"down"`` or ``"flat"`` (within :data:`FLAT`) for a relative change; ``"?"``
    when it is not a number."""
    if not math.isfinite(change):
        return "?"
    return "up" if change > FLAT else "down" if change < -FLAT else "flat"


#: History's direction as the sign a direction target carries.
SIGN = {"up": 1.0, "down": -1.0, "flat": 0.0}


def shortfall(sign: float, change: float) -> float:
    """How far a simulated relative ``change`` falls short of history's direction (``sign``:
    +1 up, -1 down, 0 flat), in the change's own units: 0 when it goes the same way by more
    than :data:`FLAT`, negative when it falls short of up (or of flat from above), positive
    when it exceeds down (or flat from below)."""
    if sign > 0:
        return min(0.0, change - FLAT)
    if sign < 0:
        return max(0.0, change + FLAT)
    return change - FLAT if change > FLAT else change + FLAT if change < -FLAT else 0.0
