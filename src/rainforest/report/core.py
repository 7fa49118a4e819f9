"""`report(obj, path)`: one self-contained HTML file for a Result, an Ensemble, a Comparison,
a Diagnosis or an Explanation.

Objects are recognised by their attributes, not their classes, so any object with the same
shape works (see :func:`kind_of`):

- explanation: ``attribution`` (DataFrame: group, value, lo, hi) and ``total_gap``;
- comparison: ``ensembles`` (mapping name -> ensemble) and optionally ``table``;
- result: ``metrics``, ``events`` and ``orgs`` DataFrames;
- diagnosis: ``typology`` / ``typology_weights`` / ``indicators`` / ``networks`` DataFrames;
- ensemble: ``summary()`` returning a tidy frame (month, region, metric, mean, median, q05,
  q95, n).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from rainforest.report import (
    attribution,
    flows,
    graph,
    network,
    outcomes,
    sizes,
    survival,
    tables,
    timeseries,
    validation,
)
from rainforest.report import typology as typ
from rainforest.report._common import Chart, Section, Table, df_attr
from rainforest.report.parameter_space import sensitivity_sections, sweep_sections
from rainforest.report.template import render_page

KINDS = (
    "result",
    "ensemble",
    "comparison",
    "diagnosis",
    "explanation",
    "whatif",
    "validation",
    "sweep",
    "sensitivity",
    "tables",
)


def _is_result(obj: Any) -> bool:
    return all(
        isinstance(getattr(obj, a, None), pd.DataFrame) for a in ("metrics", "events", "orgs")
    )


def _is_comparison(obj: Any) -> bool:
    if isinstance(getattr(obj, "ensembles", None), Mapping):
        return True
    return isinstance(getattr(obj, "outcomes", None), pd.DataFrame) and callable(
        getattr(obj, "table", None)
    )


def _is_ensemble(obj: Any) -> bool:
    return callable(getattr(obj, "summary", None)) and not _is_result(obj)


def kind_of(obj: Any) -> str:
    """Which report an object gets: one of :data:`KINDS`.

    Raises
    ------
    TypeError
        If the object has none of the shapes above.
    """
    if hasattr(obj, "attribution") and hasattr(obj, "total_gap"):
        return "explanation"
    if isinstance(getattr(obj, "indices", None), pd.DataFrame) and hasattr(obj, "sweep"):
        return "sensitivity"
    if hasattr(obj, "design") and isinstance(getattr(obj, "outcomes", None), pd.DataFrame):
        return "sweep"
    if _is_comparison(obj):
        return "comparison"
    if _is_result(obj):
        return "result"
    if any(
        isinstance(getattr(obj, a, None), pd.DataFrame)
        for a in ("typology", "typology_weights", "indicators", "networks")
    ):
        return "diagnosis"
    table = getattr(obj, "table", None)
    if isinstance(table, pd.DataFrame):
        if isinstance(getattr(obj, "changes", None), Mapping) and "difference" in table.columns:
            return "whatif"
        if {"published", "low", "high", "model"} <= set(table.columns):
            return "validation"
    if _is_ensemble(obj):
        return "ensemble"
    if _public_frames(obj):
        return "tables"
    raise TypeError(
        f"cannot report a {type(obj).__name__}: expected a Result, Ensemble, Comparison, "
        "Diagnosis or Explanation (see rainforest.report.core.kind_of)"
    )


def _name(obj: Any) -> str:
    for attr in ("name", "label"):
        v = getattr(obj, attr, None)
        if isinstance(v, str) and v:
            return v
    sc = getattr(obj, "scenario", None)
    if isinstance(getattr(sc, "name", None), str):
        return sc.name
    if isinstance(sc, str):
        return sc
    meta = getattr(obj, "meta", None)
    if isinstance(meta, dict) and meta.get("scenario"):
        return str(meta["scenario"])
    return ""


def _scenario_of(obj: Any) -> Any:
    sc = getattr(obj, "scenario", None)
    return sc if hasattr(sc, "regions") and hasattr(sc, "model_dump") else None


def _public_frames(obj: Any) -> list[str]:
    """Names of public, non-callable DataFrame attributes of ``obj``."""
    out = []
    for name in dir(obj):
        if name.startswith("_"):
            continue
        try:
            val = getattr(obj, name)
        except Exception:  # a property that fails is not the report's business
            continue
        if isinstance(val, pd.DataFrame):
            out.append(name)
    return out


def _extra_tables(obj: Any, shown: set[str]) -> list[Table]:
    """Public DataFrame attributes not shown elsewhere, as collapsed tables."""
    out = []
    for name in sorted(a for a in dir(obj) if not a.startswith("_")):
        if name in shown:
            continue
        try:
            val = getattr(obj, name)
        except Exception:  # a property that fails is not the report's business
            continue
        if isinstance(val, pd.DataFrame) and not val.empty:
            out.append(
                tables.frame_table(
                    val.head(500), f"{name} (first {min(len(val), 500)} rows)", collapsed=True
                )
            )
    return out


def _keep(*charts: Chart | None) -> list[Chart]:
    return [c for c in charts if c is not None]


# -- one builder per kind -------------------------------------------------------------------
def result_sections(res: Any) -> list[Section]:
    """Sections of a one-run report."""
    secs = [
        Section("Summary", [tables.run_table(res), tables.summary_table(res)]),
        Section(
            "Time series",
            list(timeseries.result_charts(res)),
            "Monthly values per region; flows are drawn monthly (thin) and as a 6-month mean.",
        ),
        Section(
            "Firms: survival and size",
            _keep(survival.survival_chart(res), sizes.size_chart(res)),
        ),
        Section(
            "Spin-off family trees",
            _keep(network.family_tree_chart(res), graph.genealogy_chart(res)),
        ),
        Section(
            "The people's ties",
            _keep(graph.ties_chart(res)),
            "The living network (M13-M16), when the run had it on: who knows whom at the end.",
        ),
        Section("Flows between regions", flows.flow_charts(res)),
    ]
    try:
        secs.append(Section("Opportunity density", [tables.density_table(res)]))
    except (KeyError, ValueError, ZeroDivisionError) as err:
        secs.append(
            Section(
                "Opportunity density",
                [Table("Opportunity density", pd.DataFrame(), reading=f"not available: {err}")],
            )
        )
    sc = _scenario_of(res)
    if sc is not None:
        secs.append(Section("Scenario values and sources", tables.provenance_tables(sc)))
    return secs


def _runs_of(ens: Any) -> list[Any]:
    for attr in ("results", "runs"):
        val = getattr(ens, attr, None)
        if isinstance(val, list | tuple) and val and _is_result(val[0]):
            return list(val)
    return []


def ensemble_sections(ens: Any) -> list[Section]:
    """Sections of an ensemble report (bands over runs; firms of the first run if kept)."""
    s = timeseries._summary_of(ens)
    n = int(s["n"].max()) if "n" in s.columns and len(s) else None
    info = pd.DataFrame(
        [
            ("scenario", _name(ens)),
            ("runs", "" if n is None else n),
            ("months", s["month"].nunique()),
            ("regions", ", ".join(map(str, pd.unique(s["region"].astype(str))))),
        ],
        columns=["item", "value"],
    ).astype({"value": str})
    metrics = timeseries.pick_metrics(list(pd.unique(s["metric"].astype(str))))
    final = timeseries.final_values(s, metrics)
    summary: list[Chart | Table] = [
        Table("Ensemble", info, index=False),
        Table(
            "End of run by region (central value and 90% interval over runs)",
            final,
            index=False,
        ),
    ]
    tot = df_attr(ens, "totals_summary")
    if tot is not None and not tot.empty:
        summary.append(
            tables.frame_table(
                tot,
                "Run totals by region (flows summed, stocks at the end; over runs)",
                collapsed=True,
            )
        )
    secs = [
        Section("Summary", summary),
        Section(
            "Time series",
            list(timeseries.ensemble_charts(ens)),
            "Central line: mean over runs; band: 5th to 95th percentile (as the CLI prints).",
        ),
    ]
    runs = _runs_of(ens)
    if runs:
        first = runs[0]
        secs.append(
            Section(
                f"Firms in run 1 of {len(runs)}",
                _keep(
                    survival.survival_chart(first),
                    sizes.size_chart(first),
                    network.family_tree_chart(first),
                ),
            )
        )
    sc = _scenario_of(ens)
    if sc is not None:
        secs.append(Section("Scenario values and sources", tables.provenance_tables(sc)))
    return secs


def comparison_sections(cmp: Any) -> list[Section]:
    """Sections of a comparison: its table, outcomes side by side, overlaid bands.

    Works with :class:`rainforest.experiments.Comparison` (``table()``, ``outcomes``,
    ``metrics`` with a ``scenario`` column, ``scenarios``) and with objects that hold
    ``ensembles`` (name -> ensemble).
    """
    ensembles = dict(getattr(cmp, "ensembles", None) or {})
    tab = df_attr(cmp, "table")
    labels = list(getattr(cmp, "labels", None) or ensembles)
    items: list[Chart | Table] = []
    if tab is not None:
        items += _keep(outcomes.outcome_chart(tab))
        items.append(tables.frame_table(tab, "Comparison table"))
    diff = None
    if callable(getattr(cmp, "differences", None)):
        try:
            diff = cmp.differences()
        except Exception:  # differences need paired runs; leave them out otherwise
            diff = None
    if isinstance(diff, pd.DataFrame) and not diff.empty:
        items.append(
            tables.frame_table(
                diff,
                "Paired differences from the baseline (same seeds)",
                reading=f"Differences from {diff['baseline'].iloc[0]}, replicate by replicate."
                if "baseline" in diff.columns
                else "",
            )
        )
    for name, ens in ensembles.items():
        s = timeseries._summary_of(ens)
        metrics = timeseries.pick_metrics(list(pd.unique(s["metric"].astype(str))))
        items.append(
            Table(
                f"{name}: end of run (90% interval over runs)",
                timeseries.final_values(s, metrics),
                index=False,
                collapsed=True,
            )
        )
    secs = [Section("Summary", items, f"Scenarios compared: {', '.join(map(str, labels))}.")]
    if ensembles:
        secs.append(Section("Time series", list(timeseries.comparison_charts(ensembles))))
    else:
        m = getattr(cmp, "metrics", None)
        if isinstance(m, pd.DataFrame) and "scenario" in m.columns and not m.empty:
            named = timeseries.describe_runs(m, "scenario")
            secs.append(
                Section(
                    "Time series",
                    timeseries.band_charts(named, what="scenario"),
                    "All regions of each scenario pooled; mean over runs with its 90% band.",
                )
            )
    scenarios = list(getattr(cmp, "scenarios", None) or [])
    if not scenarios:
        scenarios = [_scenario_of(e) for e in ensembles.values()]
    levers = []
    for name, sc in zip(labels, scenarios, strict=False):
        if sc is None or not hasattr(sc, "model_dump"):
            continue
        for t in tables.provenance_tables(sc):
            if t.title.startswith("Culture and policy"):
                levers.append(t.frame.assign(scenario=name))
    if levers:
        secs.append(
            Section(
                "Levers and sources",
                [
                    Table(
                        "Culture and policy levers of each scenario",
                        pd.concat(levers, ignore_index=True),
                        index=False,
                        collapsed=True,
                    )
                ],
            )
        )
    return secs


def diagnosis_sections(diag: Any) -> list[Section]:
    """Sections of a diagnosis: typology weights, scorecard, networks, survival, multiples.

    Works with :class:`rainforest.metrics.Diagnosis` and with objects holding any of
    ``typology`` (or ``typology_weights``), ``scorecard``/``indicators`` and ``networks``.
    """
    secs = []
    w = df_attr(diag, "typology", "typology_weights", "weights")
    if w is not None and not w.empty:
        items: list[Chart | Table] = _keep(typ.typology_chart(w))
        items.append(tables.frame_table(w, "Typology weights"))
        b = df_attr(diag, "brookings")
        if b is not None and not b.empty:
            items.append(tables.frame_table(b, "Brookings district types (weights)"))
        d = None
        if callable(getattr(diag, "top_drivers", None)):
            try:
                d = diag.top_drivers()
            except Exception:  # drivers are a nicety
                d = None
        if isinstance(d, pd.DataFrame) and not d.empty:
            items.append(tables.frame_table(d, "What drives the leading model (top indicators)"))
        secs.append(Section("District typology", items))
    ind = df_attr(diag, "scorecard", "indicators", "opportunity_density", "density")
    if ind is not None and not ind.empty:
        wide = tables.wide_indicators(ind)
        if wide is not None:
            from rainforest.i18n import t

            items = [Table(t("wide_title"), wide, reading=t("wide_reading"), index=False)]
        else:
            items = [tables.frame_table(ind, "Scorecard")]
        secs.append(Section("Indicators", items))
    net = df_attr(diag, "networks", "network", "edges")
    pictures = _genealogy_pictures(diag)
    if (net is not None and not net.empty) or pictures:
        net = net if net is not None else pd.DataFrame()
        chart = network.edge_network_chart(net) if not net.empty else None
        nitems: list[Chart | Table] = [*pictures, *_keep(chart)]
        if chart is None and not net.empty:
            nitems.append(tables.frame_table(net, "Network indicators"))
        fam = df_attr(diag, "family_trees")
        if fam is not None and not fam.empty:
            top = fam.sort_values(
                fam.columns[fam.columns.get_loc("descendants")]
                if "descendants" in fam.columns
                else fam.columns[0],
                ascending=False,
            ).head(20)
            nitems.append(tables.frame_table(top, "Largest spin-off families"))
        secs.append(Section("Networks", nitems))
    firms: list[Chart | Table] = []
    sv = df_attr(diag, "survival")
    if sv is not None and not sv.empty:
        firms += _keep(survival.survival_table_chart(sv))
    mult = df_attr(diag, "multiples")
    if mult is not None and not mult.empty:
        firms += _keep(outcomes.multiples_chart(mult))
    if firms:
        secs.append(Section("Firms and investors", firms))
    res = getattr(diag, "result", None)
    if res is not None and _is_result(res):
        secs.append(Section("Opportunity density of the run", [tables.density_table(res)]))
    sc = _scenario_of(diag)
    if sc is not None:
        secs.append(Section("Scenario values and sources", tables.provenance_tables(sc)))
    return secs


def _genealogy_pictures(diag: Any) -> list[Chart]:
    """Network pictures of each diagnosed district's first run: its spin-off genealogy and,
    when the living network was on, its people's ties; from ``diag.genealogy`` (label ->
    object with ``orgs`` and ``meta``) or ``diag.result``."""
    runs = dict(getattr(diag, "genealogy", None) or {})
    res = getattr(diag, "result", None)
    if not runs and res is not None and isinstance(getattr(res, "orgs", None), pd.DataFrame):
        runs = {_name(res): res}
    out = []
    for label, r in runs.items():
        for chart in (graph.genealogy_chart(r), graph.ties_chart(r)):
            if chart is not None:
                chart.title = f"{chart.title}: {label}"
                chart.figure.update_layout(title={"text": chart.title})
                out.append(chart)
    return out


def explanation_sections(expl: Any) -> list[Section]:
    """Sections of an explanation: the attribution waterfall and table, then the comparison."""
    intro = getattr(expl, "outcome_description", "")
    secs = [
        Section(
            "Attribution of the gap",
            [attribution.waterfall_chart(expl), attribution.attribution_table(expl)]
            + _keep(attribution.best_moves_chart(expl)),
            (f"Outcome: {intro}. " if isinstance(intro, str) and intro else "")
            + "Each bar is the part of the gap between the two scenarios that moving one group "
            "of levers accounts for; whiskers show the 90% interval over runs.",
        )
    ]
    cmp = getattr(expl, "comparison", None)
    if cmp is not None and isinstance(getattr(cmp, "ensembles", None), Mapping):
        secs += comparison_sections(cmp)
    return secs


def whatif_sections(w: Any) -> list[Section]:
    """Sections of a what-if: the changes, their effect on each outcome, the table."""
    changes = dict(getattr(w, "changes", {}) or {})
    ch = pd.DataFrame({"path": list(changes), "new value": [str(v) for v in changes.values()]})
    items: list[Chart | Table] = [Table("Changes", ch, index=False)]
    items += _keep(outcomes.effects_chart(w.table, changes))
    items.append(tables.frame_table(w.table, "Effects by outcome (and year)", collapsed=True))
    return [Section("What if", items)]


def validation_sections(v: Any) -> list[Section]:
    """Sections of a validation: model vs published regularities, and the table."""
    items: list[Chart | Table] = _keep(validation.validation_chart(v.table))
    items.append(tables.frame_table(v.table, "Regularities, published and simulated"))
    return [Section("Validation against published regularities", items)]


def tables_sections(obj: Any) -> list[Section]:
    """A plain report of any object's DataFrame attributes (one table each)."""
    frames = [
        tables.frame_table(getattr(obj, n).head(500), n, collapsed=len(getattr(obj, n)) > 40)
        for n in _public_frames(obj)
    ]
    return [Section("Tables", list(frames))]


_BUILDERS = {
    "result": result_sections,
    "ensemble": ensemble_sections,
    "comparison": comparison_sections,
    "diagnosis": diagnosis_sections,
    "explanation": explanation_sections,
    "whatif": whatif_sections,
    "validation": validation_sections,
    "sweep": sweep_sections,
    "sensitivity": sensitivity_sections,
    "tables": tables_sections,
}

_SHOWN = {
    "sweep": {"outcomes", "series", "metrics", "runs"},
    "sensitivity": {"indices", "sweep", "second_order"},
    "result": {"metrics", "events", "orgs", "investments", "investors", "contact_distance"},
    "ensemble": {"metrics"},
    "comparison": {"table", "metrics"},
    "diagnosis": {
        "typology",
        "typology_weights",
        "weights",
        "indicators",
        "scorecard",
        "networks",
        "brookings",
        "survival",
        "multiples",
        "family_trees",
    },
    "explanation": {"attribution", "best_moves"},
    "whatif": {"table"},
    "validation": {"table"},
    "tables": set(),
}


def build_sections(obj: Any) -> list[Section]:
    """The report's sections for ``obj`` (its kind decided by :func:`kind_of`)."""
    kind = kind_of(obj)
    secs = _BUILDERS[kind](obj)
    if kind not in ("result", "tables"):
        extra = _extra_tables(obj, _SHOWN[kind])
        if extra:
            secs.append(Section("Other tables", list(extra)))
    return secs


def report_html(obj: Any, title: str | None = None) -> str:
    """The report of ``obj`` as an HTML string (see :func:`report`)."""
    kind = kind_of(obj)
    name = _name(obj)
    head = title or f"rainforest {kind} report" + (f": {name}" if name else "")
    subtitle = {
        "result": "One simulated run: time series, firm survival and sizes, spin-offs, flows, "
        "opportunity density and the sources of every value.",
        "ensemble": "Many runs of one scenario: central values with 90% bands.",
        "comparison": "Several scenarios side by side, with 90% bands over runs.",
        "diagnosis": "What kind of district this is: typology, indicators and networks.",
        "explanation": "Which lever groups account for how much of the gap between two scenarios.",
        "whatif": "What a change to a scenario does to every outcome, with 90% intervals.",
        "validation": "The model against published regularities of firms and venture returns.",
        "sweep": "Outcomes over a design of parameter values: every run in parameter space.",
        "sensitivity": "Which parameters move the outcomes: sensitivity indices with intervals.",
        "tables": "The tables of this object.",
    }[kind]
    return render_page(head, subtitle, build_sections(obj))


def report(obj: Any, path: str | Path, title: str | None = None, lang: str | None = None) -> Path:
    """Write a self-contained HTML report of ``obj`` to ``path``.

    Parameters
    ----------
    obj
        A :class:`~rainforest.result.Result`, an ensemble, a comparison, a diagnosis or an
        explanation (recognised by attributes, see :func:`kind_of`).
    path
        Output file; parent folders are created. ``.html`` is conventional.
    title
        Page title (default: the kind and scenario name).
    lang
        ``"en"`` or ``"zh"`` for the labels of metrics and units (default: the current
        language, see :func:`rainforest.i18n.get_lang`; the CLI sets it with ``--lang``).

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Every chart has a title, axis titles with units (money in million yuan) and a one-line
    reading computed from the data. plotly.js is embedded once, so the file (about 5 MB) opens
    offline from ``file://``.

    Examples
    --------
    >>> import rainforest as rf
    >>> res = rf.simulate("hangzhou", years=5, seed=1)   # doctest: +SKIP
    >>> rf.report(res, "hangzhou.html")                   # doctest: +SKIP
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    from rainforest.i18n import use_lang

    with use_lang(lang):
        text = report_html(obj, title)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
