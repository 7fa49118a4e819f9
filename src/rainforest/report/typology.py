"""Typology weights: the mix of the five district models (seed 001) for each region.

Accepts a wide table (one row per region, one column per model; the region in the index or a
``region`` column) or a long one (``region``, ``model``/``type``/``typology``, ``weight``).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, base_layout, color, pct

_MODEL_COLS = ("model", "type", "typology", "kind", "district_model")
_WEIGHT_COLS = ("weight", "value", "share", "probability")


def _district_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Fold a ``scenario`` column into ``region`` (``scenario / region``) where they differ."""
    if "scenario" not in df.columns or "region" not in df.columns:
        return df.drop(columns=["label"], errors="ignore")
    sc, rg = df["scenario"].astype(str), df["region"].astype(str)
    same = sc.str.replace("-", "_") == rg.str.replace("-", "_")
    out = df.drop(columns=["scenario", "label"], errors="ignore").copy()
    out["region"] = rg.where(same, sc + " / " + rg)
    return out


def long_weights(df: pd.DataFrame) -> pd.DataFrame:
    """Typology weights as a long frame: ``region``, ``model``, ``weight``."""
    df = _district_labels(df)
    cols = set(df.columns)
    mcol = next((c for c in _MODEL_COLS if c in cols), None)
    wcol = next((c for c in _WEIGHT_COLS if c in cols), None)
    if mcol and wcol:
        out = df.rename(columns={mcol: "model", wcol: "weight"})
        if "region" not in out.columns:
            out = out.reset_index().rename(columns={out.index.name or "index": "region"})
        return out[["region", "model", "weight"]].astype({"region": str, "model": str})
    wide = df.set_index("region") if "region" in cols else df
    num = wide.select_dtypes("number")
    out = num.reset_index().melt(
        id_vars=num.index.name or "index", var_name="model", value_name="weight"
    )
    out = out.rename(columns={num.index.name or "index": "region"})
    return out.astype({"region": str, "model": str})


def typology_chart(df: pd.DataFrame) -> Chart | None:
    """Stacked horizontal bars of model weights per region (None if the table is empty)."""
    w = long_weights(df)
    if w.empty:
        return None
    models = list(pd.unique(w["model"]))
    regions = list(pd.unique(w["region"]))
    fig = go.Figure()
    for i, model in enumerate(models):
        g = w[w["model"] == model].set_index("region").reindex(regions)
        fig.add_trace(
            go.Bar(
                y=regions,
                x=g["weight"],
                orientation="h",
                name=model,
                marker={"color": color(i)},
                text=[pct(v) if pd.notna(v) and v >= 0.08 else "" for v in g["weight"]],
                textposition="inside",
            )
        )
    title = "District typology: weights of the five models"
    base_layout(fig, title, "Weight (share of the mix)", "Region", barmode="stack")
    fig.update_layout(legend={"traceorder": "normal"})
    parts = []
    for r in regions[:5]:
        g = w[w["region"] == r]
        top = g.loc[g["weight"].idxmax()]
        total = g["weight"].sum()
        parts.append(f"{r} is mostly {top['model']} ({pct(top['weight'] / total if total else 0)})")
    return Chart(title, fig, "; ".join(parts) + ".")
