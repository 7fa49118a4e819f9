"""The essays' comparative claims, tested per capita with runs as units, and ablated.

Why (issue 15): comparing raw counts between places of different sizes says nothing, and a
claim that holds because a per-place input states it (investors who weigh credentials produce
credentialed founders) is an assumption read back, not a finding. Here each claim is

- measured per run as a rate that does not depend on size (per 1,000 workers a year, a share
  of foundings or of deals), so the runs are the units of the statistics (Welch's t over
  seeds, no pooling of firms across runs);
- ablated: each group of per-place inputs (:data:`GROUPS`) is swapped between the two places
  (absolute sizes - graduates, staff, employees, investor counts - rescaled by the population
  ratio so that intensities, not sizes, move) and the claim is tested again;
- labelled: *does not hold* (no significant difference in the claimed direction),
  *by assumption* (it disappears when the input group that states it is swapped: the claim is
  the input read back), *carried by <group>* (it disappears when another group is swapped: it
  emerges from that input through the mechanisms) or *emerges* (it survives every single swap;
  *holds (not ablated)* or *survives N swap(s)* when fewer groups were swapped).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

HEAVY = ("semiconductors", "biomedicine", "robotics")

#: Input groups of a region that are swapped between two places, field by field.
GROUPS: dict[str, tuple[str, ...]] = {
    "culture": ("culture",),
    "policy": ("policy",),
    "capital": ("investors",),
    "research": ("universities", "facilities"),
    "anchors": ("anchors",),
    "workforce": (
        "under35_share",
        "skill_mix",
        "credential_share",
        "state_employment_share",
        "unemployment",
        "openness",
        "turnover",
    ),
    "industry": ("domain_mix", "supply_chain", "productivity"),
    "costs": (
        "wage",
        "office_rent",
        "housing_cost",
        "tax_rate",
        "land_supply",
        "third_places_per_km2",
    ),
}

#: Absolute sizes inside swapped groups, rescaled by receiver / donor population.
_SIZES = {
    "universities": ("graduates_per_year", "patents_per_year"),
    "facilities": ("staff",),
    "anchors": ("employees",),
    "investors": ("count",),
}


@dataclass(frozen=True)
class Claim:
    """A comparative claim: ``measure`` is larger in ``a`` than in ``b``."""

    key: str
    text: str
    source: str
    a: str
    b: str
    measure: str
    unit: str
    says_so: tuple[str, ...]
    """Input groups that state the claim directly (swapping them tests 'by assumption')."""
    set_aside_by: str | None = None
    """A switch that sets the stating inputs aside: where it is on, the inputs of
    :attr:`says_so` no longer enter the mechanisms, so no group states the claim."""

    def stated_by(self, scenario: Any) -> tuple[str, ...]:
        """The groups that state the claim in ``scenario`` (empty where ``set_aside_by`` is on)."""
        if self.set_aside_by is not None:
            from rainforest.scenario import get_value

            if get_value(scenario, self.set_aside_by):
                return ()
        return self.says_so


CLAIMS = (
    Claim(
        "grassroots_ai",
        "Hangzhou has more grassroots AI/software founders",
        "seed 003: 杭州是“幸存者偏差”:无数草根创业者",
        "hangzhou",
        "zhangjiang",
        "grassroots_ai_per_1k",
        "foundings per 1,000 workers a year",
        ("culture",),
    ),
    Claim(
        "high_growth",
        "Hangzhou makes more high-growth firms",
        "seed 004: 敢投钱,肯等待",
        "hangzhou",
        "zhangjiang",
        "high_growth_per_1k",
        "firms born in the run with 50+ employees or 300M+ valuation, per 1,000 workers",
        ("capital",),
    ),
    Claim(
        "hard_tech",
        "Zhangjiang's foundings lean to hard tech",
        "seed 003: 张江的资源向“国家队”倾斜",
        "zhangjiang",
        "hangzhou",
        "heavy_share",
        "share of foundings in semiconductors, biomedicine, robotics",
        ("industry",),
    ),
    Claim(
        "state_linked",
        "Zhangjiang's founders are more often state-linked",
        "seed 003: 资源向“国家队”倾斜",
        "zhangjiang",
        "hangzhou",
        "state_linked_share",
        "share of foundings by state-linked founders",
        ("workforce", "policy"),
    ),
    Claim(
        "credentialed",
        "Zhangjiang's investors fund credentialed founders",
        "seed 003: 没三篇ISSCC都不好意思要融资",
        "zhangjiang",
        "hangzhou",
        "credentialed_share",
        "share of funded startups with credentialed founders",
        ("capital",),
    ),
    Claim(
        "hefei_cheques",
        "Hefei writes larger cheques",
        "seed 004: 以投带引",
        "hefei",
        "hangzhou",
        "mean_cheque",
        "mean deal, million yuan",
        ("capital",),
    ),
    Claim(
        "hefei_few_deals",
        "Hefei does fewer deals per head",
        "seed 004: 以投带引",
        "hangzhou",
        "hefei",
        "deals_per_1k",
        "deals a year per 1,000 workers",
        ("capital",),
    ),
    Claim(
        "hefei_heavy_capital",
        "Hefei's capital goes to heavy assets",
        "seed 004: 以投带引",
        "hefei",
        "hangzhou",
        "heavy_capital_share",
        "share of invested money in heavy domains",
        ("capital", "industry"),
    ),
    Claim(
        "conversion",
        "Hangzhou converts more university research than Nanjing",
        "seed 004: 东南大学…专利转化率仅11%,而浙大高达38%",
        "hangzhou",
        "nanjing",
        "conversion",
        "(tech transfers + university spin-outs) / university patents",
        ("research",),
        # the second edition's M20 converts by hazard and ignores conversion_rate
        set_aside_by="mechanisms.campus_spinoffs.enabled",
    ),
)


def measures(result: Any) -> dict[str, float]:
    """Every claim measure of one run (one region), per capita or as a share."""
    k = float(result.meta["scale"])
    years = int(result.meta["months"]) / 12.0
    workers = float(result.metrics["people"].mean())
    ev = result.events
    orgs = result.orgs.set_index("org")
    f = orgs.loc[ev.loc[ev["kind"] == "founding", "org"]]
    born = orgs[(orgs["founded"] >= 0) & orgs["kind"].isin(["startup", "sme", "listed"])]
    funded = born[born["rounds"] > 0]
    deals = ev[ev["kind"].isin(["funding", "rescue"])]
    patents = ev[(ev["kind"] == "patent") & (ev["org"] >= 0)]
    uni = set(orgs.index[orgs["kind"] == "university"])
    transfers = ev[(ev["kind"] == "tech_transfer") & ev["other"].isin(uni)]
    n_f = len(f)

    def share(num: float, den: float) -> float:
        return float(num) / den if den > 0 else math.nan

    grass = ((f["origin"] == "grassroots") & (f["domain"] == "ai_software")).sum()
    high = ((born["employees"] >= 50) | (born["valuation"] >= 300)).sum()
    return {
        "grassroots_ai_per_1k": 1e3 * grass * k / workers / years,
        "high_growth_per_1k": 1e3 * high * k / workers,
        "heavy_share": share(f["domain"].isin(HEAVY).sum(), n_f),
        "state_linked_share": share(f["state_linked"].sum(), n_f),
        "credentialed_share": share(funded["credentialed"].sum(), len(funded)),
        "mean_cheque": float(deals["amount"].mean()) if len(deals) else math.nan,
        "deals_per_1k": 1e3 * len(deals) * k / workers / years,
        "heavy_capital_share": share(
            deals.loc[deals["domain"].isin(HEAVY), "amount"].sum(), deals["amount"].sum()
        ),
        "conversion": share(
            len(transfers) + (f["origin"] == "university").sum(),
            float(patents["org"].isin(uni).sum()),
        ),
    }


def welch(x: np.ndarray, y: np.ndarray) -> float:
    """Welch's t of mean(x) - mean(y) over runs (NaN runs dropped)."""
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if len(x) < 2 or len(y) < 2:
        return math.nan
    se = math.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    d = x.mean() - y.mean()
    return math.copysign(math.inf, d) if se == 0 and d != 0 else (d / se if se else 0.0)


def swap(a: Any, b: Any, group: str) -> tuple[Any, Any]:
    """Scenarios ``a`` and ``b`` with the input ``group`` of their regions exchanged."""
    from rainforest.scenario import scenario_from_dict

    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    ra, rb = next(iter(da["regions"].values())), next(iter(db["regions"].values()))
    pa, pb = ra["population"], rb["population"]
    for fld in GROUPS[group]:
        va, vb = ra[fld], rb[fld]
        ra[fld], rb[fld] = _resize(fld, vb, pa / pb), _resize(fld, va, pb / pa)
    return (
        scenario_from_dict(da, f"{a.name} with {b.name}'s {group}"),
        scenario_from_dict(db, f"{b.name} with {a.name}'s {group}"),
    )


def _resize(fld: str, value: Any, ratio: float) -> Any:
    if fld not in _SIZES or not isinstance(value, list):
        return value
    out = []
    for item in value:
        item = dict(item)
        for s in _SIZES[fld]:
            v = item[s] * ratio
            item[s] = max(round(v), 1) if isinstance(item[s], int) and item[s] > 0 else v
        out.append(item)
    return out


def _claim_run(item: tuple[Any, int, int, float]) -> dict[str, float]:
    """One run of a claims plan: ``(scenario, seed, years, scale)`` -> its measures."""
    from rainforest.api import simulate

    sc, seed, years, scale = item
    return measures(simulate(sc, years=years, seed=seed, scale=scale, network_measures=False))


def _run_plan(
    plan: dict[Any, Any],
    seeds: Sequence[int],
    years: int,
    scale: float,
    executor: Any,
    tick: Callable[[], None],
) -> dict[Any, pd.DataFrame]:
    """Every scenario of ``plan`` (key -> scenario) run with every seed on ``executor``: one
    DataFrame of measures per key, rows in seed order (so the statistics do not depend on the
    executor or on the order runs finish in)."""
    from rainforest.experiments.executors import map_ordered

    items = [(sc, int(s), years, scale) for sc in plan.values() for s in seeds]
    rows = map_ordered(
        1 if executor is None else executor, _claim_run, items, lambda done, total: tick()
    )
    n = len(seeds)
    return {k: pd.DataFrame(rows[j * n : (j + 1) * n]) for j, k in enumerate(plan)}


@dataclass
class ClaimsResult:
    """Result of :func:`check_claims`: one row per claim and one per (claim, swap)."""

    claims: pd.DataFrame
    ablations: pd.DataFrame
    meta: dict[str, Any]


def _verdict(t: float, t_min: float) -> bool:
    return bool(math.isfinite(t) and t >= t_min) or t == math.inf


def check_claims(
    claims: Sequence[Claim] = CLAIMS,
    seeds: Sequence[int] = (0, 1, 2, 3),
    years: int = 5,
    scale: float = 20.0,
    groups: Sequence[str] = tuple(GROUPS),
    fitted: Any = None,
    t_min: float = 2.0,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
) -> ClaimsResult:
    """Test every claim per capita over runs, then swap each input group and test again.

    Parameters
    ----------
    claims
        Claims (default :data:`CLAIMS`).
    seeds, years, scale
        Runs per place (the units of the statistics), reported years, population scale.
    groups
        Input groups to swap (default every group of :data:`GROUPS`).
    fitted
        A fit TOML to apply to every place first (None: the presets' own values).
    t_min
        Welch's t a claim needs in its direction to hold.
    progress
        ``progress(done_runs, total_runs)``.
    executor
        Where the runs happen: anything
        :func:`~rainforest.experiments.executors.make_executor` takes (a worker count, a Dask
        address, an executor); None runs them here, one after another. The result does not
        depend on it.
    """
    from rainforest.experiments.joint import apply_fitted
    from rainforest.scenario import ScenarioError, load_scenario

    def load(p: str) -> Any:
        return apply_fitted(p, fitted) if fitted is not None else load_scenario(p)

    pairs = list(dict.fromkeys(tuple(sorted((c.a, c.b))) for c in claims))
    places = sorted({p for pair in pairs for p in pair})
    total = (len(places) + 2 * len(pairs) * len(groups)) * len(seeds)
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0], total)

    scen = {p: load(p) for p in places}
    plan: dict[Any, Any] = {("base", p): scen[p] for p in places}
    swapped: dict[tuple[tuple[str, str], str], dict[str, pd.DataFrame] | str] = {}
    for pair in pairs:
        for g in groups:
            try:
                sa, sb = swap(scen[pair[0]], scen[pair[1]], g)
            except (ScenarioError, ValueError) as err:
                swapped[(pair, g)] = f"swap invalid: {str(err).splitlines()[0][:120]}"
                done[0] += 2 * len(seeds)
                continue
            plan[(pair, g, pair[0])] = sa
            plan[(pair, g, pair[1])] = sb
    ran = _run_plan(plan, seeds, years, scale, executor, tick)
    base = {p: ran[("base", p)] for p in places}
    for pair in pairs:
        for g in groups:
            if (pair, g) not in swapped:
                swapped[(pair, g)] = {q: ran[(pair, g, q)] for q in pair}
    rows, abl = [], []
    for c in claims:
        xa, xb = base[c.a][c.measure].to_numpy(float), base[c.b][c.measure].to_numpy(float)
        t0 = welch(xa, xb)
        holds = _verdict(t0, t_min)
        pair = tuple(sorted((c.a, c.b)))
        says_so = c.stated_by(scen[c.a])
        broken = []
        for g in groups:
            got = swapped[(pair, g)]
            if isinstance(got, str):
                abl.append(
                    {
                        "claim": c.key,
                        "swap": g,
                        "a": math.nan,
                        "b": math.nan,
                        "t": math.nan,
                        "survives": None,
                        "note": got,
                    }
                )
                continue
            ya, yb = got[c.a][c.measure].to_numpy(float), got[c.b][c.measure].to_numpy(float)
            t = welch(ya, yb)
            ok = _verdict(t, t_min)
            if holds and not ok:
                broken.append(g)
            abl.append(
                {
                    "claim": c.key,
                    "swap": g,
                    "a": float(np.nanmean(ya)),
                    "b": float(np.nanmean(yb)),
                    "t": t,
                    "survives": ok,
                    "note": "states the claim" if g in says_so else "",
                }
            )
        tested = [g for g in groups if not isinstance(swapped[(pair, g)], str)]
        if not holds:
            label = "does not hold"
        elif not tested:
            label = "holds (not ablated)"
        elif any(g in says_so for g in broken):
            label = "by assumption"
        elif broken:
            label = "carried by " + ", ".join(broken)
        elif len(tested) < len(GROUPS):
            label = f"survives {len(tested)} swap(s)"
        else:
            label = "emerges"
        rows.append(
            {
                "claim": c.key,
                "text": c.text,
                "source": c.source,
                "a": c.a,
                "b": c.b,
                "measure": c.measure,
                "unit": c.unit,
                "mean_a": float(np.nanmean(xa)),
                "mean_b": float(np.nanmean(xb)),
                "t": t0,
                "holds": holds,
                "broken_by": ", ".join(broken),
                "says_so": ", ".join(says_so),
                "label": label,
            }
        )
    return ClaimsResult(
        claims=pd.DataFrame(rows),
        ablations=pd.DataFrame(abl),
        meta={
            "seeds": list(seeds),
            "years": years,
            "scale": scale,
            "t_min": t_min,
            "fitted": str(fitted) if fitted is not None else None,
        },
    )


__all__ = ["CLAIMS", "GROUPS", "Claim", "ClaimsResult", "check_claims", "measures", "swap", "welch"]
