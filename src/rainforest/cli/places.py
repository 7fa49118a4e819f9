"""`rainforest calibrate --places`, `rainforest validate --places` and `rainforest claims`:
the model held against the public figures of many places at once, and the essays' claims
tested per capita with ablations. The commands' bodies live here; ``calibrate`` and
``validate`` call them when ``--places`` is given."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from rainforest.cli.app import app, console, fail
from rainforest.cli.display import BAND_NOTE, POOLED_NOTE, band, fmt, progress_bar
from rainforest.cli.options import cluster_option, executor_spec, workers_option


def _list(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if text is None or text.strip() in ("", "default"):
        return default
    if text.strip() == "none":
        return ()
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _level_table(tab: Any, title: str) -> Table:
    t = Table(title=escape(title), box=box.SIMPLE_HEAD)
    for c in ("place", "measure", "year", "data", "model [90%]", "x off", "<2x", "z", "role"):
        t.add_column(c, justify="left" if c in ("place", "measure", "role") else "right")
    for r in tab.itertuples(index=False):
        growth = r.moment.endswith("growth") or r.moment.startswith("survival")
        f = (lambda v: f"{v:+.1%}") if r.moment.endswith("growth") else fmt
        if r.moment.startswith("survival"):
            f = lambda v: f"{v:.0%}"  # noqa: E731
        within = "" if r.within_2x is None or growth else ("yes" if r.within_2x else "[red]no[/]")
        t.add_row(
            escape(r.place),
            escape(r.label),
            ""
            if r.year is None or (isinstance(r.year, float) and math.isnan(r.year))
            else str(int(r.year)),
            f(r.data),
            f(r.model) + band(r.model_lo, r.model_hi, f),
            "" if growth else fmt(r.factor),
            within,
            f"{r.z:+.1f}",
            escape(r.role),
        )
    from rainforest.experiments.joint import MOMENTS, PARTLY_INPUT

    partly = [m for m in PARTLY_INPUT if m in set(tab["moment"])]
    notes = [f"{MOMENTS[m].label}: {PARTLY_INPUT[m]}" for m in partly]  # inputs set them in part
    t.caption = escape("; ".join([*notes, BAND_NOTE, POOLED_NOTE]))
    return t


def _venture_table(tab: Any) -> Table:
    """Round sizes beside published deal figures (``PlaceValidation.venture``)."""
    fitted = "fit" in set(tab["role"])
    t = Table(
        title="venture rounds vs published deal figures"
        + (" (role: as the fit saw them)" if fitted else " (none fitted: predictions)"),
        box=box.SIMPLE_HEAD,
        caption=escape(
            "a national figure against the rounds of that country's places pooled, run by run; "
            "money in million US dollars (7.1 yuan a dollar); [90%]: where one run lands"
        ),
    )
    heads = ("scope", "measure", "year", "data", "model [90%]", "x off", "<2x", "rounds", "role",
             "source")  # fmt: skip
    for c in heads:
        t.add_column(c, justify="left" if c in ("scope", "measure", "source") else "right")
    for r in tab.itertuples(index=False):
        f = (lambda x: f"{x:.2f}") if r.measure.endswith("_share") else fmt
        within = "" if r.within_2x is None else ("yes" if r.within_2x else "[red]no[/]")
        t.add_row(
            escape(r.scope),
            escape(r.label + (f" ({r.note})" if r.note else "")),
            "" if r.year is None else str(r.year),
            f(r.data),
            f(r.model) + band(r.model_lo, r.model_hi, f),
            fmt(r.factor),
            within,
            f"{r.rounds:,}",
            escape("prediction" if r.role == "not in fit" else r.role),
            escape(r.source),
        )
    return t


def calibrate_places(
    places: str | None,
    hold_out: str | None,
    trials: int,
    years: int,
    seeds: int,
    scale: float,
    seed: int,
    save: Path | None,
    free: list[str] | None = None,
    out: Path | None = None,
    edition: str = "second",
    workers: Any = None,
    start: Path | None = None,
    min_people: float = 0.0,
    recheck: int = 3,
) -> None:
    """Body of ``rainforest calibrate --places``."""
    from rainforest.experiments.joint import (
        DEFAULT_HOLDOUT,
        DEFAULT_PLACES,
        FITTED_PATH,
        GLOBAL_PARAMETERS,
        Budget,
        fit_places,
        parse_free,
        start_from_fit,
    )
    from rainforest.experiments.parameters import ExperimentError
    from rainforest.scenario import ScenarioError

    if edition not in ("first", "second"):
        fail(f"--edition must be 'first' or 'second', got {edition!r}")
    from rainforest.scenario import FIRST_EDITION, SECOND_EDITION

    # The first edition: the second's switches off and its rules at the first edition's values
    # (the free values are searched anyway).
    fixed = {k: FIRST_EDITION[k] for k in SECOND_EDITION} if edition == "first" else None
    ps, ho = _list(places, DEFAULT_PLACES), _list(hold_out, DEFAULT_HOLDOUT)
    try:
        params = tuple(parse_free(f) for f in free) if free else GLOBAL_PARAMETERS
        first: dict[str, float] = {}
        if start is not None:
            try:
                first, fixed = start_from_fit(start, params, fixed)
            except (OSError, ValueError) as err:
                fail(f"--start {start}: {err}")
        budget = Budget(years=years, seeds=tuple(range(seeds)), scale=scale, min_people=min_people)
        with progress_bar("calibrate --places") as bar:
            res = fit_places(
                ps,
                ho,
                params,
                trials=trials,
                budget=budget,
                seed=seed,
                progress=bar,
                fixed=fixed,
                workers=workers,
                start=first,
                recheck=recheck,
            )
    except (ExperimentError, ScenarioError) as err:
        fail(str(err))
    kept = "kept after the recheck" if res.recheck is not None else "best"
    t1 = Table(
        title=f"global parameters: {kept} of {trials} trials (distance on the search's "
        f"seeds {res.distance:.3g}, start {res.start_distance:.3g})",
        box=box.SIMPLE_HEAD,
    )
    for c in ("parameter", "start", "fitted", "range searched"):
        t1.add_column(c, justify="left" if c == "parameter" else "right")
    for p in res.parameters:
        t1.add_row(p.path, fmt(res.start[p.path]), fmt(res.best[p.path]), f"{p.low:g}–{p.high:g}")
    console.print(t1)
    if res.recheck is not None and not res.recheck.empty:
        seeds_s = ", ".join(map(str, res.budget.seeds))
        seeds_f = ", ".join(map(str, res.fresh_seeds))
        t2 = Table(
            title=f"recheck on fresh seeds ({seeds_f}; the search's: {seeds_s})",
            box=box.SIMPLE_HEAD,
        )
        for c in ("trial", "search seeds", "fresh seeds", "both", "kept"):
            t2.add_column(c, justify="right")
        for r in res.recheck.itertuples(index=False):
            t2.add_row(
                "start" if r.trial == 0 else str(r.trial),
                fmt(r.distance),
                fmt(r.fresh_distance),
                fmt(r.combined_distance),
                "yes" if r.chosen else "",
            )
        console.print(t2)
    console.print(_level_table(res.table, "targets at the fitted values (fit and held out)"))
    t3 = Table(title="fit vs prediction", box=box.SIMPLE_HEAD)
    for c in ("values", "targets", "n", "RMS z", "median |z|", "median |log10 x|", "within 2x"):
        t3.add_column(c, justify="left" if c in ("values", "targets") else "right")
    for r in res.summary().itertuples(index=False):
        t3.add_row(
            r.values,
            r.targets,
            str(r.n),
            f"{r.rms_z:.2f}",
            f"{r.median_abs_z:.2f}",
            fmt(r.median_abs_log10_factor),
            r.within_2x,
        )
    console.print(t3)
    path = save or FITTED_PATH
    toml, report = res.save(path)
    console.print(f"wrote {toml} and {report}", style="dim")
    if out:
        out.mkdir(parents=True, exist_ok=True)
        res.table.to_parquet(out / "targets.parquet", index=False)
        res.trials.to_parquet(out / "trials.parquet", index=False)
        console.print(f"wrote {out}/targets.parquet, trials.parquet", style="dim")
    console.print(res.provenance(), style="dim")


def validate_places_cmd(
    places: str | None,
    fitted: Path | None,
    no_fit: bool,
    seeds: int,
    scale: float,
    years: int,
    min_people: float = 0.0,
    first_seed: int = 0,
) -> None:
    """Body of ``rainforest validate --places``: ``seeds`` runs a place, seeds ``first_seed``
    onwards."""
    from rainforest.experiments.joint import FITTED_PATH
    from rainforest.experiments.parameters import ExperimentError
    from rainforest.experiments.placecheck import VALIDATE_PLACES
    from rainforest.validation import validate_places

    ps = _list(places, VALIDATE_PLACES)
    if first_seed < 0:
        fail(f"--seed must be 0 or more, got {first_seed}")
    if not (math.isfinite(min_people) and min_people >= 0):
        fail(f"--min-people must be 0 or more, got {min_people}")
    fit = None if no_fit else (fitted or FITTED_PATH)
    if fit is not None and not Path(fit).exists():
        fit = None
        console.print("no fit found: the presets' own values", style="yellow")
    try:
        with progress_bar("validate --places") as bar:
            v = validate_places(
                ps,
                fit,
                seeds=tuple(range(first_seed, first_seed + seeds)),
                scale=scale,
                years=years,
                progress=bar,
                min_people=min_people,
            )
    except ExperimentError as err:
        fail(str(err))
    console.print(f"values: {v.meta['provenance']}", style="dim")
    console.print(
        _level_table(
            v.levels,
            f"model vs public figures ({seeds} seeds"
            + (f" from {first_seed}" if first_seed else "")
            + f", {years} years, scale {scale:g}"
            + (f", at least {min_people:,.0f} simulated people a place" if min_people else "")
            + ")",
        )
    )
    if seeds < 4:  # Student's t with 1 or 2 degrees of freedom: bands 6.3 or 2.9 sd wide
        console.print(
            f"{seeds} seed{'s' if seeds > 1 else ''}: "
            + ("no band" if seeds < 2 else "the bands are wide, as few runs warrant")
            + "; -n 4 or more narrows them",
            style="yellow",
        )
    t = Table(
        title=f"direction of {years}-year change vs history",
        box=box.SIMPLE_HEAD,
        caption="[90%]: where one run lands, as in the table above",
    )
    for c in (
        "place",
        "quantity",
        "model change [90%]",
        "model",
        "history",
        "match",
        "role",
        "evidence",
    ):
        t.add_column(c, justify="left")
    for r in v.directions.itertuples(index=False):
        match = "" if r.match is None else ("yes" if r.match else "[red]no[/]")
        t.add_row(
            escape(r.place),
            r.quantity,
            f"{r.model_change:+.1%}" + band(r.model_lo, r.model_hi, lambda v: f"{v:+.1%}"),
            r.model,
            r.history,
            match,
            r.role,
            escape(r.evidence),
        )
    console.print(t)
    if not v.venture.empty:
        console.print(_venture_table(v.venture))
    s = Table(title="summary", box=box.SIMPLE_HEAD)
    for c in ("targets", "n", "within 2x / match", "RMS z", "median |z|"):
        s.add_column(c)
    for r in v.summary().itertuples(index=False):
        z = "" if math.isnan(r.rms_z) else f"{r.rms_z:.2f}"
        mz = "" if math.isnan(r.median_abs_z) else f"{r.median_abs_z:.2f}"
        s.add_row(r.role, str(r.n), r.within_2x, z, mz)
    console.print(s)


@app.command()
def claims(
    seeds: int = typer.Option(
        8, "--seeds", help="Runs per place and swap (the statistics' units)."
    ),
    years: int = typer.Option(5, "--years", "-y", help="Reported years per run."),
    scale: float = typer.Option(10.0, "--scale", "-k", help="Real people per simulated person."),
    fitted: Path = typer.Option(None, "--fitted", help="Fit TOML to apply (default: none)."),
    only: str = typer.Option(None, "--only", help="Comma-separated claim keys."),
    no_ablation: bool = typer.Option(False, "--no-ablation", help="Test the claims only."),
    groups: str = typer.Option(
        None,
        "--groups",
        help="Comma-separated input groups to swap (default: all of culture, policy, capital, "
        "research, anchors, workforce, industry, costs).",
    ),
    workers: int = workers_option(),
    cluster: str = cluster_option(),
) -> None:
    """Test the essays' comparative claims per capita (runs as units) and swap each input
    group between the two places: a claim that falls when the input that states it is swapped
    is labelled 'by assumption'."""
    from rainforest.experiments.claims import CLAIMS, GROUPS, check_claims

    chosen = CLAIMS
    if only:
        keys = set(_list(only, ()))
        unknown = keys - {c.key for c in CLAIMS}
        if unknown:
            fail(f"unknown claim(s) {sorted(unknown)}; known: {', '.join(c.key for c in CLAIMS)}")
        chosen = tuple(c for c in CLAIMS if c.key in keys)
    if seeds < 2:
        fail("--seeds must be at least 2 (runs are the units of the statistics)")
    swaps = _list(groups, tuple(GROUPS))
    unknown_groups = [g for g in swaps if g not in GROUPS]
    if unknown_groups:
        fail(f"--groups: unknown group(s) {unknown_groups}; known: {', '.join(GROUPS)}")
    if no_ablation and groups is not None:
        fail("--groups and --no-ablation exclude each other")
    with progress_bar("claims") as bar:
        res = check_claims(
            chosen,
            seeds=tuple(range(seeds)),
            years=years,
            scale=scale,
            groups=() if no_ablation else swaps,
            fitted=fitted,
            progress=bar,
            executor=executor_spec(workers, cluster) or "processes",
        )
    t = Table(title=f"claims per capita ({seeds} runs each, Welch t >= 2)", box=box.SIMPLE_HEAD)
    for c in ("claim", "measure", "A", "B", "t", "label", "falls when swapping"):
        t.add_column(c, justify="right" if c in ("A", "B", "t") else "left")
    for r in res.claims.itertuples(index=False):
        label = f"[yellow]{r.label}[/]" if r.label == "by assumption" else r.label
        t.add_row(
            escape(f"{r.text} ({r.a} > {r.b})"),
            escape(r.unit),
            fmt(r.mean_a),
            fmt(r.mean_b),
            f"{r.t:.1f}",
            label,
            escape(r.broken_by),
        )
    console.print(t)
    if len(res.ablations):
        a = Table(
            title="ablations: t of the claim after swapping one input group", box=box.SIMPLE_HEAD
        )
        groups = list(dict.fromkeys(res.ablations["swap"]))
        keys = [str(k) for k in dict.fromkeys(res.ablations["claim"])]
        a.add_column("claim", no_wrap=True, min_width=max(len(k) for k in keys))
        for g in groups:
            a.add_column(g, justify="right")
        for key, sub in res.ablations.groupby("claim", sort=False):
            cells = []
            for g in groups:
                r = sub[sub["swap"] == g].iloc[0]
                cell = "invalid" if r.survives is None else f"{r.t:.1f}"
                if r.survives is False:
                    cell = f"[red]{cell}[/]"
                if r.note == "states the claim":
                    cell += "*"
                cells.append(cell)
            a.add_row(key, *cells)
        a.caption = "red: the claim no longer holds; *: the group that states the claim"
        console.print(a)
