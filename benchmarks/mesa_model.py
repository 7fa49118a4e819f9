"""An idiomatic Mesa 3 model of one region's core mechanisms (M1–M6), for benchmarking.

This is the yardstick for ``rainforest``'s engine (GitHub issue 9): the same monthly model,
written the way a competent Mesa user would write it — people, firms and investors are
``mesa.Agent`` objects, people live in the cells of a Mesa ``OrthogonalMooreGrid`` and are
stepped with ``AgentSet.shuffle_do``, and a ``DataCollector`` records the model-level metrics.
It reads every number from the same :class:`rainforest.scenario.Scenario` as the engine.

What it computes each month, in the engine's order (``rainforest.engine.core.Engine.step``
and the kernels as of commit 02e19d0; ``benchmarks/bench_vs_mesa.py`` and, more coarsely,
``tests/test_bench_vs_mesa.py`` flag drift when the engine changes):

1. Firms above their headcount target let employees go (M6).
2. Contacts and ideas (M1, M2): every person makes a Poisson number of contacts (the M1 rate,
   from density and third places), each in their own neighbourhood cell with probability
   ``same_cell_share`` or else anywhere in the region, and *tests each contact* for an idea
   with probability ``base_probability × complementarity`` — the law that the engine samples
   by thinning. Employees of startups, SMEs and listed firms have spin-out ideas.
3. Founding (M3): the logit decision of ``m03_founding.founding_probability`` on last
   month's comeback ideas of failed founders, then on this month's ideas; a co-founder may
   join; the team's savings are the startup's first cash; talent subsidies are queued.
4. Experiments and books (M4, M10): experiments raise fit toward the hidden potential;
   salaries, rent, experiments and revenue move cash; subsidy claims are paid after the
   service latency (16 monthly slots, as in ``m10_policy``); grants.
5. Capital (M5): startups short of runway pitch to investors drawn by dry powder; screening;
   valuation and dilution; rescue rounds by state funds.
6. Life cycle (M6): failure when cash runs out, unicorns, IPOs, acquisitions (exits pay the
   investors and may make the founders angels), maturity into SMEs, Gibrat headcount growth.
7. People (M6): workers leave the district at the turnover rate, people retire, the staff of
   firms that closed become unemployed (a failed founder may come back with a new idea next
   month), colleagues of a firm that exited are inspired (M9); young unemployed newcomers
   keep the labour force at its target size.
8. Labour market (M6): firms below target hire from the unemployed (then poach from the
   incumbent and state employers); other unemployed find jobs at the job-finding rate.
9. Belief (M9) and rent (M11): successes raise the region's belief, which decays with a
   half-life; office rent follows crowding and venture money per person.

Not modelled (the benchmark scenario has none of them): universities, facilities and anchors
(M7, M8, so the knowledge field is zero), other regions (M11 migration, M12), shocks,
patents and the reporting-only accounts (contact samples, output, specialised SMEs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import mesa
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

from rainforest.scenario import FIRST_EDITION, Scenario, load_scenario, with_values
from rainforest.scenario.schema import INVESTOR_KINDS, SKILLS, STAGES

BENCH_TOML = Path(__file__).with_name("bench_region.toml")

# person status
EMPLOYED, UNEMPLOYED, FOUNDER = "employed", "unemployed", "founder"
# firm kinds
STARTUP, SME, LISTED, INCUMBENT, STATE = "startup", "sme", "listed", "incumbent", "state"
OPERATING = (STARTUP, SME, LISTED)
# who founded a startup
GRASSROOTS, FROM_STARTUP, INITIAL = "grassroots", "startup", "initial"
# exits
NO_EXIT, EXIT_IPO, EXIT_ACQ, EXIT_FAIL = "none", "ipo", "acquisition", "failure"
SUB_SLOTS = 16  # months ahead a subsidy payment can be queued (as in the engine)


def bench_scenario(people: int, path: str | Path = BENCH_TOML) -> Scenario:
    """The benchmark scenario with ``people`` people in its single region, run by the first
    edition.

    Area, established firms, listed firms, patent stock and every investor's dry powder are
    scaled by ``people / population`` so that density (hence the contact rate), firms per
    person and capital per person are those of the TOML file whatever the size. The first
    edition is set explicitly (:data:`rainforest.scenario.FIRST_EDITION`): this module's
    monthly step is the first edition's (M1 contacts, M2's idea lottery, stage cheques), so
    the engine is compared with it on the same edition whichever the schema's default is.
    """
    sc = with_values(load_scenario(path), FIRST_EDITION)
    if len(sc.regions) != 1:
        raise ValueError(f"the Mesa benchmark model needs a one-region scenario, got {path}")
    ((name, reg),) = sc.regions.items()
    f = people / reg.population
    changes = {
        f"regions.{name}.population": float(people),
        f"regions.{name}.area_km2": reg.area_km2 * f,
        f"regions.{name}.initial_firms": reg.initial_firms * f,
        f"regions.{name}.initial_listed": reg.initial_listed * f,
        f"regions.{name}.initial_patent_stock": reg.initial_patent_stock * f,
        "scale": 1.0,
    }
    for i, pool in enumerate(reg.investors):
        changes[f"regions.{name}.investors.{i}.dry_powder"] = pool.dry_powder * f
    return with_values(sc, changes)


def _stochastic_round(x: float, rng) -> int:
    base = math.floor(x)
    return base + int(rng.random() < x - base)


def _credential_gate(reg) -> float:
    """Capital-weighted credential weight of the region's investors (``engine/params.py``)."""
    money = sum(p.count * p.dry_powder for p in reg.investors)
    if money <= 0:
        return 0.0
    return sum(p.count * p.dry_powder * p.credential_weight for p in reg.investors) / money


def _params(sc: Scenario) -> SimpleNamespace:
    """Flat parameters of the one region, the domains and the mechanisms."""
    (reg,) = sc.regions.values()
    if reg.universities or reg.facilities or reg.anchors:
        raise ValueError("the Mesa benchmark model has no universities, facilities or anchors")
    if sc.shocks:
        raise ValueError("the Mesa benchmark model has no shocks")
    m = sc.mechanisms
    names = [d.name for d in sc.domains]
    mix = [reg.domain_mix.get(n, 0.0) for n in names] if reg.domain_mix else [1.0] * len(names)
    skill_mix = [reg.skill_mix.get(s, 0.0) for s in SKILLS]
    pol = reg.policy
    return SimpleNamespace(
        reg=reg,
        domains=sc.domains,
        domain_mix=[w / sum(mix) for w in mix],
        skill_mix=[w / sum(skill_mix) for w in skill_mix],
        wage=reg.wage,
        rent0=reg.office_rent,
        turnover=1.0 - math.exp(-(1.0 - (1.0 - reg.turnover) ** (1.0 / 12.0))),
        cred_gate=_credential_gate(reg),
        productivity=reg.productivity,
        land_supply=reg.land_supply,
        supply_chain=reg.supply_chain,
        supply_chain_cut=m.connect.supply_chain_cut,
        land=pol.land_price_factor,
        tolerance=reg.culture.failure_tolerance,
        cred_pref=reg.culture.credential_preference,
        stab_pref=reg.culture.stability_preference,
        belief0=reg.culture.belief,
        rd_sub=pol.rd_subsidy_share,
        rent_sub=pol.rent_subsidy_share,
        rent_sub_months=pol.rent_subsidy_months,
        talent_sub=pol.talent_subsidy,
        grant_max=pol.grant_max,
        grant_rate=pol.grant_rate,
        latency=pol.service_latency_days / 30.4,
        reg_months=pol.registration_days / 30.4,
        admit=1.0 - (1.0 - pol.sandbox) * (1.0 - pol.liability_exemption),
        open_data=pol.open_data,
        vouchers=pol.compute_vouchers,
        open_scen=pol.open_scenarios,
        shared_labs=pol.shared_labs,
        state_pref=pol.state_preference,
        contacts=m.contacts,
        ideas=m.ideas,
        f=m.founding,
        x=m.experiments,
        c=m.capital,
        e=m.exits,
        s=m.spillovers,
        b=m.belief,
        rents=m.rents,
        retire_months=m.exits.retirement_age * 12.0,
        inspired_decay=0.5 ** (1.0 / m.belief.halflife_months),
    )


@dataclass
class Idea:
    """An idea waiting for its holder's founding decision (M2 -> M3)."""

    person: Person
    partner: Person | None
    quality: float
    domain: int
    origin: str
    parent: Firm | None


@dataclass
class Stake:
    """One funding round: the investor's shares in a firm, paid out at exit (M5, M6)."""

    investor: Investor
    amount: float
    shares: float
    month: int
    proceeds: float | None = None


@dataclass
class StartupRecord:
    """What the benchmark compares about each startup: founding, first round, failure."""

    founded: int
    first_round: int | None = None
    failed: int | None = None
    origin: str = GRASSROOTS
    rounds: list[int] = field(default_factory=list)


class Person(CellAgent):
    """A knowledge worker: employed, unemployed or founding; meets people, has ideas, founds."""

    def __init__(self, model, cell, skill, birth, cred, risk, status):
        super().__init__(model)
        self.cell = cell
        self.skill = skill
        self.birth = birth
        self.cred = cred
        self.risk = risk
        self.status = status
        self.employer: Firm | None = None
        self.exp = 0
        self.inspired = 0.0

    # -- jobs --------------------------------------------------------------------------
    def leave_job(self) -> None:
        """Leave the current employer (headcount kept consistent)."""
        e = self.employer
        if e is not None:
            if e.emp > 0:
                e.emp -= 1
            e.staff.pop(self, None)
        self.employer = None

    def join(self, firm: Firm) -> None:
        """Be hired by ``firm``."""
        self.leave_job()
        self.employer = firm
        self.status = EMPLOYED
        firm.emp += 1
        firm.staff[self] = None

    def make_unemployed(self) -> None:
        """Lose one's job or firm."""
        self.leave_job()
        self.status = UNEMPLOYED

    # -- M6: the people pass at the end of the firms' month -------------------------------
    def month_end(self) -> None:
        """Leave the district (turnover) or retire; leave a firm that closed (a failed founder
        may come back with a new idea next month); be inspired by one's firm's exit this month
        (M9)."""
        model = self.model
        p = model.p
        month = model.month
        if self.status != FOUNDER and model.random.random() < p.turnover:
            self.leave_job()  # leaves the district for good (founders stay)
            model.departures += 1
            self.remove()
            return
        if month - self.birth >= p.retire_months:
            self.leave_job()
            model.departures += 1
            self.remove()
            return
        e = self.employer
        if e is not None:
            if not e.alive:
                if self.status == FOUNDER and model.random.random() < p.f.refound_probability:
                    rnd = model.random
                    quality = math.exp(
                        rnd.gauss(0.0, p.ideas.quality_sd) + p.f.experience_boost * self.exp
                    )
                    model.refound.append(Idea(self, None, quality, e.domain, GRASSROOTS, None))
                self.make_unemployed()
            elif e.exit_month == month and e.exit in (EXIT_IPO, EXIT_ACQ):
                self.inspired += p.b.colleague_boost
        self.inspired *= p.inspired_decay

    # -- M1 + M2: contacts and ideas -----------------------------------------------------
    def meet(self) -> None:
        """Make this month's contacts and test each one for an idea.

        A contact is in one's own neighbourhood cell with probability ``same_cell_share``
        (if anyone else lives there), otherwise anywhere in the region (the engine's
        ``pick_partner``); it yields an idea with probability ``base_probability`` times the
        skill complementarity (the knowledge field is zero here). The inner loop keeps its
        lookups in local variables, as one would for any hot Python loop.
        """
        model = self.model
        rnd = model.random
        random, choice = rnd.random, rnd.choice
        p = model.p
        base_p = p.ideas.base_probability
        same_skill = p.ideas.same_skill_factor
        same_cell = p.contacts.same_cell_share
        here = model.by_cell[self.cell]
        living = model.living
        local = len(here) > 1
        skill = self.skill
        for _ in range(model.rng.poisson(model.contact_rate)):
            partner = choice(here) if local and random() < same_cell else choice(living)
            if partner is self:
                continue
            comp = 1.0 if partner.skill != skill else same_skill
            if random() >= base_p * comp:
                continue
            quality = math.exp(rnd.gauss(0.0, p.ideas.quality_sd)) * comp
            origin, parent, domain = GRASSROOTS, None, -1
            e = self.employer
            if e is not None and e.kind == STARTUP:
                origin, parent = FROM_STARTUP, e
                if random() < 0.5:
                    domain = e.domain
            if domain < 0:
                domain = model.idea_domain()
            model.ideas_this_month += 1
            model.ideas.append(Idea(self, partner, quality, domain, origin, parent))

    # -- M3: the founding decision -------------------------------------------------------
    def founding_probability(self, idea: Idea) -> float:
        """Chance of founding on ``idea`` (the logit of ``m03_founding``)."""
        p = self.model.p
        dom = p.domains[idea.domain]
        admit = 1.0
        if dom.regulated:
            admit = p.admit
            if admit <= 0.0:
                return 0.0
        belief = self.model.belief + self.inspired
        reward = (
            p.f.reward_scale
            * p.wage
            * idea.quality
            * dom.market_size
            * belief
            * (0.5 + p.tolerance)
            * (0.5 + self.risk)
            * math.exp(p.f.experience_boost * self.exp)
        )
        if not self.cred:  # investors' credential gate
            reward *= 1.0 - p.cred_gate
        stability = 1.0 + p.stab_pref + 2.0 * p.cred_pref * self.cred
        e = self.employer
        if e is not None and (e.kind == STATE or e.state):
            stability += p.stab_pref
            reward *= 1.0 + p.state_pref  # resources lean to the "national team"
        opp = p.wage * p.f.horizon_months * stability
        if self.status == UNEMPLOYED:
            opp *= p.f.unemployed_cost_factor
        rent = self.model.rent
        start_cost = p.wage * p.reg_months + 12.0 * rent * p.land * (1.0 - p.rent_sub)
        x = math.log(max(reward, 1e-12) / (opp + start_cost)) / p.f.temperature
        return admit / (1.0 + math.exp(-x))

    def consider(self, idea: Idea) -> None:
        """Decide on an idea; found a startup (with a co-founder, maybe) if it is worth it."""
        if self.status == FOUNDER:
            return
        if self.model.random.random() >= self.founding_probability(idea):
            return
        self.model.found(self, idea)


class Firm(mesa.Agent):
    """An employer: a startup, an SME or listed firm, or the region's incumbent / state sector."""

    def __init__(self, model, kind, domain, founded, cash=0.0, fit=0.0, theta=0.0):
        super().__init__(model)
        self.kind = kind
        self.domain = domain
        self.founded = founded
        self.cash = cash
        self.fit = fit
        self.theta = theta
        self.emp = 0  # people on the payroll, founders included
        self.staff: dict[Person, None] = {}  # employees (not founders), in hiring order
        self.target = 0.0
        self.rounds = 0
        self.raised = 0.0
        self.valuation = 0.0
        self.shares = 1.0
        self.state = False
        self.cred = False
        self.unicorn = False
        self.alive = True
        self.exit = NO_EXIT
        self.exit_month = -1
        self.last_raise = -1
        self.stakes: list[Stake] = []
        self.pending = [0.0] * SUB_SLOTS
        self.origin = INITIAL
        self.record: StartupRecord | None = None

    # -- helpers -------------------------------------------------------------------------
    @property
    def dom(self):
        """The firm's domain parameters."""
        return self.model.p.domains[self.domain]

    def experiment_cost(self) -> float:
        """Cost of one experiment after shared labs and compute vouchers (M4, M10)."""
        p = self.model.p
        f = 1.0 - p.x.shared_lab_cut * p.shared_labs  # no anchor platform in this model
        if self.dom.compute_intensive:
            f *= 1.0 - p.vouchers
        if self.dom.hardware:  # the region's own supply chain is within reach (M12)
            f *= 1.0 - p.supply_chain_cut * p.supply_chain
        return self.dom.experiment_cost * max(f, 0.05)

    def n_experiments(self) -> float:
        """Experiments this month."""
        per = self.model.p.x.per_person if self.kind == STARTUP else 0.3
        return per * self.emp

    def monthly_burn(self) -> float:
        """Expected monthly spending: salaries, rent, experiments."""
        p = self.model.p
        pay = p.e.startup_pay if self.kind == STARTUP else 1.0
        return self.emp * (pay * p.wage + self.model.rent * p.land) + self.n_experiments() * (
            self.experiment_cost()
        )

    def stage(self) -> int:
        """0 seed, 1 early (one or two rounds), 2 late."""
        return 0 if self.rounds == 0 else (1 if self.rounds <= 2 else 2)

    def queue_subsidy(self, amount: float) -> None:
        """Claim a subsidy, paid after the service latency (the engine's 16 slots)."""
        if amount <= 0.0:
            return
        delay = self.model.p.latency
        a = math.floor(delay)
        f = delay - a
        if a > SUB_SLOTS - 2:
            a, f = SUB_SLOTS - 2, 0.0
        month = self.model.month
        now = amount * (1.0 - f)
        if a == 0:  # due within the month: paid at once
            self.cash += now
            self.model.subsidies_paid += now
        else:
            self.pending[(month + a) % SUB_SLOTS] += now
        self.pending[(month + a + 1) % SUB_SLOTS] += amount * f

    # -- headcount -----------------------------------------------------------------------
    def fire_surplus(self) -> None:
        """Let random employees go while above the headcount target (founders stay)."""
        if self.kind in (INCUMBENT, STATE):
            return
        surplus = self.emp - math.ceil(self.target)
        if surplus <= 0 or not self.staff:
            return
        for person in self.model.random.sample(list(self.staff), min(surplus, len(self.staff))):
            person.make_unemployed()

    def spinouts(self) -> None:
        """Employees of startups, SMEs and listed firms have spin-out ideas (M7 for firms)."""
        model = self.model
        rnd = model.random
        rate = model.p.s.startup_spinout_rate
        if self.kind not in OPERATING or rate <= 0.0 or not self.staff:
            return
        staff = list(self.staff)
        for person in staff:
            if rnd.random() >= rate:
                continue
            quality = math.exp(rnd.gauss(0.0, model.p.ideas.quality_sd)) * 1.2
            domain = self.domain if rnd.random() < 0.8 else model.idea_domain()
            partner = rnd.choice(staff) if len(staff) > 1 else None
            model.ideas.append(Idea(person, partner, quality, domain, FROM_STARTUP, self))

    # -- M4 + M10: experiments and the books ---------------------------------------------
    def operate(self) -> None:
        """Collect due subsidies, run experiments, pay costs, earn revenue, claim subsidies."""
        if self.kind not in OPERATING:
            return
        model = self.model
        p = model.p
        rnd = model.random
        month = model.month
        slot = month % SUB_SLOTS
        if self.pending[slot] > 0.0:
            model.subsidies_paid += self.pending[slot]
            self.cash += self.pending[slot]
            self.pending[slot] = 0.0
        dom = self.dom
        age = month - self.founded
        # the market moves under the firm (established firms: a fifth of the startup rate)
        if rnd.random() < p.e.disruption_rate * (1.0 if self.kind == STARTUP else 0.2):
            hit = 0.2 + 0.5 * rnd.random()
            self.theta *= hit
            self.fit *= hit
        n_exp = self.n_experiments()
        cost = self.experiment_cost()
        y = (
            p.x.yield_rate
            * (12.0 / dom.time_to_market)
            * (1.0 + p.x.open_scenario_boost * p.open_scen)
        )
        if dom.data_driven:
            y *= 1.0 + p.x.open_data_boost * p.open_data
        y = min(y, 0.9)
        gain = 1.0 - (1.0 - y) ** n_exp
        self.fit += (self.theta - self.fit) * gain + rnd.gauss(0.0, 0.01)
        self.fit = min(max(self.fit, 0.0), 1.0)
        exp_spend = n_exp * cost
        salaries = self.emp * p.wage * (p.e.startup_pay if self.kind == STARTUP else 1.0)
        rent = self.emp * model.rent * p.land
        if self.kind != STARTUP:
            # established firms: a cash margin that covers costs at the break-even fit
            income = (salaries + rent + exp_spend) * (self.fit / p.e.breakeven_fit)
        elif self.fit > 0.25:
            boost = 1.0 + (0.3 * p.open_scen if age < 24 else 0.0)  # no anchor demand here
            income = self.emp * p.e.revenue_per_employee * self.fit**2 * dom.market_size * boost
        else:
            income = 0.0
        self.cash += income - salaries - rent - exp_spend
        claim = p.rd_sub * (exp_spend + 0.5 * salaries)
        if age < p.rent_sub_months:
            claim += p.rent_sub * rent
        if claim > 0.0 and self.kind == STARTUP:
            self.queue_subsidy(claim)
        if p.grant_rate > 0.0 and self.kind == STARTUP and self.fit >= 0.3:
            bias = 1.0 + p.state_pref * (1.5 if self.state else -0.8)
            if rnd.random() < p.grant_rate * max(bias, 0.0):
                self.queue_subsidy(p.grant_max * (0.1 + 0.9 * rnd.random()))

    # -- M5: capital ---------------------------------------------------------------------
    def pre_money(self, stage: int) -> float:
        """Pre-money valuation from revenue, stage, market, fit and potential; lognormal noise
        of log-sd ``valuation_sd`` (mean 1); never below 70% of the last post-money."""
        p = self.model.p
        dom = self.dom
        revenue = self.fit**2 * self.emp * p.e.revenue_per_employee * dom.market_size
        base = (12.0, 120.0, 900.0)[stage]
        v = max(revenue * p.c.revenue_multiple, base * dom.market_size)
        v *= (0.3 + self.fit) * (0.5 + self.theta)
        sd = p.c.valuation_sd
        v *= math.exp(self.model.random.gauss(-0.5 * sd * sd, sd))
        return max(v, 0.7 * self.valuation)

    def take_round(self, investor: Investor, amount: float, stage: int) -> None:
        """Sell new shares to ``investor`` at pre-money and take the cash."""
        model = self.model
        pre = self.pre_money(stage)
        new_shares = self.shares * amount / max(pre, 1e-9)
        self.stakes.append(Stake(investor, amount, new_shares, model.month))
        self.shares += new_shares
        self.cash += amount
        self.raised += amount
        self.rounds += 1
        self.valuation = pre + amount
        self.last_raise = model.month
        investor.dry = max(investor.dry - amount, 0.0)
        investor.invested += amount
        model.funding_rounds += 1
        model.invested_this_month += amount
        if self.record is not None:
            self.record.rounds.append(model.month)
            if self.record.first_round is None:
                self.record.first_round = model.month

    def fundraise(self) -> None:
        """Pitch to investors when runway is short; a state fund may rescue a late-stage firm."""
        if self.kind != STARTUP:
            return
        model = self.model
        p = model.p
        burn = self.monthly_burn()
        if self.cash > p.c.runway_trigger * burn:
            return
        if self.last_raise >= 0 and model.month - self.last_raise < 3:
            return
        stage = self.stage()
        cheque = (p.c.seed_cheque, p.c.early_cheque, p.c.late_cheque)[stage]
        amount = cheque * self.dom.capital_intensity * (0.5 + self.fit)
        for _ in range(p.c.pitches):
            investor = model.pick_investor()
            if investor is None:
                continue
            if investor.willing(self, stage) and investor.afford(amount):
                self.take_round(investor, amount, stage)
                per_person = self.monthly_burn() / max(self.emp, 1)
                self.target = max(self.target, self.cash / (12.0 * per_person))
                break
        if self.cash < 0.0 and stage == 2 and self.fit > 0.35:
            for investor in model.investors:
                if investor.kind == "state" and investor.rescue and investor.afford(amount):
                    self.take_round(investor, amount, stage)
                    model.rescues += 1
                    break

    # -- M6: the life cycle --------------------------------------------------------------
    def pay_exit(self, value: float) -> float:
        """Pay ``value`` to the shareholders; return the value of the founders' share."""
        per_share = value / max(self.shares, 1e-12)
        for stake in self.stakes:
            if stake.proceeds is None:
                stake.proceeds = stake.shares * per_share
                stake.investor.dry += stake.proceeds
                stake.investor.returned += stake.proceeds
        return per_share

    def live(self) -> None:
        """Fail, exit, mature, and set next month's headcount target."""
        if self.kind not in OPERATING:
            return
        model = self.model
        p = model.p
        rnd = model.random
        month = model.month
        dom = self.dom
        age = month - self.founded
        fit = self.fit
        if self.cash < 0.0:
            self.alive = False
            self.exit = EXIT_FAIL
            self.exit_month = month
            for stake in self.stakes:
                if stake.proceeds is None:
                    stake.proceeds = 0.0
            model.failures += 1
            if self.record is not None:
                self.record.failed = month
            self.remove()  # its people leave in this month's people pass
            return
        if self.kind == STARTUP:
            revenue = fit * fit * self.emp * p.e.revenue_per_employee * dom.market_size
            self.valuation = max(self.valuation, revenue * p.c.revenue_multiple * dom.market_size)
            if not self.unicorn and self.valuation >= p.e.unicorn_valuation:
                self.unicorn = True
                model.unicorns += 1
                model.successes += 1.0
            exit_value = 0.0
            if (
                self.valuation >= p.e.ipo_valuation
                and self.rounds >= 2
                and fit >= 0.5
                and rnd.random() < p.e.ipo_probability
            ):
                exit_value = self.valuation * 1.3
                self.kind = LISTED
                self.exit = EXIT_IPO
                model.ipos += 1
                model.successes += 1.0
            elif age >= 12 and fit > 0.3 and rnd.random() < p.e.acquisition_probability * fit * fit:
                exit_value = max(self.valuation, self.raised) * math.exp(rnd.gauss(0.0, 0.8))
                self.kind = SME
                self.exit = EXIT_ACQ
                model.acquisitions += 1
                model.successes += 0.05
            if exit_value > 0.0:
                self.exit_month = month
                founders = self.pay_exit(exit_value)
                if founders > 20.0:
                    Investor.angel(model, 0.3 * founders)
            elif age >= p.e.mature_months:
                self.kind = SME
        burn = self.monthly_burn()
        g = 0.0
        if fit > 0.4 and self.cash > 6.0 * burn:
            g = p.e.growth_rate * (fit - 0.4) / 0.6 * math.sqrt(dom.market_size)
            if self.kind != STARTUP:
                g *= 0.1
        elif fit < 0.2 and age > dom.time_to_market:
            g = -0.05
        self.target = max(1.0, self.target * math.exp(g + rnd.gauss(0.0, p.e.growth_noise)))

    def hire(self, pool: list[Person]) -> None:
        """Fill the headcount target from the unemployed pool, then by poaching from
        established employers (giving up for the month after three fruitless searches)."""
        if self.kind in (INCUMBENT, STATE):
            return
        model = self.model
        need = math.floor(self.target) - self.emp
        misses = 0
        while need > 0:
            if pool:
                pool.pop().join(self)  # the pool is shuffled: popping draws at random
                need -= 1
                continue
            for _ in range(8):
                person = model.random.choice(model.living)
                e = person.employer
                if (
                    person.status == EMPLOYED
                    and e is not None
                    and e is not self
                    and e.kind in (INCUMBENT, STATE, SME, LISTED)
                ):
                    person.join(self)
                    need -= 1
                    break
            else:
                misses += 1
                if misses >= 3:
                    return


class Investor(mesa.Agent):
    """An angel, VC, corporate VC, state fund or bank that screens and funds startups (M5)."""

    def __init__(self, model, kind, dry, patience, stages, risk, home, cred, statepref, rescue):
        super().__init__(model)
        self.kind = kind
        self.dry = dry
        self.patience = patience
        self.stages = stages
        self.risk = risk
        self.home = home
        self.cred = cred
        self.statepref = statepref
        self.rescue = rescue
        self.invested = 0.0
        self.returned = 0.0
        model.investors.append(self)

    @classmethod
    def angel(cls, model, dry: float) -> Investor:
        """A founder-turned-angel after an exit (IPO waves fund the next generation)."""
        return cls(model, "angel", dry, 48.0, (1.0, 0.6, 0.1), 0.7, 0.9, 0.0, 0.0, False)

    def willing(self, firm: Firm, stage: int) -> bool:
        """Screen one pitch: stage preference, then a noisy read of fit against a bar."""
        rnd = self.model.random
        if rnd.random() >= self.stages[stage]:
            return False
        bar = (0.5, 0.55, 0.55)[stage] * (1.2 - 0.4 * self.risk)
        age = self.model.month - firm.founded
        read = firm.fit
        if age < self.patience:  # patient capital judges a young firm on its potential
            w = 1.0 - age / self.patience
            read = w * firm.theta + (1.0 - w) * firm.fit
        signal = read + rnd.gauss(0.0, self.model.p.c.screening_noise)
        if not firm.cred:
            signal -= 0.35 * self.cred
        signal += 0.3 * self.statepref if firm.state else -0.2 * self.statepref
        return signal >= bar

    def afford(self, amount: float) -> bool:
        """Whether the investor writes the cheque (with probability dry/amount if short)."""
        return self.dry >= amount or self.model.random.random() < self.dry / amount


class RegionModel(mesa.Model):
    """One region of a rainforest scenario as a Mesa model; one step is one month.

    Parameters
    ----------
    scenario
        A one-region :class:`~rainforest.scenario.Scenario` (see :func:`bench_scenario`) with
        no universities, facilities, anchors or shocks; read at population scale 1.
    seed
        Seeds both ``self.random`` and ``self.rng``.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None):
        super().__init__(seed=seed)
        p = self.p = _params(scenario)
        reg = p.reg
        self.month = 0
        self.investors: list[Investor] = []
        self.ideas: list[Idea] = []
        self.refound: list[Idea] = []
        self.records: list[StartupRecord] = []
        self.belief = p.belief0
        self.belief_memory = 0.0
        self.rent = p.rent0  # office rent per desk, moves with crowding and capital (M11)
        self.invest_pc = 0.0  # venture money per person per month, smoothed
        self._reset_counters()
        # space: 0.5 km neighbourhood cells, as the engine lays them out
        side = math.sqrt(reg.area_km2)
        g = int(min(max(math.ceil(side / p.contacts.cell_km), 1), 64))
        self.grid = OrthogonalMooreGrid((g, g), torus=False, random=self.random)
        self.cells = list(self.grid.all_cells)
        self._build(reg)
        self.people = self.agents_by_type[Person]
        self.firms = self.agents_by_type[Firm]
        self.pop_target = len(self.people)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "people": "n_people",
                "unemployed": "n_unemployed",
                "founders": "n_founders",
                "ideas": "ideas_this_month",
                "foundings": "foundings",
                "failures": "failures",
                "startups_alive": "startups_alive",
                "funding_rounds": "funding_rounds",
                "survival_1y": lambda m: m.survival(12),
                "belief": "belief",
            }
        )

    # -- set-up (the engine's build_world for one region, scale 1) ------------------------
    def _build(self, reg) -> None:
        p = self.p
        rnd = self.random
        n = _stochastic_round(reg.population, rnd)
        self.incumbent = Firm(self, INCUMBENT, 0, -240)
        self.state_sector = Firm(self, STATE, 0, -240)
        self.state_sector.state = True
        nf = _stochastic_round(reg.initial_firms, rnd)
        sizes = [min(math.floor(2.0 / (1.0 - rnd.random()) ** (1 / 1.05)), 5000) for _ in range(nf)]
        employable = int(n * (1 - reg.unemployment))
        if sum(sizes) > 0.7 * max(employable, 0):
            k = 0.7 * max(employable, 0) / sum(sizes)
            sizes = [max(1, int(s * k)) for s in sizes]
        n_listed = _stochastic_round(reg.initial_listed, rnd)
        ranked = sorted(range(nf), key=lambda i: -sizes[i])
        firms = [None] * nf
        for rank, i in enumerate(ranked):
            fit = rnd.uniform(0.6, 0.95)
            firm = Firm(
                self,
                LISTED if rank < n_listed else SME,
                self.idea_domain(),
                -rnd.randint(12, 359),
                fit=fit,
                theta=fit,
            )
            firms[i] = firm
        people = []
        for _ in range(n):
            skill = self._draw_skill()
            age = rnd.uniform(22, 35) if rnd.random() < reg.under35_share else rnd.uniform(35, 60)
            risk = min(
                max(rnd.gauss(reg.culture.risk_appetite, reg.culture.risk_appetite_sd), 0), 1
            )
            person = Person(
                self,
                rnd.choice(self.cells),
                skill,
                -int(age * 12),
                rnd.random() < reg.credential_share,
                risk,
                EMPLOYED,
            )
            people.append(person)
        rnd.shuffle(people)
        n_unemp = round(n * reg.unemployment)
        for person in people[:n_unemp]:
            person.status = UNEMPLOYED
        pos = n_unemp
        for firm, head in zip(firms, sizes, strict=True):
            head = min(head, n - pos)
            for person in people[pos : pos + head]:
                person.join(firm)
            firm.target = max(head, 1)
            pos += head
        for person in people[pos:]:
            person.join(
                self.state_sector if rnd.random() < reg.state_employment_share else self.incumbent
            )
        for firm in firms:  # a year of costs in the bank
            firm.cash = 12 * firm.emp * (p.wage + p.rent0)
        for pool in reg.investors:
            top = max(pool.stage_preference.get(s, 0.0) for s in STAGES)
            stages = tuple(pool.stage_preference.get(s, 0.0) / top for s in STAGES)
            assert pool.kind in INVESTOR_KINDS
            for _ in range(pool.count):
                Investor(
                    self,
                    pool.kind,
                    pool.dry_powder,
                    pool.patience,
                    stages,
                    pool.risk_appetite,
                    pool.home_bias,
                    pool.credential_weight,
                    pool.state_preference,
                    pool.rescue,
                )

    def _draw_skill(self) -> int:
        x = self.random.random()
        acc = 0.0
        for s, w in enumerate(self.p.skill_mix):
            acc += w
            if x < acc:
                return s
        return len(self.p.skill_mix) - 1

    # -- helpers used by agents ----------------------------------------------------------
    def idea_domain(self) -> int:
        """Domain of a new idea: the region's industry mix (no knowledge field here)."""
        return self.random.choices(range(len(self.p.domains)), weights=self.p.domain_mix)[0]

    def pick_investor(self) -> Investor | None:
        """An investor drawn in proportion to dry powder (None if nobody has any)."""
        weights = [inv.dry for inv in self.investors]
        if sum(weights) <= 0.0:
            return None
        return self.random.choices(self.investors, weights=weights)[0]

    def found(self, person: Person, idea: Idea) -> Firm:
        """Create a startup for ``person`` (and maybe their contact as co-founder), M3."""
        p = self.p
        old = person.employer
        firm = Firm(self, STARTUP, idea.domain, self.month, fit=0.02)
        firm.theta = idea.quality / (2.0 + idea.quality)
        firm.origin = idea.origin
        firm.cred = person.cred
        firm.state = old is not None and (old.kind == STATE or old.state)
        firm.record = StartupRecord(founded=self.month, origin=idea.origin)
        self.records.append(firm.record)
        person.leave_job()
        person.status = FOUNDER
        person.employer = firm
        person.exp += 1
        firm.emp = 1
        self.foundings += 1
        j = idea.partner
        if (
            j is not None
            and j.status != FOUNDER
            and j.skill != person.skill
            and self.random.random() < p.f.cofounder_probability
        ):
            j.leave_job()
            j.status = FOUNDER
            j.employer = firm
            j.exp += 1
            firm.emp += 1
            firm.cred = firm.cred or j.cred
        firm.target = firm.emp
        firm.cash = p.f.founder_savings_months * p.wage * firm.emp
        if p.talent_sub > 0.0:
            firm.queue_subsidy(p.talent_sub * firm.emp)
        return firm

    def survival(self, months: int = 12) -> float:
        """Share of the startups old enough to tell that did not fail before age ``months``."""
        old = [r for r in self.records if r.founded <= self.month - 1 - months]
        if not old:
            return math.nan
        dead = sum(1 for r in old if r.failed is not None and r.failed - r.founded < months)
        return 1.0 - dead / len(old)

    def _reset_counters(self) -> None:
        self.foundings = self.failures = self.funding_rounds = self.rescues = 0
        self.ideas_this_month = self.departures = self.arrivals = 0
        self.unicorns = self.ipos = self.acquisitions = 0
        self.successes = 0.0
        self.subsidies_paid = 0.0
        self.invested_this_month = 0.0

    # -- the month -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month (same order of mechanisms as the engine)."""
        p = self.p
        rnd = self.random
        self._reset_counters()
        reg = p.reg
        # who lives where (the engine's cell index), then firms shed surplus staff (M6)
        self.living = list(self.people)
        self.by_cell = {cell: cell.agents for cell in self.cells}
        self.firms.do("fire_surplus")
        # contacts and ideas (M1, M2), spin-out ideas
        density = len(self.living) / reg.area_km2
        c = p.contacts
        self.contact_rate = (
            c.base_rate
            * max(density / c.reference_density, 1e-9) ** c.density_elasticity
            * (1.0 + c.third_place_effect * reg.third_places_per_km2)
        )
        self.ideas = []
        self.people.shuffle_do("meet")
        self.firms.do("spinouts")
        # founding decisions (M3): failed founders' new ideas of last month first
        refound, self.refound = self.refound, []
        for idea in refound + self.ideas:
            idea.person.consider(idea)
        # experiments and books (M4, M10), capital (M5), life cycle (M6)
        self.firms.shuffle_do("operate")
        self.firms.shuffle_do("fundraise")
        self.firms.shuffle_do("live")
        # people (M6): retirements, releases from closed firms, inspiration; newcomers
        self.people.shuffle_do("month_end")
        for _ in range(max(self.pop_target - len(self.people), 0)):
            risk = min(
                max(rnd.gauss(reg.culture.risk_appetite, reg.culture.risk_appetite_sd), 0), 1
            )
            birth = self.month - (22 + rnd.randrange(9)) * 12
            Person(self, rnd.choice(self.cells), self._draw_skill(), birth, False, risk, UNEMPLOYED)
            self.arrivals += 1
        # labour market (M6): hiring from the unemployed, then job finding
        pool = [a for a in self.people if a.status == UNEMPLOYED]
        rnd.shuffle(pool)
        self.firms.shuffle_do("hire", pool)
        for person in pool:
            if rnd.random() < p.e.job_finding:
                person.join(
                    self.state_sector
                    if rnd.random() < reg.state_employment_share
                    else self.incumbent
                )
        # end-of-month stocks and belief (M9)
        self.n_people = len(self.people)
        self.n_unemployed = sum(1 for a in self.people if a.status == UNEMPLOYED)
        self.n_founders = sum(1 for a in self.people if a.status == FOUNDER)
        self.startups_alive = sum(1 for f in self.firms if f.kind == STARTUP)
        self.belief_memory *= 0.5 ** (1.0 / p.b.halflife_months)
        self.belief_memory += 1e4 * self.successes / max(self.n_people, 1)
        self.belief = min(p.belief0 + p.b.success_impact * self.belief_memory, 2.0)
        # office rent follows crowding (damped by land supply) and capital inflow (M11)
        self.invest_pc = 0.9 * self.invest_pc + 0.1 * self.invested_this_month / self.n_people
        crowd = max(self.n_people / self.pop_target, 1e-3)
        self.rent = (
            p.rent0
            * crowd ** (p.rents.density_elasticity * (1.0 - p.land_supply))
            * max(1.0 + self.invest_pc / p.wage, 1e-3) ** p.rents.capital_elasticity
        )
        self.month += 1
        self.datacollector.collect(self)
