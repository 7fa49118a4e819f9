"""Outcomes an explanation or what-if measures, per reported year and in total.

An outcome is either a column of ``Result.metrics`` (docs/CONTRACTS.md) or a function of a
whole :class:`~rainforest.result.Result` (events and organisations). Flows are summed over the
reported period, stocks are taken at its end and ratios averaged.

Built-in outcomes beyond the metrics (:data:`BUILTIN`):

``ai_foundings``
    Startups founded in the AI/software domain.
``grassroots_ai_foundings`` (the default of ``explain``)
    AI/software startups founded by people without elite credentials in firms that are not
    state-linked: the "DeepSeek-like" foundings seed 003 asks about (为什么DeepSeek没有出现在
    张江?). "Grassroots" is the seeds' sense, 草根 against both 精英内卷 (没三篇ISSCC都不好意思
    要融资) and the 国家队, so an Alibaba spin-out by a non-credentialed engineer counts; it is
    wider than ``origin == "grassroots"`` in the orgs table (ideas from contacts only).
``high_growth``
    Startups founded in the reported period that reached 50 employees or a valuation of 300
    million yuan (or listed, or became unicorns), counted in their founding year. Read from the
    final organisations table, so a firm that grew and then failed is not counted.

The metric outcomes ``foundings``, ``unicorns``, ``ipos``, ``output`` and ``patents`` are
listed in :data:`BUILTIN` for the CLI; every other metrics column works too.

Functions of a Result run in the worker process (the parent only receives metrics), so a
user's callable must be picklable (a module-level function) for the process executor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.outcomes import METRIC_NAMES, RATIO_METRICS
from rainforest.explain.groups import ExplainError
from rainforest.state import accounts
from rainforest.state.tables import founded_here
from rainforest.suggest import did_you_mean

AI_DOMAIN = "ai_software"
HIGH_GROWTH_EMPLOYEES = 50
HIGH_GROWTH_VALUATION = 300.0  # million yuan

YearlyFn = Callable[[Any, "str | None", int], np.ndarray]


def _per_year(month: np.ndarray, weight: np.ndarray, years: int) -> np.ndarray:
    """Sum ``weight`` into reported years ``0..years-1`` by month."""
    yr = np.asarray(month, dtype=np.int64) // 12
    keep = (yr >= 0) & (yr < years)
    return np.bincount(yr[keep], weights=np.asarray(weight, float)[keep], minlength=years)[
        :years
    ].astype(float)


def _foundings(result: Any, region: str | None, grassroots: bool) -> pd.DataFrame:
    ev = result.events
    f = ev[(ev["kind"] == "founding") & (ev["domain"] == AI_DOMAIN)]
    if region is not None:
        f = f[f["region"] == region]
    if grassroots:
        o = result.orgs.set_index("org")
        state = o["state_linked"].reindex(f["org"]).fillna(True).to_numpy(bool)
        cred = o["credentialed"].reindex(f["org"]).fillna(True).to_numpy(bool)
        f = f[~state & ~cred]
    return f


def ai_foundings(result: Any, region: str | None, years: int) -> np.ndarray:
    """AI/software foundings per reported year (real firms)."""
    f = _foundings(result, region, grassroots=False)
    return _per_year(f["month"].to_numpy(), f["weight"].to_numpy(), years)


def grassroots_ai_foundings(result: Any, region: str | None, years: int) -> np.ndarray:
    """AI/software foundings by non-credentialed founders in non-state firms, per year."""
    f = _foundings(result, region, grassroots=True)
    return _per_year(f["month"].to_numpy(), f["weight"].to_numpy(), years)


def high_growth(result: Any, region: str | None, years: int) -> np.ndarray:
    """Startups founded in the reported period that reached 50 people or 300 million yuan
    (or listed or became unicorns), by founding year."""
    o = result.orgs
    sel = (o["founded"] >= 0) & founded_here(o["origin"])
    sel &= o["kind"].isin(["startup", "sme", "listed"])
    if region is not None:
        sel &= o["region"] == region
    grown = (
        (o["employees"] >= HIGH_GROWTH_EMPLOYEES)
        | (o["valuation"] >= HIGH_GROWTH_VALUATION)
        | o["unicorn"]
        | (o["exit"] == "ipo")
    )
    o = o[sel & grown]
    return _per_year(o["founded"].to_numpy(), o["weight"].to_numpy(), years)


@dataclass(frozen=True)
class _Scalar:
    """Wraps a user's ``fn(result) -> float`` as a one-value 'per-year' function."""

    fn: Callable[[Any], float]

    def __call__(self, result: Any, region: str | None, years: int) -> np.ndarray:
        return np.array([float(self.fn(result))])


@dataclass(frozen=True)
class ExplainOutcome:
    """What is measured: a metrics column or a function of a Result.

    Parameters
    ----------
    name
        Column name in tables.
    description
        One line for tables and reports.
    metric
        A ``Result.metrics`` column, or ``None`` when ``function`` is given.
    function
        ``function(result, region, years) -> array`` of one value per reported year (or a
        single value when ``per_year`` is false); runs in the worker.
    agg
        How years combine into the total: ``"sum"`` (flows), ``"last"`` (stocks) or
        ``"mean"`` (ratios).
    per_year
        Whether ``function`` returns one value per year.
    """

    name: str
    description: str = ""
    metric: str | None = None
    function: YearlyFn | None = None
    agg: Literal["sum", "last", "mean"] = "sum"
    per_year: bool = True

    def yearly(self, result: Any, region: str | None, years: int) -> np.ndarray:
        """Values per reported year of one run (one value if not ``per_year``)."""
        if self.function is not None:
            return np.asarray(self.function(result, region, years), dtype=float)
        m = result.metrics
        if region is not None:
            m = m[m["region"] == region]
        col = m[self.metric].to_numpy(float)
        yr = m["month"].to_numpy() // 12
        monthly = pd.DataFrame({"yr": yr, "month": m["month"].to_numpy(), "v": col})
        how = "mean" if self.metric in RATIO_METRICS else "sum"
        per_month = monthly.groupby(["yr", "month"])["v"].agg(how)  # over regions
        g = per_month.groupby(level="yr")
        per_year = {"sum": g.sum, "last": g.last, "mean": g.mean}[self.agg]()
        return per_year.reindex(range(years)).to_numpy(float)

    def total(self, yearly: np.ndarray) -> float:
        """The reported-period value from per-year values."""
        y = np.asarray(yearly, float)
        if not self.per_year or y.size == 0:
            return float(y[0]) if y.size else float("nan")
        if self.agg == "sum":
            return float(y.sum())
        if self.agg == "last":
            return float(y[-1])
        return float(y.mean())


def metric_outcome(metric: str) -> ExplainOutcome:
    """An outcome from a metrics column: flows summed, stocks at the end, ratios averaged."""
    if metric not in METRIC_NAMES:
        hint = did_you_mean(metric, [*BUILTIN, *METRIC_NAMES])
        raise ExplainError(
            f"unknown outcome {metric!r}{hint} Outcomes: {', '.join(BUILTIN)} or a metric"
            + ("" if hint else f": {', '.join(METRIC_NAMES)}")
        )
    agg: Literal["sum", "last", "mean"] = "sum"
    if metric in RATIO_METRICS:
        agg = "mean"
    elif metric in accounts.of_kind("stock"):
        agg = "last"
    word = {"sum": "total over", "last": "at the end of", "mean": "mean over"}[agg]
    return ExplainOutcome(
        metric, f"{metric.replace('_', ' ')}, {word} the reported period", metric=metric, agg=agg
    )


#: Built-in outcomes by name (metrics not listed here work too).
BUILTIN: dict[str, ExplainOutcome] = {
    "grassroots_ai_foundings": ExplainOutcome(
        "grassroots_ai_foundings",
        "AI/software startups founded by non-credentialed founders in non-state firms",
        function=grassroots_ai_foundings,
    ),
    "ai_foundings": ExplainOutcome(
        "ai_foundings", "AI/software startups founded", function=ai_foundings
    ),
    "high_growth": ExplainOutcome(
        "high_growth",
        "startups founded in the period that reached 50 people or 300 million yuan",
        function=high_growth,
    ),
}
for _m in ("foundings", "unicorns", "ipos", "output", "patents"):
    BUILTIN[_m] = metric_outcome(_m)

#: The outcomes a what-if reports by default.
WHATIF_DEFAULT = (
    "foundings",
    "grassroots_ai_foundings",
    "ai_foundings",
    "high_growth",
    "unicorns",
    "ipos",
    "patents",
    "output",
)


def resolve_outcome(outcome: str | ExplainOutcome | Callable[[Any], float]) -> ExplainOutcome:
    """An :class:`ExplainOutcome` from a name, an outcome or a callable ``f(result) -> float``."""
    if isinstance(outcome, ExplainOutcome):
        return outcome
    if isinstance(outcome, str):
        return BUILTIN.get(outcome) or metric_outcome(outcome)
    if callable(outcome):
        name = getattr(outcome, "__name__", "outcome")
        return ExplainOutcome(name, f"{name}(result)", function=_Scalar(outcome), per_year=False)
    raise ExplainError(f"outcome must be a name, an ExplainOutcome or a callable, got {outcome!r}")


def resolve_outcomes(
    outcomes: str | ExplainOutcome | Sequence[Any] | None, default: Sequence[str]
) -> list[ExplainOutcome]:
    """Several outcomes (``None``: ``default``); names must be unique."""
    if outcomes is None:
        outcomes = list(default)
    elif isinstance(outcomes, str | ExplainOutcome) or callable(outcomes):
        outcomes = [outcomes]
    out = [resolve_outcome(o) for o in outcomes]
    names = [o.name for o in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ExplainError(f"outcome names must be unique; repeated: {dup}")
    if not out:
        raise ExplainError("at least one outcome is needed")
    return out
