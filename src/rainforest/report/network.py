"""Networks: spin-off family trees of a run, and edge lists given by a diagnosis.

A spin-off family is an institution or firm (the root) and every firm descended from it through
``orgs.parent`` (anchor spin-outs, university spin-outs, startups founded by a startup's
people). Families are drawn as lanes over time: a firm sits at its founding date, joined to its
parent, so a reader sees who spawned whom and when (M7, seed 000:
大廠人才外溢-創業團隊孵化-產業叢集壯大).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, base_layout, color, fmt

MAX_FAMILIES = 15
MAX_NODES = 600

_MARKERS = {"failure": "x", "ipo": "diamond", "acquisition": "square"}


def institution_names(res: Any) -> dict[int, str]:
    """Names of universities, facilities and anchors by org id, from the scenario.

    The engine builds them per region in scenario order (universities, facilities, anchors),
    so within a region the n-th org of a kind is the n-th item of that list; where counts do
    not match, no names are given.
    """
    sc = getattr(res, "scenario", None)
    regions = getattr(sc, "regions", None)
    if not isinstance(regions, dict):
        return {}
    o = res.orgs
    kinds, regs = o["kind"].astype(str), o["region"].astype(str)
    names: dict[int, str] = {}
    for kind, attr in (
        ("university", "universities"),
        ("facility", "facilities"),
        ("anchor", "anchors"),
    ):
        for rname, reg in regions.items():
            items = list(getattr(reg, attr, []) or [])
            ids = o.loc[(kinds == kind) & (regs == str(rname)), "org"].sort_values()
            if len(ids) == len(items):
                for oid, item in zip(ids, items, strict=True):
                    names[int(oid)] = str(getattr(item, "name", oid))
    return names


def spinoff_families(orgs: pd.DataFrame) -> list[tuple[int, list[tuple[int, int]]]]:
    """Families as ``(root, [(org, generation), ...])`` in depth-first order, largest first.

    Only roots with at least one descendant are returned.
    """
    ids = set(orgs["org"].astype(int))
    parent = {
        int(a): int(b)
        for a, b in zip(orgs["org"], orgs["parent"], strict=True)
        if int(b) >= 0 and int(b) in ids and int(b) != int(a)
    }
    children: dict[int, list[int]] = {}
    for child, par in sorted(parent.items()):
        children.setdefault(par, []).append(child)
    roots = sorted(p for p in children if p not in parent)
    families = []
    for root in roots:
        order, stack, seen = [], [(root, 0)], set()
        while stack:
            node, gen = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append((node, gen))
            for c in reversed(children.get(node, [])):
                stack.append((c, gen + 1))
        families.append((root, order))
    families.sort(key=lambda f: (-len(f[1]), f[0]))
    return families


def _label(org: pd.Series, names: dict[int, str]) -> str:
    oid = int(org["org"])
    name = names.get(oid, f"{org['kind']} #{oid}")
    return (
        f"{name} ({org['kind']}, {org['region']})" if oid in names else f"{name} ({org['region']})"
    )


def family_tree_chart(res: Any) -> Chart | None:
    """Spin-off family trees over time (None when the run has no spin-offs)."""
    o = res.orgs
    fams = spinoff_families(o)
    if not fams:
        return None
    names = institution_names(res)
    meta = getattr(res, "meta", {}) or {}
    start = -int(meta.get("warmup_months", 0) or 0)
    by_id = o.set_index(o["org"].astype(int))
    shown = fams[:MAX_FAMILIES]
    budget = MAX_NODES
    fig = go.Figure()
    ex, ey = [], []
    nodes = []
    ticks, ticktext = [], []
    for lane, (root, order) in enumerate(shown):
        order = order[: max(2, budget)]
        budget -= len(order)
        n = len(order)
        pos = {}
        for row, (node, gen) in enumerate(order):
            org = by_id.loc[node]
            x = max(int(org["founded"]), start - 12) / 12.0
            y = lane + (0.0 if n == 1 else (row / (n - 1) - 0.5) * 0.8)
            pos[node] = (x, y)
            nodes.append((node, gen, x, y, org, lane))
        for node, _ in order[1:]:
            par = int(by_id.loc[node, "parent"])
            if par in pos:
                ex += [pos[par][0], pos[node][0], None]
                ey += [pos[par][1], pos[node][1], None]
        ticks.append(lane)
        ticktext.append(_label(by_id.loc[root], names))
        if budget <= 0:
            break
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"color": "#bbb", "width": 1},
            hoverinfo="skip",
            name="parent → spin-off",
        )
    )
    nd = pd.DataFrame(
        [
            {
                "x": x,
                "y": y,
                "gen": gen,
                "kind": str(org["kind"]),
                "exit": str(org["exit"]),
                "text": (
                    f"{_label(org, names)}<br>generation {gen}, founded month "
                    f"{int(org['founded'])}<br>exit: {org['exit']}"
                ),
            }
            for node, gen, x, y, org, lane in nodes
        ]
    )
    for i, kind in enumerate(sorted(nd["kind"].unique())):
        g = nd[nd["kind"] == kind]
        fig.add_trace(
            go.Scatter(
                x=g["x"],
                y=g["y"],
                mode="markers",
                marker={
                    "size": 8,
                    "color": color(i),
                    "symbol": [_MARKERS.get(e, "circle") for e in g["exit"]],
                    "line": {"width": 0.5, "color": "#333"},
                },
                text=g["text"],
                hoverinfo="text",
                name=kind,
            )
        )
    title = "Spin-off family trees (largest families)"
    base_layout(
        fig,
        title,
        "Founding time (years since start; roots founded earlier are drawn at the left edge)",
        "Spin-off family (root)",
        height=max(380, 60 + 42 * len(ticks)),
    )
    fig.update_yaxes(
        tickmode="array", tickvals=ticks, ticktext=ticktext, autorange="reversed", showgrid=False
    )
    total = sum(len(order) - 1 for _, order in fams)
    root, order = fams[0]
    gens = max(g for _, g in order)
    text = (
        f"{total} simulated spin-off{'s' if total != 1 else ''} in {len(fams)} "
        f"famil{'ies' if len(fams) != 1 else 'y'}; the largest, from "
        f"{_label(by_id.loc[root], names)}, has {len(order) - 1} "
        f"descendant{'s' if len(order) != 2 else ''} over {gens} "
        f"generation{'s' if gens != 1 else ''}."
    )
    note = (
        "x: failed, diamond: IPO, square: acquired; each simulated firm stands for `scale` "
        "real firms."
    )
    return Chart(title, fig, text, note=note)


def _edge_columns(df: pd.DataFrame) -> tuple[str, str] | None:
    for a, b in (("source", "target"), ("u", "v"), ("from", "to"), ("src", "dst")):
        if a in df.columns and b in df.columns:
            return a, b
    return None


def edge_network_chart(edges: pd.DataFrame, title: str = "Collaboration network") -> Chart | None:
    """A circular layout of an edge list (``source``/``target`` or ``u``/``v`` columns).

    Node size grows with degree; at most 300 nodes of highest degree are drawn.
    """
    cols = _edge_columns(edges)
    if cols is None or edges.empty:
        return None
    a, b = cols
    deg = pd.concat([edges[a], edges[b]]).value_counts()
    keep = set(deg.index[:300])
    e = edges[edges[a].isin(keep) & edges[b].isin(keep)]
    nodes = list(deg.index[:300])
    k = len(nodes)
    ang = {n: 2 * math.pi * i / max(k, 1) for i, n in enumerate(nodes)}
    xy = {n: (math.cos(t), math.sin(t)) for n, t in ang.items()}
    ex, ey = [], []
    for s, t in zip(e[a], e[b], strict=True):
        ex += [xy[s][0], xy[t][0], None]
        ey += [xy[s][1], xy[t][1], None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"color": "#ccc", "width": 0.7},
            name="tie",
            hoverinfo="skip",
        )
    )
    d = np.array([deg[n] for n in nodes], float)
    fig.add_trace(
        go.Scatter(
            x=[xy[n][0] for n in nodes],
            y=[xy[n][1] for n in nodes],
            mode="markers",
            marker={"size": 5 + 10 * np.sqrt(d / d.max()), "color": color(0)},
            text=[f"{n}: degree {int(deg[n])}" for n in nodes],
            hoverinfo="text",
            name="node",
        )
    )
    base_layout(fig, title, "Circular layout, x (no unit)", "Circular layout, y (no unit)")
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, scaleanchor="x")
    top = deg.index[0]
    text = (
        f"{len(deg)} nodes and {len(edges)} ties; the best-connected node, {top}, has "
        f"{int(deg.iloc[0])} ties (mean degree {fmt(2 * len(edges) / max(len(deg), 1))})."
    )
    return Chart(title, fig, text)
