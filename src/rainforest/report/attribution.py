"""Attribution waterfalls: how much of the gap between two scenarios each lever group explains.

Reads an explanation object by its attributes: ``attribution`` (a DataFrame with ``group``,
``value``, ``lo``, ``hi``) and ``total_gap``; optional ``metric`` (the outcome compared),
``unit``, and the two scenario names as ``a``/``b`` (or ``scenario``/``vs``). A gap not covered
by the groups' sum is shown as an interaction / residual bar.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import (
    Chart,
    Table,
    base_layout,
    fmt,
    metric_label,
    metric_unit,
    pct,
)


def _name(obj: Any, *attrs: str) -> str | None:
    for a in attrs:
        v = getattr(obj, a, None)
        if v is None:
            continue
        if isinstance(v, str):
            return v
        n = getattr(v, "name", None)
        if isinstance(n, str):
            return n
    return None


def describe(expl: Any) -> dict[str, str]:
    """Metric label, unit and the two scenario names of an explanation (best effort)."""
    metric = _name(expl, "metric", "outcome", "target") or "outcome"
    unit = getattr(expl, "unit", None) or metric_unit(metric).replace("/month", "")
    a = _name(expl, "a", "scenario", "scenario_a", "name_a") or "A"
    b = _name(expl, "b", "vs", "scenario_b", "name_b") or "B"
    return {"metric": metric, "label": metric_label(metric), "unit": unit, "a": a, "b": b}


def attribution_frame(expl: Any) -> pd.DataFrame:
    """The attribution table with a ``share`` of the total gap and a residual row if needed."""
    att = expl.attribution
    if not isinstance(att, pd.DataFrame) or not {"group", "value"} <= set(att.columns):
        raise TypeError("an explanation's attribution must be a DataFrame with group and value")
    df = att.copy()
    for c in ("lo", "hi"):
        if c not in df.columns:
            df[c] = np.nan
    total = float(expl.total_gap)
    residual = total - float(df["value"].sum())
    if abs(residual) > 1e-9 * max(1.0, abs(total)):
        df = pd.concat(
            [
                df,
                pd.DataFrame(
                    [
                        {
                            "group": "interaction / residual",
                            "value": residual,
                            "lo": np.nan,
                            "hi": np.nan,
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    df["share"] = df["value"] / total if total else np.nan
    return df[
        ["group", "value", "lo", "hi", "share"]
        + [c for c in df.columns if c not in ("group", "value", "lo", "hi", "share")]
    ]


def _group_names(df: pd.DataFrame) -> list[str]:
    """Display names of lever groups: their ``label`` where given, else the group id."""
    labels = df["label"] if "label" in df.columns else pd.Series([None] * len(df), index=df.index)
    return [
        str(lab) if isinstance(lab, str) and lab else str(g)
        for g, lab in zip(df["group"], labels, strict=True)
    ]


def waterfall_chart(expl: Any) -> Chart:
    """A waterfall from 0 to the total gap, one bar per lever group, with 90% intervals."""
    d = describe(expl)
    df = attribution_frame(expl)
    total = float(expl.total_gap)
    groups = _group_names(df)
    fig = go.Figure(
        go.Waterfall(
            x=[*groups, "total gap"],
            y=[*df["value"].astype(float).tolist(), total],
            measure=["relative"] * len(groups) + ["total"],
            connector={"line": {"color": "#999", "dash": "dot"}},
            increasing={"marker": {"color": "#009E73"}},
            decreasing={"marker": {"color": "#D55E00"}},
            totals={"marker": {"color": "#0072B2"}},
            name="contribution",
            text=[fmt(v) for v in df["value"]] + [fmt(total)],
            textposition="outside",
        )
    )
    ends = np.cumsum(df["value"].astype(float).to_numpy())
    has_ci = df["lo"].notna() & df["hi"].notna()
    if has_ci.any():
        lo = (df["value"] - df["lo"]).where(has_ci).abs()
        hi = (df["hi"] - df["value"]).where(has_ci).abs()
        fig.add_trace(
            go.Scatter(
                x=[g for g, ok in zip(groups, has_ci, strict=True) if ok],
                y=ends[has_ci.to_numpy()],
                mode="markers",
                marker={"size": 1, "color": "#333"},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": hi[has_ci].tolist(),
                    "arrayminus": lo[has_ci].tolist(),
                    "color": "#333",
                    "thickness": 1.5,
                    "width": 6,
                },
                name="90% interval",
            )
        )
    title = f"Attribution of the gap in {d['label'].lower()}: {d['a']} vs {d['b']}"
    unit = f" {d['unit']}" if d["unit"] else ""
    base_layout(fig, title, "Lever group", f"Contribution to the gap ({d['unit'] or 'units'})")
    main = df[df["group"] != "interaction / residual"]
    if total == 0 and main["value"].abs().sum() == 0:
        text = (
            f"{d['a']} and {d['b']} do not differ in {d['label'].lower()} in these runs, so "
            "there is no gap to attribute (try more years, runs or a finer scale)."
        )
    elif main.empty:
        text = f"The total gap is {fmt(total)}{unit}; no lever group is attributed."
    else:
        top = main.loc[main["value"].abs().idxmax()]
        ci = ""
        if pd.notna(top["lo"]) and pd.notna(top["hi"]):
            ci = f", 90% interval {fmt(top['lo'])} to {fmt(top['hi'])}"
        text = (
            f"Of a total gap of {fmt(total)}{unit} ({d['a']} − {d['b']}), {top['group']} accounts "
            f"for {fmt(top['value'])} ({pct(top['value'] / total) if total else 'n/a'}{ci}), "
            "the largest lever group."
        )
    return Chart(title, fig, text)


def attribution_table(expl: Any) -> Table:
    """The attribution as a table (value, 90% interval, share of the gap)."""
    d = describe(expl)
    df = attribution_frame(expl)
    out = pd.DataFrame(
        {
            "lever group": df["group"],
            f"contribution ({d['unit']})" if d["unit"] else "contribution": df["value"].round(3),
            "90% interval": [
                f"{fmt(lo)} – {fmt(hi)}" if pd.notna(lo) and pd.notna(hi) else ""
                for lo, hi in zip(df["lo"], df["hi"], strict=True)
            ],
            "share of gap": [pct(s) for s in df["share"]],
        }
    )
    return Table(
        "Attribution table",
        out,
        reading=f"Total gap: {fmt(float(expl.total_gap))} {d['unit']}".rstrip() + ".",
        index=False,
    )


def best_moves_chart(expl: Any) -> Chart | None:
    """What adopting each of A's lever groups alone does for B (``best_moves``: group, value,
    lo, hi, share, rank), as horizontal bars with 90% intervals; None if absent."""
    bm = getattr(expl, "best_moves", None)
    if not isinstance(bm, pd.DataFrame) or bm.empty or not {"group", "value"} <= set(bm.columns):
        return None
    d = describe(expl)
    bm = bm.sort_values("rank" if "rank" in bm.columns else "value", ascending="rank" in bm.columns)
    names = _group_names(bm)
    err = None
    if {"lo", "hi"} <= set(bm.columns) and bm[["lo", "hi"]].notna().any().any():
        err = {
            "type": "data",
            "symmetric": False,
            "array": (bm["hi"] - bm["value"]).abs().fillna(0).tolist(),
            "arrayminus": (bm["value"] - bm["lo"]).abs().fillna(0).tolist(),
        }
    fig = go.Figure(
        go.Bar(
            x=bm["value"].astype(float),
            y=names,
            orientation="h",
            marker={"color": ["#009E73" if v >= 0 else "#D55E00" for v in bm["value"]]},
            error_x=err,
            name="change",
        )
    )
    unit = d["unit"] or "units"
    title = f"Best single moves: {d['b']} adopting one of {d['a']}'s lever groups"
    base_layout(fig, title, f"Change in {d['label'].lower()} ({unit})", "Lever group adopted")
    fig.update_yaxes(autorange="reversed")
    top = bm.iloc[0]
    if not (bm["value"].fillna(0) != 0).any():
        return Chart(
            title,
            fig,
            f"No single lever group of {d['a']} changes {d['b']}'s {d['label'].lower()} in "
            "these runs.",
        )
    share = top.get("share", np.nan) if hasattr(top, "get") else np.nan
    closes = f", closing {pct(share)} of the gap" if pd.notna(share) else ""
    text = (
        f"The best single move for {d['b']} is {names[0]}: {fmt(top['value'])} {d['unit']}".rstrip()
        + f"{closes}."
    )
    return Chart(title, fig, text)
