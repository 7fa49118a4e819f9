"""Venture rounds as deal statistics count them: one row a round, not one an investor.

Why: a run records each investor's cheque (``Result.investments``: a lead and its co-investors
are separate rows), while PitchBook, GlobalData, DealStreetAsia and CB Insights count deals,
one a round. Issue 15 item 6 asks that round sizes follow need and traction and match the
published deal sizes by stage; this module turns a run's cheques into rounds and gives the
statistics those publishers report (a median by stage, a mean, the share of the money in
rounds of $100 million or more, the mean AI round), in million US dollars at the schema's
7.1 yuan to the dollar.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

#: Yuan per US dollar, as the schema converts US figures (assumed: the 2023-25 average).
CNY_PER_USD = 7.1

#: A "megadeal": a round of at least this many million US dollars (DealStreetAsia's cut).
MEGA_ROUND_USD = 100.0


def usd(value: float, unit: str) -> float:
    """A published money figure in million US dollars: ``unit`` "million CNY…" is converted at
    :data:`CNY_PER_USD`, any other unit (million USD) is kept."""
    return value / CNY_PER_USD if unit.startswith("million CNY") else value


def rounds(result) -> pd.DataFrame:
    """One row per financing round of a run: ``org``, ``month``, ``stage`` (seed, early,
    late), ``amount`` (million yuan, the round's cheques together), ``usd`` (million US
    dollars), ``domain`` and ``region`` of the firm. Cheques of one firm in one month and
    stage are one round (the lead and the co-investors it brought)."""
    v = result.investments
    cols = ["org", "month", "stage", "amount", "usd", "domain", "region"]
    if v.empty:
        return pd.DataFrame({c: [] for c in cols})
    r = v.groupby(["org", "month", "stage"], observed=True, sort=True)["amount"].sum()
    r = r.reset_index()
    r = r[r["amount"] > 0].reset_index(drop=True)
    orgs = result.orgs.set_index("org")
    r["usd"] = r["amount"] / CNY_PER_USD
    r["domain"] = orgs["domain"].astype(str).reindex(r["org"]).to_numpy()
    r["region"] = orgs["region"].astype(str).reindex(r["org"]).to_numpy()
    return r[cols]


def is_ai(domain: pd.Series) -> pd.Series:
    """Rounds of AI firms: domains whose name starts with ``ai`` (``ai_software``)."""
    return domain.astype(str).str.lower().str.startswith("ai")


def _median(stage: str) -> Callable[[pd.DataFrame], float]:
    def f(r: pd.DataFrame) -> float:
        x = r.loc[r["stage"].astype(str) == stage, "usd"]
        return float(x.median()) if len(x) else float("nan")

    return f


def _count_and_dollars(r: pd.DataFrame) -> tuple[float, float]:
    return float(len(r)), float(r["usd"].sum())


def _dollars_and_mega(r: pd.DataFrame) -> tuple[float, float]:
    return float(r["usd"].sum()), float(r.loc[r["usd"] >= MEGA_ROUND_USD, "usd"].sum())


def _ai_count_and_dollars(r: pd.DataFrame) -> tuple[float, float]:
    return _count_and_dollars(r[is_ai(r["domain"])])


#: Statistics that are a ratio of two sums over rounds, by published measure: measure ->
#: rounds -> (denominator, numerator). The fit pools the sums over runs
#: (``experiments.joint.deal_counts``); :data:`STATS` takes their ratio over a set of rounds.
SUMS: dict[str, Callable[[pd.DataFrame], tuple[float, float]]] = {
    "vc_avg_deal": _count_and_dollars,  # rounds, their dollars: the mean round
    "vc_megadeal_share": _dollars_and_mega,  # dollars, those in rounds of $100M or more
    "ai_vc_avg_deal": _ai_count_and_dollars,  # AI rounds, their dollars: the mean AI round
}


def _ratio(measure: str) -> Callable[[pd.DataFrame], float]:
    def f(r: pd.DataFrame) -> float:
        n, k = SUMS[measure](r)
        return k / n if n > 0 else float("nan")

    return f


#: Published deal measures (``rainforest/data/statistics``) and the model's statistic of the
#: same kind over a set of rounds, with what the comparison means. The model has one seed
#: stage, so its seed rounds stand beside both the pre-seed and the seed medians.
STATS: dict[str, tuple[str, Callable[[pd.DataFrame], float], str]] = {
    "vc_median_deal_preseed": (
        "median seed-stage round (M USD)",
        _median("seed"),
        "the model's one seed stage against the pre-seed median",
    ),
    "vc_median_deal_seed": (
        "median seed-stage round (M USD)",
        _median("seed"),
        "the model's one seed stage against the seed median",
    ),
    "vc_median_deal_early": ("median early-stage round (M USD)", _median("early"), ""),
    "vc_avg_deal": ("mean venture round (M USD)", _ratio("vc_avg_deal"), "all stages"),
    "vc_megadeal_share": (
        "share of venture money in rounds of $100M or more",
        _ratio("vc_megadeal_share"),
        "all stages",
    ),
    "ai_vc_avg_deal": ("mean AI round (M USD)", _ratio("ai_vc_avg_deal"), "firms of AI domains"),
}


__all__ = ["CNY_PER_USD", "MEGA_ROUND_USD", "STATS", "SUMS", "is_ai", "rounds", "usd"]
