"""`rainforest presets list|show|export|check`: the shipped scenarios and their provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from rainforest.cli.app import app, console, fail
from rainforest.scenario import (
    ScenarioError,
    load_scenario,
    preset_names,
    preset_text,
)
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


def _brief_source(source: str) -> str:
    """The kind of a source for the brief view: ``seed 004``, ``public``, ``assumed``..."""
    head = source.split(":", 1)[0].strip()
    if source.startswith("model default"):
        return "model default"
    if source.startswith("label"):
        return "label"
    return head if len(head) <= 22 else head[:21] + "…"


@presets_app.command("list")
def list_presets() -> None:
    """List the shipped presets by group, with population, area and what each is.

    The description wraps to the terminal; several regions are named under it. At 80 columns
    nothing is cut.
    """
    from rainforest.i18n import preset_group, preset_group_label, preset_label, t

    table = Table(title=t("presets_title"), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(t("name"), no_wrap=True)
    table.add_column(t("population"), justify="right", no_wrap=True)
    table.add_column("km²", justify="right", no_wrap=True)
    table.add_column(t("description"), ratio=1, overflow="fold")
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for name in preset_names():
        group = preset_group(name)
        try:
            sc = load_scenario(name)
        except ScenarioError as err:
            rows.setdefault(group, []).append((name, "", "", Text(f"invalid: {err}", "red")))
            continue
        population = sum(r.population for r in sc.regions.values())
        area = sum(r.area_km2 for r in sc.regions.values())
        cell = Text(name, style="bold")
        cell.append("\n" + preset_label(name, "zh"), style="dim")
        desc = Text(preset_label(name, "en") + ". ", style="italic")
        desc.append(sc.description)
        if len(sc.regions) > 1:
            desc.append(f"\n{len(sc.regions)} {t('regions')}: " + ", ".join(sc.regions), "dim")
        rows.setdefault(group, []).append((cell, f"{population:,.0f}", f"{area:,.4g}", desc))
    for group in ("archetype", "place", "network", "other"):
        if group not in rows:
            continue
        table.add_row(Text(preset_group_label(group), style="bold underline"), "", "", "")
        for row in rows[group]:
            table.add_row(*row)
        table.add_section()
    console.print(table)


def _node(node: Any, parts: list[str]) -> Any:
    """The object at ``parts`` inside a scenario: models by attribute, mappings by key, list
    items by name or index (None if absent)."""
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            named = [x for x in node if getattr(x, "name", None) == part]
            node = named[0] if named else (node[int(part)] if part.isdigit() else None)
        else:
            node = getattr(node, part, None)
    return node


def _section(path: str, data: Any) -> tuple[str, str]:
    """Split a leaf path into a heading and a short field name for narrow tables.

    ``regions.x.policy.sandbox`` -> (``x · policy``, ``sandbox``); a value inside a mapping
    keeps its key with the mapping's name (``domain_mix.games``); list items are headed by
    their name (``x · universities · Fudan``).
    """
    parts = path.split(".")
    if len(parts) == 1:
        return "scenario", path
    cut = len(parts) - 1
    parent, grand = _node(data, parts[:cut]), _node(data, parts[: cut - 1])
    if isinstance(parent, dict) and not isinstance(grand, list):
        cut -= 1  # a mapping field of names to numbers (domain_mix, skill_mix)
    head = parts[:cut]
    if head[0] == "regions" and len(head) > 1:
        head = [f"region {head[1]}", *head[2:]]
    return " · ".join(head), ".".join(parts[cut:])


@presets_app.command("show")
def show(
    name: str = typer.Argument(..., help="Preset name, or path to a scenario TOML file."),
    all_fields: bool = typer.Option(
        False, "--all", help="Show every field, including model defaults the preset leaves."
    ),
    sources: bool = typer.Option(
        False,
        "--sources",
        help="Cite every value in full: numbered notes under the table, each source once.",
    ),
) -> None:
    """Show a preset's values with units; brief source kinds by default, --sources for the
    full citations."""
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
    table.add_column("field", overflow="fold", style="cyan", ratio=3, min_width=24)
    table.add_column("value", overflow="fold", ratio=2, min_width=10)
    table.add_column("unit", overflow="fold", max_width=16)
    table.add_column("source" if not sources else "note", no_wrap=True, min_width=13)
    notes: dict[str, int] = {}
    current = None
    data = sc
    for row in df.itertuples(index=False):
        section, field = _section(row.path, data)
        if section != current:
            if current is not None:
                table.add_section()
            table.add_row(Text(section, style="bold underline"), "", "", "")
            current = section
        if sources:
            number = notes.setdefault(row.source, len(notes) + 1)
            source = Text(f"[{number}]")
        else:
            source = Text(_brief_source(row.source))
        if row.source.startswith("model default"):
            source.stylize("dim")
        elif source_kind(row.source) == "ai-opinion":
            source.stylize("yellow")
        value = _fmt(row.value)
        if not sources and row.path == "description" and len(value) > 60:
            value = value[:59].rsplit(" ", 1)[0] + " …"  # the full text: presets list
        table.add_row(Text(field), Text(value), Text(row.unit), source)
    console.print(table)
    if sources:
        for text, number in notes.items():
            line = Text(f"[{number}] ", style="bold")
            line.append(text)
            if source_kind(text) == "ai-opinion":
                line.stylize("yellow")
            console.print(line)
    opinions = sum(source_kind(s) == "ai-opinion" for s in df["source"])
    if opinions:
        console.print(
            Text(
                f"{opinions} values rest on 'ai-opinion' sources: seed 003 is an AI model's "
                "answer (这是DeepSeek给出的答案), an opinion to test, not a source of facts",
                style="yellow",
            )
        )
    hints = [] if all_fields else ["--all to include the model defaults it leaves"]
    if not sources:
        hints.append("--sources for the full citations")
    if hints:
        console.print(Text(f"{label}: use " + "; ".join(hints), style="dim"))


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
