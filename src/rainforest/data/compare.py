"""Model vs public data: run a preset and set each of its districts beside the published figures.

The point is to show how far the model's magnitudes are from the places it names (firm stock,
new firms a year, output, listed firms, unicorns, workforce), not to fit them: calibration comes
later. Each row pairs one public figure (:func:`rainforest.data.load_statistics`) with the
model's value of the same quantity, its mean and 90% interval over runs, and the ratio
model / public. The ratio means most for ``district`` rows; for ``wider`` rows (a whole city for
a district) the model should fall below the figure by about the district's share of that area.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rainforest.data import NATIONAL_PLACES, load_statistics


@dataclass(frozen=True)
class Quantity:
    """A model quantity and the public measures it is compared with."""

    label: str
    measures: tuple[str, ...]
    unit: str
    model_note: str
    value: Callable[[pd.DataFrame, float, int], float]
    """(one region's monthly metrics, area km², reported years) -> the model's value."""


def _last(col: str) -> Callable[[pd.DataFrame, float, int], float]:
    return lambda m, area, years: float(m[col].iloc[-1])


def _per_year(col: str) -> Callable[[pd.DataFrame, float, int], float]:
    return lambda m, area, years: float(m[col].sum()) / years


def moved_in(m: pd.DataFrame) -> float:
    """Firms that moved in over a run's monthly metrics (M21's arrivals; none where firms do
    not move, or the run lacks the column)."""
    return float(m["firm_arrivals"].sum()) if "firm_arrivals" in m else 0.0


def firms_gained(m: pd.DataFrame) -> float:
    """Firms a run's monthly metrics gained, founded or moved in: what a public count that
    includes firms moving in (measure ``firms_gained``) is compared with."""
    return float(m["foundings"].sum()) + moved_in(m)


def _last_year_sum(col: str) -> Callable[[pd.DataFrame, float, int], float]:
    return lambda m, area, years: float(m[col].iloc[-12:].sum())


#: What is compared: model quantity -> public measures (same unit).
QUANTITIES = (
    Quantity(
        "workers",
        ("workers", "knowledge_workers", "tech_jobs", "researchers"),
        "people",
        "people at the end (an input the model keeps)",
        _last("people"),
    ),
    Quantity("firm stock", ("enterprises",), "firms", "firms at the end", _last("firms")),
    Quantity(
        "new firms a year",
        ("new_enterprises",),
        "firms/year",
        "foundings a year",
        _per_year("foundings"),
    ),
    Quantity(
        "firms gained a year",
        ("firms_gained",),
        "firms/year",
        "foundings and firms moving in (M21) a year",
        lambda m, area, years: firms_gained(m) / years,
    ),
    Quantity(
        "startups alive",
        ("venture_backed_startups",),
        "firms",
        "startups alive at the end (public: venture-backed ones only)",
        _last("startups_alive"),
    ),
    Quantity(
        "firm stock vs high-tech enterprises",
        ("high_tech_enterprises",),
        "firms",
        "all firms at the end (public: national high-tech enterprises, a subset of all firms)",
        _last("firms"),
    ),
    Quantity(
        "new firms a year vs new high-tech enterprises",
        ("new_high_tech_enterprises",),
        "firms/year",
        "all foundings a year (public: newly recognised high-tech enterprises, mostly not new)",
        _per_year("foundings"),
    ),
    Quantity(
        "output",
        ("gdp", "revenue"),
        "million CNY/year",
        "output in the last year (the model's yuan)",
        _last_year_sum("output"),
    ),
    Quantity(
        "output per km²",
        ("output_per_km2",),
        "million CNY/km2/year",
        "last year's output / area",
        lambda m, area, years: float(m["output"].iloc[-12:].sum()) / area,
    ),
    Quantity(
        "listed firms", ("listed_firms",), "firms", "listed at the end", _last("listed_firms")
    ),
    Quantity(
        "listed per km²",
        ("listed_per_km2",),
        "firms/km2",
        "listed at the end / area",
        lambda m, area, years: float(m["listed_firms"].iloc[-1]) / area,
    ),
    Quantity(
        "unicorns",
        ("unicorns",),
        "firms",
        "unicorns minted over the run (public: unicorns alive)",
        lambda m, area, years: float(m["unicorns"].sum()),
    ),
    Quantity(
        "new unicorns a year",
        ("new_unicorns",),
        "firms/year",
        "unicorns minted a year",
        _per_year("unicorns"),
    ),
    Quantity(
        "specialised SMEs per km²",
        ("specialised_smes_per_km2",),
        "firms/km2",
        "specialised SMEs at the end / area",
        lambda m, area, years: float(m["specialised_smes"].iloc[-1]) / area,
    ),
    Quantity(
        "patents per 10k people",
        ("patents_per_10k",),
        "patents/10k people",
        "patent stock per 10,000 people at the end",
        lambda m, area, years: (
            1e4 * float(m["patent_stock"].iloc[-1] / max(m["people"].iloc[-1], 1))
        ),
    ),
)

#: Columns of :func:`compare_model`'s table.
COLUMNS = [
    "region",
    "quantity",
    "measure",
    "public",
    "unit",
    "year",
    "scope",
    "area_covered",
    "publisher",
    "model",
    "model_lo",
    "model_hi",
    "ratio",
    "ratio_lo",
    "ratio_hi",
    "model_note",
]


def place_of(region: str) -> str:
    """The statistics place of a scenario region (``silicon_valley`` -> ``silicon-valley``)."""
    return region.replace("_", "-")


def compare_model(
    preset: str,
    years: int = 5,
    runs: int = 4,
    seed: int = 0,
    scale: float | None = None,
    public: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run ``preset`` ``runs`` times and tabulate model vs public figures for each district.

    Parameters
    ----------
    preset
        A preset name or scenario file.
    years
        Reported years per run (after the preset's warm-up).
    runs
        Runs (seeds ``seed`` .. ``seed + runs - 1``); the interval is over runs.
    seed
        The first seed.
    scale
        Population scale (None: the preset's own). A larger scale runs faster and thins people.
    public
        The statistics to compare with (default :func:`load_statistics`).

    Returns
    -------
    pandas.DataFrame
        One row per (region, public figure) with the columns of :data:`COLUMNS`: the public
        value, the model's mean and the 90% band a single run falls in (``model_lo``,
        ``model_hi``; :func:`rainforest.metrics.bands.run_band`: the runs' quantiles
        from 20 runs, a Student-t prediction interval below), and the ratio model / public
        with its band. A network preset's own figures (the
        whole Greater Bay Area, say) are set against the sum of its regions, labelled
        ``(all regions)``. Regions without statistics, and figures whose unit the model does
        not produce (US dollars, say), are left out.
    """
    from rainforest.api import simulate  # the engine: imported only when a comparison runs
    from rainforest.metrics.bands import run_band

    if years < 1 or runs < 1:
        raise ValueError("years and runs must be at least 1")
    stats = load_statistics() if public is None else public
    stats = stats[~stats["place"].isin(NATIONAL_PLACES)]
    results = [simulate(preset, years=years, seed=seed + i, scale=scale) for i in range(runs)]
    sc = results[0].scenario
    groups = []  # (label, statistics place, per-run monthly metrics, area)
    for region, spec in sc.regions.items():
        per_run = [r.metrics[r.metrics["region"].astype(str) == region] for r in results]
        groups.append((region, place_of(region), per_run, spec.area_km2))
    whole = place_of(sc.name)
    if len(sc.regions) > 1 or whole not in {p for _, p, _, _ in groups}:
        # a network preset: its own place's figures against the sum of its regions
        per_run = [
            r.metrics.groupby("month", as_index=False).sum(numeric_only=True) for r in results
        ]
        area = sum(spec.area_km2 for spec in sc.regions.values())
        groups.append(("(all regions)", whole, per_run, area))
    rows = []
    for label, place, per_run, area in groups:
        mine = stats[stats["place"] == place]
        if mine.empty:
            continue
        per_run = [m.sort_values("month") for m in per_run]
        for q in QUANTITIES:
            figures = mine[mine["measure"].isin(q.measures) & (mine["unit"] == q.unit)]
            if figures.empty:
                continue
            try:
                values = np.array([q.value(m, area, years) for m in per_run])
            except KeyError:
                continue  # the engine does not report this metric
            lo, hi = run_band(values, positive=True)  # where one run lands (few: Student's t)
            for f in figures.itertuples(index=False):
                ratios = values / f.value if f.value > 0 else np.full_like(values, np.nan)
                rows.append(
                    {
                        "region": label,
                        "quantity": q.label,
                        "measure": f.measure,
                        "public": f.value,
                        "unit": f.unit,
                        "year": f.year,
                        "scope": f.scope,
                        "area_covered": f.area_covered,
                        "publisher": f.publisher,
                        "model": float(values.mean()),
                        "model_lo": float(lo),
                        "model_hi": float(hi),
                        "ratio": float(np.mean(ratios)),
                        "ratio_lo": float(lo / f.value) if f.value > 0 else math.nan,
                        "ratio_hi": float(hi / f.value) if f.value > 0 else math.nan,
                        "model_note": q.model_note,
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


__all__ = ["COLUMNS", "QUANTITIES", "Quantity", "compare_model", "place_of"]
