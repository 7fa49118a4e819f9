"""`rainforest diagnose`: what kind of district is this, how dense, how connected?"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from rainforest.cli.app import app, compile_notice, console, fail
from rainforest.cli.options import fitted_option, scale_option, with_fit, years_option
from rainforest.cli.report_option import report_option
from rainforest.scenario import ScenarioError


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


@app.command("diagnose")
def diagnose_command(
    scenario: str = typer.Argument(
        None,
        help="Preset name (see `rainforest presets list`) or TOML path; optional with "
        "--indicators.",
    ),
    vs: list[str] = typer.Option(
        None, "--vs", help="Another scenario to diagnose side by side (repeat or comma-separate)."
    ),
    years: int = years_option(),
    seed: int = typer.Option(0, "--seed", "-s", help="Random seed."),
    runs: int = typer.Option(1, "--runs", "-r", help="Runs per scenario (numbers are means)."),
    scale: float = scale_option(),
    indicators: Path = typer.Option(
        None,
        "--indicators",
        "-i",
        help="Observed indicators of real districts (TOML or CSV; columns: region and the "
        "indicator names shown in the scorecard).",
    ),
    reference: str = typer.Option(
        "auto",
        "--reference",
        help="Percentile reference: 'auto' (shipped, cached or built now), 'build', 'none' "
        "or a CSV path.",
    ),
    out: Path = typer.Option(None, "--out", "-o", help="Write every table as CSV here."),
    top: int = typer.Option(3, "--top", help="Typology drivers shown per district."),
    network: bool = typer.Option(
        False,
        "--network",
        help="Switch the living network on (M13-M16 with their defaults; --fitted for the "
        "calibrated second edition): the scorecard gains "
        "its measures and the report a picture of the ties.",
    ),
    fitted: bool = fitted_option(),
    report: Path = report_option(),
) -> None:
    """Diagnose districts: opportunity density, community, networks, synergy and typology."""
    from rainforest.experiments.diagnosis import diagnose
    from rainforest.experiments.reference import resolve
    from rainforest.metrics.scorecard import render

    others = _split(vs)
    if scenario is None and indicators is None:
        fail("give a SCENARIO, or observed indicators with --indicators")
    if years is not None and years < 1:
        fail(f"--years must be at least 1, got {years}")
    if runs < 1:
        fail(f"--runs must be at least 1, got {runs}")
    if indicators is not None and not indicators.is_file():
        fail(f"no such file: {indicators}")
    compile_notice()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        ref_task = None

        def ref_progress(name: str, done: int, total: int) -> None:
            nonlocal ref_task
            if ref_task is None:
                ref_task = bar.add_task("reference: simulating presets", total=total)
            bar.update(ref_task, completed=done, description=f"reference: {name or 'done'}")

        sim_tasks: dict[str, int] = {}

        def sim_progress(label: str, done: int, total: int) -> None:
            if label not in sim_tasks:
                sim_tasks[label] = bar.add_task(f"simulating {label}", total=total)
            bar.update(sim_tasks[label], completed=done)

        try:
            spec = None if reference.lower() in ("none", "off", "no") else reference
            ref = resolve(spec, years=years, progress=ref_progress)
            d = diagnose(
                with_fit(scenario, fitted),
                vs=[with_fit(v, fitted) for v in others],
                years=years,
                seed=seed,
                runs=runs,
                scale=scale,
                indicators=indicators,
                reference=ref,
                progress=sim_progress,
                network=network,
            )
        except (ScenarioError, ValueError, FileNotFoundError) as err:
            fail(str(err))
    render(d, console, top=top)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in d.to_frames().items():
            frame.to_csv(out / f"{name}.csv", index=False)
        console.print(f"tables written to [bold]{out}[/]")
    if report is not None:
        from rainforest.cli.report_option import maybe_report

        maybe_report(d, report)
