"""Reports of sweeps and sensitivity analyses: where in parameter space the outcomes move.

A sweep's report shows, for each outcome, every run against each parameter (one panel per
parameter, point means joined by a line when a parameter takes few values) and, with two
parameters, a heatmap of point means; a sensitivity report adds Sobol S1/ST bars with their
confidence intervals, or Morris mu* bars with intervals and a mu*-sigma plot. Parameters are
labelled in words with the scenario field's unit where the path names one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rainforest.report._common import (
    Chart,
    Section,
    Table,
    base_layout,
    color,
    fmt,
    metric_label,
    metric_unit,
)

#: Outcomes drawn per report (the rest stay in the tables).
MAX_OUTCOMES = 8


def parameter_label(path_or_label: str, parameters: Any = ()) -> str:
    """A parameter in words: its lever label with the unit of the field it sets."""
    from rainforest.i18n import lever_label

    path = path_or_label
    for p in parameters:
        if getattr(p, "label", None) == path_or_label:
            path = getattr(p, "path", path_or_label)
    label = lever_label(path) if "." in path else path.replace("_", " ")
    return label


def outcome_label(name: str) -> str:
    """An outcome's label with its unit when it is a metric name (user names kept as given)."""
    label = metric_label(name)
    unit = metric_unit(name).replace("/month", "")
    return f"{label} ({unit})" if unit else label


def _runs_vs_parameters(res: Any, outcome: str) -> Chart:
    params = res.parameter_names
    df = res.outcomes
    means = res.point_means()
    fig = make_subplots(rows=1, cols=len(params), shared_yaxes=True, horizontal_spacing=0.04)
    for j, p in enumerate(params, start=1):
        x = pd.to_numeric(df[p], errors="coerce")
        fig.add_trace(
            go.Scatter(
                x=df[p],
                y=df[outcome],
                mode="markers",
                marker={"size": 5, "color": color(0), "opacity": 0.45},
                name="runs",
                showlegend=j == 1,
                hovertemplate=f"{p}=%{{x}}<br>{outcome}=%{{y:,.3g}}<extra>run</extra>",
            ),
            row=1,
            col=j,
        )
        if x.notna().all() and df[p].nunique() <= 12:
            m = means.groupby(p, sort=True)[outcome].mean()
            runs = df.groupby(p, sort=True)[outcome]
            lo, hi = runs.quantile(0.05).reindex(m.index), runs.quantile(0.95).reindex(m.index)
            fig.add_trace(
                go.Scatter(
                    x=m.index,
                    y=m.to_numpy(),
                    mode="lines+markers",
                    line={"color": color(1)},
                    name="mean over points (bars: 90% of runs)",
                    showlegend=j == 1,
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": (hi - m).clip(lower=0).to_numpy(),
                        "arrayminus": (m - lo).clip(lower=0).to_numpy(),
                        "color": color(1),
                    },
                ),
                row=1,
                col=j,
            )
        fig.update_xaxes(title_text=parameter_label(p, res.design.parameters), row=1, col=j)
    base_layout(
        fig,
        f"{outcome_label(outcome)} against each parameter",
        "",
        outcome_label(outcome),
        height=360,
    )
    fig.update_yaxes(rangemode="tozero")
    corr = []
    for p in params:
        x = pd.to_numeric(df[p], errors="coerce")
        if x.notna().all() and x.nunique() > 1:
            c = np.corrcoef(x, df[outcome])[0, 1]
            corr.append((abs(c), p, c))
    reading = f"{len(df)} runs at {df['point'].nunique()} points."
    if corr:
        _, p, c = max(corr)
        reading += (
            f" {outcome_label(outcome)} moves most with {parameter_label(p, res.design.parameters)}"
            f" (correlation {c:+.2f} over runs)."
        )
    return Chart(f"{outcome_label(outcome)}: runs in parameter space", fig, reading)


def _heatmap(res: Any, outcome: str) -> Chart | None:
    px, py = res.parameter_names[:2]
    means = res.point_means()
    if means[px].nunique() > 25 or means[py].nunique() > 25:
        return None
    grid = means.pivot_table(index=py, columns=px, values=outcome, aggfunc="mean")
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[str(v) for v in grid.columns],
            y=[str(v) for v in grid.index],
            colorscale="Viridis",
            colorbar={"title": {"text": outcome_label(outcome)}},
            hovertemplate=f"{px}=%{{x}}<br>{py}=%{{y}}<br>mean %{{z:,.3g}}<extra></extra>",
        )
    )
    params = res.design.parameters
    base_layout(
        fig,
        f"{outcome_label(outcome)}: mean over replicates",
        parameter_label(px, params),
        parameter_label(py, params),
        height=380,
    )
    z = grid.to_numpy(float)
    if np.isfinite(z).any():
        iy, ix = np.unravel_index(np.nanargmax(z), z.shape)
        reading = (
            f"Highest mean {fmt(z[iy, ix])} at {px} = {grid.columns[ix]}, "
            f"{py} = {grid.index[iy]}; lowest {fmt(np.nanmin(z))}."
        )
    else:
        reading = "No finished runs."
    return Chart(f"{outcome_label(outcome)} over {px} and {py}", fig, reading)


def sweep_sections(res: Any) -> list[Section]:
    """Parameter-space plots and the per-point table of a :class:`SweepResult`."""
    outcomes = res.outcome_names[:MAX_OUTCOMES]
    charts: list[Any] = []
    for o in outcomes:
        charts.append(_runs_vs_parameters(res, o))
        if len(res.parameter_names) >= 2:
            h = _heatmap(res, o)
            if h is not None:
                charts.append(h)
    summ = res.summary()
    summ = summ.assign(
        **{
            "mean [90% interval]": [
                f"{fmt(m)} [{fmt(a)}, {fmt(b)}]"
                for m, a, b in zip(summ["mean"], summ["q05"], summ["q95"], strict=True)
            ]
        }
    )
    cols = ["point", *res.parameter_names, "outcome", "mean [90% interval]", "median", "n"]
    table = Table(
        "Outcomes at every point",
        summ[[c for c in cols if c in summ.columns]],
        reading=f"{len(res.design)} points x {res.runs_per_point} run(s) ({res.design.method}).",
        note="mean with the 5%-95% range over the runs of each point; median for reference.",
        index=False,
    )
    names = ", ".join(parameter_label(p, res.design.parameters) for p in res.parameter_names)
    intro = (
        f"{len(res.design)} points ({res.design.method} design) x {res.runs_per_point} run(s); "
        f"parameters: {names}."
    )
    return [Section("Parameter space", charts, intro=intro), Section("Points", [table])]


def _sobol_chart(ind: pd.DataFrame, outcome: str, conf: float, params: Any) -> Chart:
    sel = ind[ind["outcome"] == outcome].sort_values("ST", ascending=True)
    labels = [parameter_label(p, params) for p in sel["parameter"]]
    fig = go.Figure()
    for k, (col, name) in enumerate((("S1", "first order S1"), ("ST", "total ST"))):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=sel[col],
                orientation="h",
                name=name,
                marker_color=color(k),
                error_x={"type": "data", "array": sel[f"{col}_conf"], "visible": True},
            )
        )
    base_layout(
        fig,
        f"Sobol indices of {outcome_label(outcome)}",
        f"share of the outcome's variance (bars: {100 * conf:g}% intervals)",
        "",
        barmode="group",
        height=120 + 40 * len(sel),
    )
    fig.update_xaxes(rangemode="tozero")
    top = sel.iloc[-1] if len(sel) else None
    reading = (
        f"{parameter_label(top['parameter'], params)} explains the most: ST {fmt(top['ST'])} "
        f"± {fmt(top['ST_conf'])}, S1 {fmt(top['S1'])} ± {fmt(top['S1_conf'])}."
        if top is not None
        else "No indices."
    )
    return Chart(f"Sobol: {outcome_label(outcome)}", fig, reading)


def _morris_chart(ind: pd.DataFrame, outcome: str, conf: float, params: Any) -> Chart:
    sel = ind[ind["outcome"] == outcome].sort_values("mu_star", ascending=True)
    labels = [parameter_label(p, params) for p in sel["parameter"]]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.18)
    fig.add_trace(
        go.Bar(
            y=labels,
            x=sel["mu_star"],
            orientation="h",
            name="mu*",
            marker_color=color(0),
            error_x={"type": "data", "array": sel["mu_star_conf"], "visible": True},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=sel["mu_star"],
            y=sel["sigma"],
            mode="markers+text",
            text=labels,
            textposition="top center",
            name="sigma vs mu*",
            marker={"color": color(1), "size": 8},
        ),
        row=1,
        col=2,
    )
    base_layout(
        fig, f"Morris screening of {outcome_label(outcome)}", "", "", height=140 + 36 * len(sel)
    )
    fig.update_xaxes(title_text=f"mu* (mean |effect|, {100 * conf:g}% interval)", row=1, col=1)
    fig.update_xaxes(title_text="mu*", row=1, col=2, rangemode="tozero")
    fig.update_yaxes(
        title_text="sigma (interaction / non-linearity)", row=1, col=2, rangemode="tozero"
    )
    top = sel.iloc[-1] if len(sel) else None
    reading = (
        f"{parameter_label(top['parameter'], params)} has the largest mean effect: mu* "
        f"{fmt(top['mu_star'])} ± {fmt(top['mu_star_conf'])}."
        if top is not None
        else "No indices."
    )
    return Chart(f"Morris: {outcome_label(outcome)}", fig, reading)


def sensitivity_sections(res: Any) -> list[Section]:
    """Sobol or Morris charts per outcome, then the sweep's parameter-space plots."""
    ind = res.indices
    params = res.sweep.design.parameters
    outcomes = list(dict.fromkeys(ind["outcome"]))[:MAX_OUTCOMES]
    make = _sobol_chart if res.method == "sobol" else _morris_chart
    charts = [make(ind, o, res.conf_level, params) for o in outcomes]
    table = Table(
        "Indices", ind, reading=f"{res.method} indices per outcome and parameter.", index=False
    )
    head = Section(
        "Sensitivity",
        [*charts, table],
        intro=f"{res.method.capitalize()} analysis over {len(res.sweep.design)} points, "
        f"{len(res.sweep.outcomes)} runs.",
    )
    return [head, *sweep_sections(res.sweep)]
