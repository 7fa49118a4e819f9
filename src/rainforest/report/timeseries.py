"""Time series: monthly metrics per region for one run, with 90% bands for ensembles.

The reading of a flow names its peak (the year with the highest mean per month); the reading of
a stock names where it starts and ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rainforest.report._common import (
    FLOW_METRICS,
    INVESTMENT_COLUMNS,
    METRIC_INFO,
    Chart,
    axis_label,
    base_layout,
    color,
    fmt,
    metric_label,
    metric_unit,
    rgba,
    with_unit,
)

#: Metrics shown by default, in order (those missing from the data are skipped).
DEFAULT_METRICS = (
    "foundings",
    "startups_alive",
    "people",
    "investment",
    "output",
    "unicorns",
    "patents",
    "belief",
)

X_TITLE = "Time (years since start)"
METRIC_INFO_KEYS = frozenset(METRIC_INFO)


def _with_investment(metrics: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in INVESTMENT_COLUMNS if c in metrics.columns]
    if cols and "investment" not in metrics.columns:
        metrics = metrics.assign(investment=metrics[cols].sum(axis=1))
    return metrics


def _unit_word(metric: str) -> str:
    unit = metric_unit(metric)
    return unit.split("/")[0] if "/" in unit else unit


def flow_reading(metric: str, frames: dict[str, pd.DataFrame], value: str) -> str:
    """``"Foundings: peak of 31 firms per month in year 4 (campus); …"`` for flows.

    ``frames`` maps a series name to a frame with ``month`` and ``value`` columns; the peak is
    the year with the highest mean per month.
    """
    unit = _unit_word(metric)
    unit = f" {unit}" if unit and unit != "1" else ""
    if all(f.empty or not (f[value].fillna(0) != 0).any() for f in frames.values()):
        return f"No {metric_label(metric).lower()} in the reported period."
    parts = []
    for name, f in list(frames.items())[:4]:
        if f.empty or f[value].isna().all():
            continue
        by_year = f.groupby(f["month"] // 12)[value].mean()
        year = int(by_year.idxmax())
        parts.append(f"{fmt(by_year.max())}{unit} per month in year {year + 1} ({name})")
    if not parts:
        return f"No {metric_label(metric).lower()} in the reported period."
    return f"{metric_label(metric)}: peak of " + "; ".join(parts) + "."


def stock_reading(metric: str, frames: dict[str, pd.DataFrame], value: str) -> str:
    """``"Startups alive (firms): from 650 to 700 (campus); … over 2 years."`` for stocks."""
    parts = []
    years = 0.0
    for name, f in list(frames.items())[:4]:
        s = f.dropna(subset=[value]).sort_values("month")
        if s.empty:
            continue
        years = max(years, (s["month"].iloc[-1] - s["month"].iloc[0] + 1) / 12.0)
        parts.append(f"{fmt(s[value].iloc[0])} to {fmt(s[value].iloc[-1])} ({name})")
    if not parts:
        return f"No data for {metric_label(metric).lower()}."
    unit = metric_unit(metric)
    unit_s = f" ({unit})" if unit else ""
    return f"{metric_label(metric)}{unit_s}: from " + "; ".join(parts) + f" over {_years(years)}."


def _years(y: float) -> str:
    return f"{fmt(y, 2)} year" + ("" if abs(y - 1.0) < 1e-9 else "s")


def reading(metric: str, frames: dict[str, pd.DataFrame], value: str) -> str:
    """The one-line reading of a time series (flow peak or stock change)."""
    if metric in FLOW_METRICS:
        return flow_reading(metric, frames, value)
    return stock_reading(metric, frames, value)


def result_charts(res: Any, metrics: Sequence[str] = DEFAULT_METRICS) -> list[Chart]:
    """Time series of one run: one chart per metric, one line per region.

    Flows are drawn monthly (thin) with a 6-month rolling mean (thick).
    """
    m = _with_investment(res.metrics)
    regions = list(pd.unique(m["region"].astype(str)))
    charts = []
    for metric in [x for x in metrics if x in m.columns]:
        fig = go.Figure()
        frames = {}
        for i, region in enumerate(regions):
            f = m.loc[m["region"].astype(str) == region, ["month", metric]].sort_values("month")
            frames[region] = f
            x = f["month"].to_numpy() / 12.0
            y = f[metric].to_numpy(dtype=float)
            if metric in FLOW_METRICS:
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=y,
                        mode="lines",
                        line={"color": color(i), "width": 1},
                        opacity=0.35,
                        name=f"{region} (monthly)",
                        legendgroup=region,
                        showlegend=False,
                    )
                )
                y = pd.Series(y).rolling(6, min_periods=1).mean().to_numpy()
                name = f"{region} (6-month mean)"
            else:
                name = region
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines",
                    line={"color": color(i), "width": 2.5},
                    name=name,
                    legendgroup=region,
                )
            )
        title = f"{metric_label(metric)} by region"
        base_layout(fig, title, X_TITLE, axis_label(metric))
        charts.append(Chart(title, fig, reading(metric, frames, metric)))
    return charts


def _summary_of(ens: Any) -> pd.DataFrame:
    s = ens.summary() if callable(getattr(ens, "summary", None)) else ens.summary
    if not isinstance(s, pd.DataFrame):
        raise TypeError("an ensemble's summary() must return a DataFrame")
    need = {"month", "region", "metric", "q05", "q95"}
    missing = need - set(s.columns)
    if missing:
        raise TypeError(f"ensemble summary lacks columns {sorted(missing)}")
    return s


def _centre(s: pd.DataFrame) -> str:
    # the mean, as the command line prints (the median only when no mean was computed)
    return "mean" if "mean" in s.columns else "median"


def pick_metrics(available: Sequence[str], wanted: Sequence[str] = DEFAULT_METRICS) -> list[str]:
    """The wanted metrics that are available, else the first six available."""
    got = [m for m in wanted if m in set(available)]
    return got or list(available)[:6]


def _band_traces(
    fig: go.Figure, f: pd.DataFrame, name: str, i: int, centre: str, dash: str | None = None
) -> None:
    f = f.sort_values("month")
    x = f["month"].to_numpy() / 12.0
    c = color(i)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=f["q95"],
            mode="lines",
            line={"width": 0, "color": c},
            name=f"{name} 95th percentile",
            legendgroup=name,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=f["q05"],
            mode="lines",
            line={"width": 0, "color": c},
            fill="tonexty",
            fillcolor=rgba(c, 0.18),
            name=f"{name} 90% band",
            legendgroup=name,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=f[centre],
            mode="lines",
            line={"width": 2.5, "color": c, "dash": dash or "solid"},
            name=f"{name} ({centre})",
            legendgroup=name,
        )
    )


def _band_reading(metric: str, frames: dict[str, pd.DataFrame], centre: str) -> str:
    base = reading(metric, frames, centre)
    spans = []
    for name, f in list(frames.items())[: 0 if metric in FLOW_METRICS else 3]:
        last = f.sort_values("month").iloc[-1] if not f.empty else None
        if last is not None:
            spans.append(f"{name} {fmt(last['q05'])}–{fmt(last['q95'])}")
    tail = f" 90% of runs end within: {'; '.join(spans)}." if spans else ""
    return f"{centre.capitalize()} over runs: {base[0].lower()}{base[1:]}{tail}"


def band_charts(
    named: dict[str, pd.DataFrame], metrics: Sequence[str] | None = None, what: str = "region"
) -> list[Chart]:
    """Charts of central lines with 90% bands, one series per key of ``named``.

    ``named`` maps a series name (a region, or ``scenario · region``) to a tidy summary frame
    with ``month``, ``metric``, ``q05``, ``q95`` and ``median`` or ``mean``.
    """
    if not named:
        return []
    all_metrics: list[str] = []
    for f in named.values():
        for x in pd.unique(f["metric"].astype(str)):
            if x not in all_metrics:
                all_metrics.append(x)
    chosen = list(metrics) if metrics is not None else pick_metrics(all_metrics)
    charts = []
    for metric in chosen:
        fig = go.Figure()
        frames: dict[str, pd.DataFrame] = {}
        centre = "median"
        for i, (name, f) in enumerate(named.items()):
            g = f[f["metric"].astype(str) == metric]
            if g.empty:
                continue
            centre = _centre(g)
            frames[name] = g
            _band_traces(fig, g, name, i, centre)
        if not frames:
            continue
        title = f"{metric_label(metric)} by {what}, with 90% band over runs"
        base_layout(fig, title, X_TITLE, axis_label(metric))
        charts.append(Chart(title, fig, _band_reading(metric, frames, centre)))
    return charts


def ensemble_charts(ens: Any, metrics: Sequence[str] | None = None) -> list[Chart]:
    """Time series of an ensemble: the mean per region with its 5–95% band."""
    m = getattr(ens, "metrics", None)
    if isinstance(m, pd.DataFrame) and {"run_id", "month", "region"} <= set(m.columns):
        named = describe_runs(m, "region", metrics or DEFAULT_METRICS)
        return band_charts(named, metrics, "region")
    s = _summary_of(ens)
    named = {str(r): g for r, g in s.groupby(s["region"].astype(str), sort=False)}
    return band_charts(named, metrics, "region")


def _total_region(regions: Sequence[str]) -> str | None:
    for r in regions:
        if r.lower() in ("all", "total", "*"):
            return r
    return None


def comparison_charts(
    ensembles: dict[str, Any], metrics: Sequence[str] | None = None
) -> list[Chart]:
    """Overlaid bands of several ensembles (one colour per scenario, or scenario and region).

    Where every ensemble has a total region (``all`` or ``total``) only it is drawn.
    """
    named: dict[str, pd.DataFrame] = {}
    summaries = {name: _summary_of(e) for name, e in ensembles.items()}
    totals = {
        n: _total_region(list(pd.unique(s["region"].astype(str)))) for n, s in summaries.items()
    }
    use_totals = all(v is not None for v in totals.values())
    for name, s in summaries.items():
        regs = s["region"].astype(str)
        if use_totals:
            named[name] = s[regs == totals[name]]
            continue
        uniq = list(pd.unique(regs))
        for r in uniq:
            key = name if len(uniq) == 1 else f"{name} · {r}"
            named[key] = s[regs == r]
    return band_charts(named, metrics, "scenario")


#: Metrics averaged (not summed) when regions are pooled.
MEAN_METRICS = frozenset(
    {"belief", "under35_share", "cross_skill_share", "time_to_subsidy_days", "experiment_cost"}
)


def describe_runs(
    metrics: pd.DataFrame, by: str, wanted: Sequence[str] = DEFAULT_METRICS
) -> dict[str, pd.DataFrame]:
    """Bands from per-run metrics (``run_id``, ``month``, ``region``, ``by`` and metrics).

    Regions are pooled per run (counts and money summed, shares and indices averaged), then
    mean, median, q05, q95 and n are taken over runs per ``by`` value and month.

    Returns
    -------
    dict
        ``by`` value -> tidy frame (month, metric, mean, median, q05, q95, n).
    """
    m = _with_investment(metrics)
    run = "run_id" if "run_id" in m.columns else "replicate"
    cols = pick_metrics([c for c in m.columns if c in METRIC_INFO_KEYS], wanted)
    agg = {c: ("mean" if c in MEAN_METRICS else "sum") for c in cols}
    pooled = m.groupby([by, run, "month"], sort=False, observed=True).agg(agg).reset_index()
    long = pooled.melt(id_vars=[by, run, "month"], value_vars=cols, var_name="metric")
    g = long.groupby([by, "month", "metric"], sort=False, observed=True)["value"]
    out = g.agg(
        mean="mean",
        median="median",
        q05=lambda v: v.quantile(0.05),
        q95=lambda v: v.quantile(0.95),
        n="count",
    ).reset_index()
    return {str(k): f.drop(columns=[by]) for k, f in out.groupby(by, sort=False, observed=True)}


def final_values(s: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Last-month central value and 90% interval per region and metric of a summary frame."""
    centre = _centre(s)
    last = s[s["month"] == s["month"].max()]
    last = last[last["metric"].astype(str).isin(list(metrics))]
    rows = []
    for _, r in last.iterrows():
        unit = metric_unit(str(r["metric"]))
        rows.append(
            {
                "region": r["region"],
                "metric": with_unit(metric_label(str(r["metric"])), unit),
                centre: float(r[centre]),
                "90% interval": f"{fmt(r['q05'])} – {fmt(r['q95'])}",
                "runs": int(r["n"]) if "n" in r and not pd.isna(r["n"]) else np.nan,
            }
        )
    return pd.DataFrame(rows)
