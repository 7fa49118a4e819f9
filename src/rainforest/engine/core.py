"""The monthly loop: one call per mechanism kernel, in a fixed order, over struct-of-arrays state.

A run is a function of (scenario, seed, scale, package version). All randomness comes from one
``numpy.random.Generator`` made from the seed; every month the engine draws one integer from it
to seed Numba's generator, so kernels are reproducible whatever process or thread runs them.
Per-person work is O(people) per month in compiled kernels; rare events (ideas, foundings,
spin-outs) are sampled by thinning, at a cost proportional to their number.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from rainforest.engine import state as S
from rainforest.engine.accounts import (
    IDX,
    M_BREAKTHROUGHS,
    M_CONTACT_SAMPLE,
    M_CROSS_SAMPLE,
    M_PATENT_STOCK,
    M_PATENTS,
    METRICS,
    UNSCALED,
)
from rainforest.engine.bookkeeping import add_entrants, org_metrics
from rainforest.engine.build import World, build_world
from rainforest.engine.params import distance_matrix, policy_arrays
from rainforest.mechanisms import m01_contacts as m01
from rainforest.mechanisms import m02_ideas as m02
from rainforest.mechanisms import m03_founding as m03
from rainforest.mechanisms import m04_experiments as m04
from rainforest.mechanisms import m05_capital as m05
from rainforest.mechanisms import m06_lifecycle as m06
from rainforest.mechanisms import m07_anchors as m07
from rainforest.mechanisms import m08_knowledge as m08
from rainforest.mechanisms import m09_belief as m09
from rainforest.mechanisms import m10_policy as m10
from rainforest.mechanisms import m11_migration as m11
from rainforest.mechanisms.common import add_event, seed_numba
from rainforest.scenario import with_values
from rainforest.scenario.schema import Scenario

SeedLike = int | np.random.SeedSequence | np.random.Generator | None
DIST_BIN_KM = 0.5
DIST_BINS = 40
CONTACT_SAMPLE_PER_REGION = 400


def make_rng(seed: SeedLike) -> np.random.Generator:
    """One generator from an int, a SeedSequence, a Generator (used as is) or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


class Engine:
    """A run in progress. ``Engine(scenario, seed, scale).run(months)``; most users call
    :func:`rainforest.simulate` instead."""

    def __init__(self, sc: Scenario, seed: SeedLike = 0, scale: float | None = None):
        self.sc = sc
        self.scale = float(scale if scale is not None else sc.scale)
        if self.scale <= 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        self.rng = make_rng(seed)
        self.month = -12 * sc.warmup_years
        self.w: World = build_world(sc, self.scale, self.rng, self.month)
        nr = len(self.w.region_names)
        self.acc = np.zeros((nr, len(METRICS)))
        self.records: list[np.ndarray] = []
        self.dist_hist = np.zeros(DIST_BINS)
        self.skills_sample = np.zeros((nr, 2))
        self.successes = np.zeros(nr)
        n_cells = len(self.w.G.cell_x)
        self.n_cells = n_cells
        self.cell_start = np.zeros(n_cells + 1, np.int64)
        self.cell_order = np.zeros(self.w.P.status.shape[0], np.int32)
        self.inv_start = np.zeros(nr + 1, np.int64)
        self.inv_order = np.zeros(self.w.I.kind.shape[0], np.int32)
        self.pool_start = np.zeros(nr + 1, np.int64)
        self.C = m02.allocate_cands(4096)
        self.refound = m02.allocate_cands(4096)
        self.idecay = m09.inspired_decay(sc.mechanisms.belief)
        self._index_investors()
        self._shocks = sorted(sc.shocks, key=lambda s: s.month)
        self.dist = distance_matrix(sc)
        self.turnover = np.array(
            [1.0 - (1.0 - r.turnover) ** (1.0 / 12.0) for r in sc.regions.values()]
        )
        self.people0 = self.w.pop_target.copy()
        self.opportunity = np.zeros(nr)  # foundings per 1,000 people per year, smoothed
        self.invest_pc = np.zeros(nr)  # venture money per person per month, smoothed
        self.timings = {"build_s": 0.0, "steps_s": 0.0}

    # -- helpers ---------------------------------------------------------------------------
    def _index_investors(self) -> None:
        w = self.w
        if self.inv_order.shape[0] < w.I.kind.shape[0]:
            self.inv_order = np.zeros(w.I.kind.shape[0], np.int32)
        m05.index_investors(w.I, len(w.region_names), self.inv_order, self.inv_start)

    def _ensure_room(self) -> None:
        """Grow tables between steps so no kernel can run out of rows mid-month."""
        w = self.w
        n = int(w.P.n[0])
        w.P = S.ensure_room(w.P, int(w.pop_target.sum() * 0.05) + 4096)
        w.O = S.ensure_room(w.O, max(2048, n // 20))
        w.I = S.ensure_room(w.I, 1024)
        w.V = S.ensure_room(w.V, max(4096, n // 20))
        w.E = S.ensure_room(w.E, max(32768, n // 5))
        if self.cell_order.shape[0] < w.P.status.shape[0]:
            self.cell_order = np.zeros(w.P.status.shape[0], np.int32)
        if self.C.person.shape[0] < max(4096, n // 10):
            size = max(4096, n // 5)  # geometric growth: not a copy every month
            self.C = m02.allocate_cands(size)
            old = self.refound
            self.refound = m02.allocate_cands(size)
            for name in old._fields:
                getattr(self.refound, name)[: len(getattr(old, name))] = getattr(old, name)

    def _knowledge(self) -> None:
        """Refresh the knowledge field from institutions' current strengths (few, so NumPy)."""
        w = self.w
        O = w.O
        strength = np.zeros(len(w.inst_org))
        # order of inst_org: per region universities, facilities, anchors (as built)
        uni = {int(o): s for o, s in zip(w.U.org, w.university_strength, strict=True)}
        fac = {int(o): i for i, o in enumerate(w.facility_ids)}
        anc = {int(o): i for i, o in enumerate(w.anchor_ids)}
        for x, o in enumerate(w.inst_org):
            o = int(o)
            if o in uni:
                strength[x] = uni[o]
            elif o in fac:
                i = fac[o]
                strength[x] = w.facility_spill[i] * (1.0 + w.facility_stock[i])
            elif o in anc:
                i = anc[o]
                strength[x] = w.anchor_strength0[i] * min(O.target[o] / w.anchor_emp0[i], 1.0)
        cells = O.cell[w.inst_org] if len(w.inst_org) else np.zeros(0, np.int64)
        kf = m08.knowledge_field(
            w.G.cell_x,
            w.G.cell_y,
            w.G.cell_x[cells],
            w.G.cell_y[cells],
            strength,
            w.inst_dom,
            self.sc.mechanisms.ideas.decay_km,
        )
        w.G.kf[:] = kf
        # diminishing returns: ten labs next door are not ten times one lab
        w.G.ktot[:] = np.log1p(kf.sum(axis=1))
        for r in range(len(w.region_names)):
            c0, nc = w.G.reg_cell0[r], w.G.reg_ncell[r]
            w.R.kmax[r] = w.G.ktot[c0 : c0 + nc].max() if nc else 0.0

    def _facilities(self, month: int) -> None:
        """Breakthroughs arrive, wait out their lag (the valley of death), then spill over."""
        w = self.w
        bt = self.sc.mechanisms.spillovers
        decay = 0.5 ** (1.0 / bt.breakthrough_halflife)
        w.facility_stock *= decay
        for i, o in enumerate(w.facility_ids):
            o = int(o)
            r = int(w.O.region[o])
            for _ in range(self.rng.poisson(w.facility_rate[i] / 12.0)):
                self.acc[r, M_BREAKTHROUGHS] += 1.0
                add_event(w.E, month, S.EV_BREAKTHROUGH, r, o, -1, -1, 0.0, int(w.O.domain[o]))
                w.pipeline.append((month + int(round(w.facility_lag[i])), i))
        due = [p for p in w.pipeline if p[0] <= month]
        w.pipeline = [p for p in w.pipeline if p[0] > month]
        k = self.scale
        for _, i in due:
            o = int(w.facility_ids[i])
            r = int(w.O.region[o])
            d = int(w.O.domain[o])
            w.facility_stock[i] += bt.breakthrough_knowledge
            for _ in range(self.rng.poisson(2.0 / k)):
                m08.tech_transfer(w.O, r, d, o, month, self.acc, w.E)
            if self.rng.random() < 0.5 / k:
                lo, hi = self.emp_start[o], self.emp_start[o + 1]
                if hi > lo:
                    person = int(self.emp_order[lo + self.rng.integers(hi - lo)])
                    q = float(np.exp(self.rng.normal(0.5, 1.0)))
                    m02.add_cand(self.C, person, -1, q, d, S.FROM_FACILITY, o)

    def _apply_shocks(self, month: int) -> None:
        w = self.w
        for s in self._shocks:
            if s.month != month:
                continue
            r = w.region_names.index(s.region)
            if s.kind == "anchor_collapse":
                names = [a.name for a in self.sc.regions[s.region].anchors]
                ids = [int(o) for o in w.anchor_ids if int(w.O.region[o]) == r]
                o = ids[names.index(s.anchor)]
                w.O.target[o] = max(1.0, w.O.target[o] * (1.0 - s.layoff_share))
                add_event(w.E, month, S.EV_SHOCK, r, o, -1, -1, s.layoff_share, int(w.O.domain[o]))
            elif s.kind == "policy_change":
                changed = with_values(self.sc, {f"regions.{s.region}.policy.{s.field}": s.value})
                for key, arr in policy_arrays(changed).items():
                    getattr(w.R, key)[r] = arr[r]
                add_event(w.E, month, S.EV_SHOCK, r, -1, -1, -1, s.value, -1)
            elif s.kind == "funding_winter":
                sel = np.flatnonzero(w.I.region[: w.I.n[0]] == r)
                w.I.frozen[sel] += w.I.dry[sel] * s.capital_cut
                w.I.dry[sel] *= 1.0 - s.capital_cut
                w.frozen_until.append((month + 24, sel))
                add_event(w.E, month, S.EV_SHOCK, r, -1, -1, -1, s.capital_cut, -1)
        for _, sel in [f for f in w.frozen_until if f[0] == month]:
            w.I.dry[sel] += w.I.frozen[sel]
            w.I.frozen[sel] = 0.0

    # -- the month -------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month."""
        w = self.w
        sc = self.sc
        month = self.month
        self._ensure_room()
        P, O, I, V, E, R, D, G, glob = w.P, w.O, w.I, w.V, w.E, w.R, w.D, w.G, w.glob
        acc = self.acc
        acc[:] = 0.0
        seed_numba(int(self.rng.integers(2**62)))
        self._apply_shocks(month)

        m01.index_by_cell(P, self.n_cells, self.cell_order, self.cell_start)
        n_orgs = int(O.n[0])
        self.emp_start = np.zeros(n_orgs + 1, np.int64)
        self.emp_order = np.zeros(int(P.n[0]), np.int32)
        m06.index_by_employer(P, n_orgs, self.emp_order, self.emp_start)
        m06.fire_surplus(P, O, self.emp_order, self.emp_start)

        # knowledge, contacts, ideas, spin-outs (M1, M2, M7, M8)
        self._knowledge()
        people_real = np.diff(self.cell_start[np.r_[G.reg_cell0, len(G.cell_x)]]) * self.scale
        R.contact_rate[:] = m01.contact_rates(
            people_real, R.area, R.third_places, sc.mechanisms.contacts
        )
        R.platform[:] = m07.platform_level(
            O, w.anchor_ids, w.anchor_emp0, w.anchor_platform0, len(w.region_names)
        )
        demand = m07.anchor_demand(
            O, w.anchor_ids, w.anchor_emp0, len(w.region_names), len(w.domain_names)
        )
        cn = sc.mechanisms.connect
        remote_share = glob.remote_share + cn.hybrid * cn.remote_contact_boost
        if month % 12 in cn.event_months:
            remote_share *= cn.event_boost
        remote_share = min(remote_share, 0.9)
        people_sim = people_real / self.scale
        remote_cdf = m01.remote_weights(people_sim, self.dist, cn.contact_distance_km)
        powder = np.bincount(
            I.region[: I.n[0]], weights=I.dry[: I.n[0]], minlength=len(w.region_names)
        )
        invest_cdf = m01.remote_weights(powder, self.dist, cn.investment_distance_km)
        local_share = cn.local_pitch_share - (cn.local_pitch_share - 0.5) * cn.hybrid
        self.C.n[0] = 0
        m02.generate_ideas(
            P,
            O,
            G,
            R,
            glob,
            self.cell_order,
            self.cell_start,
            w.base_mix,
            remote_share,
            remote_cdf,
            month,
            acc,
            self.C,
            E,
        )
        m07.spinout_ideas(P, O, G, glob, self.emp_order, self.emp_start, w.base_mix, self.C)
        m08.universities_month(
            P,
            O,
            G,
            R,
            glob,
            w.U,
            w.skill_cdf,
            month,
            self.cell_order,
            self.cell_start,
            self.C,
            acc,
            E,
        )
        self._facilities(month)
        m01.sample_contacts(
            P,
            G,
            self.cell_order,
            self.cell_start,
            len(w.region_names),
            glob.same_cell_share,
            remote_share,
            remote_cdf,
            CONTACT_SAMPLE_PER_REGION,
            self.skills_sample,
            self.dist_hist,
            DIST_BIN_KM,
        )

        # founding (M3), experiments and books (M4, M10), capital (M5), life cycle (M6)
        m03.decide_and_found(P, O, R, D, glob, self.refound, cn.hybrid, month, acc, E)
        self.refound.n[0] = 0
        m03.decide_and_found(P, O, R, D, glob, self.C, cn.hybrid, month, acc, E)
        exp_cost = m10.experiment_costs(R, D, glob, self.dist, cn)
        m04.firm_month(O, R, D, glob, month, demand, exp_cost, acc, E)
        m05.raise_rounds(
            O,
            I,
            V,
            R,
            D,
            glob,
            month,
            self.inv_order,
            self.inv_start,
            local_share,
            invest_cdf,
            exp_cost,
            acc,
            E,
        )
        self.successes[:] = 0.0
        if m06.lifecycle(O, I, V, R, D, glob, month, self.successes, exp_cost, acc, E) > 0:
            self._index_investors()

        # labour market: retirements and releases, newcomers, hiring, job finding (M6)
        alive = np.zeros(len(w.region_names))
        m06.turnover(P, O, self.turnover, month, acc)
        m06.people_month(P, O, glob, month, self.idecay, alive, acc, self.refound)
        # migration between regions and rents (M11)
        mig = sc.mechanisms.migration
        if len(w.region_names) > 1 and mig.base_rate > 0:
            utility = m11.region_utility(R, self.opportunity, mig)
            cdf = m11.destination_cdf(utility, self.dist, mig)
            m11.migrate(
                P,
                O,
                G,
                cdf,
                mig.base_rate,
                mig.mobile_factor,
                mig.lag_months,
                month,
                w.pop_target,
                acc,
                E,
            )
        add_entrants(P, G, R, w.skill_cdf, month, np.maximum(w.pop_target - alive, 0.0), acc)
        pool = np.zeros(int(P.n[0]), np.int32)
        m06.index_unemployed(P, len(w.region_names), month, pool, self.pool_start)
        m06.hire_and_match(
            P,
            O,
            R,
            glob,
            self.cell_order,
            self.cell_start,
            G,
            pool,
            self.pool_start,
            w.incumbent_of,
            w.state_of,
        )

        m06.count_people(P, month, acc)

        # patents of firms, belief (M8, M9), bookkeeping
        workers = acc[:, IDX["employed"]] + acc[:, IDX["founders"]]
        firm_patents = self.rng.poisson(glob.patent_rate * workers)
        for r, n in enumerate(firm_patents):
            for _ in range(int(n)):
                add_event(E, month, S.EV_PATENT, r, -1, -1, -1, 0.0, -1)
        acc[:, M_PATENTS] += firm_patents
        w.patent_stock *= 1.0 - 1.0 / glob.patent_life
        w.patent_stock += acc[:, M_PATENTS]
        acc[:, M_PATENT_STOCK] = w.patent_stock
        R.belief[:] = m09.update_belief(
            w.belief_memory, self.successes, acc[:, IDX["people"]], R.belief0, sc.mechanisms.belief
        )
        acc[:, IDX["belief"]] = R.belief
        acc[:, IDX["contacts"]] = acc[:, IDX["people"]] * R.contact_rate
        acc[:, M_CONTACT_SAMPLE] = self.skills_sample[:, 0]
        acc[:, M_CROSS_SAMPLE] = self.skills_sample[:, 1]
        self.skills_sample[:] = 0.0
        org_metrics(O, R, self.scale, glob.specialised_fit, acc)
        people_now = np.maximum(acc[:, IDX["people"]], 1.0)
        self.opportunity = 0.9 * self.opportunity + 0.1 * (
            12_000.0 * acc[:, IDX["foundings"]] / people_now
        )
        invest = acc[:, IDX["investment_angel"] : IDX["investment_bank"] + 1].sum(axis=1)
        self.invest_pc = 0.9 * self.invest_pc + 0.1 * invest / people_now
        m11.update_rents(
            R, people_now, self.people0, self.invest_pc / R.wage, 0.0, sc.mechanisms.rents
        )
        acc[:, IDX["office_rent"]] = R.rent
        if E.n[0] >= E.month.shape[0] or P.n[0] >= P.status.shape[0]:
            raise RuntimeError("internal error: a state table filled up during a month")
        if month >= 0:
            self.records.append(acc.copy())
        self.month += 1

    def run(self, months: int, progress: Callable[[int, int], None] | None = None) -> None:
        """Run the warm-up, then ``months`` reported months."""
        total = 12 * self.sc.warmup_years + months
        t0 = time.perf_counter()
        done = 0
        while self.month < months:
            if self.month == 0:
                self.w.E.n[0] = 0  # events of the warm-up are not reported
                self.dist_hist[:] = 0.0
            self.step()
            done += 1
            if progress is not None:
                progress(done, total)
        self.timings["steps_s"] = time.perf_counter() - t0

    def metrics_array(self) -> np.ndarray:
        """Reported accounts in real units: (months, regions, metrics)."""
        if not self.records:
            return np.zeros((0, len(self.w.region_names), len(METRICS)))
        arr = np.stack(self.records)
        scale = np.array([1.0 if m in UNSCALED else self.scale for m in METRICS])
        return arr * scale
