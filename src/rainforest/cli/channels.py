"""`rainforest channels`: by which routes a place's new firms come (issue 14, item 8)."""

from __future__ import annotations

import numpy as np
import typer
from rich.table import Table

from rainforest.cli.app import app, console, fail
from rainforest.cli.display import BAND_NOTE, band, progress_bar
from rainforest.cli.options import fitted_option, scale_option


def _span(lo: float, hi: float, f) -> str:
    """``lo-hi`` in ``f``'s format, or a dash where one run gives no band."""
    return band(lo, hi, f, "-").strip(" []") or "–"


@app.command()
def channels(
    scenario: str = typer.Argument(..., help="Preset name or TOML path."),
    runs: int = typer.Option(3, "--runs", "-n", help="Seeds; intervals are over them."),
    seed: int = typer.Option(0, "--seed", "-s", help="First seed."),
    years: int = typer.Option(5, "--years", "-y", help="Reported years per run."),
    scale: float = scale_option(),
    network: bool = typer.Option(
        False, "--network", help="Switch the living network (M13-M16) on for these runs."
    ),
    fitted: bool = fitted_option(),
) -> None:
    """Share of foundings by channel (contacts/recombination, spin-offs from anchors,
    startups, facilities, universities; comebacks beside them) with 90% intervals, and the
    funnel: opportunities to found and foundings per 1,000 people a year."""
    from rainforest.api import simulate
    from rainforest.mechanisms.m13_network import ON
    from rainforest.metrics.channels import channels as table_of
    from rainforest.metrics.channels import funnel, genealogy
    from rainforest.scenario import ScenarioError, load_scenario, with_values

    if runs < 1:
        fail(f"--runs must be at least 1, got {runs}")
    if years < 1:
        fail(f"--years must be at least 1, got {years}")
    if scale is not None and scale <= 0:
        fail(f"--scale must be positive, got {scale}")
    try:
        sc = load_scenario(scenario)
        if fitted:
            from rainforest.experiments.joint import apply_fitted

            sc = apply_fitted(sc)
        elif network:
            sc = with_values(sc, ON)
    except (ScenarioError, ValueError) as err:
        fail(str(err))
    results = []
    with progress_bar("channels") as bar:  # says first when the kernels need compiling
        for i, s in enumerate(range(seed, seed + runs)):
            results.append(simulate(sc, years=years, seed=s, scale=scale))
            bar(i + 1, runs)
    df = table_of(results)
    edition = (
        "the calibrated second edition"
        if fitted
        else "living network on"
        if network
        else "living network off"
    )
    out = Table(title=f"{sc.name}: foundings by channel ({runs} runs, {years} y, {edition})")
    for col, justify in (("channel", "left"), ("share", "right"), ("90% interval", "right"),
                         ("a year", "right"), ("meaning", "left")):  # fmt: skip
        out.add_column(col, justify=justify, overflow="fold")
    for r in df.itertuples():
        out.add_row(
            r.channel,
            f"{r.share:.0%}",
            _span(r.low, r.high, lambda v: f"{v:.0%}"),
            f"{r.per_year:,.0f}",
            r.meaning,
        )
    console.print(out)
    console.print(
        "comeback overlaps the other channels (a share of all foundings). " + BAND_NOTE + ".",
        style="dim",
    )
    f = funnel(results)
    ft = Table(title="funnel: per 1,000 people a year")
    for col, justify in (("measure", "left"), ("mean", "right"), ("90% interval", "right"),
                         ("meaning", "left")):  # fmt: skip
        ft.add_column(col, justify=justify, overflow="fold")
    for r in f.itertuples():
        pct = r.measure == "founded_share"
        fmt = (lambda v: f"{v:.0%}") if pct else (lambda v: f"{v:.2f}")
        ft.add_row(r.measure, fmt(r.mean), _span(r.low, r.high, fmt), r.meaning)
    console.print(ft)
    shares = [genealogy(r) for r in results]
    console.print(
        f"genealogy: {np.nanmean(shares):.0%} of living firms descend from the five earliest "
        "large organisations",
        highlight=False,
    )
    nets = [r.meta["network"] for r in results if "network" in r.meta]
    if nets:
        mean = {k: float(np.nanmean([n[k] for n in nets])) for k in nets[0]}
        console.print(
            f"network: {mean['mean_degree']:.1f} ties a person, clustering "
            f"{mean['clustering']:.2f}, path length {mean['path_length']:.1f}, "
            f"{mean['within_1km_share']:.0%} of ties within 1 km, "
            f"{mean['novel_share']:.0%} of recombinant ideas novel combinations",
            highlight=False,
        )
