"""Which kind of district is this? Mixture weights over seed 001's five models and Brookings'
three district types, with the contribution of every indicator to every weight.

Seed 001 ("五种模式") sorts 1000+ innovation districts into five models: **university-led**
(Kendall Square, Oxford: "让大学的知识外溢效应最大化"), **science-facility** (Research Triangle
Park, Tsukuba: "依托政府投资的大型实验室或研究机构"), **anchor-company / platform** (Eindhoven,
South Lake Union: "靠一家公司带动整个产业链的聚集"), **government-cultivated** (one-north: "政府
深度介入,从基础设施到科技补贴") and **market-driven** (East London Tech City, Austin: "几乎完全由
市场力量驱动…地理位置、低成本、创业氛围"). Its trend 1 ("从单一模式到多模式的融合") says real
districts are mixes, so the classifier returns *weights*, not a label.

Method (transparent by construction):

1. Structural indicators :data:`TYPOLOGY_INDICATORS` are measured per region (from a
   simulated :class:`~rainforest.result.Result`, or supplied as observed values).
2. Each is standardised with a fixed, documented centre and spread,
   :math:`z = \\mathrm{clip}((f(x) - c)/s, -3, 3)` where :math:`f` is the identity for shares
   and :math:`\\log_{10}` for rates. Centres are typical values across districts, set by hand
   (not fitted by an optimiser) and checked against the seed's exemplars; they are constants,
   so a district's classification does not move when other presets change.
3. Each model :math:`m` gets a linear score :math:`S_m = \\sum_i \\beta_{mi} z_i` with the
   coefficients of :data:`MODEL_COEFFICIENTS` (a documented, signed reading of seed 001).
4. Weights are a softmax, :math:`w_m = e^{S_m/\\tau} / \\sum_k e^{S_k/\\tau}`
   (:data:`TEMPERATURE` = 1.5 by default).
5. The explanation is the additive table of contributions :math:`\\beta_{mi} z_i` (they sum to
   the score), plus each indicator's effect on each *weight* measured as the change in
   :math:`w_m` when that indicator alone is removed from every score.

A missing indicator (observed data without it, or undefined in a run, e.g. shares of zero
foundings) is *not imputed*: it is dropped from every score and listed in
:attr:`Typology.missing`.

The same method gives Brookings' three district types (Katz & Wagner 2014): **anchor plus**
(dense mixed-use development around major anchor institutions: Kendall Square), **re-imagined
urban areas** (old industrial or warehouse districts transformed by firms and entrepreneurs,
transit-served: Boston's South Boston waterfront, South Lake Union) and **urbanised science
parks** (isolated suburban research campuses densifying: Research Triangle Park), with
:data:`BROOKINGS_COEFFICIENTS`.

Sources of the indicators. The five models differ in *who carries the district* — universities,
facilities, one company, the state or the market — so the scores rest on structure and on the
*composition* of flows (shares of knowledge, money and new firms by source), not on the overall
level of activity, which the engine's calibration sets. Structural facts are read straight from
the scenario because that is their honest source and the simulation does not change them
(university patents and graduates per worker, facility researchers, the size of the largest
anchor, support levers and state preference, state employment, third places, failure
tolerance, area); compositions and rates are measured on the run (knowledge flows, spin-outs,
funding shares, subsidies paid, founding rate, density). :data:`TYPOLOGY_INDICATORS` says
which for each. The coefficients were checked against the seed's own exemplars: the presets of
Kendall Square and Oxford score university-led, Research Triangle Park and Tsukuba
science-facility, Eindhoven and South Lake Union anchor-platform, one-north
government-cultivated, East London and Austin market-driven (``tests/test_metrics_typology.py``,
on both editions of the mechanisms).

Who carries a founding. The composition indicators (anchor spin-off share, grassroots share,
the university and facility knowledge rates) count each founding for the organisation its
founder left, the channel of :func:`rainforest.metrics.channels.founding_channel` (one home,
shared with ``rainforest channels``): the kind of the ``parent`` the founding recorded, else its
``origin``. In the first edition a parent is recorded exactly where the origin codes name its
kind (M7's anchor spin-offs, M8's university spin-outs, M2's ideas of anchor, facility and
startup employees), so the channel is the origin and nothing moves. In the second edition a
spin-off of people (M16) or a campus spin-out (M20) records the employer or university the
founder left: a founder who left an anchor counts as an anchor spin-off, one who left a
university or lab as university or facility knowledge, one who left an SME, listed firm or
startup as a firm begetting firms (``startup``), one who left an incumbent or state-owned firm
as ``established``; only founders leaving no organisation — recombinant ideas of people
outside employment, comebacks, the first edition's contact lottery — are grassroots (the
engine records every employer as the parent: ``mechanisms/m13_network.py``, ``_origin_code``;
``tests/test_metrics_typology.py::test_a_founder_leaving_an_sme_is_not_grassroots``).

References
----------
Seed 001 (五种模式, 趋势1: 从单一模式到多模式的融合).

Katz, B., & Wagner, J. (2014). The Rise of Innovation Districts: A New Geography of Innovation
in America. Brookings Institution, Metropolitan Policy Program.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rainforest.metrics.channels import founding_channel

MODELS = (
    "university-led",
    "science-facility",
    "anchor-platform",
    "government-cultivated",
    "market-driven",
)
BROOKINGS = ("anchor-plus", "re-imagined-urban", "urbanised-science-park")
#: exemplars of each model named by seed 001 (preset names)
EXEMPLARS: dict[str, tuple[str, ...]] = {
    "university-led": ("kendall-square", "oxford"),
    "science-facility": ("research-triangle", "tsukuba"),
    "anchor-platform": ("eindhoven", "south-lake-union"),
    "government-cultivated": ("one-north",),
    "market-driven": ("east-london", "austin"),
}


@dataclass(frozen=True)
class StructuralIndicator:
    """A typology indicator: how it is measured and standardised.

    Attributes
    ----------
    name, unit, description
        Identity (the column name in observed files is ``name``).
    source
        ``"simulated"`` (measured on the run) or ``"scenario"`` (a structural input).
    log
        Standardise :math:`\\log_{10}(x + \\epsilon)` instead of :math:`x` (rates).
    centre, spread
        Standardisation constants: :math:`z = (f(x) - centre)/spread`, clipped to ±3.
    """

    name: str
    unit: str
    description: str
    source: str
    centre: float
    spread: float
    log: bool = False
    eps: float = 0.0

    def standardise(self, x: float) -> float:
        """The clipped z-score of a raw value (NaN stays NaN)."""
        if x is None or not np.isfinite(x):
            return float("nan")
        v = np.log10(max(x, 0.0) + self.eps) if self.log else float(x)
        return float(np.clip((v - self.centre) / self.spread, -3.0, 3.0))


_SI = StructuralIndicator
#: Structural indicators, their source and standardisation. Centres and spreads are typical
#: values across districts (assumed, fixed; rates on a log10 scale).
TYPOLOGY_INDICATORS: dict[str, StructuralIndicator] = {
    i.name: i
    for i in [
        # knowledge from universities (M8)
        _SI(
            "university_knowledge_rate",
            "1/1000 people/yr",
            "University spin-outs and technology transfers per 1,000 people a year",
            "simulated",
            -0.3,
            0.4,
            log=True,
            eps=0.05,
        ),
        _SI(
            "university_patents_per_10k",
            "1/10k people/yr",
            "Invention patents granted to universities per 10,000 knowledge workers a year",
            "scenario",
            1.5,
            0.3,
            log=True,
            eps=1.0,
        ),
        _SI(
            "graduates_per_1000",
            "1/1000 people/yr",
            "University graduates entering the district per 1,000 knowledge workers a year",
            "scenario",
            1.3,
            0.3,
            log=True,
            eps=1.0,
        ),
        _SI(
            "university_knowledge_share",
            "share",
            "Universities' share of the research base: university patents / (university "
            "patents + 0.1 x facility researchers), a facility researcher counted as 0.1 "
            "patent-equivalent a year (assumed: the order of magnitude of a research "
            "university's invention output per researcher)",
            "scenario",
            0.6,
            0.2,
        ),
        # knowledge from science facilities (M8)
        _SI(
            "facility_staff_share",
            "share",
            "Researchers of science facilities / people",
            "scenario",
            float(np.log10(0.03)),
            0.3,
            log=True,
            eps=0.005,
        ),
        _SI(
            "breakthroughs_per_100k",
            "1/100k people/yr",
            "Facility breakthroughs per 100,000 people a year",
            "simulated",
            0.3,
            0.3,
            log=True,
            eps=1.0,
        ),
        _SI(
            "facility_knowledge_rate",
            "1/1000 people/yr",
            "Facility spin-outs and technology transfers per 1,000 people a year",
            "simulated",
            -1.0,
            0.5,
            log=True,
            eps=0.05,
        ),
        # anchor firms (M7)
        _SI(
            "largest_anchor_share",
            "share",
            "Employees of the largest anchor firm / knowledge workers (dependence on one "
            "company; the scenario's anchor size, not the run's headcount drift)",
            "scenario",
            -1.0,
            0.25,
            log=True,
            eps=0.01,
        ),
        _SI(
            "anchor_employment_share",
            "share",
            "Employees of all anchor firms / people",
            "simulated",
            0.05,
            0.05,
        ),
        _SI(
            "anchor_spinout_share",
            "share",
            "Foundings by people leaving an anchor firm / foundings",
            "simulated",
            0.3,
            0.15,
        ),
        # government (M5 state funds, M10 policy)
        _SI(
            "state_capital_share",
            "share",
            "State-fund investment / all investment (government vs private capital)",
            "simulated",
            0.25,
            0.2,
        ),
        _SI(
            "subsidy_intensity",
            "share",
            "Subsidies paid / (subsidies + investment): the share of startups' outside money "
            "that comes as rent, R&D and talent subsidies and grants",
            "simulated",
            0.1,
            0.1,
        ),
        _SI(
            "policy_support",
            "index",
            "Mean of the support levers: R&D and rent subsidy shares, grant rate (/0.02), "
            "compute vouchers, shared labs, open scenarios, land discount (1 - price factor)",
            "scenario",
            0.15,
            0.1,
        ),
        _SI(
            "state_preference",
            "share",
            "Bias of grants and space toward state-linked organisations (国家队)",
            "scenario",
            0.15,
            0.2,
        ),
        _SI(
            "state_employment_share",
            "share",
            "Share of non-anchor jobs in state-linked organisations",
            "scenario",
            0.15,
            0.1,
        ),
        # market (M3, M5)
        _SI(
            "private_capital_share",
            "share",
            "Angel, VC and corporate-VC investment / all investment",
            "simulated",
            0.75,
            0.15,
        ),
        _SI(
            "grassroots_share",
            "share",
            "Foundings by people leaving no organisation / foundings (the grassroots channel "
            "of metrics.channels)",
            "simulated",
            0.25,
            0.15,
        ),
        _SI(
            "third_places_per_km2",
            "1/km²",
            "Cafés, incubators, hacker houses per km²",
            "scenario",
            1.3,
            0.3,
            log=True,
            eps=1.0,
        ),
        _SI(
            "founding_rate",
            "1/1000 people/yr",
            "New firms per 1,000 people a year",
            "simulated",
            -0.15,
            0.5,
            log=True,
            eps=0.1,
        ),
        _SI(
            "failure_tolerance",
            "share",
            "Social acceptance of failure (culture)",
            "scenario",
            0.5,
            0.15,
        ),
        # form (Brookings)
        _SI(
            "people_per_km2",
            "1/km²",
            "Knowledge workers per km² (end of run)",
            "simulated",
            3.7,
            0.4,
            log=True,
            eps=1.0,
        ),
        _SI("area_km2", "km²", "Area of the district", "scenario", 1.3, 0.5, log=True, eps=1.0),
    ]
}

#: Signed coefficients of each model's score (a reading of seed 001, see module docstring).
MODEL_COEFFICIENTS: dict[str, dict[str, float]] = {
    # "让大学的知识外溢效应最大化…借助牛津大学的品牌和研究实力": university research and the
    # knowledge that flows out of it
    "university-led": {
        "university_knowledge_rate": 1.0,
        "university_patents_per_10k": 0.8,
        "graduates_per_1000": 0.3,
    },
    # "依托政府投资的大型实验室或研究机构": facilities' researchers and breakthroughs, and a
    # research base held by facilities rather than universities
    "science-facility": {
        "facility_staff_share": 1.5,
        "breakthroughs_per_100k": 0.3,
        "university_knowledge_share": -1.5,
    },
    # "靠一家公司带动整个产业链的聚集…飞利浦不断分拆出新的科技企业": dependence on one company
    # and its spin-outs
    "anchor-platform": {
        "largest_anchor_share": 1.5,
        "anchor_spinout_share": 0.5,
    },
    # "直接设计、投资、甚至管理创新区…从基础设施到科技补贴,全方位扶持": support levers first,
    # then state money, subsidies, preference for state-linked organisations, state jobs
    "government-cultivated": {
        "policy_support": 1.5,
        "state_capital_share": 0.8,
        "subsidy_intensity": 0.5,
        "state_preference": 0.5,
        "state_employment_share": 0.3,
    },
    # "没有政府大规模投资,也没有顶级大学的支撑…地理位置、低成本、创业氛围": private money,
    # grassroots founders, third places, a high founding rate, tolerance of failure; no large
    # state investment, no top university
    "market-driven": {
        "private_capital_share": 0.6,
        "third_places_per_km2": 0.5,
        "failure_tolerance": 0.5,
        "grassroots_share": 0.3,
        "founding_rate": 0.3,
        "state_capital_share": -0.3,
        "university_knowledge_rate": -0.5,
    },
}

#: Coefficients of Brookings' three district types (Katz & Wagner 2014).
BROOKINGS_COEFFICIENTS: dict[str, dict[str, float]] = {
    # dense, mixed-use, around major anchor institutions (universities, medical centres, firms)
    "anchor-plus": {
        "university_knowledge_rate": 0.6,
        "university_patents_per_10k": 0.4,
        "anchor_employment_share": 0.6,
        "people_per_km2": 0.6,
    },
    # old industrial or warehouse districts re-used by firms and entrepreneurs; dense, urban
    "re-imagined-urban": {
        "grassroots_share": 0.6,
        "third_places_per_km2": 0.8,
        "people_per_km2": 0.6,
        "university_patents_per_10k": -0.3,
        "facility_staff_share": -0.3,
    },
    # suburban research campuses, large and sparse, densifying
    "urbanised-science-park": {
        "facility_staff_share": 1.0,
        "breakthroughs_per_100k": 0.5,
        "people_per_km2": -0.8,
        "area_km2": 0.6,
        "third_places_per_km2": -0.3,
    },
}


# --- measuring the indicators on a run -----------------------------------------------------
def _safe_div(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


def policy_support(policy) -> float:
    """The support-lever index of a region's :class:`~rainforest.scenario.schema.Policy`.

    Mean of the R&D subsidy share, rent subsidy share, grant rate relative to 2% a month
    (capped at 1), compute vouchers, shared labs, open scenarios and the land discount
    (1 - land price factor, clipped to [0, 1]): "从基础设施到科技补贴,全方位扶持" (seed 001).
    """
    levers = [
        policy.rd_subsidy_share,
        policy.rent_subsidy_share,
        min(policy.grant_rate / 0.02, 1.0),
        policy.compute_vouchers,
        policy.shared_labs,
        policy.open_scenarios,
        float(np.clip(1.0 - policy.land_price_factor, 0.0, 1.0)),
    ]
    return float(np.mean(levers))


def structural_indicators(res) -> pd.DataFrame:
    """The structural indicators of every region of a run (plus ``"all"``, regions pooled).

    Simulated indicators are measured over the whole reported period (month >= 0; the warm-up
    is excluded); employment and density are taken at the last month. Scenario indicators are
    read from ``res.scenario`` (pooled over regions with population or area weights).

    Returns
    -------
    DataFrame
        Index region (``"all"`` last), one column per :data:`TYPOLOGY_INDICATORS` entry; NaN
        where an indicator is undefined (e.g. a share of zero foundings).
    """
    m = res.metrics
    o = res.orgs
    scale = float(res.meta.get("scale", 1.0))
    regions = list(res.meta.get("regions", list(res.scenario.regions)))
    ev = res.events[res.events["month"] >= 0]
    kind_of = pd.Series(o["kind"].astype(str).to_numpy(), index=o["org"].to_numpy())
    # who carries each founding: the kind of organisation its founder left (metrics.channels)
    channel_of = pd.Series(founding_channel(o).to_numpy(), index=o["org"].to_numpy())
    fo = ev[ev["kind"] == "founding"]
    fo_region = fo["region"].astype(str).to_numpy()
    fo_origin = channel_of.reindex(fo["org"].to_numpy()).to_numpy()
    fo_w = fo["weight"].to_numpy(float)
    tt = ev[ev["kind"] == "tech_transfer"]
    tt_region = tt["region"].astype(str).to_numpy()
    tt_source = kind_of.reindex(tt["other"].to_numpy()).to_numpy()
    tt_w = tt["weight"].to_numpy(float)
    mm = m.assign(region=m["region"].astype(str))
    sums = mm.groupby("region")[
        [
            "foundings",
            "breakthroughs",
            "subsidies_paid",
            *[f"investment_{k}" for k in ("angel", "vc", "cvc", "state", "bank")],
        ]
    ].sum()
    last = mm[mm["month"] == mm["month"].max()].set_index("region")
    years = mm["month"].nunique() / 12.0
    anchors = o[o["kind"].astype(str) == "anchor"]
    anchor_emp = pd.DataFrame(
        {
            "region": anchors["region"].astype(str).to_numpy(),
            "emp": anchors["employees"].to_numpy(float) * scale,
        }
    )

    def measure(sel: list[str]) -> dict[str, float]:
        fm = np.isin(fo_region, sel)
        tm = np.isin(tt_region, sel)
        fw, f_or = fo_w[fm], fo_origin[fm]
        tw, t_src = tt_w[tm], tt_source[tm]
        fl = sums.reindex(sel).fillna(0.0).sum()
        inv = sum(fl[f"investment_{k}"] for k in ("angel", "vc", "cvc", "state", "bank"))
        people = float(last.reindex(sel)["people"].sum())
        scen = [res.scenario.regions[r] for r in sel]
        pop = sum(r.population for r in scen)
        area = sum(r.area_km2 for r in scen)
        uni = fw[f_or == "university"].sum() + tw[t_src == "university"].sum()
        fac = fw[f_or == "facility"].sum() + tw[t_src == "facility"].sum()
        per_1000_yr = 1000.0 / (people * years) if people > 0 else float("nan")
        uni_pat = sum(u.patents_per_year for r in scen for u in r.universities)
        fac_staff = sum(f.staff for r in scen for f in r.facilities)
        a_emp = anchor_emp[anchor_emp["region"].isin(sel)]["emp"]
        return {
            "university_knowledge_rate": uni * per_1000_yr,
            "university_patents_per_10k": 1e4 * uni_pat / pop,
            "graduates_per_1000": 1000.0
            * sum(u.graduates_per_year for r in scen for u in r.universities)
            / pop,
            "university_knowledge_share": _safe_div(uni_pat, uni_pat + 0.1 * fac_staff),
            "facility_staff_share": fac_staff / pop,
            "breakthroughs_per_100k": 100.0 * fl["breakthroughs"] * per_1000_yr,
            "facility_knowledge_rate": fac * per_1000_yr,
            "largest_anchor_share": max((a.employees for r in scen for a in r.anchors), default=0.0)
            / pop,
            "anchor_employment_share": _safe_div(float(a_emp.sum()), people),
            "anchor_spinout_share": _safe_div(fw[f_or == "anchor"].sum(), fw.sum()),
            "state_capital_share": _safe_div(fl["investment_state"], inv),
            "subsidy_intensity": _safe_div(fl["subsidies_paid"], fl["subsidies_paid"] + inv),
            "policy_support": sum(policy_support(r.policy) * r.population for r in scen) / pop,
            "state_preference": sum(r.policy.state_preference * r.population for r in scen) / pop,
            "state_employment_share": sum(r.state_employment_share * r.population for r in scen)
            / pop,
            "private_capital_share": _safe_div(
                fl["investment_angel"] + fl["investment_vc"] + fl["investment_cvc"], inv
            ),
            "grassroots_share": _safe_div(fw[f_or == "grassroots"].sum(), fw.sum()),
            "third_places_per_km2": sum(r.third_places_per_km2 * r.area_km2 for r in scen) / area,
            "founding_rate": fl["foundings"] * per_1000_yr,
            "failure_tolerance": sum(r.culture.failure_tolerance * r.population for r in scen)
            / pop,
            "people_per_km2": people / area,
            "area_km2": area,
        }

    rows = {r: measure([r]) for r in regions}
    rows["all"] = measure(regions)
    out = pd.DataFrame.from_dict(rows, orient="index")[list(TYPOLOGY_INDICATORS)]
    out.index.name = "region"
    return out


# --- observed indicators -----------------------------------------------------------------
def read_observed(path: str | Path) -> pd.DataFrame:
    """Read user-supplied indicators (observed districts) from TOML or CSV.

    Formats
    -------
    CSV, wide
        A ``region`` column and one column per indicator name of
        :data:`TYPOLOGY_INDICATORS` or :data:`rainforest.metrics.indicators.INDICATORS`
        (e.g. ``region,university_knowledge_share,facility_staff_share``); empty cells are
        missing.
    CSV, long
        Columns ``region,indicator,value``.
    TOML
        ``[regions.NAME]`` tables of ``indicator = value``, or top-level ``indicator = value``
        pairs for one district (named after the file).

    Returns
    -------
    DataFrame
        Index region, one column per indicator given (unknown names are an error).

    Raises
    ------
    ValueError
        Unknown indicator names (with the list of known ones), non-numeric values, or a file
        that is neither ``.toml`` nor ``.csv``.
    """
    from rainforest.metrics.indicators import INDICATORS

    p = Path(path)
    if p.suffix.lower() == ".toml":
        data = tomllib.loads(p.read_text(encoding="utf-8"))
        regions = data.get("regions")
        if isinstance(regions, dict):
            table = {str(k): dict(v) for k, v in regions.items()}
        else:
            table = {p.stem: {k: v for k, v in data.items() if not isinstance(v, dict)}}
        df = pd.DataFrame.from_dict(table, orient="index")
    elif p.suffix.lower() == ".csv":
        raw = pd.read_csv(p)
        if "region" not in raw.columns:
            raise ValueError(f"{p}: a 'region' column is required")
        if {"indicator", "value"} <= set(raw.columns):
            df = raw.pivot_table(
                index="region", columns="indicator", values="value", aggfunc="first"
            )
        else:
            df = raw.set_index("region")
    else:
        raise ValueError(f"{p}: observed indicators must be a .toml or .csv file")
    known = set(TYPOLOGY_INDICATORS) | set(INDICATORS)
    unknown = sorted(set(df.columns) - known)
    if unknown:
        raise ValueError(f"{p}: unknown indicator(s) {unknown}; known: {', '.join(sorted(known))}")
    try:
        df = df.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{p}: indicator values must be numbers ({err})") from err
    df.index = df.index.astype(str)
    df.index.name = "region"
    df.columns.name = None
    return df


# --- scoring -----------------------------------------------------------------------------
@dataclass
class Typology:
    """Mixture weights of a set of classes with their explanation.

    Attributes
    ----------
    weights : DataFrame
        Index region, one column per class; rows sum to 1.
    scores : DataFrame
        The linear scores behind the weights.
    contributions : DataFrame
        Long table: ``region``, ``model``, ``indicator``, ``value`` (raw), ``z``, ``beta``,
        ``contribution`` (:math:`\\beta z`, sums to the score) and ``weight_effect`` (change of
        the model's weight when this indicator is dropped from every score, sign-flipped:
        positive = the indicator pushes the weight up).
    missing : DataFrame
        ``region``, ``indicator``: indicators used by the coefficients but missing (not
        imputed; left out of every score).
    indicators : DataFrame
        The raw indicator values used (index region).
    """

    weights: pd.DataFrame
    scores: pd.DataFrame
    contributions: pd.DataFrame
    missing: pd.DataFrame
    indicators: pd.DataFrame
    classes: tuple[str, ...] = field(default=MODELS)

    def label(self) -> pd.Series:
        """The class with the largest weight in each region."""
        return self.weights.idxmax(axis=1)

    def drivers(self, top: int = 3) -> pd.DataFrame:
        """The ``top`` indicators that push each region's leading class up the most."""
        lab = self.label()
        c = self.contributions
        rows = []
        for region, model in lab.items():
            sub = c[(c["region"] == region) & (c["model"] == model)]
            sub = sub.sort_values("weight_effect", ascending=False).head(top)
            rows.append(sub)
        return pd.concat(rows, ignore_index=True) if rows else c.head(0)


def _softmax(s: np.ndarray, temperature: float) -> np.ndarray:
    x = s / temperature
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def score(
    indicators: pd.DataFrame,
    coefficients: Mapping[str, Mapping[str, float]] = MODEL_COEFFICIENTS,
    temperature: float = 1.0,
    specs: Mapping[str, StructuralIndicator] = TYPOLOGY_INDICATORS,
) -> Typology:
    """Softmax weights of linear scores on standardised indicators, with contributions.

    Parameters
    ----------
    indicators
        Index region, columns indicator names (raw values; NaN or absent = missing).
    coefficients
        ``{class: {indicator: beta}}``.
    temperature
        Softmax temperature :math:`\\tau` (larger = flatter mixtures).
    specs
        Standardisation of each indicator.

    Returns
    -------
    Typology
    """
    classes = tuple(coefficients)
    used = sorted({i for c in coefficients.values() for i in c}, key=list(specs).index)
    regions = [str(r) for r in indicators.index]
    raw = indicators.reindex(columns=used)
    z = np.array(
        [
            [specs[i].standardise(v) for i, v in zip(used, row, strict=True)]
            for row in raw.to_numpy(float)
        ]
    ).reshape(len(regions), len(used))
    present = np.isfinite(z)
    zf = np.where(present, z, 0.0)
    beta = np.array([[coefficients[c].get(i, 0.0) for i in used] for c in classes])
    contrib = zf[:, None, :] * beta[None, :, :]  # region x class x indicator
    scores = contrib.sum(axis=2)
    weights = _softmax(scores, temperature)
    # weight effect: weight with all indicators minus weight without indicator i
    effect = np.zeros_like(contrib)
    for k in range(len(used)):
        w_without = _softmax(scores - contrib[:, :, k], temperature)
        effect[:, :, k] = weights - w_without
    rows = []
    for a, r in enumerate(regions):
        for b, c in enumerate(classes):
            for k, i in enumerate(used):
                if beta[b, k] == 0.0:
                    continue
                rows.append(
                    {
                        "region": r,
                        "model": c,
                        "indicator": i,
                        "value": raw.iat[a, k],
                        "z": z[a, k],
                        "beta": beta[b, k],
                        "contribution": contrib[a, b, k],
                        "weight_effect": effect[a, b, k],
                    }
                )
    missing = [
        {"region": r, "indicator": i}
        for a, r in enumerate(regions)
        for k, i in enumerate(used)
        if not present[a, k]
    ]
    return Typology(
        weights=pd.DataFrame(weights, index=pd.Index(regions, name="region"), columns=classes),
        scores=pd.DataFrame(scores, index=pd.Index(regions, name="region"), columns=classes),
        contributions=pd.DataFrame(rows),
        missing=pd.DataFrame(missing, columns=["region", "indicator"]),
        indicators=raw,
        classes=classes,
    )


def _indicators_of(source) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, pd.Series):
        return source.to_frame().T
    if isinstance(source, Mapping):
        return pd.DataFrame([dict(source)], index=pd.Index(["observed"], name="region"))
    if isinstance(source, str | Path):
        return read_observed(source)
    return structural_indicators(source)


#: Default softmax temperature: scores differ by a few units between models, so 1.5 keeps
#: mixtures visible (trend 1 of seed 001) without changing which model leads.
TEMPERATURE = 1.5


def classify(source, temperature: float = TEMPERATURE) -> Typology:
    """Mixture weights over seed 001's five models.

    Parameters
    ----------
    source
        A :class:`~rainforest.result.Result` (indicators measured with
        :func:`structural_indicators`), a DataFrame of indicators (index region), a mapping of
        indicator -> value for one district, or a path to an observed TOML/CSV file
        (:func:`read_observed`).
    temperature
        Softmax temperature.

    Returns
    -------
    Typology
        Weights over :data:`MODELS`, their contributions and the missing indicators.

    Examples
    --------
    >>> t = classify({"university_knowledge_rate": 3.0, "university_patents_per_10k": 100.0})
    >>> t.label()["observed"]
    'university-led'
    >>> sorted(t.missing["indicator"])[:2]
    ['anchor_spinout_share', 'breakthroughs_per_100k']
    """
    return score(_indicators_of(source), MODEL_COEFFICIENTS, temperature)


def classify_brookings(source, temperature: float = TEMPERATURE) -> Typology:
    """Mixture weights over Brookings' three district types (Katz & Wagner 2014).

    Parameters and return as :func:`classify`, with classes :data:`BROOKINGS`.
    """
    return score(_indicators_of(source), BROOKINGS_COEFFICIENTS, temperature)
