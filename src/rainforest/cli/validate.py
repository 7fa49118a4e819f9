"""`rainforest validate`: published regularities vs the model."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from rainforest.cli.app import app, console, fail
from rainforest.cli.options import cluster_option, workers_option
from rainforest.cli.report_option import report_option


@app.command()
def validate(
    runs: int = typer.Option(4, "--runs", "-n", help="Seeds per archetype preset."),
    seed: int = typer.Option(0, "--seed", "-s", help="First seed."),
    years: int = typer.Option(12, "--years", "-y", help="Reported years per run (>= 11)."),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    report: Path = report_option(),
    places: str = typer.Option(
        None,
        "--places",
        help="Instead: model vs the public figures of these places ('default' or a list), "
        "fitted or held out, and the direction of change vs history.",
    ),
    fitted: Path = typer.Option(
        None,
        "--fitted",
        help="A fit TOML put onto every preset (with --places the shipped fit is the "
        "default); 'shipped' for the calibrated second edition.",
    ),
    no_fit: bool = typer.Option(False, "--no-fit", help="--places: the presets' own values."),
    scale: float = typer.Option(40.0, "--scale", "-k", help="--places: population scale."),
    min_people: float = typer.Option(
        0.0,
        "--min-people",
        help="--places: least simulated people a place runs with (a smaller place runs at a "
        "finer scale than --scale); 0: every place at --scale.",
    ),
) -> None:
    """Run the five archetype presets and compare survival, firm sizes, venture outcomes, what
    becomes of funded startups and the localisation of contacts with their published values
    (or, with --places, each place with its public figures)."""
    from rainforest.validation import validate as run_validation

    if fitted is not None and str(fitted) == "shipped":
        from rainforest.experiments.joint import FITTED_PATH

        fitted = FITTED_PATH
    if places is not None:
        from rainforest.cli.places import validate_places_cmd

        if workers is not None or cluster is not None:
            fail(
                "--workers and --cluster are not used with --places (its runs are in this process)"
            )
        validate_places_cmd(
            places, fitted, no_fit, max(runs, 2), scale, min(years, 10), min_people, first_seed=seed
        )
        return
    if runs < 1:
        fail(f"--runs must be at least 1, got {runs}")
    if years < 11:
        fail(f"--years must be at least 11 (10-year survival needs it), got {years}")
    with Progress(
        TextColumn("[bold]validating[/]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("runs", total=None)
        if fitted is not None:
            if not Path(fitted).is_file():
                fail(f"--fitted: no fit TOML at {fitted}")
            from rainforest.experiments.joint import load_fitted
            from rainforest.experiments.parameters import ExperimentError

            try:  # a bad fit is named before any run starts
                load_fitted(fitted)
            except (ExperimentError, ValueError) as err:
                fail(f"--fitted: {err}")
        v = run_validation(
            fitted=fitted,
            runs=runs,
            seed=seed,
            years=years,
            workers=workers,
            executor=cluster,
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    which = " (the calibrated second edition)" if fitted is not None else ""
    table = Table(
        title=f"Published regularities vs rainforest{which} ({v.meta['runs_total']} runs)"
    )
    for col in ("regularity", "published", "band", "model", "90% interval", "inside", "source"):
        table.add_column(col, justify="left" if col in ("regularity", "source") else "right")
    for _, r in v.table.iterrows():
        known = "[yellow]no (known)[/]" if r.known_miss else "[red]no[/]"
        table.add_row(
            r.regularity,
            f"{r.published:.3g}",
            f"{r.low:.3g}–{r.high:.3g}",
            f"{r.model:.3g}",
            f"{r.model_lo:.3g}–{r.model_hi:.3g}",
            "[green]yes[/]" if r.inside else known,
            r.source + (f" — known miss: {r.known_miss}" if r.known_miss and not r.inside else ""),
        )
    console.print(table)
    if report is not None:
        from rainforest.cli.report_option import maybe_report

        maybe_report(v, report)
    if not v.passed:
        raise typer.Exit(1)
