"""Outcomes side by side: one small panel per outcome, scenarios on the x axis, the mean over
runs with its 90% interval (5th to 95th percentile) and the median in the hover text — the same
statistic the command line prints. Axes start at zero for counts, so no gap is exaggerated.

Reads a tidy table with ``scenario``, ``outcome`` (or ``metric``), ``median`` or ``mean``,
``q05`` and ``q95`` — the shape of ``Comparison.table()``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rainforest.report._common import (
    FONT_STACK,
    Chart,
    color,
    fmt,
    metric_label,
    metric_unit,
    pct,
)


def total_unit(outcome: str) -> str:
    """Unit of a run total: a flow's unit without ``/month``."""
    return metric_unit(outcome).replace("/month", "")


def outcome_chart(table: pd.DataFrame, max_panels: int = 8) -> Chart | None:
    """Small multiples of outcomes by scenario with 90% intervals (None if not that shape)."""
    t = table.rename(columns={"metric": "outcome"})
    need = {"scenario", "outcome", "q05", "q95"}
    if not need <= set(t.columns) or t.empty:
        return None
    centre = "mean" if "mean" in t.columns else "median"
    outcomes = list(pd.unique(t["outcome"].astype(str)))[:max_panels]
    scenarios = list(pd.unique(t["scenario"].astype(str)))
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = math.ceil(len(outcomes) / ncols)
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=[metric_label(o) for o in outcomes],
        vertical_spacing=min(0.12, 0.5 / max(nrows, 1)) if nrows > 1 else 0.1,
    )
    for k, outcome in enumerate(outcomes):
        row, col = k // ncols + 1, k % ncols + 1
        g = t[t["outcome"].astype(str) == outcome]
        g = g.set_index(g["scenario"].astype(str)).reindex(scenarios)
        for i, sc in enumerate(scenarios):
            r = g.loc[sc]
            fig.add_trace(
                go.Scatter(
                    x=[sc],
                    y=[r[centre]],
                    mode="markers",
                    marker={"size": 10, "color": color(i)},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": [max(r["q95"] - r[centre], 0)],
                        "arrayminus": [max(r[centre] - r["q05"], 0)],
                    },
                    name=sc,
                    legendgroup=sc,
                    showlegend=k == 0,
                    hovertemplate=(
                        f"{sc}<br>{centre} %{{y:,.4g}}<br>90%: {fmt(r['q05'])} – {fmt(r['q95'])}"
                        + (f"<br>median {fmt(r['median'])}" if "median" in g.columns else "")
                        + "<extra></extra>"
                    ),
                ),
                row=row,
                col=col,
            )
        unit = total_unit(outcome)
        fig.update_yaxes(title_text=unit or "value", row=row, col=col)
        if (g["q05"].dropna() >= 0).all():
            fig.update_yaxes(rangemode="tozero", row=row, col=col)
        fig.update_xaxes(title_text="Scenario", row=row, col=col)
    title = f"Outcomes by scenario ({centre} over runs, 90% interval)"
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="plotly_white",
        height=260 * nrows + 100,
        margin={"l": 70, "r": 20, "t": 80, "b": 60},
        legend={"orientation": "h", "y": -0.08},
        font={"family": FONT_STACK, "size": 12},
    )
    parts = []
    for outcome in outcomes:
        g = t[t["outcome"].astype(str) == outcome]
        if g.empty or g[centre].max() == g[centre].min() or len(parts) >= 3:
            continue
        best = g.loc[g[centre].idxmax()]
        u = f" {total_unit(outcome)}" if total_unit(outcome) else ""
        others = ", ".join(
            f"{r['scenario']} {fmt(r[centre])}"
            for _, r in g.iterrows()
            if r is not best and r["scenario"] != best["scenario"]
        )
        parts.append(
            f"most {metric_label(outcome).lower()}: {best['scenario']} ({fmt(best[centre])}{u}"
            + (f" vs {others})" if others else ")")
        )
    text = "; ".join(parts)
    names = ", ".join(metric_label(o).lower() for o in outcomes)
    reading = (
        f"{text[0].upper()}{text[1:]}." if text else f"The scenarios do not differ in {names}."
    )
    return Chart(title, fig, reading)


#: Correlation Ventures: share of financings by multiple (about 21,000 deals, 2004-13).
MULTIPLES_SOURCE = "Correlation Ventures, ~21,000 financings 2004–13"


def multiples_chart(df: pd.DataFrame) -> Chart | None:
    """Realised venture multiples by bucket against the reference (``bucket``, ``share``,
    optional ``reference`` and ``scenario``); None if no round has been realised."""
    if not {"bucket", "share"} <= set(df.columns) or df["share"].fillna(0).sum() <= 0:
        return None
    fig = go.Figure()
    buckets = list(pd.unique(df["bucket"].astype(str)))
    groups = df.groupby("scenario", sort=False) if "scenario" in df.columns else [("run", df)]
    for i, (name, g) in enumerate(groups):
        g = g.set_index(g["bucket"].astype(str)).reindex(buckets)
        fig.add_trace(go.Bar(x=buckets, y=g["share"], name=str(name), marker={"color": color(i)}))
    if "reference" in df.columns:
        ref = df.drop_duplicates("bucket").set_index(
            df.drop_duplicates("bucket")["bucket"].astype(str)
        )
        fig.add_trace(
            go.Scatter(
                x=buckets,
                y=ref["reference"].reindex(buckets),
                mode="markers",
                marker={"symbol": "diamond-open", "size": 12, "color": "#333"},
                name="reference (Correlation Ventures)",
            )
        )
    title = "Venture outcomes: realised multiples of investment rounds"
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="plotly_white",
        height=360,
        barmode="group",
        legend={"orientation": "h", "y": -0.2},
        font={"family": FONT_STACK, "size": 12},
    )
    fig.update_xaxes(title_text="Multiple (proceeds / amount invested)")
    fig.update_yaxes(title_text="Share of realised rounds (share)")
    lo, hi = buckets[0], buckets[-1]
    parts = []
    for name, g in list(
        df.groupby("scenario", sort=False) if "scenario" in df.columns else [("", df)]
    )[:3]:
        share = g.set_index(g["bucket"].astype(str))["share"]
        prefix = f"{name}: " if name else ""
        parts.append(
            f"{prefix}{pct(share.get(lo))} of realised rounds at {lo}, {pct(share.get(hi))} at {hi}"
        )
    ref = ""
    if "reference" in df.columns:
        r = df.drop_duplicates("bucket").set_index(
            df.drop_duplicates("bucket")["bucket"].astype(str)
        )
        ref = f" (reference: {pct(r['reference'].get(lo))} and {pct(r['reference'].get(hi))})"
    reading = "; ".join(parts) + ref + "."
    return Chart(title, fig, reading, note=f"Reference: {MULTIPLES_SOURCE}.")


def effects_chart(table: pd.DataFrame, changes: dict | None = None) -> Chart | None:
    """Effects of a change on each outcome (``outcome``, ``difference``, ``lo``, ``hi``,
    optional ``year``, ``baseline``, ``relative``): the whole-period rows as bars with 90%
    intervals, in % of the baseline when given; None if the table has no such rows."""
    need = {"outcome", "difference"}
    if not need <= set(table.columns) or table.empty:
        return None
    t = table
    if "year" in t.columns:
        t = t[t["year"].isna()] if t["year"].isna().any() else t[t["year"] == t["year"].max()]
    if t.empty:
        return None
    relative = "relative" in t.columns and t["relative"].notna().any()
    if relative:
        y = 100.0 * t["relative"].astype(float)
        base = t["baseline"].replace(0, float("nan")).astype(float) if "baseline" in t else None
        lo = 100.0 * t["lo"] / base if base is not None and "lo" in t else None
        hi = 100.0 * t["hi"] / base if base is not None and "hi" in t else None
        x_title = "Change from the baseline (%)"
    else:
        y = t["difference"].astype(float)
        lo, hi = t.get("lo"), t.get("hi")
        x_title = "Change from the baseline (outcome units)"
    err = None
    if lo is not None and hi is not None:
        err = {
            "type": "data",
            "symmetric": False,
            "array": (hi - y).abs().fillna(0).tolist(),
            "arrayminus": (y - lo).abs().fillna(0).tolist(),
        }
    names = [metric_label(str(o)) for o in t["outcome"]]
    fig = go.Figure(
        go.Bar(
            x=y,
            y=names,
            orientation="h",
            error_x=err,
            marker={"color": ["#009E73" if v >= 0 else "#D55E00" for v in y.fillna(0)]},
            name="effect",
        )
    )
    what = ", ".join(f"{k} = {v}" for k, v in (changes or {}).items()) or "the change"
    title = "Effect of the change on each outcome (90% interval)"
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="plotly_white",
        height=max(320, 60 + 36 * len(names)),
        margin={"l": 160, "r": 20, "t": 60, "b": 60},
        font={"family": FONT_STACK, "size": 12},
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text="Outcome", autorange="reversed")
    k = int(y.abs().fillna(0).to_numpy().argmax())
    unit = "%" if relative else ""
    reading = (
        f"With {what}, the largest effect is on {names[k].lower()}: {fmt(float(y.iloc[k]))}{unit}."
    )
    return Chart(title, fig, reading)
