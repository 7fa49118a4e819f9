"""Network pictures: a sampled neighbourhood of a large network, laid out by igraph, drawn in
plotly.

Why a sample: the spin-off genealogy of a big run has thousands of firms and the people's tie
network millions of ties; a picture of all of it is a hairball. :func:`sample_nodes` keeps at
most :data:`MAX_NODES` nodes: the largest connected component first, grown breadth-first from
its best-connected node, then the next components, so the reader sees whole families (or a
whole neighbourhood) rather than scattered dots. Edges come as flat NumPy arrays (no graph
object, no Python loop per agent) until the sample is cut; only the ≤300-node sample becomes
an :class:`igraph.Graph` for its layout (Reingold–Tilford for a forest such as the genealogy,
Kamada–Kawai, seeded with a circle so it is deterministic, for ties).

Sources of edges: :func:`genealogy_edges` (``orgs.parent``: anchor, university and startup
spin-offs, M7) and :func:`tie_edges` (the living network's tie slots in
``engine.cache["ties"]``, when that plug-in is on; docs/networks.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import Chart, base_layout, color, fmt

#: Most nodes drawn in one picture.
MAX_NODES = 300


@dataclass
class Picture:
    """A sampled network ready to draw: node ids, their layout and labels, and the edges
    between sampled nodes (as positions in ``nodes``)."""

    nodes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    group: list[str]
    hover: list[str]
    total_nodes: int
    total_edges: int
    kind: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: node coordinates rounded, edges as index pairs."""
        return {
            "kind": self.kind,
            "nodes": [int(n) for n in self.nodes],
            "x": [round(float(v), 3) for v in self.x],
            "y": [round(float(v), 3) for v in self.y],
            "src": [int(v) for v in self.src],
            "dst": [int(v) for v in self.dst],
            "group": self.group,
            "hover": self.hover,
            "total_nodes": self.total_nodes,
            "total_edges": self.total_edges,
        }


def genealogy_edges(orgs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Parent → spin-off edges ``(parent, child)`` from an orgs table (``org``, ``parent``)."""
    org = orgs["org"].to_numpy(np.int64)
    par = orgs["parent"].to_numpy(np.int64)
    ok = (par >= 0) & (par != org) & np.isin(par, org)
    return par[ok], org[ok]


def tie_edges(engine: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The people's ties ``(a, b)`` (each once, ``a < b``) from a running engine's living
    network, or None when the plug-in is off (no ``engine.cache["ties"]``)."""
    from rainforest.metrics.ties import edges

    st = getattr(engine, "cache", {}).get("ties") or {}
    T = st.get("T")
    if T is None:
        return None
    n = int(st.get("n", 0))
    return edges(T.slot[:n], T.deg[:n])


def _components(a: np.ndarray, b: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Component label of each of ``nodes`` (positions), by label propagation in NumPy."""
    lab = np.arange(nodes.size)
    while True:
        low = np.minimum(lab[a], lab[b])
        new = lab.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]  # pointer jumping
        if np.array_equal(new, lab):
            return lab
        lab = new


def sample_nodes(
    a: np.ndarray, b: np.ndarray, max_nodes: int = MAX_NODES
) -> tuple[np.ndarray, int]:
    """At most ``max_nodes`` node ids with their neighbourhood kept: whole components from
    the largest down, and the last (or a too large) one cut breadth-first from its
    best-connected node. Returns ``(node ids, number of nodes in the network)``."""
    if a.size == 0:
        return np.zeros(0, np.int64), 0
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inv[: a.size], inv[a.size :]
    comp = _components(ia, ib, nodes)
    labels, sizes = np.unique(comp, return_counts=True)
    deg = np.bincount(ia, minlength=nodes.size) + np.bincount(ib, minlength=nodes.size)
    keep: list[np.ndarray] = []
    room = max_nodes
    for lab in labels[np.argsort(-sizes, kind="stable")]:
        if room < 2:
            break
        members = np.flatnonzero(comp == lab)
        if members.size > room:
            members = _bfs(ia, ib, members, deg, room)
        keep.append(members)
        room -= members.size
    picked = np.concatenate(keep) if keep else np.zeros(0, np.int64)
    return nodes[np.sort(picked)], int(nodes.size)


def _bfs(ia: np.ndarray, ib: np.ndarray, members: np.ndarray, deg: np.ndarray, room: int):
    """The first ``room`` nodes reached breadth-first from the best-connected member."""
    inside = np.zeros(deg.size, bool)
    inside[members] = True
    sel = inside[ia]
    g = ig.Graph(n=deg.size, edges=np.column_stack([ia[sel], ib[sel]]).tolist())
    start = int(members[np.argmax(deg[members])])
    order = g.bfs(start)[0]
    return np.asarray(order[:room], np.int64)


def layout(
    nodes: np.ndarray, a: np.ndarray, b: np.ndarray, tree: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions of ``nodes`` and the sampled edges among them (as positions).

    ``tree``: a forest (``a`` parents, ``b`` children), drawn top-down with Reingold–Tilford
    from its roots; else Kamada–Kawai started from a circle (deterministic)."""
    pos = {int(n): i for i, n in enumerate(nodes)}
    ok = np.isin(a, nodes) & np.isin(b, nodes)
    src = np.array([pos[int(v)] for v in a[ok]], np.int64)
    dst = np.array([pos[int(v)] for v in b[ok]], np.int64)
    k = len(nodes)
    if k == 0:
        return np.zeros(0), np.zeros(0), src, dst
    g = ig.Graph(n=k, edges=np.column_stack([src, dst]).tolist(), directed=tree)
    if tree:
        roots = [v for v in range(k) if g.indegree(v) == 0] or [0]
        lay = g.layout_reingold_tilford(mode="out", root=roots)
    else:
        t = 2 * np.pi * np.arange(k) / k
        lay = g.layout_kamada_kawai(seed=np.column_stack([np.cos(t), np.sin(t)]).tolist())
    xy = np.asarray(lay.coords, float).reshape(k, 2)
    return xy[:, 0], xy[:, 1], src, dst


def genealogy_picture(
    orgs: pd.DataFrame, names: dict[int, str] | None = None, max_nodes: int = MAX_NODES
) -> Picture | None:
    """The spin-off genealogy's largest families (None when the run has no spin-off)."""
    a, b = genealogy_edges(orgs)
    if a.size == 0:
        return None
    nodes, total = sample_nodes(a, b, max_nodes)
    x, y, src, dst = layout(nodes, a, b, tree=True)
    info = orgs.set_index(orgs["org"].astype(np.int64)).loc[nodes]
    names = names or {}
    kinds = info["kind"].astype(str).tolist()
    hover = [
        f"{names.get(int(o), f'{k} #{int(o)}')} ({r})<br>founded month {int(f)}; exit: {e}"
        for o, k, r, f, e in zip(
            nodes, kinds, info["region"].astype(str), info["founded"], info["exit"].astype(str),
            strict=True,
        )
    ]  # fmt: skip
    return Picture(nodes, x, -y, src, dst, kinds, hover, total, int(a.size), "genealogy")


def ties_picture(
    a: np.ndarray, b: np.ndarray, region_of: np.ndarray, regions: list[str],
    max_nodes: int = MAX_NODES,
) -> Picture | None:  # fmt: skip
    """A neighbourhood of the people's tie network (None without ties). ``region_of`` maps
    a person's row to a region index."""
    if a.size == 0:
        return None
    nodes, total = sample_nodes(a, b, max_nodes)
    x, y, src, dst = layout(nodes, a, b, tree=False)
    deg = np.bincount(src, minlength=len(nodes)) + np.bincount(dst, minlength=len(nodes))
    group = [regions[int(region_of[n])] for n in nodes]
    hover = [
        f"person #{int(n)} ({g}): {int(d)} ties in the picture"
        for n, g, d in zip(nodes, group, deg, strict=True)
    ]
    return Picture(nodes, x, y, src, dst, group, hover, total, int(a.size), "ties")


def picture_figure(p: Picture, title: str) -> go.Figure:
    """A plotly figure of a sampled network: grey edges, nodes coloured by group."""
    ex = np.full(3 * p.src.size, np.nan)
    ey = np.full(3 * p.src.size, np.nan)
    ex[0::3], ex[1::3] = p.x[p.src], p.x[p.dst]
    ey[0::3], ey[1::3] = p.y[p.src], p.y[p.dst]
    fig = go.Figure(
        go.Scatter(
            x=ex, y=ey, mode="lines", line={"color": "#bbb", "width": 0.8},
            hoverinfo="skip", name="parent → spin-off" if p.kind == "genealogy" else "tie",
        )
    )  # fmt: skip
    groups = np.array(p.group, dtype=object)
    hover = np.array(p.hover, dtype=object)
    for i, g in enumerate(dict.fromkeys(p.group)):
        sel = groups == g
        fig.add_trace(
            go.Scatter(
                x=p.x[sel], y=p.y[sel], mode="markers", name=str(g), text=hover[sel],
                hoverinfo="text", marker={"size": 8, "color": color(i),
                                          "line": {"width": 0.5, "color": "#333"}},
            )
        )  # fmt: skip
    from rainforest.i18n import t

    tree = p.kind == "genealogy"
    base_layout(
        fig,
        title,
        t("net_axis_x_tree" if tree else "net_axis_x"),
        t("net_axis_y_tree" if tree else "net_axis_y"),
        height=460,
    )
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    return fig


def genealogy_chart(res: Any, max_nodes: int = MAX_NODES) -> Chart | None:
    """The network picture of a run's spin-off genealogy, for reports (None without one)."""
    from rainforest.i18n import t
    from rainforest.report.network import institution_names

    p = genealogy_picture(res.orgs, institution_names(res), max_nodes)
    if p is None:
        return None
    title = t("net_genealogy_title")
    fig = picture_figure(p, title)
    reading = t(
        "net_genealogy_reading",
        shown=len(p.nodes),
        total=fmt(p.total_nodes),
        edges=fmt(p.total_edges),
    )
    return Chart(title, fig, reading, note=t("net_sample_note", n=MAX_NODES))


def ties_chart(res: Any) -> Chart | None:
    """The picture of a run's living network for reports: the neighbourhood kept in
    ``res.meta["network_sample"]`` (None when the network was off)."""
    from rainforest.i18n import t

    s = res.meta.get("network_sample") if isinstance(res.meta, dict) else None
    if not s or not s.get("people"):
        return None
    people = np.asarray(s["people"], np.int64)
    src = np.asarray(s["src"], np.int64)
    dst = np.asarray(s["dst"], np.int64)
    regions = list(res.meta.get("regions") or [])
    x, y, src, dst = layout(people, people[src], people[dst], tree=False)
    deg = np.bincount(src, minlength=people.size) + np.bincount(dst, minlength=people.size)
    group = [regions[r] if 0 <= r < len(regions) else f"region {r}" for r in s["region"]]
    hover = [
        f"person #{int(n)} ({g}): {int(d)} ties in the picture"
        for n, g, d in zip(people, group, deg, strict=True)
    ]
    p = Picture(
        people, x, y, src, dst, group, hover, int(s["total_people"]), int(s["total_ties"]), "ties"
    )
    title = t("net_ties_title")
    reading = t(
        "net_ties_reading",
        shown=len(people),
        total=fmt(p.total_nodes),
        edges=fmt(p.total_edges),
    )
    return Chart(title, picture_figure(p, title), reading, note=t("net_ties_note", n=len(people)))
