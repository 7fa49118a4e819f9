"""Explain: which lever groups account for how much of the gap between two places.

Seeds 003 and 004 ask "why Hangzhou and not here?" (为什么是杭州?却不是我?) and answer with a
list of causes: culture, capital, government services, subsidies and land, data and compute,
universities, anchor firms. :func:`explain` turns that list into numbers.

What is attributed
------------------
Let A be the model place (Hangzhou) and B "here" (Zhangjiang), each one region. For a set
``S`` of lever groups, ``v(S)`` is the outcome of **B with the groups in S copied from A**,
measured in B's region over the reported years, averaged over replicate seeds. The two
endpoints are

- ``v(∅)``: B as it is;
- ``v(all)``: B with every lever group of A ("B's structure, A's levers").

The attributed gap is ``v(all) - v(∅)``, split between the groups by their Shapley values
(:mod:`rainforest.explain.shapley`), computed replicate by replicate: replicate ``r`` uses
the same seed in every coalition (common random numbers), and its Shapley values sum to
``v_r(all) - v_r(∅)`` exactly. Intervals are 90% percentile-bootstrap intervals over
replicates (:mod:`rainforest.explain.stats`); they measure the model's randomness, not the
uncertainty of the presets' parameters.

What is not attributed
----------------------
Everything outside the groups stays B's: its population (and area, unless the ``density``
group is transplanted), industry and talent mix, initial firms and patents, the global
mechanism parameters and domains of B's scenario. ``A - v(all)``, A's own outcome minus B's
with all of A's levers, is reported as :attr:`Explanation.structural_gap` and is not split.

Best single move
----------------
``v({g}) - v(∅)`` is what adopting A's group ``g`` alone does for B, and its share of the
attributed gap is how much of B's gap one move closes ("adopting hangzhou's knowledge
institutions alone would close X% (lo to hi, 90% interval) of zhangjiang's gap in grassroots
AI foundings", :meth:`Explanation.sentences`). These come from coalitions already simulated.
Because levers complement each other (a culture that founds needs capital that funds), one
move alone usually closes much less than its Shapley share.

Budget and defaults
-------------------
The seven default groups need ``2**7 = 128`` coalitions plus A itself. The defaults (10
reported years, 4 replicates, a population scale 4 times coarser than the scenario's, i.e.
516 runs of about 0.3 CPU-seconds) keep ``rainforest explain hangzhou --vs zhangjiang``
within two minutes on two cores (79-86 s measured on a quiet machine); pass ``runs``,
``scale`` and ``years`` for more precision. Ten years is the span from Hangzhou's 2014
push (打造全国数字经济第一城, seed 004) to DeepSeek and the six little dragons.
With more than eight groups, Shapley values are estimated from ``permutations`` random orders
(Castro et al. 2009) instead of all ``2**g`` coalitions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from rainforest.experiments.seeds import replicate_seeds, resolve_root
from rainforest.explain.evaluate import Arm, Evaluator, run_arms
from rainforest.explain.groups import (
    ExplainError,
    LeverGroup,
    Transplanter,
    resolve_groups,
    single_region,
)
from rainforest.explain.outcomes import ExplainOutcome, resolve_outcome
from rainforest.explain.shapley import (
    EXACT_MAX,
    exact_shapley,
    full_mask,
    members,
    permutation_coalitions,
    permutation_shapley,
    sample_permutations,
)
from rainforest.explain.stats import bootstrap_mean, bootstrap_ratio
from rainforest.scenario import Scenario, load_scenario

#: Default outcome: early-stage grassroots AI foundings, what seed 003 asks about.
DEFAULT_OUTCOME = "grassroots_ai_foundings"
#: Default reported years (after the scenario's warm-up).
DEFAULT_YEARS = 10
#: Default replicates per coalition.
DEFAULT_RUNS = 4
#: Default population scale: this many times the recipient scenario's ``scale``.
SCALE_FACTOR = 4.0
#: Default number of random orders for more than ``EXACT_MAX`` groups.
DEFAULT_PERMUTATIONS = 32

# entropy tags that keep permutation and bootstrap streams apart from the replicate seeds
_PERM_STREAM, _BOOT_STREAM = 0x5E7, 0xB007


@dataclass
class Explanation:
    """The gap between two places in one outcome, attributed to lever groups.

    Attributes
    ----------
    a, b : str
        Names of the model place (donor of levers) and of "here" (the recipient): the
        scenario names, or the region names for multi-region scenarios.
    a_region, b_region : str
    outcome, outcome_description : str
    groups : list of LeverGroup
    attribution : DataFrame
        One row per group: group, label, value (Shapley value, outcome units), lo, hi (90%
        interval), share (of the attributed gap), share_lo, share_hi, description. Sorted by
        share, largest first. ``value`` sums to :attr:`total_gap`.
    best_moves : DataFrame
        One row per group: what adopting A's group alone does for B. group, label, value
        (change in the outcome), lo, hi, share (of the gap closed), share_lo, share_hi, rank.
    endpoints : DataFrame
        B, B with all of A's levers, and A: endpoint, scenario, value, lo, hi.
    coalitions : DataFrame
        Every simulated coalition and replicate: mask, groups, size, replicate, seed, value.
    per_replicate : DataFrame
        Shapley values per replicate (rows) and group (columns), plus ``gap``.
    total_gap, total_gap_lo, total_gap_hi : float
        ``v(all) - v(∅)``, the attributed gap, with its interval.
    raw_gap : float
        A minus B.
    structural_gap : float
        A minus B-with-all-of-A's-levers: not attributed (B's population, industry, ...).
    method : str
        ``"exact"`` (every coalition) or ``"permutation"`` (sampled orders).
    """

    a: str
    b: str
    a_region: str
    b_region: str
    outcome: str
    outcome_description: str
    groups: list[LeverGroup]
    attribution: pd.DataFrame
    best_moves: pd.DataFrame
    endpoints: pd.DataFrame
    coalitions: pd.DataFrame
    per_replicate: pd.DataFrame
    total_gap: float
    total_gap_lo: float
    total_gap_hi: float
    raw_gap: float
    structural_gap: float
    runs: int
    seed: int
    seeds: list[int]
    years: int | None
    scale: float | None
    method: Literal["exact", "permutation"]
    permutations: int | None = None
    experiment_id: str = ""
    executed: int = 0
    reused: int = 0
    wall_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """Jupyter display: a summary table and a small chart (:mod:`rainforest.notebook`)."""
        from rainforest.notebook import explanation_html

        return explanation_html(self)

    def to_df(self) -> pd.DataFrame:
        """The attribution table (one row per lever group)."""
        return self.attribution

    def ranking(self) -> list[str]:
        """Group names, largest share of the gap first."""
        return self.attribution["group"].tolist()

    def sentences(self, top: int = 3) -> list[str]:
        """The best single moves in words."""
        out = []
        what = self.outcome.replace("_", " ")
        for r in self.best_moves.head(top).itertuples(index=False):
            out.append(
                f"adopting {self.a}'s {r.label} alone would close {_pct(r.share)} "
                f"({_pct(r.share_lo)} to {_pct(r.share_hi)}, 90% interval) of {self.b}'s gap "
                f"in {what}"
            )
        return out

    def summary(self) -> str:
        """A few lines: the gap, the endpoints and the top groups."""
        e = self.endpoints.set_index("endpoint")["value"]
        lines = [
            f"{self.outcome} in {self.b}: {e['b']:,.0f}; with all of {self.a}'s lever groups: "
            f"{e['b_with_a_levers']:,.0f}; {self.a} itself: {e['a']:,.0f}.",
            f"Attributed gap {self.total_gap:,.0f} [{self.total_gap_lo:,.0f}, "
            f"{self.total_gap_hi:,.0f}]; not attributed (structure outside the groups): "
            f"{self.structural_gap:,.0f}.",
        ]
        for r in self.attribution.head(3).itertuples(index=False):
            lines.append(f"  {r.label}: {r.value:,.0f} ({_pct(r.share)} of the gap)")
        return "\n".join(lines)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write attribution, best moves, endpoints and coalitions as Parquet files."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("attribution", "best_moves", "endpoints", "coalitions", "per_replicate"):
            getattr(self, name).to_parquet(out / f"{name}.parquet", index=False)
        return out


def _pct(x: float) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{100 * x:.0f}%"


def _coalition_label(groups: Sequence[LeverGroup], mask: int) -> str:
    names = [groups[i].name for i in members(mask, len(groups))]
    return "+".join(names) if names else "none"


def simulate_evaluator(
    outcome: ExplainOutcome,
    years: int | None,
    scale: float | None,
    executor: Any = None,
    store: Any = None,
    progress: Callable[[int, int], None] | None = None,
    definition: dict[str, Any] | None = None,
    info: dict[str, Any] | None = None,
) -> Evaluator:
    """The default :data:`~rainforest.explain.evaluate.Evaluator`: simulate every arm on the
    experiments runner and return its totals of ``outcome``. Run bookkeeping (experiment
    id, runs computed and reused) goes into ``info``."""

    from rainforest.explain.outcomes import metric_outcome
    from rainforest.mechanisms.m17_instruments import TOTAL

    # public spending is measured too, for the cost of each move (issue 16)
    measured = [outcome] if outcome.name == TOTAL else [outcome, metric_outcome(TOTAL)]

    def evaluate(arms: Sequence[Arm], runs: int, root: int) -> np.ndarray:
        got = run_arms(
            arms,
            measured,
            runs,
            seed=root,
            years=years,
            scale=scale,
            executor=executor,
            store=store,
            progress=progress,
            kind="explain",
            name=f"explain {arms[-1].scenario.name} vs {arms[0].scenario.name}",
            definition=definition,
        )
        if info is not None:
            info.update(experiment_id=got.experiment_id, executed=got.executed, reused=got.reused)
            info["public"] = got.matrix(TOTAL, len(arms))
        return got.matrix(outcome.name, len(arms))

    return evaluate


def explain(
    a: str | Path | dict | Scenario,
    vs: str | Path | dict | Scenario,
    outcome: str | ExplainOutcome | Callable[[Any], float] = DEFAULT_OUTCOME,
    runs: int = DEFAULT_RUNS,
    groups: Any = None,
    seed: int | np.random.SeedSequence | None = 0,
    years: int | None = DEFAULT_YEARS,
    scale: float | None = None,
    executor: Any = None,
    store: Any = None,
    a_region: str | None = None,
    b_region: str | None = None,
    method: Literal["auto", "exact", "permutation"] = "auto",
    permutations: int = DEFAULT_PERMUTATIONS,
    progress: Callable[[int, int], None] | None = None,
    evaluate: Evaluator | None = None,
) -> Explanation:
    """Attribute the gap between ``a`` (the model place) and ``vs`` ("here") to lever groups.

    Parameters
    ----------
    a
        The place whose levers are copied (``"hangzhou"``): preset, TOML path, dict or Scenario.
    vs
        The place that receives them (``"zhangjiang"``).
    outcome
        A built-in outcome (``grassroots_ai_foundings``, ``ai_foundings``, ``high_growth``,
        ``foundings``, ``unicorns``, ``ipos``, ``output``, ``patents``), any metrics column,
        an :class:`~rainforest.explain.outcomes.ExplainOutcome`, or a picklable
        ``f(result) -> float``. Default: grassroots AI foundings (seed 003).
    runs
        Replicates per coalition (the same seeds in every coalition).
    groups
        Lever groups: ``None`` (the seven defaults), a list of built-in names or
        :class:`LeverGroup`, a comma-separated string, or a groups TOML path.
    seed
        Root seed; replicate ``r`` runs with ``seed_for(seed, r)`` in every coalition.
    years
        Reported years per run (default 10); ``None``: B's scenario's years.
    scale
        Real people per simulated person; default ``4 x`` B's scenario scale.
    executor, store
        As in :func:`rainforest.experiments.compare` (local processes by default; a Dask
        address; a DuckDB run store to resume).
    a_region, b_region
        The regions to use when a scenario has several.
    method
        ``"exact"`` (every coalition; at most :data:`~rainforest.explain.shapley.EXACT_MAX`
        groups), ``"permutation"`` (Castro et al. 2009) or ``"auto"``.
    permutations
        Random orders for the permutation estimator (fixed, drawn from ``seed``).
    progress
        ``progress(done, total)`` after each run.
    evaluate
        Replaces simulation: ``evaluate(arms, runs, root) -> (len(arms), runs)`` outcome
        totals (see :class:`~rainforest.explain.evaluate.Arm`); arms are the coalitions
        (``arm.coalition``) followed by A. For tests and custom models.

    Returns
    -------
    Explanation

    Examples
    --------
    >>> why = explain("hangzhou", vs="zhangjiang")        # doctest: +SKIP
    >>> why.attribution[["group", "value", "lo", "hi", "share"]]   # doctest: +SKIP
    """
    t0 = time.perf_counter()
    sa, sb = load_scenario(a), load_scenario(vs)
    ra = single_region(sa, a_region, "a")
    rb = single_region(sb, b_region, "b")
    grp = resolve_groups(groups)
    out = resolve_outcome(outcome)
    n = len(grp)
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise ExplainError(f"runs must be a positive integer, got {runs!r}")
    runs = int(runs)
    if method not in ("auto", "exact", "permutation"):
        raise ExplainError(f"method must be 'auto', 'exact' or 'permutation', got {method!r}")
    use = "exact" if method == "exact" or (method == "auto" and n <= EXACT_MAX) else "permutation"
    if use == "exact" and n > EXACT_MAX + 4:
        raise ExplainError(f"{n} groups are too many for exact Shapley (2**{n} coalitions)")
    root = resolve_root(seed)
    k = float(scale) if scale is not None else SCALE_FACTOR * sb.scale
    transplant = Transplanter(sb, rb, sa, ra, grp)

    perms = None
    if use == "exact":
        masks = list(range(1 << n))
    else:
        rng = np.random.default_rng(np.random.SeedSequence([root, _PERM_STREAM]))
        perms = sample_permutations(n, int(permutations), rng)
        masks = sorted(
            set(permutation_coalitions(perms)) | {1 << i for i in range(n)} | {full_mask(n)}
        )
    arms = []
    for m in masks:
        names = [grp[i].name for i in members(m, n)]
        sc = sb if not names else transplant(names)
        arms.append(
            Arm(
                key=f"coalition:{_coalition_label(grp, m)}",
                scenario=sc,
                region=rb,
                coalition=frozenset(names),
                values={"groups": names, "donor": sa.name},
            )
        )
    arms.append(Arm(key=f"a:{sa.name}", scenario=sa, region=ra, values={"groups": "a"}))

    info: dict[str, Any] = {}
    if evaluate is None:
        definition = {"groups": [[g.name, list(g.paths)] for g in grp], "outcome": out.name}
        evaluate = simulate_evaluator(out, years, k, executor, store, progress, definition, info)
    vals = np.asarray(evaluate(arms, runs, root), dtype=float)
    if vals.shape != (len(arms), runs):
        raise ExplainError(f"evaluation returned shape {vals.shape}, expected {(len(arms), runs)}")
    if np.isnan(vals).any():
        raise ExplainError("some coalitions have no outcome value (failed runs?)")
    row = {m: i for i, m in enumerate(masks)}
    a_vals = vals[-1]

    if use == "exact":
        phi = exact_shapley(vals[:-1])  # (n, R)
    else:
        phi = permutation_shapley(lambda m: vals[row[m]], perms)
    v0, vall = vals[row[0]], vals[row[full_mask(n)]]
    gap = vall - v0
    if not np.allclose(phi.sum(axis=0), gap, rtol=1e-9, atol=1e-9 * (1 + np.abs(gap).max())):
        raise AssertionError("Shapley values do not add up to the gap")  # pragma: no cover

    boot = np.random.default_rng(np.random.SeedSequence([root, _BOOT_STREAM]))
    per_rep = phi.T  # (R, n)
    mean, lo, hi = bootstrap_mean(per_rep, boot)
    share, slo, shi = bootstrap_ratio(per_rep, gap, boot)
    g_mean, g_lo, g_hi = bootstrap_mean(gap[:, None], boot)
    attribution = pd.DataFrame(
        {
            "group": [g.name for g in grp],
            "label": [g.label for g in grp],
            "value": mean,
            "lo": lo,
            "hi": hi,
            "share": share,
            "share_lo": slo,
            "share_hi": shi,
            "description": [g.description for g in grp],
        }
    )
    attribution = _rank(attribution, float(g_mean[0]))

    singles = np.stack([vals[row[1 << i]] - v0 for i in range(n)], axis=1)  # (R, n)
    s_mean, s_lo, s_hi = bootstrap_mean(singles, boot)
    c_share, c_lo, c_hi = bootstrap_ratio(singles, gap, boot)
    best = pd.DataFrame(
        {
            "group": [g.name for g in grp],
            "label": [g.label for g in grp],
            "value": s_mean,
            "lo": s_lo,
            "hi": s_hi,
            "share": c_share,
            "share_lo": c_lo,
            "share_hi": c_hi,
        }
    )
    best = _rank(best, float(g_mean[0]))
    best["rank"] = np.arange(1, len(best) + 1)

    extra: dict[str, Any] = {}
    if "public" in info:  # cost to government of each move: extra public yuan per extra unit
        extra["cost"] = _move_costs(np.asarray(info["public"], float), vals, row, grp, root)

    ends = {"b": v0, "b_with_a_levers": vall, "a": a_vals}
    la = sa.name if len(sa.regions) == 1 else ra
    lb = sb.name if len(sb.regions) == 1 else rb
    names = {"b": lb, "b_with_a_levers": f"{lb} with {la}'s levers", "a": la}
    rows = []
    for key, x in ends.items():
        m_, l_, h_ = bootstrap_mean(x[:, None], boot)
        rows.append((key, names[key], float(m_[0]), float(l_[0]), float(h_[0])))
    endpoints = pd.DataFrame(rows, columns=["endpoint", "scenario", "value", "lo", "hi"])

    seeds = replicate_seeds(root, runs)
    coal = pd.DataFrame(
        {
            "mask": np.repeat(masks, runs),
            "groups": np.repeat([_coalition_label(grp, m) for m in masks], runs),
            "size": np.repeat([bin(m).count("1") for m in masks], runs),
            "replicate": np.tile(np.arange(runs), len(masks)),
            "seed": np.tile(seeds, len(masks)),
            "value": vals[:-1].reshape(-1),
        }
    )
    per_replicate = pd.DataFrame(per_rep, columns=[g.name for g in grp])
    per_replicate.insert(0, "replicate", np.arange(runs))
    per_replicate.insert(1, "seed", seeds)
    per_replicate["gap"] = gap

    return Explanation(
        a=la,
        b=lb,
        a_region=ra,
        b_region=rb,
        outcome=out.name,
        outcome_description=out.description,
        groups=grp,
        attribution=attribution,
        best_moves=best,
        endpoints=endpoints,
        coalitions=coal,
        per_replicate=per_replicate,
        total_gap=float(g_mean[0]),
        total_gap_lo=float(g_lo[0]),
        total_gap_hi=float(g_hi[0]),
        raw_gap=float(np.mean(a_vals - v0)),
        structural_gap=float(np.mean(a_vals - vall)),
        runs=runs,
        seed=root,
        seeds=seeds,
        years=years,
        scale=k,
        method=use,
        permutations=None if perms is None else len(perms),
        experiment_id=info.get("experiment_id", ""),
        executed=info.get("executed", 0),
        reused=info.get("reused", 0),
        wall_s=time.perf_counter() - t0,
        extra=extra,
    )


def _move_costs(
    public: np.ndarray, vals: np.ndarray, row: dict, grp: Sequence[LeverGroup], root: int
) -> pd.DataFrame:
    """Extra public spending (million yuan over the reported period) and its ratio to the
    extra outcome, for B with all of A's lever groups and for each group alone: move,
    extra_cost, extra_outcome, cost_per_unit, lo, hi (90% interval; ``hi = inf`` when the
    extra outcome may be nil)."""
    from rainforest.packages.cost import ratio_interval

    rng = np.random.default_rng(np.random.SeedSequence([root, 0xC057]))
    n = len(grp)
    moves = [("all", full_mask(n))] + [(g.name, 1 << i) for i, g in enumerate(grp)]
    rows = []
    for name, mask in moves:
        if mask not in row:
            continue
        dc = public[row[mask]] - public[row[0]]
        do = vals[row[mask]] - vals[row[0]]
        ratio, lo, hi = ratio_interval(dc, do, rng)
        rows.append(
            {
                "move": name,
                "extra_cost": float(dc.mean()),
                "extra_outcome": float(do.mean()),
                "cost_per_unit": ratio,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(
        rows, columns=["move", "extra_cost", "extra_outcome", "cost_per_unit", "lo", "hi"]
    )


def _rank(df: pd.DataFrame, gap: float) -> pd.DataFrame:
    """Largest share of the gap first (largest value if the gap is zero)."""
    key = df["share"] if gap != 0 and df["share"].notna().any() else df["value"]
    order = np.argsort(-key.to_numpy(float), kind="stable")
    return df.iloc[order].reset_index(drop=True)
