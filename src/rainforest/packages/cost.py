"""Cost to government: public spending by instrument, cost-effectiveness and the gap closed.

Why: "how much of the gap would close" is half the question an official asks; the other half is
"at what cost". Every run reports public spending by instrument (the ``public_*`` metrics of
M17 and M10's ``subsidies_paid``, million yuan a month; see
:mod:`rainforest.mechanisms.m17_instruments` for what each counts). A what-if pairs runs by
seed, so per replicate the extra spending and the extra outcome are known, and the cost of one
more founding (high-growth firm, yuan of output) is the ratio of their means over replicates,
with a 90% percentile-bootstrap interval (as :mod:`rainforest.explain.stats`). When the outcome's
change is not clearly positive (its bootstrap resamples cross zero), the ratio has no finite
upper bound and the interval says so (``hi = inf``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rainforest import registry
from rainforest.mechanisms.m17_instruments import COSTS, SUBSIDIES, TOTAL

#: Bootstrap resamples and interval level (as in :mod:`rainforest.explain.stats`, which this
#: module does not import: explain's what-if imports this one).
RESAMPLES = 2000
LEVEL = 0.90

#: Outcomes whose cost per extra unit a what-if reports, with the unit of "one more".
PER: dict[str, str] = {
    "foundings": "founding",
    "high_growth": "high-growth firm",
    "output": "million yuan of output",
}


def instruments() -> list[str]:
    """Public-cost metrics by instrument, M10's cash subsidies first."""
    return [SUBSIDIES, *(name for name, *_ in COSTS)]


def public_cost(result: Any, region: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Public spending of one run by instrument over the reported period (million yuan).

    Columns: instrument (metric name), label, total, per_year (total / reported years), share
    (of all public spending). Rows with no spending are dropped; the last row is the total.
    """
    m = result.metrics
    if region is not None:
        m = m[m["region"] == region]
    years = max(m["month"].nunique() / 12.0, 1e-9)
    rows = []
    for name in instruments():
        if name not in m.columns:
            continue
        total = float(m[name].sum())
        if total > 0:
            rows.append({"instrument": name, "label": registry.label(name, lang), "total": total})
    all_ = float(m[TOTAL].sum()) if TOTAL in m.columns else sum(r["total"] for r in rows)
    rows.append({"instrument": TOTAL, "label": registry.label(TOTAL, lang), "total": all_})
    df = pd.DataFrame(rows)
    df["per_year"] = df["total"] / years
    df["share"] = df["total"] / all_ if all_ else np.nan
    return df


def ratio_interval(
    num: np.ndarray,
    den: np.ndarray,
    rng: np.random.Generator,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> tuple[float, float, float]:
    """``mean(num) / mean(den)`` over paired replicates and a percentile-bootstrap interval.

    A mean denominator that is not positive (no extra outcome, or a loss) gives NaN: there is no
    cost per unit. If the denominator's resampled mean is not positive in more than
    ``(1 - level) / 2`` of resamples, the upper bound is ``inf`` (the extra outcome may be nil:
    any cost per unit is possible); the lower bound comes from resamples with a positive one.
    """
    num = np.asarray(num, float)
    den = np.asarray(den, float)
    d = den.mean() if den.size else np.nan
    if not d > 0:  # no extra outcome on average (or a loss): no cost per unit
        return np.nan, np.nan, np.nan
    ratio = num.mean() / d
    if num.size < 2:
        return ratio, np.nan, np.nan
    idx = rng.integers(0, num.size, size=(resamples, num.size))
    dm = den[idx].mean(axis=1)
    nm = num[idx].mean(axis=1)
    ok = dm > 0
    a = (1.0 - level) / 2.0
    if not ok.any():
        return ratio, np.nan, np.inf
    r = nm[ok] / dm[ok]
    lo = float(np.quantile(r, a))
    hi = float(np.quantile(r, 1 - a)) if ok.mean() >= 1 - a else np.inf
    return ratio, lo, hi


def cost_effectiveness(per_run: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Extra public spending per extra unit of each outcome of :data:`PER`, from a what-if's
    per-replicate differences (``per_run``: outcome, year, replicate, difference; the whole
    period is ``year`` missing or -1).

    Columns: outcome, unit, extra_cost (mean extra spending, million yuan), extra_outcome (mean),
    cost_per_unit (million yuan per one more), lo, hi (90% interval), n.
    """
    year = pd.to_numeric(per_run["year"], errors="coerce")
    whole = per_run[year.isna() | (year < 0)]
    cost = whole[whole["outcome"] == TOTAL].set_index("replicate")["difference"]
    rows = []
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xC057]))
    for out, unit in PER.items():
        d = whole[whole["outcome"] == out].set_index("replicate")["difference"]
        both = pd.concat([cost.rename("cost"), d.rename("out")], axis=1).dropna()
        if both.empty:
            continue
        ratio, lo, hi = ratio_interval(both["cost"].to_numpy(), both["out"].to_numpy(), rng)
        rows.append(
            {
                "outcome": out,
                "unit": unit,
                "extra_cost": float(both["cost"].mean()),
                "extra_outcome": float(both["out"].mean()),
                "cost_per_unit": ratio,
                "lo": lo,
                "hi": hi,
                "n": len(both),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "outcome",
            "unit",
            "extra_cost",
            "extra_outcome",
            "cost_per_unit",
            "lo",
            "hi",
            "n",
        ],
    )


def gap_closed(
    baseline: pd.Series, changed: pd.Series, model: pd.Series, seed: int = 0
) -> tuple[float, float, float]:
    """Share of the gap to ``model`` that the change closes: ``mean(changed - baseline) /
    mean(model - baseline)`` over paired replicates (indexed by replicate), with a 90% interval
    (:func:`ratio_interval`; a gap that is not clearly positive gives ``inf`` bounds)."""
    both = pd.concat(
        [baseline.rename("b"), changed.rename("c"), model.rename("m")], axis=1
    ).dropna()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x6A9]))
    return ratio_interval(
        (both["c"] - both["b"]).to_numpy(), (both["m"] - both["b"]).to_numpy(), rng
    )
