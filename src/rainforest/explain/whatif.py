"""What-if: one change to a scenario and its effect on every outcome, with intervals.

``whatif("zhangjiang", set={"regions.zhangjiang.policy.sandbox": 0.8})`` runs the scenario as
it is and with the change, replicate ``r`` of both with the same seed (common random numbers),
and reports for each outcome the paired difference (changed minus baseline), overall and per
reported year, with a 90% percentile-bootstrap interval of its mean over replicates. Pairing
removes most of the luck two independent ensembles would differ by, so small effects of one
lever (seed 003: 创新免责条款, 监管沙盒) become visible with few runs.

A named policy package (``package="shanghai-2025-ai-measures"``, :mod:`rainforest.packages`)
is a sourced set of changes. Public spending (M17's ``public_spending``) is always measured, so
:attr:`WhatIf.cost` gives the extra public yuan per extra founding, high-growth firm and unit of
output (:mod:`rainforest.packages.cost`); ``vs="hangzhou"`` also runs the model place with the
same seeds and :attr:`WhatIf.gap` says which share of the gap to it the change closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.experiments.seeds import resolve_root
from rainforest.explain.evaluate import Arm, run_arms
from rainforest.explain.groups import ExplainError
from rainforest.explain.outcomes import WHATIF_DEFAULT, ExplainOutcome, resolve_outcomes
from rainforest.explain.stats import bootstrap_mean
from rainforest.scenario import Scenario, ScenarioError, load_scenario, with_values

DEFAULT_RUNS = 16
_BOOT_STREAM = 0xB007


@dataclass
class WhatIf:
    """Effects of a change on every outcome.

    Attributes
    ----------
    scenario : str
        The baseline scenario's name.
    changes : dict
        Dotted path -> new value.
    region : str or None
        Region measured (``None``: all regions together).
    table : DataFrame
        Tidy: outcome, year (``<NA>`` for the whole reported period, else the reported year,
        0 first), baseline, changed (means over replicates), difference, lo, hi (90% interval
        of the mean difference), relative (difference / baseline), n (replicates).
    per_run : DataFrame
        outcome, year, replicate, seed, baseline, changed, difference.
    """

    scenario: str
    changes: dict[str, Any]
    region: str | None
    outcomes: list[str]
    table: pd.DataFrame
    per_run: pd.DataFrame
    runs: int
    seed: int
    seeds: list[int]
    years: int | None
    scale: float | None
    experiment_id: str = ""
    executed: int = 0
    reused: int = 0
    wall_s: float = 0.0
    package: str = ""
    vs: str = ""
    cost: pd.DataFrame | None = None
    """Extra public spending per extra unit of outcome (:func:`rainforest.packages.cost.
    cost_effectiveness`): outcome, unit, extra_cost, extra_outcome, cost_per_unit, lo, hi, n."""
    spending: pd.DataFrame | None = None
    """Public spending by instrument over the reported period (million yuan): instrument,
    baseline, changed, difference, lo, hi (90% interval); instruments with no spending in
    either arm are left out, the total comes last."""
    gap: pd.DataFrame | None = None
    """With ``vs``: outcome, baseline, changed, model (the ``vs`` place at the baseline's size),
    closed (share of the gap closed), lo, hi, n."""

    def to_df(self) -> pd.DataFrame:
        """The tidy table of differences."""
        return self.table

    def overall(self) -> pd.DataFrame:
        """One row per outcome: the whole reported period."""
        return self.table[self.table["year"].isna()].reset_index(drop=True)

    def by_year(self) -> pd.DataFrame:
        """One row per outcome and reported year."""
        return self.table[self.table["year"].notna()].reset_index(drop=True)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write the table and the per-run differences as Parquet."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self.table.to_parquet(out / "whatif.parquet", index=False)
        self.per_run.to_parquet(out / "whatif_runs.parquet", index=False)
        return out


def whatif(
    scenario: str | Path | dict | Scenario,
    set: Mapping[str, Any] | None = None,
    runs: int = DEFAULT_RUNS,
    outcomes: str | ExplainOutcome | Sequence[Any] | None = None,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = None,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    region: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    package: Any = None,
    vs: str | Path | dict | Scenario | None = None,
    vs_region: str | None = None,
) -> WhatIf:
    """Run ``scenario`` with and without the changes ``set`` and compare every outcome.

    Parameters
    ----------
    scenario
        Preset name, TOML path, dict or Scenario.
    set
        Dotted paths and new values, e.g. ``{"regions.zhangjiang.policy.sandbox": 0.8}``
        (list items by name or index, as in :func:`rainforest.scenario.with_values`).
    runs
        Replicates of each arm (the same seeds in both).
    outcomes
        Names (built-in outcomes or metrics), :class:`ExplainOutcome` objects or picklable
        callables; default: foundings, grassroots and all AI foundings, high-growth firms,
        unicorns, IPOs, patents, output.
    seed, years, scale, executor, store, progress
        As in :func:`rainforest.experiments.compare`.
    region
        Measure one region (default: all regions together); a package is adopted there (or
        in the only region).
    package
        A policy package (name, TOML path or :class:`rainforest.packages.Package`) adopted on
        top of ``set``.
    vs, vs_region
        A model place run with the same seeds (its region: ``vs_region`` or its only one);
        each outcome's gap to it, scaled to the baseline region's knowledge workers, gives
        the share the change closes (:attr:`WhatIf.gap`).

    Returns
    -------
    WhatIf
        ``.table`` has one row per outcome for the whole period (``year`` missing) and one
        per outcome and year.
    """
    t0 = time.perf_counter()
    from rainforest.mechanisms.m17_instruments import TOTAL
    from rainforest.packages import PackageError
    from rainforest.packages import changes as package_changes
    from rainforest.packages import load as load_pkg
    from rainforest.packages.cost import cost_effectiveness, gap_closed, instruments

    base = load_scenario(scenario)
    set = dict(set or {})
    pkg_name = ""
    if package is not None:
        try:
            pkg = load_pkg(package)
            set = {**package_changes(base, pkg, region), **set}
        except PackageError as err:
            raise ExplainError(str(err)) from None
        pkg_name = pkg.name
    if not isinstance(set, Mapping) or not set:
        raise ExplainError(
            "whatif needs at least one change: set={'regions.x.policy.y': value} or a package"
            + (f" (package {pkg_name!r} changes nothing in {base.name!r})" if pkg_name else "")
        )
    try:
        changed = with_values(base, dict(set), source="the what-if change")
    except ScenarioError as err:
        raise ExplainError(f"cannot apply the change: {err}") from None
    if region is not None and region not in base.regions:
        raise ExplainError(f"unknown region {region!r}; {base.name!r} has {list(base.regions)}")
    outs = resolve_outcomes(outcomes, WHATIF_DEFAULT)
    # the cost to government is always measured; shown as an outcome unless others were asked
    asked = {o.name for o in outs}
    if outcomes is None:
        asked.add(TOTAL)
    spent = [TOTAL, *instruments()]  # measured in the same runs: public spending by instrument
    outs = [*outs, *resolve_outcomes([m for m in spent if m not in {o.name for o in outs}], ())]
    model = None
    if vs is not None:
        model = load_scenario(vs)
        if vs_region is None:
            if len(model.regions) != 1:
                raise ExplainError(f"vs {model.name!r} has several regions; give vs_region")
            vs_region = next(iter(model.regions))
        elif vs_region not in model.regions:
            raise ExplainError(
                f"unknown vs_region {vs_region!r}; {model.name!r} has {list(model.regions)}"
            )
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise ExplainError(f"runs must be a positive integer, got {runs!r}")
    root = resolve_root(seed)
    changes = {k: v for k, v in set.items()}
    arms = [
        Arm("baseline", base, region),
        Arm("changed", changed, region, values={"set": changes, "package": pkg_name}),
    ]
    if model is not None:
        arms.append(Arm("vs", model, vs_region, values={"vs": model.name}))
    got = run_arms(
        arms,
        outs,
        int(runs),
        seed=root,
        years=years,
        scale=scale,
        executor=executor,
        store=store,
        progress=progress,
        kind="whatif",
        name=f"whatif {base.name}: "
        + (
            f"package {pkg_name}" if pkg_name else ", ".join(f"{k}={v}" for k, v in changes.items())
        ),
    )
    gap = None
    if model is not None:
        here = (
            base.regions[region].population
            if region
            else sum(r.population for r in base.regions.values())
        )
        size = here / model.regions[vs_region].population
        gap = _gap(
            got.totals, [o.name for o in outs if o.name not in spent], size, root, gap_closed
        )
    per_run = _paired(got.yearly, got.totals)
    per_run_out = per_run.assign(year=per_run["year"].where(per_run["year"] >= 0).astype("Int64"))
    cost = cost_effectiveness(per_run_out, seed=root)
    boot = np.random.default_rng(np.random.SeedSequence([root, _BOOT_STREAM]))
    spending = _spending(per_run, spent, boot)
    drop = [m for m in spent if m not in asked]
    per_run = per_run[~per_run["outcome"].isin(drop)]
    per_run_out = per_run_out[~per_run_out["outcome"].isin(drop)].reset_index(drop=True)
    outs = [o for o in outs if o.name not in drop]
    rows = []
    for (out, year), g in per_run.groupby(["outcome", "year"], sort=True):
        d = g["difference"].to_numpy(float)[:, None]
        mean, lo, hi = bootstrap_mean(d, boot)
        b = float(g["baseline"].mean())
        rows.append(
            {
                "outcome": out,
                "year": pd.NA if year < 0 else int(year),
                "baseline": b,
                "changed": float(g["changed"].mean()),
                "difference": float(mean[0]),
                "lo": float(lo[0]),
                "hi": float(hi[0]),
                "relative": float(mean[0]) / b if b else np.nan,
                "n": len(g),
            }
        )
    table = pd.DataFrame(rows)
    table["year"] = table["year"].astype("Int64")
    order = {o.name: i for i, o in enumerate(outs)}
    table = table.sort_values(
        ["outcome", "year"],
        key=lambda s: s.map(order) if s.name == "outcome" else s,
        na_position="first",
    ).reset_index(drop=True)
    return WhatIf(
        scenario=base.name,
        changes=changes,
        region=region,
        outcomes=[o.name for o in outs],
        table=table,
        per_run=per_run_out,
        runs=int(runs),
        seed=root,
        seeds=got.seeds,
        years=years,
        scale=scale,
        experiment_id=got.experiment_id,
        executed=got.executed,
        reused=got.reused,
        wall_s=time.perf_counter() - t0,
        package=pkg_name,
        vs=model.name if model is not None else "",
        cost=cost,
        spending=spending,
        gap=gap,
    )


def _spending(per_run: pd.DataFrame, spent: list[str], boot) -> pd.DataFrame:
    """Public spending by instrument in both arms and its paired difference (whole period)."""
    whole = per_run[per_run["year"] < 0]
    rows = []
    for name in [*spent[1:], spent[0]]:  # the total last
        g = whole[whole["outcome"] == name]
        if g.empty or not (g["baseline"].abs().sum() + g["changed"].abs().sum()) > 0:
            continue
        mean, lo, hi = bootstrap_mean(g["difference"].to_numpy(float)[:, None], boot)
        rows.append(
            {
                "instrument": name,
                "baseline": float(g["baseline"].mean()),
                "changed": float(g["changed"].mean()),
                "difference": float(mean[0]),
                "lo": float(lo[0]),
                "hi": float(hi[0]),
            }
        )
    return pd.DataFrame(
        rows, columns=["instrument", "baseline", "changed", "difference", "lo", "hi"]
    )


def _gap(totals: pd.DataFrame, outcomes: list[str], size: float, root: int, fn) -> pd.DataFrame:
    """Share of the gap to the ``vs`` arm closed, per outcome (the model's value scaled by
    ``size``, the baseline's knowledge workers over the model's)."""
    rows = []
    for out in outcomes:
        t = totals[totals["outcome"] == out]
        by = {k: g.set_index("replicate")["value"] for k, g in t.groupby("key")}
        if not {"baseline", "changed", "vs"} <= by.keys():
            continue
        closed, lo, hi = fn(by["baseline"], by["changed"], by["vs"] * size, seed=root)
        rows.append(
            {
                "outcome": out,
                "baseline": float(by["baseline"].mean()),
                "changed": float(by["changed"].mean()),
                "model": float((by["vs"] * size).mean()),
                "closed": closed,
                "lo": lo,
                "hi": hi,
                "n": int(len(by["baseline"])),
            }
        )
    return pd.DataFrame(
        rows, columns=["outcome", "baseline", "changed", "model", "closed", "lo", "hi", "n"]
    )


def _paired(yearly: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Baseline and changed side by side per outcome, year (``-1``: the whole period) and
    replicate."""
    y = yearly[yearly["year"] >= 0]
    t = totals.assign(year=-1)
    cols = ["key", "outcome", "year", "replicate", "seed", "value"]
    both = pd.concat([t[cols], y[cols]], ignore_index=True)
    wide = both.pivot_table(
        index=["outcome", "year", "replicate", "seed"],
        columns="key",
        values="value",
        aggfunc="first",
    )
    wide = wide.dropna(subset=["baseline", "changed"], how="any").reset_index()
    wide.columns.name = None
    wide["difference"] = wide["changed"] - wide["baseline"]
    return wide[["outcome", "year", "replicate", "seed", "baseline", "changed", "difference"]]
