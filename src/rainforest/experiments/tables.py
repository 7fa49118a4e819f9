"""Table helpers shared by ensembles, sweeps and comparisons: run totals and interval summaries.

Uncertainty is reported the same way everywhere: mean, median, the 5% and 95% quantiles of
the runs (a 90% interval of outcomes across seeds, not a confidence interval of the mean)
and ``n``, the number of runs behind the numbers.

The 5% and 95% quantiles of a handful of runs are only their range: two runs give
``[min, max]``, far narrower than where 90% of runs land. Where a table compares a model
with data from few runs (``validate --places``, ``calibrate --places``), :func:`run_band`
gives the band a single run falls in, from the runs' mean and spread (Student's t) below
:data:`MIN_EMPIRICAL` runs, and :func:`share_band` a sampling interval for a share pooled
over all runs' firms (Wilson's score interval).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy import stats

from rainforest.result import Result

SUMMARY_COLUMNS = ("mean", "median", "q05", "q95", "n")
_SEP = "\x1f"


def describe(df: pd.DataFrame, by: Sequence[str], values: Sequence[str]) -> pd.DataFrame:
    """Long table: ``by`` columns, ``metric``, then mean, median, q05, q95, n over rows."""
    long = df.melt(id_vars=list(by), value_vars=list(values), var_name="metric")
    g = long.groupby([*by, "metric"], sort=True, observed=True)["value"]
    out = pd.DataFrame(
        {
            "mean": g.mean(),
            "median": g.median(),
            "q05": g.quantile(0.05),
            "q95": g.quantile(0.95),
            "n": g.count(),
        }
    )
    return out.reset_index()


#: fewest runs whose 5% and 95% quantiles :func:`run_band` reads directly
MIN_EMPIRICAL = 20


def run_band(
    values: Sequence[float] | np.ndarray, level: float = 0.9, positive: bool = False
) -> tuple[float, float]:
    """Interval a single run falls in with chance ``level``, from the runs' ``values``.

    From :data:`MIN_EMPIRICAL` runs on, the runs' own quantiles. Below, the quantiles of a
    few runs are their range (two runs: ``[min, max]``), so the band is the prediction
    interval of one more run, ``mean ± t(n−1) · s · √(1 + 1/n)``, taking runs as normal
    (Student's t with n − 1 degrees of freedom; ``s`` the runs' standard deviation). A
    ``positive`` quantity (a count, a level) is taken as log-normal: the same interval of the
    logs, turned back (with a zero among the runs, the linear one cut at 0). One finite value
    gives no band (NaN, NaN); identical values give a band of width 0.

    >>> [round(x, 3) for x in run_band([1.0, 3.0])]  # two runs: far wider than their range
    [-8.936, 12.936]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n >= MIN_EMPIRICAL:
        lo, hi = np.quantile(v, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
        return float(lo), float(hi)
    if n < 2:
        return math.nan, math.nan
    logs = positive and bool(np.all(v > 0))
    x = np.log(v) if logs else v
    half = float(stats.t.ppf((1.0 + level) / 2.0, n - 1)) * float(x.std(ddof=1))
    half *= math.sqrt(1.0 + 1.0 / n)
    mean = float(x.mean())
    if logs:
        lo, hi = math.exp(min(mean - half, 700.0)), math.exp(min(mean + half, 700.0))
    else:
        lo, hi = (max(mean - half, 0.0) if positive else mean - half), mean + half
    return min(lo, float(v.min())), max(hi, float(v.max()))  # the runs seen lie inside


def share_band(k: float, n: float, level: float = 0.9) -> tuple[float, float]:
    """Wilson score interval of a share ``k / n`` pooled over ``n`` firms (or cohorts) of all
    runs: the sampling uncertainty of a pooled share, which has no spread over runs to read.
    NaN when ``n`` is 0.

    >>> [round(x, 3) for x in share_band(42, 100)]
    [0.342, 0.502]
    """
    if n <= 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf((1.0 + level) / 2.0))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def run_totals(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per run and region: :meth:`rainforest.result.Result.totals` of each run.

    ``Result.totals`` sums flows per region and takes stocks at the last month; applying it
    once to all runs of a design point, with the region relabelled ``run_id + region``, gives
    every run's totals in one vectorised pass with exactly the same definitions.
    """
    ids = [c for c in ("run_id", "point", "replicate", "seed") if c in metrics.columns]
    frames = []
    for _, m in metrics.groupby("point", sort=True):
        keyed = m.assign(region=m["run_id"].astype(str) + _SEP + m["region"].astype(str))
        t = Result.totals(SimpleNamespace(metrics=keyed)).reset_index()
        split = t["region"].str.split(_SEP, n=1, expand=True)
        t.insert(0, "run_id", split[0])
        t["region"] = split[1]
        frames.append(t)
    if not frames:
        return pd.DataFrame(columns=[*ids, "region"])
    tot = pd.concat(frames, ignore_index=True)
    keys = metrics[ids].drop_duplicates("run_id")
    tot = keys.merge(tot, on="run_id", how="right")
    cols = [*ids, "region", *[c for c in tot.columns if c not in (*ids, "region")]]
    return tot[cols].sort_values(["point", "replicate", "region"]).reset_index(drop=True)


def interval_text(mean: float, q05: float, q95: float, digits: int = 1) -> str:
    """``"12.3 [10.1, 14.0]"`` with thousands separators."""
    fmt = f"{{:,.{digits}f}}"
    return f"{fmt.format(mean)} [{fmt.format(q05)}, {fmt.format(q95)}]"
