"""Survival curves: the fraction of firms founded during a run that are still alive, by age.

A Kaplan–Meier estimate over the firms founded in the reported period (month 0 on; firms of
the warm-up are left out, as are the firms a scenario starts with): a failure is an event;
firms still alive at the end, or gone by IPO or acquisition, are censored at their last
observed age. Reference points are the US establishment survival rates (BLS Business
Employment Dynamics: ~80% at 1 year, ~66% at 2, ~50% at 5, ~35% at 10).

References
----------
Knaup, A. E. (2005). Survival and longevity in the Business Employment Dynamics data.
Monthly Labor Review, May 2005, 50–56.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, base_layout, color, fmt, pct

#: (age in years, share surviving) of new US establishments (BLS BED).
BLS_SURVIVAL = ((1, 0.80), (2, 0.66), (5, 0.50), (10, 0.35))

#: Fewest simulated firms still observed for a point of the curve to be drawn.
MIN_AT_RISK = 5

#: Organisation kinds that are not founded by people during a run.
INSTITUTIONS = ("university", "facility", "anchor", "incumbent", "state")


def founded_during_run(res: Any) -> pd.DataFrame:
    """Firms founded in the reported period (month 0 on: not the warm-up's firms, whose
    failures before month 0 are not reported), with ``age`` and ``failed`` columns.

    ``age`` is in months: to failure, exit or the end of the run.
    """
    o = res.orgs
    meta = getattr(res, "meta", {}) or {}
    months = int(meta.get("months", int(res.metrics["month"].max()) + 1))
    sel = (o["founded"] >= 0) & ~o["kind"].astype(str).isin(INSTITUTIONS)
    if "weight" in o.columns:
        sel &= o["weight"] > 0
    f = o.loc[sel].copy()
    exit_ = f["exit"].astype(str)
    gone = exit_ != "none"
    end = np.where(gone & (f["exit_month"] >= 0), f["exit_month"], months)
    f["age"] = np.maximum(end - f["founded"], 0).astype(float)
    f["failed"] = exit_ == "failure"
    return f


def kaplan_meier(
    age: np.ndarray,
    failed: np.ndarray,
    weight: np.ndarray | None = None,
    min_at_risk: int = MIN_AT_RISK,
):
    """Kaplan–Meier survival: ``(ages, survival)`` as step points starting at (0, 1).

    The curve stops at the last age at which at least ``min_at_risk`` firms are observed
    (beyond it one failure moves the estimate by a large step).
    """
    age = np.asarray(age, float)
    failed = np.asarray(failed, bool)
    w = np.ones_like(age) if weight is None else np.asarray(weight, float)
    if age.size == 0:
        return np.array([0.0]), np.array([1.0])
    ordered = np.sort(age)[::-1]
    horizon = float(ordered[min(min_at_risk, ordered.size) - 1])
    times = np.unique(age[failed & (age <= horizon)])
    s, xs, ys = 1.0, [0.0], [1.0]
    for t in times:
        at_risk = w[age >= t].sum()
        deaths = w[(age == t) & failed].sum()
        if at_risk > 0:
            s *= 1.0 - deaths / at_risk
        xs.append(float(t))
        ys.append(s)
    xs.append(horizon)
    ys.append(s)
    return np.array(xs), np.array(ys)


def survival_at(xs: np.ndarray, ys: np.ndarray, t: float) -> float:
    """Survival at age ``t`` from step points (NaN beyond the last observed age)."""
    if t > xs[-1]:
        return float("nan")
    return float(ys[np.searchsorted(xs, t, side="right") - 1])


def survival_chart(res: Any) -> Chart | None:
    """Survival by age of the firms a run founded, per region and overall (None if none)."""
    f = founded_during_run(res)
    if f.empty:
        return None
    fig = go.Figure()
    groups: list[tuple[str, pd.DataFrame]] = []
    regions = list(pd.unique(f["region"].astype(str)))
    if len(regions) > 1:
        groups += [(r, f[f["region"].astype(str) == r]) for r in regions]
    groups.append(("all regions", f))
    curves = {}
    for i, (name, g) in enumerate(groups):
        w = g["weight"].to_numpy() if "weight" in g else None
        xs, ys = kaplan_meier(g["age"].to_numpy(), g["failed"].to_numpy(), w)
        curves[name] = (xs, ys)
        fig.add_trace(
            go.Scatter(
                x=xs / 12.0,
                y=ys,
                mode="lines",
                line={"shape": "hv", "width": 3 if name == "all regions" else 2, "color": color(i)},
                name=f"{name} ({len(g)} simulated firms)",
            )
        )
    longest = max(float(c[0][-1]) for c in curves.values()) / 12.0
    ref = [(a, v) for a, v in BLS_SURVIVAL if a <= longest + 1.0] or list(BLS_SURVIVAL[:1])
    bx, by = zip(*ref, strict=True)
    fig.add_trace(
        go.Scatter(
            x=bx,
            y=by,
            mode="markers",
            marker={"symbol": "diamond-open", "size": 10, "color": "#555"},
            name="US new establishments (BLS)",
        )
    )
    title = "Survival of firms founded in the reported period"
    base_layout(fig, title, "Age (years)", "Fraction surviving (share)")
    fig.update_yaxes(range=[0, 1.05])
    xs, ys = curves["all regions"]
    horizon = 12.0 if xs[-1] >= 12 else xs[-1]
    s = survival_at(xs, ys, horizon)
    weight = f["weight"].sum() if "weight" in f else len(f)
    bls = " (BLS: about 80%)" if horizon == 12.0 else " (the longest age observed)"
    text = (
        f"Of about {fmt(weight)} firms founded in the reported period (warm-up firms left "
        f"out), {pct(s)} survive to age "
        f"{fmt(horizon / 12.0, 2)} year{'' if horizon == 12.0 else 's'}{bls}; "
        f"{int(f['failed'].sum())} of "
        f"{len(f)} simulated firms failed."
    )
    return Chart(
        title, fig, text, note="Kaplan–Meier estimate; exits by IPO or acquisition are censored."
    )


def survival_table_chart(df: pd.DataFrame) -> Chart | None:
    """Survival by age from a tidy table (``age`` in years, ``survival``, optional ``bls``,
    ``scenario``, ``region``), as a diagnosis gives it; None if empty."""
    if not {"age", "survival"} <= set(df.columns) or df["survival"].isna().all():
        return None
    keys = [c for c in ("scenario", "region") if c in df.columns]
    if "region" in df.columns and df["region"].astype(str).nunique() > 1:
        df = df[~df["region"].astype(str).str.lower().isin(["all", "total", "(total)"])]
    fig = go.Figure()
    groups = df.groupby(keys, sort=False) if keys else [((), df)]
    last = []
    for i, (key, g) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        name = " / ".join(dict.fromkeys(str(k) for k in key)) or "run"
        g = g.dropna(subset=["survival"]).sort_values("age")
        fig.add_trace(
            go.Scatter(
                x=[0, *g["age"]],
                y=[1.0, *g["survival"]],
                mode="lines+markers",
                line={"color": color(i)},
                name=name,
            )
        )
        one = g[g["age"] == 1]
        if len(one):
            last.append(f"{name} {pct(float(one['survival'].iloc[0]))}")
    bx, by = zip(*BLS_SURVIVAL, strict=True)
    fig.add_trace(
        go.Scatter(
            x=bx,
            y=by,
            mode="markers",
            marker={"symbol": "diamond-open", "size": 10, "color": "#555"},
            name="US new establishments (BLS)",
        )
    )
    title = "Survival by age of firms founded during the run"
    base_layout(fig, title, "Age (years)", "Fraction surviving (share)")
    fig.update_yaxes(range=[0, 1.05])
    reading = (
        "Share surviving their first year: " + "; ".join(last) + " (BLS: about 80%)."
        if last
        else "No cohort is old enough to measure survival."
    )
    return Chart(title, fig, reading)
