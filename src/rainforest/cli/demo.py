"""`rainforest demo`: the headline job `make demo` runs on a fresh machine.

It compares the seeds' central pair — Hangzhou (杭州) and Zhangjiang (张江) — with Caohejing
(漕河泾) over a small ensemble, prints the outcomes with 90% intervals, writes one HTML report
of the comparison and one of a single Hangzhou run, and says where they are. ``--fitted`` runs
the same on the calibrated second edition (the living network and the shipped joint fit).
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from rainforest.cli.app import app, console
from rainforest.cli.options import fitted_option, with_fit, workers_option

HEADLINE = ("hangzhou", "zhangjiang", "caohejing")


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Folder for the reports."),
    runs: int = typer.Option(4, "--runs", "-n", help="Seeds per scenario."),
    years: int = typer.Option(10, "--years", "-y", help="Reported years per run."),
    workers: int = workers_option(),
    fitted: bool = fitted_option(),
) -> None:
    """Compare Hangzhou, Zhangjiang and Caohejing and write HTML reports."""
    from rainforest.api import simulate
    from rainforest.cli.experiments import compact_interval, progress_bar
    from rainforest.experiments import compare
    from rainforest.report import report

    t0 = time.perf_counter()
    edition = " (calibrated second edition)" if fitted else ""
    console.print(
        f"[bold]rainforest demo[/]: {', '.join(HEADLINE)} — {runs} runs x {years} years each"
        f"{edition}"
    )
    from rainforest.store import resolve_store_path, store_result

    store = resolve_store_path(None)
    with progress_bar("comparing") as progress:
        cmp = compare(
            [with_fit(name, fitted) for name in HEADLINE],
            runs=runs,
            years=years,
            executor=workers,
            store=store,
            progress=progress,
        )
    table = Table(title=f"Totals over {years} years: mean [90% interval over {runs} runs]")
    table.add_column("outcome")
    for label in cmp.labels:
        table.add_column(label, justify="right")
    t = cmp.table()
    for outcome in cmp.outcome_names:
        rows = t[t.outcome == outcome].set_index("scenario")
        cells = [
            compact_interval(*rows.loc[lab, ["mean", "q05", "q95"]], outcome=outcome)
            for lab in cmp.labels
        ]
        table.add_row(outcome.replace("_", " "), *cells)
    console.print(table)
    out.mkdir(parents=True, exist_ok=True)
    cmp_path = report(cmp, out / "comparison.html")
    one = simulate(with_fit("hangzhou", fitted), years=years, seed=1)
    store_result(one, store, seed=1, years=years, kind="demo")
    run_path = report(one, out / "hangzhou-run.html")
    console.print(
        f"\nDone in {time.perf_counter() - t0:.0f} s. Open the reports in a browser:\n"
        f"  comparison: [bold]{cmp_path.resolve()}[/]\n"
        f"  one Hangzhou run: [bold]{run_path.resolve()}[/]\n"
        f"Runs stored in {store} (`rainforest runs list`).\n"
        "Next: `rainforest serve` for the dashboard, `rainforest presets list`, "
        "`rainforest explain hangzhou --vs zhangjiang`."
    )
