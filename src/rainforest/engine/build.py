"""Scenario + seed + scale -> the initial state of a run.

At population scale k the run simulates a 1/k sample of each region's people, established firms
and university output, in the region's real geometry; each sampled person or firm stands for k
real ones. Unique institutions (anchors, facilities, universities) stay single, with 1/k of
their staff, and every investor keeps its identity with 1/k of its dry powder. Rates per person
and per firm are unchanged, so expected outputs in real units do not depend on k.

With ``mechanisms.initial.one_to_one_orgs`` (issue 15 item 5) firms are not sampled: every real
established firm is a row with its real head count (``O.target``, what its economics use) and
about 1/k of its people sampled (``common.sampled_head``), and investors hold their real money;
people stay a 1/k sample. So a unicorn or an IPO is one real firm, not k.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np

from rainforest.engine.params import (
    DomainP,
    Globals,
    RegionP,
    domain_params,
    globals_,
    one_to_one,
    region_params,
    stage_weights,
)
from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import sampled_head
from rainforest.mechanisms.m08_knowledge import UniP
from rainforest.scenario.schema import INVESTOR_KINDS, SKILLS, Scenario
from rainforest.state import tables as S

Geo = namedtuple("Geo", "cell_x cell_y cell_region reg_cell0 reg_ncell kf ktot")

MAX_CELLS_PER_SIDE = 64


def stochastic_round(x: float, rng: np.random.Generator) -> int:
    """Round ``x`` up with probability equal to its fractional part (unbiased)."""
    base = int(np.floor(x))
    return base + int(rng.random() < x - base)


@dataclass
class World:
    """Everything a run mutates, plus the fixed parameter tables and bookkeeping."""

    sc: Scenario
    scale: float
    region_names: list[str]
    domain_names: list[str]
    R: RegionP
    D: DomainP
    glob: Globals
    G: Geo
    P: S.People
    O: S.Orgs
    I: S.Investors
    V: S.Investments
    E: S.Events
    U: UniP
    base_mix: np.ndarray
    skill_cdf: np.ndarray
    incumbent_of: np.ndarray
    state_of: np.ndarray
    anchor_ids: np.ndarray
    anchor_emp0: np.ndarray
    anchor_platform0: np.ndarray
    anchor_strength0: np.ndarray
    facility_ids: np.ndarray
    facility_rate: np.ndarray
    facility_lag: np.ndarray
    facility_spill: np.ndarray
    facility_stock: np.ndarray
    university_strength: np.ndarray
    inst_org: np.ndarray
    inst_dom: np.ndarray
    pop_target: np.ndarray
    patent_stock: np.ndarray
    belief_memory: np.ndarray
    pipeline: list = field(default_factory=list)  # (mature month, facility index)
    frozen_until: list = field(default_factory=list)  # (month, investor ids)


def _geometry(sc: Scenario, rng: np.random.Generator, n_domains: int) -> Geo:
    cell_km = sc.mechanisms.contacts.cell_km
    xs, ys, regs, c0, nc = [], [], [], [], []
    offset = 0.0
    for r, reg in enumerate(sc.regions.values()):
        side = float(np.sqrt(reg.area_km2))
        g = int(min(max(np.ceil(side / cell_km), 1), MAX_CELLS_PER_SIDE))
        size = side / g
        ii, jj = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
        # regions are laid side by side far apart; cross-region distance comes from
        # `distances_km`, not from these coordinates
        xs.append(offset + (ii.ravel() + 0.5) * size)
        ys.append((jj.ravel() + 0.5) * size)
        regs.append(np.full(g * g, r, np.int32))
        c0.append(sum(len(x) for x in xs[:-1]))
        nc.append(g * g)
        offset += side + 1000.0
    cx = np.concatenate(xs)
    return Geo(
        cell_x=cx,
        cell_y=np.concatenate(ys),
        cell_region=np.concatenate(regs),
        reg_cell0=np.array(c0, np.int64),
        reg_ncell=np.array(nc, np.int64),
        kf=np.zeros((len(cx), n_domains)),
        ktot=np.zeros(len(cx)),
    )


def _domain_weights(mix: dict[str, float], names: list[str]) -> np.ndarray:
    if not mix:
        return np.full(len(names), 1.0 / len(names))
    w = np.array([mix.get(n, 0.0) for n in names], dtype=np.float64)
    return w / w.sum() if w.sum() > 0 else np.full(len(names), 1.0 / len(names))


def _initial_alumni(
    sc: Scenario, P: S.People, O: S.Orgs, U: UniP, start_month: int, rng: np.random.Generator
) -> None:
    """Where the initial people studied (``P.uni``, ``P.cohort``; issue 14's alumni groups).

    Each person drew a graduation age as M8's graduates do (``graduate_age_min`` plus up to
    ``graduate_age_span`` years); one already past it graduated locally with chance
    ``min(1, G_r / N_r(a))``: the region's graduates a year ``G_r`` over its people per year of
    age at their age ``a`` (the build's age distribution), so each birth cohort holds one
    year's graduates, as steady graduation without moving away would leave. The university is
    one of the region's, weighted by graduates a year; a region without one leaves everyone -1.
    The draws come from a generator jumped ahead of ``rng`` (``rng`` itself is not advanced),
    so the first edition's random stream is untouched."""
    if U.org.shape[0] == 0:
        return
    sp, ini = sc.mechanisms.spillovers, sc.mechanisms.initial
    alt = np.random.Generator(rng.bit_generator.jumped())
    n = int(P.n[0])
    uni_region = O.region[U.org]
    for r, reg in enumerate(sc.regions.values()):
        mine = np.flatnonzero(uni_region == r)
        grads = U.grad[mine].sum()
        if mine.size == 0 or grads <= 0:
            continue
        rows = np.flatnonzero(P.region[:n] == r)
        age = (start_month - P.birth[rows]) / 12.0
        g = sp.graduate_age_min + alt.integers(sp.graduate_age_span, size=rows.size)
        young, old = reg.under35_share, 1.0 - reg.under35_share
        per_year = np.where(
            age < 35.0,
            rows.size * young / max(35.0 - ini.person_age_min, 1e-9),
            rows.size * old / max(ini.person_age_max - 35.0, 1e-9),
        )
        chance = np.minimum(1.0, grads / np.maximum(per_year, 1e-9))
        hit = (age >= g) & (alt.random(rows.size) < chance)
        rows, g = rows[hit], g[hit]
        w = U.grad[mine] / grads
        pick = np.minimum(np.searchsorted(np.cumsum(w), alt.random(rows.size), side="right"),
                          mine.size - 1)  # fmt: skip
        P.uni[rows] = U.org[mine[pick]]
        P.cohort[rows] = np.floor_divide(P.birth[rows] + 12 * g, 12)


def build_world(sc: Scenario, scale: float, rng: np.random.Generator, start_month: int) -> World:
    """Create the initial state of a run (month ``start_month``; negative during warm-up)."""
    k = float(scale)
    names = [d.name for d in sc.domains]
    nd = len(names)
    regions = list(sc.regions.values())
    nr = len(regions)
    R = region_params(sc)
    D = domain_params(sc)
    glob = globals_(sc, k)
    ini, spill = sc.mechanisms.initial, sc.mechanisms.spillovers
    people_spin = sc.mechanisms.people_spinoffs.enabled  # M16 replaces spinout_rate
    G = _geometry(sc, rng, nd)

    n_people = np.array([stochastic_round(r.population / k, rng) for r in regions])
    total = int(n_people.sum())
    P = S.allocate("People", int(total * 1.6) + 1024)
    o2o = one_to_one(sc, k)
    k_org = 1.0 if o2o else k  # the real firms one firm row stands for
    n_firms = [stochastic_round(r.initial_firms / k_org, rng) for r in regions]
    n_inst = sum(len(r.anchors) + len(r.facilities) + len(r.universities) for r in regions)
    O = S.allocate("Orgs", int(sum(n_firms) + n_inst + 2 * nr + total * 0.05 + 1024))
    n_inv = sum(p.count for r in regions for p in r.investors)
    I = S.allocate("Investors", n_inv + 1024)
    V = S.allocate("Investments", max(4096, total // 5))
    E = S.allocate("Events", max(16384, total))

    base_mix = np.zeros((nr, nd))
    skill_cdf = np.zeros((nr, len(SKILLS)))
    incumbent_of = np.zeros(nr, np.int32)
    state_of = np.zeros(nr, np.int32)
    anchors, a_emp0, a_plat, a_str = [], [], [], []
    facilities, f_rate, f_lag, f_spill = [], [], [], []
    unis: dict[str, list] = {
        "org": [],
        "grad": [],
        "pat": [],
        "conv": [],
        "spin": [],
        "cred": [],
        "dom": [],
    }
    uni_strength = []
    inst_org, inst_dom = [], []

    def add_org(kind, r, cell, domain, month, weight):
        o = int(O.n[0])
        O.n[0] = o + 1
        O.kind[o] = kind
        O.alive[o] = 1
        O.region[o] = r
        O.cell[o] = cell
        O.domain[o] = domain
        O.founded[o] = month
        O.shares[o] = 1.0
        O.weight[o] = weight
        O.prod[o] = 1.0
        return o

    def random_cell(r):
        return int(G.reg_cell0[r] + rng.integers(G.reg_ncell[r]))

    p_start = 0
    for r, reg in enumerate(regions):
        base_mix[r] = _domain_weights(reg.domain_mix, names)
        mix = np.array([reg.skill_mix.get(s, 0.0) for s in SKILLS])
        skill_cdf[r] = np.cumsum(mix / mix.sum())
        skill_cdf[r, -1] = 1.0
        incumbent_of[r] = add_org(S.INCUMBENT, r, random_cell(r), 0, start_month - 240, 0.0)
        state_of[r] = add_org(S.STATE, r, random_cell(r), 0, start_month - 240, 0.0)
        O.state[state_of[r]] = 1
        targets = []  # (org, headcount)
        for u in reg.universities:
            o = add_org(S.UNIVERSITY, r, random_cell(r), 0, start_month - 600, 1.0)
            dom = _domain_weights(u.domains, names)
            unis["org"].append(o)
            unis["grad"].append(u.graduates_per_year / k)
            unis["pat"].append(u.patents_per_year / k)
            unis["conv"].append(u.conversion_rate)
            unis["spin"].append(u.spinout_share)
            unis["cred"].append(u.credential_share)
            unis["dom"].append(dom)
            strength = u.spillover * np.sqrt(
                1.0 + u.patents_per_year / spill.university_patent_scale
            )
            uni_strength.append(strength)
            inst_org.append(o)
            inst_dom.append(dom)
        for f in reg.facilities:
            o = add_org(
                S.FACILITY, r, random_cell(r), names.index(f.domain), start_month - 360, 1.0
            )
            O.state[o] = 1
            O.spin_rate[o] = 0.0 if people_spin else f.spinout_rate
            facilities.append(o)
            f_rate.append(f.breakthroughs_per_year)
            f_lag.append(f.lag_months)
            f_spill.append(f.spillover)
            targets.append((o, stochastic_round(f.staff / k, rng)))
            inst_org.append(o)
            inst_dom.append(np.eye(nd)[names.index(f.domain)])
        for a in reg.anchors:
            o = add_org(S.ANCHOR, r, random_cell(r), names.index(a.domain), start_month - 240, 1.0)
            O.spin_rate[o] = 0.0 if people_spin else a.spinout_rate
            O.demand[o] = a.local_demand
            O.state[o] = int(a.state_linked)
            O.listed[o] = int(a.listed)
            O.prod[o] = a.productivity
            O.fit[o] = O.theta[o] = 0.8
            head = stochastic_round(a.employees / k, rng)
            targets.append((o, head))
            anchors.append(o)
            a_emp0.append(max(head, 1))
            a_plat.append(a.platform_services)
            a_str.append(a.spillover * np.sqrt(1.0 + a.employees / spill.anchor_staff_scale))
            inst_org.append(o)
            inst_dom.append(np.eye(nd)[names.index(a.domain)])
        # established firms: Zipf sizes (Axtell 2001), random ages and fits
        nf = n_firms[r]
        sizes = np.minimum(
            np.floor(ini.firm_size_min / pm.power(rng.random(nf), 1 / ini.firm_size_exponent)),
            ini.firm_size_max,
        ).astype(np.int64)
        n_r = int(n_people[r])
        employable = int(n_r * (1 - reg.unemployment)) - sum(h for _, h in targets)
        # firms one to one: their sizes are real, their sampled staff about 1/k of it
        cap = ini.firm_employment_cap * (k / k_org)
        if sizes.sum() > cap * max(employable, 0):
            sizes = np.maximum(1, (sizes * cap * max(employable, 0) / sizes.sum())).astype(np.int64)
        n_listed = stochastic_round(reg.initial_listed / k_org, rng)
        order = np.argsort(-sizes, kind="stable")
        firm_ids = np.empty(nf, np.int64)
        for rank, x in enumerate(order):
            d = int(rng.choice(nd, p=base_mix[r]))
            kind = S.LISTED if rank < n_listed else S.SME
            cell = random_cell(r)  # drawn before the age, as the argument order once did
            age = int(rng.integers(ini.firm_age_min, ini.firm_age_max))
            o = add_org(kind, r, cell, d, start_month - age, k_org)
            O.listed[o] = int(rank < n_listed)
            O.fit[o] = rng.uniform(ini.firm_fit_low, ini.firm_fit_high)
            O.theta[o] = O.fit[o]
            O.origin[o] = S.INITIAL
            firm_ids[x] = o
        for x in range(nf):
            o = int(firm_ids[x])
            if o2o:  # sampled staff: real size / k after the firm's fixed offset
                targets.append((o, sampled_head(O, o, glob, float(sizes[x])), float(sizes[x])))
            else:
                targets.append((o, int(sizes[x])))

        # people of the region
        sl = slice(p_start, p_start + n_r)
        P.status[sl] = S.EMPLOYED
        P.region[sl] = r
        P.cell[sl] = G.reg_cell0[r] + rng.integers(G.reg_ncell[r], size=n_r)
        P.skill[sl] = np.searchsorted(skill_cdf[r], rng.random(n_r), side="right").clip(0, 3)
        P.cred[sl] = rng.random(n_r) < reg.credential_share
        young = rng.random(n_r) < reg.under35_share
        # 35: the boundary that under35_share defines
        age_years = np.where(
            young,
            rng.uniform(ini.person_age_min, 35, n_r),
            rng.uniform(35, ini.person_age_max, n_r),
        )
        P.birth[sl] = start_month - (age_years * 12).astype(np.int32)
        P.settled[sl] = P.birth[sl]
        P.risk[sl] = np.clip(
            rng.normal(reg.culture.risk_appetite, reg.culture.risk_appetite_sd, n_r), 0, 1
        )
        P.exp[sl] = 0
        ids = np.arange(p_start, p_start + n_r)
        rng.shuffle(ids)
        n_unemp = int(round(n_r * reg.unemployment))
        P.status[ids[:n_unemp]] = S.UNEMPLOYED
        P.employer[ids[:n_unemp]] = -1
        pos = n_unemp
        for o, head, *real in targets:
            head = min(head, n_r - pos)
            P.employer[ids[pos : pos + head]] = o
            O.emp[o] += head
            O.target[o] = real[0] if real else max(head, 1)
            O.head[o] = real[0] if real else 0.0
            pos += head
        rest = ids[pos:]
        to_state = rng.random(len(rest)) < reg.state_employment_share
        P.employer[rest] = np.where(to_state, state_of[r], incumbent_of[r])
        O.emp[state_of[r]] += int(to_state.sum())
        O.emp[incumbent_of[r]] += int((~to_state).sum())
        p_start += n_r

        # investors: every agent kept, 1/k of the dry powder
        for pool in reg.investors:
            st = stage_weights(pool.stage_preference)
            for _ in range(pool.count):
                v = int(I.n[0])
                I.n[0] = v + 1
                I.kind[v] = INVESTOR_KINDS.index(pool.kind)
                I.region[v] = r
                I.dry[v] = pool.dry_powder / k_org  # real money when firms are one to one
                I.patience[v] = pool.patience
                I.st_seed[v], I.st_early[v], I.st_late[v] = st
                I.risk[v] = pool.risk_appetite
                I.home[v] = pool.home_bias
                I.cred[v] = pool.credential_weight
                I.statepref[v] = pool.state_preference
                I.rescue[v] = int(pool.rescue)
    P.n[0] = p_start

    # established firms start with ``firm_cash_months`` (a year) of costs in the bank
    for o in range(int(O.n[0])):
        if O.kind[o] in (S.SME, S.LISTED):
            r = O.region[o]
            real = O.head[o] if o2o else O.emp[o]  # the firm's real head count
            O.cash[o] = ini.firm_cash_months * real * (R.wage[r] + R.rent[r])

    U = UniP(
        org=np.array(unis["org"], np.int32),
        grad=np.array(unis["grad"], np.float64),
        pat=np.array(unis["pat"], np.float64),
        conv=np.array(unis["conv"], np.float64),
        spin=np.array(unis["spin"], np.float64),
        cred=np.array(unis["cred"], np.float64),
        dom=np.array(unis["dom"], np.float64).reshape(len(unis["org"]), nd),
    )
    _initial_alumni(sc, P, O, U, start_month, rng)
    return World(
        sc=sc,
        scale=k,
        region_names=list(sc.regions),
        domain_names=names,
        R=R,
        D=D,
        glob=glob,
        G=G,
        P=P,
        O=O,
        I=I,
        V=V,
        E=E,
        U=U,
        base_mix=base_mix,
        skill_cdf=skill_cdf,
        incumbent_of=incumbent_of,
        state_of=state_of,
        anchor_ids=np.array(anchors, np.int64),
        anchor_emp0=np.array(a_emp0, np.float64),
        anchor_platform0=np.array(a_plat, np.float64),
        anchor_strength0=np.array(a_str, np.float64),
        facility_ids=np.array(facilities, np.int64),
        facility_rate=np.array(f_rate),
        facility_lag=np.array(f_lag),
        facility_spill=np.array(f_spill),
        facility_stock=np.zeros(len(facilities)),
        university_strength=np.array(uni_strength),
        inst_org=np.array(inst_org, np.int64),
        inst_dom=np.array(inst_dom, np.float64).reshape(len(inst_org), nd),
        pop_target=n_people.astype(np.float64),
        patent_stock=np.array([r.initial_patent_stock / k for r in regions], np.float64),
        belief_memory=np.zeros(nr),
    )
