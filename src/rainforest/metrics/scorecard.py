"""Diagnose: what kind of district is this, how dense is its opportunity, how connected is its
community? (question 1 of ``DESIGN.md``).

:func:`measure` reads one finished run: opportunity density, community, outcomes
(:mod:`~rainforest.metrics.indicators`), networks (:mod:`~rainforest.metrics.networks`),
triple-helix synergy (:mod:`~rainforest.metrics.triple_helix`) and the typology
(:mod:`~rainforest.metrics.typology`). :func:`diagnosis` turns finished runs of one or more
districts (and observed indicators) into a :class:`Diagnosis` of tidy DataFrames, ranking every
scalar against a preset reference (:mod:`~rainforest.metrics.reference`); :func:`render` prints
it as a rich scorecard (``rainforest diagnose``).

Nothing here simulates: :func:`rainforest.experiments.diagnosis.diagnose` runs the scenarios
and calls :func:`diagnosis`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.metrics import indicators as ind
from rainforest.metrics import networks as net
from rainforest.metrics import reference as refmod
from rainforest.metrics import triple_helix as th
from rainforest.metrics import typology as typ
from rainforest.metrics.channels import genealogy

GROUP_TITLES = {
    "opportunity": "Opportunity density (seed 000: Caohejing)",
    "community": "Community: temperature, density, connection (seed 000)",
    "outcome": "Outcomes",
    "network": "Networks",
    "synergy": "Triple-helix synergy (Leydesdorff)",
    "structure": "Structure (typology indicators)",
}
#: Network scalars reported per region: (graph, summary column) -> (indicator, unit, text)
NETWORK_SCALARS = {
    ("organisation", "giant_share"): (
        "org_giant_share",
        "share",
        "Organisation graph: giant-component share",
    ),
    ("organisation", "transitivity"): (
        "org_transitivity",
        "coefficient",
        "Organisation graph: clustering (transitivity)",
    ),
    ("organisation", "avg_path_length"): (
        "org_path_length",
        "steps",
        "Organisation graph: mean path length (giant)",
    ),
    ("organisation", "bridging_share"): (
        "org_bridging_share",
        "share",
        "Ties bridging university, industry, government",
    ),
    ("organisation", "mean_degree"): ("org_mean_degree", "ties", "Organisation graph: mean degree"),
    ("investment", "giant_share"): (
        "investment_giant_share",
        "share",
        "Investment graph: giant-component share",
    ),
    ("spinout", "mean_degree"): ("spinout_mean_degree", "ties", "Spin-out graph: mean degree"),
    ("cofounding", "giant_share"): (
        "cofounding_giant_share",
        "share",
        "Co-founding graph: giant-component share",
    ),
    ("collaboration", "giant_share"): (
        "collaboration_giant_share",
        "share",
        "Collaboration graph (10% sample): giant share",
    ),
}
KEY = ["scenario", "region", "group", "indicator"]


#: The living network's measures (``Result.meta["network"]``, M13-M16) in the scorecard:
#: key -> (indicator, unit, description). Issue 14 item 7.
LIVING_SCALARS = {
    "mean_degree": ("ties_per_person", "ties/person", "Living network: ties per person"),
    "clustering": (
        "tie_clustering",
        "coefficient",
        "Living network: mean local clustering (sampled people; Watts & Strogatz 1998)",
    ),
    "path_length": (
        "tie_path_length",
        "steps",
        "Living network: mean shortest path between people (sampled sources)",
    ),
    "within_1km_share": (
        "ties_within_1km",
        "share",
        "Living network: share of ties between people living within 1 km",
    ),
    "alumni_share": (
        "ties_through_alumni",
        "share",
        "Living network: share of the run's new ties made among alumni of one university "
        "cohort (classmates)",
    ),
    "remote_share": (
        "ties_across_regions",
        "share",
        "Living network: share of the run's new ties made with people of another region "
        "(hybrid work and online communities raise it, strict data rules lower it)",
    ),
    "novel_share": (
        "novel_combinations",
        "share",
        "Share of recombinant ideas that combined rarely used knowledge classes",
    ),
}


def living_network_rows(res: Any) -> pd.DataFrame:
    """Scorecard rows (group ``network``; region ``all``, or the region's name in a one-region
    run) of the living network's measures and
    the genealogy share (Klepper: firms descending from the five earliest large
    organisations); empty when the run had the network off."""
    cols = ["region", "group", "indicator", "value", "unit", "reference", "description"]
    living = res.meta.get("network") if isinstance(getattr(res, "meta", None), dict) else None
    if not living:
        return pd.DataFrame(columns=cols)
    regions = list(res.meta.get("regions") or [])
    where = regions[0] if len(regions) == 1 else "all"  # the run's network is one network
    out = [
        (where, "network", name, float(living.get(key, np.nan)), unit, np.nan, text)
        for key, (name, unit, text) in LIVING_SCALARS.items()
    ]
    out.append(
        (
            where,
            "network",
            "genealogy_share",
            genealogy(res),
            "share",
            np.nan,
            "Share of living firms descended through spin-offs from the five earliest large "
            "organisations (Klepper 2010)",
        )
    )
    return pd.DataFrame(out, columns=cols)


def measure(res, year: ind.YearSpec = None) -> dict[str, pd.DataFrame]:
    """Every metric of one run.

    Parameters
    ----------
    res : Result
        A finished run.
    year
        Year of the per-year indicator sets (default: the last year).

    Returns
    -------
    dict of DataFrame
        ``scalars`` (long: region, group, indicator, value, unit, reference, description —
        every number the scorecard ranks), ``structure`` (typology indicators by region),
        ``networks`` (:func:`~rainforest.metrics.networks.network_summary`), ``synergy``
        (:meth:`~rainforest.metrics.triple_helix.Synergy.to_frame`), ``survival``,
        ``family_trees`` and ``multiples``.
    """
    table = ind.indicator_table(res, year).drop(columns="year")
    rows = [table]
    surv = ind.survival(res)
    rows.append(
        pd.DataFrame(
            {
                "region": surv["region"],
                "group": "outcome",
                "indicator": [f"survival_{a}y" for a in surv["age"]],
                "value": surv["survival"],
                "unit": "share",
                "reference": surv["bls"],
                "description": [
                    f"Survival of new firms to age {a} (ref: US BLS)" for a in surv["age"]
                ],
            }
        )
    )
    nets = net.network_summary(res)
    for (graph, col), (name, unit, text) in NETWORK_SCALARS.items():
        sub = nets[nets["graph"] == graph]
        rows.append(
            pd.DataFrame(
                {
                    "region": sub["region"],
                    "group": "network",
                    "indicator": name,
                    "value": sub[col],
                    "unit": unit,
                    "reference": np.nan,
                    "description": text,
                }
            )
        )
    living = living_network_rows(res)
    if len(living):
        rows.append(living)
    syn = th.synergy(res)
    dec = syn.decomposition.set_index("group")
    bil = syn.bilateral.set_index("region")
    syn_rows = []
    for region in bil.index:
        t3 = dec.at["(total)", "T"] if region == "all" else dec["T"].get(region, np.nan)
        syn_rows += [
            (
                region,
                "synergy_T",
                t3,
                f"T(geography={syn.geography_unit}, technology, organisation); < 0 = synergy",
            ),
            (
                region,
                "synergy_T_tech_org",
                bil.at[region, "T_technology_organisation"],
                "Mutual information of technology and organisation size",
            ),
        ]
    syn_rows.append(
        (
            "all",
            "synergy_T_regions",
            syn.T_region,
            "T(region, technology, organisation) across regions",
        )
    )
    rows.append(
        pd.DataFrame(
            [
                {
                    "region": r,
                    "group": "synergy",
                    "indicator": i,
                    "value": v,
                    "unit": "millibits",
                    "reference": np.nan,
                    "description": d,
                }
                for r, i, v, d in syn_rows
            ]
        )
    )
    structure = typ.structural_indicators(res)
    st = structure.reset_index().melt(id_vars="region", var_name="indicator", value_name="value")
    specs = typ.TYPOLOGY_INDICATORS
    st["group"] = "structure"
    st["unit"] = st["indicator"].map(lambda i: specs[i].unit)
    st["reference"] = np.nan
    st["description"] = st["indicator"].map(lambda i: f"{specs[i].description} [{specs[i].source}]")
    rows.append(st)
    scalars = pd.concat(rows, ignore_index=True)
    scalars["region"] = scalars["region"].astype(str)
    return {
        "scalars": scalars,
        "structure": structure,
        "networks": nets,
        "synergy": syn.to_frame(),
        "survival": surv,
        "family_trees": net.family_trees(res),
        "multiples": ind.investment_multiples(res),
    }


@dataclass
class Diagnosis:
    """The diagnosis of one or more districts, as tidy DataFrames (column ``scenario`` first).

    Attributes
    ----------
    scorecard : DataFrame
        scenario, region, group, indicator, value, sd (over runs), unit, reference (Caohejing
        or BLS), percentile (0-100 among the presets' regions; NaN without a reference),
        description.
    typology : DataFrame
        scenario, region and one weight column per model of seed 001, plus ``label``.
    drivers : DataFrame
        Contributions of every indicator to every model (see
        :class:`~rainforest.metrics.typology.Typology`), with ``scenario``.
    brookings : DataFrame
        scenario, region, one weight column per Brookings type, ``label``.
    networks, synergy, survival, family_trees, multiples : DataFrame
        Means over runs of the corresponding :func:`measure` tables.
    missing : DataFrame
        scenario, region, indicator: typology indicators that were missing (never imputed).
    meta : dict
        Runs, years, seeds, reference provenance.
    """

    scorecard: pd.DataFrame
    typology: pd.DataFrame
    drivers: pd.DataFrame
    brookings: pd.DataFrame
    networks: pd.DataFrame
    synergy: pd.DataFrame
    survival: pd.DataFrame
    family_trees: pd.DataFrame
    multiples: pd.DataFrame
    missing: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """Jupyter display: a summary table and a small chart (:mod:`rainforest.notebook`)."""
        from rainforest.notebook import diagnosis_html

        return diagnosis_html(self)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every table by name."""
        return {
            name: getattr(self, name)
            for name in (
                "scorecard",
                "typology",
                "drivers",
                "brookings",
                "networks",
                "synergy",
                "survival",
                "family_trees",
                "multiples",
                "missing",
            )
        }

    def top_drivers(self, top: int = 3) -> pd.DataFrame:
        """The indicators that push each region's leading model up the most."""
        lab = self.typology[["scenario", "region", "label"]]
        d = self.drivers.merge(lab, on=["scenario", "region"])
        d = d[d["model"] == d["label"]].drop(columns="label")
        d = d.sort_values(["scenario", "region", "weight_effect"], ascending=[True, True, False])
        return d.groupby(["scenario", "region"], sort=False).head(top).reset_index(drop=True)


def _mean_runs(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """Mean of numeric columns over runs, by ``keys`` (first-run order kept)."""
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    allf = pd.concat(frames, ignore_index=True)
    num = [c for c in allf.columns if c not in keys and pd.api.types.is_numeric_dtype(allf[c])]
    other = [c for c in allf.columns if c not in keys and c not in num]
    g = allf.groupby(keys, sort=False, dropna=False)
    out = g[num].mean()
    if other:
        out = out.join(g[other].first())
    return out.reset_index()[list(frames[0].columns)]


def district_label(spec: Any, taken: set[str]) -> str:
    """A unique display label for a scenario spec (result, TOML path, name, Scenario), added
    to ``taken``; repeats get `` (2)``, `` (3)``..."""
    if hasattr(spec, "scenario") and hasattr(spec, "metrics"):
        name = spec.scenario.name
    elif isinstance(spec, str | Path):
        name = Path(spec).stem if str(spec).endswith(".toml") else str(spec)
    else:
        name = getattr(spec, "name", "scenario")
    label, k = name, 2
    while label in taken:
        label, k = f"{name} ({k})", k + 1
    taken.add(label)
    return label


def _observed_scalars(obs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    specs = typ.TYPOLOGY_INDICATORS
    for region, row in obs.iterrows():
        for name, value in row.items():
            if not np.isfinite(value):
                continue
            if name in ind.INDICATORS:
                i = ind.INDICATORS[name]
                rows.append((region, i.group, name, value, i.unit, i.reference, i.description))
            else:
                s = specs[name]
                rows.append(
                    (region, "structure", name, value, s.unit, None, f"{s.description} [observed]")
                )
    return pd.DataFrame(
        rows, columns=["region", "group", "indicator", "value", "unit", "reference", "description"]
    ).astype({"reference": float})


def diagnosis(
    districts: Iterable[tuple[str, Sequence[Any]]],
    observed: tuple[str, pd.DataFrame] | None = None,
    reference: refmod.Reference | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Diagnosis:
    """Measure finished runs of one or more districts (and observed indicators) into a
    :class:`Diagnosis`.

    Parameters
    ----------
    districts
        ``(label, results)`` pairs: the finished :class:`~rainforest.result.Result` runs of one
        scenario under a unique label (see :func:`district_label`). Numbers are means over the
        runs (``sd`` in the scorecard). Consumed one pair at a time, so a generator that
        simulates on demand holds one district's runs at once.
    observed
        ``(label, table)``: observed indicators of real districts (regions as index, see
        :func:`~rainforest.metrics.typology.read_observed`), diagnosed as one more scenario.
    reference
        Percentile reference; None leaves ``percentile`` NaN.
    meta
        Settings recorded in :attr:`Diagnosis.meta` (runs, seed, years...).

    Returns
    -------
    Diagnosis
    """
    parts: dict[str, list[pd.DataFrame]] = {
        k: []
        for k in (
            "scorecard",
            "typology",
            "drivers",
            "brookings",
            "networks",
            "synergy",
            "survival",
            "family_trees",
            "multiples",
            "missing",
        )
    }
    info: dict[str, Any] = {**(meta or {}), "scenarios": []}

    def add(label: str, name: str, frame: pd.DataFrame) -> None:
        f = frame.copy()
        f.insert(0, "scenario", label)
        parts[name].append(f)

    def add_typology(label: str, structure: pd.DataFrame, keep: list[str]) -> None:
        t = typ.classify(structure.loc[keep])
        b = typ.classify_brookings(structure.loc[keep])
        for name, tt in (("typology", t), ("brookings", b)):
            w = tt.weights.copy()
            w["label"] = tt.label()
            add(label, name, w.reset_index())
        add(label, "drivers", t.contributions)
        add(label, "missing", pd.concat([t.missing, b.missing]).drop_duplicates())

    for label, results in districts:
        if not results:
            raise ValueError(f"no runs to diagnose for {label!r}")
        measured = [measure(r) for r in results]
        regions = list(results[0].meta.get("regions", []))
        keep = regions + (["all"] if len(regions) > 1 else [])
        info["scenarios"].append(
            {
                "scenario": label,
                "name": results[0].scenario.name,
                "regions": regions,
                "years": int(results[0].metrics["year"].max()) + 1,
                "seeds": [r.meta.get("seed") for r in results],
            }
        )
        sc = pd.concat([m["scalars"].assign(run=k) for k, m in enumerate(measured)])
        sc = sc[sc["region"].isin(keep)]
        g = sc.groupby(["region", "group", "indicator"], sort=False)
        card = g.first().drop(columns=["value", "run"])
        card["value"] = g["value"].mean()
        card["sd"] = g["value"].std(ddof=1) if len(measured) > 1 else np.nan
        add(label, "scorecard", card.reset_index())
        structure = sum(m["structure"] for m in measured) / len(measured)
        add_typology(label, structure, keep)
        nets = _mean_runs([m["networks"] for m in measured], ["graph", "region"])
        add(label, "networks", nets[nets["region"].isin(keep)])
        add(label, "synergy", _mean_runs([m["synergy"] for m in measured], ["measure", "group"]))
        add(label, "survival", _mean_runs([m["survival"] for m in measured], ["region", "age"]))
        add(
            label,
            "family_trees",
            _mean_runs([m["family_trees"] for m in measured], ["org", "name", "kind", "region"]),
        )
        add(label, "multiples", _mean_runs([m["multiples"] for m in measured], ["bucket"]))

    if observed is not None:
        label, obs = observed
        card = _observed_scalars(obs)
        card["sd"] = np.nan
        add(label, "scorecard", card)
        add_typology(
            label, obs.reindex(columns=list(typ.TYPOLOGY_INDICATORS)), [str(r) for r in obs.index]
        )
        info["scenarios"].append(
            {"scenario": label, "name": "observed", "regions": [str(r) for r in obs.index]}
        )

    def cat(name: str) -> pd.DataFrame:
        frames = [f for f in parts[name] if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    card = cat("scorecard")
    if reference is not None and len(card):
        card["percentile"] = refmod.percentiles(card, reference.table)
        info["reference"] = reference.describe()
    else:
        card["percentile"] = np.nan
        info["reference"] = None
    cols = [
        "scenario",
        "region",
        "group",
        "indicator",
        "value",
        "sd",
        "unit",
        "reference",
        "percentile",
        "description",
    ]
    card = card[cols]
    return Diagnosis(
        scorecard=card,
        typology=cat("typology"),
        drivers=cat("drivers"),
        brookings=cat("brookings"),
        networks=cat("networks"),
        synergy=cat("synergy"),
        survival=cat("survival"),
        family_trees=cat("family_trees"),
        multiples=cat("multiples"),
        missing=cat("missing"),
        meta=info,
    )


# --- rendering ---------------------------------------------------------------------------
def fmt(x: float) -> str:
    """A compact human number: 3 significant digits, thousands separators, '–' for NaN."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:.3g}" if a < 100 else f"{x:.0f}"
    return f"{x:.2g}"


def _columns(d: Diagnosis) -> list[tuple[str, str]]:
    c = d.scorecard[["scenario", "region"]].drop_duplicates()
    return list(c.itertuples(index=False, name=None))


def _district(d: Diagnosis, scn: str, region: str, sep: str = " / ") -> str:
    """A district's display name: the scenario alone when it has one region."""
    n = {s["scenario"]: len(s.get("regions", [])) for s in d.meta.get("scenarios", [])}
    return scn if region == "all" or n.get(scn, 0) == 1 else f"{scn}{sep}{region}"


def render(d: Diagnosis, console=None, top: int = 3, groups: Sequence[str] | None = None) -> None:
    """Print a diagnosis as a rich scorecard.

    Parameters
    ----------
    d
        The diagnosis.
    console : rich.console.Console, optional
        Where to print (default: a new console on stdout).
    top
        Drivers shown per leading model.
    groups
        Indicator groups to show (default: all of :data:`GROUP_TITLES`).
    """
    from rich.console import Console
    from rich.table import Table

    con = console or Console()
    cols = _columns(d)
    card = d.scorecard
    has_pct = card["percentile"].notna().any()
    ref = d.meta.get("reference")
    if ref:
        yrs = "/".join(str(y) for y in ref.get("years", [])) or "?"
        note = (
            f"p = percentile among {ref['regions']} preset regions "
            f"({ref['source']}, {yrs}-year runs)"
        )
        if ref.get("stale"):
            note += " [yellow]— stale: rebuild with scripts/build_reference.py[/]"
        con.print(f"[dim]{note}[/]")
    for group in groups or GROUP_TITLES:
        sub = card[card["group"] == group]
        if sub.empty:
            continue
        t = Table(title=GROUP_TITLES.get(group, group), title_justify="left", show_lines=False)
        t.add_column("indicator", style="bold")
        t.add_column("unit", style="dim")
        for s, r in cols:
            t.add_column(_district(d, s, r, "\n"), justify="right")
        has_ref = sub["reference"].notna().any()
        if has_ref:
            t.add_column("reference", justify="right", style="cyan")
        for name in dict.fromkeys(sub["indicator"]):
            rows = sub[sub["indicator"] == name]
            cells = []
            for s, r in cols:
                x = rows[(rows["scenario"] == s) & (rows["region"] == r)]
                if x.empty:
                    cells.append("")
                    continue
                v, p = float(x["value"].iloc[0]), float(x["percentile"].iloc[0])
                cell = fmt(v)
                if has_pct and np.isfinite(p):
                    cell += f" [dim]p{p:.0f}[/]"
                cells.append(cell)
            row = [name, str(rows["unit"].iloc[0]), *cells]
            if has_ref:
                row.append(fmt(float(rows["reference"].iloc[0])))
            t.add_row(*row)
        con.print(t)

    for title, frame, classes in (
        ("Typology: mixture of seed 001's five models", d.typology, typ.MODELS),
        ("Brookings district type (Katz & Wagner 2014)", d.brookings, typ.BROOKINGS),
    ):
        if frame.empty:
            continue
        t = Table(title=title, title_justify="left")
        t.add_column("district", style="bold")
        for c in classes:
            t.add_column(c, justify="right")
        t.add_column("label", style="green")
        for _, row in frame.iterrows():
            name = _district(d, row["scenario"], row["region"])
            cells = []
            for c in classes:
                w = float(row[c])
                cells.append(f"[bold]{w:.0%}[/]" if c == row["label"] else f"{w:.0%}")
            t.add_row(name, *cells, str(row["label"]))
        con.print(t)
    if not d.drivers.empty:
        drv = d.top_drivers(top)
        t = Table(title=f"Top {top} drivers of the leading model", title_justify="left")
        for c in ("district", "model", "indicator", "value", "z", "effect on weight"):
            t.add_column(c, justify="right" if c in ("value", "z", "effect on weight") else "left")
        for _, r in drv.iterrows():
            t.add_row(
                _district(d, r["scenario"], r["region"]),
                r["model"],
                r["indicator"],
                fmt(float(r["value"])),
                f"{r['z']:+.2f}",
                f"{r['weight_effect']:+.0%}",
            )
        con.print(t)
    if not d.missing.empty:
        miss = d.missing.groupby(["scenario", "region"])["indicator"].apply(", ".join)
        for (s, r), names in miss.items():
            con.print(f"[yellow]missing (not imputed) for {_district(d, s, r)}:[/] {names}")
    if not d.family_trees.empty:
        t = Table(title="Spin-off family trees (大廠人才外溢)", title_justify="left")
        for c in (
            "district",
            "root",
            "kind",
            "children",
            "descendants (real)",
            "depth",
            "alive",
            "exits",
        ):
            t.add_column(c, justify="left" if c in ("district", "root", "kind") else "right")
        ft = d.family_trees.sort_values("descendants_real", ascending=False).head(12)
        for _, r in ft.iterrows():
            t.add_row(
                str(r["scenario"]),
                str(r["name"]),
                str(r["kind"]),
                fmt(r["children"]),
                fmt(r["descendants_real"]),
                fmt(r["depth"]),
                fmt(r["alive_share"]),
                fmt(r["exits"]),
            )
        con.print(t)
