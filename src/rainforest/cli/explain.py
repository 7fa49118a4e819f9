"""`rainforest explain A --vs B` and `rainforest whatif SCENARIO --set PATH=VALUE`.

``explain`` attributes the gap between two places in one outcome to lever groups (seeds 003
and 004: "why Hangzhou and not here?") and prints each group's Shapley value with a 90%
interval and share of the gap, then the best single moves. ``whatif`` runs a scenario with
and without a change, with the same seeds, and prints every outcome's difference.

Both run on local processes unless told ``--workers`` or ``--cluster``; their runs go into the
run store (the default one, ``--store`` or none with ``--no-store``) and a repeated command
reuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from rainforest.cli.app import app, console, fail
from rainforest.cli.experiments import (
    fmt,
    progress_bar,
    store_spec,
    user_errors,
)
from rainforest.cli.options import (
    cluster_option,
    executor_spec,
    fitted_option,
    no_store_option,
    out_option,
    parse_assignment,
    scale_option,
    seed_option,
    set_option,
    store_option,
    with_fit,
    workers_option,
    years_option,
)
from rainforest.cli.report_option import maybe_report, report_option


@contextmanager
def _errors(store: Any) -> Iterator[None]:
    from rainforest.explain import ExplainError

    with user_errors(store):
        try:
            yield
        except ExplainError as err:
            fail(str(err))


def _store(path: Path | None, no_store: bool = False) -> Any:
    return store_spec(path, no_store)


def _pct(x: float) -> str:
    if x != x:
        return "–"
    if abs(x) == float("inf"):
        return "∞" if x > 0 else "-∞"
    return f"{100 * x:.0f}%"


def _groups_arg(groups: str | None) -> Any:
    if groups is None:
        return None
    p = Path(groups)
    return p if p.suffix == ".toml" or p.exists() else groups


@app.command("explain")
def explain_cmd(
    a: str = typer.Argument(..., help="The model place (preset or TOML), e.g. hangzhou."),
    vs: str = typer.Option(..., "--vs", help="The place to explain the gap of, e.g. zhangjiang."),
    outcome: str = typer.Option(
        None,
        "--outcome",
        "-o",
        help="grassroots_ai_foundings (default), ai_foundings, high_growth, foundings, "
        "unicorns, ipos, output, patents, or any metric.",
    ),
    runs: int = typer.Option(None, "--runs", "-n", help="Replicates per coalition (default 4)."),
    years: int = typer.Option(None, "--years", "-y", help="Reported years (default 10)."),
    scale: float = typer.Option(
        None, "--scale", "-k", help="Real people per simulated person (default 4x B's scale)."
    ),
    groups: str = typer.Option(
        None,
        "--groups",
        "-g",
        help="Groups TOML file, or comma-separated built-in groups (default: the seven of "
        "seeds 003/004).",
    ),
    seed: int = seed_option(),
    region_a: str = typer.Option(None, "--region-a", help="Region of A (if it has several)."),
    region_b: str = typer.Option(None, "--region-b", help="Region of B (if it has several)."),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    report: Path = report_option(),
    out: Path = out_option(short=False),  # -o is --outcome here
    fitted: bool = fitted_option(),
) -> None:
    """Why A and not B? Attribute B's gap to A in OUTCOME to lever groups (Shapley values)."""
    from rainforest.explain import DEFAULT_OUTCOME, DEFAULT_RUNS, DEFAULT_YEARS
    from rainforest.explain import explain as run_explain

    st = _store(store, no_store)
    with _errors(st), progress_bar("explain") as bar:
        res = run_explain(
            with_fit(a, fitted),
            vs=with_fit(vs, fitted),
            outcome=outcome or DEFAULT_OUTCOME,
            runs=runs if runs is not None else DEFAULT_RUNS,
            groups=_groups_arg(groups),
            seed=seed,
            years=years if years is not None else DEFAULT_YEARS,
            scale=scale,
            executor=executor_spec(workers, cluster),
            store=st,
            a_region=region_a,
            b_region=region_b,
            progress=bar,
        )
    print_explanation(res)
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/attribution.parquet, best_moves.parquet, coalitions.parquet")
    maybe_report(res, report)


def _num(v: Any) -> str:
    """Compact numbers for narrow tables: 1.19M, 27.8k, else :func:`fmt`."""
    if isinstance(v, float) and abs(v) == float("inf"):
        return "∞" if v > 0 else "-∞"
    if isinstance(v, float | int) and v == v and abs(v) >= 1e4:
        return f"{v / 1e6:.3g}M" if abs(v) >= 1e6 else f"{v / 1e3:.3g}k"
    return fmt(v)


def _money_or_num(outcome: str) -> Any:
    """The formatter of an outcome's numbers: money with its unit (one formatter for money,
    :func:`rainforest.report._common.money`), else :func:`_num`."""
    from rainforest.report._common import is_money, metric_unit, money

    return money if is_money(metric_unit(outcome)) else _num


def _iv(lo: float, hi: float, pct: bool = False, f: Any = fmt) -> str:
    f = _pct if pct else f
    return f"[{f(lo)}, {f(hi)}]"


def print_explanation(res: Any) -> None:
    """The attribution table, the endpoints and the best single moves."""
    n_coal = res.coalitions["mask"].nunique()
    what = res.outcome.replace("_", " ")
    title = (
        f"Why {res.a} and not {res.b}? {what} over {res.years} years\n{res.runs} runs x "
        f"{n_coal} coalitions ({res.method} Shapley), scale {res.scale:g}"
    )
    table = Table(
        title=escape(title),
        caption=(
            f"attribution: Shapley value of {res.a}'s group in {res.b}; the groups sum to the "
            "gap.\nIntervals: 90% bootstrap over replicates (same seeds in every coalition)."
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column("lever group", no_wrap=True)
    table.add_column("attribution [90%]", justify="right")
    table.add_column("share of gap [90%]", justify="right")
    for r in res.attribution.itertuples(index=False):
        table.add_row(
            escape(r.label),
            f"{fmt(r.value)} {_iv(r.lo, r.hi)}",
            f"{_pct(r.share)} {_iv(r.share_lo, r.share_hi, pct=True)}",
        )
    table.add_section()
    table.add_row(
        "total gap", f"{fmt(res.total_gap)} {_iv(res.total_gap_lo, res.total_gap_hi)}", "100%"
    )
    console.print(table)
    e = res.endpoints.set_index("endpoint")
    console.print(
        escape(
            f"{what} ({res.outcome_description}): {res.b} {fmt(e.loc['b', 'value'])}; {res.b} "
            f"with all of {res.a}'s levers {fmt(e.loc['b_with_a_levers', 'value'])}; {res.a} "
            f"{fmt(e.loc['a', 'value'])}. Not attributed ({res.b}'s population, industry and "
            f"talent mix, everything outside the groups): {fmt(res.structural_gap)}."
        ),
        highlight=False,
    )
    moves = Table(
        title=escape(f"Best single moves: {res.b} adopts one of {res.a}'s groups alone"),
        caption=f"gap closed: share of {res.b}'s attributed gap in {what} that the move closes",
        box=box.SIMPLE_HEAD,
    )
    moves.add_column("#", justify="right", no_wrap=True)
    moves.add_column("adopt", no_wrap=True)
    moves.add_column("change [90% interval]", justify="right")
    moves.add_column("gap closed [90%]", justify="right")
    for r in res.best_moves.itertuples(index=False):
        moves.add_row(
            str(r.rank),
            escape(r.label),
            f"{fmt(r.value)} {_iv(r.lo, r.hi)}",
            f"{_pct(r.share)} {_iv(r.share_lo, r.share_hi, pct=True)}",
        )
    console.print(moves)
    if len(res.best_moves):
        s = res.sentences(1)[0]
        console.print(escape(s[0].upper() + s[1:] + "."), highlight=False)
    cost = (getattr(res, "extra", None) or {}).get("cost")
    if cost is not None and len(cost):
        ct = Table(
            title=f"Cost to government of each move (million yuan; per extra {what})",
            caption="extra public spending / extra outcome, paired by seed; 90% interval "
            "('∞': the extra outcome may be nil)",
            box=box.SIMPLE_HEAD,
        )
        ct.add_column("move", no_wrap=True)
        ct.add_column("extra spending", justify="right", no_wrap=True)
        ct.add_column("extra outcome", justify="right", no_wrap=True)
        ct.add_column("cost per unit [90%]", justify="right", no_wrap=True)
        labels = {g.name: g.label for g in res.groups}
        for r in cost.itertuples(index=False):
            name = f"all of {res.a}'s levers" if r.move == "all" else labels.get(r.move, r.move)
            ct.add_row(
                escape(name),
                _num(r.extra_cost),
                _num(r.extra_outcome),
                f"{_num(r.cost_per_unit)} {_iv(r.lo, r.hi, f=_num)}",
            )
        console.print(ct)
    parts = [f"experiment {res.experiment_id}"] if res.experiment_id else []
    parts.append(f"{res.executed} run(s) computed")
    if res.reused:
        parts.append(f"{res.reused} reused from the store")
    parts.append(f"{res.wall_s:.0f} s")
    console.print("; ".join(parts), style="dim")


@app.command("whatif")
def whatif_cmd(
    scenario: str = typer.Argument(..., help="Preset name or scenario TOML path."),
    set_: list[str] = set_option(),
    package: str = typer.Option(
        None,
        "--package",
        "-p",
        help="Adopt a named policy package (`rainforest packages list`), e.g. "
        "shanghai-2025-ai-measures; --set values apply on top.",
    ),
    vs: str = typer.Option(
        None,
        "--vs",
        help="A model place (preset) run with the same seeds: report the share of the gap "
        "to it that the change closes.",
    ),
    runs: int = typer.Option(16, "--runs", "-n", help="Replicates of each arm (same seeds)."),
    years: int = years_option(),
    scale: float = scale_option(),
    outcome: list[str] = typer.Option(
        None, "--outcome", "-o", help="Outcome(s) to report (repeatable; default: a standard set)."
    ),
    region: str = typer.Option(None, "--region", help="Measure one region (default: all)."),
    by_year: bool = typer.Option(False, "--by-year", help="Also print the differences per year."),
    seed: int = seed_option(),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
    store: Path = store_option(),
    no_store: bool = no_store_option(),
    report: Path = report_option(),
    out: Path = out_option(short=False),  # -o is --outcome here
    fitted: bool = fitted_option(),
) -> None:
    """What if SCENARIO changed? Paired differences of every outcome, with 90% intervals,
    the public cost per extra founding, high-growth firm and unit of output, and (with --vs)
    the share of the gap to a model place closed."""
    from rainforest.explain import whatif as run_whatif

    changes = dict(parse_assignment(s) for s in set_ or [])
    if not changes and not package:
        fail("give at least one --set PATH=VALUE or a --package NAME")
    st = _store(store, no_store)
    with _errors(st), progress_bar("whatif") as bar:
        res = run_whatif(
            with_fit(scenario, fitted),
            set=changes,
            runs=runs,
            outcomes=outcome or None,
            seed=seed,
            years=years,
            scale=scale,
            executor=executor_spec(workers, cluster),
            store=st,
            region=region,
            progress=bar,
            package=package,
            vs=with_fit(vs, fitted),
        )
    print_whatif(res, by_year)
    if out:
        res.to_parquet(out)
        console.print(f"wrote {out}/whatif.parquet, whatif_runs.parquet")
    try:
        maybe_report(res, report)
    except TypeError as err:
        fail(f"cannot write a report of a what-if: {err}")


def print_whatif(res: Any, by_year: bool = False) -> None:
    """The overall differences (and per year on request)."""
    change = ", ".join(f"{k} = {v}" for k, v in res.changes.items())
    if getattr(res, "package", ""):
        change = f"package {res.package}"
    table = Table(
        title=escape(f"What if {res.scenario}: {change}? ({res.runs} runs, same seeds)"),
        caption="whole reported period; difference = changed - baseline, paired by seed; "
        "90% bootstrap interval of its mean",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("outcome", no_wrap=True)
    table.add_column("baseline", justify="right", no_wrap=True)
    table.add_column("changed", justify="right", no_wrap=True)
    table.add_column("difference [90%]", justify="right", no_wrap=True)
    table.add_column("rel.", justify="right", no_wrap=True)
    for r in res.overall().itertuples(index=False):
        num = _money_or_num(r.outcome)
        table.add_row(
            escape(r.outcome.replace("_", " ")),
            num(r.baseline),
            num(r.changed),
            f"{num(r.difference)} {_iv(r.lo, r.hi, f=num)}",
            "–" if r.relative != r.relative else f"{100 * r.relative:+.1f}%",
        )
    console.print(table)
    if by_year:
        yt = Table(title="per reported year (0 = first)", box=box.SIMPLE_HEAD)
        yt.add_column("outcome", no_wrap=True)
        yt.add_column("year", justify="right")
        yt.add_column("baseline", justify="right")
        yt.add_column("difference [90%]", justify="right")
        for r in res.by_year().itertuples(index=False):
            yt.add_row(
                escape(r.outcome.replace("_", " ")),
                str(r.year),
                _num(r.baseline),
                f"{_num(r.difference)} {_iv(r.lo, r.hi, f=_num)}",
            )
        console.print(yt)
    print_cost(res)
    parts = [f"experiment {res.experiment_id}", f"{res.executed} run(s) computed"]
    if res.reused:
        parts.append(f"{res.reused} reused from the store")
    parts.append(f"{res.wall_s:.0f} s")
    console.print("; ".join(parts), style="dim")


def print_cost(res: Any) -> None:
    """The public cost per extra unit of outcome and, with --vs, the share of the gap closed."""
    cost = getattr(res, "cost", None)
    if cost is not None and len(cost):
        ct = Table(
            title="Cost to government (public spending, million yuan)",
            caption="extra public spending / extra outcome, ratio of means over paired runs; "
            "90% bootstrap interval ('inf': the extra outcome may be nil)",
            box=box.SIMPLE_HEAD,
        )
        ct.add_column("per extra", no_wrap=True)
        ct.add_column("extra spending", justify="right", no_wrap=True)
        ct.add_column("extra outcome", justify="right", no_wrap=True)
        ct.add_column("public cost per unit [90%]", justify="right", no_wrap=True)
        for r in cost.itertuples(index=False):
            ct.add_row(
                escape(r.unit),
                _num(r.extra_cost),
                _num(r.extra_outcome),
                f"{_num(r.cost_per_unit)} {_iv(r.lo, r.hi, f=_num)}",
            )
        console.print(ct)
    spending = getattr(res, "spending", None)
    if spending is not None and len(spending):
        from rainforest.registry import label

        st = Table(
            title="Public spending by instrument, whole period (million yuan)",
            caption="M10's cash subsidies and each instrument's cost (docs/policy.md); "
            "difference = changed - baseline, paired by seed",
            box=box.SIMPLE_HEAD,
        )
        st.add_column("instrument", no_wrap=True)
        st.add_column("baseline", justify="right", no_wrap=True)
        st.add_column("changed", justify="right", no_wrap=True)
        st.add_column("difference [90%]", justify="right", no_wrap=True)
        for r in spending.itertuples(index=False):
            st.add_row(
                escape(label(r.instrument)),
                _num(r.baseline),
                _num(r.changed),
                f"{_num(r.difference)} {_iv(r.lo, r.hi, f=_num)}",
            )
        console.print(st)
    gap = getattr(res, "gap", None)
    if gap is not None and len(gap):
        gt = Table(
            title=escape(f"Share of the gap to {res.vs} closed (at {res.scenario}'s size)"),
            caption="(changed - baseline) / (model - baseline), ratio of means over paired runs",
            box=box.SIMPLE_HEAD,
        )
        gt.add_column("outcome", no_wrap=True)
        gt.add_column("baseline", justify="right", no_wrap=True)
        gt.add_column("changed", justify="right", no_wrap=True)
        gt.add_column(escape(res.vs), justify="right", no_wrap=True)
        gt.add_column("gap closed [90%]", justify="right", no_wrap=True)
        for r in gap.itertuples(index=False):
            gt.add_row(
                escape(r.outcome.replace("_", " ")),
                _num(r.baseline),
                _num(r.changed),
                _num(r.model),
                f"{_pct(r.closed)} {_iv(r.lo, r.hi, f=_pct)}",
            )
        console.print(gt)
