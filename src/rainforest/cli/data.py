"""`rainforest data list|show|check`: the public statistics and how far the model is from them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from rainforest.cli.app import app, console, fail
from rainforest.cli.display import BAND_NOTE, band
from rainforest.data import GROUPS, MEASURES, UNITS, DataError, coverage, load_statistics

data_app = typer.Typer(
    help="Public statistics of the seed places (cited) and the model set beside them.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


def _num(value: Any) -> str:
    """A compact number: thousands separators, at most 4 significant digits for small ones."""
    if value is None or value != value:  # None or NaN
        return "–"
    v = float(value)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return format(v, ".4g")


def _year(value: Any) -> str:
    """A year, or empty for an undated figure."""
    return "" if value is None or pd.isna(value) else str(int(value))


@data_app.command("list")
def list_data(
    measures: bool = typer.Option(
        False, "--measures", help="List the known measures and units instead of the coverage."
    ),
) -> None:
    """Coverage: how many cited figures each place has, by group of measures."""
    if measures:
        table = Table(title="measures", box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("measure", "group", "description"):
            table.add_column(col, overflow="fold")
        for name, (group, desc) in MEASURES.items():
            table.add_row(name, group, desc)
        table.add_row("survival_age_N", "survival", "share of a cohort alive N years after birth")
        console.print(table)
        console.print("units: " + ", ".join(UNITS), highlight=False)
        return
    try:
        df = load_statistics()
    except DataError as err:
        fail(str(err))
        return
    cov = coverage(df)
    table = Table(
        title=f"public statistics: {len(df)} cited figures for {len(cov)} places",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("place", style="bold", no_wrap=True)
    for group in GROUPS:
        table.add_column(group, justify="right")
    table.add_column("seed", justify="right")
    seeds = df[df["publisher"].str.match(r"^seed \d{3}$")].groupby("place").size()
    for place, row in cov.iterrows():
        cells = [Text(str(int(n)), style="" if n else "dim") for n in row]
        n_seed = int(seeds.get(place, 0))
        table.add_row(place, *cells, Text(str(n_seed), style="" if n_seed else "dim"))
    console.print(table)
    console.print(
        Text(
            "counts of rows; 'seed' counts the seed essays' own figures (publisher 'seed NNN'). "
            "`rainforest data show PLACE` lists a place's figures with their citations.",
            style="dim",
        )
    )


@data_app.command("show")
def show(
    place: str = typer.Argument(..., help="A place (see `rainforest data list`)."),
    measure: str | None = typer.Option(None, "--measure", "-m", help="Only this measure."),
) -> None:
    """A place's figures with their units, years, area covered and citations."""
    try:
        df = load_statistics(place=place, measure=measure)
    except DataError as err:
        fail(str(err))
        return
    table = Table(title=f"{place}: {len(df)} figures", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("measure", style="cyan", overflow="fold", ratio=2)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit", overflow="fold", ratio=1)
    table.add_column("year", no_wrap=True)
    table.add_column("scope", no_wrap=True)
    table.add_column("area covered", overflow="fold", ratio=2)
    table.add_column("source", overflow="fold", ratio=5)
    for r in df.sort_values(["group", "measure", "year"]).itertuples(index=False):
        source = Text(f"{r.publisher}: {r.document}")
        if r.url:
            source.append(f"\n{r.url}", style="dim")
        source.append(f"\n{r.note}", style="italic")
        table.add_row(
            r.measure,
            _num(r.value),
            r.unit,
            _year(r.year),
            Text(str(r.scope), style="green" if r.scope == "district" else "yellow"),
            r.area_covered,
            source,
        )
    console.print(table)
    missing = [g for g in GROUPS if g not in set(df["group"])] if measure is None else []
    if missing:
        console.print(Text(f"no figures for: {', '.join(missing)}", style="dim"))


@data_app.command("check")
def check(
    preset: str = typer.Argument(..., help="Preset name or scenario file to run."),
    years: int = typer.Option(5, "--years", "-y", min=1, help="Reported years per run."),
    runs: int = typer.Option(4, "--runs", "-n", min=1, help="Runs (the interval is over runs)."),
    seed: int = typer.Option(0, "--seed", min=0, help="First seed."),
    scale: float | None = typer.Option(
        None, "--scale", min=1.0, help="Population scale (default: the preset's)."
    ),
) -> None:
    """Run a preset and set its districts beside the public figures (ratio model / public)."""
    from rainforest.data.compare import compare_model
    from rainforest.scenario import ScenarioError

    try:
        table_df = compare_model(preset, years=years, runs=runs, seed=seed, scale=scale)
    except (ScenarioError, DataError) as err:
        fail(str(err))
        return
    if table_df.empty:
        console.print(f"{preset}: no public figure maps onto its districts", highlight=False)
        return
    title = f"{preset}: model vs public data, {runs} runs × {years} years [90%: one run]"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col, kw in (
        ("region", {"no_wrap": True}),
        ("quantity", {"overflow": "fold"}),
        ("public", {"justify": "right"}),
        ("year", {"no_wrap": True}),
        ("scope", {"no_wrap": True}),
        ("model [90%]", {"justify": "right"}),
        ("model / public [90%]", {"justify": "right"}),
        ("public source", {"overflow": "fold", "ratio": 3}),
    ):
        table.add_column(col, **kw)
    for r in table_df.itertuples(index=False):
        ratio = Text(f"{r.ratio:.3g}" + band(r.ratio_lo, r.ratio_hi, lambda v: f"{v:.3g}", "–"))
        if r.scope == "district" and not 0.5 <= r.ratio <= 2.0:
            ratio.stylize("red")
        table.add_row(
            r.region,
            f"{r.quantity} ({r.unit})",
            _num(r.public),
            _year(r.year),
            Text(str(r.scope), style="green" if r.scope == "district" else "yellow"),
            _num(r.model) + band(r.model_lo, r.model_hi, _num, "–"),
            ratio,
            Text(f"{r.publisher} ({r.area_covered})"),
        )
    console.print(table)
    console.print(
        Text(
            "red: a district figure the model misses by more than a factor of 2. 'wider' figures "
            "cover more than the district (a whole city), so the model should fall short of them. "
            + BAND_NOTE
            + ".",
            style="dim",
        )
    )


__all__ = ["data_app"]
