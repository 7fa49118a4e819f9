"""Declared outcomes: what an experiment measures from each run.

An outcome reads a run's tidy ``metrics`` table (one row per month and region, see
docs/CONTRACTS.md) and reduces it to a number (:class:`ScalarOutcome`) or a monthly series
(:class:`TimeSeriesOutcome`). Because they only need the metrics, the parent process can
compute them for fresh runs and for runs read back from the store alike, so a resumed
experiment gives the same answer as an uninterrupted one.

:class:`SurvivalOutcome` needs the organisations table, which stays in the worker; the worker
computes it and returns the small curve (and the store keeps it in ``summaries``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.parameters import ExperimentError
from rainforest.registry import Live
from rainforest.state import accounts
from rainforest.state.tables import founded_here
from rainforest.suggest import did_you_mean

#: Metric columns of ``Result.metrics`` besides month, year and region.
METRIC_NAMES: Live = Live(accounts.reported)

#: Ratios, prices and indices: across regions they are averaged, not added.
RATIO_METRICS: Live = Live(lambda: accounts.of_kind("ratio"))

Agg = Literal["sum", "mean", "last"]
_AGGS = ("sum", "mean", "last")


def _check_name(name: Any, kind: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ExperimentError(f"{kind}: name must be a non-empty string, got {name!r}")
    return name


def _check_metric(metric: Any, kind: str) -> str:
    if metric not in METRIC_NAMES:
        raise ExperimentError(
            f"{kind}: unknown metric {metric!r}{did_you_mean(str(metric), METRIC_NAMES)}; "
            f"expected one of {', '.join(METRIC_NAMES)}"
        )
    return metric


def _check_window(window: Any, kind: str) -> int | tuple[int, int] | None:
    if window is None:
        return None
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        if window < 1:
            raise ExperimentError(f"{kind}: window (last N months) must be >= 1, got {window}")
        return int(window)
    if isinstance(window, list | tuple) and len(window) == 2:
        a, b = window
        ok = all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in (a, b))
        if ok and 0 <= a < b:
            return (int(a), int(b))
    raise ExperimentError(
        f"{kind}: window must be N (last N months) or [start, end) months with "
        f"0 <= start < end, got {window!r}"
    )


def region_series(metrics: pd.DataFrame, metric: str, region: str | None) -> pd.Series:
    """One value per month: the region's, or the sum over regions (mean for ratios)."""
    if metric not in metrics.columns:
        raise ExperimentError(f"metric {metric!r} is not in this run's metrics")
    if region is not None:
        sel = metrics[metrics["region"] == region]
        if sel.empty:
            regions = sorted(metrics["region"].unique().tolist())
            raise ExperimentError(f"unknown region {region!r}; this run has {regions}")
        return sel.set_index("month")[metric].sort_index()
    how = "mean" if metric in RATIO_METRICS else "sum"
    return metrics.groupby("month", sort=True)[metric].agg(how)


@dataclass(frozen=True)
class ScalarOutcome:
    """A number per run: a metric, for a region or all, reduced over a window of months.

    Parameters
    ----------
    name
        Column name in result tables.
    metric
        A column of ``Result.metrics`` (see :data:`METRIC_NAMES`).
    region
        A region name, or ``None`` for all regions (summed; ratios are averaged).
    agg
        ``"sum"`` (flows over the window), ``"mean"`` (per month) or ``"last"`` (stock at
        the end of the window).
    window
        ``None`` (every reported month), ``N`` (the last N months) or ``(start, end)``
        (months ``start <= month < end``).
    """

    name: str
    metric: str
    region: str | None = None
    agg: Agg = "sum"
    window: int | tuple[int, int] | None = None

    needs_result = False

    def __post_init__(self) -> None:
        kind = f"ScalarOutcome {self.name!r}"
        _check_name(self.name, "ScalarOutcome")
        _check_metric(self.metric, kind)
        if self.agg not in _AGGS:
            raise ExperimentError(f"{kind}: agg must be one of {_AGGS}, got {self.agg!r}")
        if self.region is not None and (not isinstance(self.region, str) or not self.region):
            raise ExperimentError(f"{kind}: region must be a region name or None")
        object.__setattr__(self, "window", _check_window(self.window, kind))

    def evaluate(self, metrics: pd.DataFrame) -> float:
        """The outcome of one run from its metrics table."""
        s = region_series(metrics, self.metric, self.region)
        w = self.window
        if isinstance(w, int):
            s = s.iloc[-w:]
        elif isinstance(w, tuple):
            s = s[(s.index >= w[0]) & (s.index < w[1])]
        if s.empty:
            return math.nan
        if self.agg == "sum":
            return float(s.sum())
        if self.agg == "mean":
            return float(s.mean())
        return float(s.iloc[-1])


@dataclass(frozen=True)
class TimeSeriesOutcome:
    """A monthly series per run: a metric for a region or all (summed; ratios averaged)."""

    name: str
    metric: str
    region: str | None = None

    needs_result = False

    def __post_init__(self) -> None:
        _check_name(self.name, "TimeSeriesOutcome")
        _check_metric(self.metric, f"TimeSeriesOutcome {self.name!r}")

    def evaluate(self, metrics: pd.DataFrame) -> np.ndarray:
        """The series (one value per reported month) of one run."""
        return region_series(metrics, self.metric, self.region).to_numpy(dtype=float)


@dataclass(frozen=True)
class SurvivalOutcome:
    """Share of startups still not failed at given ages (months), a survival curve.

    For each age ``a``, the cohort is every startup founded in the reported period at least
    ``a`` months before its end; the curve is one minus the share of that cohort that failed
    before age ``a``. Exits by IPO or acquisition count as survival.

    Parameters
    ----------
    name
        Column prefix in result tables.
    ages
        Ages in months, increasing.
    region
        A region name or ``None`` for all.
    """

    name: str = "survival"
    ages: tuple[int, ...] = (12, 24, 36)
    region: str | None = None

    needs_result = True

    def __post_init__(self) -> None:
        _check_name(self.name, "SurvivalOutcome")
        ages = tuple(self.ages) if isinstance(self.ages, Sequence) else None
        if (
            not ages
            or any(isinstance(a, bool) or not isinstance(a, int | np.integer) for a in ages)
            or any(a < 1 for a in ages)
            or list(ages) != sorted(set(ages))
        ):
            raise ExperimentError(
                f"SurvivalOutcome {self.name!r}: ages must be increasing positive integers "
                f"(months), got {self.ages!r}"
            )
        object.__setattr__(self, "ages", tuple(int(a) for a in ages))

    def evaluate_result(self, result: Any) -> np.ndarray:
        """The curve of one run, from its ``orgs`` table (runs in the worker)."""
        o = result.orgs
        months = int(result.meta["months"])
        sel = (o["founded"] >= 0) & founded_here(o["origin"])
        sel &= o["kind"].isin(["startup", "sme", "listed"])
        if self.region is not None:
            sel &= o["region"] == self.region
        o = o[sel]
        out = np.full(len(self.ages), np.nan)
        failed = (o["exit"] == "failure").to_numpy()
        age_at_fail = (o["exit_month"] - o["founded"]).to_numpy()
        founded = o["founded"].to_numpy()
        weight = o["weight"].to_numpy(dtype=float)
        for i, a in enumerate(self.ages):
            cohort = founded <= months - a
            n = weight[cohort].sum()
            if n > 0:
                dead = weight[cohort & failed & (age_at_fail < a)].sum()
                out[i] = 1.0 - dead / n
        return out


Outcome = ScalarOutcome | TimeSeriesOutcome | SurvivalOutcome


def check_outcomes(outcomes: Sequence[Outcome]) -> tuple[Outcome, ...]:
    """Validate a list of outcomes: known types and unique names."""
    outs = tuple(outcomes)
    for o in outs:
        if not isinstance(o, ScalarOutcome | TimeSeriesOutcome | SurvivalOutcome):
            raise ExperimentError(
                f"expected ScalarOutcome, TimeSeriesOutcome or SurvivalOutcome, got {o!r}"
            )
    names = [o.name for o in outs]
    dup = sorted({x for x in names if names.count(x) > 1})
    if dup:
        raise ExperimentError(f"outcome names must be unique; repeated: {dup}")
    return outs


def default_outcomes() -> tuple[ScalarOutcome, ...]:
    """Run totals over all regions: the headline numbers of a comparison."""
    return (
        ScalarOutcome("foundings", "foundings"),
        ScalarOutcome("failures", "failures"),
        ScalarOutcome("ipos", "ipos"),
        ScalarOutcome("unicorns", "unicorns"),
        ScalarOutcome("patents", "patents"),
        ScalarOutcome("output", "output"),
        ScalarOutcome("startups_alive", "startups_alive", agg="last"),
        ScalarOutcome("people", "people", agg="last"),
    )
