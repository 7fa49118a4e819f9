"""`rainforest levers PRESET`: the paths ``--set`` accepts, with labels, units and values.

``whatif --set``, the dashboard's sliders and experiment files all name a value by its dotted
path (``regions.hangzhou.policy.sandbox``); this command lists them for one scenario so that
nobody has to read the schema to find one. By default the culture and policy levers of every
region; ``--all`` adds every other number a region has (population, wage, rents...), its
instruments (issue 16: offices, Pre-A cheques, relay rounds...) and its learning government.
"""

from __future__ import annotations

from typing import Any

import typer
from pydantic import BaseModel
from rich import box
from rich.table import Table
from rich.text import Text

from rainforest.cli.app import app, console, fail

#: The region groups listed by default (the dashboard's sliders).
LEVER_GROUPS = ("culture", "policy")
#: Groups ``--all`` adds after them: the instruments of M17 and the learning government.
MORE_GROUPS = ("instruments", "learning")


def _unit(info: Any) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("unit", "") or "")


def lever_rows(sc: Any, every: bool = False) -> list[dict[str, Any]]:
    """One row per settable scalar of each region: region, group, path, label, value, unit.

    Parameters
    ----------
    sc
        A validated scenario.
    every
        Also list the region's own scalar fields (population, wage, ...), its instruments and
        its learning government, not only its culture and policy levers.
    """
    from rainforest.i18n import lever_label

    rows: list[dict[str, Any]] = []
    for rname, region in sc.regions.items():
        groups: list[tuple[str, BaseModel, str]] = [
            (g, getattr(region, g), f"{g}.") for g in LEVER_GROUPS
        ]
        if every:
            groups.insert(0, ("region", region, ""))
            groups += [(g, getattr(region, g), f"{g}.") for g in MORE_GROUPS]
        for group, model, prefix in groups:
            for fname, info in type(model).model_fields.items():
                value = getattr(model, fname)
                if not isinstance(value, bool | int | float):
                    continue
                rel = prefix + fname
                rows.append(
                    {
                        "region": rname,
                        "group": group,
                        "path": f"regions.{rname}.{rel}",
                        "field": rel,
                        "label": lever_label(rel),
                        "value": value,
                        "unit": _unit(info),
                        "description": info.description or "",
                    }
                )
    return rows


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return format(v, ",.6g")


@app.command("levers")
def levers_cmd(
    scenario: str = typer.Argument(
        ..., help="Preset name (see `rainforest presets list`) or TOML."
    ),
    region: str = typer.Option(None, "--region", "-r", help="Only this region."),
    every: bool = typer.Option(
        False,
        "--all",
        help="Also every other number of a region (population, wage, rents...), its "
        "instruments and its learning government.",
    ),
    describe: bool = typer.Option(False, "--describe", "-d", help="Add each field's description."),
) -> None:
    """List the lever paths of SCENARIO for --set, with labels, units and current values."""
    from rainforest.i18n import lever_group_label, region_label, t, unit_label
    from rainforest.scenario import ScenarioError, load_scenario
    from rainforest.suggest import did_you_mean

    try:
        sc = load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
        return
    if region is not None and region not in sc.regions:
        fail(f"{sc.name} has no region {region!r}{did_you_mean(region, sc.regions)}")
    rows = [r for r in lever_rows(sc, every) if region is None or r["region"] == region]
    table = Table(
        title=t("levers_title", name=sc.name),
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column(t("path"), style="cyan", overflow="fold", min_width=29)
    table.add_column(t("lever"), overflow="fold", ratio=1)
    table.add_column(t("value"), justify="right", no_wrap=True)
    table.add_column(t("unit"), overflow="fold", max_width=14)
    current = None
    for r in rows:
        key = (r["region"], r["group"])
        if key != current:
            if current is not None:
                table.add_section()
            group = lever_group_label(r["group"]) if r["group"] != "region" else t("regions")
            head = f"regions.{r['region']} ({region_label(r['region'])}) · {group}"
            table.add_row(Text(head, style="bold"), "", "", "")
            current = key
        label = Text(r["label"])
        if describe and r["description"]:
            label.append("\n" + r["description"], style="dim")
        table.add_row(r["field"], label, _value(r["value"]), unit_label(r["unit"]))
    example = rows[0]["path"] if rows else "regions.<region>.policy.sandbox"
    table.caption = (
        f"path = regions.<region>.<field>, e.g. rainforest whatif {scenario} --set {example}=VALUE"
    )
    console.print(table)
