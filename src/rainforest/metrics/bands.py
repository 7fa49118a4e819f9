"""Where a single run lands, from a few runs: the band the model-vs-data tables print.

Why: the 5% and 95% quantiles of a handful of runs are only their range (two runs give
``[min, max]``), far narrower than where 90% of runs land, so a table that set two runs
beside data looked surer than it was. :func:`run_band` reads the runs' quantiles from
:data:`MIN_EMPIRICAL` runs on and, below, gives the prediction interval of one more run
(Student's t); :func:`share_band` gives a share pooled over all runs' firms, which has one
value and no spread over runs, its sampling interval (Wilson's score interval).
``tests/test_bands.py`` checks their coverage by simulation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

#: fewest runs whose 5% and 95% quantiles :func:`run_band` reads directly
MIN_EMPIRICAL = 20


#: the range a share cannot leave (``run_band(..., within=SHARE)``)
SHARE = (0.0, 1.0)


def run_band(
    values: Sequence[float] | np.ndarray,
    level: float = 0.9,
    positive: bool = False,
    within: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """Interval a single run falls in with chance ``level``, from the runs' ``values``.

    From :data:`MIN_EMPIRICAL` runs on, the runs' own quantiles. Below, the quantiles of a
    few runs are their range (two runs: ``[min, max]``), so the band is the prediction
    interval of one more run, ``mean ± t(n−1) · s · √(1 + 1/n)``, taking runs as normal
    (Student's t with n − 1 degrees of freedom; ``s`` the runs' standard deviation). A
    ``positive`` quantity (a count, a level) is taken as log-normal: the same interval of the
    logs, turned back (with a zero among the runs, the linear one cut at 0). One finite value
    gives no band (NaN, NaN); identical values give a band of width 0. ``within``: the range
    the quantity cannot leave (``(0, 1)`` for a share), the band cut to it.

    >>> [round(x, 3) for x in run_band([1.0, 3.0])]  # two runs: far wider than their range
    [-8.936, 12.936]
    """
    lo, hi = _band(values, level, positive)
    if within is not None:
        lo, hi = max(lo, within[0]), min(hi, within[1])
    return lo, hi


def _band(values, level: float, positive: bool) -> tuple[float, float]:
    """:func:`run_band` before it is cut to a range."""
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
