"""`rainforest run`: simulate one scenario and write its tables."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from rainforest.cli.app import app, console, fail
from rainforest.cli.options import scale_option
from rainforest.cli.report_option import report_option
from rainforest.scenario import ScenarioError


def summary_table(res, title: str) -> Table:
    """A rich table of a Result's per-region totals: one row per quantity, one column per
    region (reads well in a narrow terminal)."""
    t = res.summary()
    table = Table(title=title)
    table.add_column("total over the run")
    for region in t.index:
        table.add_column(str(region), justify="right")
    for col in t.columns:
        label = col.replace("_", " ") + (" (M yuan)" if col == "output" else "")
        table.add_row(label, *[f"{v:,.0f}" for v in t[col]])
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
    report: Path = report_option(),
) -> None:
    """Simulate SCENARIO month by month and print per-region totals."""
    from rainforest.api import simulate

    if years is not None and years < 1:
        fail(f"--years must be at least 1, got {years}")
    if scale is not None and scale <= 0:
        fail(f"--scale must be positive, got {scale}")
    with Progress(
        TextColumn("[bold]simulating[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} months"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(scenario, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            res = simulate(scenario, years=years, seed=seed, scale=scale, progress=progress)
        except (ScenarioError, ValueError) as err:
            fail(str(err))
    meta = res.meta
    title = f"{meta['scenario']}: {meta['months'] // 12} years, seed {seed}"
    console.print(summary_table(res, f"{title}, scale {meta['scale']:g}"))
    console.print(
        f"{meta['simulated_people']:,} simulated people at the end, "
        f"{meta['timings']['steps_s']:.1f} s (money in million yuan)"
    )
    if out is not None:
        res.to_parquet(out)
        console.print(f"tables written to [bold]{out}[/]")
    if report is not None:
        from rainforest.cli.report_option import maybe_report

        maybe_report(res, report)
