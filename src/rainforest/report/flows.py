"""Flows between regions as Sankey diagrams: capital (investor region → startup region) and
talent (migration events, M11), for results with several regions.

Investment rows are per simulated round; a round into an organisation of weight ``w`` stands
for ``w`` real rounds, so real money is ``amount × w`` (million yuan).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, color, fmt, pct, rgba


def capital_flows(res: Any) -> pd.DataFrame:
    """Money invested in the reported period by (investor region, startup region), million yuan."""
    v = res.investments
    if v.empty:
        return pd.DataFrame(columns=["source", "target", "value"])
    v = v[v["month"] >= 0]
    inv_region = res.investors.set_index("investor")["region"].astype(str)
    orgs = res.orgs.set_index("org")
    org_region = orgs["region"].astype(str)
    weight = orgs["weight"] if "weight" in orgs.columns else pd.Series(1.0, index=orgs.index)
    df = pd.DataFrame(
        {
            "source": v["investor"].map(inv_region),
            "target": v["org"].map(org_region),
            "value": v["amount"] * v["org"].map(weight).fillna(1.0),
        }
    ).dropna()
    return df.groupby(["source", "target"], as_index=False)["value"].sum()


def migration_flows(res: Any) -> pd.DataFrame:
    """People moving between regions, from ``migration`` events.

    Uses ``from_region``/``to_region`` columns when the events table has them; otherwise an
    event's ``region`` is the destination and ``other`` the origin region's index (the
    convention assumed until the migration mechanism documents its own).
    """
    ev = res.events
    if ev.empty or "kind" not in ev.columns:
        return pd.DataFrame(columns=["source", "target", "value"])
    mig = ev[ev["kind"].astype(str) == "migration"]
    if mig.empty:
        return pd.DataFrame(columns=["source", "target", "value"])
    w = mig["weight"] if "weight" in mig.columns else pd.Series(1.0, index=mig.index)
    if {"from_region", "to_region"} <= set(mig.columns):
        src, dst = mig["from_region"].astype(str), mig["to_region"].astype(str)
    else:
        regions = list((getattr(res, "meta", {}) or {}).get("regions", []))
        codes = mig["other"].astype(int)
        if not regions or (codes < 0).any() or (codes >= len(regions)).any():
            return pd.DataFrame(columns=["source", "target", "value"])
        src = codes.map(dict(enumerate(regions)))
        dst = mig["region"].astype(str)
    df = pd.DataFrame({"source": src.to_numpy(), "target": dst.to_numpy(), "value": w.to_numpy()})
    df = df[df["source"] != df["target"]]
    return df.groupby(["source", "target"], as_index=False)["value"].sum()


def sankey_chart(flows: pd.DataFrame, title: str, unit: str, left: str, right: str) -> Chart | None:
    """A two-column Sankey (``left`` regions → ``right`` regions) of a flow table."""
    if flows.empty or flows["value"].sum() <= 0:
        return None
    regions = sorted(set(flows["source"]) | set(flows["target"]))
    idx = {r: i for i, r in enumerate(regions)}
    n = len(regions)
    labels = [f"{r} ({left})" for r in regions] + [f"{r} ({right})" for r in regions]
    colors = [color(i) for i in range(n)] * 2
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            valuesuffix=f" {unit}",
            node={"label": labels, "color": colors, "pad": 18, "thickness": 16},
            link={
                "source": [idx[s] for s in flows["source"]],
                "target": [n + idx[t] for t in flows["target"]],
                "value": flows["value"].astype(float).tolist(),
                "color": [rgba(color(idx[s]), 0.35) for s in flows["source"]],
            },
        )
    )
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="plotly_white",
        height=max(320, 80 * n),
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12},
    )
    total = float(flows["value"].sum())
    cross = flows[flows["source"] != flows["target"]]
    share = float(cross["value"].sum()) / total if total else np.nan
    if cross.empty:
        tail = "none of it crosses regions."
    elif len(cross) == len(flows):
        top = cross.sort_values("value").iloc[-1]
        return Chart(
            title,
            fig,
            f"{fmt(total)} {unit} moved between regions; most from {top['source']} to "
            f"{top['target']} ({fmt(top['value'])} {unit}).",
        )
    else:
        top = cross.sort_values("value").iloc[-1]
        tail = (
            f"{pct(share)} crosses regions, most from {top['source']} to {top['target']} "
            f"({fmt(top['value'])} {unit})."
        )
    return Chart(title, fig, f"{fmt(total)} {unit} in all; {tail}")


def _from_result_flows(res: Any, kind: str) -> pd.DataFrame | None:
    """Flows of one kind from ``Result.flows()`` (year, kind, origin, destination, amount)."""
    fn = getattr(res, "flows", None)
    if not callable(fn):
        return None
    try:
        f = fn()
    except Exception:  # an older or partial result: fall back to the raw tables
        return None
    if not isinstance(f, pd.DataFrame) or not {"kind", "origin", "destination", "amount"} <= set(
        f.columns
    ):
        return None
    f = f[f["kind"] == kind]
    if "year" in f.columns:
        f = f[f["year"] >= 0]
    f = f.rename(columns={"origin": "source", "destination": "target", "amount": "value"})
    f = f.astype({"source": str, "target": str})
    return f.groupby(["source", "target"], as_index=False)["value"].sum()


def flow_charts(res: Any) -> list[Chart]:
    """Capital and talent Sankeys of a result with several regions (empty otherwise).

    Uses ``res.flows()`` when the result has it, else the events and investments tables.
    """
    regions = list((getattr(res, "meta", {}) or {}).get("regions", []))
    if len(regions) < 2 and res.metrics["region"].nunique() < 2:
        return []
    charts = []
    mig = _from_result_flows(res, "people")
    mig = migration_flows(res) if mig is None else mig[mig["source"] != mig["target"]]
    c = sankey_chart(
        mig,
        "Talent flows between regions (people who moved, origin → destination)",
        "people",
        "origin",
        "destination",
    )
    if c is not None:
        charts.append(c)
    cap = _from_result_flows(res, "capital")
    if cap is None:
        cap = capital_flows(res)
    c = sankey_chart(
        cap,
        "Capital flows between regions (million yuan, investor region → startup region)",
        "million yuan",
        "investors",
        "startups",
    )
    if c is not None:
        charts.append(c)
    return charts
