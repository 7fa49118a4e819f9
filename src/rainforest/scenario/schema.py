"""Pydantic models of a scenario: the validated, frozen input of every run.

A scenario describes one or more regions (districts or cities) with their people, knowledge
institutions, anchor firms, investors, culture and policy, plus the technology domains and the
global mechanism parameters. Every field carries a unit and a description; presets attach a
source to each value through the top-level ``sources`` table (field path -> citation).

Money is in million yuan (CNY) throughout; US figures are converted at 7.1 CNY per USD
(assumed: 2023-25 average). Time is in months unless a field name says otherwise.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SKILLS = ("tech", "market", "capital", "design")
INVESTOR_KINDS = ("angel", "vc", "cvc", "state", "bank")
STAGES = ("seed", "early", "late")

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNeg = Annotated[float, Field(ge=0.0)]


def _f(default, description: str, unit: str = "", **kw):
    """A field with a description and a unit kept in the JSON schema (shown by the CLI/web)."""
    extra = {"unit": unit} if unit else {}
    return Field(default, description=description, json_schema_extra=extra, **kw)


class Model(BaseModel):
    """Base: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Domain(Model):
    """A technology domain (market) in which ideas, startups and anchors live."""

    name: str = _f(..., "Domain identifier, e.g. 'ai_software'.")
    market_size: Positive = _f(1.0, "Relative size of the addressable market (1 = average).", "x")
    capital_intensity: Positive = _f(
        1.0, "Multiplier on cheque sizes and burn (hardware > software).", "x"
    )
    experiment_cost: Positive = _f(0.02, "Cost of one product experiment.", "million yuan")
    time_to_market: Positive = _f(
        18.0, "Typical months from founding to product-market fit.", "months"
    )
    regulated: bool = _f(False, "Founding needs a regulatory sandbox or liability exemption (M10).")
    data_driven: bool = _f(False, "Experiments gain from open government data (M10).")
    compute_intensive: bool = _f(False, "Experiments can be paid with compute vouchers (M4).")
    hardware: bool = _f(False, "Experiments gain from supply-chain proximity (M12).")


class University(Model):
    """A university: graduates, patents and their conversion into startups (M8)."""

    name: str = _f(..., "Name.")
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

    name: str = _f(..., "Name.")
    domain: str = _f(..., "Domain its breakthroughs feed.")
    breakthroughs_per_year: NonNeg = _f(2.0, "Usable breakthroughs produced.", "1/yr")
    lag_months: NonNeg = _f(60.0, "Months before a breakthrough is usable by firms.", "months")
    spillover: NonNeg = _f(2.0, "Knowledge spillover strength (relative).", "x")
    staff: NonNeg = _f(500.0, "Researchers employed.", "people")


class Anchor(Model):
    """An anchor firm or platform: jobs, demand, spillovers, spin-outs (M7)."""

    name: str = _f(..., "Name.")
    domain: str = _f(..., "Main domain.")
    employees: NonNeg = _f(5000.0, "Local employees.", "people")
    spinout_rate: NonNeg = _f(
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
    productivity: Positive = _f(
        2.0, "Output per employee relative to the region's established employers.", "x"
    )


class InvestorPool(Model):
    """A pool of investors of one kind (M5); each member is an agent."""

    kind: Literal["angel", "vc", "cvc", "state", "bank"] = _f(..., "Investor kind.")
    count: Annotated[int, Field(ge=0)] = _f(10, "Number of investors.", "investors")
    dry_powder: NonNeg = _f(500.0, "Capital available per investor.", "million yuan")
    patience: NonNeg = _f(36.0, "Months the investor will wait for product-market fit.", "months")
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
    risk_appetite_sd: NonNeg = _f(0.15, "Spread of personal risk appetite.")
    credential_preference: Share = _f(
        0.3, "Weight credentialed people put on stable jobs (elite involution)."
    )
    stability_preference: Share = _f(0.3, "Weight everyone puts on a stable salary.")
    belief: Share = _f(0.5, "Baseline belief that founding pays off (M9).")


class Policy(Model):
    """Per-region policy levers (M10)."""

    rd_subsidy_share: Share = _f(0.0, "Share of experiment (R&D) cost refunded.", "share")
    rent_subsidy_share: Share = _f(0.0, "Share of office rent refunded.", "share")
    rent_subsidy_months: NonNeg = _f(0.0, "Months of rent subsidy after founding.", "months")
    talent_subsidy: NonNeg = _f(0.0, "Lump sum per founder at founding.", "million yuan")
    grant_max: NonNeg = _f(0.0, "Largest single grant to a promising startup.", "million yuan")
    grant_rate: Share = _f(
        0.0, "Monthly chance an eligible (fit > 0.3) startup gets a grant.", "1/month"
    )
    service_latency_days: NonNeg = _f(
        60.0, "Days between a subsidy claim and its payment (stamps).", "days"
    )
    registration_days: NonNeg = _f(30.0, "Days to register a firm and get approvals.", "days")
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
    land_price_factor: Positive = _f(1.0, "R&D office rent relative to commercial rent.", "x")
    state_preference: Share = _f(
        0.0, "Bias of grants and space toward state-linked organisations (国家队).", "share"
    )


class Region(Model):
    """A district or city: people, space, institutions, capital, culture and policy."""

    area_km2: Positive = _f(..., "Area of the innovation district.", "km²")
    population: Positive = _f(
        ..., "Knowledge workers in the innovation economy (not all residents).", "people"
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
    third_places_per_km2: NonNeg = _f(20.0, "Cafés, incubators, hacker houses per km².", "1/km²")
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
    housing_cost: Positive = _f(1.0, "Housing cost relative to an average region (M11).", "x")
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
                f"anchors and facilities employ {staff:.0f} people but the population is "
                f"only {self.population:.0f}"
            )
        return self


class Contacts(Model):
    """M1: random contacts and where they happen."""

    base_rate: Positive = _f(12.0, "Contacts per person-month at reference density.", "1/month")
    reference_density: Positive = _f(5000.0, "People per km² at which base_rate holds.", "1/km²")
    density_elasticity: NonNeg = _f(0.3, "Elasticity of contacts to density.", "elasticity")
    third_place_effect: NonNeg = _f(
        0.01, "Extra contact rate per third place per km².", "x per 1/km²"
    )
    same_cell_share: Share = _f(0.6, "Share of local contacts in one's own neighbourhood.", "share")
    cell_km: Positive = _f(0.5, "Side of a neighbourhood cell.", "km")
    remote_share: Share = _f(0.02, "Share of contacts with people in other regions (M12).", "share")


class Ideas(Model):
    """M2: ideas from complementary contacts and local knowledge."""

    base_probability: Positive = _f(
        0.0000025, "Idea chance per complementary contact with no knowledge stock.", "1/contact"
    )
    same_skill_factor: Share = _f(0.25, "Relative idea chance of same-skill contacts.", "x")
    knowledge_effect: NonNeg = _f(
        0.5, "Weight of the local knowledge field.", "x per unit of field"
    )
    decay_km: Positive = _f(1.0, "Distance at which spillovers fall by 1/e.", "km")
    quality_sd: Positive = _f(1.0, "Log-sd of idea quality.", "log-sd")


class Founding(Model):
    """M3: the founding decision."""

    reward_scale: Positive = _f(
        20.0, "Expected reward of an average idea, in monthly salaries.", "monthly salaries"
    )
    horizon_months: Positive = _f(24.0, "Months of salary an employee gives up.", "months")
    temperature: Positive = _f(0.8, "Noise of the decision (logit scale).", "logit scale")
    unemployed_cost_factor: Share = _f(
        0.3, "Opportunity cost of the unemployed vs employed.", "share"
    )
    experience_boost: NonNeg = _f(
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


class Experiments(Model):
    """M4: experiments raise product-market fit."""

    per_person: Positive = _f(1.0, "Experiments per team member per month.", "1/month")
    yield_rate: Positive = _f(
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


class Capital(Model):
    """M5: rounds, screening and valuations."""

    runway_trigger: Positive = _f(6.0, "A startup raises when runway drops below this.", "months")
    pitches: Annotated[int, Field(ge=1, le=20)] = _f(
        3, "Investors pitched per attempt.", "investors per attempt"
    )
    seed_cheque: Positive = _f(3.0, "Seed round size (x capital intensity).", "million yuan")
    early_cheque: Positive = _f(25.0, "Early round size.", "million yuan")
    late_cheque: Positive = _f(150.0, "Late round size.", "million yuan")
    screening_noise: NonNeg = _f(0.12, "Noise of investors' read of fit.", "fit sd")
    revenue_multiple: Positive = _f(60.0, "Valuation in months of revenue.", "months")
    valuation_sd: NonNeg = _f(
        0.5, "Log-sd of round valuations (heavy-tailed venture prices).", "log-sd"
    )


class Exits(Model):
    """M6: growth, failure and exits."""

    growth_rate: NonNeg = _f(0.04, "Monthly headcount growth at full fit.", "1/month")
    startup_pay: Share = _f(0.6, "Share of the market salary a startup pays its people.", "share")
    growth_noise: NonNeg = _f(
        0.08, "Log-sd of monthly headcount growth (Gibrat).", "log-sd per month"
    )
    revenue_per_employee: Positive = _f(
        0.05, "Monthly revenue per employee at full fit.", "million yuan/month"
    )
    ipo_valuation: Positive = _f(3000.0, "Valuation that makes an IPO possible.", "million yuan")
    ipo_probability: Share = _f(0.03, "Monthly IPO chance once eligible.", "1/month")
    acquisition_probability: Share = _f(0.02, "Monthly acquisition chance at fit 1.", "1/month")
    unicorn_valuation: Positive = _f(7100.0, "A 'dragon': USD 1bn.", "million yuan")
    mature_months: Positive = _f(
        84.0, "Age at which a surviving startup counts as an SME.", "months"
    )
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
    retirement_age: Positive = _f(60.0, "Age of leaving the workforce.", "years")


class Spillovers(Model):
    """M7-M8: anchors, universities, facilities."""

    startup_spinout_rate: NonNeg = _f(
        0.00005,
        "Monthly spin-out idea chance of an employee of a startup or established firm.",
        "1/person/month",
    )
    breakthrough_knowledge: NonNeg = _f(
        0.5, "Knowledge added by one usable breakthrough.", "field units"
    )
    breakthrough_halflife: Positive = _f(60.0, "Half-life of a breakthrough's effect.", "months")
    patent_rate: NonNeg = _f(
        0.0001, "Monthly invention patents per worker in firms.", "1/person/month"
    )
    patent_life_months: Positive = _f(120.0, "Mean life of a valid patent.", "months")


class Belief(Model):
    """M9: success stories raise the belief that founding pays off."""

    success_impact: NonNeg = _f(
        0.02, "Belief added per success per 10,000 people.", "belief per success per 10,000 people"
    )
    halflife_months: Positive = _f(36.0, "Half-life of a success story.", "months")
    colleague_boost: NonNeg = _f(0.5, "Extra belief of the successful firm's people.", "belief")


class Migration(Model):
    """M11: people move between regions by utility."""

    base_rate: Share = _f(0.002, "Monthly chance an employee weighs a move.", "1/month")
    mobile_factor: NonNeg = _f(
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
    distance_km: Positive = _f(500.0, "Distance that costs one unit of utility.", "km")
    moving_cost: NonNeg = _f(1.0, "Utility cost of moving (family ties, inertia).", "utility")
    lag_months: Annotated[int, Field(ge=0, le=24)] = _f(
        2, "Months a mover needs to settle before looking for work.", "months"
    )
    temperature: Positive = _f(
        0.5, "Noise of the destination choice (logit).", "utility (logit scale)"
    )


class Rents(Model):
    """M11: rents respond to crowding and capital inflow."""

    density_elasticity: NonNeg = _f(
        1.0, "Elasticity of rent to people in the region.", "elasticity"
    )
    capital_elasticity: NonNeg = _f(
        0.2, "Elasticity of rent to venture investment per person.", "elasticity"
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
    event_boost: NonNeg = _f(5.0, "Remote-contact multiplier in an event month.", "x")
    local_pitch_share: Share = _f(0.9, "Share of pitches made at home without hybrid.", "share")
    investment_distance_km: Positive = _f(
        1500.0, "Distance at which out-of-region deals fall by 1/e.", "km"
    )
    contact_distance_km: Positive = _f(
        1000.0, "Distance at which remote contacts fall by 1/e.", "km"
    )
    supply_chain_radius_km: Positive = _f(50.0, "Reach of a supply chain (Shenzhen: 50 km).", "km")
    supply_chain_cut: Share = _f(
        0.5, "Cut in hardware experiment cost at a full supply chain.", "share"
    )
    default_distance_km: Positive = _f(
        1000.0, "Distance between regions not listed in distances_km.", "km"
    )


class Mechanisms(Model):
    """Global mechanism parameters, shared by every region.

    Plug-in mechanisms (:func:`rainforest.mechanisms.register`) add a section named after
    themselves, validated by their own parameter model (defaults when absent)."""

    model_config = ConfigDict(extra="allow", frozen=True, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _plugin_sections(cls, data):
        from rainforest.mechanisms.contract import plugins

        data = dict(data or {}) if isinstance(data, dict) else data
        if not isinstance(data, dict):
            return data
        known = {p.name: p.param_model for p in plugins()}
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


class Shock(Model):
    """A scheduled event: an anchor's collapse, a funding winter or a policy change."""

    month: Annotated[int, Field(ge=0)] = _f(..., "Month of the shock (0 = start).", "month")
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

    name: str = _f("scenario", "Scenario name.")
    description: str = _f("", "What this scenario represents.")
    years: Annotated[int, Field(ge=1, le=100)] = _f(20, "Default simulated years.", "years")
    warmup_years: Annotated[int, Field(ge=0, le=30)] = _f(
        0,
        "Years simulated before the reported period (build-up from the initial state).",
        "years",
    )
    scale: Positive = _f(100.0, "Default real people per simulated person.", "people")
    domains: list[Domain] = Field(default_factory=default_domains)
    regions: dict[str, Region] = Field(..., description="Regions by name.")
    distances_km: dict[str, float] = _f(
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
            raise ValueError("a scenario needs at least one region")
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
        for s in self.shocks:
            if s.region not in self.regions:
                raise ValueError(f"shocks: unknown region {s.region!r}")
            if s.kind == "policy_change" and s.field not in Policy.model_fields:
                raise ValueError(
                    f"shocks: unknown policy field {s.field!r}; expected one of "
                    f"{sorted(Policy.model_fields)}"
                )
            if s.kind == "anchor_collapse" and s.anchor not in {
                a.name for a in self.regions[s.region].anchors
            }:
                raise ValueError(f"shocks: region {s.region!r} has no anchor {s.anchor!r}")
        return self
