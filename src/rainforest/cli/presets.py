"""`rainforest presets list|show|export|check`: the shipped scenarios and their provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from rainforest.cli.app import app, console, fail
from rainforest.scenario import ScenarioError, load_scenario, preset_names, preset_text
from rainforest.scenario.provenance import (
    check_preset,
    explicit_paths,
    provenance_table,
    raw_scenario,
    source_kind,
)

presets_app = typer.Typer(
    help="List, show, export and check the shipped scenario presets.", no_args_is_help=True
)
app.add_typer(presets_app, name="presets")


def _fmt(value: Any) -> str:
    """A compact, readable form of a scenario value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return format(value, ",.6g")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


@presets_app.command("list")
def list_presets() -> None:
    """List the shipped presets with their regions, population and area."""
    table = Table(title="rainforest presets", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("name", no_wrap=True, style="bold")
    table.add_column("description", ratio=1, min_width=30)
    table.add_column("regions", no_wrap=True)
    table.add_column("population", justify="right", no_wrap=True)
    table.add_column("area km²", justify="right", no_wrap=True)
    for name in preset_names():
        try:
            sc = load_scenario(name)
        except ScenarioError as err:
            table.add_row(name, Text(f"invalid: {err}", style="red"), "", "", "")
            continue
        population = sum(r.population for r in sc.regions.values())
        area = sum(r.area_km2 for r in sc.regions.values())
        table.add_row(
            name,
            Text(sc.description),
            Text(", ".join(sc.regions)),
            f"{population:,.0f}",
            f"{area:,.4g}",
        )
    console.print(table)


@presets_app.command("show")
def show(
    name: str = typer.Argument(..., help="Preset name, or path to a scenario TOML file."),
    all_fields: bool = typer.Option(
        False, "--all", help="Show every field, including model defaults the preset leaves."
    ),
) -> None:
    """Show a preset's values with units and sources (by default only the values it sets)."""
    try:
        raw, label = raw_scenario(name)
        sc = load_scenario(name)
    except ScenarioError as err:
        fail(str(err))
        return
    df = provenance_table(sc, explicit=explicit_paths(raw))
    if not all_fields:
        df = df[df["explicit"]]
    what = "all values" if all_fields else "values set by the preset"
    table = Table(title=f"{sc.name}: {len(df)} {what}", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("path", overflow="fold", style="cyan", ratio=3)
    table.add_column("value", overflow="fold", ratio=2)
    table.add_column("unit", overflow="fold", ratio=1)
    table.add_column("source", overflow="fold", ratio=4)
    for row in df.itertuples(index=False):
        source = Text(row.source)
        if row.source.startswith("model default"):
            source.stylize("dim")
        elif source_kind(row.source) == "ai-opinion":
            source.stylize("yellow")
        table.add_row(Text(row.path), Text(_fmt(row.value)), Text(row.unit), source)
    console.print(table)
    opinions = sum(source_kind(s) == "ai-opinion" for s in df["source"])
    if opinions:
        console.print(
            Text(
                f"{opinions} values rest on 'ai-opinion' sources: seed 003 is an AI model's "
                "answer (这是DeepSeek给出的答案), an opinion to test, not a source of facts",
                style="yellow",
            )
        )
    if not all_fields:
        console.print(
            Text(f"{label}: use --all to include the model defaults it leaves", style="dim")
        )


@presets_app.command("export")
def export(
    name: str = typer.Argument(..., help="Preset name (see `rainforest presets list`)."),
    path: Path = typer.Argument(..., help="File to write, or an existing folder."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing file."),
) -> None:
    """Write a preset's TOML text (with its sources) to a file you can edit and run."""
    try:
        text = preset_text(name)
    except ScenarioError as err:
        fail(str(err))
        return
    if path.is_dir():
        path = path / f"{name}.toml"
    if path.exists() and not force:
        fail(f"{path} already exists; use --force to overwrite it")
    if not path.parent.is_dir():
        fail(f"{path.parent}: no such folder")
    path.write_text(text, encoding="utf-8")
    console.print(f"wrote preset [bold]{name}[/] to {path}", highlight=False)


@presets_app.command("check")
def check(
    name: str = typer.Argument(..., help="Preset name, or path to a scenario TOML file."),
) -> None:
    """Check provenance: every value set has a source and every source names a field."""
    try:
        result = check_preset(name)
        sources = len(load_scenario(name).sources)
    except ScenarioError as err:
        fail(str(err))
        return
    if result.ok:
        console.print(f"{name}: ok ({sources} sources)", highlight=False)
        return
    for line in result.problems():
        console.print(Text(f"{name}: {line}"))
    raise typer.Exit(1)


__all__ = ["presets_app"]
