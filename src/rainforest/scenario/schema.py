"""Pydantic models of a scenario: the validated, frozen input of every run.

A scenario describes one or more regions (districts or cities) with their people, knowledge
institutions, anchor firms, investors, culture and policy, plus the technology domains and the
global mechanism parameters. Every field carries a unit and a description; presets attach a
source to each value through the top-level ``sources`` table (field path -> citation).

Money is in million yuan (CNY) throughout; US figures are converted at 7.1 CNY per USD
(assumed: 2023-25 average). Time is in months unless a field name says otherwise.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

SKILLS = ("tech", "market", "capital", "design")
INVESTOR_KINDS = ("angel", "vc", "cvc", "state", "bank")
STAGES = ("seed", "early", "late")

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
#: A monthly (or per-contact) chance: a probability, so at most 1.
Chance = Annotated[float, Field(ge=0.0, le=1.0)]
#: An elasticity: beyond 3, a doubling multiplies by more than 8 (and overflows soon after).
Elasticity = Annotated[float, Field(ge=0.0, le=3.0)]
#: A log standard deviation: beyond 2, one draw in six is 7 times the median or more.
LogSd = Annotated[float, Field(ge=0.0, le=2.0)]
#: A span of months: at least a day (the step is a month), at most a century.
Months = Annotated[float, Field(ge=0.03, le=1200.0)]

#: No number in a scenario may exceed this in magnitude (a trillion of anything is a typo).
MAX_MAGNITUDE = 1e12
#: Half the Earth's circumference: no two places are further apart.
MAX_DISTANCE_KM = 20_037.5
#: Knowledge workers per km² beyond the densest business districts (Midtown Manhattan has
#: about 300,000 jobs per km²).
MAX_DENSITY = 500_000.0
_NAME_BAD = re.compile(r"[\x00-\x1f\x7f|.\[\]{}<>/\\\"`]")


def _safe_name(v: str) -> str:
    """Names are field-path parts, dict keys and labels: no '|' (distance keys), '.' (paths),
    brackets, quotes, slashes or control characters; 1 to 80 characters, not blank."""
    bad = _NAME_BAD.search(v) or not v.isprintable()
    if not v.strip() or len(v) > 80 or v != v.strip() or bad:
        raise ValueError(
            "a name needs 1 to 80 characters, no leading or trailing spaces and none of "
            '| . [ ] { } < > / \\ " ` or control characters'
        )
    return v


Name = Annotated[str, AfterValidator(_safe_name)]


def _label(v: str) -> str:
    """A scenario's name is a label (derived names such as 'a+b[culture]' are fine): printable,
    not blank, at most 200 characters."""
    if not v.strip() or len(v) > 200 or not v.isprintable():
        raise ValueError("a scenario name needs 1 to 200 printable characters")
    return v


Label = Annotated[str, AfterValidator(_label)]


def _f(default, description: str, unit: str = "", source: str = "", **kw):
    """A field with a description and a unit kept in the JSON schema (shown by the CLI/web).

    ``source`` is the provenance of the default value (``public: …``, ``assumed: …``), shown
    by ``rainforest presets show --all`` where a scenario leaves the field at its default.
    """
    extra = {"unit": unit} if unit else {}
    if source:
        extra["source"] = source
    return Field(default, description=description, json_schema_extra=extra, **kw)


#: Provenance of the behaviour constants that lived as literals in the kernels until issue 13.
FIRST_EDITION = "assumed: first edition's value, a literal in "

#: Provenance of the global behavioural parameters fitted jointly by issue 15's calibration
#: (``rainforest calibrate --places``; the record, with every target and trial, is
#: ``rainforest/data/fitted/mechanisms.json``; docs/calibration.md section 7).
FITTED = (
    "fitted: joint SMM of the second edition on 19 public targets (Caohejing, Zhangjiang, "
    "Hangzhou, Shenzhen, US BLS survival to 1, 2 and 5 years, IT桔子 2022's funded-startup "
    "outcomes, Correlation Ventures' share of 10x deals; runs of caohejing, east-london, "
    "research-triangle, zhangjiang, hangzhou, shenzhen; 15 held out, incl. one-north, hefei, "
    "survival to 3 and 10 years and the share of deals under 1x), rainforest/data/statistics, "
    "2026-11-30, with the listing rules, acquisitions priced on revenue and wages following "
    "demand, distance 0.944 (start 1.10); 2 seeds, scale 40, 12 years, 60 optuna TPE trials "
    "(docs/calibration.md sections 7-8)"
)


def _k(default, description: str, unit: str, where: str, why: str = "", **kw):
    """A behaviour constant moved out of a kernel (issue 13): ``where`` names its old place
    (``module.function``) and ``why`` the reason for the value, if one was given."""
    source = FIRST_EDITION + where + (f" ({why})" if why else "")
    return _f(default, description, unit, source=source, **kw)


class Model(BaseModel):
    """Base: unknown keys are errors, instances are immutable, numbers are finite, at most
    :data:`MAX_MAGNITUDE` in size, and never booleans (``area_km2 = true`` is not 1)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _plain_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        ann = field.annotation if field is not None else bool
        if ann is bool or (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return v  # a switch, or a nested model (checked field by field itself)
        values = v.values() if isinstance(v, dict) else v if isinstance(v, list) else [v]
        for x in values:
            if isinstance(x, bool):
                raise ValueError(f"expected a number, got {str(x).lower()}")
            if isinstance(x, int | float) and math.isfinite(x) and abs(x) > MAX_MAGNITUDE:
                raise ValueError(f"{x:g} is larger than any sensible value (at most 1e12)")
        return v


class Domain(Model):
    """A technology domain (market) in which ideas, startups and anchors live."""

    name: Name = _f(..., "Domain identifier, e.g. 'ai_software'.")
    market_size: Annotated[float, Field(gt=0.0, le=1000.0)] = _f(
        1.0, "Relative size of the addressable market (1 = average).", "x"
    )
    capital_intensity: Annotated[float, Field(gt=0.0, le=1000.0)] = _f(
        1.0, "Multiplier on cheque sizes and burn (hardware > software).", "x"
    )
    experiment_cost: Positive = _f(0.02, "Cost of one product experiment.", "million yuan")
    time_to_market: Months = _f(
        18.0, "Typical months from founding to product-market fit.", "months"
    )
    regulated: bool = _f(False, "Founding needs a regulatory sandbox or liability exemption (M10).")
    data_driven: bool = _f(False, "Experiments gain from open government data (M10).")
    compute_intensive: bool = _f(False, "Experiments can be paid with compute vouchers (M4).")
    hardware: bool = _f(False, "Experiments gain from supply-chain proximity (M12).")


class University(Model):
    """A university: graduates, patents and their conversion into startups (M8)."""

    name: Name = _f(..., "Name.")
    graduates_per_year: NonNeg = _f(
        2000.0, "Graduates entering the local talent pool.", "people/yr"
    )
    patents_per_year: NonNeg = _f(300.0, "Granted invention patents.", "patents/yr")
    conversion_rate: Share = _f(
        0.2, "Share of patents transferred or spun out (浙大 38%, 东南 11%).", "share"
    )
    spinout_share: Share = _f(
        0.1, "Share of converted patents that become a new startup (rest: licences).", "share"
    )
    credential_share: Share = _f(
        0.3, "Share of graduates with elite credentials (PhD, top venues).", "share"
    )
    domains: dict[str, NonNeg] = _f(
        {}, "Research mix by domain (weights; empty = evenly over domains)."
    )
    spillover: NonNeg = _f(1.0, "Knowledge spillover strength (relative).", "x")
    transfer_office: Share = _f(
        0.5,
        "Technology-transfer office's policy (0 = none; 1 = fast decisions, inventors keep a "
        "large share, liability exempted); the lever of M20 (used only when "
        "mechanisms.campus_spinoffs is on).",
        "index 0-1",
        source="assumed: a middling office where a preset gives none",
    )


class Facility(Model):
    """A large science facility or national lab: breakthroughs with long lags (M8)."""

    name: Name = _f(..., "Name.")
    domain: str = _f(..., "Domain its breakthroughs feed.")
    breakthroughs_per_year: Annotated[float, Field(ge=0.0, le=1000.0)] = _f(
        2.0, "Usable breakthroughs produced.", "1/yr"
    )
    lag_months: Annotated[float, Field(ge=0.0, le=1200.0)] = _f(
        60.0, "Months before a breakthrough is usable by firms.", "months"
    )
    spillover: NonNeg = _f(2.0, "Knowledge spillover strength (relative).", "x")
    staff: NonNeg = _f(500.0, "Researchers employed.", "people")
    spinout_rate: NonNeg = _k(
        0.0002,
        "Monthly chance that a researcher has a spin-out idea in the facility's domain.",
        "1/person/month",
        "engine/build.py:build_world",
    )


class Anchor(Model):
    """An anchor firm or platform: jobs, demand, spillovers, spin-outs (M7)."""

    name: Name = _f(..., "Name.")
    domain: str = _f(..., "Main domain.")
    employees: NonNeg = _f(5000.0, "Local employees.", "people")
    spinout_rate: Chance = _f(
        0.0005, "Monthly chance that an employee has a spin-out idea.", "1/person/month"
    )
    platform_services: Share = _f(
        0.0, "Platform services opened to local firms (cuts experiment cost).", "share"
    )
    local_demand: NonNeg = _f(
        0.1, "Extra revenue for local startups of its domain (first buyer).", "share"
    )
    state_linked: bool = _f(False, "A state-owned or state-linked organisation.")
    spillover: NonNeg = _f(1.0, "Knowledge spillover strength (relative).", "x")
    listed: bool = _f(True, "A listed company (counts in listed firms per km²).")
    productivity: Annotated[float, Field(gt=0.0, le=1000.0)] = _f(
        2.0, "Output per employee relative to the region's established employers.", "x"
    )


class InvestorPool(Model):
    """A pool of investors of one kind (M5); each member is an agent."""

    kind: Literal["angel", "vc", "cvc", "state", "bank"] = _f(..., "Investor kind.")
    count: Annotated[int, Field(ge=0, le=1_000_000)] = _f(
        10, "Number of investors (at most a million: more than all venture firms).", "investors"
    )
    dry_powder: NonNeg = _f(500.0, "Capital available per investor.", "million yuan")
    patience: Annotated[float, Field(ge=0.0, le=1200.0)] = _f(
        36.0, "Months the investor will wait for product-market fit.", "months"
    )
    stage_preference: dict[str, NonNeg] = _f(
        {"seed": 1.0, "early": 1.0, "late": 1.0}, "Weights on seed / early / late rounds."
    )
    risk_appetite: Share = _f(0.5, "Willingness to fund low-fit startups (1 = any).", "share")
    home_bias: Share = _f(0.8, "Share of deals screened in the home region (M12).", "share")
    credential_weight: Share = _f(
        0.0, "How much it discounts founders without elite credentials.", "share"
    )
    state_preference: Share = _f(0.0, "How much it favours state-linked organisations.", "share")
    rescue: bool = _f(False, "Funds rescue rounds for cash-short late-stage firms (MetaX).")

    @field_validator("stage_preference")
    @classmethod
    def _stages(cls, v: dict[str, float]) -> dict[str, float]:
        bad = set(v) - set(STAGES)
        if bad:
            raise ValueError(f"unknown stage(s) {sorted(bad)}; expected keys from {STAGES}")
        if not any(v.values()):
            raise ValueError("at least one stage weight must be positive")
        return v


class Culture(Model):
    """Attitudes of a region's people (M3, M9)."""

    failure_tolerance: Share = _f(0.5, "Social acceptance of failure (1 = fully tolerant).")
    risk_appetite: Share = _f(0.5, "Mean personal risk appetite.")
    risk_appetite_sd: Share = _f(0.15, "Spread of personal risk appetite.")
    credential_preference: Share = _f(
        0.3, "Weight credentialed people put on stable jobs (elite involution)."
    )
    stability_preference: Share = _f(0.3, "Weight everyone puts on a stable salary.")
    belief: Share = _f(0.5, "Baseline belief that founding pays off (M9).")


class Policy(Model):
    """Per-region policy levers (M10)."""

    rd_subsidy_share: Share = _f(0.0, "Share of experiment (R&D) cost refunded.", "share")
    rent_subsidy_share: Share = _f(0.0, "Share of office rent refunded.", "share")
    rent_subsidy_months: Annotated[float, Field(ge=0.0, le=1200.0)] = _f(
        0.0, "Months of rent subsidy after founding.", "months"
    )
    talent_subsidy: NonNeg = _f(0.0, "Lump sum per founder at founding.", "million yuan")
    grant_max: NonNeg = _f(0.0, "Largest single grant to a promising startup.", "million yuan")
    grant_rate: Share = _f(
        0.0,
        "Monthly chance an eligible startup (fit at least mechanisms.grants.min_fit) gets a grant.",
        "1/month",
    )
    service_latency_days: Annotated[float, Field(ge=0.0, le=36500.0)] = _f(
        60.0, "Days between a subsidy claim and its payment (stamps).", "days"
    )
    registration_days: Annotated[float, Field(ge=0.0, le=36500.0)] = _f(
        30.0, "Days to register a firm and get approvals.", "days"
    )
    liability_exemption: Share = _f(
        0.0, "Officials' liability exemption for failed support (创新免责).", "share"
    )
    sandbox: Share = _f(0.0, "Regulatory sandbox coverage for regulated domains.", "share")
    open_data: Share = _f(0.0, "Open government data (raises data-driven yield).", "share")
    compute_vouchers: Share = _f(
        0.0, "Share of compute-intensive experiment cost paid by vouchers.", "share"
    )
    open_scenarios: Share = _f(
        0.0, "First-buyer / open-scenario programmes (raise yield and early revenue).", "share"
    )
    shared_labs: Share = _f(0.0, "Open/shared labs and model platforms (cut cost).", "share")
    land_price_factor: Annotated[float, Field(gt=0.0, le=1000.0)] = _f(
        1.0, "R&D office rent relative to commercial rent.", "x"
    )
    state_preference: Share = _f(
        0.0, "Bias of grants and space toward state-linked organisations (国家队).", "share"
    )


class Instruments(Model):
    """Per-region instruments of the essays that :class:`Policy` cannot express (issue 16).

    Each maps onto inputs the mechanisms already read (``mechanisms/m17_instruments.py``, NumPy
    only): experiment costs, office rent and housing, delays, cash of eligible startups. All are
    off at 0 (``sector_domain`` empty). Their public cost is reported by instrument
    (``public_*`` metrics)."""

    model_community: Share = _f(
        0.0,
        "Coverage of an open model community serving startups shared models (模力社区; "
        "seed 000's open source): cuts AI/compute experiment cost.",
        "share",
        source="seed 002: 为园区内50多家AI初创公司提供GLM系列模型的即取即用服务 — shared models",
    )
    self_driving_labs: Share = _f(
        0.0,
        "Coverage of self-driving (automated, high-throughput) labs: cuts experiment cost in "
        "hardware and regulated (biomedical) domains.",
        "share",
        source="seed 001: 自主实验室(Self-Driving Labs)整合 AI + 自动化 — self-driving labs",
    )
    one_yuan_offices: Share = _f(
        0.0,
        "Share of young startups' desk rent waived at once (1元办公空间), no claim or stamps.",
        "share",
        source="seed 002: “1元办公空间”、“定向公寓”等举措大大延长了初创公司的现金流寿命 — offices",
    )
    talent_apartments: Share = _f(
        0.0,
        "Share of startup staff housed in subsidised talent apartments (定向公寓): cuts the "
        "housing cost people weigh when moving (M11) and startups' cash burn.",
        "share",
        source="seed 002: “1元办公空间”、“定向公寓”等举措 — talent flats",
    )
    state_prea_rate: Chance = _f(
        0.0,
        "Monthly chance a seed-funded young startup gets a Pre-A cheque from a district fund "
        "(各区母基金…Pre-A轮入场).",
        "1/month",
        source="seed 002: 各区母基金对大模型企业的Pre-A轮入场 — district funds enter Pre-A rounds",
    )
    state_prea_cheque: NonNeg = _f(
        0.0, "Size of a district fund's Pre-A cheque.", "million yuan", source="assumed: off"
    )
    relay_fund: NonNeg = _f(
        0.0,
        "Yearly budget of relay (rescue) rounds for cash-short late-stage startups.",
        "million yuan/yr",
        source="seed 002: 浦东创投与浦发集团共同出资带动香港资金跟投 — state relay rounds",
    )
    venture_loans: Share = _f(
        0.0,
        "Bank loan, as a share of a round just raised, lent to the startup (投贷联动, 专利质押); "
        "a public guarantee bears the losses of those that fail.",
        "share of round",
        source="seed 002: 投贷联动、专利质押、联合出资等机制变化 — investment-linked loans",
    )
    opc_grant: NonNeg = _f(
        0.0,
        "Lump sum to a one-person startup at founding (张江OPC 超级个体).",
        "million yuan",
        source="seed 002: 张江OPC项目对“超级个体”的定向扶持 — support for super-individuals",
    )
    early_users: Share = _f(
        0.0,
        "Coverage of trusted early users (garage trust): friends, neighbours and nearby "
        "firms who try a young startup's product before it is proven. Acts as open scenarios "
        "do (young startups' revenue and experiment yield, M4), bought privately: no public "
        "cost. Combined with policy.open_scenarios as independent chances.",
        "share",
        source="seed 000: “車庫的溫度”象徵著一種非正式、低成本、高信任的協作環境 — the garage's "
        "warmth, an informal, low-cost, high-trust environment; its reach as early buyers assumed",
    )
    data_circulation: Share = _f(
        0.0,
        "Data-circulation pilots and the finance trial zone: raise open data (M4).",
        "share",
        source="seed 002: 数据流通试点 — data-circulation pilots",
    )
    compute_power_price: Annotated[float, Field(gt=0.0, le=10.0)] = _f(
        1.0,
        "Electricity price for compute relative to the industrial tariff (1 = industrial); "
        "scales the power share of compute-intensive experiment cost.",
        "x",
        source="ai-opinion: seed 003: 对“大模型训练用电”这类新需求,仍按工业用电标准审批 — tariff",
    )
    ai_task_force: NonNeg = _f(
        0.0,
        "Officials in a dedicated AI task force (AI专班): shorten subsidy latency and "
        "registration (half at mechanisms.instruments.task_force_half_staff).",
        "people",
        source="ai-opinion: seed 003: 经信部门设立“AI专班” — an AI task force",
    )
    founder_services: Share = _f(
        0.0,
        "Coverage of free legal and accounting services for founders: shortens registration.",
        "share",
        source="seed 000: 專業的法律、會計服務 — professional legal and accounting services",
    )
    sector_domain: str = _f("", "Domain of a sector programme (机器人+); empty = none.")
    sector_budget: NonNeg = _f(
        0.0,
        "Yearly budget of the sector programme, paid to startups of sector_domain.",
        "million yuan/yr",
        source="seed 004: 《浙江省“机器人+”行动计划》 — the 'Robot+' action plan",
    )
    founder_recruitment: NonNeg = _f(
        0.0,
        "Founders recruited from abroad per year (they join the region's people).",
        "people/yr",
        source="seed 004: 邀请他回到杭州创办了强脑科技 — invited back to found BrainCo",
    )
    rent_cycle_amplitude: Share = _f(
        0.0,
        "Amplitude of an office vacancy and rent cycle (rent x (1 + a sin)).",
        "share",
        source="seed 001: 东伦敦科技城最早是因为房租便宜 — cheap rent first drew startups",
    )
    # --- issue 16's four instruments added after the first M17 (mechanisms/m17_more.py) ---
    patent_subsidy: NonNeg = _f(
        0.0,
        "Subsidy paid per patent a firm is granted (subsidies by patent count): firms file "
        "extra low-value patents to collect it (mechanisms.instruments.patent_subsidy_response).",
        "million yuan/patent",
        source="ai-opinion: seed 003: 张江的补贴标准仍固守“专利数量、固定资产投资额”等传统指标 — "
        "subsidies by patent count",
    )
    case_support_budget: NonNeg = _f(
        0.0,
        "Yearly budget of case-by-case support (一事一议): officials assess young startups' "
        "quality and fit and pay the best a cheque (mechanisms.instruments.case_*) after a "
        "latency, at a service cost per case.",
        "million yuan/yr",
        source="ai-opinion: seed 003: 杭州…通过“一事一议”定制补贴(如按模型参数量补贴研发费用) — "
        "customised, case-by-case subsidies",
    )
    data_rules: Share = _f(
        0.0,
        "Strictness of data localisation and cross-border data rules (1 = all data stored "
        "locally, no transfer): raises data-dependent domains' experiment cost and cuts "
        "cross-region contacts; data_circulation pilots relax it.",
        "share",
        source="ai-opinion: seed 003: 要求企业所有数据本地化存储,导致跨国研发合作受阻 — data "
        "localisation blocks cross-border R&D collaboration",
    )
    online_community: Share = _f(
        0.0,
        "Coverage of online communities linking founders across places (hacker houses, "
        "newsletters, technical forums): raise cross-region contacts between places that "
        "both have them.",
        "share",
        source="seed 000: 駭客屋、Substack寫作者、X平台上的技術討論…這裡沒有明確的產業園邊界 — "
        "online communities without park boundaries",
    )
    relocation_grant: NonNeg = _f(
        0.0,
        "Grant to a firm that moves its seat into the region, per employee it has (firms "
        "relocate between regions, mechanisms.instruments.relocation_*; any grant switches "
        "firm relocation on).",
        "million yuan/employee",
        source="seed 004: 游科互动,当初选择从深圳搬到杭州…予以三年内给予最高100%的房租补贴 — "
        "a firm moved for a subsidy",
    )


class Learning(Model):
    """A government that learns (issue 16; off by default): every ``review_months`` it compares
    the region's foundings and its startups' cash shortages with ``lag_months`` before, and
    moves its levers within a yearly budget."""

    enabled: bool = _f(False, "Whether the region's government revises its levers.")
    review_months: Annotated[int, Field(ge=1, le=120)] = _f(
        12,
        "Months between reviews.",
        "months",
        source="assumed: a yearly programme cycle",
    )
    lag_months: Annotated[int, Field(ge=0, le=120)] = _f(
        6,
        "Months before a review's change takes effect (drafting, approval).",
        "months",
        source="assumed: half a year from review to new rules",
    )
    step: Share = _f(
        0.1,
        "Change of each lever per review.",
        "share",
        source="assumed: small revisions",
    )
    budget: NonNeg = _f(
        0.0,
        "Yearly public budget the revised levers may spend (0 = no limit on spending, levers "
        "only rise while foundings fall).",
        "million yuan/yr",
        source="assumed: set by the scenario",
    )
    demand_weight: Share = _f(
        0.5,
        "Weight of firms' demands (share of startups short of cash) against outcomes.",
        "share",
        source="ai-opinion: seed 003: 企业倒逼了改革 — firms forced reforms",
    )
    demand_threshold: Share = _f(
        0.3,
        "Share of startups short of cash (``short_cash_months``) above which their "
        "demands push for more support.",
        "share",
        source="assumed: when about a third of startups complain",
    )
    short_cash_months: Annotated[float, Field(ge=0.0, le=120.0)] = _f(
        6.0,
        "A startup counts as short of cash (and demands support) when its cash covers fewer "
        "months of salaries than this.",
        "months",
        source="assumed: half a year of runway, the usual point to start raising",
    )


class Region(Model):
    """A district or city: people, space, institutions, capital, culture and policy."""

    area_km2: Annotated[float, Field(ge=0.01, le=2e7)] = _f(
        ..., "Area of the innovation district (a hectare to more than Russia).", "km²"
    )
    population: Annotated[float, Field(ge=1.0, le=1e9)] = _f(
        ...,
        "Knowledge workers in the innovation economy (not all residents; at most a billion).",
        "people",
    )
    under35_share: Share = _f(0.5, "Share of people under 35.", "share")
    skill_mix: dict[str, NonNeg] = _f(
        {"tech": 0.45, "market": 0.3, "capital": 0.05, "design": 0.2},
        "Shares of tech / market / capital / design skills (sum to 1).",
    )
    credential_share: Share = _f(0.2, "Share with elite credentials.", "share")
    state_employment_share: Share = _f(
        0.1, "Share of non-anchor jobs in state-linked organisations.", "share"
    )
    unemployment: Share = _f(0.05, "Initial share of people between jobs.", "share")
    wage: Positive = _f(0.02, "Monthly salary of a knowledge worker.", "million yuan/month")
    office_rent: NonNeg = _f(0.004, "Office cost per desk per month.", "million yuan/desk/month")
    third_places_per_km2: Annotated[float, Field(ge=0.0, le=10_000.0)] = _f(
        20.0, "Cafés, incubators, hacker houses per km².", "1/km²"
    )
    openness: Share = _f(0.5, "Openness and tolerance (M11 attraction).", "share")
    domain_mix: dict[str, NonNeg] = _f({}, "Local industry mix by domain (weights; empty = even).")
    productivity: Positive | None = _f(
        None,
        "Monthly output per worker of incumbent employers at full fit. Empty (the default): "
        "mechanisms.exits.output_per_wage x the region's wage, a global ratio fitted to "
        "output per km2 across places; set it only from an observed figure.",
        "million yuan/month",
    )
    economy_growth: Annotated[float, Field(ge=-0.2, le=0.3)] | None = _f(
        None,
        "Real growth a year of the economy the region sells into: its country's GDP at "
        "constant prices, the mean of the ten years before the run (an observed figure). With "
        "growth on (M19), the demand for the region's firms grows at "
        "mechanisms.growth.demand_elasticity times this. Empty (the default): "
        "mechanisms.growth.market_growth, one rate for every such region.",
        "1/year",
    )
    turnover: Share = _f(
        0.08,
        "Share of workers who leave the district each year, replaced by young newcomers.",
        "1/yr",
    )
    housing_cost: Annotated[float, Field(gt=0.0, le=1000.0)] = _f(
        1.0, "Housing cost relative to an average region (M11).", "x"
    )
    tax_rate: Share = _f(0.2, "Effective tax on income and profits (M11).", "share")
    land_supply: Share = _f(
        0.5, "How freely space can be added (1 = rents do not rise with crowding).", "share"
    )
    supply_chain: Share = _f(
        0.0, "Local hardware supply chain (components, moulds) within reach.", "share"
    )
    initial_firms: NonNeg = _f(1000.0, "Established firms at the start (non-anchor).", "firms")
    initial_listed: NonNeg = _f(0.0, "Listed non-anchor firms at the start.", "firms")
    initial_patent_stock: NonNeg = _f(0.0, "Valid invention patents at the start.", "patents")
    culture: Culture = Field(default_factory=Culture, description="Culture (M3, M9).")
    policy: Policy = Field(default_factory=Policy, description="Policy levers (M10).")
    instruments: Instruments = Field(
        default_factory=Instruments, description="Instruments of the essays (M17)."
    )
    learning: Learning = Field(
        default_factory=Learning, description="A government that revises its levers (M17)."
    )
    universities: list[University] = Field(default_factory=list, description="Universities.")
    facilities: list[Facility] = Field(default_factory=list, description="Science facilities.")
    anchors: list[Anchor] = Field(default_factory=list, description="Anchor firms.")
    investors: list[InvestorPool] = Field(default_factory=list, description="Investor pools.")

    @field_validator("skill_mix")
    @classmethod
    def _skills(cls, v: dict[str, float]) -> dict[str, float]:
        bad = set(v) - set(SKILLS)
        if bad:
            raise ValueError(f"unknown skill(s) {sorted(bad)}; expected keys from {SKILLS}")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"skill shares must sum to 1, got {total:.4g}")
        return v

    @model_validator(mode="after")
    def _institutions_fit(self) -> Region:
        staff = sum(a.employees for a in self.anchors) + sum(f.staff for f in self.facilities)
        if staff > self.population:
            raise ValueError(
                f"population: anchors and facilities employ {staff:.0f} people (employees and "
                f"staff) but the population is only {self.population:.0f}"
            )
        density = self.population / self.area_km2
        if density > MAX_DENSITY:
            raise ValueError(
                f"area_km2: {self.population:,.0f} people on {self.area_km2:g} km² is "
                f"{density:,.0f} per km², more than the {MAX_DENSITY:,.0f} of the densest "
                "business districts; enlarge the area or lower the population"
            )
        for i, u in enumerate(self.universities):
            if u.graduates_per_year > self.population:
                raise ValueError(
                    f"universities.{i}.graduates_per_year: {u.graduates_per_year:,.0f} a year "
                    f"is more than the region's whole population of {self.population:,.0f}"
                )
        return self


class Contacts(Model):
    """M1: random contacts and where they happen."""

    base_rate: Annotated[float, Field(gt=0.0, le=1000.0)] = _f(
        12.0, "Contacts per person-month at reference density.", "1/month"
    )
    reference_density: Positive = _f(5000.0, "People per km² at which base_rate holds.", "1/km²")
    density_elasticity: Elasticity = _f(0.3, "Elasticity of contacts to density.", "elasticity")
    third_place_effect: Annotated[float, Field(ge=0.0, le=1.0)] = _f(
        0.01, "Extra contact rate per third place per km².", "x per 1/km²"
    )
    same_cell_share: Share = _f(0.6, "Share of local contacts in one's own neighbourhood.", "share")
    cell_km: Annotated[float, Field(ge=0.05, le=100.0)] = _f(
        0.5, "Side of a neighbourhood cell.", "km"
    )
    remote_share: Share = _f(0.02, "Share of contacts with people in other regions (M12).", "share")


class Ideas(Model):
    """M2: ideas from complementary contacts and local knowledge."""

    base_probability: Annotated[float, Field(gt=0.0, le=1.0)] = _f(
        0.0000025, "Idea chance per complementary contact with no knowledge stock.", "1/contact"
    )
    same_skill_factor: Share = _f(0.25, "Relative idea chance of same-skill contacts.", "x")
    knowledge_effect: NonNeg = _f(
        0.5, "Weight of the local knowledge field.", "x per unit of field"
    )
    decay_km: Annotated[float, Field(ge=0.01, le=MAX_DISTANCE_KM)] = _f(
        1.0, "Distance at which spillovers fall by 1/e.", "km"
    )
    quality_sd: Annotated[float, Field(gt=0.0, le=2.0)] = _f(
        1.0, "Log-sd of idea quality.", "log-sd"
    )
    knowledge_quality: NonNeg = _k(
        0.25,
        "Idea quality multiplier per unit of local knowledge: quality x (1 + this x knowledge) "
        "(contact ideas, spin-outs, university spin-outs).",
        "1/knowledge",
        "mechanisms/m02_ideas.py:generate_ideas, mechanisms/m07_anchors.py:spinout_ideas, "
        "mechanisms/m08_knowledge.py:universities_month",
    )
    anchor_domain_share: Share = _k(
        0.7,
        "Chance that an anchor or facility employee's contact idea is in the employer's domain "
        "(else drawn from the local knowledge and industry mix).",
        "share",
        "mechanisms/m02_ideas.py:generate_ideas",
    )
    startup_domain_share: Share = _k(
        0.5,
        "Chance that a startup employee's contact idea is in the employer's domain.",
        "share",
        "mechanisms/m02_ideas.py:generate_ideas",
    )
    event_sample: Share = _k(
        0.1,
        "Share of contact ideas recorded in the events table (reporting only: the draw is made "
        "whatever the share, so it changes no other number).",
        "share",
        "engine/params.py:globals_",
    )


class Founding(Model):
    """M3: the founding decision."""

    reward_scale: Positive = _f(
        20.0, "Expected reward of an average idea, in monthly salaries.", "monthly salaries"
    )
    horizon_months: Months = _f(24.0, "Months of salary an employee gives up.", "months")
    temperature: Annotated[float, Field(ge=0.001, le=1000.0)] = _f(
        0.8, "Noise of the decision (logit scale).", "logit scale"
    )
    unemployed_cost_factor: Share = _f(
        0.3, "Opportunity cost of the unemployed vs employed.", "share"
    )
    experience_boost: Annotated[float, Field(ge=0.0, le=10.0)] = _f(
        0.3, "Log-reward boost per past founding (serial founders).", "log-reward per founding"
    )
    cofounder_probability: Share = _f(0.5, "Chance the contact joins as co-founder.", "probability")
    refound_probability: Share = _f(
        0.3,
        "Chance a founder whose startup failed comes back with a new idea (fast fail).",
        "probability",
    )
    founder_savings_months: NonNeg = _f(
        9.0, "Founder's own money, in monthly salaries.", "monthly salaries"
    )
    tolerance_offset: NonNeg = _k(
        0.5,
        "Reward multiplier is (this + the region's failure tolerance): the weight of the "
        "reward at zero tolerance.",
        "x",
        "mechanisms/m03_founding.py:founding_probability",
    )
    risk_offset: NonNeg = _k(
        0.5,
        "Reward multiplier is (this + personal risk appetite): the weight at zero appetite.",
        "x",
        "mechanisms/m03_founding.py:founding_probability",
    )
    credential_stability: NonNeg = _k(
        2.0,
        "Extra weight of a stable job for a credentialed person, per unit of the region's "
        "credential preference (elite involution).",
        "x",
        "mechanisms/m03_founding.py:founding_probability",
    )
    start_rent_months: NonNeg = _k(
        12.0,
        "Months of (subsidised) office rent counted in the cost of starting a firm.",
        "months",
        "mechanisms/m03_founding.py:founding_probability",
    )
    initial_fit: Share = _k(
        0.02,
        "Product-market fit of a new startup.",
        "fit",
        "mechanisms/m03_founding.py:decide_and_found",
    )
    potential_half_quality: Positive = _k(
        2.0,
        "Idea quality at which a startup's potential fit is one half: potential = q / (q + this).",
        "quality",
        "mechanisms/m03_founding.py:decide_and_found",
    )


class Experiments(Model):
    """M4: experiments raise product-market fit."""

    per_person: Annotated[float, Field(gt=0.0, le=100.0)] = _f(
        1.0, "Experiments per team member per month.", "1/month"
    )
    yield_rate: Annotated[float, Field(gt=0.0, le=1.0)] = _f(
        0.06,
        "Fit gained per experiment, as share of the gap to potential.",
        "share of gap per experiment",
    )
    shared_lab_cut: Share = _f(0.5, "Cost cut of experiments at full shared-lab coverage.", "share")
    platform_cut: Share = _f(
        0.4, "Cost cut of experiments at full anchor platform services.", "share"
    )
    open_data_boost: NonNeg = _f(0.5, "Yield boost at full open data (data-driven domains).", "x")
    open_scenario_boost: NonNeg = _f(0.3, "Yield boost at full open scenarios.", "x")
    established_per_person: NonNeg = _k(
        0.3,
        "Experiments per employee per month of an established firm (SME or listed).",
        "1/month",
        "mechanisms/m04_experiments.py:monthly_burn and firm_month",
    )
    reference_ttm: Positive = _k(
        12.0,
        "Time to market at which yield_rate holds; a domain's yield is yield_rate x this / its "
        "time_to_market.",
        "months",
        "mechanisms/m04_experiments.py:firm_month",
    )
    max_yield: Share = _k(
        0.9,
        "Cap on the fit gained per experiment.",
        "share",
        "mechanisms/m04_experiments.py:firm_month",
    )
    fit_noise: NonNeg = _k(
        0.01,
        "Sd of the monthly noise on a firm's fit.",
        "fit",
        "mechanisms/m04_experiments.py:firm_month",
    )
    min_cost_share: Share = _k(
        0.05,
        "Floor of an experiment's cost after every cut, as a share of the domain's base cost.",
        "share",
        "mechanisms/m10_policy.py:experiment_costs",
    )
    open_scenario_revenue: NonNeg = _k(
        0.3,
        "Revenue boost of a young startup at full open scenarios (first buyers).",
        "share",
        "mechanisms/m04_experiments.py:firm_month",
    )
    open_scenario_months: NonNeg = _k(
        24.0,
        "Age below which a startup gets the open-scenario revenue boost.",
        "months",
        "mechanisms/m04_experiments.py:firm_month",
    )


class Capital(Model):
    """M5: rounds, screening and valuations."""

    runway_trigger: Months = _f(6.0, "A startup raises when runway drops below this.", "months")
    pitches: Annotated[int, Field(ge=1, le=20)] = _f(
        3, "Investors pitched per attempt.", "investors per attempt"
    )
    seed_cheque: Positive = _f(3.0, "Seed round size (x capital intensity).", "million yuan")
    early_cheque: Positive = _f(25.0, "Early round size.", "million yuan")
    late_cheque: Positive = _f(150.0, "Late round size.", "million yuan")
    screening_noise: LogSd = _f(0.12, "Noise of investors' read of fit.", "fit sd")
    revenue_multiple: Annotated[float, Field(gt=0.0, le=10_000.0)] = _f(
        60.0, "Valuation in months of revenue.", "months"
    )
    valuation_sd: LogSd = _f(
        0.5, "Log-sd of round valuations (heavy-tailed venture prices).", "log-sd"
    )
    seed_base: NonNeg = _k(
        12.0,
        "Least pre-money of a seed round (x market size), before fit and potential.",
        "million yuan",
        "mechanisms/m05_capital.py:pre_money",
    )
    early_base: NonNeg = _k(
        80.0, "Least pre-money of an early round (x market size).", "million yuan",
        "mechanisms/m05_capital.py:pre_money",
    )  # fmt: skip
    late_base: NonNeg = _k(
        600.0, "Least pre-money of a late round (x market size).", "million yuan",
        "mechanisms/m05_capital.py:pre_money",
    )  # fmt: skip
    valuation_fit_offset: NonNeg = _k(
        0.3, "Valuation multiplier is (this + fit).", "fit", "mechanisms/m05_capital.py:pre_money"
    )
    valuation_potential_offset: NonNeg = _k(
        0.5,
        "Valuation multiplier is (this + potential fit).",
        "fit",
        "mechanisms/m05_capital.py:pre_money",
    )
    down_round_floor: NonNeg = _k(
        0.7,
        "A round never prices a firm below this share of its last post-money.",
        "share",
        "mechanisms/m05_capital.py:pre_money",
    )
    seed_bar: NonNeg = _k(
        0.5,
        "Screening bar on the investor's read of fit for a seed round (before risk appetite).",
        "fit",
        "mechanisms/m05_capital.py:willing",
    )
    later_bar: NonNeg = _k(
        0.55,
        "Screening bar for early and late rounds (before risk appetite).",
        "fit",
        "mechanisms/m05_capital.py:willing",
    )
    bar_scale: NonNeg = _k(
        1.2,
        "Bar multiplier is (this - bar_risk_cut x the investor's risk appetite).",
        "x",
        "mechanisms/m05_capital.py:willing",
    )
    bar_risk_cut: NonNeg = _k(
        0.4,
        "How much risk appetite lowers the bar multiplier.",
        "x",
        "mechanisms/m05_capital.py:willing",
    )
    credential_penalty: NonNeg = _k(
        0.35,
        "Signal lost by a team without elite credentials, per unit of the investor's "
        "credential weight.",
        "fit",
        "mechanisms/m05_capital.py:willing",
    )
    state_bonus: NonNeg = _k(
        0.3,
        "Signal gained by a state-linked firm, per unit of the investor's state preference.",
        "fit",
        "mechanisms/m05_capital.py:willing",
    )
    nonstate_penalty: NonNeg = _k(
        0.2,
        "Signal lost by a private firm, per unit of the investor's state preference.",
        "fit",
        "mechanisms/m05_capital.py:willing",
    )
    raise_interval: NonNeg = _k(
        3.0,
        "Least months between two rounds of a firm.",
        "months",
        "mechanisms/m05_capital.py:raise_rounds",
    )
    cheque_fit_offset: NonNeg = _k(
        0.5, "Cheque multiplier is (this + fit).", "fit", "mechanisms/m05_capital.py:raise_rounds"
    )
    rescue_min_fit: Share = _k(
        0.35,
        "Least fit of a cash-short late-stage firm that a rescue fund will save.",
        "fit",
        "mechanisms/m05_capital.py:raise_rounds",
    )
    hiring_runway_months: Positive = _k(
        12.0,
        "Months of burn a funded startup plans its team for.",
        "months",
        "mechanisms/m05_capital.py:plan_hiring",
    )
    angel_patience: NonNeg = _k(
        48.0,
        "Patience of a founder-turned-angel.",
        "months",
        "mechanisms/m06_lifecycle.py:new_angel",
    )
    angel_seed_weight: Share = _k(
        1.0,
        "Seed-round weight of a founder-turned-angel.",
        "share",
        "mechanisms/m06_lifecycle.py:new_angel",
    )
    angel_early_weight: Share = _k(
        0.6,
        "Early-round weight of a founder-turned-angel.",
        "share",
        "mechanisms/m06_lifecycle.py:new_angel",
    )
    angel_late_weight: Share = _k(
        0.1,
        "Late-round weight of a founder-turned-angel.",
        "share",
        "mechanisms/m06_lifecycle.py:new_angel",
    )
    angel_risk_appetite: Share = _k(
        0.7,
        "Risk appetite of a founder-turned-angel.",
        "share",
        "mechanisms/m06_lifecycle.py:new_angel",
    )
    angel_home_bias: Share = _k(
        0.9,
        "Home bias of a founder-turned-angel.",
        "share",
        "mechanisms/m06_lifecycle.py:new_angel",
    )
    # --- capital by need and traction (issue 15; m05_capital.py:need_and_traction) ---------
    by_traction: bool = _f(
        False,
        "Size rounds by the firm's need (burn x runway) and traction, syndicated within the "
        "investors' cheque limits (off keeps the first edition's stage cheque x capital "
        "intensity).",
        "switch",
        "assumed: issue 15 (capital cannot make a DeepSeek under stage x intensity cheques)",
    )
    runway_seed: Months = _f(
        12.0,
        "Months of burn a seed round is sized for.",
        "months",
        "assumed: the 12-18 months venture advice gives for a seed round",
    )
    runway_early: Months = _f(
        18.0,
        "Months of burn an early round is sized for.",
        "months",
        "assumed: the 18-24 months of runway venture advice gives for a Series A/B",
    )
    runway_late: Months = _f(
        24.0,
        "Months of burn a late round is sized for.",
        "months",
        "assumed: the 18-24 months of runway venture advice gives, at its upper end",
    )
    compute_per_person: NonNeg = _f(
        0.05,
        "Monthly compute spend per employee of a compute-intensive domain (AI) without "
        "traction; it grows with traction (compute_traction_elasticity).",
        "million yuan/person-month",
        "assumed: about 50,000 yuan a month (a few rented GPUs) per employee",
    )
    compute_traction_elasticity: NonNeg = _f(
        1.0,
        "Compute per person grows as traction to this power (scaling a model that works).",
        "elasticity",
        "assumed: at the top traction (3) 0.15 M yuan (about $20,000) a person-month, "
        "a few GPUs' rent for every employee",
    )
    traction_fit_reference: Positive = _f(
        0.5,
        "Fit (or read potential) at which the fit term of traction is 1.",
        "fit",
        "assumed: mid-range fit (funded startups' fit ranges 0-0.8 in the first edition's "
        "Hangzhou)",
    )
    traction_fit_elasticity: NonNeg = _f(
        1.0,
        "Traction grows as (fit / reference) to this power.",
        "elasticity",
        "assumed: traction proportional to fit",
    )
    traction_potential_weight: Share = _f(
        0.5,
        "Before a product shows fit, investors read traction from this share of potential.",
        "share",
        "assumed: a pre-product team (Moonshot at founding) is priced on half its potential",
    )
    traction_revenue_elasticity: NonNeg = _f(
        0.5,
        "Traction grows as (1 + revenue / burn) to this power.",
        "elasticity",
        "assumed: revenue covering the burn raises traction by 40%",
    )
    traction_step_elasticity: NonNeg = _f(
        0.5,
        "Traction grows as the last round's share-price step-up to this power.",
        "elasticity",
        "assumed: a 4x step-up doubles traction",
    )
    traction_step_max: Positive = _f(
        4.0,
        "Largest step-up the traction term counts (and its inverse the smallest).",
        "x",
        "assumed: a step-up beyond 4x counts as 4x",
    )
    traction_min: Positive = _f(
        0.3,
        "Least traction multiplier on a round's need.",
        "x",
        "assumed: a firm without traction still raises about a third of its need",
    )
    traction_max: Positive = _f(
        3.0,
        "Largest traction multiplier on a round's need (the scale-up a hot firm plans).",
        "x",
        "assumed: a hot firm plans to triple its team and compute in a round",
    )
    valuation_traction_elasticity: NonNeg = _f(
        0.266,
        "The pre-money valuation is multiplied by traction (when above 1) to this power.",
        "elasticity",
        source=FITTED + " (searched 0-1.5; assumed 1, valuations stepping up with traction one "
        "for one, before the venture outcomes were fitted: a unicorn of one funded startup in "
        "eighteen)",
    )
    max_dilution: Annotated[float, Field(gt=0.0, lt=1.0)] = _f(
        0.2,
        "Largest share of the firm a round sells: a round is at most "
        "pre-money x this / (1 - this).",
        "share",
        "assumed: a priced round commonly sells about a fifth of the firm",
    )
    cheque_share: Annotated[float, Field(gt=0.0, le=1.0)] = _f(
        0.15,
        "Largest share of an investor's dry powder it puts in one round.",
        "share",
        "assumed: venture funds commonly cap one company at 10-20% of the fund",
    )
    syndicate: Annotated[int, Field(ge=0, le=20)] = _f(
        4,
        "Co-investors a round's lead may bring in to fill the rest of the round.",
        "investors per round",
        "assumed: rounds with a lead and a few followers",
    )
    min_cheque: Positive = _f(
        0.5,
        "Smallest cheque an investor writes.",
        "million yuan",
        "assumed: a small angel cheque (500,000 yuan)",
    )
    plan_team_seed: NonNeg = _f(
        6.0,
        "Least team a seed round is sized for (the firm's own headcount if larger).",
        "people",
        "assumed: a founding team plus its first hires",
    )
    plan_team_early: NonNeg = _f(
        25.0,
        "Least team an early round is sized for.",
        "people",
        "assumed: a Series A/B team of a few dozen",
    )
    plan_team_late: NonNeg = _f(
        80.0,
        "Least team a late round is sized for.",
        "people",
        "assumed: a scale-up of about a hundred people",
    )
    hot_traction: Positive = _f(
        2.8,
        "Traction at which a firm raises to scale although it still has runway.",
        "x",
        "assumed: close to the top traction (3)",
    )
    hot_interval: Months = _f(
        12.0,
        "Least months between two rounds a hot firm raises with runway left.",
        "months",
        "assumed: a hot firm raises about once a year",
    )
    # --- a parent backs its spin-off from its own profits (issue 15 item 6) ---------------
    parent_backing: Share = _f(
        0.0,
        "Monthly chance that a profitable parent (the anchor, SME or listed firm whose "
        "employee founded the startup) puts money from its profits into the startup when it "
        "is short of runway and the parent's own read of its potential clears the investors' "
        "bar; 0 (off) in the first edition and the shipped fit. The money is not a venture "
        "round: no investor, no deal in the venture statistics, the metric parent_backing.",
        "1/month",
        "assumed: no public rate found; the case is DeepSeek, funded by its parent High-Flyer "
        "with no outside money to early 2025 while venture funds declined it (The Information, "
        "2025-02-19, 'DeepSeek weighs raising outside money for first time')",
    )
    parent_bar: Share = _f(
        0.5,
        "Potential a parent requires of its startup before backing it (it knows the founders: "
        "it reads the potential itself, with no screening noise).",
        "potential",
        "assumed: the investors' seed bar for an investor of middling risk appetite (0.5): "
        "seed_bar x (bar_scale - bar_risk_cut x 0.5) = 0.5 x (1.2 - 0.2)",
    )
    parent_profit_share: Share = _f(
        0.1,
        "Most a parent puts into its startup at a time, as a share of the parent's profit over "
        "a year (an SME or listed firm also no more than the cash it has kept).",
        "share of a year's profit",
        "assumed: a tenth of a year's profit; corporate R&D runs at a few per cent of revenue",
    )


class Exits(Model):
    """M6: growth, failure and exits."""

    growth_rate: Share = _f(0.04, "Monthly headcount growth at full fit.", "1/month")
    startup_pay: Share = _f(0.6, "Share of the market salary a startup pays its people.", "share")
    growth_noise: LogSd = _f(
        0.08, "Log-sd of monthly headcount growth (Gibrat).", "log-sd per month"
    )
    plan_from_staff: bool = _f(
        False,
        "A firm's head-count plan grows from the staff it has, not from the plan it could not "
        "fill: a month's growth applies to its head count, and a plan already ahead of the "
        "staff (a round's team still being hired) waits until the staff catch up; shrinking "
        "applies to the plan as before. Off: the first edition's rule, by which an unfilled "
        "plan compounds every month (in the calibrated Hangzhou, seed 0, scale 40, the two "
        "listed firms planned 224,000 people after ten years with 22,000 on staff). On in "
        "the second edition.",
        "switch",
        source="Gibrat's law on realised employment: firm growth rates are measured on the "
        "firm's actual head count (Sutton 1997, 'Gibrat's legacy', Journal of Economic "
        "Literature 35:40-59)",
    )
    revenue_per_employee: Positive = _f(
        0.05, "Monthly revenue per employee at full fit.", "million yuan/month"
    )
    output_per_wage: Annotated[float, Field(gt=0.0, le=100.0)] = _f(
        6.0,
        "Output per worker of established employers at full fit, as a multiple of the "
        "region's monthly wage (a region's productivity when its own is left empty).",
        "x wage",
        source="assumed: the first edition's rule for every preset but Caohejing (6 x the "
        "wage: Caohejing's output per worker, 0.15 million yuan a month from seed 000's "
        "900億元/平方公里, over its wage 0.025); the second edition's joint fit gives 4.35 "
        "(rainforest/data/fitted/mechanisms.toml, docs/calibration.md section 7)",
    )
    ipo_valuation: Positive = _f(3000.0, "Valuation that makes an IPO possible.", "million yuan")
    ipo_probability: Share = _f(0.03, "Monthly IPO chance once eligible.", "1/month")
    ipo_min_revenue: NonNeg = _f(
        0.0,
        "Least yearly revenue for an IPO (0: no revenue test, the first edition's rule). The "
        "second edition (rainforest.scenario.SECOND_EDITION) sets 300: with rounds priced by "
        "traction, a private valuation no longer follows revenue, and a public market lists "
        "on revenue as well as value.",
        "million yuan/year",
        source="Shanghai Stock Exchange (2019, rev. 2020), Rules Governing the Listing of "
        "Stocks on the STAR Market, art. 2.1.2, criterion 4: estimated market value of at "
        "least RMB 3 billion (ipo_valuation) and operating revenue of at least RMB 300 million "
        "in the latest year (english.sse.com.cn/start/listing/overview); the first edition "
        "had no revenue test",
    )
    ipo_min_age: NonNeg = _f(
        0.0,
        "Least age of a firm at its IPO (0: none, the first edition's rule). The second "
        "edition sets 36.",
        "months",
        source="Shanghai Stock Exchange (2019), STAR Market offering requirements: an issuer "
        "in continuous operation for at least 3 years (star.sse.com.cn/en/gettingstarted/"
        "features/offering); the first edition had no age test",
    )
    acquisition_probability: Share = _f(0.02, "Monthly acquisition chance at fit 1.", "1/month")
    unicorn_valuation: Positive = _f(7100.0, "A 'dragon': USD 1bn.", "million yuan")
    mature_months: Months = _f(84.0, "Age at which a surviving startup counts as an SME.", "months")
    disruption_rate: Share = _f(
        0.015,
        "Monthly chance that a startup's market shifts under it (potential and fit fall; a "
        "fifth of that for established firms).",
        "1/month",
    )
    breakeven_fit: Positive = _f(
        0.6, "Fit at which an established firm's margin covers its costs.", "fit"
    )
    specialised_fit: Share = _f(
        0.88,
        "Fit above which an SME of 10-1,000 people counts as specialised (专精特新; fitted to "
        "Caohejing's 78 per km², seed 000).",
        "fit",
    )
    job_finding: Share = _f(0.25, "Monthly chance an unemployed person finds a job.", "1/month")
    retirement_age: Annotated[float, Field(ge=25.0, le=100.0)] = _f(
        60.0, "Age of leaving the workforce.", "years"
    )
    established_disruption: NonNeg = _k(
        0.2,
        "Disruption rate of an established firm relative to a startup's.",
        "x",
        "mechanisms/m04_experiments.py:firm_month",
        "established firms have weathered shifts before: a fifth",
    )
    disruption_hit_min: Share = _k(
        0.2,
        "Least share of potential and fit kept after a disruption (uniform up to "
        "this + disruption_hit_range).",
        "share",
        "mechanisms/m04_experiments.py:firm_month",
    )
    disruption_hit_range: Share = _k(
        0.5,
        "Width of the uniform share of potential and fit kept after a disruption.",
        "share",
        "mechanisms/m04_experiments.py:firm_month",
    )
    revenue_min_fit: Share = _k(
        0.25,
        "Fit above which a startup earns revenue.",
        "fit",
        "mechanisms/m04_experiments.py:firm_month",
    )
    ipo_min_fit: Share = _k(
        0.5, "Least fit for an IPO.", "fit", "mechanisms/m06_lifecycle.py:lifecycle"
    )
    ipo_min_rounds: Annotated[int, Field(ge=0)] = _k(
        2,
        "Least funding rounds before an IPO.",
        "rounds",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    ipo_premium: Positive = _k(
        1.3,
        "Exit value of an IPO over the last valuation.",
        "x",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    acquisition_min_age: NonNeg = _k(
        12.0, "Least age of an acquired startup.", "months", "mechanisms/m06_lifecycle.py:lifecycle"
    )
    acquisition_min_fit: Share = _k(
        0.3,
        "Fit above which a startup can be acquired.",
        "fit",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    acquisition_on_revenue: Share = _f(
        0.0,
        "Weight of what the buyer gets, revenue x revenue_multiple, in the base of an "
        "acquisition's price; the rest is max(last valuation, money raised), the first "
        "edition's base (0). The second edition sets 1: with rounds priced by traction the "
        "last private price no longer floors a sale.",
        "share",
        source="CCIA (2020), 'Irreplaceable Acquisitions: Proposed Platform Legislation and "
        "Venture Capital': of US venture-funded companies exiting Aug 2002-2020Q1, 61% were "
        "acquired and 42% of those at money-losing values (research.ccianet.org); with the "
        "first edition's base, 0.3-5% of the model's acquisitions of funded firms lose money",
    )
    liquidation_preference: Annotated[float, Field(ge=0.0, le=3.0)] = _f(
        0.0,
        "Liquidation preference of venture investors' stock in a sale, as a multiple of the "
        "money each invested: non-participating (an investor takes the larger of it and its "
        "shares' value), paid before the common shares and pari passu when the price does not "
        "cover every preference; a listing converts it. 0: every share is paid alike, the "
        "first edition's rule.",
        "x invested",
        source="Kaplan & Stromberg (2003), 'Financial contracting theory meets the real world: "
        "an empirical analysis of venture capital contracts', Review of Economic Studies "
        "70(2):281-315: venture financings use convertible preferred stock, whose liquidation "
        "rights pay the investor before common holders; 1x non-participating is the usual "
        "term (NVCA model certificate of incorporation); the first edition paid every share "
        "alike",
    )
    acquisition_premium_mu: float = _k(
        0.15,
        "Log-mean of the acquisition price over max(valuation, money raised).",
        "log x",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    acquisition_premium_sd: NonNeg = _k(
        0.6,
        "Log-sd of the acquisition price draw.",
        "log x",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    angel_min_proceeds: NonNeg = _k(
        20.0,
        "Founders' exit proceeds above which they become an angel investor.",
        "million yuan",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    angel_share: Share = _k(
        0.3,
        "Share of founders' exit proceeds a new angel invests (dry powder).",
        "share",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    growth_min_fit: Annotated[float, Field(ge=0.0, lt=1.0)] = _k(
        0.4,
        "Fit above which a firm grows; growth is growth_rate x (fit - this) / (1 - this).",
        "fit",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    growth_runway_months: NonNeg = _k(
        6.0,
        "Months of burn a firm must hold in cash to grow.",
        "months",
        "mechanisms/m06_lifecycle.py:lifecycle",
        "6 x burn",
    )
    established_growth: NonNeg = _k(
        0.1,
        "Growth of an established firm relative to a startup's.",
        "x",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    shrink_max_fit: Share = _k(
        0.2,
        "Fit below which a firm older than its domain's time to market shrinks.",
        "fit",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    shrink_rate: NonNeg = _k(
        0.05, "Monthly log-shrinkage of such a firm's headcount target.", "1/month",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )  # fmt: skip


class Spillovers(Model):
    """M7-M8: anchors, universities, facilities."""

    startup_spinout_rate: Chance = _f(
        0.00005,
        "Monthly spin-out idea chance of an employee of a startup or established firm.",
        "1/person/month",
    )
    breakthrough_knowledge: NonNeg = _f(
        0.5, "Knowledge added by one usable breakthrough.", "field units"
    )
    breakthrough_halflife: Months = _f(60.0, "Half-life of a breakthrough's effect.", "months")
    patent_rate: Chance = _f(
        0.0001, "Monthly invention patents per worker in firms.", "1/person/month"
    )
    patent_life_months: Annotated[float, Field(ge=1.0, le=1200.0)] = _f(
        120.0, "Mean life of a valid patent.", "months"
    )
    spinout_quality: NonNeg = _k(
        1.2,
        "Quality premium of a spin-out idea (insider knowledge of a market).",
        "x",
        "mechanisms/m07_anchors.py:spinout_ideas",
    )
    spinout_same_domain: Share = _k(
        0.8,
        "Chance that a spin-out idea is in the parent's domain.",
        "share",
        "mechanisms/m07_anchors.py:spinout_ideas",
    )
    transfer_gain: Share = _k(
        0.1,
        "Share of the gap to full potential that one technology transfer closes.",
        "share",
        "mechanisms/m08_knowledge.py:tech_transfer",
    )
    transfer_tries: Annotated[int, Field(ge=0, le=10_000)] = _k(
        200,
        "Random firms tried when looking for a licensee (none found: no transfer).",
        "firms",
        "mechanisms/m08_knowledge.py:tech_transfer",
    )
    transfer_same_domain_tries: Annotated[int, Field(ge=0, le=10_000)] = _k(
        100,
        "Of those, the first tries accept only a firm of the technology's domain.",
        "firms",
        "mechanisms/m08_knowledge.py:tech_transfer",
    )
    graduate_age_min: Annotated[int, Field(ge=14, le=60)] = _k(
        23,
        "Youngest age of a new graduate.",
        "years",
        "mechanisms/m08_knowledge.py:universities_month",
    )
    graduate_age_span: Annotated[int, Field(ge=1, le=30)] = _k(
        5,
        "Graduates' ages are uniform over this many whole years from graduate_age_min.",
        "years",
        "mechanisms/m08_knowledge.py:universities_month",
    )
    university_quality_mu: float = _k(
        0.3,
        "Log-mean quality of a university spin-out idea (contact ideas: 0).",
        "log quality",
        "mechanisms/m08_knowledge.py:universities_month",
    )
    breakthrough_transfers: NonNeg = _k(
        2.0,
        "Mean technology transfers to local firms per usable breakthrough.",
        "1/breakthrough",
        "engine/core.py:Engine._facilities",
    )
    breakthrough_spinout_probability: NonNeg = _k(
        0.5,
        "Spin-out ideas per usable breakthrough (a chance at scale 1).",
        "1/breakthrough",
        "engine/core.py:Engine._facilities",
    )
    breakthrough_quality_mu: float = _k(
        0.5,
        "Log-mean quality of a breakthrough's spin-out idea.",
        "log quality",
        "engine/core.py:Engine._facilities",
    )
    breakthrough_quality_sd: NonNeg = _k(
        1.0,
        "Log-sd of the quality of a breakthrough's spin-out idea.",
        "log quality",
        "engine/core.py:Engine._facilities",
    )
    university_patent_scale: Positive = _k(
        100.0,
        "Patents a year at which a university's knowledge strength is sqrt(2) x spillover: "
        "strength = spillover x sqrt(1 + patents / this).",
        "patents/yr",
        "engine/build.py:build_world",
    )
    anchor_staff_scale: Positive = _k(
        10_000.0,
        "Employees at which an anchor's knowledge strength is sqrt(2) x spillover.",
        "people",
        "engine/build.py:build_world",
    )


class Belief(Model):
    """M9: success stories raise the belief that founding pays off."""

    success_impact: NonNeg = _f(
        0.02, "Belief added per success per 10,000 people.", "belief per success per 10,000 people"
    )
    halflife_months: Months = _f(36.0, "Half-life of a success story.", "months")
    colleague_boost: NonNeg = _f(0.5, "Extra belief of the successful firm's people.", "belief")
    acquisition_weight: NonNeg = _k(
        0.05,
        "Weight of an acquisition as a success story (a unicorn or an IPO weighs 1).",
        "successes",
        "mechanisms/m06_lifecycle.py:lifecycle",
    )
    max_belief: Positive = _k(
        2.0, "Cap on a region's belief.", "belief", "mechanisms/m09_belief.py:update_belief"
    )


class Migration(Model):
    """M11: people move between regions by utility."""

    base_rate: Share = _f(0.002, "Monthly chance an employee weighs a move.", "1/month")
    mobile_factor: Annotated[float, Field(ge=0.0, le=100.0)] = _f(
        5.0, "How much more often graduates and failed founders weigh a move.", "x"
    )
    wage_weight: NonNeg = _f(1.0, "Utility weight of log after-tax wage.", "utility per log yuan")
    opportunity_weight: NonNeg = _f(
        1.0,
        "Utility weight of foundings per 1,000 people per year (opportunity).",
        "utility per founding per 1,000 people-year",
    )
    openness_weight: NonNeg = _f(
        1.0, "Utility weight of openness and tolerance.", "utility per index point"
    )
    housing_weight: NonNeg = _f(1.0, "Utility weight of log housing cost.", "utility per log cost")
    distance_km: Annotated[float, Field(ge=0.01, le=MAX_DISTANCE_KM)] = _f(
        500.0, "Distance that costs one unit of utility.", "km"
    )
    moving_cost: NonNeg = _f(1.0, "Utility cost of moving (family ties, inertia).", "utility")
    lag_months: Annotated[int, Field(ge=0, le=24)] = _f(
        2, "Months a mover needs to settle before looking for work.", "months"
    )
    temperature: Annotated[float, Field(ge=0.001, le=1000.0)] = _f(
        0.5, "Noise of the destination choice (logit).", "utility (logit scale)"
    )
    mobile_age: NonNeg = _k(
        28.0,
        "Age below which an unemployed person counts as a mobile graduate.",
        "years",
        "mechanisms/m11_migration.py:migrate",
    )
    opportunity_smoothing: Share = _k(
        0.1,
        "Weight of this month's foundings in the smoothed opportunity term (exponential "
        "smoothing; the rest is last month's value).",
        "share",
        "engine/core.py:Engine.step",
    )


class Rents(Model):
    """M11: rents respond to crowding and capital inflow."""

    density_elasticity: Elasticity = _f(
        1.0, "Elasticity of rent to people in the region.", "elasticity"
    )
    capital_elasticity: Elasticity = _f(
        0.2, "Elasticity of rent to venture investment per person.", "elasticity"
    )
    investment_smoothing: Share = _k(
        0.1,
        "Weight of this month's venture investment in the smoothed investment per person "
        "that rents follow.",
        "share",
        "engine/core.py:Engine.step",
    )


class Connect(Model):
    """M12: hybrid collaboration, large events, cross-region capital, supply chains."""

    hybrid: Share = _f(
        0.0, "Share of collaboration that can be remote (NVIDIA/DeepMind hybrid model).", "share"
    )
    remote_contact_boost: NonNeg = _f(
        0.2, "Extra remote-contact share at full hybrid collaboration.", "share"
    )
    event_months: list[Annotated[int, Field(ge=0, le=11)]] = _f(
        [], "Months of the year with a large GTC-like event (0 = January).", "month of year (0-11)"
    )
    event_boost: Annotated[float, Field(ge=0.0, le=100.0)] = _f(
        5.0, "Remote-contact multiplier in an event month.", "x"
    )
    local_pitch_share: Share = _f(0.9, "Share of pitches made at home without hybrid.", "share")
    investment_distance_km: Annotated[float, Field(gt=0.0, le=MAX_DISTANCE_KM)] = _f(
        1500.0, "Distance at which out-of-region deals fall by 1/e.", "km"
    )
    contact_distance_km: Annotated[float, Field(gt=0.0, le=MAX_DISTANCE_KM)] = _f(
        1000.0, "Distance at which remote contacts fall by 1/e.", "km"
    )
    supply_chain_radius_km: Annotated[float, Field(gt=0.0, le=MAX_DISTANCE_KM)] = _f(
        50.0, "Reach of a supply chain (Shenzhen: 50 km).", "km"
    )
    supply_chain_cut: Share = _f(
        0.5, "Cut in hardware experiment cost at a full supply chain.", "share"
    )
    default_distance_km: Annotated[float, Field(gt=0.0, le=MAX_DISTANCE_KM)] = _f(
        1000.0, "Distance between regions not listed in distances_km.", "km"
    )
    max_remote_share: Share = _k(
        0.9,
        "Cap on the share of remote contacts (hybrid work and events included).",
        "share",
        "engine/core.py:Engine.step",
    )
    hybrid_local_pitch_share: Share = _k(
        0.5,
        "Share of pitches made at home at full hybrid collaboration.",
        "share",
        "engine/core.py:Engine.step",
    )


class Grants(Model):
    """M10: the rules of R&D subsidies and grants, shared by every region (the levels are each
    region's ``policy``)."""

    rd_salary_share: Share = _k(
        0.5,
        "Share of salaries counted as R&D cost in a subsidy claim (experiments count whole).",
        "share",
        "mechanisms/m04_experiments.py:firm_month",
    )
    min_fit: Share = _k(
        0.3,
        "Least fit of a startup eligible for a grant.",
        "fit",
        "mechanisms/m04_experiments.py:firm_month",
    )
    state_bonus: NonNeg = _k(
        1.5,
        "Grant odds multiplier of a state-linked startup is 1 + state_preference x this.",
        "x",
        "mechanisms/m10_policy.py:grant_amount",
    )
    nonstate_cut: NonNeg = _k(
        0.8,
        "Grant odds multiplier of a private startup is 1 - state_preference x this.",
        "x",
        "mechanisms/m10_policy.py:grant_amount",
    )
    min_share: Share = _k(
        0.1,
        "Smallest grant as a share of grant_max (grants are uniform from this to 1).",
        "share",
        "mechanisms/m10_policy.py:grant_amount",
    )


class Labour(Model):
    """M6: the labour market's search and the newcomers who keep a region's workforce."""

    poach_tries: Annotated[int, Field(ge=0, le=1000)] = _k(
        8,
        "People a hiring firm approaches per poaching search.",
        "people",
        "mechanisms/m06_lifecycle.py:hire_and_match",
    )
    poach_max_misses: Annotated[int, Field(ge=1, le=1000)] = _k(
        3,
        "Fruitless poaching searches after which a firm stops hiring for the month.",
        "searches",
        "mechanisms/m06_lifecycle.py:hire_and_match",
    )
    poach_accept: Share = _f(
        1.0,
        "Chance that an employed person whom a firm below its head-count target approaches "
        "takes the offer (on-the-job search: most offers are turned down). 1, the first "
        "edition's rule, moves 10-30% of the employed between firms a month in the presets' "
        "reported years, where data put job-to-job moves at about 2% a month (the "
        "job_changes metric; docs/calibration.md section 9).",
        "share",
        source="assumed: first edition (every approached worker accepts); the target for "
        "fitting it: Fallick & Fleischman (2004), Federal Reserve FEDS 2004-34, 'Employer-to-"
        "employer flows in the U.S. labor market': about 2% of prime-aged workers change "
        "employers each month; Bjelland, Fallick, Haltiwanger & McEntarfer (2007), FEDS "
        "2007-30: about 4% of employment a quarter",
    )
    job_ladder: bool = _f(
        False,
        "Job ladder: an employed person takes a poaching offer only from a firm with a better "
        "product-market fit than the current employer's (workers move up, to more productive "
        "firms). Off: the first edition's rule (any approached worker may accept); on in the "
        "second edition (docs/calibration.md section 10).",
        "switch",
        source="Haltiwanger, Hyatt & McEntarfer (2018), 'Who moves up the job ladder?', "
        "Journal of Labor Economics 36(S1): job-to-job moves go on net from less to more "
        "productive firms; Burdett & Mortensen (1998), International Economic Review 39:257",
    )
    matching: bool = _f(
        False,
        "Search and matching: each month a region's open jobs meet its job seekers through a "
        "matching function, contacts = matching_efficiency x S^a x V^(1-a) (S the unemployed "
        "plus employed_search x the employed, V the firms' open jobs, a matching_elasticity), "
        "so some people stay unemployed while jobs stay open, and job-to-job moves are a "
        "share of the employed who search rather than the chains of whichever firms are short "
        "of staff. With job_ladder on, a contact with an employed person becomes a move only "
        "up the ladder; poach_tries, poach_max_misses and poach_accept are not used. Off: the "
        "first edition's rule (firms fill their openings at once from the unemployed, then by "
        "poaching).",
        "switch",
        source="Pissarides (2000), Equilibrium Unemployment Theory, 2nd ed., MIT Press, ch. 1 "
        "and 4 (the matching function, with on-the-job search); Petrongolo & Pissarides "
        "(2001), Journal of Economic Literature 39(2):390-431",
    )
    matching_efficiency: Positive = _f(
        0.45,
        "Scale of the matching function: the share of job seekers who meet an open job in a "
        "month when there is one open job per seeker.",
        "1/month",
        source="public: Shimer (2005), American Economic Review 95(1):25-49: the US monthly "
        "job-finding probability averaged 0.45 (1951-2003); taken at one opening per seeker",
    )
    matching_elasticity: Annotated[float, Field(gt=0.0, lt=1.0)] = _f(
        0.5,
        "Elasticity of contacts with respect to the job seekers (that with respect to the "
        "open jobs is one minus this): constant returns, so per-capita flows do not depend on "
        "the population scale.",
        "x",
        source="public: Petrongolo & Pissarides (2001), Journal of Economic Literature "
        "39(2):390-431: estimates of the elasticity on unemployment fall in 0.5-0.7, with "
        "constant returns to scale",
    )
    employed_search: Share = _f(
        0.08,
        "Search intensity of an employed person relative to an unemployed one: the employed "
        "count as this many job seekers each in the matching function.",
        "x",
        source="assumed: on-the-job search (Pissarides 1994, Review of Economic Studies "
        "61(3):457-475), set so that the job-to-job moves of the calibrated second edition "
        "come near the data's 2% a month (Fallick & Fleischman 2004, FEDS 2004-34); "
        "docs/calibration.md section 26",
    )
    joiner_appeal: Share = _f(
        0.0,
        "With matching and the job ladder: an employed person whom a startup's opening meets "
        "joins it even where the ladder says no (the startup's fit is not above the "
        "employer's) with chance this x the person's risk appetite (the region's culture, "
        "regions.<place>.culture.risk_appetite): people join young firms for a stake and the "
        "work, not only for the firm's standing. 0: the ladder alone.",
        "share",
        source="assumed: 0 until fitted; Roach & Sauermann (2015), Management Science "
        "61(9):2160-2184: 46% of 4,200 US STEM PhD candidates wanted to join a startup as an "
        "employee (11% to found one), and joiners resemble founders in their tolerance for "
        "risk",
    )
    entrant_age_min: Annotated[int, Field(ge=14, le=60)] = _k(
        22,
        "Youngest age of a newcomer who fills the workforce.",
        "years",
        "engine/bookkeeping.py:add_entrants",
    )
    entrant_age_span: Annotated[int, Field(ge=1, le=40)] = _k(
        9,
        "Newcomers' ages are uniform over this many whole years from entrant_age_min.",
        "years",
        "engine/bookkeeping.py:add_entrants",
    )


class Initial(Model):
    """The initial state: established firms' sizes, fits, ages and cash; people's ages."""

    firm_size_min: Positive = _k(
        2.0,
        "Scale of the Zipf size draw of established firms: size = floor(this / U^(1/a)).",
        "people",
        "engine/build.py:build_world",
    )
    firm_size_exponent: Positive = _f(
        1.05,
        "Zipf exponent a of established firm sizes.",
        "x",
        source="public: Axtell (2001), Science 293:1818, US firm sizes (Zipf, a = 1.059); "
        "first edition's value, a literal in engine/build.py:build_world",
    )
    firm_size_max: Positive = _k(
        5000.0, "Largest established firm at the start.", "people", "engine/build.py:build_world"
    )
    firm_employment_cap: Share = _k(
        0.7,
        "Most of the employable people established firms may employ at the start (sizes are "
        "scaled down to fit).",
        "share",
        "engine/build.py:build_world",
    )
    firm_fit_low: Share = _k(
        0.6, "Lowest fit of an established firm (uniform).", "fit", "engine/build.py:build_world"
    )
    firm_fit_high: Share = _k(
        0.95, "Highest fit of an established firm.", "fit", "engine/build.py:build_world"
    )
    firm_age_min: Annotated[int, Field(ge=0)] = _k(
        12, "Youngest established firm (uniform integer months).", "months",
        "engine/build.py:build_world",
    )  # fmt: skip
    firm_age_max: Annotated[int, Field(ge=1)] = _k(
        360, "Established firms are younger than this.", "months", "engine/build.py:build_world"
    )
    firm_cash_months: NonNeg = _k(
        12.0,
        "Months of salaries and rent an established firm starts with in the bank.",
        "months",
        "engine/build.py:build_world",
    )
    person_age_min: Positive = _k(
        22.0,
        "Youngest person at the start (the young are uniform from here to 35).",
        "years",
        "engine/build.py:build_world",
    )
    person_age_max: Positive = _k(
        60.0,
        "Oldest person at the start (the others are uniform from 35 to here).",
        "years",
        "engine/build.py:build_world",
    )
    one_to_one_orgs: bool = _f(
        False,
        "At a population scale k > 1, simulate organisations one to one (one row per real "
        "firm, with its real head count for its economics) while people stay a 1/k sample; "
        "off keeps the first edition's 1/k sample of firms, each standing for k real ones, so "
        "rare firm outcomes (unicorns, IPOs) come in lumps of k.",
        "switch",
        "assumed: issue 15 item 5 (rare events one to one); no effect at scale 1",
    )

    @model_validator(mode="after")
    def _ranges(self) -> Initial:
        if not self.firm_fit_low <= self.firm_fit_high:
            raise ValueError("firm_fit_low must not exceed firm_fit_high")
        if not self.firm_age_min < self.firm_age_max:
            raise ValueError("firm_age_min must be below firm_age_max")
        if not self.person_age_min <= 35.0 <= self.person_age_max:
            raise ValueError("person_age_min <= 35 <= person_age_max (35: under35_share)")
        return self


# --- the living network (issue 14; docs/networks.md): ties, knowledge, ideas, spin-offs ---
class TiesParams(Model):
    """Persistent ties (issue 14): encounters by rank, closure, decay unless used."""

    enabled: bool = _f(
        False, "Switch the living network on (off keeps the first edition).", "switch"
    )
    slots: Annotated[int, Field(ge=2, le=64)] = _f(
        16, "Tie slots per person (K); Dunbar-like support cliques are ~15.", "ties"
    )
    attempt_rate: Share = _f(
        0.1,
        "Tie attempts per person-month (assumed: one per 10 person-months, MODEL.md §8).",
        "1/month",
    )
    closure_share: Share = _f(
        0.3,
        "Share of attempts that introduce a friend of a friend (Kossinets & Watts 2006).",
        "share",
    )
    alumni_share: Share = _f(
        0.05,
        "Share of attempts with a member of one's university cohort or alumni group.",
        "share",
    )
    encounter_base: Share = _f(
        0.5,
        "Chance that an attempt becomes an encounter in a cell without venues (assumed).",
        "probability",
    )
    third_place_effect: NonNeg = _f(
        0.05,
        "Hazard of meeting added by each third place (café, meetup space) in the cell.",
        "1/place",
    )
    coworking_effect: NonNeg = _f(
        2.0, "Hazard of meeting added by the share of the cell's people in co-working.", "x"
    )
    campus_effect: NonNeg = _f(
        1.0, "Hazard of meeting added by the share of the cell's people on a campus.", "x"
    )
    new_strength: Share = _f(0.3, "Strength of a new encounter or introduced tie.", "strength 0-1")
    coworker_strength: Share = _f(0.6, "Strength of a stored former co-worker tie.", "strength 0-1")
    cofounder_strength: Share = _f(0.9, "Strength of a co-founder tie.", "strength 0-1")
    alumni_strength: Share = _f(0.3, "Strength of a classmate or alumni tie.", "strength 0-1")
    investor_strength: Share = _f(0.5, "Strength of an investor-founder tie.", "strength 0-1")
    use_gain: Share = _f(0.2, "Strength gained per use: s += gain (1 - s).", "share")
    half_life_months: Positive = _f(
        24.0, "Months for an unused tie to lose half its strength (Burt 2000).", "months"
    )
    drop_below: Share = _f(
        0.02, "Effective strength below which a tie is forgotten.", "strength 0-1"
    )
    coworkers_kept: Annotated[int, Field(ge=0, le=16)] = _f(
        3, "Co-worker ties stored when a person leaves an employer.", "ties"
    )
    coworker_use_share: Share = _f(
        0.5,
        "Share of an employee's tie uses that go to a co-worker (implicit tie).",
        "share",
    )
    portfolio_ties: Annotated[int, Field(ge=0, le=16)] = _f(
        2,
        "Founders of other firms in the same investor's portfolio that the founder of a firm "
        "funded last month is tied to (INVESTOR ties, strength investor_strength); VCs broker "
        "ties among their portfolio firms (Lindsey 2008).",
        "ties",
        source="assumed: a few introductions a round; Lindsey (2008), Journal of Finance "
        "63:1137, finds alliances far likelier among firms sharing a venture capitalist",
    )
    alumni_cohort_years: Annotated[int, Field(ge=1, le=50)] = _f(
        4,
        "Graduation years of one university pooled into one alumni group: the classmates and "
        "near-classmates an alumni attempt (alumni_share) draws from.",
        "years",
        source="assumed: the years of a bachelor's course, whose students overlap on campus; "
        "Marmaros & Sacerdote (2006), QJE 121:79, find ties concentrated within a class year",
    )


class KnowledgeParams(Model):
    """Knowledge vectors (issue 14): learning on the job and through ties."""

    enabled: bool = _f(
        False, "Switch knowledge vectors on (off keeps the first edition).", "switch"
    )
    classes: Annotated[int, Field(ge=2, le=16)] = _f(
        8, "Technology classes in a knowledge vector (the kernels use 8).", "classes"
    )
    eta: Share = _f(
        0.05,
        "Monthly share of the gap to the employer's knowledge closed by a new hire "
        "(assumed; learning-curve literature, Argote & Epple 1990).",
        "1/month",
    )
    tenure_months: Positive = _f(
        24.0, "Tenure at which the learning rate has halved (learning curve).", "months"
    )
    quality_effect: NonNeg = _f(
        0.5,
        "Log-increase of the learning rate per standard deviation of employer quality.",
        "log per sd",
    )
    tie_rate: Share = _f(
        0.05,
        "Share of a partner's extra knowledge learned per use of a full-strength tie.",
        "share per use",
    )
    initial_depth: Positive = _f(
        1.0, "Mean norm of a newcomer's knowledge vector (units of the class scale).", "x"
    )
    employer_weight: NonNeg = _f(
        1.0,
        "Weight of the employer's domain in a newcomer's knowledge mix, against a Dirichlet(1) "
        "mix of weight 1 (assumed: people are hired for what the firm does).",
        "x",
    )
    firm_knowhow: NonNeg = _f(
        1.0,
        "Weight, per employee, of a firm's own know-how in what its people learn on the job: "
        "the firm's potential θ times knowhow_depth in its domain's class, beside its people's "
        "mean; organisations without a potential (θ = 0: incumbents, state firms, "
        "universities) have none (assumed; Klepper 2007: spin-offs inherit their parents' "
        "capabilities through what employees learned there).",
        "x per person",
    )
    knowhow_depth: NonNeg = _f(
        2.0,
        "Depth, in units of initial_depth, of a firm of potential 1's know-how (assumed).",
        "x",
    )
    field_weight: NonNeg = _f(
        1.0,
        "Weight of the local knowledge field's domain mix (universities, labs, anchors nearby) "
        "in a newcomer's knowledge mix: graduates carry their place's research mix (assumed).",
        "x",
    )
    graduate_share: Share = _f(
        0.5,
        "Share of a graduate's starting knowledge vector taken from their university's vector "
        "(research mix and depth); the rest is their own seeded mix.",
        "share",
        source="assumed: half of what a new graduate knows comes from their courses; Jaffe "
        "(1989), AER 79:957, on university research spilling over locally",
    )
    university_patent_depth: NonNeg = _f(
        0.25,
        "Rise of a university's knowledge depth (in units of initial_depth) per unit of "
        "ln(1 + patents a year / spillovers.university_patent_scale): research that patents "
        "more knows more.",
        "x per log-patents",
        source="assumed: a university granting 3,000 patents a year knows about twice as much "
        "of its fields as one granting none",
    )
    facility_depth: NonNeg = _f(
        1.0,
        "Depth, in units of initial_depth, of a science facility's knowledge of its domain's "
        "class before any breakthrough.",
        "x",
        source="assumed: a lab knows its one field as deeply as a newcomer knows all classes",
    )
    breakthrough_gain: NonNeg = _f(
        0.1,
        "Relative rise of a facility's knowledge depth per breakthrough known in house "
        "(pending ones, in the valley of death, and the decaying stock of matured ones).",
        "1/breakthrough",
        source="assumed: ten breakthroughs double what a lab knows of its field; Zucker, Darby "
        "& Brewer (1998), AER 88:290, on breakthroughs moving with the scientists who made them",
    )
    institution_weight: NonNeg = _f(
        1.0,
        "Weight, per staff member, of a university's or facility's own knowledge vector in "
        "what its staff learn on the job, beside their colleagues' mean (research spillover "
        "through staff, MODEL.md §2).",
        "x per person",
        source="assumed: as much as a firm's own know-how (firm_knowhow)",
    )


class RecombinationParams(Model):
    """Recombinant ideas (issue 14): chance and quality of a combination."""

    enabled: bool = _f(
        False, "Switch recombinant ideas on (off keeps the first edition).", "switch"
    )
    p0: Share = _f(0.059, "Scale of the idea chance per tie use (fitted).", "1/use", source=FITTED)
    distance_penalty: Positive = _f(
        1.0,
        "b in p0 · d · (c − b d): how fast understandability falls with distance "
        "(Nooteboom et al. 2007).",
        "1/distance",
    )
    quality_mean: float = _f(0.0, "Log-mean quality of a familiar combination.", "log")
    quality_sd: Positive = _f(0.5, "Log-sd of quality of a familiar combination.", "log")
    novelty_mean_penalty: NonNeg = _f(
        0.3, "Fall of the log-mean for a never-used combination (Fleming 2001).", "log"
    )
    novelty_sd_gain: NonNeg = _f(
        1.0,
        "Relative rise of the log-sd for a never-used combination (Fleming 2001).",
        "x",
    )
    familiar_uses: Positive = _f(20.0, "Uses at which a combination is half familiar.", "ideas")
    wear: NonNeg = _f(
        0.1, "Fall of the log-mean per log of (1 + uses / familiar_uses): wear-out.", "log"
    )
    max_unpursued: Annotated[int, Field(ge=1, le=255)] = _f(
        15, "Cap of a person's count of ideas not (yet) pursued.", "ideas"
    )


class SpinoffParams(Model):
    """Spin-off hazard of employees (issue 14); replaces per-anchor spin-out rates."""

    enabled: bool = _f(
        False, "Switch people's spin-off hazard on (off keeps spinout_rate).", "switch"
    )
    base_hazard: Share = _f(
        0.000294,
        "Monthly hazard of an average employee of an average firm after long tenure "
        "(the one global rate, fitted).",
        "1/month",
        source=FITTED,
    )
    knowledge_effect: NonNeg = _f(
        1.0, "Log-hazard per unit of knowledge depth above 1.", "log per unit"
    )
    tenure_months: Positive = _f(
        36.0, "Tenure by which 63% of the full hazard is reached.", "months"
    )
    quality_effect: NonNeg = _f(
        0.5,
        "Log-hazard per standard deviation of employer quality (Klepper 2007).",
        "log per sd",
    )
    growth_effect: NonNeg = _f(
        1.0,
        "Log-hazard per unit of the employer's yearly log growth (Agarwal et al. 2004).",
        "log per log-growth",
    )
    decline_effect: NonNeg = _f(
        5.0,
        "Necessity spin-offs: extra hazard, in base hazards, per unit of yearly log "
        "decline of the employer (Eriksson & Kuhn 2006).",
        "base hazards per log-decline",
    )
    idea_effect: NonNeg = _f(
        0.3, "Log-hazard per unpursued idea (Klepper & Sleeper 2005).", "log per idea"
    )
    size_effect: Annotated[float, Field(ge=0.0, le=2.0)] = _f(
        0.0,
        "The small-firm effect: the hazard is multiplied by (employer's head count / "
        "size_reference) to the power -size_effect, so employees of small firms found more "
        "often than those of large ones. 0: the employer's size does not matter.",
        "elasticity",
        source="assumed: off until fitted; Elfenbein, Hamilton & Zenger (2010), 'The small "
        "firm effect and the entrepreneurial spawning of scientists and engineers', "
        "Management Science 56(4):659-681: scientists and engineers in small firms are far "
        "more likely than those in large firms to enter entrepreneurship (about two-thirds "
        "of their US ventures of 1995-2001 came from firms under 100 employees); Sorensen "
        "(2007), Administrative Science Quarterly 52:387",
    )
    size_reference: Annotated[float, Field(ge=1.0, le=1e6)] = _f(
        100.0,
        "Employer head count at which the small-firm effect is neutral (multiplier 1).",
        "people",
        source="assumed: the 100-employee line of Elfenbein, Hamilton & Zenger (2010)",
    )
    size_effect_large: Annotated[float, Field(ge=0.0, le=2.0)] = _f(
        0.0,
        "The small-firm effect's elasticity above size_reference (size_effect applies below "
        "it): 0 leaves employers larger than the reference alike, size_effect continues the "
        "same log-linear decline among them.",
        "elasticity",
        source="assumed: 0, the effect below the reference only: Elfenbein, Hamilton & Zenger "
        "(2010) find the gap between small firms (under 100 employees) and the rest; among "
        "large employers, who spawns more is carried by the hazard's quality and growth "
        "terms (Gompers, Lerner & Scharfstein 2005, Journal of Finance 60:577), and a large "
        "anchor's spin-offs are what anchor-led districts rest on (seed 001: 飞利浦不断分拆出"
        "新的科技企业)",
    )
    max_hazard: Share = _f(0.02, "Cap of the monthly hazard (and the thinning rate).", "1/month")
    stay_nearby: Share = _f(
        0.8,
        "Chance that a spin-off starts in its parent's cell (else elsewhere in the region).",
        "probability",
    )
    cofounder_from_ties: bool = _f(
        False,
        "Draw a spin-off's possible co-founder among the founder's ties by strength "
        "(co-workers, former co-workers, classmates, remote ties, encounters) instead of "
        "among the parent's employees; off keeps the co-worker draw the shipped fit used.",
        "switch",
        source="assumed: founding teams form through the founders' existing strong ties "
        "(Ruef, Aldrich & Carter 2003, American Sociological Review 68(2)); off until a re-fit",
    )


class InstrumentParams(Model):
    """How the instruments of ``regions.*.instruments`` act and what they cost (M17)."""

    accounting: bool = _f(
        True,
        "Report public spending by instrument (the public_* metrics); false leaves them at 0.",
        "switch",
        source="assumed: always on; off only to switch M17 off entirely",
    )

    model_community_cut: Share = _f(
        0.5,
        "Cut of AI/compute experiment cost at full model-community coverage.",
        "share",
        source="seed 002: 极大降低了研发成本与周期 — greatly cut R&D cost and time; half assumed",
    )
    self_driving_cut: Share = _f(
        0.5,
        "Cut of hardware and biomedical experiment cost at full self-driving-lab coverage.",
        "share",
        source="assumed: far below the 200x efficiency seed 001 quotes from a forecast",
    )
    office_months: Annotated[float, Field(ge=0.0, le=1200.0)] = _f(
        36.0,
        "Age until which a startup keeps its near-free office.",
        "months",
        source="seed 004: 三年内给予最高100%的房租补贴 — rent waived for up to three years",
    )
    housing_allowance: NonNeg = _f(
        0.003,
        "Public cost of housing one startup employee in a talent apartment (and the cash the "
        "startup saves).",
        "million yuan/person/month",
        source="assumed: half of a 6,000-yuan monthly rent",
    )
    housing_relief: Share = _f(
        0.5,
        "Cut of the housing cost people weigh (M11) at full apartment coverage.",
        "share",
        source="assumed: half of the rent",
    )
    prea_max_age: Annotated[float, Field(ge=0.0, le=1200.0)] = _f(
        36.0, "Oldest startup a Pre-A cheque goes to.", "months", source="assumed: three years"
    )
    prea_min_fit: Share = _f(
        0.3, "Least product fit for a Pre-A cheque.", "fit", source="assumed: some traction"
    )
    relay_cheque: NonNeg = _f(
        50.0,
        "Size of one relay round.",
        "million yuan",
        source="assumed: a tenth of the 500 million yuan Pudong Venture put into MetaX (seed 002)",
    )
    relay_min_rounds: Annotated[int, Field(ge=0, le=20)] = _f(
        2,
        "Rounds a startup must have raised to be eligible for relay (mid and late stage).",
        "rounds",
        source="seed 002: 对于进入中后期的AI创业公司 — startups in their middle and late stages",
    )
    relay_runway_months: Positive = _f(
        3.0,
        "Cash below this many months of burn makes a late-stage startup eligible for relay.",
        "months",
        source="assumed: the last quarter before running dry",
    )
    loan_guarantee_share: Share = _f(
        0.5,
        "Share of a failed borrower's loan that the public guarantee pays.",
        "share",
        source="assumed: half, as risk-sharing funds for IP-backed loans usually split",
    )
    power_share: Share = _f(
        0.3,
        "Share of electricity in the cost of a compute-intensive experiment.",
        "share",
        source="assumed: power is a large part of training cost",
    )
    task_force_half_staff: Positive = _f(
        10.0,
        "Task-force officials that halve subsidy latency and registration time.",
        "people",
        source="assumed: a small team with liaisons for the main firms",
    )
    founder_services_cut: Share = _f(
        0.5,
        "Cut of registration time at full coverage of legal and accounting services.",
        "share",
        source="assumed: half",
    )
    founder_services_cost: NonNeg = _f(
        0.02,
        "Public cost of legal and accounting services per startup founded.",
        "million yuan/firm",
        source="assumed: 20,000 yuan of professional fees",
    )
    recruit_cost: NonNeg = _f(
        1.0,
        "Public cost of recruiting one founder from abroad.",
        "million yuan/person",
        source="assumed: a relocation grant, far below 2000万元 programme ceilings (seed 004)",
    )
    data_cost: NonNeg = _f(
        20.0,
        "Yearly public cost of running data pilots at full coverage.",
        "million yuan/yr",
        source="assumed: a platform team and data-governance staff",
    )
    rent_cycle_years: Annotated[float, Field(gt=0.0, le=100.0)] = _f(
        8.0,
        "Period of the office vacancy and rent cycle.",
        "years",
        source="assumed: a typical commercial property cycle",
    )
    # --- issue 16's four further instruments (mechanisms/m17_more.py) ---
    patent_filing_cost: Positive = _f(
        0.03,
        "Cost to a firm of filing and keeping one low-value patent (agent, fees).",
        "million yuan/patent",
        source="assumed: about 30,000 yuan of agent and official fees for an invention patent",
    )
    patent_subsidy_response: NonNeg = _f(
        1.0,
        "Extra low-value patents a firm files per patent it would file anyway, when the "
        "subsidy equals the filing cost (linear in subsidy / cost up to patent_subsidy_cap).",
        "patents/patent",
        source="assumed: subsidies by count roughly double filings (subsidy-driven 'junk "
        "patents' as seed 003 implies)",
    )
    patent_subsidy_cap: NonNeg = _f(
        3.0,
        "Most subsidy / filing-cost ratio firms respond to (filing capacity is limited).",
        "x",
        source="assumed: at most four times the filings without a subsidy",
    )
    case_cheque: Positive = _f(
        10.0,
        "Cheque of one case-by-case support decision.",
        "million yuan",
        source="seed 004: 向初创企业提供最高2000万元资助 — grants up to 20 million yuan; half "
        "assumed",
    )
    case_latency_months: Annotated[int, Field(ge=0, le=24)] = _f(
        3,
        "Months from a case's assessment to the payment (officials study each case).",
        "months",
        source="assumed: a quarter for a custom decision",
    )
    case_service_cost: NonNeg = _f(
        0.05,
        "Officials' cost of assessing one case.",
        "million yuan/case",
        source="assumed: some weeks of an official's and experts' time",
    )
    case_assessment_noise: NonNeg = _f(
        0.15,
        "Standard deviation of officials' error when they assess a startup's product fit.",
        "fit",
        source="assumed: officials judge fit roughly, as an investor does",
    )
    case_max_age: Annotated[float, Field(ge=0.0, le=1200.0)] = _f(
        60.0,
        "Oldest startup that case-by-case support considers.",
        "months",
        source="assumed: five years",
    )
    data_rules_cost: NonNeg = _f(
        0.5,
        "Extra experiment cost of a fully data-dependent domain (DomainP.data = 1) under the "
        "strictest data rules (local storage, compliance reviews).",
        "share",
        source="assumed: half again, as training on local data only costs more data work",
    )
    data_rules_contact_cut: Share = _f(
        0.5,
        "Cut of cross-region contacts to or from a place with the strictest data rules.",
        "share",
        source="ai-opinion: seed 003: 导致跨国研发合作受阻 — collaboration blocked; half assumed",
    )
    community_boost: NonNeg = _f(
        1.0,
        "Rise of cross-region contacts between two places fully covered by online communities "
        "(x (1 + boost c_r c_q)).",
        "share",
        source="assumed: doubles them, as seed 000's Cerebral Valley rests on online forums",
    )
    firm_migration: bool = _f(
        False,
        "Whether firms weigh moving between regions (switched on also by any region's "
        "relocation_grant); off keeps the first edition's firms where they were founded.",
        "switch",
        source="seed 004: 游科互动,当初选择从深圳搬到杭州 — firms move between cities",
    )
    relocation_rate: Chance = _f(
        0.01,
        "Monthly chance that a startup or SME weighs moving its seat.",
        "1/month",
        source="assumed: a firm reviews its location about every eight years (lease terms)",
    )
    relocation_horizon_months: NonNeg = _f(
        36.0,
        "Months over which a firm weighs the difference in its burn (wages, rent net of "
        "subsidy, experiments net of R&D subsidy) between regions.",
        "months",
        source="seed 004: 三年内给予最高100%的房租补贴 — three years of rent",
    )
    relocation_capital_weight: NonNeg = _f(
        1.0,
        "Months of burn a firm values a region with e times the venture money per person.",
        "months",
        source="assumed: a month's burn per e-fold (M12 already lets capital reach across "
        "regions, so moving to it is worth little)",
    )
    relocation_market_weight: NonNeg = _f(
        1.0,
        "Months of burn a firm values a region with e times the local demand for its domain.",
        "months",
        source="assumed: as capital",
    )
    relocation_moving_cost: NonNeg = _f(
        3.0,
        "Cost of moving, in months of the firm's burn (paid from its cash).",
        "months",
        source="assumed: a quarter lost to moving and rehiring",
    )
    relocation_threshold: NonNeg = _f(
        12.0,
        "Gain, net of the moving cost, a firm needs before it moves (inertia, ties).",
        "months",
        source="assumed: a year of burn (firms rarely move: staff, clients and ties stay)",
    )
    relocation_staff_share: Share = _f(
        0.7,
        "Share of a moving firm's employees who move with it (the rest are let go and the "
        "firm rehires); founders always move.",
        "share",
        source="assumed: most of a small team follows",
    )


class TieBeliefParams(Model):
    """Belief through ties (issue 14 item 5, M18): a tie's success raises a person's belief
    that founding pays, a tie's failure lowers it (damped by failure tolerance)."""

    enabled: bool = _f(
        False,
        "Switch belief through ties on: the founding decision reads each person's belief "
        "(culture baseline plus what their ties' firms did) instead of the region's single "
        "number; needs the living network's ties (mechanisms.ties.enabled).",
        "switch",
    )
    round_gain: NonNeg = _f(
        0.02,
        "Belief a person gains when a tied person's firm raises a funding round, at full tie "
        "strength.",
        "belief per tie",
        source="assumed: a tenth of an exit's gain; to be fitted (issue 15)",
    )
    exit_gain: NonNeg = _f(
        0.1,
        "Belief a person gains when a tied person's firm exits by IPO or acquisition, at full "
        "tie strength (role models: Bosma et al. 2012; Lerner & Malmendier 2013).",
        "belief per tie",
        source="assumed: a fifth of M9's colleague_boost (a tie is further than a colleague)",
    )
    failure_loss: NonNeg = _f(
        0.1,
        "Belief a person loses when a tied person's firm fails, at full tie strength and zero "
        "failure tolerance.",
        "belief per tie",
        source="assumed: symmetric with exit_gain; to be fitted (issue 15)",
    )
    tolerance_damping: Share = _f(
        1.0,
        "How much the region's failure tolerance damps the loss: loss x (1 - damping x "
        "tolerance); 1 means a fully tolerant culture shrugs failures off.",
        "share",
        source="assumed: MODEL.md section 5 (the fall damped by failure tolerance)",
    )


class GrowthParams(Model):
    """Growth from inside (issue 14 item 6, M19): firms' productivity grows with what their
    people know and with their fit."""

    enabled: bool = _f(
        False,
        "Switch productivity growth from knowledge on (needs "
        "mechanisms.knowledge_vectors.enabled).",
        "switch",
    )
    rate_per_year: Annotated[float, Field(ge=0.0, le=0.5)] = _f(
        0.02,
        "Yearly log growth of a firm's productivity when its people's mean knowledge depth "
        "equals the initial depth and its fit is 1; growth scales with both.",
        "1/year",
        source="assumed: order of measured TFP growth of Chinese manufacturing firms, "
        "about 2-3%/year (Brandt, Van Biesebroeck & Zhang 2012); to be fitted",
    )
    knowledge_elasticity: NonNeg = _f(
        1.0,
        "Elasticity of productivity growth with respect to the firm's knowledge depth "
        "relative to the initial depth.",
        "elasticity",
        source="assumed: proportional (Griliches 1979 knowledge-capital form)",
    )
    market_growth: Annotated[float, Field(ge=-0.2, le=0.5)] = _f(
        0.0702,
        "Yearly growth of demand in a region whose economy_growth is empty (MODEL.md section "
        "6: demand grows with the market): its established employers' output per worker rises "
        "at this rate in reported months, when growth is on, and so do the domains' market "
        "sizes (at the people-weighted mean of the regions' rates).",
        "1/year",
        source=FITTED + " (searched 0-0.12; 0.119, at the bound, before wages followed demand; "
        "0.104 in the five-year fit before the venture outcomes were fitted)",
    )
    demand_elasticity: Annotated[float, Field(ge=0.0, le=5.0)] = _f(
        1.0,
        "Yearly growth of the demand for a region's firms per unit of the real growth of the "
        "economy it sells into (regions.*.economy_growth): 1, demand grows with its economy; "
        "above 1, the district's products gain on the rest of its economy (demand for "
        "high-tech goods and services grows faster than income).",
        "elasticity",
        source="assumed: demand grows with national income (unit income elasticity); to be "
        "fitted to places' output growth (issue 15)",
    )
    demand_headroom: NonNeg = _f(
        0.0,
        "Head count the demand for a region's firms can employ, as a multiple of its firms' "
        "head count in the first reported month, rising with its demand (M19): each "
        "firm's growth is multiplied by the room left, 1 - head count / that capacity "
        "(logistic), so a region's firms cannot outgrow what their markets buy. 0: no limit "
        "(the first edition's rule; needs growth on).",
        "x",
        source="assumed: off until fitted (issue 15, docs/calibration.md section 12); young "
        "firms grow slowly because their demand must be built: Foster, Haltiwanger & "
        "Syverson (2016), 'The slow growth of new plants: learning about demand?', "
        "Economica 83:91-129",
    )
    wage_follows_demand: Share = _f(
        1.0,
        "Share of demand growth that wages (the district's and the outside pool's) follow: "
        "with 1 wages rise with output per worker, so margins and the labour share stay "
        "where they were; with 0 demand grows while costs stand still, so every firm's "
        "margin widens year after year.",
        "share",
        source="Kaldor (1961), 'Capital accumulation and economic growth', in Lutz & Hague "
        "(eds.), The Theory of Capital, stylised facts: real wages grow with output per "
        "worker and the labour share is roughly constant",
    )


class OutsidePoolParams(Model):
    """A district's exchange with the rest of the country (issue 14 item 6, M19): people move
    in and out by M11's utility, so success attracts people and decline loses them."""

    enabled: bool = _f(False, "Switch the exchange with an outside pool of people on.", "switch")
    pool_ratio: NonNeg = _f(
        1.0,
        "Mobile people in the outside pool facing the district, per person the district had "
        "at the start (1: flows balance when utilities are equal).",
        "people per person",
        source="assumed: balanced exchange at equal utility",
    )
    opportunity: NonNeg = _f(
        1.0,
        "Foundings per 1,000 people per year outside (the pool's opportunity term).",
        "foundings per 1,000 people-year",
        source="assumed: order of China's new private firms per 1,000 people a year "
        "outside the hubs; to be replaced by data",
    )
    openness: Share = _f(0.5, "Openness and tolerance outside.", "index 0-1", source="assumed")
    wage_ratio: Positive = _f(
        0.8,
        "Outside after-tax wage relative to the district's at the start.",
        "ratio",
        source="assumed: hubs pay more than the rest of the country",
    )
    distance_km: Annotated[float, Field(ge=0.0, le=MAX_DISTANCE_KM)] = _f(
        500.0,
        "Distance to the pool in M11's utility (cost distance / migration.distance_km).",
        "km",
        source="assumed: a province away",
    )
    recruit_share: Share = _f(
        0.0,
        "Share of the district's open jobs filled each month by people from outside the "
        "district, who arrive for the job. Open jobs: those its firms planned but could not "
        "fill from its own labour market last month (no one unemployed, no one willing to "
        "move up the job ladder), and those the rest of its economy (the incumbent and state "
        "employers) lost since the first reported month, mostly to firms that hired their "
        "people away. 0 keeps the district's labour force to the utility's flows alone.",
        "1/month",
        source="assumed: off until fitted (issue 15); the mechanism is Blanchard & Katz "
        "(1992), 'Regional evolutions', Brookings Papers on Economic Activity 1992(1):1-75: "
        "a region's employment grows with demand for its firms' labour, mostly through "
        "people moving in, not through lower unemployment",
    )


class FirmArrivalsParams(Model):
    """Firms that move into and out of a district from and to outside it (issue 15, M21):
    relocations and new units of firms based elsewhere, as distinct from foundings and
    failures. They move by a location choice (Carlton 1983; Guimarães, Figueiredo & Woodward
    2003): more movers in a growing economy, a larger share of them where firms already are,
    a smaller one where space is dear."""

    enabled: bool = _f(False, "Switch firms moving in and out of the district on.", "switch")
    rate: Share = _f(
        0.02,
        "Share of a region's SMEs that leave it a year; and SMEs that arrive a year per SME it "
        "had at the first reported month, while its economy and its pull are as then.",
        "1/yr",
        source="public: CBS (Statistics Netherlands) 2013, 'Bedrijven verhuizen vooral binnen "
        "eigen gemeente': 6% of Dutch establishments moved in 2011 and a third of them crossed "
        "a municipal boundary, about 2% a year (a district smaller than a municipality sees "
        "more crossings; fitted where the calibration frees it)",
    )
    agglomeration: NonNeg = _f(
        0.5,
        "Elasticity of the region's share of the moving firms with respect to its firm "
        "stock relative to its economy's, since the first reported month (firms draw firms).",
        "elasticity",
        source="assumed: positive and below 1; agglomeration governs firms' choices away "
        "from home (Figueiredo, Guimarães & Woodward 2002, JUE 52, 'Home-field advantage'; "
        "Guimarães, Figueiredo & Woodward 2000, JUE 47:115), coefficients not found",
    )
    market: NonNeg = _f(
        1.0,
        "Elasticity of the economy's moving firms (and of its firm stock, against which a "
        "region's own is measured) with respect to the demand of the economy the region sells "
        "into since the first reported month (M19's demand index; 1 where growth is off).",
        "elasticity",
        source="assumed: an economy's firms, and its movers, in proportion to its demand "
        "(Carlton 1983, REStat 65:440, finds market size draws new plants)",
    )
    cost: NonNeg = _f(
        0.81,
        "Elasticity of the region's share of the moving firms with respect to its rent "
        "relative to the first reported month (entered with a minus sign: dearer space "
        "repels).",
        "elasticity",
        source="public (read as land cost, unconfirmed): Figueiredo, Guimarães & Woodward "
        "2002, 'Modeling industrial location decisions in U.S. counties' (NIMA WP 18): a 1% "
        "rise gives 0.81% fewer new plants; labour costs -0.46",
    )
    team_mean: Annotated[float, Field(ge=1.0, le=10_000.0)] = _f(
        2.7,
        "Mean real head count of an arriving unit (geometric draw, at least one person); its "
        "people are hired in the district by the labour market.",
        "people",
        source="public: Pellenbarg & Kemper 1999, 'Industrial mobility in the Netherlands' "
        "(University of Groningen): 67,700 firms moved in 1995 with 180,000 jobs, 2.7 a "
        "firm; 'most migrant firms are (very) small'",
    )
    cash_months: NonNeg = _f(
        6.0,
        "Months of its team's wage bill an arriving unit brings as cash.",
        "months",
        source="assumed: an established firm's half-year buffer",
    )


class CampusParams(Model):
    """University patents convert by hazard (issue 14 item 4, M20): the conversion rate
    becomes an output."""

    enabled: bool = _f(
        False,
        "Switch conversion by hazard on: universities' conversion_rate and spinout_share "
        "inputs are set aside.",
        "switch",
    )
    licence_hazard: Share = _f(
        0.002,
        "Monthly chance that a local firm licenses an open patent of a university without a "
        "transfer office (policy 0).",
        "1/month",
        source="assumed: to be fitted to conversion rates (issue 15)",
    )
    tto_effect: NonNeg = _f(
        1.5,
        "Log-hazard (licences and inventors' spin-offs) per unit of the transfer office's "
        "policy index.",
        "log per index point",
        source="assumed: policy 0 to 1 multiplies conversions by about 4.5 (Di Gregorio & "
        "Shane 2003 report start-ups rising several-fold with inventors' royalty share)",
    )
    window_months: Annotated[int, Field(ge=1, le=600)] = _f(
        60,
        "Months after grant during which a patent can still be converted.",
        "months",
        source="assumed: most licences of university patents come within five years",
    )


class Mechanisms(Model):
    """Global mechanism parameters, shared by every region.

    Plug-in mechanisms (:func:`rainforest.mechanisms.register`) add a section named after
    themselves, validated by their own parameter model (defaults when absent)."""

    model_config = ConfigDict(extra="allow", frozen=True, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _plugin_sections(cls, data):
        from rainforest.scenario.plugins import sections

        if not isinstance(data, dict):
            return data
        data = dict(data)
        known = sections()
        for key in data:
            if key not in cls.model_fields and key not in known:
                raise ValueError(
                    f"unknown mechanism section {key!r}; expected one of "
                    f"{', '.join([*cls.model_fields, *known])}"
                )
        for name, model in known.items():
            value = data.get(name, {})
            data[name] = value if isinstance(value, model) else model.model_validate(value)
        return data

    contacts: Contacts = Field(default_factory=Contacts)
    ideas: Ideas = Field(default_factory=Ideas)
    founding: Founding = Field(default_factory=Founding)
    experiments: Experiments = Field(default_factory=Experiments)
    capital: Capital = Field(default_factory=Capital)
    exits: Exits = Field(default_factory=Exits)
    spillovers: Spillovers = Field(default_factory=Spillovers)
    belief: Belief = Field(default_factory=Belief)
    migration: Migration = Field(default_factory=Migration)
    rents: Rents = Field(default_factory=Rents)
    connect: Connect = Field(default_factory=Connect)
    grants: Grants = Field(default_factory=Grants)
    labour: Labour = Field(default_factory=Labour)
    ties: TiesParams = Field(default_factory=TiesParams)
    knowledge_vectors: KnowledgeParams = Field(default_factory=KnowledgeParams)
    recombination: RecombinationParams = Field(default_factory=RecombinationParams)
    people_spinoffs: SpinoffParams = Field(default_factory=SpinoffParams)
    initial: Initial = Field(default_factory=Initial)
    instruments: InstrumentParams = Field(default_factory=InstrumentParams)
    tie_belief: TieBeliefParams = Field(default_factory=TieBeliefParams)
    growth: GrowthParams = Field(default_factory=GrowthParams)
    outside_pool: OutsidePoolParams = Field(default_factory=OutsidePoolParams)
    campus_spinoffs: CampusParams = Field(default_factory=CampusParams)
    firm_arrivals: FirmArrivalsParams = Field(default_factory=FirmArrivalsParams)


class Shock(Model):
    """A scheduled event: an anchor's collapse, a funding winter or a policy change."""

    month: Annotated[int, Field(ge=0, le=1200)] = _f(
        ..., "Month of the shock (0 = start).", "month"
    )
    kind: Literal["anchor_collapse", "funding_winter", "policy_change"] = _f(..., "What happens.")
    region: str = _f(..., "Region it hits.")
    anchor: str = _f("", "Anchor name (anchor_collapse).")
    layoff_share: Share = _f(0.8, "Share of the anchor's staff laid off.")
    capital_cut: Share = _f(0.5, "Share of dry powder frozen for freeze_months (funding_winter).")
    freeze_months: Annotated[int, Field(ge=1, le=600)] = _k(
        24,
        "Months the frozen dry powder stays frozen (funding_winter).",
        "months",
        "engine/core.py:Engine._apply_shocks",
        "two years",
    )
    field: str = _f("", "Policy field to change (policy_change), e.g. 'sandbox'.")
    value: float = _f(0.0, "New value of the policy field (policy_change).")


def default_domains() -> list[Domain]:
    """Six domains named in the seeds, with assumed relative parameters."""
    return [
        Domain(
            name="ai_software",
            market_size=1.5,
            experiment_cost=0.01,
            time_to_market=12,
            data_driven=True,
            compute_intensive=True,
        ),
        Domain(
            name="semiconductors",
            market_size=1.2,
            capital_intensity=4.0,
            experiment_cost=0.1,
            time_to_market=36,
            hardware=True,
        ),
        Domain(
            name="biomedicine",
            market_size=1.2,
            capital_intensity=3.0,
            experiment_cost=0.08,
            time_to_market=48,
            regulated=True,
            data_driven=True,
        ),
        Domain(name="games", market_size=0.8, experiment_cost=0.008, time_to_market=12),
        Domain(
            name="robotics",
            market_size=1.0,
            capital_intensity=2.0,
            experiment_cost=0.04,
            time_to_market=24,
            hardware=True,
        ),
        Domain(
            name="ecommerce",
            market_size=1.0,
            experiment_cost=0.005,
            time_to_market=9,
            data_driven=True,
        ),
    ]


class Scenario(Model):
    """A complete, validated scenario: what a run is a function of (with seed and scale)."""

    name: Label = _f("scenario", "Scenario name.")
    description: Annotated[str, Field(max_length=20_000)] = _f("", "What this scenario represents.")
    years: Annotated[int, Field(ge=1, le=100)] = _f(20, "Default simulated years.", "years")
    warmup_years: Annotated[int, Field(ge=0, le=30)] = _f(
        0,
        "Years simulated before the reported period (build-up from the initial state).",
        "years",
    )
    scale: Annotated[float, Field(ge=1.0, le=1e6)] = _f(
        100.0, "Default real people per simulated person (at least 1).", "people"
    )
    domains: list[Domain] = Field(default_factory=default_domains, min_length=1, max_length=100)
    regions: dict[Name, Region] = Field(..., description="Regions by name.")
    distances_km: dict[str, Annotated[float, Field(ge=0.0, le=MAX_DISTANCE_KM)]] = _f(
        {}, "Distances between regions, keyed 'a|b' (M11-M12).", "km"
    )
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    shocks: list[Shock] = Field(default_factory=list)
    sources: dict[str, str] = _f({}, "Provenance of values: field path -> source.")

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        names = [d.name for d in self.domains]
        if len(set(names)) != len(names):
            raise ValueError(f"domain names must be unique, got {names}")
        if not self.regions:
            raise ValueError("regions: a scenario needs at least one region")
        for rname, r in self.regions.items():
            for key in r.domain_mix:
                if key not in names:
                    raise ValueError(f"regions.{rname}.domain_mix: unknown domain {key!r}")
            for i, u in enumerate(r.universities):
                for key in u.domains:
                    if key not in names:
                        raise ValueError(
                            f"regions.{rname}.universities.{i}.domains: unknown domain {key!r}"
                        )
            sector = r.instruments.sector_domain
            if sector and sector not in names:
                raise ValueError(
                    f"regions.{rname}.instruments.sector_domain: unknown domain {sector!r}; "
                    f"expected one of {names}"
                )
            for coll in ("facilities", "anchors"):
                for i, item in enumerate(getattr(r, coll)):
                    if item.domain not in names:
                        raise ValueError(
                            f"regions.{rname}.{coll}.{i}.domain: unknown domain "
                            f"{item.domain!r}; expected one of {names}"
                        )
        for key in self.distances_km:
            parts = key.split("|")
            if len(parts) != 2 or any(p not in self.regions for p in parts):
                raise ValueError(
                    f"distances_km: key {key!r} must be 'region_a|region_b' with known regions"
                )
        for i, s in enumerate(self.shocks):
            if s.region not in self.regions:
                raise ValueError(f"shocks.{i}.region: unknown region {s.region!r}")
            if s.kind == "policy_change" and s.field not in Policy.model_fields:
                raise ValueError(
                    f"shocks.{i}.field: unknown policy field {s.field!r}; expected one of "
                    f"{sorted(Policy.model_fields)}"
                )
            if s.kind == "policy_change":  # the new value must be valid where it lands
                try:
                    Policy.model_validate({s.field: s.value})
                except ValidationError as err:
                    raise ValueError(
                        f"shocks.{i}.value: {s.value:g} is not a valid policy.{s.field}: "
                        f"{err.errors(include_url=False)[0]['msg']}"
                    ) from None
            if s.kind == "anchor_collapse" and s.anchor not in {
                a.name for a in self.regions[s.region].anchors
            }:
                raise ValueError(
                    f"shocks.{i}.anchor: region {s.region!r} has no anchor {s.anchor!r}"
                )
        return self


def one_to_one(sc: Scenario, scale: float) -> bool:
    """Whether organisations are simulated one to one (``mechanisms.initial.one_to_one_orgs``
    at a population scale above 1; at scale 1 firms are one to one anyway). One home for the
    engine's build and globals and the budget's row estimate."""
    return bool(sc.mechanisms.initial.one_to_one_orgs) and float(scale) > 1.0
