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

from rainforest.engine import guards, phases
from rainforest.engine import state as S
from rainforest.engine.accounts import (
    M_BELIEF,
    M_BREAKTHROUGHS,
    M_CONTACT_SAMPLE,
    M_CONTACTS,
    M_CROSS_SAMPLE,
    M_EMPLOYED,
    M_FOUNDERS,
    M_FOUNDINGS,
    M_INV_ANGEL,
    M_INV_BANK,
    M_PATENT_STOCK,
    M_PATENTS,
    M_PEOPLE,
    M_RENT,
    METRICS,
    UNSCALED,
)
from rainforest.engine.build import World, build_world
from rainforest.engine.params import distance_matrix, policy_arrays
from rainforest.mechanisms import m01_contacts as m01
from rainforest.mechanisms import m02_ideas as m02
from rainforest.mechanisms import m05_capital as m05
from rainforest.mechanisms import m07_anchors as m07
from rainforest.mechanisms import m08_knowledge as m08
from rainforest.mechanisms import m09_belief as m09
from rainforest.mechanisms import m10_policy as m10
from rainforest.mechanisms import m11_migration as m11
from rainforest.mechanisms.common import add_event
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
        self.cell_order = np.zeros(0, np.int32)  # sized with the People table (_ensure_room)
        self.emp_order = np.zeros(0, np.int32)
        self.pool = np.zeros(0, np.int32)
        self.emp_start = np.zeros(0, np.int64)  # sized with the Orgs table
        self.region_cells = np.r_[self.w.G.reg_cell0, n_cells]  # cell_start bounds of regions
        self.alive = np.zeros(nr)
        P = self.w.P
        living = P.status[: P.n[0]] != S.GONE
        self.people_sim = np.bincount(P.region[: P.n[0]][living], minlength=nr).astype(float)
        self.no_demand = np.zeros((nr, len(self.w.domain_names)))
        self.one_region_cdf = np.ones((1, 1))
        self._exp_cost_key: bytes | None = None
        self._exp_cost = np.zeros(0)
        self._inst = None  # knowledge-field sources, indexed on first use (_knowledge)
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
        # free People rows kept before each month (migration keeps the total target constant)
        self._people_room = int(self.people0.sum() * 0.05) + 4096
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
        w.P = S.ensure_room(w.P, self._people_room)
        w.O = S.ensure_room(w.O, max(2048, n // 20))
        w.I = S.ensure_room(w.I, 1024)
        w.V = S.ensure_room(w.V, max(4096, n // 20))
        w.E = S.ensure_room(w.E, max(32768, n // 5))
        if self.cell_order.shape[0] < w.P.status.shape[0]:  # per-person scratch arrays
            cap = w.P.status.shape[0]
            self.cell_order = np.zeros(cap, np.int32)
            self.emp_order = np.zeros(cap, np.int32)
            self.pool = np.zeros(cap, np.int32)
        if self.emp_start.shape[0] < w.O.kind.shape[0] + 1:
            self.emp_start = np.zeros(w.O.kind.shape[0] + 1, np.int64)
        if self.inv_order.shape[0] < w.I.kind.shape[0]:  # the compiled half re-indexes in place
            self._index_investors()
        if self.C.person.shape[0] < max(4096, n // 10):
            size = max(4096, n // 5)  # geometric growth: not a copy every month
            self.C = m02.allocate_cands(size)
            old = self.refound
            self.refound = m02.allocate_cands(size)
            for name in old._fields:
                getattr(self.refound, name)[: len(getattr(old, name))] = getattr(old, name)

    def _knowledge(self) -> None:
        """Refresh the knowledge field from institutions' current strengths (few, so NumPy);
        recomputed only when a strength changed (facility stocks decay monthly; anchors
        shrink in shocks; universities are constant)."""
        w = self.w
        if self._inst is None:
            # order of inst_org: per region universities, facilities, anchors (as built)
            uni = {int(o): s for o, s in zip(w.U.org, w.university_strength, strict=True)}
            fac = {int(o): i for i, o in enumerate(w.facility_ids)}
            anc = {int(o): i for i, o in enumerate(w.anchor_ids)}
            self._inst = {
                "uni": np.array([o in uni for o in map(int, w.inst_org)], bool),
                "uni_strength": np.array([uni.get(int(o), 0.0) for o in w.inst_org]),
                "fac_pos": np.flatnonzero([int(o) in fac for o in w.inst_org]),
                "fac": np.array([fac[int(o)] for o in w.inst_org if int(o) in fac], np.int64),
                "anc_pos": np.flatnonzero([int(o) in anc for o in w.inst_org]),
                "anc": np.array([anc[int(o)] for o in w.inst_org if int(o) in anc], np.int64),
                "last": None,
            }
            if not len(w.inst_org):  # no institutions: the field is zero for good
                self._set_knowledge(np.zeros((len(w.G.cell_x), w.inst_dom.shape[1])))
        if not len(w.inst_org):
            return
        inst = self._inst
        strength = np.where(inst["uni"], inst["uni_strength"], 0.0)
        i = inst["fac"]
        strength[inst["fac_pos"]] = w.facility_spill[i] * (1.0 + w.facility_stock[i])
        i = inst["anc"]
        a = w.anchor_ids[i]
        strength[inst["anc_pos"]] = w.anchor_strength0[i] * np.minimum(
            w.O.target[a] / w.anchor_emp0[i], 1.0
        )
        if inst["last"] is not None and np.array_equal(strength, inst["last"]):
            return
        inst["last"] = strength
        cells = w.O.cell[w.inst_org]
        kf = m08.knowledge_field(
            w.G.cell_x,
            w.G.cell_y,
            w.G.cell_x[cells],
            w.G.cell_y[cells],
            strength,
            w.inst_dom,
            self.sc.mechanisms.ideas.decay_km,
        )
        self._set_knowledge(kf)

    def _set_knowledge(self, kf: np.ndarray) -> None:
        w = self.w
        w.G.kf[:] = kf
        # diminishing returns: ten labs next door are not ten times one lab
        w.G.ktot[:] = np.log1p(kf.sum(axis=1))
        for r in range(len(w.region_names)):
            c0, nc = w.G.reg_cell0[r], w.G.reg_ncell[r]
            w.R.kmax[r] = w.G.ktot[c0 : c0 + nc].max() if nc else 0.0

    def _experiment_costs(self) -> np.ndarray:
        """This month's experiment costs (M10), recomputed only when a lever moved (platform
        levels and policy shocks change the region arrays they depend on)."""
        R = self.w.R
        key = b"".join(a.tobytes() for a in (R.shared_labs, R.platform, R.vouchers, R.supply_chain))
        if key != self._exp_cost_key:
            self._exp_cost_key = key
            self._exp_cost = m10.experiment_costs(
                R, self.w.D, self.w.glob, self.dist, self.sc.mechanisms.connect
            )
        return self._exp_cost

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
        """Advance one month.

        Order: shocks; indices and firing (M6); knowledge field, contact rates, platforms and
        demand (M8, M1, M7); ideas, spin-outs and universities (M2, M7, M8); facilities'
        breakthroughs (M8); contact samples (M1), founding (M3), experiments and books (M4,
        M10), capital (M5), life cycle, turnover and the people's month (M6); migration (M11);
        newcomers, hiring, head counts and firm stocks (M6); patents, belief and rents (M8, M9,
        M11). The compiled parts run as the two halves of :mod:`rainforest.engine.phases`.
        """
        w = self.w
        sc = self.sc
        month = self.month
        self._ensure_room()
        P, O, I, V, E, R, D, G, glob = w.P, w.O, w.I, w.V, w.E, w.R, w.D, w.G, w.glob
        nr = len(w.region_names)
        acc = self.acc
        acc[:] = 0.0
        seed = int(self.rng.integers(2**62))
        if self._shocks:
            self._apply_shocks(month)

        # knowledge, contact rates, platforms, demand, costs and destinations: per region, so
        # NumPy, before the compiled halves (which change none of their inputs)
        self._knowledge()
        people_real = self.people_sim * self.scale
        R.contact_rate[:] = m01.contact_rates(
            people_real, R.area, R.third_places, sc.mechanisms.contacts
        )
        if len(w.anchor_ids):
            R.platform[:] = m07.platform_level(
                O, w.anchor_ids, w.anchor_emp0, w.anchor_platform0, nr
            )
            demand = m07.anchor_demand(O, w.anchor_ids, w.anchor_emp0, nr, len(w.domain_names))
        else:
            R.platform[:] = 0.0
            demand = self.no_demand
        cn = sc.mechanisms.connect
        remote_share = glob.remote_share + cn.hybrid * cn.remote_contact_boost
        if month % 12 in cn.event_months:
            remote_share *= cn.event_boost
        remote_share = min(remote_share, 0.9)
        mig = sc.mechanisms.migration
        migrate = nr > 1 and mig.base_rate > 0
        if nr > 1:
            remote_cdf = m01.remote_weights(self.people_sim, self.dist, cn.contact_distance_km)
            powder = np.bincount(I.region[: I.n[0]], weights=I.dry[: I.n[0]], minlength=nr)
            invest_cdf = m01.remote_weights(powder, self.dist, cn.investment_distance_km)
        else:
            remote_cdf = invest_cdf = self.one_region_cdf
        if migrate:
            utility = m11.region_utility(R, self.opportunity, mig)
            move_cdf = m11.destination_cdf(utility, self.dist, mig)
        else:
            move_cdf = self.one_region_cdf
        local_share = cn.local_pitch_share - (cn.local_pitch_share - 0.5) * cn.hybrid
        exp_cost = self._experiment_costs()

        phases.first_half(
            P, O, G, R, glob, w.U, w.skill_cdf, w.base_mix, seed, self.n_cells,
            self.cell_order, self.cell_start, self.emp_order, self.emp_start, remote_share,
            remote_cdf, month, acc, self.C, E,
        )  # fmt: skip
        if len(w.facility_ids) or w.pipeline:
            self._facilities(month)
        phases.second_half(
            P, O, I, V, R, D, G, glob, w.skill_cdf, self.cell_order, self.cell_start,
            remote_share, remote_cdf, CONTACT_SAMPLE_PER_REGION, self.skills_sample,
            self.dist_hist, DIST_BIN_KM, self.refound, self.C, cn.hybrid, demand, exp_cost,
            self.inv_order, self.inv_start, local_share, invest_cdf, self.successes,
            self.turnover, self.idecay, self.alive, migrate, move_cdf, mig.base_rate,
            mig.mobile_factor, mig.lag_months, w.pop_target, self.pool, self.pool_start,
            w.incumbent_of, w.state_of, month, self.scale, acc, E,
        )  # fmt: skip

        # patents of firms, belief (M8, M9), rents (M11), bookkeeping
        workers = acc[:, M_EMPLOYED] + acc[:, M_FOUNDERS]
        # scalar draws: the same numbers as one array draw, at a tenth of the call overhead
        firm_patents = np.array([self.rng.poisson(x) for x in glob.patent_rate * workers])
        if firm_patents.any():
            m08.patent_events(E, month, firm_patents)
        acc[:, M_PATENTS] += firm_patents
        w.patent_stock *= 1.0 - 1.0 / glob.patent_life
        w.patent_stock += acc[:, M_PATENTS]
        acc[:, M_PATENT_STOCK] = w.patent_stock
        R.belief[:] = m09.update_belief(
            w.belief_memory, self.successes, acc[:, M_PEOPLE], R.belief0, sc.mechanisms.belief
        )
        acc[:, M_BELIEF] = R.belief
        acc[:, M_CONTACTS] = acc[:, M_PEOPLE] * R.contact_rate
        acc[:, M_CONTACT_SAMPLE] = self.skills_sample[:, 0]
        acc[:, M_CROSS_SAMPLE] = self.skills_sample[:, 1]
        self.skills_sample[:] = 0.0
        self.people_sim = acc[:, M_PEOPLE].copy()  # living people, for next month's rates
        people_now = np.maximum(acc[:, M_PEOPLE], 1.0)
        self.opportunity = 0.9 * self.opportunity + 0.1 * (
            12_000.0 * acc[:, M_FOUNDINGS] / people_now
        )
        invest = acc[:, M_INV_ANGEL : M_INV_BANK + 1].sum(axis=1)
        self.invest_pc = 0.9 * self.invest_pc + 0.1 * invest / people_now
        m11.update_rents(
            R, people_now, self.people0, self.invest_pc / R.wage, 0.0, sc.mechanisms.rents
        )
        acc[:, M_RENT] = R.rent
        if E.n[0] >= E.month.shape[0] or P.n[0] >= P.status.shape[0]:
            raise RuntimeError("internal error: a state table filled up during a month")
        if month >= 0:
            self.records.append(acc.copy())
        self.month += 1
        guards.check_month(self)

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
