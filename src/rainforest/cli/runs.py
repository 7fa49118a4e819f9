"""`rainforest runs list | experiments | show | export`: read the run store.

The store is opened read-only, so these commands never change results; they fail with a
clear message while an experiment is writing to the same file (DuckDB has one writer).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich import box
from rich.table import Table

from rainforest.cli.app import app, console, fail
from rainforest.cli.experiments import fmt
from rainforest.cli.options import store_option

runs_app = typer.Typer(help="List, show and export stored runs.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


def _open(store: Path | None):
    from rainforest.store import RunStore, StoreError

    try:
        return RunStore(store, read_only=True)
    except StoreError as err:
        fail(str(err))


@runs_app.command("list")
def list_runs(
    experiment: str = typer.Option(None, "--experiment", "-e", help="Only this experiment."),
    limit: int = typer.Option(20, "--limit", "-n", help="Newest N runs (0: all)."),
    store: Path = store_option(),
) -> None:
    """List stored runs, newest first."""
    with _open(store) as st:
        runs = st.runs(experiment, limit or None)
        total = len(st.runs(experiment)) if limit else len(runs)
        path = st.path
    table = Table(
        title=f"runs in {path}" + (f" (experiment {experiment})" if experiment else ""),
        caption=f"{len(runs)} of {total} run(s) shown",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("run", no_wrap=True, min_width=max([len(x) for x in runs["run_id"]] + [3]))
    table.add_column("scenario")
    for c in ("point", "rep", "seed", "years", "status", "wall s", "finished (UTC)"):
        table.add_column(c, justify="left" if c in ("status", "finished (UTC)") else "right")
    for r in runs.itertuples(index=False):
        status = r.status if r.status == "finished" else f"[red]{r.status}[/]"
        table.add_row(
            r.run_id,
            str(r.scenario_name),
            str(r.point),
            str(r.replicate),
            str(r.seed),
            str(r.years),
            status,
            fmt(r.wall_s),
            str(r.finished)[:19],
        )
    console.print(table)


@runs_app.command("experiments")
def list_experiments(
    store: Path = store_option(),
) -> None:
    """List stored experiments with their finished and failed runs."""
    with _open(store) as st:
        exps = st.experiments()
        path = st.path
    table = Table(title=f"experiments in {path}", box=box.SIMPLE_HEAD)
    table.add_column("experiment", no_wrap=True)
    for c in ("kind", "name", "created (UTC)", "finished", "failed", "cpu s"):
        table.add_column(c, justify="right" if c in ("finished", "failed", "cpu s") else "left")
    for r in exps.itertuples(index=False):
        table.add_row(
            r.experiment_id,
            r.kind,
            str(r.name),
            str(r.created)[:19],
            str(r.finished),
            str(r.failed),
            fmt(r.wall_s),
        )
    console.print(table)


@runs_app.command("show")
def show(
    run: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    store: Path = store_option(),
) -> None:
    """Show one run: provenance (scenario, seed, versions, timing) and per-region totals."""
    from types import SimpleNamespace

    from rainforest.result import Result
    from rainforest.store import StoreError
    from rainforest.store.duck import RUN_COLUMNS

    with _open(store) as st:
        try:
            row = st.run(run)
        except StoreError as err:
            fail(str(err))
        metrics = st.load_metrics([row["run_id"]])
    info = Table(title=f"run {row['run_id']}", box=box.SIMPLE_HEAD, show_header=False)
    info.add_column("field", style="bold")
    info.add_column("value")
    for key in RUN_COLUMNS:
        if key in ("run_id", "scenario_toml", "parameters", "error"):  # shown elsewhere
            continue
        info.add_row(key, str(row[key]))
    params = json.loads(row["parameters"] or "{}")
    for k, v in params.items():
        info.add_row(f"value {k}", str(v))
    info.add_row(
        "reproduce",
        f"simulate(scenario, years={row['years']}, seed={row['seed']}, scale={row['scale']:g})",
    )
    console.print(info)
    if row["status"] != "finished":
        console.print(f"[red]error:[/]\n{row['error']}")
        return
    if metrics.empty:
        return
    totals = Result.totals(SimpleNamespace(metrics=metrics.drop(columns=["run_id"])))
    table = Table(title="totals over the run (stocks at the end)", box=box.SIMPLE_HEAD)
    table.add_column("quantity")
    for region in totals.index:
        table.add_column(str(region), justify="right")
    for col in totals.columns:
        table.add_row(col.replace("_", " "), *[fmt(v) for v in totals[col]])
    console.print(table)


@runs_app.command("export")
def export(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the Parquet files."),
    experiment: str = typer.Option(None, "--experiment", "-e", help="Only this experiment."),
    run: list[str] = typer.Option(None, "--run", "-r", help="Only these run ids (repeatable)."),
    store: Path = store_option(),
) -> None:
    """Export runs, metrics, events and summaries of a selection to Parquet."""
    with _open(store) as st:
        written = st.export_parquet(out, experiment_id=experiment, run_ids=run or None)
        n = len(st.runs(experiment)) if not run else len(run)
    console.print(f"exported {n} run(s) to {out}: " + ", ".join(p.name for p in written.values()))
