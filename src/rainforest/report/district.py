"""The district map: each region's grid of cells coloured by people, firms, belief or rent.

The engine lays every region out as a square grid of cells (``engine.w.G``: cell centres in
km, ``reg_cell0`` / ``reg_ncell`` per region; people and organisations carry a ``cell``). A
snapshot (:func:`snapshot`) reads the engine's state with ``np.bincount`` over those columns,
nothing per agent in Python, in real units (a simulated person or firm stands for ``scale``
real ones; anchors, facilities and universities are single):

* people: living people in the cell;
* firms: living startups, SMEs and listed firms in the cell;
* belief: the belief that founding pays as a would-be founder in the cell holds it (the
  region's belief plus the mean ``inspired`` boost of the cell's living people, as M3 reads
  it), share;
* rent: R&D office rent per desk per month (office rent × the land-price factor); rent is
  set per region, so every cell of a region has its region's value.

:func:`map_figure` draws one heatmap per region (plotly subplots).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rainforest.report._common import FONT_STACK

#: Map layers, in menu order: (key, unit).
LAYERS: dict[str, str] = {
    "people": "people",
    "firms": "firms",
    "belief": "share",
    "rent": "million yuan/desk/month",
}
_FIRM_KINDS = (3, 4, 5)  # startup, sme, listed (rainforest.state.tables)
_UNIQUE_KINDS = (0, 1, 2)  # university, facility, anchor: one real organisation each
_GONE = 3  # person status


def snapshot(engine: Any) -> dict[str, Any]:
    """The map's data from a running or finished engine: per region, its grid side, cell
    centres and one value per cell for every layer of :data:`LAYERS`."""
    w = engine.w
    G = w.G
    n_cells = len(G.cell_x)
    k = float(engine.scale)
    P, O = w.P, w.O
    n = int(P.n[0])
    live = P.status[:n] != _GONE
    cell = P.cell[:n][live].astype(np.int64)
    people = np.bincount(cell, minlength=n_cells) * k
    inspired = np.bincount(cell, weights=P.inspired[:n][live], minlength=n_cells)
    count = np.bincount(cell, minlength=n_cells)
    no = int(O.n[0])
    firm = (O.alive[:no] > 0) & np.isin(O.kind[:no], _FIRM_KINDS)
    firms = np.bincount(O.cell[:no][firm].astype(np.int64), minlength=n_cells) * k
    reg = G.cell_region.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        belief = np.asarray(w.R.belief, float)[reg] + np.where(count > 0, inspired / count, 0.0)
    rent = (np.asarray(w.R.rent, float) * np.asarray(w.R.land, float))[reg]
    layers = {"people": people, "firms": firms, "belief": belief, "rent": rent}
    out = []
    for r, name in enumerate(w.region_names):
        c0, nc = int(G.reg_cell0[r]), int(G.reg_ncell[r])
        side = int(round(math.sqrt(nc)))
        sl = slice(c0, c0 + nc)
        out.append(
            {
                "region": str(name),
                "side": side,
                "x_km": _round(np.unique(G.cell_x[sl] - G.cell_x[sl].min())),
                "y_km": _round(np.unique(G.cell_y[sl])),
                "layers": {key: _grid(v[sl], side) for key, v in layers.items()},
            }
        )
    return {"month": int(engine.month), "regions": out, "units": dict(LAYERS)}


def _round(v: np.ndarray) -> list:
    return [None if not np.isfinite(x) else float(np.format_float_positional(x, 6)) for x in v]


def _grid(values: np.ndarray, side: int) -> list[list]:
    """A region's cell values as rows of y (cells are ordered x-major: index = i·side + j)."""
    z = np.asarray(values, float).reshape(side, side).T  # z[j][i]: row y, column x
    return [_round(row) for row in z]


def map_figure(snap: dict[str, Any], layer: str, title: str = "", unit: str = "") -> go.Figure:
    """Heatmaps of one layer, a panel per region, sharing one colour scale."""
    regs = snap["regions"]
    cols = min(len(regs), 3) or 1
    rows = math.ceil(len(regs) / cols) or 1
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[r["region"] for r in regs])
    vals = [v for r in regs for row in r["layers"][layer] for v in row if v is not None]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    for i, r in enumerate(regs):
        fig.add_trace(
            go.Heatmap(
                z=r["layers"][layer], x=r["x_km"], y=r["y_km"], zmin=lo, zmax=hi,
                colorscale="Viridis", showscale=i == 0,
                colorbar={"title": {"text": unit}} if i == 0 else None,
                hovertemplate="x %{x} km, y %{y} km<br>%{z}<extra>" + r["region"] + "</extra>",
            ),
            row=i // cols + 1, col=i % cols + 1,
        )  # fmt: skip
    fig.update_layout(
        title={"text": title, "x": 0.0},
        template="plotly_white",
        height=300 * rows + 80,
        margin={"l": 50, "r": 20, "t": 70, "b": 40},
        font={"family": FONT_STACK, "size": 12},
    )
    fig.update_xaxes(title_text="km")
    fig.update_yaxes(title_text="km", scaleanchor="x")
    return fig
