"""Joint calibration of the global behavioural parameters against public figures of many places.

Why: a per-place knob fitted to a per-place figure has no degrees of freedom (issue 15). Here
the free parameters are only ``mechanisms.*`` values, the same in every place, and the targets
are many public figures (:mod:`rainforest.data`) across several places and years at once, more
targets than parameters. Every target is a *moment* that does not depend on the population
scale or on the district's size: firms per 1,000 workers, foundings per 1,000 workers a year,
entry rate (foundings / firm stock), listed and specialised firms per km², growth rates, a
survival curve, and the shares of venture financings that return under 1x and 10x or more
(both pooled over every place's runs, like the survival curve). Some targets are held out
(whole places, the latest year of a repeated figure, late survival ages): they are predicted,
not fitted, and reported separately.

Method: simulated method of moments. The distance is a weighted sum of squared errors, on the
log scale for levels and on the natural scale for growth rates and shares, each divided by the
target's uncertainty σ. The data files state no uncertainty, so σ follows a documented rule
(:data:`SIGMA_RULE`) from the row's provenance. The minimiser is optuna's seeded TPE sampler
over the parameters' (log-)ranges, starting from the current values, with common random
numbers: every trial runs the same places with the same seeds, so differences between trials
are differences in parameters, not in luck.

The fitted values are written as a TOML overlay (``[mechanisms.<section>]`` tables and a
``[sources]`` table whose entries read ``fitted: <target set>, <date>, <distance>``) that
:func:`apply_fitted` puts onto any scenario, and as a JSON report with every target, the fit
and the held-out prediction.

References
----------
McFadden, D. (1989). A method of simulated moments for estimation of discrete response models
without numerical integration. Econometrica 57(5):995-1026.

Grazzini, J., Richiardi, M. (2015). Estimation of ergodic agent-based models by simulated
minimum distance. Journal of Economic Dynamics and Control 51:148-165.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.data import COUNTRY_OF, load_statistics
from rainforest.data.compare import firms_gained, moved_in
from rainforest.experiments.history import SIGN, history, shortfall
from rainforest.experiments.parameters import ExperimentError
from rainforest.metrics import rounds as rd
from rainforest.metrics.bands import SHARE, run_band, share_band
from rainforest.state.tables import founded_here

#: Where the shipped fit lives (loaded by ``validate --places`` and ``claims`` by default).
FITTED_PATH = Path(__file__).resolve().parents[1] / "data" / "fitted" / "mechanisms.toml"

#: The places fitted by default (single-region presets with district figures or scale-free
#: ratios) and the places held out whole by default (predicted, never fitted).
DEFAULT_PLACES = ("caohejing", "east-london", "research-triangle", "zhangjiang", "hangzhou")
DEFAULT_HOLDOUT = ("one-north", "hefei")

#: How a target's σ (its uncertainty) is set, since the CSV files state none. Levels are
#: compared on the log scale, so σ is a log-sd: 0.25 (about ±28%) for a district figure from
#: a public document; 0.5 for a seed essay's rounded phrase ("30多万") or a ratio of two
#: figures from different years; 0.7 for a ratio from a wider area (the city for the
#: district); growth rates: 0.03 a year; survival shares (national curves for any place):
#: 0.05; a rare share (what becomes of funded startups: 2% list, under 1% become unicorns) is
#: compared on the log scale with a log-sd of 0.5, since ±0.05 would not tell 1% from 5%;
#: a direction of the firm stock or the workforce (history's up or down): a run whose stock
#: falls 5% short of history's direction (beyond the ±2% counted as flat) is one σ off; a deal
#: statistic of a whole country's venture market (a mean round, the share of money in rounds
#: of $100 million or more) on the log scale with a log-sd of 0.5: two databases put China's
#: 2023 mean round at 12.9 and 20.4 million dollars, 1.6x apart.
SIGMA_RULE = {
    "district": 0.25,
    "seed": 0.5,
    "mixed_years": 0.5,
    "wider": 0.7,
    "growth": 0.03,
    "share": 0.05,
    "rare_share": 0.5,
    "direction": 0.05,
    "deal": 0.5,
}


@dataclass(frozen=True)
class FreeParameter:
    """A global behavioural parameter the joint calibration may move."""

    path: str
    low: float
    high: float
    log: bool = True
    why: str = ""

    @property
    def label(self) -> str:
        return self.path.removeprefix("mechanisms.")


#: The default free parameters: global mechanism values that shape the fitted moments.
GLOBAL_PARAMETERS = (
    FreeParameter(
        "mechanisms.recombination.p0", 0.002, 0.2, True, "ideas per tie use: founding rate"
    ),
    FreeParameter(
        "mechanisms.people_spinoffs.base_hazard", 2e-5, 2e-3, True, "employees' spin-off hazard"
    ),
    FreeParameter(
        "mechanisms.exits.disruption_rate", 0.004, 0.05, True, "startup survival after year 1"
    ),
    FreeParameter(
        "mechanisms.founding.founder_savings_months", 3.0, 24.0, False, "first-year survival"
    ),
    FreeParameter(
        "mechanisms.exits.output_per_wage", 3.0, 40.0, True, "output per worker, per km²"
    ),
    FreeParameter("mechanisms.growth.demand_elasticity", 0.3, 2.5, False, "output growth"),
    FreeParameter("mechanisms.labour.poach_accept", 0.01, 1.0, True, "job-to-job moves a month"),
)


def parse_free(text: str) -> FreeParameter:
    """A free parameter from ``PATH=LOW:HIGH`` (log scale) or ``PATH=LOW:HIGH:lin``."""
    try:
        path, rng = text.split("=", 1)
        parts = rng.split(":")
        low, high = float(parts[0]), float(parts[1])
        scale = parts[2] if len(parts) > 2 else "log"
    except (ValueError, IndexError):
        raise ExperimentError(f"--free {text!r}: expected PATH=LOW:HIGH[:lin]") from None
    if (
        scale not in ("log", "lin")
        or not (math.isfinite(low) and math.isfinite(high) and 0 <= low < high)
        or (scale == "log" and low <= 0)
    ):
        raise ExperimentError(f"--free {text!r}: need 0 <= LOW < HIGH (LOW > 0 on a log scale)")
    return FreeParameter(path.strip(), low, high, scale == "log")


# --- moments: one number per run and place, scale-free -------------------------------------


@dataclass(frozen=True)
class Moment:
    """A scale-free quantity measured on one run of one place."""

    key: str
    label: str
    unit: str
    kind: str  # "log" (a positive level), "growth" (a rate a year), "share" or "direction"
    value: Callable[[pd.DataFrame, float], float]
    """(the region's monthly metrics, area km²) -> value."""


def _years(m: pd.DataFrame) -> float:
    return len(m) / 12.0


def _change(m: pd.DataFrame, col: str) -> float:
    """A stock's change over the run: its last month over its first, minus one (NaN when
    it started empty)."""
    first = float(m[col].iloc[0])
    return float(m[col].iloc[-1]) / first - 1.0 if first > 0 else math.nan


#: Metrics that are stocks: their growth is from the first month to the last, not year on year
STOCKS = ("firms", "people")


def _growth(col: str) -> Callable[[pd.DataFrame, float], float]:
    def f(m: pd.DataFrame, area: float) -> float:
        n = len(m) // 12
        if n < 2:
            return math.nan
        first, last = float(m[col].iloc[:12].sum()), float(m[col].iloc[-12:].sum())
        if col in STOCKS:  # a stock: first and last month
            first, last = float(m[col].iloc[0]), float(m[col].iloc[-1])
            span = (len(m) - 1) / 12.0
        else:
            span = n - 1.0
        if first <= 0 or last <= 0:
            return math.nan
        return (last / first) ** (1.0 / span) - 1.0

    return f


MOMENTS: dict[str, Moment] = {
    m.key: m
    for m in (
        Moment(
            "firms_per_1k_workers",
            "firms per 1,000 workers",
            "firms/1k",
            "log",
            lambda m, a: 1e3 * float(m["firms"].iloc[-1]) / max(float(m["people"].iloc[-1]), 1),
        ),
        Moment(
            "new_firms_per_1k_workers",
            "new firms a year per 1,000 workers",
            "firms/1k/yr",
            "log",
            lambda m, a: 1e3 * float(m["foundings"].sum()) / _years(m) / float(m["people"].mean()),
        ),
        Moment(
            "entry_rate",
            "new firms a year / firm stock",
            "1/yr",
            "log",
            lambda m, a: float(m["foundings"].sum()) / _years(m) / float(m["firms"].mean()),
        ),
        Moment(
            "gained_per_1k_workers",
            "firms gained a year (founded or moved in) per 1,000 workers",
            "firms/1k/yr",
            "log",
            lambda m, a: 1e3 * firms_gained(m) / _years(m) / float(m["people"].mean()),
        ),
        Moment(
            "gain_rate",
            "firms gained a year (founded or moved in) / firm stock",
            "1/yr",
            "log",
            lambda m, a: firms_gained(m) / _years(m) / float(m["firms"].mean()),
        ),
        Moment(
            "arrived_share",
            "share of the firms gained that moved in (not founded there)",
            "share",
            "log",
            lambda m, a: moved_in(m) / max(firms_gained(m), 1e-12),
        ),
        Moment(
            "listed_per_km2",
            "listed firms per km²",
            "firms/km²",
            "log",
            lambda m, a: float(m["listed_firms"].iloc[-1]) / a,
        ),
        Moment(
            "specialised_per_km2",
            "specialised SMEs per km²",
            "firms/km²",
            "log",
            lambda m, a: float(m["specialised_smes"].iloc[-1]) / a,
        ),
        Moment(
            "output_per_km2",
            "output per km² a year",
            "M CNY/km²/yr",
            "log",
            lambda m, a: float(m["output"].iloc[-12:].sum()) / a,
        ),
        Moment(
            "patents_per_10k",
            "valid patents per 10,000 people",
            "per 10k",
            "log",
            lambda m, a: (
                1e4 * float(m["patent_stock"].iloc[-1]) / max(float(m["people"].iloc[-1]), 1)
            ),
        ),
        Moment("output_growth", "output growth a year", "1/yr", "growth", _growth("output")),
        Moment("firm_growth", "firm stock growth a year", "1/yr", "growth", _growth("firms")),
        Moment("workforce_growth", "workforce growth a year", "1/yr", "growth", _growth("people")),
        Moment(
            "firm_change",
            "firm stock change over the run (direction vs history)",
            "share",
            "direction",
            lambda m, a: _change(m, "firms"),
        ),
        Moment(
            "workforce_change",
            "workforce change over the run (direction vs history)",
            "share",
            "direction",
            lambda m, a: _change(m, "people"),
        ),
    )
}

#: History's quantities whose direction is a target, and the moment that measures each
#: (:func:`rainforest.experiments.history.history` names the quantities).
DIRECTION_MOMENTS = {"firm stock": "firm_change", "workforce": "workforce_change"}

#: Survival ages (years) computed from the pooled runs of every place (national curves). An
#: age is measured only when the runs leave at least :data:`MIN_COHORT_MONTHS` of cohorts old
#: enough (five years needs runs of six, ten years runs of eleven), so a five-year fit sees
#: ages 1-3 and a twelve-year fit ages 1-10.
SURVIVAL_AGES = (1, 2, 3, 5, 10)

#: Survival ages held out (predicted) by :func:`build_targets` with ``hold_latest``: the last
#: age a five-year fit measures and the last a twelve-year fit measures.
HELD_SURVIVAL_AGES = (3, 10)

#: Least months of founding cohorts a pooled survival age needs to be measured.
MIN_COHORT_MONTHS = 12

#: Least reported years of a fit's runs (survival to three years needs four).
MIN_YEARS = 4

#: Shares of realised venture financings by multiple (Correlation Ventures' classes), pooled
#: over every place's runs: key -> (lowest multiple counted, first multiple not counted; None:
#: no bound). ``rainforest validate`` measures the same classes (:func:`deal_class`).
DEAL_SHARES: dict[str, tuple[float | None, float | None]] = {
    "deals_below_1x": (None, 1.0),
    "deals_10x_plus": (10.0, None),
}


def deal_class(multiples: np.ndarray, key: str) -> np.ndarray:
    """Which realised financings (their ``multiples``) fall in the class ``DEAL_SHARES[key]``."""
    lo, hi = DEAL_SHARES[key]
    inside = np.ones(multiples.shape, dtype=bool)
    if lo is not None:
        inside &= multiples >= lo
    if hi is not None:
        inside &= multiples < hi
    return inside


#: What becomes of the funded startups born in the runs (IT桔子 2022's shares of China's
#: angel-funded firms, as ``rainforest validate`` reads them): moment -> the statistics'
#: measure. Fitted by a fit whose runs last :data:`LONG_FIT_YEARS` or more, held out by a
#: shorter one: a five-year run gives its funded firms less time to raise, list or become
#: unicorns than the database's (docs/calibration.md section 8).
FUNDED_SHARES: dict[str, str] = {
    "funded_next_round": "funded_next_round_share",
    "funded_ipo": "funded_ipo_share",
    "funded_unicorn": "funded_unicorn_share",
}


#: Least years of a fit's runs for the venture outcomes (:data:`LONG_FIT_MOMENTS`) to be
#: fitted rather than held out: what becomes of funded firms and of the deals in them takes
#: a decade to show.
LONG_FIT_YEARS = 10

#: Pooled venture outcomes fitted by long fits (:data:`LONG_FIT_YEARS`), held out by shorter
#: ones; the share of deals returning under 1x stays held out in every fit.
LONG_FIT_MOMENTS = (*FUNDED_SHARES, "deals_10x_plus")

#: The labour market's employer-to-employer flow, pooled over every place's runs: employed
#: people who moved straight to another employer, per employed person and month (the
#: ``job_changes`` metric). Fitted on the log scale (σ ``SIGMA_RULE["rare_share"]``): the
#: first edition's rule moved 10-60% of the employed a month where the data say about 2%
#: (docs/calibration.md section 9).
JOB_CHANGE = "job_change_rate"

#: The unemployed share of the labour force, pooled over every place's runs (unemployed
#: person-months over the person-months of the employed, the unemployed and founders), against
#: the US rate for graduates (most of the districts' workers are graduates; China's urban rate
#: for ages 30-59 is in rainforest/data/statistics too). Held out, a prediction: the first
#: edition's hiring places almost every newcomer the month they arrive; search and matching
#: (``mechanisms.labour.matching``) makes people wait (docs/calibration.md section 26).
UNEMPLOYMENT = "unemployment_rate"

#: Rare shares, compared on the log scale (σ ``SIGMA_RULE["rare_share"]``): ±0.05 would not
#: tell 1% from 5%, and the published bands are factors (4% of deals at 10x or more, band
#: 2-8%; under 1% of funded firms become unicorns).
RARE_SHARES = (*FUNDED_SHARES, "deals_10x_plus", JOB_CHANGE, UNEMPLOYMENT)

#: Deal statistics of a country's venture market as pooled moments (issue 15 item 6): moment ->
#: the statistics' place and measure; the place is also the runs pooled (a country of
#: ``data.COUNTRY_OF``: its places' runs; ``world``: every run). Each is a ratio of two sums of the
#: runs' rounds (:func:`rainforest.metrics.rounds.rounds`): a mean round is (rounds, dollars),
#: the share of money in megadeals (dollars, dollars in rounds of $100 million or more), the
#: mean AI round (AI rounds, their dollars). Compared on the log scale (σ
#: ``SIGMA_RULE["deal"]``); a figure published twice for one year is fitted once, from its first
#: row, the other rows shown by ``validate --places`` as predictions. China's mean round and
#: megadeal share are fitted by long fits (:data:`LONG_FIT_YEARS`); the world's mean AI round
#: is always held out (docs/calibration.md section 27). Medians (PitchBook's US seed and early
#: medians) are not sums: ``validate --places`` predicts them run by run.
DEAL_MOMENTS: dict[str, tuple[str, str]] = {
    "china_mean_round": ("china", "vc_avg_deal"),
    "china_megadeal_share": ("china", "vc_megadeal_share"),
    "world_ai_mean_round": ("world", "ai_vc_avg_deal"),
}

#: Deal moments a long fit fits (the others are held out).
FITTED_DEALS = ("china_mean_round", "china_megadeal_share")


def funded_outcomes(orgs: pd.DataFrame) -> tuple[int, ...]:
    """(funded startups among ``orgs``, those that raised a next round, listed, became
    unicorns): the counts behind :data:`FUNDED_SHARES`, in its order. ``rainforest validate``
    reads the same counts."""
    funded = orgs[orgs["rounds"] > 0]
    return (
        len(funded),
        int((funded["rounds"] >= 2).sum()),
        int((funded["exit"] == "ipo").sum()),
        int(funded["unicorn"].astype(bool).sum()),
    )


#: The pooled moments (place ``"all"``), in the order of the pooled counts' rows. Long fits
#: (:data:`LONG_FIT_YEARS`) fit the venture outcomes of :data:`LONG_FIT_MOMENTS`; section 8
#: of docs/calibration.md.
POOLED = (
    *(f"survival_{a}y" for a in SURVIVAL_AGES),
    *DEAL_SHARES,
    *FUNDED_SHARES,
    JOB_CHANGE,
    UNEMPLOYMENT,
    *DEAL_MOMENTS,
)

#: Moments that are always held out: growth rates of the firm stock and of the workforce
#: between two published counts (East London's 300 firms of 2010 tripled a year as Tech City
#: was counted) are predicted, never fitted. Their direction over the run (``firm_change``,
#: ``workforce_change``, from :mod:`rainforest.experiments.history`) is fitted in the fitted
#: places and predicted in the held-out ones; the rates show how far a run overshoots a
#: direction it gets right (docs/calibration.md section 26).
ALWAYS_HELD_OUT = ("firm_growth", "workforce_growth")

#: Moments whose value a per-place input sets (fitted or observed by hand): shown by
#: ``validate --places`` but never fitted, and labelled ``input`` there.
INPUT_SET = {
    "patents_per_10k": "regions.<place>.initial_patent_stock is an input that persists",
    "firms_per_1k_workers": "regions.<place>.initial_firms (one firm per 20 workers, assumed "
    "in every preset) persists through a short run",
    "listed_per_km2": "regions.<place>.initial_listed (an input) persists: IPOs are rare",
}

#: Moments an input sets in part, with what the rest comes from: still fitted or predicted,
#: but the tables say which part is the input's (docs/calibration.md section 15).
PARTLY_INPUT = {
    "output_growth": "in part an input: the country's observed real growth "
    "(regions.<place>.economy_growth x growth.demand_elasticity) drives demand; the rest "
    "(firms' productivity from knowledge, more people, more firms) comes from the mechanisms",
}


# --- targets from the data folder -----------------------------------------------------------


@dataclass(frozen=True)
class PlaceTarget:
    """One public figure turned into a scale-free target for one place (or all: survival)."""

    place: str
    moment: str
    value: float
    year: int | None
    sigma: float
    role: str  # "fit", "held out" or "input"
    source: str
    derivation: str

    @property
    def key(self) -> str:
        return target_key(self.place, self.moment, self.year)


def target_key(place: str, moment: str, year: int | None) -> str:
    """A target's identity across target sets and a fit's JSON report (:attr:`PlaceTarget.key`)."""
    return f"{place}:{moment}:{year or 'undated'}"


def _source(row: Any) -> str:
    return f"{row.publisher}: {row.document}" + (f" ({row.url})" if row.url else "")


def _sigma(rows: Sequence[Any], kind: str) -> float:
    if kind == "growth":
        return SIGMA_RULE["growth"]
    if kind == "share":
        return SIGMA_RULE["share"]
    sig = SIGMA_RULE["district"]
    for r in rows:
        if str(r.publisher).startswith("seed "):
            sig = max(sig, SIGMA_RULE["seed"])
        if r.scope == "wider":
            sig = max(sig, SIGMA_RULE["wider"])
    years = {int(r.year) for r in rows if not pd.isna(r.year)}
    if len(years) > 1:
        sig = max(sig, SIGMA_RULE["mixed_years"])
    return sig


def _year(r: Any) -> int | None:
    return None if pd.isna(r.year) else int(r.year)


def _nearest(rows: pd.DataFrame, year: int | None, max_gap: int = 1) -> Any | None:
    """The row whose year is nearest ``year``, at most ``max_gap`` years apart (an undated
    row pairs with undated ones only: a ratio of figures years apart measures nothing)."""
    if rows.empty:
        return None
    if year is None:
        undated = rows[rows["year"].isna()]
        return next(undated.itertuples(index=False)) if len(undated) else None
    dated = rows[rows["year"].notna()].copy()
    if dated.empty:
        return None
    dated["gap"] = (dated["year"].astype(int) - year).abs()
    dated = dated[dated["gap"] <= max_gap]
    return next(dated.sort_values("gap").itertuples(index=False)) if len(dated) else None


def _raw_targets(stats: pd.DataFrame, place: str) -> list[tuple[str, float, int | None, list, str]]:
    """(moment, value, year, rows, derivation) for every figure of ``place`` that maps."""
    s = stats[stats["place"] == place]
    out: list[tuple[str, float, int | None, list, str]] = []
    workers = s[s["measure"].isin(["workers", "knowledge_workers"]) & (s["scope"] == "district")]
    firms = s[s["measure"] == "enterprises"]
    for r in firms.itertuples(index=False):
        if r.scope != "district":
            continue
        w = _nearest(workers, _year(r))
        if w is not None:
            out.append(
                (
                    "firms_per_1k_workers",
                    1e3 * r.value / w.value,
                    _year(r),
                    [r, w],
                    f"enterprises {r.value:,.0f} / workers {w.value:,.0f} x 1,000",
                )
            )
    # new firms a year: founded only (new_enterprises), or founded and moved in (firms_gained:
    # counts that say they include firms moving in, compared with foundings plus M21's
    # arrivals)
    flows = (
        ("new_enterprises", "new enterprises", "new_firms_per_1k_workers", "entry_rate"),
        ("firms_gained", "firms gained", "gained_per_1k_workers", "gain_rate"),
    )
    for measure, what, per_worker, per_firm in flows:
        for r in s[s["measure"] == measure].itertuples(index=False):
            w = _nearest(workers, _year(r)) if r.scope == "district" else None
            if w is not None:
                out.append(
                    (
                        per_worker,
                        1e3 * r.value / w.value,
                        _year(r),
                        [r, w],
                        f"{what} {r.value:,.0f} / workers {w.value:,.0f} x 1,000",
                    )
                )
            f = _nearest(firms[firms["scope"] == r.scope], _year(r))
            if f is not None:
                out.append(
                    (
                        per_firm,
                        r.value / f.value,
                        _year(r),
                        [r, f],
                        f"{what} {r.value:,.0f} / enterprises {f.value:,.0f}",
                    )
                )
    direct = {
        "moved_in_share": "arrived_share",
        "listed_per_km2": "listed_per_km2",
        "specialised_smes_per_km2": "specialised_per_km2",
        "output_per_km2": "output_per_km2",
        "patents_per_10k": "patents_per_10k",
    }
    for measure, moment in direct.items():
        for r in s[(s["measure"] == measure) & (s["scope"] == "district")].itertuples(index=False):
            out.append((moment, r.value, _year(r), [r], f"{measure} as published"))
    for r in s[s["measure"].isin(["gdp_growth", "revenue_growth"])].itertuples(index=False):
        out.append(("output_growth", r.value, _year(r), [r], f"{r.measure} as published"))
    for stock, moment, what in (
        (firms, "firm_growth", "enterprises"),
        (workers[workers["measure"] == "workers"], "workforce_growth", "workers"),
    ):
        dated = stock[stock["year"].notna() & (stock["scope"] == "district")].sort_values("year")
        for a, b in itertools.pairwise(list(dated.itertuples(index=False))):
            span = int(b.year) - int(a.year)
            # counts of different areas (Caohejing's park of 2007 and its zone of 2024) give
            # no growth rate
            if span > 0 and a.value > 0 and a.area_covered == b.area_covered:
                out.append(
                    (
                        moment,
                        (b.value / a.value) ** (1.0 / span) - 1.0,
                        int(b.year),
                        [a, b],
                        f"{what} {a.value:,.0f} ({a.year}) -> {b.value:,.0f} ({b.year})",
                    )
                )
    return out


def _figure(row: Any) -> tuple:
    """Identity of a published figure (a statistics row), to fit each one once."""
    return (row.place, row.measure, row.value, row.year, row.publisher, row.document)


def build_targets(
    places: Sequence[str] = DEFAULT_PLACES,
    holdout: Sequence[str] = DEFAULT_HOLDOUT,
    hold_latest: bool = True,
    stats: pd.DataFrame | None = None,
    years: int | None = None,
) -> list[PlaceTarget]:
    """The target set: every mappable public figure of ``places`` and ``holdout``.

    A published figure is fitted once: where two moments derive from the same row (seed
    000's "one firm a day" gives Caohejing's new firms per 1,000 workers and, over its firm
    count, its entry rate), the first is fitted and the others are held out, so one datum
    does not weigh twice in the distance.

    Parameters
    ----------
    places
        Places whose figures are fitted (except their latest repeated figure).
    holdout
        Places whose figures are all held out (predicted).
    hold_latest
        Hold out the latest year of a figure published for several years (the earlier ones
        are fitted), and survival at the ages of :data:`HELD_SURVIVAL_AGES`.
    stats
        The statistics (default: :func:`rainforest.data.load_statistics`).
    years
        The fit's run length: with :data:`LONG_FIT_YEARS` or more the venture outcomes of
        :data:`LONG_FIT_MOMENTS` and the deal statistics of :data:`FITTED_DEALS` are fitted;
        shorter (or None) they are held out.

    Returns
    -------
    list of PlaceTarget
        Roles: ``fit``, ``held out`` or ``input`` (a figure a per-place input sets:
        :data:`INPUT_SET`).
    """
    stats = load_statistics() if stats is None else stats
    out: list[PlaceTarget] = []
    for place in [*places, *holdout]:
        raw = _raw_targets(stats, place)
        by_moment: dict[str, list] = {}
        for t in raw:
            by_moment.setdefault(t[0], []).append(t)
        fitted_through: dict[tuple, str] = {}  # a published figure -> the moment fitting it
        for moment, items in by_moment.items():
            kind = MOMENTS[moment].kind
            latest = max((t[2] or 0) for t in items)
            for m, value, year, rows, how in items:
                if m in INPUT_SET:
                    role = "input"
                elif (
                    place in holdout
                    or m in ALWAYS_HELD_OUT
                    or (hold_latest and len(items) > 1 and (year or 0) == latest)
                ):
                    role = "held out"
                elif _figure(rows[0]) in fitted_through:
                    # one published figure enters the distance once (SMM's moments are
                    # distinct data): a second moment derived from it is predicted
                    role = "held out"
                    how += f" (its figure is fitted once, as {fitted_through[_figure(rows[0])]})"
                else:
                    role = "fit"
                    fitted_through[_figure(rows[0])] = m
                if kind == "log" and value <= 0:
                    continue
                out.append(
                    PlaceTarget(
                        place,
                        m,
                        float(value),
                        year,
                        _sigma(rows, kind),
                        role,
                        "; ".join(dict.fromkeys(_source(r) for r in rows)),
                        how,
                    )
                )
    us = stats[(stats["place"] == "united-states") & (stats["year"] == 2013)]
    for age in SURVIVAL_AGES:
        r = us[us["measure"] == f"survival_age_{age}"]
        if r.empty:
            continue
        row = next(r.itertuples(index=False))
        held = hold_latest and age in HELD_SURVIVAL_AGES
        out.append(
            PlaceTarget(
                "all",
                f"survival_{age}y",
                float(row.value),
                2013,
                SIGMA_RULE["share"],
                "held out" if held else "fit",
                _source(row),
                f"BLS share of the 2013 cohort alive after {age} year(s); model: startups of "
                "every place's runs, pooled",
            )
        )
    long_runs = years is not None and years >= LONG_FIT_YEARS

    def venture(moment: str, row: Any, model: str) -> PlaceTarget:
        # one rule for every pooled venture outcome: fitted by long fits (LONG_FIT_MOMENTS),
        # rare shares on the log scale (RARE_SHARES)
        fitted = long_runs and moment in LONG_FIT_MOMENTS
        rare = moment in RARE_SHARES
        return PlaceTarget(
            "all",
            moment,
            float(row.value),
            _year(row),
            SIGMA_RULE["rare_share" if rare else "share"],
            "fit" if fitted else "held out",
            _source(row),
            f"{model}, pooled; "
            + ("fitted (runs of ten years or more)" if fitted else "held out")
            + (", compared on the log scale" if rare else "")
            + " (docs/calibration.md section 8)",
        )

    vc = stats[(stats["place"] == "united-states") & stats["measure"].isin(list(DEAL_SHARES))]
    for row in vc.itertuples(index=False):
        out.append(
            venture(
                str(row.measure),
                row,
                "share of realised US venture financings by multiple; model: realised "
                "investments (exits and failures) of every place's runs",
            )
        )
    labour = (  # the labour market's pooled rates, against US figures
        (
            JOB_CHANGE,
            "fit",
            "share of the employed who changed employer from one month to the next; model: "
            "job-to-job moves per employed person-month of every place's runs, pooled, "
            "compared on the log scale (docs/calibration.md section 9)",
        ),
        (
            UNEMPLOYMENT,
            "held out",
            "unemployed share of graduates in the labour force; model: unemployed "
            "person-months over labour-force person-months of every place's runs, pooled, "
            "compared on the log scale; held out (docs/calibration.md section 26)",
        ),
    )
    for moment, role, how in labour:
        rows = stats[(stats["place"] == "united-states") & (stats["measure"] == moment)]
        for row in rows.itertuples(index=False):
            out.append(
                PlaceTarget(
                    "all",
                    moment,
                    float(row.value),
                    _year(row),
                    SIGMA_RULE["rare_share"],
                    role,
                    _source(row),
                    how,
                )
            )
    for place in [*places, *holdout]:
        hist = history(stats, place)
        for quantity, moment in DIRECTION_MOMENTS.items():
            if quantity not in hist:
                continue
            way, evidence, year = hist[quantity]
            counted = "firms" if moment == "firm_change" else "people"
            out.append(
                PlaceTarget(
                    place,
                    moment,
                    SIGN[way],
                    year,
                    SIGMA_RULE["direction"],
                    "held out" if place in holdout else "fit",
                    f"rainforest/data/statistics: {evidence}",
                    f"history: the {quantity} went {way} ({evidence}); model: {counted} at "
                    f"the run's end / at its start - 1, counted only as far as it falls short "
                    f"of {way} (beyond ±2%)",
                )
            )
    cn = stats[stats["place"] == "china"]
    for moment, measure in FUNDED_SHARES.items():
        r = cn[cn["measure"] == measure]
        if not r.empty:
            out.append(
                venture(
                    moment,
                    next(r.itertuples(index=False)),
                    "share of China's angel-funded firms (IT桔子 2022); model: funded startups "
                    "born in every place's runs",
                )
            )
    for moment, (where, measure) in DEAL_MOMENTS.items():
        rows = stats[(stats["place"] == where) & (stats["measure"] == measure)]
        years_seen: set[int | None] = set()
        for row in rows.itertuples(index=False):
            year = _year(row)
            if year in years_seen:  # a second figure for a year: validate --places shows it
                continue
            years_seen.add(year)
            fitted = long_runs and moment in FITTED_DEALS
            runs = "every place's runs" if where == "world" else f"the runs of {where}'s places"
            out.append(
                PlaceTarget(
                    "all",
                    moment,
                    rd.usd(float(row.value), str(row.unit)),
                    year,
                    SIGMA_RULE["deal"],
                    "fit" if fitted else "held out",
                    _source(row),
                    f"{rd.STATS[measure][0]}; model: the rounds of {runs}, pooled, compared on "
                    "the log scale; "
                    + ("fitted (runs of ten years or more)" if fitted else "held out")
                    + " (docs/calibration.md section 27)",
                )
            )
    return out


# --- simulation ------------------------------------------------------------------------------


@dataclass
class Budget:
    """How each evaluation runs: years, seeds (common random numbers), population scale and
    the least simulated people a place runs with (``min_people``, 0: every place at
    ``scale``; :func:`place_scale`)."""

    years: int = 4
    seeds: tuple[int, ...] = (0, 1)
    scale: float = 40.0
    min_people: float = 0.0

    def __post_init__(self) -> None:
        if self.years < MIN_YEARS:
            raise ExperimentError(f"years must be at least {MIN_YEARS}")
        if not self.seeds:
            raise ExperimentError("at least one seed")
        if self.scale < 1:
            raise ExperimentError("scale must be at least 1")
        check_min_people(self.min_people)


def check_min_people(min_people: float) -> None:
    """Refuse a ``min_people`` that is negative or not a number (NaN would make
    :func:`place_scale` run every place at scale 1)."""
    if not (math.isfinite(min_people) and min_people >= 0):
        raise ExperimentError(f"min_people must be 0 or more, got {min_people}")


def place_scale(scenario: Any, scale: float, min_people: float = 0.0) -> float:
    """The population scale a place runs at: ``scale``, or finer for a place that would have
    fewer than ``min_people`` simulated people at ``scale`` (its people / ``min_people``, at
    least 1).

    Why: at one scale for all, a small place is a few thousand simulated people and a hundred
    firms, and its ten-year firm stock is noise (Eindhoven's, seed by seed, −14% to +18% at
    scale 40 and −4% to −1% at scale 2; docs/calibration.md section 11). Per-capita moments
    do not depend on the scale, so a finer scale changes their noise, not what they mean."""
    if min_people <= 0:
        return float(scale)
    people = sum(float(r.population) for r in scenario.regions.values())
    return float(min(scale, max(1.0, people / min_people)))


def _pooled_counts(result: Any, place: str | None = None) -> np.ndarray:
    """The counts of the pooled moments (:data:`POOLED`), one row each: (cohort, failed before
    age) per survival age, as in SurvivalOutcome (weights; (0, 0) when the run leaves fewer
    than :data:`MIN_COHORT_MONTHS` of cohorts that old); then (realised financings, those in
    the class) per :data:`DEAL_SHARES` entry; then (funded startups, those that raised a next
    round / listed / became unicorns) per :data:`FUNDED_SHARES` entry; then (employed
    person-months, job-to-job moves) for :data:`JOB_CHANGE`; (labour-force person-months,
    unemployed person-months) for :data:`UNEMPLOYMENT`; last the sums of
    :data:`DEAL_MOMENTS` (:func:`deal_counts`) of a run of ``place`` (none without it)."""
    o = result.orgs
    months = int(result.meta["months"])
    sel = (o["founded"] >= 0) & founded_here(o["origin"])
    sel &= o["kind"].isin(["startup", "sme", "listed"])
    o = o[sel]
    failed = (o["exit"] == "failure").to_numpy()
    age = (o["exit_month"] - o["founded"]).to_numpy()
    founded = o["founded"].to_numpy()
    w = o["weight"].to_numpy(dtype=float)
    out = np.zeros((len(POOLED), 2))
    for i, a in enumerate(SURVIVAL_AGES):
        if months - 12 * a < MIN_COHORT_MONTHS:
            continue
        cohort = founded <= months - 12 * a
        out[i] = w[cohort].sum(), w[cohort & failed & (age < 12 * a)].sum()
    inv = result.investments
    mult = inv.loc[inv["proceeds"].notna(), "multiple"].to_numpy(dtype=float)
    for j, key in enumerate(DEAL_SHARES):
        out[len(SURVIVAL_AGES) + j] = len(mult), int(deal_class(mult, key).sum())
    n, *counts = funded_outcomes(o)
    k = len(SURVIVAL_AGES) + len(DEAL_SHARES)
    for j, c in enumerate(counts):
        out[k + j] = n, c
    out[POOLED.index(JOB_CHANGE)] = job_change_counts(result.metrics)
    m = result.metrics
    # the labour force: employed, unemployed and founders (``people``)
    out[POOLED.index(UNEMPLOYMENT)] = float(m["people"].sum()), float(m["unemployed"].sum())
    if place is not None:
        deal_counts(rd.rounds(result), place, out)
    return out


def deal_counts(rounds: pd.DataFrame, place: str, out: np.ndarray) -> None:
    """Write into ``out`` (rows of :data:`POOLED`) the two sums behind each
    :data:`DEAL_MOMENTS` entry whose place takes a run of ``place`` (its country, or the
    world): :data:`rainforest.metrics.rounds.SUMS` of its measure, e.g. (rounds, their
    dollars) for a mean round. ``rounds``: :func:`rainforest.metrics.rounds.rounds` of the run."""
    if rounds.empty:
        return
    for moment, (where, measure) in DEAL_MOMENTS.items():
        if where in ("world", COUNTRY_OF.get(place)):
            out[POOLED.index(moment)] = rd.SUMS[measure](rounds)


def job_change_counts(metrics: pd.DataFrame) -> tuple[float, float]:
    """(employed person-months, job-to-job moves) of a run's metrics: the counts behind
    :data:`JOB_CHANGE`. ``rainforest validate`` reads the same counts."""
    return float(metrics["employed"].sum()), float(metrics["job_changes"].sum())


def place_scenario(place: str, values: dict[str, Any] | None = None) -> Any:
    """The preset of ``place`` with global ``values`` applied (must be a one-region preset)."""
    from rainforest.scenario import load_scenario, with_values

    sc = load_scenario(place)
    if len(sc.regions) != 1:
        raise ExperimentError(f"{place}: joint calibration uses one-region presets only")
    return with_values(sc, values) if values else sc


def _place_run(item: tuple[str, dict[str, Any] | None, int, int, float]) -> tuple[Any, ...]:
    """One run of :func:`run_moments` (module level, so worker processes can run it): its row
    of moments and pooled counts."""
    from rainforest.api import simulate

    place, values, years, seed, scale = item
    r = simulate(
        place_scenario(place, values), years=years, seed=seed, scale=scale, network_measures=False
    )
    row, _ = place_moments(r, place, seed)
    return row, _pooled_counts(r, place)


def place_moments(result: Any, place: str, seed: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """The row of :data:`MOMENTS` of a one-region run of ``place`` (with its ``place`` and
    ``seed``), and the region's metrics in month order they were measured on."""
    region, spec = next(iter(result.scenario.regions.items()))
    m = result.metrics[result.metrics["region"].astype(str) == region].sort_values("month")
    row: dict[str, Any] = {"place": place, "seed": seed}
    for k, mo in MOMENTS.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            row[k] = mo.value(m, spec.area_km2)
    return row, m


def run_moments(
    places: Sequence[str],
    values: dict[str, Any] | None,
    budget: Budget,
    progress: Callable[[int], None] | None = None,
    executor: Any = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Run every place with every seed and measure every moment.

    ``executor`` (anything :func:`~rainforest.experiments.executors.make_executor` takes; None
    runs here, one run after another) runs the (place, seed) runs; the result does not depend
    on it: rows and counts are gathered in the plan's order.

    Returns
    -------
    (DataFrame, ndarray)
        One row per (place, seed) with a column per moment; and the pooled counts
        (:data:`POOLED` x (cohort or financings, failed or in the class)).
    """
    from rainforest.experiments.executors import map_ordered

    # each place's scale; a bad place or value fails here, before any run
    scales = {
        p: place_scale(place_scenario(p, values), budget.scale, budget.min_people) for p in places
    }
    items = [(p, values, budget.years, s, scales[p]) for p in places for s in budget.seeds]
    got = map_ordered(
        1 if executor is None else executor,
        _place_run,
        items,
        (lambda done, total: progress(1)) if progress else None,
    )
    rows = [row for row, _ in got]
    surv = np.zeros((len(POOLED), 2))
    for _, counts in got:
        surv += counts
    return pd.DataFrame(rows), surv


def simulated(target: PlaceTarget, runs: pd.DataFrame, surv: np.ndarray) -> np.ndarray:
    """The per-run values of ``target``'s moment (one value for a pooled moment)."""
    if target.place == "all":
        n, k = surv[POOLED.index(target.moment)]
        if n <= 0:
            return np.array([math.nan])
        return np.array([1.0 - k / n if target.moment.startswith("survival_") else k / n])
    return runs.loc[runs["place"] == target.place, target.moment].to_numpy(dtype=float)


def error(target: PlaceTarget, model: float) -> float:
    """Standardised error: (log model - log data)/σ for levels, rare shares
    (:data:`RARE_SHARES`) and deal statistics (:data:`DEAL_MOMENTS`), (model - data)/σ
    otherwise.

    A direction target (``firm_change``, ``workforce_change``) counts the run's shortfall
    from history's direction (:func:`rainforest.experiments.history.shortfall`) over σ. A
    level the runs put at zero (or could not measure) counts as 5σ."""
    if not math.isfinite(model):
        return 5.0
    if target.moment in MOMENTS and MOMENTS[target.moment].kind == "direction":
        return shortfall(target.value, model) / target.sigma
    if (target.moment in MOMENTS and MOMENTS[target.moment].kind == "log") or (
        target.moment in RARE_SHARES or target.moment in DEAL_MOMENTS
    ):
        if model <= 0:
            return -5.0
        return (math.log(model) - math.log(target.value)) / target.sigma
    return (model - target.value) / target.sigma


def measured(target: PlaceTarget, surv: np.ndarray) -> bool:
    """Whether the runs measure ``target`` at all: a pooled survival age beyond what the runs'
    length allows (no cohort) is not a target of that fit, rather than a 5σ miss."""
    return target.place != "all" or bool(surv[POOLED.index(target.moment)][0] > 0)


def distance(targets: Sequence[PlaceTarget], runs: pd.DataFrame, surv: np.ndarray) -> float:
    """Mean squared standardised error of the fitted targets' run means (targets the runs do
    not measure, :func:`measured`, left out)."""
    errs = [
        error(t, float(np.nanmean(simulated(t, runs, surv))) if len(runs) else math.nan)
        for t in targets
        if t.role == "fit" and measured(t, surv)
    ]
    return float(np.mean(np.square(errs))) if errs else math.nan


def target_table(
    targets: Sequence[PlaceTarget], runs: pd.DataFrame, surv: np.ndarray
) -> pd.DataFrame:
    """Every target the runs measure (:func:`measured`) beside the model: mean, 90% band,
    factor off, error. The band is where a single run falls (:func:`metrics.bands.run_band`: the
    runs' quantiles from 20 runs, a Student-t prediction interval below), for a share pooled
    over all runs' firms its Wilson interval (:func:`metrics.bands.share_band`)."""
    rows = []
    for t in targets:
        if not measured(t, surv):
            continue
        v = simulated(t, runs, surv)
        fin = v[np.isfinite(v)]
        mean = float(fin.mean()) if len(fin) else math.nan
        kind = MOMENTS[t.moment].kind if t.moment in MOMENTS else "share"
        if t.moment in DEAL_MOMENTS:  # one pooled ratio of sums: no band (validate's is by run)
            kind, lo, hi = "log", math.nan, math.nan
        elif t.place == "all":
            n, k = surv[POOLED.index(t.moment)]
            lo, hi = share_band(float(k), float(n))
            if t.moment.startswith("survival_"):  # the share that failed, turned round
                lo, hi = 1.0 - hi, 1.0 - lo
        else:
            share = kind == "share"
            lo, hi = run_band(fin, positive=kind == "log" or share, within=SHARE if share else None)
        factor = mean / t.value if kind == "log" and t.value > 0 else math.nan
        rows.append(
            {
                "place": t.place,
                "moment": t.moment,
                "label": MOMENTS[t.moment].label if t.moment in MOMENTS else t.moment,
                "year": t.year,
                "data": t.value,
                "model": mean,
                "model_lo": float(lo),
                "model_hi": float(hi),
                "factor": factor,
                "within_2x": bool(0.5 <= factor <= 2.0) if math.isfinite(factor) else None,
                "z": error(t, mean),
                "sigma": t.sigma,
                "role": t.role,
                "derivation": t.derivation,
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


# --- the fit ---------------------------------------------------------------------------------


@dataclass
class JointFit:
    """Result of :func:`fit_places`."""

    best: dict[str, float]
    start: dict[str, float]
    distance: float
    start_distance: float
    trials: pd.DataFrame
    table: pd.DataFrame
    start_table: pd.DataFrame
    parameters: tuple[FreeParameter, ...]
    places: tuple[str, ...]
    holdout: tuple[str, ...]
    budget: Budget
    date: str
    meta: dict[str, Any] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)
    """Values held fixed in every run of the fit (the edition's switches and rules, and a
    start fit's values of the parameters not searched)."""
    recheck: pd.DataFrame | None = None
    """The start and the best trials run again on fresh seeds (:func:`fit_places`'s
    ``recheck``): per candidate its distance on the search's seeds, on the fresh seeds and
    on both; ``chosen`` marks the values kept. None when nothing was rechecked."""
    fresh_seeds: tuple[int, ...] = ()
    """The seeds of the recheck (the search's seeds are ``budget.seeds``)."""

    def checked(self, start: bool = False) -> float:
        """Distance of the fitted (or the start) values over the search's and the fresh seeds
        together (NaN without a recheck)."""
        if self.recheck is None or self.recheck.empty:
            return math.nan
        row = (
            self.recheck[self.recheck["trial"] == 0]
            if start
            else self.recheck[self.recheck["chosen"]]
        )
        return float(row["combined_distance"].iloc[0]) if len(row) else math.nan

    def summary(self) -> pd.DataFrame:
        """RMS standardised error and share within 2x, for fitted and held-out targets, at
        the start values and at the fitted values."""
        rows = []
        for name, tab in (("start", self.start_table), ("fitted", self.table)):
            for role in ("fit", "held out", "input"):
                t = tab[tab["role"] == role]
                if t.empty:
                    continue
                f = t["within_2x"].dropna()
                with np.errstate(divide="ignore"):  # a model value of 0 is infinitely off:
                    log_off = np.abs(np.log10(t["factor"].astype(float)))  # inf, ranked last
                rows.append(
                    {
                        "values": name,
                        "targets": role,
                        "n": len(t),
                        "rms_z": float(np.sqrt(np.mean(np.square(t["z"])))),
                        "median_abs_z": float(np.median(np.abs(t["z"]))),
                        "median_abs_log10_factor": float(np.nanmedian(log_off))
                        if t["factor"].notna().any()
                        else math.nan,
                        "within_2x": f"{int(f.sum())}/{len(f)}",
                    }
                )
        return pd.DataFrame(rows)

    def provenance(self) -> str:
        """``fitted: <target set>, <date>, <distance>`` for every fitted value."""
        n_fit = int((self.table["role"] == "fit").sum())
        n_out = int((self.table["role"] == "held out").sum())
        fit = self.table[self.table["role"] == "fit"]
        pooled = set(fit.loc[fit["place"] == "all", "moment"])
        names = {
            "US BLS survival": any(m.startswith("survival_") for m in pooled),
            "IT桔子 2022 funded-startup outcomes": bool(pooled & set(FUNDED_SHARES)),
            "Correlation Ventures' deal shares": bool(pooled & set(DEAL_SHARES)),
        }
        fitted = ", ".join(
            [p for p in dict.fromkeys(fit["place"]) if p != "all"]
            + [name for name, used in names.items() if used]
        )
        return (
            f"fitted: joint SMM on {n_fit} public targets ({fitted}; runs of "
            f"{', '.join(self.places)}; held out {n_out}, incl. the places "
            f"{', '.join(self.holdout) or 'none'}) from "
            f"rainforest/data/statistics, {self.date}, distance = mean squared standardised "
            f"error {self.distance:.3g} (start {self.start_distance:.3g}); "
            f"{len(self.budget.seeds)} seeds, scale {self.budget.scale:g}"
            + (
                f" (finer for places under {self.budget.min_people:,.0f} simulated people)"
                if self.budget.min_people
                else ""
            )
            + ", "
            f"{self.budget.years} years, {len(self.trials)} optuna TPE trials"
            + (
                f"; rechecked on fresh seeds {_seed_span(self.fresh_seeds)} with "
                f"{len(self.recheck) - 1} of the best trials: distance over seeds "
                f"{_seed_span(self.budget.seeds + self.fresh_seeds)} "
                f"{self.checked():.3g} (start {self.checked(start=True):.3g})"
                if self.recheck is not None and not self.recheck.empty
                else ""
            )
        )

    def save(self, path: str | Path = FITTED_PATH) -> tuple[Path, Path]:
        """Write the TOML overlay (``path``) and the JSON report beside it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        prov = self.provenance()
        sections: dict[str, dict[str, Any]] = {}
        for p, v in {**self.fixed, **self.best}.items():
            _, sect, name = p.split(".")
            sections.setdefault(sect, {})[name] = v
        lines = [
            "# Global behavioural parameters fitted jointly to public figures of several places.",
            "# Written by `rainforest calibrate --places`; put onto any scenario with",
            "# rainforest.experiments.joint.apply_fitted (validate --places and claims do).",
            "",
        ]
        for sect, vals in sections.items():
            lines.append(f"[mechanisms.{sect}]")
            lines += [
                f"{k} = {str(v).lower() if isinstance(v, bool) else repr(float(v))}"
                for k, v in vals.items()
            ]
            lines.append("")
        lines.append("[sources]")
        lines += [f'"{p}" = {json.dumps(prov, ensure_ascii=False)}' for p in self.best]
        held = prov + (
            "; held fixed during the fit (the edition the values were fitted with, or the "
            "start fit's value of a parameter not searched)"
        )
        lines += [f'"{p}" = {json.dumps(held, ensure_ascii=False)}' for p in self.fixed]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = path.with_suffix(".json")
        report.write_text(
            json.dumps(
                {
                    "provenance": prov,
                    "date": self.date,
                    "places": list(self.places),
                    "holdout": list(self.holdout),
                    "budget": asdict(self.budget),
                    "sigma_rule": SIGMA_RULE,
                    "parameters": [asdict(p) for p in self.parameters],
                    "fixed": self.fixed,
                    "start": self.start,
                    "best": self.best,
                    "distance": self.distance,
                    "start_distance": self.start_distance,
                    "fresh_seeds": list(self.fresh_seeds),
                    "recheck": None if self.recheck is None else self.recheck.to_dict("records"),
                    "summary": self.summary().to_dict("records"),
                    "targets": self.table.to_dict("records"),
                    "start_targets": self.start_table.to_dict("records"),
                    "trials": self.trials.to_dict("records"),
                    **self.meta,
                },
                indent=1,
                ensure_ascii=False,
                default=_json_default,
            ),
            encoding="utf-8",
        )
        return path, report


def _seed_span(seeds: Sequence[int]) -> str:
    """``0-3`` for consecutive seeds, else ``0, 2, 5``."""
    s = sorted(seeds)
    if len(s) > 1 and s == list(range(s[0], s[-1] + 1)):
        return f"{s[0]}-{s[-1]}"
    return ", ".join(map(str, s))


def fresh_seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    """As many seeds as ``seeds``, following the largest: the recheck's common random
    numbers, none shared with the search."""
    top = max(seeds)
    return tuple(range(top + 1, top + 1 + len(seeds)))


def _json_default(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if v is pd.NA:
        return None
    return str(v)


def _current(sc: Any, path: str) -> float:
    obj: Any = sc
    for part in path.split("."):
        obj = getattr(obj, part)
    return float(obj)


def fit_places(
    places: Sequence[str] = DEFAULT_PLACES,
    holdout: Sequence[str] = DEFAULT_HOLDOUT,
    parameters: Sequence[FreeParameter] = GLOBAL_PARAMETERS,
    trials: int = 24,
    budget: Budget | None = None,
    seed: int = 0,
    start: dict[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    fixed: dict[str, Any] | None = None,
    workers: Any = None,
    recheck: int = 3,
) -> JointFit:
    """Fit the global ``parameters`` to the fitted targets of ``places``; predict the rest.

    Parameters
    ----------
    places, holdout
        See :func:`build_targets`. Held-out places are run only at the start and the best
        values (their figures never enter the distance).
    parameters
        Free parameters (``mechanisms.*`` paths only).
    trials
        Optuna TPE trials (the first is the start values).
    budget
        Years, seeds (common random numbers for every trial) and scale.
    seed
        The sampler's seed.
    start
        Start values of some or all free parameters (the rest: the presets' current values,
        which every preset shares). To refine a saved fit, :func:`start_from_fit` gives both
        ``start`` and ``fixed`` (the fit's values of the parameters not searched held).
    progress
        ``progress(done_runs, total_runs)``.
    fixed
        Values held fixed in every run (default: :data:`~rainforest.scenario.SECOND_EDITION`,
        the switches of the mechanisms the fit is for; the same switches set to False fit
        the first edition). They are written into the fit beside the fitted values.
    workers
        Who runs each trial's (place, seed) runs: None runs them here one after another; a
        number of local processes, or anything
        :func:`~rainforest.experiments.executors.make_executor` takes. The fit does not
        depend on it (each run is determined by its place, values and seed).
    recheck
        After the search, the start values and the ``recheck`` best trials run again on as
        many fresh seeds (:func:`fresh_seeds`), and the values kept are those with the least
        distance over both seed sets. Why: with two seeds a ten-year run's moments are noisy
        (the shipped values scored 0.88-1.31 on four pairs of seeds, docs/calibration.md
        §16), so the best of many trials on one set of seeds is partly the luckiest draw (the
        winner's curse); fresh seeds measure what the values are worth. The tables are then
        over both seed sets. 0: keep the search's best, as before.
    """
    import optuna

    from rainforest.experiments.executors import make_executor
    from rainforest.scenario import SECOND_EDITION

    budget = budget or Budget()
    fixed = dict(SECOND_EDITION if fixed is None else fixed)
    params = tuple(parameters)
    for p in params:
        if not p.path.startswith("mechanisms.") or p.path.count(".") != 2:
            raise ExperimentError(
                f"{p.path}: the joint calibration moves global mechanisms.<section>.<field> "
                "values only, never a per-place input"
            )
    if trials < 1:
        raise ExperimentError("trials must be at least 1")
    if recheck < 0:
        raise ExperimentError("recheck must be 0 or more")
    base = place_scenario(places[0], fixed)
    for p in params:
        try:
            _current(base, p.path)
        except AttributeError:
            raise ExperimentError(f"{p.path}: no such mechanism parameter") from None
    targets = build_targets(places, holdout, years=budget.years)
    n_fit = sum(t.role == "fit" for t in targets)
    if n_fit <= len(params):
        raise ExperimentError(
            f"{n_fit} fitted targets for {len(params)} free parameters: need more targets"
        )
    unknown = set(start or {}) - {p.path for p in params}
    if unknown:
        raise ExperimentError(f"start values for parameters that are not free: {sorted(unknown)}")
    start = {**{p.path: _current(base, p.path) for p in params}, **(start or {})}
    fit_places_ = tuple(
        dict.fromkeys(t.place for t in targets if t.role == "fit" and t.place != "all")
    )
    run_places = tuple(places)  # survival is pooled over every fitted place
    all_places = tuple(dict.fromkeys([*run_places, *holdout]))
    per_eval = len(run_places) * len(budget.seeds)
    n_check = 1 + min(recheck, trials - 1) if recheck else 0
    seed_sets = 2 if recheck else 1
    total = (trials + n_check) * per_eval + 2 * len(holdout) * len(budget.seeds) * seed_sets
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    ex, own_ex = make_executor(1 if workers is None else workers)
    try:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.create_study(
            direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed, multivariate=True)
        )
        study.enqueue_trial({p.label: start[p.path] for p in params})
        rows = []
        best: tuple[float, dict[str, float], pd.DataFrame, np.ndarray] | None = None
        first: tuple[pd.DataFrame, np.ndarray] | None = None
        evals: dict[int, tuple[dict[str, float], pd.DataFrame, np.ndarray]] = {}
        for _ in range(trials):
            tr = study.ask()
            values = {p.path: tr.suggest_float(p.label, p.low, p.high, log=p.log) for p in params}
            runs, surv = run_moments(run_places, {**fixed, **values}, budget, tick, ex)
            d = distance(targets, runs, surv)
            if first is None:
                first = (runs, surv)
            rows.append(
                {"trial": tr.number, "distance": d, **{p.label: values[p.path] for p in params}}
            )
            if math.isfinite(d):
                study.tell(tr, d)
                evals[tr.number] = (values, runs, surv)
                if best is None or d < best[0]:
                    best = (d, values, runs, surv)
            else:
                study.tell(tr, state=optuna.trial.TrialState.FAIL)
        if best is None or first is None:
            raise ExperimentError("every trial failed")
        d_best, v_best, runs_b, surv_b = best
        runs_start, surv_start = first
        checks, seeds2 = None, ()
        if recheck and 0 in evals:
            seeds2 = fresh_seeds(budget.seeds)
            fresh = replace(budget, seeds=seeds2)
            done_ok = sorted(
                (r for r in rows if r["trial"] in evals and r["trial"] != 0),
                key=lambda r: r["distance"],
            )
            cand = [0] + [r["trial"] for r in done_ok[:recheck]]
            check_rows, both = [], {}
            for k in cand:
                vals, runs_k, surv_k = evals[k]
                runs_f, surv_f = run_moments(run_places, {**fixed, **vals}, fresh, tick, ex)
                runs_all = pd.concat([runs_k, runs_f], ignore_index=True)
                both[k] = (vals, runs_all, surv_k + surv_f)
                check_rows.append(
                    {
                        "trial": k,
                        "distance": distance(targets, runs_k, surv_k),
                        "fresh_distance": distance(targets, runs_f, surv_f),
                        "combined_distance": distance(targets, runs_all, surv_k + surv_f),
                    }
                )
            checks = pd.DataFrame(check_rows)
            pick = int(checks.loc[checks["combined_distance"].idxmin(), "trial"])
            checks["chosen"] = checks["trial"] == pick
            v_best, runs_b, surv_b = both[pick]
            d_best = float(checks.loc[checks["chosen"], "distance"].iloc[0])
            _, runs_start, surv_start = both[0]
        extra = tuple(p for p in all_places if p not in run_places)
        if extra:
            sets = [budget] + ([replace(budget, seeds=seeds2)] if checks is not None else [])
            r0 = [run_moments(extra, {**fixed, **start}, b, tick, ex)[0] for b in sets]
            r1 = [run_moments(extra, {**fixed, **v_best}, b, tick, ex)[0] for b in sets]
            runs_start = pd.concat([runs_start, *r0], ignore_index=True)
            runs_b = pd.concat([runs_b, *r1], ignore_index=True)
    finally:
        if own_ex:
            ex.close()
    return JointFit(
        best={k: float(v) for k, v in v_best.items()},
        start={k: float(v) for k, v in start.items()},
        distance=d_best,
        start_distance=float(rows[0]["distance"]),
        trials=pd.DataFrame(rows),
        table=target_table(targets, runs_b, surv_b),
        start_table=target_table(targets, runs_start, surv_start),
        parameters=params,
        places=tuple(places),
        holdout=tuple(holdout),
        budget=budget,
        date=_dt.date.today().isoformat(),
        meta={
            "fitted_places": list(fit_places_),
            "sampler": "optuna TPE (multivariate)",
            "seed": seed,
        },
        fixed=fixed,
        recheck=checks,
        fresh_seeds=seeds2,
    )


# --- loading a fit ---------------------------------------------------------------------------


def load_fitted(path: str | Path = FITTED_PATH) -> tuple[dict[str, float], dict[str, str]]:
    """The fitted ``{path: value}`` and ``{path: provenance}`` of a fit TOML."""
    path = Path(path)
    if not path.exists():
        raise ExperimentError(f"{path}: no fit here (run `rainforest calibrate --places`)")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    values = {
        f"mechanisms.{sect}.{k}": v
        for sect, table in data.get("mechanisms", {}).items()
        for k, v in table.items()
    }
    sources = dict(data.get("sources", {}))
    missing = [p for p in values if not str(sources.get(p, "")).startswith("fitted:")]
    if missing:
        raise ExperimentError(f"{path}: no 'fitted: …' provenance for {missing}")
    return values, sources


def start_from_fit(
    path: str | Path,
    parameters: Sequence[FreeParameter],
    fixed: dict[str, Any] | None = None,
) -> tuple[dict[str, float], dict[str, Any]]:
    """``(start, fixed)`` for :func:`fit_places` that refine the fit at ``path``.

    ``start``: the fit's values of the free ``parameters`` (the first trial). ``fixed``: the
    edition's values (``fixed``, by default :data:`~rainforest.scenario.SECOND_EDITION`) plus
    the fit's values of every parameter not searched, so refining a few parameters of a fit
    does not put the rest back to the schema's values. The edition's switches and rules stay
    as ``fixed`` says (a first-edition fit from a second-edition start keeps its switches off).
    """
    from rainforest.scenario import SECOND_EDITION

    known, _ = load_fitted(path)
    free = {p.path for p in parameters}
    edition = dict(SECOND_EDITION if fixed is None else fixed)
    start = {p: float(known[p]) for p in free if p in known}
    held = {k: v for k, v in known.items() if k not in free and k not in SECOND_EDITION}
    return start, {**edition, **held}


def apply_fitted(scenario: Any, path: str | Path = FITTED_PATH) -> Any:
    """``scenario`` (a name, file, dict or Scenario) with the fitted values and provenance."""
    from rainforest.scenario import load_scenario, with_values

    sc = load_scenario(scenario)
    values, sources = load_fitted(path)
    sc = with_values(sc, values)
    return sc.model_copy(update={"sources": {**sc.sources, **sources}})


__all__ = [
    "DEAL_MOMENTS",
    "DEFAULT_HOLDOUT",
    "DEFAULT_PLACES",
    "DIRECTION_MOMENTS",
    "FITTED_DEALS",
    "FITTED_PATH",
    "FUNDED_SHARES",
    "GLOBAL_PARAMETERS",
    "INPUT_SET",
    "LONG_FIT_MOMENTS",
    "LONG_FIT_YEARS",
    "MOMENTS",
    "PARTLY_INPUT",
    "RARE_SHARES",
    "SIGMA_RULE",
    "Budget",
    "FreeParameter",
    "JointFit",
    "Moment",
    "PlaceTarget",
    "apply_fitted",
    "build_targets",
    "deal_counts",
    "distance",
    "fit_places",
    "fresh_seeds",
    "funded_outcomes",
    "load_fitted",
    "measured",
    "parse_free",
    "place_moments",
    "place_scenario",
    "run_moments",
    "start_from_fit",
    "target_key",
    "target_table",
]
