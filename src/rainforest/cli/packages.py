"""`rainforest packages list` and `rainforest packages show NAME [--scenario S]`.

A policy package (:mod:`rainforest.packages`) is a sourced bundle of changes; ``show`` lists
its entries with their sources and, given a scenario, the values it would set there, so an
official can read what "adopting Shanghai's measures in Zhangjiang" means before running
``rainforest whatif zhangjiang --package shanghai-2025-ai-measures``.
"""

from __future__ import annotations

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from rainforest.cli.app import app, console, fail

packages_app = typer.Typer(
    help="List and show named policy packages (sourced bundles of changes).", no_args_is_help=True
)
app.add_typer(packages_app, name="packages")


@packages_app.command("list")
def list_cmd() -> None:
    """List the shipped policy packages."""
    from rainforest.i18n import get_lang, package_label
    from rainforest.packages import list_packages

    df = list_packages()
    table = Table(title="rainforest policy packages", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("title", ratio=1, overflow="fold")
    table.add_column("entries", justify="right")
    zh = get_lang() == "zh"
    for r in df.itertuples(index=False):
        title = package_label(r.name, "zh") if zh else r.title
        table.add_row(r.name, escape(f"{title}\n{r.description}"), str(r.entries))
    console.print(table)
    console.print(
        "rainforest packages show NAME --scenario PRESET; "
        "rainforest whatif PRESET --package NAME [--vs MODEL]",
        style="dim",
    )


@packages_app.command("show")
def show_cmd(
    name: str = typer.Argument(..., help="Package name or TOML path."),
    scenario: str = typer.Option(
        None, "--scenario", "-s", help="Show the values the package would set in this scenario."
    ),
    region: str = typer.Option(None, "--region", help="Region of the scenario it applies to."),
) -> None:
    """A package's entries, their sources, and (with --scenario) the values it would set."""
    from rainforest.i18n import package_label
    from rainforest.packages import PackageError, changes, load
    from rainforest.scenario import ScenarioError, get_value, load_scenario

    try:
        pkg = load(name)
        resolved = {}
        sc = None
        if scenario:
            sc = load_scenario(scenario)
            resolved = changes(sc, pkg, region)
    except (PackageError, ScenarioError) as err:
        fail(str(err))
    label = package_label(pkg.name, both=True)
    table = Table(
        title=escape(f"{pkg.name}: {pkg.title}" + (f" ({label})" if label != pkg.name else "")),
        caption=escape(pkg.description),
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("path", overflow="fold")
    table.add_column("change", overflow="fold")
    if sc is not None:
        table.add_column(f"in {sc.name}", overflow="fold")
    table.add_column("source", ratio=2, overflow="fold")
    for e in pkg.entries:
        row = [escape(e.path), escape(e.describe())]
        if sc is not None:
            full = next((k for k in resolved if k.endswith("." + e.path)), None)
            if full is None:
                reg = region or next(iter(sc.regions))
                old = get_value(sc, f"regions.{reg}.{e.path}")
                row.append(f"{old} (unchanged)")
            else:
                old = get_value(sc, full)
                row.append(f"{old} -> {resolved[full]}")
        row.append(escape(e.source))
        table.add_row(*row)
    console.print(table)
