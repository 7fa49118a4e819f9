"""Tables: run summary, opportunity density (with the Caohejing reference) and provenance.

Opportunity density follows seed 000's Caohejing figures (output, listed firms, talent and
specialised SMEs per km², valid invention patents per 10,000 people, share under 35, new firms
and technology transfers per day), computed over the last 12 reported months of a run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rainforest.report._common import Table, fmt

#: indicator -> (unit, Caohejing value, source)
CAOHEJING = {
    "output per km²": ("million yuan/km²/yr", 90000.0, "seed 000: 900億元/平方公里的單位產出"),
    "listed firms per km²": ("firms/km²", 12.0, "seed 000: 12家上市公司/平方公里"),
    "talent per km²": ("people/km²", 50000.0, "seed 000: 30多萬高知人才 on 將近6平方公里"),
    "valid invention patents per 10,000 people": (
        "patents/10,000 people",
        498.0,
        "seed 000: 498項/萬人的有效發明專利數",
    ),
    "share under 35": ("share", 0.80, "seed 000: 35歲以下青年人口占比高達80%"),
    "new firms per day": ("firms/day", 1.0, "seed 000: 平均每天誕生1家企業"),
    "technology transfers per day": (
        "transfers/day",
        1.0,
        "seed 000: 平均每天就有一個科技成果轉化",
    ),
    "specialised SMEs per km²": ("firms/km²", 78.0, "seed 000: 78家/平方公里的專精特新"),
}


def run_table(res: Any) -> Table:
    """What was run: scenario, seed, scale, period, simulated people, version, timings."""
    meta = getattr(res, "meta", {}) or {}
    timings = meta.get("timings", {}) or {}
    secs = sum(float(v) for v in timings.values() if isinstance(v, int | float))
    rows = [
        ("scenario", meta.get("scenario", "")),
        ("scenario hash", meta.get("scenario_hash", "")),
        ("seed", meta.get("seed", "")),
        ("scale (real people per simulated person)", meta.get("scale", "")),
        ("reported months (after warm-up)", meta.get("months", "")),
        ("warm-up months", meta.get("warmup_months", "")),
        ("regions", ", ".join(map(str, meta.get("regions", [])))),
        ("simulated people", meta.get("simulated_people", "")),
        ("rainforest version", meta.get("version", "")),
        ("run time (s)", fmt(secs) if secs else ""),
    ]
    df = pd.DataFrame(rows, columns=["item", "value"]).astype({"value": str})
    return Table("Run", df, index=False)


def summary_table(res: Any) -> Table:
    """Key totals per region (flows summed over the run, stocks at the end)."""
    s = res.summary()
    units = {
        "people": "people",
        "foundings": "firms",
        "failures": "firms",
        "ipos": "firms",
        "unicorns": "firms",
        "startups_alive": "firms",
        "firms": "firms",
        "patents": "patents",
        "output": "million yuan",
    }
    s = s.rename(
        columns={c: f"{c.replace('_', ' ')} ({units[c]})" for c in s.columns if c in units}
    )
    first = s.columns[1] if len(s.columns) > 1 else s.columns[0]
    best = s[first].idxmax() if len(s) else ""
    reading = f"Totals over the run (stocks at the end); most {first.split(' (')[0]}: {best}."
    shown = s.copy()
    for c in shown.columns:
        shown[c] = [fmt(v) for v in s[c]]
    return Table("Summary by region", shown, reading=reading)


#: Column names of :func:`rainforest.metrics.opportunity_density` for each indicator.
_METRICS_COLUMNS = {
    "output per km²": "output_per_km2",
    "listed firms per km²": "listed_per_km2",
    "talent per km²": "talent_per_km2",
    "valid invention patents per 10,000 people": "patents_per_10k",
    "share under 35": "under35_share",
    "new firms per day": "new_firms_per_day",
    "technology transfers per day": "tech_transfers_per_day",
    "specialised SMEs per km²": "specialised_smes_per_km2",
}


def _from_metrics_package(res: Any) -> dict[str, dict[str, float]] | None:
    """The indicators from :mod:`rainforest.metrics` (last year per region), if available."""
    try:
        from rainforest.metrics import opportunity_density as od
    except ImportError:
        return None
    try:
        df = od(res)
    except Exception:  # a stand-in result the metrics package cannot read
        return None
    if not isinstance(df, pd.DataFrame) or df.empty:
        return None
    if isinstance(df.index, pd.MultiIndex):
        df = df.reset_index()
    if "region" not in df.columns:
        return None
    if "year" in df.columns:
        df = df.sort_values("year").groupby("region", sort=False, observed=True).tail(1)
    rows: dict[str, dict[str, float]] = {k: {} for k in CAOHEJING}
    for _, r in df.iterrows():
        for name, col in _METRICS_COLUMNS.items():
            rows[name][str(r["region"])] = float(r[col]) if col in r else np.nan
    return rows


def opportunity_density(res: Any) -> pd.DataFrame:
    """Opportunity-density indicators per region over the last year of a run.

    Uses :func:`rainforest.metrics.opportunity_density` when it can read the result, else
    computes the same set over the last 12 reported months.

    Returns a frame indexed by indicator with a ``unit`` column, one column per region and the
    Caohejing reference with its source.
    """
    rows = _from_metrics_package(res)
    if rows is None:
        rows = _own_density(res)
    df = pd.DataFrame(rows).T
    df.insert(0, "unit", [CAOHEJING[k][0] for k in df.index])
    df["Caohejing (seed 000)"] = [CAOHEJING[k][1] for k in df.index]
    df["source of reference"] = [CAOHEJING[k][2] for k in df.index]
    df.index.name = "indicator"
    return df


def _own_density(res: Any) -> dict[str, dict[str, float]]:
    m = res.metrics
    sc = getattr(res, "scenario", None)
    last = m[m["month"] > m["month"].max() - 12]
    months = last["month"].nunique()
    end = m[m["month"] == m["month"].max()].copy()
    end.index = end["region"].astype(str)
    rows: dict[str, dict[str, float]] = {k: {} for k in CAOHEJING}
    for region, g in last.groupby(last["region"].astype(str), sort=False):
        area = np.nan
        if sc is not None and region in getattr(sc, "regions", {}):
            area = float(sc.regions[region].area_km2)
        e = end.loc[region]
        year = 12.0 / max(months, 1)
        people = float(e["people"])
        rows["output per km²"][region] = g["output"].sum() * year / area
        rows["listed firms per km²"][region] = float(e["listed_firms"]) / area
        rows["talent per km²"][region] = people / area
        rows["valid invention patents per 10,000 people"][region] = (
            float(e["patent_stock"]) / people * 1e4 if people else np.nan
        )
        rows["share under 35"][region] = float(e.get("under35_share", np.nan))
        days = 365.0 * months / 12.0
        rows["new firms per day"][region] = g["foundings"].sum() / days
        rows["technology transfers per day"][region] = g["tech_transfers"].sum() / days
        rows["specialised SMEs per km²"][region] = float(e["specialised_smes"]) / area
    return rows


def density_table(res: Any) -> Table:
    """The opportunity-density table of a run, formatted, with a reading."""
    df = opportunity_density(res)
    regions = [
        c for c in df.columns if c not in ("unit", "Caohejing (seed 000)", "source of reference")
    ]
    shown = df.copy()
    for c in [*regions, "Caohejing (seed 000)"]:
        shown[c] = [fmt(v) for v in df[c]]
    reading = ""
    if regions:
        r = regions[0]
        ratio = df.loc["output per km²", r] / df.loc["output per km²", "Caohejing (seed 000)"]
        reading = (
            f"{r}: {fmt(df.loc['talent per km²', r])} knowledge workers and "
            f"{fmt(df.loc['output per km²', r])} million yuan of output per km² a year "
            f"({fmt(100 * ratio, 2)}% of Caohejing's density); "
            f"{fmt(df.loc['new firms per day', r])} new firms a day."
        )
    return Table(
        "Opportunity density (last year of the run)",
        shown,
        reading=reading,
        note="Area from the scenario (regions.*.area_km2); Caohejing figures from seed 000.",
    )


def provenance_tables(sc: Any) -> list[Table]:
    """The scenario's values with unit, description and source: levers first, then all."""
    try:
        from rainforest.scenario.provenance import provenance_table
    except ImportError:  # pragma: no cover - the scenario package always has it
        return []
    try:
        df = provenance_table(sc)
    except Exception as err:  # a stand-in scenario: report, do not fail
        return [Table("Scenario values and sources", pd.DataFrame(), reading=f"unavailable: {err}")]
    df = df.copy()
    df["value"] = df["value"].map(
        lambda v: fmt(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)
    )
    levers = df[df["path"].str.contains(r"\.(?:culture|policy)\.", regex=True)]
    cited = (~df["source"].str.startswith("model default")).sum()
    n_regions = levers["path"].str.split(".").str[1].nunique()
    out = []
    if not levers.empty:
        out.append(
            Table(
                "Culture and policy levers with their sources",
                levers.reset_index(drop=True),
                reading=f"{len(levers)} lever values across {n_regions} region(s).",
                index=False,
            )
        )
    out.append(
        Table(
            "Every scenario value with its source (provenance)",
            df.reset_index(drop=True),
            reading=f"{cited} of {len(df)} values cite a source; the rest are model defaults.",
            index=False,
            collapsed=True,
        )
    )
    return out


def frame_table(df: pd.DataFrame, title: str, reading: str = "", collapsed: bool = False) -> Table:
    """A generic table of a DataFrame, numbers formatted for reading."""
    shown = df.copy()
    for c in shown.columns:
        if pd.api.types.is_float_dtype(shown[c]):
            shown[c] = [fmt(v) for v in shown[c]]
    idx = not isinstance(df.index, pd.RangeIndex)
    return Table(title, shown, reading=reading, index=idx, collapsed=collapsed)


def wide_indicators(scorecard: pd.DataFrame) -> pd.DataFrame | None:
    """A scorecard as one row per indicator and one column per district, instead of one row
    per indicator and district (a diagnosis of five districts is ~100 rows, not ~500).

    Rows are labelled in words (the scorecard's ``description``, else the indicator name
    prettified) with their group and unit; each district's cell is the value (``± sd`` over
    runs when there were several; money with :func:`~rainforest.report._common.money`); a
    reference column follows when the scorecard has one. None when the table has no
    ``indicator``/``value`` columns.
    """
    from rainforest.i18n import metric_label, region_label, t, unit_label
    from rainforest.report._common import is_money, money

    df = scorecard
    if not {"indicator", "value"} <= set(df.columns):
        return None
    keys = [c for c in ("scenario", "region") if c in df.columns]
    if not keys:
        return None
    many_scenarios = "scenario" in df.columns and df["scenario"].astype(str).nunique() > 1
    many_regions = "region" in df.columns and df["region"].astype(str).nunique() > 1

    def district(row: pd.Series) -> str:
        parts = []
        if many_scenarios or not many_regions:
            parts.append(str(row.get("scenario", "")))
        if "region" in row and (many_regions or not parts[0]):
            parts.append(region_label(str(row["region"])))
        return " · ".join(p for p in parts if p)

    d = df.assign(_district=df.apply(district, axis=1))
    unit = d["unit"].astype(str) if "unit" in d.columns else pd.Series("", index=d.index)
    sd = d["sd"] if "sd" in d.columns else pd.Series(np.nan, index=d.index)

    def per(u: str) -> str:  # "million yuan/km²/yr" -> "/km²/yr"
        return u.split("million yuan", 1)[-1] if is_money(u) else ""

    def cell(v: Any, s: Any, u: str) -> str:
        show = (lambda x: money(x) + per(u)) if is_money(u) else fmt
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "–"
        text = show(v)
        if s is not None and isinstance(s, float) and np.isfinite(s) and s > 0:
            text += f" ± {show(s)}"
        return text

    d = d.assign(_cell=[cell(v, s, u) for v, s, u in zip(d["value"], sd, unit, strict=True)])
    if "description" in d.columns:
        label = d["description"].fillna("").astype(str)
        label = label.where(label != "", d["indicator"].map(metric_label))
    else:
        label = d["indicator"].map(metric_label)
    # money cells carry their own scale (thousand, million, billion yuan): the unit column
    # then says only what the money is per
    shown_unit = [unit_label("yuan" + per(u)) if is_money(u) else unit_label(u) for u in unit]
    d = d.assign(_label=label, _unit=shown_unit)
    rows = [c for c in ("group", "_label", "_unit") if c in d.columns]
    order = list(dict.fromkeys(d["_district"]))
    wide = d.pivot_table(
        index=rows, columns="_district", values="_cell", aggfunc="first", sort=False
    )
    wide = wide.reindex(columns=order)
    if "reference" in d.columns:
        ref = d.groupby(rows, sort=False)["reference"].first()
        first_unit = d.assign(_raw=unit).groupby(rows, sort=False)["_raw"].first()
        wide["reference"] = [
            "–" if pd.isna(r) else (money(r) + per(u) if is_money(u) else fmt(r))
            for r, u in zip(ref.reindex(wide.index), first_unit.reindex(wide.index), strict=True)
        ]
    wide = wide.reset_index().rename(
        columns={"group": t("group"), "_label": t("indicator"), "_unit": t("unit")}
    )
    wide.columns.name = None
    return wide
