"""Table helpers shared by ensembles, sweeps and comparisons: run totals and interval summaries.

Uncertainty is reported the same way everywhere: mean, median, the 5% and 95% quantiles of
the runs (a 90% interval of outcomes across seeds, not a confidence interval of the mean)
and ``n``, the number of runs behind the numbers.

The 5% and 95% quantiles of a handful of runs are only their range: two runs give
``[min, max]``, far narrower than where 90% of runs land. Where a table compares a model
with data from few runs (``validate --places``, ``calibrate --places``, ``data check``,
``channels``), :func:`~rainforest.metrics.bands.run_band` gives the band a single run falls
in and :func:`~rainforest.metrics.bands.share_band` a sampling interval for a share pooled
over all runs' firms.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import pandas as pd

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
