"""Validation: does the model reproduce what is known about innovation economies?

An ensemble of the five archetype presets (the generic district models of seed 001) is run and
five families of published regularities are measured on it, each against its published band:

- survival of new firms by age (US BLS Business Employment Dynamics; Knaup 2005, Monthly
  Labor Review; SBA Office of Advocacy summaries): ~80% at 1 year, 66% at 2, 50% at 5, 35% at
  10;
- the upper tail of the firm-size distribution, P(size > s) ∝ s^-α with α near 1 (Axtell 2001,
  Science 293:1818), estimated (Hill) above 50 employees on firms born in the run (the initial
  stock is drawn Zipf, so it would prove nothing). Below 50 employees the model's distribution
  is flatter than Zipf: funded startups hire in one step to the team their round pays for;
- venture outcomes by deal (Correlation Ventures, ~21,000 financings 2004-13): ~65% return
  less than 1x, ~4% return 10x or more; a few percent of deals produce most of the returns
  (Horsley Bridge: ~6% of deals, ~60% of returns);
- the localisation of knowledge exchange (Jaffe, Trajtenberg & Henderson 1993, QJE 108:577:
  citations 5-10x likelier from the same metro area; Arzaghi & Henderson 2008): contacts within
  1 km relative to random pairs of people in the same region;
- what becomes of funded startups (IT桔子 2022, China's angel-funded firms): 45% raise a next
  round, 2% go public, under 1% become unicorns (funded startups born in the run, warm-up
  included). Added with issue 15's second edition, whose rounds priced by traction made
  unicorns of about one funded startup in eighteen.

Each row gives the published value and band, the model's value with a 90% bootstrap interval
over runs, and whether the model's value is inside the band.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.state.tables import founded_here

ARCHETYPES = (
    "university-led",
    "science-facility",
    "anchor-platform",
    "government-cultivated",
    "market-driven",
)
SURVIVAL_AGES = (1, 2, 5, 10)
BIN_KM = 0.5


@dataclass(frozen=True)
class Regularity:
    """A published regularity: its value, the band counted as a match, and its source."""

    key: str
    name: str
    published: float
    low: float
    high: float
    source: str
    #: why the default edition is known to miss this one (shown, but not part of ``passed``);
    #: empty for the regularities it is held to. The calibrated second edition
    #: (``validate(fitted=...)``) is held to every band.
    known_miss: str = ""


REGULARITIES = (
    Regularity(
        "survival_1y",
        "survival of new firms to 1 year",
        0.80,
        0.70,
        0.90,
        "US BLS Business Employment Dynamics (Knaup 2005, MLR; SBA summaries)",
    ),
    Regularity(
        "survival_2y",
        "survival of new firms to 2 years",
        0.66,
        0.56,
        0.76,
        "US BLS Business Employment Dynamics (Knaup 2005, MLR; SBA summaries)",
    ),
    Regularity(
        "survival_5y",
        "survival of new firms to 5 years",
        0.50,
        0.40,
        0.60,
        "US BLS Business Employment Dynamics (Knaup 2005, MLR; SBA summaries)",
    ),
    Regularity(
        "survival_10y",
        "survival of new firms to 10 years",
        0.35,
        0.25,
        0.45,
        "US BLS Business Employment Dynamics (Knaup 2005, MLR; SBA summaries)",
    ),
    Regularity(
        "size_tail_alpha",
        "firm-size tail exponent α (P(size > s) ∝ s^-α)",
        1.0,
        0.7,
        1.4,
        "Axtell (2001), Science 293:1818, US Census firms",
    ),
    Regularity(
        "deals_below_1x",
        "share of deals returning < 1x",
        0.65,
        0.55,
        0.75,
        "Correlation Ventures, ~21,000 financings 2004-13",
    ),
    Regularity(
        "deals_10x_plus",
        "share of deals returning ≥ 10x",
        0.04,
        0.02,
        0.08,
        "Correlation Ventures, ~21,000 financings 2004-13",
    ),
    Regularity(
        "top6_return_share",
        "share of returns from the top 6% of deals",
        0.60,
        0.45,
        0.85,
        "Horsley Bridge, 7,000+ deals 2000-14",
    ),
    Regularity(
        "funded_next_round",
        "funded startups that raise a next round",
        0.45,
        0.35,
        0.55,
        "IT桔子 (2022), 中国天使投资行业报告: 45% of 20,000+ angel-funded firms; band ±0.10",
    ),
    Regularity(
        "funded_ipo",
        "funded startups that go public",
        0.02,
        0.01,
        0.04,
        "IT桔子 (2022), 中国天使投资行业报告: 2% of angel-funded firms listed; band x/÷2",
    ),
    Regularity(
        "funded_unicorn",
        "funded startups that become unicorns",
        0.0095,
        0.003,
        0.019,
        "IT桔子 (2022), 中国天使投资行业报告: 191 of 20,000+ angel-funded firms ('under 1%'); "
        "band x2 above, down to 0.3% below (the source bounds it only from above)",
    ),
    Regularity(
        "contact_localisation",
        "contacts within 1 km vs random pairs (x)",
        7.0,
        3.0,
        30.0,
        "Jaffe, Trajtenberg & Henderson (1993) QJE 108:577; Arzaghi & Henderson (2008) RES",
    ),
    Regularity(
        "job_change_rate",
        "employed people changing employer a month",
        0.02,
        0.01,
        0.04,
        "Fallick & Fleischman (2004), Federal Reserve FEDS 2004-34: about 2% of prime-aged "
        "workers change employers each month (CPS); Bjelland et al. (2007), FEDS 2007-30: "
        "about 4% of employment a quarter (LEHD)",
        known_miss="the first edition: every approached worker takes a poaching offer, from "
        "any firm (the calibrated second edition's job ladder, mechanisms.labour.job_ladder, "
        "holds it: validate --fitted shipped; docs/calibration.md sections 9-10)",
    ),
)


def run_statistics(item: tuple[str, int, int, float | None, str | None]) -> dict[str, Any]:
    """Simulate one (preset, seed) and return the raw ingredients of every regularity.

    Module-level so that process and Dask executors can ship it to workers. ``item`` is
    ``(preset, seed, years, scale, fitted)``, ``fitted`` a fit TOML to apply
    (``rainforest.experiments.joint.apply_fitted``) or None.
    """
    from rainforest.api import simulate
    from rainforest.experiments.joint import funded_outcomes, job_change_counts

    name, seed, years, scale, fitted = item
    sc: Any = name
    if fitted is not None:
        from rainforest.experiments.joint import apply_fitted
        from rainforest.scenario import load_scenario

        sc = apply_fitted(load_scenario(name), fitted)
    res = simulate(sc, years=years, seed=seed, scale=scale)
    k = res.meta["scale"]
    T = res.meta["months"]
    o = res.orgs
    start = -res.meta["warmup_months"]
    born = o[
        (o.founded >= start) & o.kind.isin(["startup", "sme", "listed"]) & founded_here(o.origin)
    ]
    surv = {}
    for age in SURVIVAL_AGES:
        cohort = born[born.founded <= T - 1 - 12 * age]
        dead = (cohort.exit == "failure") & (cohort.exit_month - cohort.founded < 12 * age)
        surv[age] = (int((~dead).sum()), len(cohort))
    sizes = born[born.alive].employees.to_numpy()
    inv = res.investments
    realised = inv[inv.proceeds.notna()]
    cd = res.contact_distance
    near = int(1.0 / BIN_KM)
    employed, moves = job_change_counts(res.metrics)
    return {
        "preset": name,
        "seed": seed,
        "scale": k,
        "survival": surv,
        "sizes": sizes,
        "funded": funded_outcomes(born),
        "multiples": realised.multiple.to_numpy(),
        "proceeds": realised.proceeds.to_numpy(),
        "contacts_near": float(cd.contacts.iloc[:near].sum()),
        "contacts_all": float(cd.contacts.sum()),
        "pairs_near": float(cd.random_pairs.iloc[:near].sum()),
        "pairs_all": float(cd.random_pairs.sum()),
        "job_changes": moves,
        "employed_months": employed,
    }


TAIL_MIN_EMPLOYEES = 50.0


def hill_alpha(sizes: np.ndarray, s_min: float = TAIL_MIN_EMPLOYEES) -> float:
    """Hill (maximum-likelihood) estimate of the Pareto tail exponent above ``s_min``."""
    tail = np.asarray(sizes, dtype=float)
    tail = tail[tail >= s_min]
    if len(tail) < 5:
        return float("nan")
    return float(len(tail) / np.log(tail / s_min).sum())


def _pooled(stats: list[dict[str, Any]]) -> dict[str, float]:
    """Every regularity's model value, pooled over the given runs."""
    out: dict[str, float] = {}
    for age in SURVIVAL_AGES:
        alive = sum(s["survival"][age][0] for s in stats)
        n = sum(s["survival"][age][1] for s in stats)
        out[f"survival_{age}y"] = alive / n if n else float("nan")
    out["size_tail_alpha"] = hill_alpha(np.concatenate([s["sizes"] for s in stats]))
    mult = np.concatenate([s["multiples"] for s in stats])
    proceeds = np.concatenate([s["proceeds"] for s in stats])
    if len(mult):
        from rainforest.experiments.joint import DEAL_SHARES, deal_class

        for key in DEAL_SHARES:  # Correlation Ventures' classes, as the joint fit reads them
            out[key] = float(deal_class(mult, key).mean())
        top = np.sort(proceeds)[::-1]
        n_top = max(1, int(round(0.06 * len(top))))
        out["top6_return_share"] = float(top[:n_top].sum() / top.sum()) if top.sum() else 0.0
    else:
        out["deals_below_1x"] = out["deals_10x_plus"] = out["top6_return_share"] = float("nan")
    from rainforest.experiments.joint import FUNDED_SHARES

    n_funded = sum(s["funded"][0] for s in stats)
    for i, key in enumerate(FUNDED_SHARES, start=1):
        out[key] = sum(s["funded"][i] for s in stats) / n_funded if n_funded else float("nan")
    cn = sum(s["contacts_near"] for s in stats) / max(sum(s["contacts_all"] for s in stats), 1)
    pn = sum(s["pairs_near"] for s in stats) / max(sum(s["pairs_all"] for s in stats), 1)
    out["contact_localisation"] = cn / pn if pn > 0 else float("nan")
    employed = sum(s["employed_months"] for s in stats)
    out["job_change_rate"] = (
        sum(s["job_changes"] for s in stats) / employed if employed > 0 else float("nan")
    )
    return out


@dataclass
class Validation:
    """The outcome of :func:`validate`: one row per regularity."""

    table: pd.DataFrame
    runs: int
    presets: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_df(self) -> pd.DataFrame:
        """The table as a DataFrame."""
        return self.table.copy()

    @property
    def passed(self) -> bool:
        """Whether every regularity the model is held to is inside its published band (the
        known misses, ``Regularity.known_miss``, are shown but not counted)."""
        held = self.table.known_miss == ""
        return bool(self.table.inside[held].all())


def validate(
    runs: int = 4,
    seed: int = 0,
    presets: tuple[str, ...] = ARCHETYPES,
    years: int = 12,
    scale: float | None = None,
    workers: int | None = None,
    executor: Any = None,
    progress: Any = None,
    n_boot: int = 500,
    fitted: str | Path | None = None,
) -> Validation:
    """Run the archetype presets and measure every regularity against its published band.

    Parameters
    ----------
    runs
        Seeds per preset (seeds ``seed .. seed + runs - 1``).
    presets
        Which presets make up the ensemble (default: the five archetypes of seed 001).
    years
        Reported years per run (10-year survival needs at least 11).
    scale, workers, executor
        Population scale override; local worker processes (default one per core) or an
        executor / Dask client as accepted by :func:`rainforest.experiments.make_executor`.
    progress
        Called as ``progress(done, total)`` after each run.
    fitted
        A fit TOML put onto every preset (``rainforest.experiments.joint.FITTED_PATH`` is the
        calibrated second edition); None runs the presets as they are.

    Returns
    -------
    Validation
        ``table`` with columns regularity, published, low, high, model, model_lo, model_hi,
        inside, source, known_miss (why the default edition misses it, empty when held to
        it, and always empty with ``fitted``).
    """
    from rainforest.experiments.executors import map_ordered

    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    fit = None if fitted is None else str(fitted)
    items = [(p, seed + i, years, scale, fit) for p in presets for i in range(runs)]
    spec = executor if executor is not None else workers
    stats: list[dict[str, Any]] = map_ordered(spec, run_statistics, items, progress)
    stats.sort(key=lambda s: (s["preset"], s["seed"]))
    point = _pooled(stats)
    rng = np.random.default_rng(seed)
    boots = [
        _pooled([stats[i] for i in rng.integers(len(stats), size=len(stats))])
        for _ in range(n_boot)
    ]
    rows = []
    for reg in REGULARITIES:
        samples = np.array([b[reg.key] for b in boots], dtype=float)
        samples = samples[np.isfinite(samples)]
        value = point[reg.key]
        rows.append(
            {
                "regularity": reg.name,
                "key": reg.key,
                "published": reg.published,
                "low": reg.low,
                "high": reg.high,
                "model": value,
                "model_lo": float(np.quantile(samples, 0.05)) if len(samples) else np.nan,
                "model_hi": float(np.quantile(samples, 0.95)) if len(samples) else np.nan,
                "inside": bool(reg.low <= value <= reg.high),
                "source": reg.source,
                # the known misses are the default edition's; a fit is held to every band
                "known_miss": reg.known_miss if fit is None else "",
            }
        )
    from rainforest import __version__

    meta = {
        "seed": seed,
        "years": years,
        "scale": scale,
        "version": __version__,
        "runs_total": len(stats),
        "fitted": fit,
    }
    return Validation(pd.DataFrame(rows), runs, tuple(presets), meta)


def validate_places(
    places: Sequence[str] | None = None,
    fitted: str | Path | None = "shipped",
    seeds: Sequence[int] = (0, 1),
    scale: float = 40.0,
    years: int = 10,
    progress: Callable[[int, int], None] | None = None,
    min_people: float = 0.0,
) -> Any:
    """Each place against its public figures (see
    :func:`rainforest.experiments.placecheck.validate_places`): levels per capita or per km²
    with 90% intervals over seeds, factor off, within 2x, fitted or held out, and the
    direction of ``years``-year change in output, firm stock and workforce against history.

    ``fitted="shipped"`` applies the shipped joint fit
    (:data:`rainforest.experiments.joint.FITTED_PATH`); None, the presets' own values.
    ``min_people`` > 0 runs a place that would have fewer simulated people at ``scale`` at a
    finer scale (:func:`rainforest.experiments.joint.place_scale`).
    """
    from rainforest.experiments.joint import FITTED_PATH
    from rainforest.experiments.placecheck import VALIDATE_PLACES
    from rainforest.experiments.placecheck import validate_places as run

    fit = FITTED_PATH if fitted == "shipped" else fitted
    return run(
        tuple(places or VALIDATE_PLACES),
        fit,
        seeds=seeds,
        scale=scale,
        years=years,
        progress=progress,
        min_people=min_people,
    )
