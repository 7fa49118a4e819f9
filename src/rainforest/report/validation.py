"""Validation against published regularities: each model value against its published band.

Values of different kinds (survival shares, tail exponents, shares of deals) are put on one
axis as ratios to the published value, so 1 is the published figure and the grey bar is the
band counted as a match.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, base_layout, fmt


def validation_chart(table: pd.DataFrame) -> Chart | None:
    """Model vs published band per regularity (``regularity``/``key``, ``published``, ``low``,
    ``high``, ``model``, optional ``model_lo``, ``model_hi``, ``inside``); None otherwise."""
    need = {"published", "low", "high", "model"}
    if not need <= set(table.columns) or table.empty:
        return None
    t = table[table["published"].astype(float) != 0].copy()
    name_col = "regularity" if "regularity" in t.columns else ("key" if "key" in t else None)
    names = [str(x) for x in (t[name_col] if name_col else t.index)]
    p = t["published"].astype(float)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=names,
            x=(t["high"] - t["low"]) / p,
            base=t["low"] / p,
            orientation="h",
            marker={"color": "rgba(120,120,120,0.25)"},
            name="published band",
            hoverinfo="skip",
        )
    )
    err = None
    if {"model_lo", "model_hi"} <= set(t.columns):
        err = {
            "type": "data",
            "symmetric": False,
            "array": ((t["model_hi"] - t["model"]) / p).abs().fillna(0).tolist(),
            "arrayminus": ((t["model"] - t["model_lo"]) / p).abs().fillna(0).tolist(),
        }
    inside = (
        t["inside"]
        if "inside" in t.columns
        else (t["model"] >= t["low"]) & (t["model"] <= t["high"])
    )
    fig.add_trace(
        go.Scatter(
            x=t["model"] / p,
            y=names,
            mode="markers",
            marker={"size": 10, "color": ["#009E73" if i else "#D55E00" for i in inside]},
            error_x=err,
            name="model (90% over runs)",
        )
    )
    fig.add_vline(x=1.0, line={"dash": "dot", "color": "#555"})
    title = "Model against published regularities"
    base_layout(
        fig,
        title,
        "Value relative to the published figure (1 = published)",
        "Regularity",
        height=max(340, 80 + 34 * len(names)),
    )
    fig.update_yaxes(autorange="reversed")
    n_in = int(pd.Series(inside).sum())
    worst = ""
    if n_in < len(t):
        off = (t["model"] / p - 1).abs()
        j = int(off.to_numpy().argmax())
        model, pub = fmt(float(t["model"].iloc[j])), fmt(float(p.iloc[j]))
        worst = f"; furthest off: {names[j]} ({model} vs {pub})"
    reading = f"{n_in} of {len(t)} regularities fall inside their published band{worst}."
    return Chart(title, fig, reading)
