"""Rich display in Jupyter: a summary table and a small chart for each result object.

``Result``, ``Comparison``, ``Explanation`` and ``Diagnosis`` define ``_repr_html_`` by calling
these functions, so that ending a notebook cell with one shows what a report's first page
would: labelled numbers with units and intervals, and one picture. Charts are inline SVG drawn
here (a few kilobytes, no JavaScript, no network), so a notebook stays small and opens
offline; ``rainforest.report.report(obj, path)`` writes the full interactive report.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

#: The reports' Okabe–Ito palette (not imported: rainforest.report sits above the classes
#: that display with this module, and importing it from them would close a cycle).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_STYLE = (
    "<style>.rf-nb{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',"
    "'Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;font-size:13px}"
    ".rf-nb table{border-collapse:collapse;margin:4px 0}"
    ".rf-nb th,.rf-nb td{padding:2px 8px;text-align:right;border-bottom:1px solid #ddd}"
    ".rf-nb th:first-child,.rf-nb td:first-child{text-align:left}"
    ".rf-nb caption{caption-side:bottom;color:#666;font-size:11px;text-align:left}</style>"
)


def _num(v: Any) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return html.escape(str(v))
    if math.isnan(x):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.1f}"
    return f"{x:.3g}"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows
    )  # cells are escaped by the callers (they may hold markup such as intervals)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def svg_lines(
    series: dict[str, Sequence[float]], title: str, y_title: str, width: int = 420
) -> str:
    """A small line chart: one line per named series against its index (months)."""
    height, left, bottom, top = 170, 48, 26, 22
    values = [float(v) for s in series.values() for v in s if v == v]
    if not values:
        return ""
    lo, hi = min(0.0, min(values)), max(values) or 1.0
    n = max(len(s) for s in series.values())
    plot_w, plot_h = width - left - 10, height - top - bottom

    def xy(i: int, v: float) -> str:
        x = left + plot_w * (i / max(1, n - 1))
        y = top + plot_h * (1 - (v - lo) / (hi - lo or 1.0))
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="14" font-size="12" font-weight="600">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{_num(hi)}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" text-anchor="end">'
        f"{_num(lo)}</text>",
        f'<text x="{left + plot_w}" y="{height - 4}" font-size="10" text-anchor="end">'
        f"{html.escape(y_title)}</text>",
    ]
    for k, (name, s) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        pts = " ".join(xy(i, float(v)) for i, v in enumerate(s) if v == v)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{pts}"/>')
        parts.append(
            f'<text x="{left + 6 + 90 * k}" y="{height - 4}" font-size="10" fill="{colour}">'
            f"{html.escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def svg_bars(
    labels: Sequence[str],
    values: Sequence[float],
    lo: Sequence[float] | None = None,
    hi: Sequence[float] | None = None,
    title: str = "",
    width: int = 420,
) -> str:
    """Horizontal bars from zero with optional interval whiskers (lo, hi)."""
    n = len(labels)
    if n == 0:
        return ""
    row, left, top = 20, 150, 22
    height = top + row * n + 20
    ends = [float(v) for v in values]
    for seq in (lo, hi):
        if seq is not None:
            ends += [float(v) for v in seq if v == v]
    vmin, vmax = min(0.0, *ends), max(0.0, *ends)
    span = (vmax - vmin) or 1.0
    plot_w = width - left - 12

    def x(v: float) -> float:
        return left + plot_w * (v - vmin) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="4" y="14" font-size="12" font-weight="600">{html.escape(title)}</text>',
        f'<line x1="{x(0):.1f}" y1="{top - 2}" x2="{x(0):.1f}" y2="{top + row * n}" '
        'stroke="#999"/>',
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = top + row * i
        a, b = sorted((x(0), x(float(v))))
        colour = PALETTE[0] if float(v) >= 0 else PALETTE[3]
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"{html.escape(str(label))[:28]}</text>"
            f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 0.5):.1f}" height="{row - 7}" '
            f'fill="{colour}" opacity="0.8"/>'
        )
        if lo is not None and hi is not None and lo[i] == lo[i] and hi[i] == hi[i]:
            yy = y + row / 2
            parts.append(
                f'<line x1="{x(float(lo[i])):.1f}" y1="{yy}" x2="{x(float(hi[i])):.1f}" '
                f'y2="{yy}" stroke="#000" stroke-width="1.2"/>'
            )
    parts.append(
        f'<text x="{left}" y="{height - 4}" font-size="10">{_num(vmin)}</text>'
        f'<text x="{left + plot_w}" y="{height - 4}" font-size="10" text-anchor="end">'
        f"{_num(vmax)}</text></svg>"
    )
    return "".join(parts)


def _wrap(title: str, *blocks: str) -> str:
    inner = "".join(b for b in blocks if b)
    return f'{_STYLE}<div class="rf-nb"><b>{html.escape(title)}</b>{inner}</div>'


def result_html(res: Any) -> str:
    """A Result: per-region totals with units, and startups alive month by month."""
    from rainforest.i18n import metric_label, region_label, unit_label

    s = res.summary()
    rows = []
    for col in s.columns:
        label = metric_label(col) + (f" ({unit_label('million yuan')})" if col == "output" else "")
        rows.append([html.escape(label), *[_num(v) for v in s[col]]])
    table = _table(
        ["total over the run", *[region_label(str(r)) for r in s.index]],
        rows,
        "flows summed over the reported months; stocks at the end",
    )
    m = res.metrics
    series = {
        region_label(str(r)): g.sort_values("month")["startups_alive"].to_numpy()
        for r, g in m.groupby("region", observed=True)
    }
    chart = svg_lines(series, metric_label("startups_alive"), "months")
    meta = res.meta
    title = f"{meta.get('scenario', '')}: {meta.get('months', 0) // 12} years, scale "
    title += f"{meta.get('scale', 0):g}"
    return _wrap(title, table, chart)


def comparison_html(cmp: Any) -> str:
    """A Comparison: every outcome's mean [90% interval] per scenario, and foundings as bars."""
    from rainforest.i18n import metric_label

    t = cmp.table().set_index(["outcome", "scenario"])
    rows = []
    for o in cmp.outcome_names:
        cells = []
        for lab in cmp.labels:
            mean, lo, hi = t.loc[(o, lab), ["mean", "q05", "q95"]]
            cells.append(f"{_num(mean)} [{_num(lo)}, {_num(hi)}]")
        rows.append([html.escape(metric_label(o)), *cells])
    table = _table(
        ["outcome", *cmp.labels],
        rows,
        "mean [90% interval] over runs, same seeds in every scenario",
    )
    first = "foundings" if "foundings" in cmp.outcome_names else cmp.outcome_names[0]
    sel = [t.loc[(first, lab)] for lab in cmp.labels]
    chart = svg_bars(
        cmp.labels,
        [r["mean"] for r in sel],
        [r["q05"] for r in sel],
        [r["q95"] for r in sel],
        title=f"{metric_label(first)}: mean and 90% interval",
    )
    return _wrap(" vs ".join(cmp.labels), table, chart)


def explanation_html(ex: Any) -> str:
    """An Explanation: Shapley attribution per lever group with 90% intervals, as table and bars."""
    from rainforest.i18n import metric_label

    a = ex.attribution
    rows = [
        [
            html.escape(str(r.label)),
            f"{_num(r.value)} [{_num(r.lo)}, {_num(r.hi)}]",
            f"{100 * r.share:.0f}%" if r.share == r.share else "–",
        ]
        for r in a.itertuples(index=False)
    ]
    rows.append(
        [
            "total gap",
            f"{_num(ex.total_gap)} [{_num(ex.total_gap_lo)}, {_num(ex.total_gap_hi)}]",
            "",
        ]
    )
    table = _table(
        ["lever group", "attribution [90%]", "share"],
        rows,
        f"{ex.outcome_description}; {ex.runs} runs per coalition",
    )
    chart = svg_bars(
        list(a["label"]),
        list(a["value"]),
        list(a["lo"]),
        list(a["hi"]),
        title=f"{metric_label(ex.outcome)}: attribution of {ex.b}'s gap to {ex.a}",
    )
    return _wrap(f"Why {ex.a} and not {ex.b}?", table, chart)


def diagnosis_html(d: Any) -> str:
    """A Diagnosis: indicators as rows and districts as columns, and percentiles as bars."""
    sc = d.scorecard.copy()
    sc["district"] = sc["scenario"].astype(str) + (
        " · " + sc["region"].astype(str) if sc["region"].nunique() > 1 else ""
    )
    wide = sc.pivot_table(index="indicator", columns="district", values="value", sort=False)
    units = sc.drop_duplicates("indicator").set_index("indicator")["unit"]
    rows = [
        [
            html.escape(f"{ind} ({units.get(ind)})" if units.get(ind) else str(ind)),
            *[_num(v) for v in wide.loc[ind]],
        ]
        for ind in wide.index
    ]
    table = _table(["indicator", *wide.columns], rows, "means over runs")
    first = sc[sc["district"] == sc["district"].iloc[0]].dropna(subset=["percentile"])
    if len(first):
        chart = svg_bars(
            list(first["indicator"]),
            list(first["percentile"]),
            title=f"{first['district'].iloc[0]}: percentile among the presets' districts",
        )
    else:  # no reference to rank against: the typology's weights of the first district
        ty = d.typology.iloc[0]
        models = [c for c in d.typology.columns if c not in ("scenario", "region", "label")]
        chart = svg_bars(
            models,
            [float(ty[m]) for m in models],
            title=f"{ty['region']}: weight of each model of seed 001",
        )
    labels = ", ".join(f"{r.region}: {r.label}" for r in d.typology.itertuples(index=False))
    return _wrap(f"Diagnosis — typology {labels}", table, chart)


def frame_html(df: pd.DataFrame, title: str) -> str:
    """Any table with a title (fallback for other objects)."""
    return _wrap(title, df.to_html(max_rows=30))
