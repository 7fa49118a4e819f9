"""M17 — the essays' missing instruments, what government spends, and a government that learns.

Why NumPy only: every instrument here is mapped onto inputs the compiled mechanisms already
read — a region's experiment costs (M4), office rent, housing and delays (M10, M11), startups'
cash — so no kernel recompiles, and with every instrument at 0 a run is bit-identical to one
without this module (each mapping is applied only where its instrument is set).

Instruments (``regions.*.instruments``, seed phrases on the schema fields): an open model
community (模力社区, seed 002; open source, seed 000) and self-driving labs (seed 001) cut
experiment costs; the electricity price for compute scales them (seed 003, an opinion);
near-free offices (1元办公空间) and talent apartments (定向公寓) put cash back in young startups
and lower the housing cost movers weigh; district funds' Pre-A cheques, relay rounds for cash-
short late-stage startups, investment-linked loans with a public guarantee (投贷联动, 专利质押),
a grant to one-person companies (超级个体), a sector programme (机器人+, seed 004) put cash in
eligible startups; trusted early users (seed 000's garage trust) add private first buyers to
open scenarios; data-circulation pilots raise open data; an AI task force (AI专班) and
founders' legal and accounting services shorten delays; founders recruited from abroad join the
region's people; an office rent cycle moves rents. Four more — subsidies by patent count vs
case-by-case support, data rules, online communities across places and firms relocating between
regions — live in :mod:`rainforest.mechanisms.m17_more`, called from the hooks below.

Public cost (every run, ``public_*`` metrics, million yuan a month): cash subsidies are M10's
``subsidies_paid``; the rest are counted here — what vouchers, shared labs and the instruments
above save firms on experiments, the rent cheap land forgoes, first-buyer purchases (the part of
young startups' revenue that open scenarios add; the policy's share only, early users pay their
own), and each cash instrument's payments. Equity
(Pre-A, relay) is counted gross, returns not netted; loans count only the guarantee's losses.

Learning (``regions.*.learning``, off by default): every ``review_months`` the government
compares foundings with the previous window and the share of startups short of cash with
``demand_threshold`` and, after ``lag_months``, moves its R&D subsidy, compute vouchers and rent
subsidy by ``step``: up when foundings fell and firms demand support (weighted by
``demand_weight``), down otherwise, and down whenever spending exceeds ``budget``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest import registry
from rainforest.mechanisms import m17_more as more
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.registry import Metric
from rainforest.state import accounts
from rainforest.state.tables import EXIT_FAIL, LISTED, SME, STARTUP

#: The first instruments' public-cost metrics, in order: (name, label, label_zh, what it counts).
_FIRST_COSTS: tuple[tuple[str, str, str, str], ...] = (
    ("public_vouchers", "Compute vouchers", "算力券", "experiment cost paid by compute vouchers"),
    ("public_shared_labs", "Shared labs", "共享实验室", "experiment cost saved by shared labs"),
    ("public_land", "Cheap land", "低价用地", "desk rent forgone by R&D land below market"),
    (
        "public_first_buyers",
        "First buyers",
        "场景出题(首购)",
        "revenue that open scenarios add to young startups",
    ),
    ("public_model_community", "Model community", "模力社区", "experiment cost saved by it"),
    ("public_self_driving_labs", "Self-driving labs", "自主实验室", "experiment cost saved"),
    ("public_power", "Cheap power for compute", "算力电价优惠", "experiment cost saved"),
    ("public_offices", "1-yuan offices", "1元办公空间", "desk rent waived"),
    ("public_apartments", "Talent apartments", "定向公寓", "housing of startup staff"),
    ("public_prea", "State Pre-A rounds", "国资Pre-A轮", "Pre-A cheques of district funds"),
    ("public_relay", "Relay rounds", "接力投资", "relay rounds for late-stage startups"),
    ("public_guarantees", "Loan guarantees", "投贷联动担保", "guaranteed loans of failed firms"),
    ("public_opc", "Super-individual grants", "超级个体扶持", "grants to one-person startups"),
    ("public_data", "Data pilots", "数据流通试点", "running data-circulation pilots"),
    ("public_task_force", "AI task force", "AI专班", "officials' salaries"),
    ("public_founder_services", "Founder services", "法律会计服务", "legal and accounting fees"),
    ("public_sector", "Sector programme", "产业专项(机器人+)", "payments to the sector's startups"),
    ("public_recruitment", "Founder recruitment", "海外创始人引进", "recruiting founders"),
)
#: Every instrument's public-cost metric: the first ones, then those of :mod:`m17_more`
#: (registered after the total: the registry only appends).
COSTS = _FIRST_COSTS + more.MORE_COSTS
#: Metric of the total (cash subsidies of M10 included).
TOTAL = "public_spending"
#: Cash subsidies counted by M10 (R&D, rent, talent, grants), part of the total.
SUBSIDIES = "subsidies_paid"


def _cost_metric(name: str, label: str, zh: str, what: str) -> Metric:
    """A public-spending metric of one instrument (million yuan a month)."""
    return Metric(
        name,
        "flow",
        "million yuan/month",
        label,
        "M17",
        f"Public spending on {label.lower()}: {what}.",
        label_zh=zh,
    )


_METRICS = tuple(_cost_metric(*c) for c in _FIRST_COSTS) + (
    Metric(
        TOTAL,
        "flow",
        "million yuan/month",
        "Public spending",
        "M17",
        "All public spending: cash subsidies (subsidies_paid) and every public_* instrument.",
        label_zh="公共支出合计",
    ),
)
_METRICS += tuple(_cost_metric(*c) for c in more.MORE_COSTS) + tuple(
    Metric(name, "flow", unit, label, "M17", doc, label_zh=zh)
    for name, unit, label, zh, doc in more.MORE_FLOWS
)
for _m in _METRICS:  # appended after the built-ins: compiled account columns do not move
    registry.register_metric(_m)

#: Policy levers a learning government moves (RegionP names).
LEARN_LEVERS = ("rd_sub", "vouchers", "rent_sub")


def _state(eng) -> dict:
    st = eng.cache.get("m17")
    if st is None:
        regs = list(eng.sc.regions.values())
        ins = [r.instruments for r in regs]
        learn = [r.learning for r in regs]
        st = {
            "ins": ins,
            "learn": learn,
            "active": any(i != type(i)() for i in ins),
            "learning": any(x.enabled for x in learn),
            "base": {},
            "written": {},
            "offset": np.zeros((len(regs), len(LEARN_LEVERS))),
            "queue": [],  # (month due, region, offsets)
            "history": [],  # per month: foundings, short-of-cash share, spending (real)
            "loans": np.zeros(0),
        }
        eng.cache["m17"] = st
    return st


def _vec(st: dict, field: str) -> np.ndarray:
    return np.array([float(getattr(i, field)) for i in st["ins"]])


def _lever(eng, st: dict, key: str, fn) -> None:
    """Set ``R.key = fn(base)`` where ``base`` is the lever before this module touched it
    (refreshed when something else — a policy shock — changed it since)."""
    arr = getattr(eng.w.R, key)
    if key not in st["base"] or not np.array_equal(arr, st["written"][key]):
        st["base"][key] = arr.copy()
    arr[:] = fn(st["base"][key])
    st["written"][key] = arr.copy()


# --- hooks ---------------------------------------------------------------------------------
def levers(eng) -> None:
    """This month's region levers from the instruments and the learning offsets."""
    st = _state(eng)
    if not (st["active"] or st["learning"]):
        return
    p = eng.sc.mechanisms.instruments
    if st["active"]:
        flat = _vec(st, "talent_apartments")
        if flat.any():
            _lever(eng, st, "housing", lambda b: b * (1.0 - p.housing_relief * flat))
        staff = _vec(st, "ai_task_force")
        serv = _vec(st, "founder_services")
        if staff.any():
            _lever(eng, st, "latency", lambda b: b / (1.0 + staff / p.task_force_half_staff))
        if staff.any() or serv.any():
            cut = (1.0 - p.founder_services_cut * serv) / (1.0 + staff / p.task_force_half_staff)
            _lever(eng, st, "reg_months", lambda b: b * cut)
        early = _vec(st, "early_users")
        if early.any():  # private early buyers on top of the public ones (open scenarios)
            _lever(eng, st, "open_scen", lambda b: 1.0 - (1.0 - b) * (1.0 - early))
        data = _vec(st, "data_circulation")
        if data.any():
            _lever(eng, st, "open_data", lambda b: np.where(data > 0, 1 - (1 - b) * (1 - data), b))
        amp = _vec(st, "rent_cycle_amplitude")
        if amp.any():  # rents are recomputed from rent0 each month (M11): no compounding
            phase = 2.0 * np.pi * eng.month / (12.0 * p.rent_cycle_years)
            eng.w.R.rent[:] *= 1.0 + amp * np.sin(phase)
            st["rent_paid"] = eng.w.R.rent.copy()
        recruits = _vec(st, "founder_recruitment")
        if recruits.any():
            monthly = recruits / 12.0 / eng.scale  # simulated people this month
            eng.w.pop_target[:] += monthly
            eng.reserve_people(int(np.ceil(monthly.sum())))
    if st["learning"]:
        due = [q for q in st["queue"] if q[0] <= eng.month]
        st["queue"] = [q for q in st["queue"] if q[0] > eng.month]
        for _, r, delta in due:
            st["offset"][r] += delta
        if due or st["offset"].any():
            for j, key in enumerate(LEARN_LEVERS):
                off = st["offset"][:, j]
                _lever(eng, st, key, lambda b, off=off: np.clip(b + off, 0.0, 1.0))


def _cost_factor(eng, st: dict) -> np.ndarray | None:
    """Multiplier of each region's and domain's experiment cost (None: all ones)."""
    p = eng.sc.mechanisms.instruments
    D = eng.w.D
    comm = _vec(st, "model_community")
    sdl = _vec(st, "self_driving_labs")
    power = _vec(st, "compute_power_price")
    data = more.data_cost_factor(st["ins"], D.data, p)
    if not (comm.any() or sdl.any() or (power != 1.0).any() or data is not None):
        return None
    compute = D.compute[None, :] == 1
    lab = (D.hardware == 1) | (D.regulated == 1)
    f = np.ones((len(comm), D.compute.shape[0]))
    f = np.where(compute, f * (1.0 - p.model_community_cut * comm[:, None]), f)
    f = np.where(lab[None, :], f * (1.0 - p.self_driving_cut * sdl[:, None]), f)
    f = np.where(compute, f * (1.0 + p.power_share * (power[:, None] - 1.0)), f)
    return f if data is None else f * data


def costs(eng) -> None:
    """Experiment costs after the model community, self-driving labs, the power price and data
    rules; cross-region contact draws after online communities and data rules (M12's prepare
    ran before)."""
    st = _state(eng)
    if not st["active"]:
        return
    f = _cost_factor(eng, st)
    if f is not None:  # the same floor as M10's costs: no experiment is free
        floor = eng.w.glob.min_cost_share * eng.w.D.exp_cost[None, :]
        eng.inputs["exp_cost"] = np.maximum(eng.inputs["exp_cost"] * f, floor)
    more.connections(eng, st["ins"])


def _firm_arrays(eng):
    O = eng.w.O
    n = int(O.n[0])
    alive = O.alive[:n] == 1
    kind = O.kind[:n]
    firm = alive & ((kind == STARTUP) | (kind == SME) | (kind == LISTED))
    return n, firm, alive & (kind == STARTUP)


def account(eng) -> None:
    """Cash instruments, the month's public cost by instrument, and the learning review."""
    st = _state(eng)
    moving = more.relocation_on(eng.sc, st["ins"])
    if not (eng.sc.mechanisms.instruments.accounting or st["active"] or st["learning"] or moving):
        return
    w, acc, month = eng.w, eng.acc, eng.month
    O, R, glob = w.O, w.R, w.glob
    nr = acc.shape[0]
    n, firm, start = _firm_arrays(eng)
    reg = O.region[:n]
    dom = O.domain[:n]
    emp = O.emp[:n].astype(float)

    def by_region(x, mask) -> np.ndarray:
        return np.bincount(reg[mask], weights=np.asarray(x, float)[mask], minlength=nr)[:nr]

    # experiment support: what each lever saves firms this month
    from rainforest.mechanisms.m10_policy import levers_costs

    actual = levers_costs(eng)
    f = _cost_factor(eng, st) if st["active"] else None
    floor = glob.min_cost_share * w.D.exp_cost[None, :]
    with_f = actual if f is None else np.maximum(actual * f, floor)

    # the live firms' experiments by (region, domain) cell, summed once: every lever below
    # saves a cost per experiment that depends only on the cell
    fi = np.flatnonzero(firm)
    per_person = np.where(O.kind[fi] == STARTUP, glob.exp_per_person, glob.est_per_person)
    cell_f = reg[fi] * with_f.shape[1] + dom[fi]
    n_exp = np.bincount(cell_f, weights=per_person * emp[fi], minlength=with_f.size)
    n_exp = n_exp.reshape(with_f.shape)

    def saved(cost_without) -> np.ndarray:
        return (np.maximum(cost_without - with_f, 0.0) * n_exp).sum(axis=1)

    out = dict.fromkeys(_COST_NAMES, np.zeros(nr))  # entries are replaced, never written into
    if R.vouchers.any():
        out["public_vouchers"] = saved(_costs_without(eng, "vouchers", f))
    if R.shared_labs.any():
        out["public_shared_labs"] = saved(_costs_without(eng, "shared_labs", f))
    if f is not None:
        for name, field in (
            ("public_model_community", "model_community"),
            ("public_self_driving_labs", "self_driving_labs"),
        ):
            if _vec(st, field).any():
                g = _cost_factor_without(eng, st, field)
                out[name] = saved(actual * (1.0 if g is None else g))
        power = _vec(st, "compute_power_price")
        if (power < 1.0).any():
            g = _cost_factor_without(eng, st, "compute_power_price")
            out["public_power"] = saved(actual * (1.0 if g is None else g))
    cheap = np.maximum(1.0 - R.land, 0.0)
    if cheap.any():
        out["public_land"] = by_region(emp * R.rent[reg] * cheap[reg], firm)
    if R.open_scen.any():
        young = start & (month - O.founded[:n] < glob.open_scen_months)
        fit = O.fit[:n]
        rev = emp * glob.rev_per_emp * fit * fit * w.D.market[dom]
        # the public buyers' share only: trusted early users (early_users) buy privately
        public = st["base"]["open_scen"] if "open_scen" in st["written"] else R.open_scen
        rev = rev * glob.open_scen_rev * public[reg] * (fit > glob.rev_min_fit)
        out["public_first_buyers"] = by_region(rev, young)
    if st["active"]:
        _cash_instruments(eng, st, out, n, start, reg, dom, emp, by_region)
    if st["active"] or moving:
        _more_instruments(eng, st, out, n, firm, start, reg, emp, moving)
    if st["active"] and "rent_paid" in st:  # the office rent reported is the one firms paid
        acc[:, accounts.column("office_rent")] = st.pop("rent_paid")
    cols = accounts.columns(*_COST_NAMES, TOTAL, SUBSIDIES)
    vals = np.array([out[name] for name in _COST_NAMES], np.float64)  # each one per region
    _book_costs(acc, cols[:-2], vals, int(cols[-2]), int(cols[-1]))
    if st["learning"]:
        _learn(eng, st, start, reg)


_COST_NAMES = tuple(name for name, *_ in COSTS)


@njit(cache=True)
def _book_costs(acc, cols, vals, total, subsidies):
    """Each instrument's cost of the month into its account (``vals[c]``, one per region, into
    column ``cols[c]``) and public spending up by the subsidies paid plus the instruments' costs
    summed in their order (as Python's ``sum`` of the arrays did, to the same bits)."""
    for r in range(acc.shape[0]):
        tot = 0.0
        for c in range(cols.shape[0]):
            acc[r, cols[c]] += vals[c, r]
            tot += vals[c, r]
        acc[r, total] += acc[r, subsidies] + tot


def _more_instruments(eng, st, out, n, firm, start, reg, emp, moving) -> None:
    """Patent subsidies, case-by-case support and (last: the month is booked where firms
    were) firms relocating (:mod:`rainforest.mechanisms.m17_more`)."""
    rng = np.random.default_rng([int(eng.inputs["seed"]) & (2**62 - 1), 17])
    ins, acc = st["ins"], eng.acc
    out["public_patent_subsidy"] = more.patent_subsidy(eng, ins, n, firm, reg, emp, rng, acc)
    out["public_case_support"] = more.case_support(eng, st, ins, n, start, reg, rng, acc)
    if moving:
        out["public_relocation"] = more.relocate(eng, ins, n, reg, rng, acc)


def _costs_without(eng, key: str, f) -> np.ndarray:
    """Experiment costs with lever ``key`` at 0 (what firms would pay without it)."""
    from rainforest.mechanisms.m10_policy import levers_costs

    c = levers_costs(eng, key)
    return c if f is None else c * f


def _cost_factor_without(eng, st: dict, field: str) -> np.ndarray | None:
    """The cost multiplier with one instrument switched off."""
    ins = st["ins"]
    neutral = 1.0 if field == "compute_power_price" else 0.0
    st["ins"] = [i.model_copy(update={field: neutral}) for i in ins]
    try:
        return _cost_factor(eng, st)
    finally:
        st["ins"] = ins


def _cash_instruments(eng, st, out, n, start, reg, dom, emp, by_region) -> None:
    """Instruments that pay cash to eligible startups this month; records what each costs."""
    w, month, scale = eng.w, eng.month, eng.scale
    O, R, glob = w.O, w.R, w.glob
    p = eng.sc.mechanisms.instruments
    age = month - O.founded[:n]
    cash = O.cash
    rng = np.random.default_rng([int(eng.inputs["seed"]) & (2**62 - 1), 13])
    desk = R.rent[reg] * R.land[reg]

    offices = _vec(st, "one_yuan_offices")
    if offices.any():
        pay = np.where(start & (age < p.office_months), offices[reg] * emp * desk, 0.0)
        cash[:n] += pay
        out["public_offices"] = by_region(pay, start)
    flats = _vec(st, "talent_apartments")
    if flats.any():
        pay = np.where(start, flats[reg] * emp * p.housing_allowance, 0.0)
        cash[:n] += pay
        out["public_apartments"] = by_region(pay, start)
    rate = _vec(st, "state_prea_rate")
    cheque = _vec(st, "state_prea_cheque")
    if (rate * cheque).any():
        elig = start & (O.rounds[:n] >= 1) & (age <= p.prea_max_age) & (O.fit[:n] >= p.prea_min_fit)
        got = elig & (rng.random(n) < rate[reg])
        pay = np.where(got, cheque[reg], 0.0)
        cash[:n] += pay
        O.raised[:n] += pay
        out["public_prea"] = by_region(pay, got)
    relay = _vec(st, "relay_fund")
    if relay.any():
        exp_cost = eng.inputs["exp_cost"]
        burn = emp * (
            glob.startup_pay * R.wage[reg] + desk + glob.exp_per_person * exp_cost[reg, dom]
        )
        short = start & (O.rounds[:n] >= p.relay_min_rounds)
        short &= cash[:n] < p.relay_runway_months * burn
        short &= O.fit[:n] >= glob.rescue_min_fit
        paid = np.zeros(len(relay))
        for r in np.flatnonzero(relay):
            budget = relay[r] / 12.0 / scale  # simulated firms stand for ``scale`` real ones
            idx = np.flatnonzero(short & (reg == r))
            idx = idx[np.argsort(-O.fit[idx], kind="stable")]
            k = int(min(len(idx), np.floor(budget / p.relay_cheque + rng.random())))
            if k > 0 and p.relay_cheque > 0:
                cash[idx[:k]] += p.relay_cheque
                O.raised[idx[:k]] += p.relay_cheque
                paid[r] = k * p.relay_cheque
        out["public_relay"] = paid
    loans_share = _vec(st, "venture_loans")
    if loans_share.any():
        loans = st["loans"]
        if loans.shape[0] < O.cash.shape[0]:
            loans = np.concatenate([loans, np.zeros(O.cash.shape[0] - loans.shape[0])])
        V = w.V
        nv = int(V.n[0])
        now = V.month[:nv] == month
        raised = np.bincount(V.org[:nv][now], weights=V.amount[:nv][now], minlength=n)[:n]
        lend = np.where(start & (raised > 0), loans_share[reg] * raised, 0.0)
        cash[:n] += lend
        loans[:n] += lend
        failed = (O.alive[:n] == 0) & (O.exit[:n] == EXIT_FAIL) & (loans[:n] > 0)
        loss = np.where(failed, loans[:n] * p.loan_guarantee_share, 0.0)
        out["public_guarantees"] = by_region(loss, failed)
        loans[:n][failed] = 0.0
        st["loans"] = loans
    opc = _vec(st, "opc_grant")
    if opc.any():
        new = start & (O.founded[:n] == month) & (emp <= 1.0)
        pay = np.where(new, opc[reg], 0.0)
        cash[:n] += pay
        out["public_opc"] = by_region(pay, new)
    sector = [i.sector_domain for i in st["ins"]]
    budget = _vec(st, "sector_budget")
    if budget.any():
        paid = np.zeros(len(budget))
        for r in np.flatnonzero(budget):
            if not sector[r]:
                continue
            d = w.domain_names.index(sector[r])
            idx = np.flatnonzero(start & (reg == r) & (dom == d))
            if len(idx):
                each = budget[r] / 12.0 / scale / len(idx)
                cash[idx] += each
                paid[r] = each * len(idx)
        out["public_sector"] = paid
    serv = _vec(st, "founder_services")
    if serv.any():
        new = start & (O.founded[:n] == month)
        out["public_founder_services"] = by_region(serv[reg] * p.founder_services_cost, new)
    # fixed costs are real amounts: divided by the scale the accounts are multiplied by
    out["public_data"] = _vec(st, "data_circulation") * p.data_cost / 12.0 / scale
    out["public_task_force"] = _vec(st, "ai_task_force") * R.wage / scale
    out["public_recruitment"] = _vec(st, "founder_recruitment") / 12.0 * p.recruit_cost / scale


def _learn(eng, st: dict, start: np.ndarray, reg: np.ndarray) -> None:
    """Record this month's signals; at a review, queue lever changes due after the lag."""
    w, acc = eng.w, eng.acc
    nr = acc.shape[0]
    O = w.O
    n = start.shape[0]
    cash = O.cash[:n]
    burn = O.emp[:n] * w.R.wage[reg]
    months = np.array([cfg.short_cash_months for cfg in st["learn"]])
    short = np.bincount(reg[start & (cash < months[reg] * burn)], minlength=nr)[:nr]
    alive = np.maximum(np.bincount(reg[start], minlength=nr)[:nr], 1)
    found = acc[:, accounts.column("foundings")].copy()
    spend = acc[:, accounts.column(TOTAL)] * eng.scale
    st["history"].append((found, short / alive, spend))
    for r, cfg in enumerate(st["learn"]):
        if not cfg.enabled or eng.month % cfg.review_months != cfg.review_months - 1:
            continue
        k = cfg.review_months
        if len(st["history"]) < 2 * k:
            continue
        now = st["history"][-k:]
        before = st["history"][-2 * k : -k]
        f_now = sum(h[0][r] for h in now)
        f_before = sum(h[0][r] for h in before)
        demand = float(np.mean([h[1][r] for h in now]))
        spent = sum(h[2][r] for h in now) * 12.0 / k
        push = (1.0 - cfg.demand_weight) * (1.0 if f_now < f_before else -1.0)
        push += cfg.demand_weight * (1.0 if demand > cfg.demand_threshold else -1.0)
        if cfg.budget > 0 and spent > cfg.budget:
            push = -1.0
        delta = np.full(len(LEARN_LEVERS), cfg.step * float(np.sign(push)))
        st["queue"].append((eng.month + 1 + cfg.lag_months, r, delta))


MECHANISM = declare(
    Mechanism(
        code="M17",
        name="instruments",
        title="The essays' missing instruments, public cost by instrument, a learning government",
        module=__name__,
        params=("regions.*.instruments", "regions.*.learning", "mechanisms.instruments"),
        metrics=tuple(m.name for m in _METRICS),
        hooks=(
            Hook("instruments.levers", levers, compiled=False, doc="levers from instruments"),
            Hook("instruments.costs", costs, compiled=False, doc="experiment costs (instruments)"),
            Hook("instruments.account", account, compiled=False, doc="cash and public cost"),
        ),
        off={
            "regions.*.instruments": {},
            "regions.*.learning.enabled": False,
            "mechanisms.instruments.accounting": False,
        },
        direction_tests=(
            "tests/test_instruments.py::test_cash_instruments_keep_startups_alive",
            "tests/test_instruments.py::test_cost_instruments_cut_experiment_spending",
            "tests/test_instruments.py::test_delay_and_space_instruments",
            "tests/test_instruments.py::test_learning_government_raises_levers_when_firms_struggle",
            "tests/test_instruments_more.py::"
            "test_patent_subsidy_raises_patents_case_support_raises_high_growth_per_yuan",
            "tests/test_instruments_more.py::"
            "test_data_rules_raise_data_domains_costs_and_pilots_relax_them",
            "tests/test_instruments_more.py::"
            "test_online_communities_raise_and_data_rules_cut_cross_region_ideas",
            "tests/test_remote_ties.py::"
            "test_online_communities_raise_and_data_rules_cut_remote_ties",
            "tests/test_instruments_more.py::"
            "test_a_relocation_grant_draws_firms_and_their_people_are_conserved",
        ),
        references=(
            "seed 002: 模力社区, 1元办公空间, 定向公寓, Pre-A轮, 投贷联动, 超级个体, 数据流通试点",
            "seed 004: 机器人+; recruiting founders from abroad; 游科 moved from Shenzhen (firm "
            "relocation), 以投带引",
            "seed 000: online communities without park boundaries (駭客屋、Substack、X)",
            "ai-opinion: seed 003: AI专班, 大模型训练用电, 专利数量 vs 一事一议, 数据本地化",
        ),
    )
)
