"""The monthly loop: the month's plan of mechanism hooks over struct-of-arrays state.

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

from rainforest.engine import guards
from rainforest.engine.build import World, build_world
from rainforest.engine.month import Plan, build_plan, run_segment
from rainforest.engine.params import distance_matrix, policy_arrays
from rainforest.mechanisms import m02_ideas as m02
from rainforest.mechanisms import m05_capital as m05
from rainforest.scenario.schema import Scenario
from rainforest.state import accounts
from rainforest.state import tables as S
from rainforest.state.accounts import M_PEOPLE
from rainforest.state.bundles import MonthInputs, Scratch, Tables

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

    def __init__(
        self,
        sc: Scenario,
        seed: SeedLike = 0,
        scale: float | None = None,
        profile: bool = False,
    ):
        self.sc = sc
        self.scale = float(scale if scale is not None else sc.scale)
        if self.scale <= 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        self.rng = make_rng(seed)
        self.month = -12 * sc.warmup_years
        self.w: World = build_world(sc, self.scale, self.rng, self.month)
        nr = len(self.w.region_names)
        self.acc = np.zeros((nr, len(accounts.accounts())))
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
        self.cache: dict = {}  # hooks' private caches between months (by mechanism)
        self.inv_start = np.zeros(nr + 1, np.int64)
        self.inv_order = np.zeros(self.w.I.kind.shape[0], np.int32)
        self.pool_start = np.zeros(nr + 1, np.int64)
        self.C = m02.allocate_cands(4096)
        self.refound = m02.allocate_cands(4096)
        self._index_investors()
        self.shocks = sorted(sc.shocks, key=lambda s: s.month)
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
        # this month's inputs, set by the NumPy-side hooks (see rainforest.state.bundles)
        self.inputs: dict = {
            "month": self.month,
            "seed": 0,
            "n_cells": n_cells,
            "scale": self.scale,
            "contact_sample": CONTACT_SAMPLE_PER_REGION,
            "bin_km": DIST_BIN_KM,
        }
        self.plan: Plan = build_plan(profile)
        self.hook_seconds: dict[str, float] | None = {} if profile else None

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

    def reserve_people(self, arrivals: int) -> None:
        """Make room for ``arrivals`` more people this month than the usual room holds (a
        NumPy-side hook that adds many newcomers calls it before the compiled part of the
        month; the tables it bundles are built afresh). Growing the tables changes no draw."""
        room = self._people_room
        if self.w.P.status.shape[0] - int(self.w.P.n[0]) < int(arrivals) + room:
            self._people_room = int(arrivals) + room
            try:
                self._ensure_room()
            finally:
                self._people_room = room

    def policy_arrays(self, changed: Scenario) -> dict[str, np.ndarray]:
        """The region arrays that policy fields set, for ``changed`` (policy-change shocks)."""
        return policy_arrays(changed)

    def bundles(self) -> tuple[Tables, Scratch, MonthInputs]:
        """This month's ``(T, X, M)`` for compiled hooks (tables may have grown since the
        last month, so they are bundled afresh)."""
        w = self.w
        T = Tables(
            w.P, w.O, w.I, w.V, w.E, w.R, w.D, w.G, w.U, w.glob, w.skill_cdf, w.base_mix,
            w.incumbent_of, w.state_of, self.turnover, w.pop_target,
        )  # fmt: skip
        X = Scratch(
            self.acc, self.C, self.refound, self.cell_order, self.cell_start, self.emp_order,
            self.emp_start, self.pool, self.pool_start, self.inv_order, self.inv_start,
            self.skills_sample, self.dist_hist, self.successes, self.alive,
        )  # fmt: skip
        return T, X, MonthInputs(**self.inputs)

    # -- the month -------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month: run the month's plan (:data:`rainforest.engine.month.PLAN`).

        In short: shocks; the knowledge field, contact rates, platforms and demand,
        cross-region draws, migration choices and experiment costs (per region, NumPy); then,
        compiled, indices and lay-offs, ideas from contacts, spin-outs and universities; the
        facilities' breakthroughs; contact samples, founding, experiments, capital, the firms'
        life cycle, the people's month, migration and the labour market; finally patents,
        belief, contacts and rents from the month's accounts. ``self.plan.to_df()`` lists it.
        """
        self._ensure_room()
        self.acc[:] = 0.0
        self.inputs["month"] = self.month
        self.inputs["seed"] = int(self.rng.integers(2**62))
        for seg in self.plan.segments:
            run_segment(seg, self, self.hook_seconds)
        self.people_sim = self.acc[:, M_PEOPLE].copy()  # living people, for next month's rates
        w = self.w
        if w.E.n[0] >= w.E.month.shape[0] or w.P.n[0] >= w.P.status.shape[0]:
            raise RuntimeError("internal error: a state table filled up during a month")
        if self.month >= 0:
            self.records.append(self.acc.copy())
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
        names = accounts.accounts()
        if not self.records:
            return np.zeros((0, len(self.w.region_names), len(names)))
        arr = np.stack(self.records)
        unscaled = accounts.unscaled()
        scale = np.array([1.0 if m in unscaled else self.scale for m in names])
        return arr * scale
