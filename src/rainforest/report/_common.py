"""Building blocks shared by the chart modules: charts, tables, sections, labels and units.

A report is a list of :class:`Section`; a section holds :class:`Chart` and :class:`Table`
items. Every chart carries a title, axis titles with units and a one-line *reading* computed
from the data (what the chart shows, in words), so that a report can be read without plots.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from rainforest import registry

#: Qualitative palette (Okabe–Ito, readable by colour-blind readers).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)

#: Fonts of charts and pages: the system's UI font, then CJK fonts so that Chinese labels show
#: (Noto Sans CJK on Linux, PingFang on macOS, Microsoft YaHei on Windows).
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC", '
    '"Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)


class _MetricInfo(Mapping):
    """Label and unit of every registered metric, read live from :mod:`rainforest.registry`
    (plug-in metrics included). Money is million yuan."""

    def __getitem__(self, name: str) -> tuple[str, str]:
        m = registry.get(name)
        return m.label, m.unit

    def __contains__(self, name: object) -> bool:
        return any(m.name == name for m in registry.metrics())

    def __iter__(self):
        return iter(m.name for m in registry.metrics())

    def __len__(self) -> int:
        return len(registry.metrics())


#: Label and unit of every Result metric shown in charts (money is million yuan).
METRIC_INFO: Mapping[str, tuple[str, str]] = _MetricInfo()

#: Metrics that are flows per month (the rest are stocks or shares at the month).
FLOW_METRICS = registry.Live(lambda: tuple(m.name for m in registry.metrics() if m.kind == "flow"))

INVESTMENT_COLUMNS = (
    "investment_angel",
    "investment_vc",
    "investment_cvc",
    "investment_state",
    "investment_bank",
)


def metric_label(metric: str) -> str:
    """Human label of a registered metric in the current language
    (:func:`rainforest.i18n.get_lang`); other outcome names (``survival``, a custom outcome)
    are prettified."""
    from rainforest.i18n import get_lang
    from rainforest.i18n import metric_label as translated

    if get_lang() != "en":
        return translated(metric)
    if metric in METRIC_INFO:
        return registry.label(metric)
    return translated(metric)  # explain's outcomes have labels too; else prettified


def metric_unit(metric: str) -> str:
    """Unit of a registered metric in the current language ("" for other outcome names)."""
    from rainforest.i18n import OUTCOMES_EN, unit_label

    if metric in METRIC_INFO:
        return unit_label(registry.unit(metric))
    return unit_label(OUTCOMES_EN[metric][1]) if metric in OUTCOMES_EN else ""


def with_unit(label: str, unit: str) -> str:
    """``"label (unit)"``, or the label alone when there is no unit."""
    return f"{label} ({unit})" if unit else label


def axis_label(metric: str) -> str:
    """A y-axis title for a metric: label and unit, or the unit alone when long."""
    label, unit = metric_label(metric), metric_unit(metric)
    if not unit or unit == label.lower():
        return label
    if len(label) + len(unit) > 30:
        return unit[0].upper() + unit[1:]
    return f"{label} ({unit})"


def fmt(x: Any, digits: int = 3) -> str:
    """A number for a sentence: thousands separators, ``digits`` significant figures."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 10 ** (digits - 1):
        return f"{v:,.0f}"
    decimals = max(0, digits - 1 - math.floor(math.log10(a)))
    s = f"{v:,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


#: Money scales from million yuan: (factor, English unit, Chinese unit), largest first.
_MONEY_EN = ((1e6, "trillion yuan"), (1e3, "billion yuan"), (1.0, "million yuan"),
             (1e-3, "thousand yuan"), (1e-6, "yuan"))  # fmt: skip
_MONEY_ZH = ((1e6, "万亿元"), (1e2, "亿元"), (1e-2, "万元"), (1e-6, "元"))


def money_scale(million_yuan: Any) -> tuple[float, str]:
    """The factor and unit that show ``million_yuan`` with a short number, in the current
    language (``4.5e6`` -> ``(1e6, "trillion yuan")``; Chinese uses 万 and 亿)."""
    from rainforest.i18n import get_lang

    table = _MONEY_ZH if get_lang() == "zh" else _MONEY_EN
    try:
        a = abs(float(million_yuan))
    except (TypeError, ValueError):
        a = float("nan")
    if not math.isfinite(a) or a == 0:
        return (1.0, "million yuan") if table is _MONEY_EN else (1e-2, "万元")
    for factor, unit in table:
        if a >= factor:
            return factor, unit
    return table[-1]


def money(million_yuan: Any, digits: int = 3) -> str:
    """One formatter for money with its unit: a value in million yuan (the model's money
    unit) as ``"4.5 trillion yuan"`` / ``"4.5 万亿元"``, never ``"4.5M million yuan"``."""
    factor, unit = money_scale(million_yuan)
    try:
        v = float(million_yuan)
    except (TypeError, ValueError):
        return str(million_yuan)
    if math.isnan(v):
        return "n/a"
    sep = "" if unit in ("万亿元", "亿元", "万元", "元") else " "
    return f"{fmt(v / factor, digits)}{sep}{unit}"


def money_interval(mean: Any, lo: Any, hi: Any, digits: int = 3) -> str:
    """``"4.5 [4.1, 4.9] trillion yuan"``: mean and interval on the mean's scale, one unit."""
    factor, unit = money_scale(mean)
    sep = "" if unit in ("万亿元", "亿元", "万元", "元") else " "
    parts = [fmt(float(v) / factor, digits) if v is not None else "n/a" for v in (mean, lo, hi)]
    return f"{parts[0]} [{parts[1]}, {parts[2]}]{sep}{unit}"


def is_money(unit: str) -> bool:
    """Whether a unit string is money in million yuan (``"million yuan/month"`` included)."""
    return unit.startswith("million yuan") or unit.startswith("百万元")


def pct(x: float) -> str:
    """A share as a percentage for a sentence."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    v = 100.0 * float(x)
    return f"{v:.1f}%" if 0 < abs(v) < 10 else f"{v:.0f}%"


def color(i: int) -> str:
    """The ``i``-th palette colour (cycling)."""
    return PALETTE[i % len(PALETTE)]


def rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` with an alpha, as a CSS ``rgba()`` string (for bands)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def base_layout(fig: go.Figure, title: str, x_title: str, y_title: str, **kw: Any) -> go.Figure:
    """Apply the report's house style: a title, axis titles, a white template, a legend."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="plotly_white",
        margin={"l": 70, "r": 20, "t": 60, "b": 60},
        height=kw.pop("height", 380),
        legend={"orientation": "h", "y": -0.2},
        font={"family": FONT_STACK, "size": 12},
        **kw,
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


@dataclass
class Chart:
    """One figure with its title and a one-line reading computed from the data."""

    title: str
    figure: go.Figure
    reading: str
    note: str = ""


@dataclass
class Table:
    """A table with a title, a reading and an optional note (e.g. its sources)."""

    title: str
    frame: pd.DataFrame
    reading: str = ""
    note: str = ""
    index: bool = True
    collapsed: bool = False


@dataclass
class Section:
    """A titled group of charts and tables."""

    title: str
    items: list[Chart | Table] = field(default_factory=list)
    intro: str = ""

    @property
    def anchor(self) -> str:
        """An HTML id derived from the title."""
        return "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")


def charts_of(sections: Iterable[Section]) -> list[Chart]:
    """Every chart of a list of sections, in order."""
    return [it for s in sections for it in s.items if isinstance(it, Chart)]


def df_attr(obj: Any, *names: str) -> pd.DataFrame | None:
    """The first attribute of ``obj`` among ``names`` that is (or returns) a DataFrame."""
    for name in names:
        val = getattr(obj, name, None)
        if callable(val) and not isinstance(val, pd.DataFrame):
            try:
                val = val()
            except TypeError:
                continue
        if isinstance(val, pd.DataFrame):
            return val
    return None
