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
    if not v.strip() or len(v) > 80 or v != v.strip() or _NAME_BAD.search(v):
        raise ValueError(
            "a name needs 1 to 80 characters, no leading or trailing spaces and none of "
            '| . [ ] { } < > / \\ " ` or control characters'
        )
    return v


Name = Annotated[str, AfterValidator(_safe_name)]


def _f(default, description: str, unit: str = "", **kw):
    """A field with a description and a unit kept in the JSON schema (shown by the CLI/web)."""
    extra = {"unit": unit} if unit else {}
    return Field(default, description=description, json_schema_extra=extra, **kw)


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
        0.0, "Monthly chance an eligible (fit > 0.3) startup gets a grant.", "1/month"
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
    productivity: Positive = _f(
        0.1, "Monthly output per worker of incumbent employers.", "million yuan/month"
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
        12.0, "Contacts per person-month at reference density (at most 1,000).", "1/month"
    )
    reference_density: Positive = _f(5000.0, "People per km² at which base_rate holds.", "1/km²")
    density_elasticity: Elasticity = _f(0.3, "Elasticity of contacts to density.")
    third_place_effect: Annotated[float, Field(ge=0.0, le=1.0)] = _f(
        0.01, "Extra contact rate per third place per km².", "x per 1/km²"
    )
    same_cell_share: Share = _f(0.6, "Share of local contacts in one's own neighbourhood.")
    cell_km: Annotated[float, Field(ge=0.05, le=100.0)] = _f(
        0.5, "Side of a neighbourhood cell.", "km"
    )
    remote_share: Share = _f(0.02, "Share of contacts with people in other regions (M12).")


class Ideas(Model):
    """M2: ideas from complementary contacts and local knowledge."""

    base_probability: Annotated[float, Field(gt=0.0, le=1.0)] = _f(
        0.0000025, "Idea chance per complementary contact with no knowledge stock.", "1/contact"
    )
    same_skill_factor: Share = _f(0.25, "Relative idea chance of same-skill contacts.")
    knowledge_effect: NonNeg = _f(0.5, "Weight of the local knowledge field.")
    decay_km: Annotated[float, Field(ge=0.01, le=MAX_DISTANCE_KM)] = _f(
        1.0, "Distance at which spillovers fall by 1/e.", "km"
    )
    quality_sd: Annotated[float, Field(gt=0.0, le=2.0)] = _f(1.0, "Log-sd of idea quality.")


class Founding(Model):
    """M3: the founding decision."""

    reward_scale: Positive = _f(20.0, "Expected reward of an average idea, in monthly salaries.")
    horizon_months: Months = _f(24.0, "Months of salary an employee gives up.", "months")
    temperature: Annotated[float, Field(ge=0.001, le=1000.0)] = _f(
        0.8, "Noise of the decision (logit scale)."
    )
    unemployed_cost_factor: Share = _f(0.3, "Opportunity cost of the unemployed vs employed.")
    experience_boost: Annotated[float, Field(ge=0.0, le=10.0)] = _f(
        0.3, "Log-reward boost per past founding (serial founders)."
    )
    cofounder_probability: Share = _f(0.5, "Chance the contact joins as co-founder.")
    refound_probability: Share = _f(
        0.3, "Chance a founder whose startup failed comes back with a new idea (fast fail)."
    )
    founder_savings_months: NonNeg = _f(9.0, "Founder's own money, in monthly salaries.")


class Experiments(Model):
    """M4: experiments raise product-market fit."""

    per_person: Annotated[float, Field(gt=0.0, le=100.0)] = _f(
        1.0, "Experiments per team member per month.", "1/month"
    )
    yield_rate: Annotated[float, Field(gt=0.0, le=1.0)] = _f(
        0.06, "Fit gained per experiment, as share of the gap to potential."
    )
    shared_lab_cut: Share = _f(0.5, "Cost cut of experiments at full shared-lab coverage.")
    platform_cut: Share = _f(0.4, "Cost cut of experiments at full anchor platform services.")
    open_data_boost: NonNeg = _f(0.5, "Yield boost at full open data (data-driven domains).")
    open_scenario_boost: NonNeg = _f(0.3, "Yield boost at full open scenarios.")


class Capital(Model):
    """M5: rounds, screening and valuations."""

    runway_trigger: Months = _f(6.0, "A startup raises when runway drops below this.", "months")
    pitches: Annotated[int, Field(ge=1, le=20)] = _f(3, "Investors pitched per attempt.")
    seed_cheque: Positive = _f(3.0, "Seed round size (x capital intensity).", "million yuan")
    early_cheque: Positive = _f(25.0, "Early round size.", "million yuan")
    late_cheque: Positive = _f(150.0, "Late round size.", "million yuan")
    screening_noise: LogSd = _f(0.12, "Noise of investors' read of fit.")
    revenue_multiple: Annotated[float, Field(gt=0.0, le=10_000.0)] = _f(
        60.0, "Valuation in months of revenue.", "months"
    )
    valuation_sd: LogSd = _f(0.5, "Log-sd of round valuations (heavy-tailed venture prices).")


class Exits(Model):
    """M6: growth, failure and exits."""

    growth_rate: Share = _f(0.04, "Monthly headcount growth at full fit.", "1/month")
    startup_pay: Share = _f(0.6, "Share of the market salary a startup pays its people.")
    growth_noise: LogSd = _f(0.08, "Log-sd of monthly headcount growth (Gibrat).")
    revenue_per_employee: Positive = _f(
        0.05, "Monthly revenue per employee at full fit.", "million yuan/month"
    )
    ipo_valuation: Positive = _f(3000.0, "Valuation that makes an IPO possible.", "million yuan")
    ipo_probability: Share = _f(0.03, "Monthly IPO chance once eligible.")
    acquisition_probability: Share = _f(0.02, "Monthly acquisition chance at fit 1.")
    unicorn_valuation: Positive = _f(7100.0, "A 'dragon': USD 1bn.", "million yuan")
    mature_months: Months = _f(84.0, "Age at which a surviving startup counts as an SME.")
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
    )
    job_finding: Share = _f(0.25, "Monthly chance an unemployed person finds a job.")
    retirement_age: Annotated[float, Field(ge=25.0, le=100.0)] = _f(
        60.0, "Age of leaving the workforce.", "years"
    )


class Spillovers(Model):
    """M7-M8: anchors, universities, facilities."""

    startup_spinout_rate: Chance = _f(
        0.00005,
        "Monthly spin-out idea chance of an employee of a startup or established firm.",
        "1/person/month",
    )
    breakthrough_knowledge: NonNeg = _f(0.5, "Knowledge added by one usable breakthrough.")
    breakthrough_halflife: Months = _f(60.0, "Half-life of a breakthrough's effect.", "months")
    patent_rate: Chance = _f(
        0.0001, "Monthly invention patents per worker in firms.", "1/person/month"
    )
    patent_life_months: Annotated[float, Field(ge=1.0, le=1200.0)] = _f(
        120.0, "Mean life of a valid patent.", "months"
    )


class Belief(Model):
    """M9: success stories raise the belief that founding pays off."""

    success_impact: NonNeg = _f(0.02, "Belief added per success per 10,000 people.")
    halflife_months: Months = _f(36.0, "Half-life of a success story.", "months")
    colleague_boost: NonNeg = _f(0.5, "Extra belief of the successful firm's people.")


class Migration(Model):
    """M11: people move between regions by utility."""

    base_rate: Share = _f(0.002, "Monthly chance an employee weighs a move.", "1/month")
    mobile_factor: Annotated[float, Field(ge=0.0, le=100.0)] = _f(
        5.0, "How much more often graduates and failed founders weigh a move."
    )
    wage_weight: NonNeg = _f(1.0, "Utility weight of log after-tax wage.")
    opportunity_weight: NonNeg = _f(
        1.0, "Utility weight of foundings per 1,000 people per year (opportunity)."
    )
    openness_weight: NonNeg = _f(1.0, "Utility weight of openness and tolerance.")
    housing_weight: NonNeg = _f(1.0, "Utility weight of log housing cost.")
    distance_km: Annotated[float, Field(ge=0.01, le=MAX_DISTANCE_KM)] = _f(
        500.0, "Distance that costs one unit of utility.", "km"
    )
    moving_cost: NonNeg = _f(1.0, "Utility cost of moving (family ties, inertia).")
    lag_months: Annotated[int, Field(ge=0, le=24)] = _f(
        2, "Months a mover needs to settle before looking for work.", "months"
    )
    temperature: Annotated[float, Field(ge=0.001, le=1000.0)] = _f(
        0.5, "Noise of the destination choice (logit)."
    )


class Rents(Model):
    """M11: rents respond to crowding and capital inflow."""

    density_elasticity: Elasticity = _f(1.0, "Elasticity of rent to people in the region.")
    capital_elasticity: Elasticity = _f(0.2, "Elasticity of rent to venture investment per person.")


class Connect(Model):
    """M12: hybrid collaboration, large events, cross-region capital, supply chains."""

    hybrid: Share = _f(
        0.0, "Share of collaboration that can be remote (NVIDIA/DeepMind hybrid model)."
    )
    remote_contact_boost: NonNeg = _f(
        0.2, "Extra remote-contact share at full hybrid collaboration."
    )
    event_months: list[Annotated[int, Field(ge=0, le=11)]] = _f(
        [], "Months of the year with a large GTC-like event (0 = January)."
    )
    event_boost: Annotated[float, Field(ge=0.0, le=100.0)] = _f(
        5.0, "Remote-contact multiplier in an event month."
    )
    local_pitch_share: Share = _f(0.9, "Share of pitches made at home without hybrid.")
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


class Mechanisms(Model):
    """Global mechanism parameters, shared by every region."""

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


class Shock(Model):
    """A scheduled event: an anchor's collapse, a funding winter or a policy change."""

    month: Annotated[int, Field(ge=0, le=1200)] = _f(
        ..., "Month of the shock (0 = start).", "month"
    )
    kind: Literal["anchor_collapse", "funding_winter", "policy_change"] = _f(..., "What happens.")
    region: str = _f(..., "Region it hits.")
    anchor: str = _f("", "Anchor name (anchor_collapse).")
    layoff_share: Share = _f(0.8, "Share of the anchor's staff laid off.")
    capital_cut: Share = _f(0.5, "Share of dry powder frozen for two years (funding_winter).")
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

    name: Name = _f("scenario", "Scenario name.")
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
