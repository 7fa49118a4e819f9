"""Firm-size distribution: the complementary CDF of employees of living firms, log–log.

One simulated organisation of weight ``w`` stands for ``w`` real firms and its ``employees``
simulated people for ``employees × scale`` real people, so a real firm has
``employees × scale / w`` employees. The tail exponent is fitted by least squares on the
log–log CCDF above a minimum size; a Zipf law (α ≈ 1) is the reference.

References
----------
Axtell, R. L. (2001). Zipf distribution of U.S. firm sizes. Science 293(5536), 1818–1820.
https://doi.org/10.1126/science.1062081
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, base_layout, color, fmt

MIN_TAIL_SIZE = 5.0


def living_firm_sizes(res: Any) -> pd.DataFrame:
    """Living firms with their real ``size`` (employees) and ``weight`` (real firms)."""
    o = res.orgs
    scale = float((getattr(res, "meta", {}) or {}).get("scale", 1.0) or 1.0)
    w = o["weight"].astype(float) if "weight" in o.columns else pd.Series(1.0, index=o.index)
    sel = o["alive"].astype(bool) & (o["employees"] > 0) & (w > 0)
    f = o.loc[sel, ["region", "kind", "employees"]].copy()
    f["weight"] = w[sel]
    f["size"] = f["employees"].astype(float) * scale / f["weight"]
    return f


def ccdf(size: np.ndarray, weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(s, P(S >= s))`` at each distinct size, weighted."""
    size = np.asarray(size, float)
    w = np.ones_like(size) if weight is None else np.asarray(weight, float)
    order = np.argsort(size)
    s, w = size[order], w[order]
    uniq, first = np.unique(s, return_index=True)
    tail = np.cumsum(w[::-1])[::-1]  # weight of sizes >= s[i]
    return uniq, tail[first] / w.sum()


def tail_exponent(s: np.ndarray, p: np.ndarray, s_min: float = MIN_TAIL_SIZE) -> float:
    """Least-squares α of ``P(S >= s) ∝ s^-α`` for ``s >= s_min`` (NaN if < 3 points)."""
    sel = (s >= s_min) & (p > 0)
    if sel.sum() < 3:
        return float("nan")
    slope = np.polyfit(np.log(s[sel]), np.log(p[sel]), 1)[0]
    return float(-slope)


def size_chart(res: Any) -> Chart | None:
    """CCDF of the sizes of living firms on log–log axes (None if there are none)."""
    f = living_firm_sizes(res)
    if f.empty:
        return None
    fig = go.Figure()
    regions = list(pd.unique(f["region"].astype(str)))
    groups = [(r, f[f["region"].astype(str) == r]) for r in regions] if len(regions) > 1 else []
    groups.append(("all regions", f))
    for i, (name, g) in enumerate(groups):
        s, p = ccdf(g["size"].to_numpy(), g["weight"].to_numpy())
        fig.add_trace(
            go.Scatter(
                x=s,
                y=p,
                mode="lines+markers",
                marker={"size": 4},
                line={
                    "shape": "hv",
                    "color": color(i),
                    "width": 3 if name == "all regions" else 1.5,
                },
                name=name,
            )
        )
    s, p = ccdf(f["size"].to_numpy(), f["weight"].to_numpy())
    alpha = tail_exponent(s, p)
    if s.size:
        x0 = max(MIN_TAIL_SIZE, s.min())
        xs = np.array([x0, max(s.max(), x0 * 10)])
        p0 = float(np.interp(x0, s, p))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=p0 * (xs / x0) ** -1.0,
                mode="lines",
                line={"dash": "dot", "color": "#777"},
                name="Zipf reference (α = 1)",
            )
        )
    title = "Firm-size distribution of living firms"
    base_layout(fig, title, "Employees per firm, s (people)", "Share of firms with ≥ s employees")
    fig.update_xaxes(type="log")
    fig.update_yaxes(type="log")
    n_real = f["weight"].sum()
    if np.isnan(alpha):
        fit = "too few sizes to fit a tail exponent"
    else:
        fit = (
            f"above {fmt(MIN_TAIL_SIZE)} employees the share falls as s^−{alpha:.2f} "
            "(Axtell 2001: α ≈ 1)"
        )
    text = (
        f"About {fmt(n_real)} living firms; median {fmt(np.median(f['size']))} employees, "
        f"largest {fmt(f['size'].max())}; {fit}."
    )
    return Chart(
        title,
        fig,
        text,
        note="Complementary CDF, weighted by the real firms each simulated firm stands for.",
    )
