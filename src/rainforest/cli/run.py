"""`rainforest run`: simulate one scenario, print its totals and keep it in the run store."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from rainforest.cli.app import app, compile_notice, console, fail
from rainforest.cli.options import (
    fitted_option,
    no_store_option,
    parse_assignment,
    scale_option,
    set_option,
    store_option,
)
from rainforest.cli.report_option import report_option
from rainforest.scenario import ScenarioError


def summary_table(res, title: str | None = None) -> Table:
    """A rich table of a Result's per-region totals: one row per quantity, one column per
    region (reads well in a narrow terminal); labels and units from the catalogue."""
    from rainforest.i18n import metric_label, region_label, t, unit_label

    t_ = res.summary()
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(t("total_over_run"))
    for region in t_.index:
        table.add_column(region_label(str(region)), justify="right")
    for col in t_.columns:
        label = metric_label(col)
        if col == "output":
            label += f" ({unit_label('million yuan')})"
        table.add_row(label, *[f"{v:,.0f}" for v in t_[col]])
    return table


@app.command()
def run(
    scenario: str = typer.Argument(
        ..., help="Preset name (see `rainforest presets list`) or TOML path."
    ),
    years: int = typer.Option(
        None, "--years", "-y", help="Years to report (default: the scenario's)."
    ),
    seed: int = typer.Option(0, "--seed", "-s", help="Random seed; same seed, same numbers."),
    scale: float = scale_option(),
    out: Path = typer.Option(None, "--out", "-o", help="Folder for Parquet tables and meta.json."),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    report: Path = report_option(),
    network: bool = typer.Option(
        False,
        "--network",
        help="Switch the living network on: ties, knowledge, recombinant ideas and people's "
        "spin-offs (M13-M16 with their defaults, docs/networks.md; --fitted for the "
        "calibrated second edition).",
    ),
    fitted: bool = fitted_option(),
    set_: list[str] = set_option(),
) -> None:
    """Simulate SCENARIO month by month, print per-region totals and store the run."""
    from rainforest.api import simulate
    from rainforest.i18n import preset_label, t

    if years is not None and years < 1:
        fail(f"--years must be at least 1, got {years}")
    if scale is not None and scale <= 0:
        fail(f"--scale must be positive, got {scale}")
    from rainforest.scenario import load_scenario, with_values

    try:  # a bad scenario is named before any notice about compiling
        scenario_obj = load_scenario(scenario)
        if network:
            from rainforest.mechanisms.m13_network import ON

            scenario_obj = with_values(scenario_obj, ON)
        if fitted:
            from rainforest.experiments.joint import apply_fitted

            scenario_obj = apply_fitted(scenario_obj)
        if set_:
            scenario_obj = with_values(
                scenario_obj,
                dict(parse_assignment(s) for s in set_),
                source="--set on the command line",
            )
    except (ScenarioError, ValueError) as err:
        fail(str(err))
    compile_notice()
    started = time.time()
    with Progress(
        TextColumn(f"[bold]{t('simulating')}[/] {{task.description}}"),
        BarColumn(),
        TextColumn(f"{{task.completed}}/{{task.total}} {t('months')}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(scenario, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            res = simulate(scenario_obj, years=years, seed=seed, scale=scale, progress=progress)
        except (ScenarioError, ValueError) as err:
            fail(str(err))
    meta = res.meta
    n_years = meta["months"] // 12
    name = meta["scenario"]
    shown = preset_label(name) if preset_label(name) != name else name
    console.print(
        f"[bold]{shown}[/]: {n_years} {t('years')}, {t('seed')} {seed}, "
        f"{t('scale')} {meta['scale']:g}",
        highlight=False,
    )
    console.print(summary_table(res))
    net = meta.get("network")
    if net:
        console.print(
            f"living network: {net['mean_degree']:.1f} ties a person, clustering "
            f"{net['clustering']:.2f}, {net['within_1km_share']:.0%} of ties within 1 km, "
            f"{net['recombinant_ideas'] * meta['scale']:,.0f} recombinant ideas",
            style="dim",
            highlight=False,
        )
    console.print(
        t("people_end", people=meta["simulated_people"], secs=meta["timings"]["steps_s"]),
        highlight=False,
    )
    if not no_store:
        from rainforest.store import StoreError, resolve_store_path, store_result

        path = resolve_store_path(store)
        try:
            run_id = store_result(res, path, seed=seed, years=n_years, started=started)
            console.print(f"run {run_id}; {t('stored_in', store=path)}", style="dim")
        except StoreError as err:
            console.print(f"[yellow]not stored: {err}[/]")
    if out is not None:
        res.to_parquet(out)
        console.print(f"tables written to [bold]{out}[/]")
    if report is not None:
        from rainforest.cli.report_option import maybe_report

        maybe_report(res, report)
