"""Indicators of one run per region and year: opportunity density, community, outcomes.

Three sets, each a tidy table with one row per (region, year) and a ``"all"`` row for the
whole scenario (regions pooled):

**Opportunity density** — the figures by which seed 000 calls Caohejing Shanghai's "機會密度最高
的地區" (the district with the highest opportunity density): "900億元/平方公里的單位產出"
(output per km² per year), "12家上市公司/平方公里" (listed firms per km²), "30多萬高知人才"
(talent, here per km²), "498項/萬人的有效發明專利數" (valid invention patents per 10,000
people), "35歲以下青年人口占比高達80%" (share under 35),
"平均每天誕生1家企業,平均每天就有一個科技成果轉化" (new firms and technology transfers per
day) and "78家/平方公里的專精特新" (specialised SMEs per km²). :data:`CAOHEJING` holds the
seed's values for comparison.

**Community** — skill complementarity of contacts ("知識的互補與碰撞", M2), the cost of an
experiment ("試錯的加速與分攤", M4), the belief index ("信念的共鳴與擴散", M9) and seed 000's
trio "溫度、密度與連結" (temperature, density and connection), defined from model quantities:

* *temperature* — "車庫的溫度…消解了創業的恐懼感,讓冒險成為一種集體記憶" (the garage's warmth
  dissolves the fear of founding): the region's failure tolerance (scenario, M3) times its
  belief index at the end of the year (simulated, M9), in [0, 1]; the refounding share (serial
  founders among new founders) is reported beside it as its behavioural trace;
* *density* — "咖啡館的密度…高密度、跨學科的人群聚集" (the café's density): contacts per
  person-month (M1: grows with people per km² and third places);
* *connection* — "所有要素生態化的連結在一起" (every element ecologically connected): the
  giant-component share of the region's organisation graph (spin-outs, investments,
  technology transfers, serial founders; see :mod:`rainforest.metrics.networks`), cumulative
  to the end of the year.

**Outcomes** — foundings, failures, IPOs, acquisitions, unicorns ("dragons"), patents,
employment in the year and to date; :func:`survival` gives survival by age against the US
BLS figures (:data:`BLS_SURVIVAL`) and :func:`investment_multiples` the distribution of
realised venture multiples against Correlation Ventures' (:data:`VENTURE_MULTIPLES`).

Conventions: a *year* is a year of the reported period (``Result.metrics.year``: 0 is the
first year after warm-up). Flows are summed over the months of the year, stocks are taken at
its last month, shares are averaged with their natural weights. Money is in million yuan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from rainforest.metrics import networks
from rainforest.state import accounts
from rainforest.state.tables import founded_here

YearSpec = int | Sequence[int] | Literal["all"] | None

# flows per month are summed over a period, stocks taken at its end (one home: rainforest.registry)
FLOWS = accounts.of_kind("flow")
STOCKS = accounts.of_kind("stock")
INVESTMENT = tuple(c for c in FLOWS if c.startswith("investment_"))


@dataclass(frozen=True)
class Indicator:
    """Metadata of one indicator: its set, unit, meaning and reference value."""

    name: str
    group: str
    unit: str
    description: str
    reference: float | None = None
    reference_source: str = ""


#: Seed 000's Caohejing figures (6 km² district), in this module's units.
CAOHEJING: dict[str, float] = {
    "output_per_km2": 90_000.0,  # 900億元/平方公里 = 90,000 million yuan per km² per year
    "listed_per_km2": 12.0,  # 12家上市公司/平方公里
    "talent_per_km2": 300_000.0 / 6.0,  # 30多萬高知人才 on 面積將近6平方公里
    "patents_per_10k": 498.0,  # 498項/萬人的有效發明專利數
    "under35_share": 0.80,  # 35歲以下青年人口占比高達80%
    "new_firms_per_day": 1.0,  # 平均每天誕生1家企業
    "tech_transfers_per_day": 1.0,  # 平均每天就有一個科技成果轉化
    "specialised_smes_per_km2": 78.0,  # 78家/平方公里的專精特新
}
_C = "seed 000 (Caohejing)"

#: Survival of new US establishments by age in years (BLS Business Employment Dynamics;
#: Knaup, Monthly Labor Review, May 2005; SBA Office of Advocacy summaries).
BLS_SURVIVAL: dict[int, float] = {1: 0.80, 2: 0.66, 5: 0.50, 10: 0.35}

#: Share of venture financings by realised multiple (Correlation Ventures, ~21,000 financings
#: 2004-13).
VENTURE_MULTIPLES: dict[str, float] = {
    "<1x": 0.65,
    "1-5x": 0.25,
    "5-10x": 0.06,
    "10-20x": 0.025,
    ">20x": 0.015,
}

INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator(
            "output_per_km2",
            "opportunity",
            "million yuan/km²/yr",
            "Output per km² per year",
            CAOHEJING["output_per_km2"],
            _C,
        ),
        Indicator(
            "listed_per_km2",
            "opportunity",
            "1/km²",
            "Listed firms per km²",
            CAOHEJING["listed_per_km2"],
            _C,
        ),
        Indicator(
            "talent_per_km2",
            "opportunity",
            "people/km²",
            "Knowledge workers per km²",
            CAOHEJING["talent_per_km2"],
            _C,
        ),
        Indicator(
            "patents_per_10k",
            "opportunity",
            "per 10,000 people",
            "Valid invention patents per 10,000 people",
            CAOHEJING["patents_per_10k"],
            _C,
        ),
        Indicator(
            "under35_share",
            "opportunity",
            "share",
            "Share of people under 35",
            CAOHEJING["under35_share"],
            _C,
        ),
        Indicator(
            "new_firms_per_day",
            "opportunity",
            "1/day",
            "New firms per day",
            CAOHEJING["new_firms_per_day"],
            _C,
        ),
        Indicator(
            "tech_transfers_per_day",
            "opportunity",
            "1/day",
            "Technology transfers per day",
            CAOHEJING["tech_transfers_per_day"],
            _C,
        ),
        Indicator(
            "specialised_smes_per_km2",
            "opportunity",
            "1/km²",
            "Specialised SMEs per km²",
            CAOHEJING["specialised_smes_per_km2"],
            _C,
        ),
        Indicator(
            "cross_skill_share",
            "community",
            "share",
            "Skill complementarity: share of contacts between different skills",
        ),
        Indicator(
            "experiment_cost",
            "community",
            "million yuan",
            "Cost of one product experiment (spend / experiments)",
        ),
        Indicator("belief", "community", "index", "Belief that founding pays off (M9)"),
        Indicator(
            "temperature", "community", "index", "Temperature: failure tolerance x belief (溫度)"
        ),
        Indicator(
            "refounding_share",
            "community",
            "share",
            "Serial founders among new founders (failure forgiven)",
        ),
        Indicator(
            "density", "community", "1/person-month", "Density: contacts per person-month (密度)"
        ),
        Indicator(
            "connection",
            "community",
            "share",
            "Connection: giant-component share of the organisation graph (連結)",
        ),
        Indicator("foundings", "outcome", "1/yr", "New firms founded"),
        Indicator("failures", "outcome", "1/yr", "Firms failed"),
        Indicator("ipos", "outcome", "1/yr", "IPOs"),
        Indicator("acquisitions", "outcome", "1/yr", "Acquisitions"),
        Indicator("unicorns", "outcome", "1/yr", "New unicorns ('dragons')"),
        Indicator("patents", "outcome", "1/yr", "Invention patents granted"),
        Indicator("employment", "outcome", "people", "Employed people"),
        Indicator("unemployment_rate", "outcome", "share", "Unemployed / people"),
        Indicator("startups_alive", "outcome", "firms", "Startups alive"),
        Indicator("investment", "outcome", "million yuan/yr", "Investment, all kinds"),
        Indicator("unicorns_to_date", "outcome", "firms", "Unicorns since the run began"),
        Indicator("ipos_to_date", "outcome", "firms", "IPOs since the run began"),
    ]
}


def select_years(metrics: pd.DataFrame, year: YearSpec = None) -> list[int]:
    """Years of the reported period a request refers to.

    Parameters
    ----------
    metrics
        ``Result.metrics``.
    year
        ``None`` for the last year, ``"all"`` for every year, an int (negative counts from the
        end, ``-1`` = last) or a list of ints.

    Raises
    ------
    ValueError
        If a year is outside the run.
    """
    years = sorted(int(y) for y in metrics["year"].unique())
    if not years:
        raise ValueError("the result has no months")
    if year is None:
        return [years[-1]]
    if isinstance(year, str):
        if year != "all":
            raise ValueError(f"year must be an int, a list of ints, 'all' or None; got {year!r}")
        return years
    req = [int(year)] if np.isscalar(year) else [int(y) for y in year]
    out = []
    for y in req:
        yy = years[y] if -len(years) <= y < 0 else y
        if yy not in years:
            raise ValueError(f"year {y} is outside the run (years {years[0]}..{years[-1]})")
        out.append(yy)
    return sorted(set(out))


def _region_info(res) -> pd.DataFrame:
    """Area and failure tolerance of each region from the scenario."""
    rows = {
        name: {"area_km2": reg.area_km2, "failure_tolerance": reg.culture.failure_tolerance}
        for name, reg in res.scenario.regions.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def _aggregate(m: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Flows summed, stocks at the last month, shares with their natural weights."""
    m = m.copy()
    xs = m["cross_skill_share"].to_numpy(float)
    ok = np.isfinite(xs)
    m["_xs_num"] = np.where(ok, xs * m["contacts"].to_numpy(float), 0.0)
    m["_xs_den"] = np.where(ok, m["contacts"].to_numpy(float), 0.0)
    m["_belief_w"] = m["belief"] * m["people"]
    m["_young"] = m["under35_share"].fillna(0.0) * m["people"]
    g = m.groupby(keys, observed=True, sort=True)
    flows = [c for c in FLOWS if c in m.columns]
    out = g[[*flows, "_xs_num", "_xs_den"]].sum()
    out["_days"] = g["month"].nunique() * 365.0 / 12.0
    out["person_months"] = g["people"].sum()
    last = m[m["month"] == m.groupby(keys, observed=True)["month"].transform("max")]
    stocks = last.groupby(keys, observed=True)[[*STOCKS, "_belief_w", "_young"]].sum()
    out = out.join(stocks)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cross_skill_share"] = out["_xs_num"] / out["_xs_den"]
        out["belief"] = out["_belief_w"] / out["people"]
        out["under35_share"] = out["_young"] / out["people"]
    return out.drop(columns=["_xs_num", "_xs_den", "_belief_w", "_young"])


def region_year(res, year: YearSpec = None) -> pd.DataFrame:
    """Accounts of each (region, year), with an ``"all"`` region pooling every region.

    Returns
    -------
    DataFrame
        Index (region, year); flows summed over the year, stocks at its last month,
        ``person_months``, ``_days`` (days covered), ``area_km2`` and ``failure_tolerance``
        (people-weighted for ``"all"``).
    """
    m = res.metrics
    years = select_years(m, year)
    m = m[m["year"].isin(years)].copy()
    m["region"] = m["region"].astype(str)
    per = _aggregate(m, ["region", "year"])
    tot = _aggregate(m.assign(region="all"), ["region", "year"])
    info = _region_info(res)
    per = per.join(info, on="region")
    ft = per["failure_tolerance"] * per["people"]
    tot["area_km2"] = float(info["area_km2"].sum())
    tot["failure_tolerance"] = (
        ft.groupby(level="year").sum() / per["people"].groupby(level="year").sum()
    ).to_numpy()
    order = [*res.meta.get("regions", sorted(info.index)), "all"]
    out = pd.concat([per, tot])
    out = out.reset_index()
    out["region"] = pd.Categorical(out["region"], categories=order, ordered=True)
    return out.sort_values(["region", "year"]).set_index(["region", "year"])


def opportunity_density(res, year: YearSpec = None) -> pd.DataFrame:
    """Seed 000's opportunity-density set per region and year (Caohejing's figures).

    Parameters
    ----------
    res : Result
        A finished run.
    year
        See :func:`select_years` (default: the last year).

    Returns
    -------
    DataFrame
        Index (region, year); columns ``output_per_km2`` (million yuan/km²/yr),
        ``listed_per_km2``, ``talent_per_km2``, ``patents_per_10k`` (valid invention patents
        per 10,000 people), ``under35_share``, ``new_firms_per_day``,
        ``tech_transfers_per_day``, ``specialised_smes_per_km2``. Flows of a partial year are
        annualised by the days it covers.

    References
    ----------
    Seed 000: "900億元/平方公里的單位產出;12家上市公司/平方公里…498項/萬人的有效發明專利數…35歲
    以下青年人口占比高達80%…平均每天誕生1家企業,平均每天就有一個科技成果轉化…78家/平方公里的
    專精特新".
    """
    a = region_year(res, year)
    area = a["area_km2"]
    years_covered = a["_days"] / 365.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "output_per_km2": a["output"] / years_covered / area,
                "listed_per_km2": a["listed_firms"] / area,
                "talent_per_km2": a["people"] / area,
                "patents_per_10k": a["patent_stock"] / a["people"] * 1e4,
                "under35_share": a["under35_share"],
                "new_firms_per_day": a["foundings"] / a["_days"],
                "tech_transfers_per_day": a["tech_transfers"] / a["_days"],
                "specialised_smes_per_km2": a["specialised_smes"] / area,
            }
        )
    return out


def _connection(res, index: pd.MultiIndex) -> pd.Series:
    """Connection of each (region, year) from the organisation graph up to the year's end."""
    m = res.metrics
    years = sorted({int(y) for y in index.get_level_values("year")})
    ends = {y: int(m.loc[m["year"] == y, "month"].max()) for y in years}
    table = networks.connection_over_time(res, list(ends.values()))
    vals = [
        float(table.at[ends[int(y)], str(r)]) if str(r) in table.columns else np.nan
        for r, y in index
    ]
    return pd.Series(vals, index=index, name="connection")


def community(res, year: YearSpec = None, connection: bool = True) -> pd.DataFrame:
    """The community set: complementarity, experiment cost, belief and the trio.

    Parameters
    ----------
    res : Result
        A finished run.
    year
        See :func:`select_years` (default: the last year).
    connection
        Compute ``connection`` (builds the organisation graph once per year); ``False``
        leaves it NaN.

    Returns
    -------
    DataFrame
        Index (region, year); columns ``cross_skill_share`` (contact-weighted),
        ``experiment_cost`` (million yuan per experiment), ``belief`` (end of year),
        ``failure_tolerance`` (scenario), ``temperature`` (= failure tolerance x belief),
        ``refounding_share``, ``density`` (contacts per person-month) and ``connection``.

    References
    ----------
    Seed 000: "溫度、密度與連結,共同構成了矽谷作為創新社區的核心特質" (temperature, density and
    connection make up the core of Silicon Valley as an innovation community).
    """
    a = region_year(res, year)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "cross_skill_share": a["cross_skill_share"],
                "experiment_cost": a["experiment_spend"] / a["experiments"],
                "belief": a["belief"],
                "failure_tolerance": a["failure_tolerance"],
                "temperature": a["failure_tolerance"] * a["belief"],
                "refounding_share": a["refoundings"] / a["foundings"],
                "density": a["contacts"] / a["person_months"],
            }
        )
    out["connection"] = _connection(res, out.index) if connection else np.nan
    return out


def outcomes(res, year: YearSpec = None) -> pd.DataFrame:
    """Outcome flows of each (region, year) and counts to date.

    Returns
    -------
    DataFrame
        Index (region, year); ``foundings``, ``failures``, ``ipos``, ``acquisitions``,
        ``unicorns``, ``patents``, ``investment`` (all kinds, million yuan) in the year;
        ``employment``, ``unemployment_rate``, ``startups_alive`` at its end;
        ``unicorns_to_date`` and ``ipos_to_date`` since the start of the reported period.
    """
    a = region_year(res, year)
    full = region_year(res, "all")
    cum = full[["unicorns", "ipos"]].groupby(level="region", observed=True).cumsum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "foundings": a["foundings"],
                "failures": a["failures"],
                "ipos": a["ipos"],
                "acquisitions": a["acquisitions"],
                "unicorns": a["unicorns"],
                "patents": a["patents"],
                "investment": a[list(INVESTMENT)].sum(axis=1),
                "employment": a["employed"],
                "unemployment_rate": a["unemployed"] / a["people"],
                "startups_alive": a["startups_alive"],
            }
        )
    out["unicorns_to_date"] = cum["unicorns"].reindex(out.index)
    out["ipos_to_date"] = cum["ipos"].reindex(out.index)
    return out


def survival(res, ages: Sequence[int] = (1, 2, 5, 10)) -> pd.DataFrame:
    """Survival by age of the firms founded during the simulation (warm-up included).

    A firm *survives to age a* unless it failed before its a-th birthday; IPOs and
    acquisitions count as survival (the business goes on, as for BLS establishments). Only
    firms that reached age a before the end of the run (or failed earlier) enter the cohort of
    age a. Firms are weighted by the real firms they stand for.

    Returns
    -------
    DataFrame
        One row per (region, age) plus region ``"all"``: ``cohort`` (real firms observable at
        that age), ``survival`` (share) and ``bls`` (the US reference, :data:`BLS_SURVIVAL`).

    References
    ----------
    Knaup, A. E. (2005). Survival and longevity in the Business Employment Dynamics data.
    Monthly Labor Review, May 2005, 50-56.
    """
    o = res.orgs
    end = int(res.metrics["month"].max())
    sel = o[founded_here(o["origin"]) & (o["weight"] > 0)]
    sel = sel[sel["kind"].astype(str).isin(["startup", "sme", "listed"])]
    founded = sel["founded"].to_numpy(np.int64)
    failed = sel["exit"].astype(str).to_numpy() == "failure"
    exit_m = sel["exit_month"].to_numpy(np.int64)
    life = np.where(failed, exit_m - founded, np.iinfo(np.int64).max)
    w = sel["weight"].to_numpy(float)
    region = sel["region"].astype(str).to_numpy()
    rows = []
    for r in [*res.meta.get("regions", sorted(set(region))), "all"]:
        mask = np.ones(len(sel), bool) if r == "all" else region == r
        for a in ages:
            horizon = 12 * int(a)
            observable = mask & ((founded + horizon <= end + 1) | (life < horizon))
            cohort = w[observable].sum()
            alive = w[observable & (life >= horizon)].sum()
            rows.append(
                {
                    "region": r,
                    "age": int(a),
                    "cohort": float(cohort),
                    "survival": float(alive / cohort) if cohort > 0 else np.nan,
                    "bls": BLS_SURVIVAL.get(int(a), np.nan),
                }
            )
    return pd.DataFrame(rows)


def investment_multiples(res) -> pd.DataFrame:
    """Distribution of realised multiples of investment rounds, against Correlation Ventures.

    Only rounds with realised proceeds (exit or failure) count; buckets are ``<1x``,
    ``1-5x``, ``5-10x``, ``10-20x``, ``>20x``.

    Returns
    -------
    DataFrame
        Columns ``bucket``, ``rounds``, ``share``, ``reference`` (:data:`VENTURE_MULTIPLES`).
    """
    v = res.investments
    x = v["multiple"].to_numpy(float)
    x = x[np.isfinite(x)]
    edges = np.array([1.0, 5.0, 10.0, 20.0])
    idx = np.searchsorted(edges, x, side="right")
    counts = np.bincount(idx, minlength=5)
    labels = list(VENTURE_MULTIPLES)
    total = counts.sum()
    return pd.DataFrame(
        {
            "bucket": labels,
            "rounds": counts,
            "share": counts / total if total else np.full(5, np.nan),
            "reference": [VENTURE_MULTIPLES[b] for b in labels],
        }
    )


def indicator_table(res, year: YearSpec = None, connection: bool = True) -> pd.DataFrame:
    """Every indicator of the three sets as one long table.

    Returns
    -------
    DataFrame
        Columns ``region``, ``year``, ``group`` (opportunity, community, outcome),
        ``indicator``, ``value``, ``unit``, ``reference`` (the seed's Caohejing value where
        there is one) and ``description``.
    """
    frames = [
        opportunity_density(res, year),
        community(res, year, connection=connection),
        outcomes(res, year),
    ]
    wide = pd.concat(frames, axis=1)
    wide = wide.loc[:, ~wide.columns.duplicated()]
    long = wide.reset_index().melt(
        id_vars=["region", "year"], var_name="indicator", value_name="value"
    )
    regions = [str(r) for r in wide.index.get_level_values("region").unique()]
    long["region"] = long["region"].astype(str)
    long = long[long["indicator"].isin(list(INDICATORS))]
    meta = pd.DataFrame(
        [
            {
                "indicator": i.name,
                "group": i.group,
                "unit": i.unit,
                "reference": np.nan if i.reference is None else i.reference,
                "description": i.description,
            }
            for i in INDICATORS.values()
        ]
    )
    out = long.merge(meta, on="indicator", how="left")
    order = {name: k for k, name in enumerate(INDICATORS)}
    out["_o"] = out["indicator"].map(order)
    out["_r"] = out["region"].map({r: k for k, r in enumerate(regions)})
    out = out.sort_values(["_r", "year", "_o"], kind="stable").drop(columns=["_o", "_r"])
    cols = ["region", "year", "group", "indicator", "value", "unit", "reference", "description"]
    return out[cols].reset_index(drop=True)
