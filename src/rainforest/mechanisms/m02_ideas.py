"""M2 — complementary knowledge: "知識的互補與碰撞" (seed 000).

"當懂演算法的工程師、懂市場的營運者、懂資本的投資人,在同一個空間中高頻互動時…創新的拼圖才得以完整":
a contact between people with different skills (tech / market / capital / design) can produce an
idea. Its odds and quality grow with complementarity and with the local knowledge field: the
spillovers of universities, labs and anchor firms, which decay exponentially with distance.

Sampling: rather than testing each of the ~10⁷ contacts of a month, the kernel draws candidate
contacts at the upper-bound rate ``n × c × p_max`` and accepts each with ``p / p_max``
(thinning). That has the same law as testing every contact and costs O(ideas), not O(contacts).

Parameters: ``mechanisms.ideas`` (base_probability, same_skill_factor, knowledge_effect,
decay_km, quality_sd).

References: seed 000; Jaffe, Trajtenberg & Henderson (1993), QJE 108:577 (localised spillovers).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from rainforest.mechanisms.common import add_event, pick_weighted
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m01_contacts import pick_partner
from rainforest.state.accounts import M_IDEAS
from rainforest.state.tables import (
    ANCHOR,
    EV_IDEA,
    FACILITY,
    FROM_ANCHOR,
    FROM_FACILITY,
    FROM_STARTUP,
    GRASSROOTS,
    STARTUP,
)

# idea candidates waiting for the founding decision (M3); refilled every month
Cands = namedtuple("Cands", "n person partner quality domain origin parent")


def allocate_cands(capacity: int) -> Cands:
    """An empty candidate buffer."""
    return Cands(
        n=np.zeros(1, np.int64),
        person=np.zeros(capacity, np.int32),
        partner=np.full(capacity, -1, np.int32),
        quality=np.zeros(capacity, np.float64),
        domain=np.zeros(capacity, np.int32),
        origin=np.zeros(capacity, np.int8),
        parent=np.full(capacity, -1, np.int32),
    )


@njit(cache=True, inline="always")
def add_cand(C, person, partner, quality, domain, origin, parent):
    """Queue an idea for the founding decision (dropped if the buffer is full)."""
    k = C.n[0]
    if k >= C.person.shape[0]:
        return
    C.person[k] = person
    C.partner[k] = partner
    C.quality[k] = quality
    C.domain[k] = domain
    C.origin[k] = origin
    C.parent[k] = parent
    C.n[0] = k + 1


@njit(cache=True, inline="always")
def idea_domain(cell, r, G, base_mix):
    """Domain of a new idea: local knowledge by domain plus the region's industry mix."""
    w = G.kf[cell] + base_mix[r]
    d = pick_weighted(w)
    return 0 if d < 0 else d


@njit(cache=True)
def generate_ideas(
    P, O, G, R, glob, order, start, base_mix, remote_share, remote_cdf, month, acc, C, E
):
    """Sample this month's ideas from contacts in every region (thinning) into ``C``."""
    n_regions = R.area.shape[0]
    cell, skill = P.cell, P.skill  # locals: see people_month in m06 for why
    reg_cell0, reg_ncell = G.reg_cell0, G.reg_ncell
    for r in range(n_regions):
        lo = start[reg_cell0[r]]
        hi = start[reg_cell0[r] + reg_ncell[r]]
        n_r = hi - lo
        if n_r < 2:
            continue
        p_max = glob.base_p * (1.0 + glob.ke * R.kmax[r])
        m = np.random.poisson(n_r * R.contact_rate[r] * p_max)
        for _ in range(m):
            i = order[lo + np.random.randint(n_r)]
            j = pick_partner(
                r, cell[i], reg_cell0, reg_ncell, order, start, glob.same_cell_share,
                remote_share, remote_cdf,
            )  # fmt: skip
            if j < 0 or j == i:
                continue
            comp = 1.0 if skill[i] != skill[j] else glob.same_skill
            k_here = G.ktot[cell[i]]
            p = glob.base_p * comp * (1.0 + glob.ke * k_here)
            if np.random.random() * p_max >= p:
                continue
            quality = (
                np.exp(np.random.normal(0.0, glob.qsd)) * (1.0 + glob.k_quality * k_here) * comp
            )
            e = P.employer[i]
            origin = GRASSROOTS
            parent = -1
            d = -1
            if e >= 0:
                kind = O.kind[e]
                if kind == ANCHOR or kind == FACILITY:
                    origin = FROM_ANCHOR if kind == ANCHOR else FROM_FACILITY
                    parent = e
                    if np.random.random() < glob.anchor_dom:
                        d = O.domain[e]
                elif kind == STARTUP:
                    origin = FROM_STARTUP
                    parent = e
                    if np.random.random() < glob.startup_dom:
                        d = O.domain[e]
            if d < 0:
                d = idea_domain(P.cell[i], r, G, base_mix)
            acc[r, M_IDEAS] += 1.0
            add_cand(C, i, j, quality, d, origin, parent)
            if np.random.random() < glob.idea_event_sample:
                add_event(E, month, EV_IDEA, r, -1, i, j, quality, d)


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_generate(T, X, M):
    """This month's ideas from contacts (candidates in ``X.C``)."""
    X.C.n[0] = 0
    generate_ideas(
        T.P, T.O, T.G, T.R, T.glob, X.cell_order, X.cell_start, T.base_mix, M.remote_share,
        M.remote_cdf, M.month, X.acc, X.C, T.E,
    )  # fmt: skip


MECHANISM = declare(
    Mechanism(
        code="M2",
        name="ideas",
        title="Ideas from complementary contacts and the local knowledge field",
        module=__name__,
        params=("mechanisms.ideas",),
        metrics=("ideas",),
        events=("idea",),
        hooks=(Hook("ideas.generate", hook_generate, doc="ideas from contacts"),),
        off={"mechanisms.ideas.base_probability": 1e-30},
        direction_tests=("tests/test_mechanisms.py::test_m2_complementary_contacts_make_ideas",),
        references=("seed 000: 知识的互补与碰撞",),
    )
)
