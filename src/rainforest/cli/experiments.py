"""`rainforest ensemble | sweep | compare | sensitivity | calibrate`: many runs, one table.

Every command runs on local processes (one per core) unless told ``--workers`` or
``--cluster tcp://host:8786``; streams finished runs into the run store (``--store``,
default ``$RAINFOREST_STORE``, else a file in the user data folder; ``--no-store`` to keep
nothing), so re-running an interrupted command computes only the missing runs; shows a
progress bar with an ETA; and prints a table of results with 90% intervals over runs and the
number of runs behind them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from rainforest.cli.app import app, console, err_console, fail
from rainforest.cli.display import fmt, progress_bar
from rainforest.cli.options import (
    cluster_option,
    events_option,
    executor_spec,
    no_store_option,
    out_option,
    scale_option,
    seed_option,
    store_option,
    workers_option,
    years_option,
)
from rainforest.cli.report_option import report_option


def interval(mean: Any, lo: Any, hi: Any) -> str:
    """``mean [q05, q95]``."""
    return f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]"


def compact(v: Any) -> str:
    """Like :func:`fmt` but 1.19M, 27.8k for large values (narrow terminals)."""
    if isinstance(v, float | int | np.integer | np.floating) and v == v and abs(v) >= 1e4:
        v = float(v)
        return f"{v / 1e6:.3g}M" if abs(v) >= 1e6 else f"{v / 1e3:.3g}k"
    return fmt(v)


def compact_interval(mean: Any, lo: Any, hi: Any, outcome: str | None = None) -> str:
    """``mean [q05, q95]`` in compact numbers; money (an ``outcome`` whose unit is million
    yuan) on one scale with its unit (``4.5 [4.1, 4.9] trillion yuan``, never "4.5M" under a
    million-yuan heading)."""
    if outcome is not None and _is_money(outcome):
        from rainforest.report._common import money_interval

        return money_interval(mean, lo, hi)
    return f"{compact(mean)} [{compact(lo)}, {compact(hi)}]"


def _is_money(outcome: str) -> bool:
    from rainforest.report._common import is_money, metric_unit

    return is_money(metric_unit(outcome))


def fits(columns: int, per_column: int = 22, first: int = 16) -> bool:
    """Whether a wide table of ``columns`` interval cells fits the console; when it does not,
    commands switch to a long layout (one row per scenario or region) deliberately, instead
    of letting the table cut names and numbers."""
    return console.width >= first + per_column * columns


def store_spec(store: Path | None, no_store: bool) -> Any:
    """The store argument: ``None`` with ``--no-store``, else a path (or the default)."""
    if no_store:
        return None
    from rainforest.store import resolve_store_path

    return resolve_store_path(store)


@contextmanager
def user_errors(store: Any) -> Iterator[None]:
    """Turn expected errors into one-line messages; explain how to resume after Ctrl-C."""
    from rainforest.experiments import ExperimentError, RunFailedError
    from rainforest.scenario import ScenarioError
    from rainforest.store import StoreError

    try:
        yield
    except KeyboardInterrupt:
        msg = "interrupted."
        if store is not None:
            msg += f" Finished runs are in {store}; run the same command again to resume."
        err_console.print(f"[yellow]{msg}[/]")
        raise typer.Exit(130) from None
    except (ExperimentError, ScenarioError, StoreError, RunFailedError) as err:
        fail(str(err))


def footer(res: Any, store: Any) -> str:
    """Experiment id, how many runs were computed or reused, where they are stored."""
    parts = [f"experiment {res.experiment_id}", f"{res.executed} run(s) computed"]
    if res.reused:
        parts.append(f"{res.reused} reused from the store")
    if getattr(res, "failed", 0):
        parts.append(f"[red]{res.failed} failed[/]")
    parts.append(f"stored in {store}" if store is not None else "not stored (--no-store)")
    return "; ".join(parts)


ENSEMBLE_ROWS = (
    "foundings",
    "failures",
    "ipos",
    "acquisitions",
    "unicorns",
    "patents",
    "output",
    "startups_alive",
    "firms",
    "people",
)


@app.command()
def ensemble(
    scenario: str = typer.Argument(..., help="Preset name or scenario TOML path."),
    runs: int = typer.Option(32, "--runs", "-n", help="Number of seeds (replications)."),
    years: int = years_option(),
    seed: int = seed_option(),
    scale: float = scale_option(),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    events: bool = events_option(True),
    out: Path = out_option(),
    report: Path = report_option(),
) -> None:
    """Run SCENARIO with many seeds; print per-region totals with 90% intervals."""
    from rainforest.experiments import ensemble as run_ensemble

    st = store_spec(store, no_store)
    with user_errors(st), progress_bar("ensemble") as bar:
        res = run_ensemble(
            scenario,
            runs=runs,
            seed=seed,
            years=years,
            scale=scale,
            executor=executor_spec(workers, cluster),
            store=st,
            events=events,
            progress=bar,
        )
    summ = res.totals_summary()
    regions = list(dict.fromkeys(summ["region"]))
    table = Table(
        title=escape(
            f"{res.scenario.name}: {res.n} runs x {res.years} years (scale {res.scale:g})"
        ),
        caption="total over the run (stocks at the end): mean [5%, 95%] over runs",
        box=box.SIMPLE_HEAD,
    )
    from rainforest.i18n import metric_label

    wide = fits(len(regions))
    table.add_column("quantity", overflow="fold", ratio=1)
    if wide:
        for r in regions:
            table.add_column(str(r), justify="right")
    else:  # narrow terminal: one row per quantity and region
        table.add_column("region", no_wrap=True)
        table.add_column("mean [90%]", justify="right", no_wrap=True)
    table.add_column("n", justify="right")
    for q in ENSEMBLE_ROWS:
        sel = summ[summ["metric"] == q].set_index("region")
        if sel.empty:
            continue
        n = str(int(sel["n"].min()))
        label = metric_label(q)
        if wide:
            wide_cell = fits(len(regions), per_column=34) and not _is_money(q)
            cells = [
                interval(*sel.loc[r, ["mean", "q05", "q95"]])
                if wide_cell
                else compact_interval(*sel.loc[r, ["mean", "q05", "q95"]], outcome=q)
                for r in regions
            ]
            table.add_row(label, *cells, n)
            continue
        for i, r in enumerate(regions):
            cell = compact_interval(*sel.loc[r, ["mean", "q05", "q95"]], outcome=q)
            table.add_row(label if i == 0 else "", str(r), cell, n if i == 0 else "")
        if len(regions) > 1:
            table.add_section()
    console.print(table)
    console.print(footer(res, st), style="dim")
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/metrics.parquet, totals.parquet, runs.parquet")
    if report:
        from rainforest.cli.report_option import maybe_report

        maybe_report(res, report)


def _experiment(path: Path):
    from rainforest.experiments import ExperimentError, load_experiment

    try:
        return load_experiment(path)
    except ExperimentError as err:
        fail(str(err))


def _outcome_table(title: str, summary: Any, by: list[str], caption: str, limit: int = 40):
    outcomes = list(dict.fromkeys(summary["outcome"]))
    if not fits(len(outcomes) + len(by) // 2):
        return _outcome_table_long(title, summary, by, caption, outcomes, limit)
    table = Table(title=escape(title), caption=caption, box=box.SIMPLE_HEAD)
    for c in by:
        table.add_column(c, justify="right")
    for o in outcomes:
        table.add_column(escape(o), justify="right")
    table.add_column("n", justify="right")
    keys = summary[by].drop_duplicates()
    for i, key in enumerate(keys.itertuples(index=False)):
        if i >= limit:
            table.add_row(*(["…"] * (len(by) + len(outcomes) + 1)))
            break
        sel = summary
        for c, v in zip(by, key, strict=True):
            sel = sel[sel[c] == v]
        sel = sel.set_index("outcome")
        cells = [
            compact_interval(*sel.loc[o, ["mean", "q05", "q95"]], outcome=o)
            if _is_money(o)
            else interval(*sel.loc[o, ["mean", "q05", "q95"]])
            for o in outcomes
        ]
        table.add_row(*[fmt(v) for v in key], *cells, str(int(sel["n"].min())))
    return table


def _outcome_table_long(
    title: str, summary: Any, by: list[str], caption: str, outcomes: list[str], limit: int
) -> Table:
    """A sweep's table for narrow terminals: one row per point and outcome."""
    table = Table(title=escape(title), caption=caption, box=box.SIMPLE_HEAD)
    table.add_column(escape(", ".join(by)), overflow="fold", ratio=1)
    table.add_column("outcome", overflow="fold")
    table.add_column("mean [90%]", justify="right", no_wrap=True)
    table.add_column("n", justify="right")
    keys = summary[by].drop_duplicates()
    for i, key in enumerate(keys.itertuples(index=False)):
        if i >= limit:
            table.add_row("…", "", "", "")
            break
        sel = summary
        for c, v in zip(by, key, strict=True):
            sel = sel[sel[c] == v]
        sel = sel.set_index("outcome")
        point = ", ".join(
            f"{c}={fmt(v)}" if c != "point" else f"#{v}" for c, v in zip(by, key, strict=True)
        )
        for j, o in enumerate(outcomes):
            cell = compact_interval(*sel.loc[o, ["mean", "q05", "q95"]], outcome=o)
            table.add_row(
                escape(point) if j == 0 else "", escape(o), cell, str(int(sel.loc[o, "n"]))
            )
        table.add_section()
    return table


@app.command()
def sweep(
    experiment: Path = typer.Argument(..., help="Experiment TOML file (see docs/experiments.md)."),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    events: bool = events_option(False),
    out: Path = out_option(),
    report: Path = report_option(),
) -> None:
    """Run an experiment file's design; print each point's outcomes with 90% intervals
    (--report: parameter-space plots)."""
    from rainforest.experiments import sweep as run_sweep

    exp = _experiment(experiment)
    if not exp.parameters:
        fail(f"{experiment}: a sweep needs [[parameters]]")
    st = store_spec(store, no_store)
    with user_errors(st), progress_bar(f"sweep {exp.name}") as bar:
        res = run_sweep(
            exp.scenario,
            exp.parameters,
            exp.design(),
            runs_per_point=exp.runs,
            outcomes=exp.outcomes,
            seed=exp.seed,
            years=exp.years,
            scale=exp.scale,
            executor=executor_spec(workers, cluster),
            store=st,
            events=events,
            progress=bar,
            experiment_id=None,
        )
    title = (
        f"{exp.name}: {len(res.design)} points ({res.design.method}) x {exp.runs} run(s) "
        f"on {exp.scenario.name}"
    )
    caption = "outcome: mean [5%, 95%] over the runs of each point; n = runs per point"
    console.print(_outcome_table(title, res.summary(), ["point", *res.parameter_names], caption))
    console.print(footer(res, st), style="dim")
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/outcomes.parquet, series.parquet, runs.parquet, design.parquet")
    if report:
        from rainforest.cli.report_option import maybe_report

        maybe_report(res, report)


@app.command()
def compare(
    scenarios: list[str] = typer.Argument(..., help="Two or more presets or scenario TOMLs."),
    runs: int = typer.Option(32, "--runs", "-n", help="Seeds per scenario (the same for all)."),
    years: int = years_option(),
    seed: int = seed_option(),
    scale: float = scale_option(),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    events: bool = events_option(False),
    out: Path = out_option(),
    report: Path = report_option(),
) -> None:
    """Run scenarios with the same seeds; print outcomes side by side with 90% intervals."""
    from rainforest.experiments import compare as run_compare

    if len(scenarios) < 2:
        fail("compare needs at least two scenarios")
    st = store_spec(store, no_store)
    with user_errors(st), progress_bar("compare") as bar:
        res = run_compare(
            scenarios,
            runs=runs,
            seed=seed,
            years=years,
            scale=scale,
            executor=executor_spec(workers, cluster),
            store=st,
            events=events,
            keep_metrics=report is not None,
            progress=bar,
        )
    t = res.table().set_index(["outcome", "scenario"])
    d = res.differences().set_index(["outcome", "scenario"])
    if not fits(2 * len(res.labels)):
        _compare_long(res, t, d, runs)
        console.print(footer(res, st), style="dim")
        _compare_outputs(res, out, report)
        return
    table = Table(
        title=escape(f"{' vs '.join(res.labels)}: {runs} runs each"),
        caption=(
            "total over the run (stocks at the end), all regions: mean [5%, 95%] over runs; "
            f"difference: paired by seed, vs {res.labels[0]}"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column("outcome")
    for label in res.labels:
        table.add_column(label, justify="right")
    for label in res.labels[1:]:
        table.add_column(f"{label} - {res.labels[0]}", justify="right")
    table.add_column("n", justify="right")
    for o in res.outcome_names:
        cells = [interval(*t.loc[(o, lab), ["mean", "q05", "q95"]]) for lab in res.labels]
        diffs = [interval(*d.loc[(o, lab), ["mean", "q05", "q95"]]) for lab in res.labels[1:]]
        n = int(min(t.loc[(o, lab), "n"] for lab in res.labels))
        table.add_row(escape(o.replace("_", " ")), *cells, *diffs, str(n))
    console.print(table)
    console.print(footer(res, st), style="dim")
    _compare_outputs(res, out, report)


def _compare_outputs(res: Any, out: Path | None, report: Path | None) -> None:
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/outcomes.parquet, runs.parquet")
    if report:
        from rainforest.cli.report_option import maybe_report

        maybe_report(res, report)


def _compare_long(res: Any, t: Any, d: Any, runs: int) -> None:
    """A comparison for narrow terminals: one row per outcome and scenario."""
    from rainforest.i18n import metric_label

    base = res.labels[0]
    table = Table(
        title=escape(f"{' vs '.join(res.labels)}: {runs} runs each"),
        caption=(
            "total over the run (stocks at the end), all regions: mean [5%, 95%] over runs; "
            f"difference: paired by seed, vs {base}"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column("outcome", overflow="fold", ratio=1)
    table.add_column("scenario", no_wrap=True)
    table.add_column("mean [90%]", justify="right", no_wrap=True)
    table.add_column(f"vs {base} [90%]", justify="right", no_wrap=True)
    for o in res.outcome_names:
        for i, lab in enumerate(res.labels):
            cell = compact_interval(*t.loc[(o, lab), ["mean", "q05", "q95"]], outcome=o)
            diff = (
                ""
                if i == 0
                else compact_interval(*d.loc[(o, lab), ["mean", "q05", "q95"]], outcome=o)
            )
            table.add_row(escape(metric_label(o)) if i == 0 else "", escape(lab), cell, diff)
        table.add_section()
    console.print(table)


@app.command()
def sensitivity(
    experiment: Path = typer.Argument(..., help="Experiment TOML with design.method sobol|morris."),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    out: Path = out_option(),
    report: Path = report_option(),
) -> None:
    """Sobol indices (S1, ST with confidence intervals) or Morris screening of parameters
    (--report: index bars with intervals and parameter-space plots)."""
    from rainforest.experiments import sensitivity as run_sensitivity

    exp = _experiment(experiment)
    if exp.method not in ("sobol", "morris"):
        fail(f"{experiment}: design.method must be 'sobol' or 'morris' for sensitivity")
    if not exp.parameters:
        fail(f"{experiment}: sensitivity needs [[parameters]]")
    st = store_spec(store, no_store)
    with user_errors(st), progress_bar(f"sensitivity {exp.name}") as bar:
        res = run_sensitivity(
            exp.scenario,
            exp.parameters,
            outcomes=exp.outcomes,
            method=exp.method,
            n=exp.n,
            runs_per_point=exp.runs,
            second_order=exp.second_order,
            num_levels=exp.num_levels,
            conf_level=exp.conf_level,
            seed=exp.seed,
            years=exp.years,
            scale=exp.scale,
            executor=executor_spec(workers, cluster),
            store=st,
            progress=bar,
        )
    n_runs = len(res.sweep.outcomes)
    pct = f"{100 * exp.conf_level:g}%"
    table = Table(
        title=escape(
            f"{exp.name}: {res.method} over {len(res.sweep.design)} points, {n_runs} runs"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column("outcome")
    table.add_column("parameter")
    n = str(n_runs)
    if res.method == "sobol":
        table.caption = f"first-order S1 and total ST indices ± half-width of the {pct} interval"
        for c in ("S1", "ST", "n"):
            table.add_column(c, justify="right")
        for r in res.indices.itertuples(index=False):
            s1 = f"{fmt(r.S1)} ± {fmt(r.S1_conf)}"
            st_ = f"{fmt(r.ST)} ± {fmt(r.ST_conf)}"
            table.add_row(escape(r.outcome), escape(r.parameter), s1, st_, n)
    else:
        table.caption = f"Morris mu* (mean |effect|) ± {pct} half-width, sigma and mu"
        for c in ("mu*", "sigma", "mu", "n"):
            table.add_column(c, justify="right")
        for r in res.indices.itertuples(index=False):
            mu_star = f"{fmt(r.mu_star)} ± {fmt(r.mu_star_conf)}"
            row = (mu_star, fmt(r.sigma), fmt(r.mu), n)
            table.add_row(escape(r.outcome), escape(r.parameter), *row)
    console.print(table)
    console.print(footer(res.sweep, st), style="dim")
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/indices.parquet and the sweep's tables")
    if report:
        from rainforest.cli.report_option import maybe_report

        maybe_report(res, report)


@app.command()
def calibrate(
    experiment: Path = typer.Argument(None, help="Experiment TOML with [targets]."),
    trials: int = typer.Option(None, "--trials", help="Override calibration.trials."),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    out: Path = out_option(),
    places: str = typer.Option(
        None,
        "--places",
        help="Joint fit of the global mechanism parameters to the public figures of these "
        "places ('default' or comma-separated; no experiment file needed).",
    ),
    hold_out: str = typer.Option(
        None, "--hold-out", help="Places predicted, not fitted ('default', 'none' or a list)."
    ),
    years: int = typer.Option(4, "--years", "-y", help="--places: reported years per run."),
    seeds: int = typer.Option(2, "--seeds", help="--places: seeds (common random numbers)."),
    scale: float = typer.Option(40.0, "--scale", "-k", help="--places: population scale."),
    min_people: float = typer.Option(
        0.0,
        "--min-people",
        help="--places: least simulated people a place runs with (a smaller place runs at a "
        "finer scale than --scale); 0: every place at --scale.",
    ),
    seed: int = typer.Option(0, "--seed", "-s", help="--places: the sampler's seed."),
    recheck: int = typer.Option(
        3,
        "--recheck",
        min=0,
        help="--places: after the search, run the start and this many best trials again on "
        "as many fresh seeds and keep the values best over both (the best of many trials on "
        "one set of seeds is partly luck); 0: keep the search's best.",
    ),
    edition: str = typer.Option(
        "second",
        "--edition",
        help="--places: the mechanisms fitted: 'second' (the living network, M18-M20 and "
        "capital by traction switched on in every run, as the shipped fit) or 'first'.",
    ),
    save: Path = typer.Option(
        None, "--save", help="--places: fit TOML to write (default: the shipped fit)."
    ),
    start: Path = typer.Option(
        None,
        "--start",
        help="--places: a fit TOML whose values of the free parameters are the first trial "
        "and whose other values are held fixed (default: the presets' values).",
    ),
    free: list[str] = typer.Option(
        None,
        "--free",
        help="--places: a free parameter PATH=LOW:HIGH (log scale; add :lin for linear), "
        "repeatable (default: rainforest.experiments.joint.GLOBAL_PARAMETERS, the seven of "
        "docs/calibration.md sections 4 and 9).",
    ),
) -> None:
    """Fit parameters to targets with optuna (TPE); print best values, spread and fit.
    With --places: fit the global behavioural parameters jointly to many places' public
    figures, and report fit and held-out prediction separately."""
    from rainforest.experiments import calibrate as run_calibrate

    if places is not None:
        from rainforest.cli.places import calibrate_places

        calibrate_places(
            places,
            hold_out,
            trials or 24,
            years,
            seeds,
            scale,
            seed,
            save,
            free,
            out,
            edition,
            executor_spec(workers, cluster) or "processes",
            start,
            min_people,
            recheck,
        )
        return
    if experiment is None:
        fail("give an experiment TOML, or --places")
    exp = _experiment(experiment)
    if not exp.targets:
        fail(f"{experiment}: calibration needs a [targets] table")
    if not exp.parameters:
        fail(f"{experiment}: calibration needs [[parameters]]")
    n_trials = trials or exp.trials
    st = store_spec(store, no_store)
    with user_errors(st), progress_bar(f"calibrate {exp.name}") as bar:
        res = run_calibrate(
            exp.scenario,
            exp.parameters,
            exp.targets,
            trials=n_trials,
            runs_per_trial=exp.runs_per_trial,
            batch=exp.batch,
            top=exp.top,
            seed=exp.seed,
            years=exp.years,
            scale=exp.scale,
            executor=executor_spec(workers, cluster),
            store=st,
            progress=bar,
        )
    spread = res.spread()
    t1 = Table(
        title=escape(
            f"{exp.name}: best of {n_trials} trials x {exp.runs_per_trial} runs "
            f"(loss {fmt(res.best_loss)})"
        ),
        caption=escape(f"range: mean [min, max] over the {res.top} best trials"),
        box=box.SIMPLE_HEAD,
    )
    for c in ("parameter", "best", f"top {res.top}", "sd"):
        t1.add_column(c, justify="left" if c == "parameter" else "right")
    for r in spread.itertuples(index=False):
        rng = r.values if r.values else interval(r.mean, r.min, r.max)
        t1.add_row(escape(r.parameter), escape(fmt(r.best)), escape(rng), fmt(r.sd))
    console.print(t1)
    t2 = Table(
        title="fit of the best trial",
        caption="simulated: mean [5%, 95%] over its runs; error relative to the target",
        box=box.SIMPLE_HEAD,
    )
    for c in ("target", "age", "target value", "simulated", "error", "n"):
        t2.add_column(c, justify="left" if c == "target" else "right")
    for r in res.fit.itertuples(index=False):
        age = (
            "" if r.age is None or (isinstance(r.age, float) and math.isnan(r.age)) else fmt(r.age)
        )
        t2.add_row(
            escape(r.target),
            age,
            fmt(r.value),
            interval(r.simulated, r.q05, r.q95),
            f"{100 * r.relative_error:+.1f}%",
            str(r.n),
        )
    console.print(t2)
    console.print(
        f"experiment {res.experiment_id}; "
        + (f"runs stored in {st}" if st is not None else "not stored (--no-store)"),
        style="dim",
    )
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/trials.parquet, fit.parquet, spread.parquet")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
