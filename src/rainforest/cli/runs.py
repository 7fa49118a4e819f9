"""`rainforest runs list | experiments | show | export | where`: read the run store.

The store is opened read-only, so these commands never change results; they fail with a
clear message while an experiment is writing to the same file (DuckDB has one writer).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


def changed_levers(parameters: Any) -> str:
    """What a job changed, from its runs' ``parameters`` JSON: ``path=value, ...`` when all
    runs share one change, ``varies: a, b`` over a design, ``–`` for none."""
    dicts = []
    for raw in parameters:
        try:
            d = json.loads(raw) if isinstance(raw, str) and raw else {}
        except json.JSONDecodeError:
            d = {}
        dicts.append(d if isinstance(d, dict) else {})
    keys = sorted({k for d in dicts for k in d})
    if not keys:
        return "–"

    def short(path: str) -> str:
        parts = path.split(".")
        return ".".join(parts[1:]) if parts[0] == "regions" and len(parts) > 2 else path

    distinct = {json.dumps(d, sort_keys=True, default=str) for d in dicts}
    if len(distinct) == 1:
        return ", ".join(f"{short(k)}={dicts[0][k]}" for k in keys)
    return "varies: " + ", ".join(short(k) for k in keys)


def job_table(runs: Any, experiments: Any) -> Any:
    """One row per experiment (a command, a dashboard job): kind, time, scenarios, changed
    levers, finished and failed runs; newest first."""
    import pandas as pd

    kinds = experiments.set_index("experiment_id")["kind"].to_dict() if len(experiments) else {}
    created = (
        experiments.set_index("experiment_id")["created"].to_dict() if len(experiments) else {}
    )
    rows = []
    for exp_id, g in runs.groupby("experiment_id", sort=False):
        finished = int((g["status"] == "finished").sum())
        when = created.get(exp_id)
        if when is None or pd.isna(when):
            when = g["started"].min() if "started" in g else None
        rows.append(
            {
                "experiment_id": exp_id,
                "kind": kinds.get(exp_id, str(exp_id).split("-")[0]),
                "time": when,
                "scenario": ", ".join(dict.fromkeys(str(x) for x in g["scenario_name"])),
                "changed": changed_levers(g["parameters"]),
                "runs": len(g),
                "finished": finished,
                "failed": int(len(g) - finished),
                "last": g["finished"].max(),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    key = out["last"].fillna(out["time"])
    return out.assign(_k=key).sort_values("_k", ascending=False).drop(columns="_k")


@runs_app.command("where")
def where(store: Path = store_option()) -> None:
    """Print the run store file the other commands use (--store, else $RAINFOREST_STORE, else
    the per-user file), and whether it exists yet."""
    import os

    from rainforest.store.paths import ENV_VAR, resolve_store_path

    path = resolve_store_path(store)
    if store is not None:
        why = "--store"
    elif os.environ.get(ENV_VAR, "").strip():
        why = f"${ENV_VAR}"
    else:
        why = "the per-user default"
    state = f"{path.stat().st_size / 1e6:.1f} MB" if path.exists() else "not created yet"
    # the bare path on stdout, so that `$(rainforest runs where)` works in scripts; the note
    # on stderr
    typer.echo(str(path))
    typer.echo(f"({why}; {state})", err=True)


@runs_app.command("list")
def list_runs(
    experiment: str = typer.Option(None, "--experiment", "-e", help="Only this experiment."),
    limit: int = typer.Option(20, "--limit", "-n", help="Newest N rows (0: all)."),
    each: bool = typer.Option(
        False, "--each", help="One row per run instead of one per job (experiment)."
    ),
    store: Path = store_option(),
) -> None:
    """List stored jobs newest first: time, kind, scenario, changed levers and runs (--each:
    every run)."""
    from rainforest.store import resolve_store_path

    path = resolve_store_path(store)
    if not path.exists():
        console.print(
            f"no runs stored yet in {path} (`rainforest run`, `demo`, `sweep`, `explain` and "
            "the dashboard store theirs here)"
        )
        return
    if each or experiment:
        _list_each(experiment, limit, store)
        return
    with _open(store) as st:
        runs = st.runs(None)
        exps = st.experiments()
    jobs = job_table(runs, exps)
    total = len(jobs)
    if limit:
        jobs = jobs.head(limit)
    table = Table(
        title=f"jobs in {path}",
        caption=f"{len(jobs)} of {total} job(s); `runs list --each` lists single runs, "
        "`runs show RUN` one run",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    # a job id starts with its kind (run-, demo-, ensemble-, explain-, web- ...); below 100
    # columns the kind column is dropped for the scenario's sake
    narrow = console.width < 100
    table.add_column("job", no_wrap=True, style="cyan")
    if not narrow:
        table.add_column("kind", no_wrap=True)
    table.add_column("time (UTC)", no_wrap=True)
    table.add_column("scenario", overflow="fold", ratio=1, min_width=10)
    table.add_column("changed", overflow="fold", ratio=1, min_width=8)
    table.add_column("runs", justify="right", no_wrap=True)
    for r in jobs.itertuples(index=False):
        n = str(r.runs) if not r.failed else f"{r.finished}+[red]{r.failed} failed[/]"
        kind = [] if narrow else [str(r.kind)]
        table.add_row(str(r.experiment_id), *kind, str(r.time)[5:16], r.scenario, r.changed, n)
    console.print(table)


def _list_each(experiment: str | None, limit: int, store: Path | None) -> None:
    """One row per stored run, newest first."""
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
    table.add_column("scenario", overflow="fold", min_width=12)
    # below 100 columns the design point, replicate, seed and wall time are dropped (`runs
    # show` has them) so that run ids stay whole
    narrow = console.width < 100
    cols = ("years", "status", "UTC")
    if not narrow:
        cols = ("point", "rep", "seed", "years", "status", "wall s", "finished (UTC)")
    for c in cols:
        table.add_column(c, justify="left" if c in ("status", "UTC", "finished (UTC)") else "right")
    for r in runs.itertuples(index=False):
        status = r.status if r.status == "finished" else f"[red]{r.status}[/]"
        when = str(r.finished)[5:16] if narrow else str(r.finished)[:19]
        extra = [] if narrow else [str(r.point), str(r.replicate), str(r.seed)]
        wall = [] if narrow else [fmt(r.wall_s)]
        table.add_row(
            r.run_id,
            str(r.scenario_name),
            *extra,
            str(r.years),
            status,
            *wall,
            when,
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
