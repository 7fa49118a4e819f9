"""M7 — anchor firms: "大厂人才外溢-创业团队孵化-产业集群壮大" (seed 000), Philips and Amazon
carrying a cluster, Detroit sinking with one (seed 001: "底特律…因产业结构单一而陷入衰败").

Anchors employ people, buy from local startups of their domain (``local_demand``), open
platform services that cut others' experiment costs, spill knowledge into the field of M2, and
shed spin-outs: each employee has a monthly chance ``spinout_rate`` of a spin-out idea in the
anchor's domain, pursued through the founding decision of M3 with the anchor recorded as parent.
Startups spin out of startups too, so the genealogy is a family tree. A scheduled shock can
collapse an anchor: lay-offs, lost demand, lost platform services and fewer spin-outs.

Parameters: each region's ``anchors``; ``mechanisms.spillovers.startup_spinout_rate``;
``shocks``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m02_ideas import add_cand, idea_domain
from rainforest.state.tables import (
    ANCHOR,
    EMPLOYED,
    FACILITY,
    FROM_ANCHOR,
    FROM_FACILITY,
    FROM_STARTUP,
    LISTED,
    SME,
    STARTUP,
)


@njit(cache=True)
def spinout_ideas(P, O, G, glob, emp_order, emp_start, base_mix, C):
    """Queue spin-out ideas of anchor, facility and startup employees (parent recorded)."""
    for org in range(O.n[0]):
        if O.alive[org] == 0:
            continue
        kind = O.kind[org]
        if kind == ANCHOR or kind == FACILITY:
            rate = O.spin_rate[org]
            origin = FROM_ANCHOR if kind == ANCHOR else FROM_FACILITY
        elif kind == STARTUP or kind == SME or kind == LISTED:
            rate = glob.startup_spin
            origin = FROM_STARTUP
        else:
            continue
        lo = emp_start[org]
        n = emp_start[org + 1] - lo
        if n == 0 or rate <= 0.0:
            continue
        m = np.random.poisson(n * rate)
        for _ in range(m):
            i = emp_order[lo + np.random.randint(n)]
            if P.employer[i] != org or P.status[i] != EMPLOYED:
                continue
            cell = P.cell[i]
            quality = (
                np.exp(np.random.normal(0.0, glob.qsd))
                * (1.0 + glob.k_quality * G.ktot[cell])
                * glob.spin_quality
            )
            d = (
                O.domain[org]
                if np.random.random() < glob.spin_same_domain
                else idea_domain(cell, P.region[i], G, base_mix)
            )
            j = emp_order[lo + np.random.randint(n)] if n > 1 else -1
            add_cand(C, i, j, quality, d, origin, org)


def anchor_demand(O, anchor_ids, anchor_emp0, n_regions, n_domains) -> np.ndarray:
    """Local first-buyer demand by region and domain, shrinking with an anchor's workforce."""
    demand = np.zeros((n_regions, n_domains))
    for a, emp0 in zip(anchor_ids, anchor_emp0, strict=True):
        if O.alive[a] and emp0 > 0:
            demand[O.region[a], O.domain[a]] += O.demand[a] * min(O.target[a] / emp0, 1.0)
    return demand


def platform_level(O, anchor_ids, anchor_emp0, platform0, n_regions) -> np.ndarray:
    """Platform services open to local firms in each region (the best anchor's, scaled by how
    much of its workforce is left)."""
    level = np.zeros(n_regions)
    for a, emp0, p in zip(anchor_ids, anchor_emp0, platform0, strict=True):
        if O.alive[a] and emp0 > 0:
            r = O.region[a]
            level[r] = max(level[r], p * min(O.target[a] / emp0, 1.0))
    return level


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_spinouts(T, X, M):
    """Employees of anchors and firms have spin-out ideas (candidates in ``X.C``)."""
    spinout_ideas(T.P, T.O, T.G, T.glob, X.emp_order, X.emp_start, T.base_mix, X.C)


def platform(eng) -> None:
    """Platform services and local first-buyer demand, shrinking with anchors' workforces."""
    w = eng.w
    nr = len(w.region_names)
    if len(w.anchor_ids):
        w.R.platform[:] = platform_level(w.O, w.anchor_ids, w.anchor_emp0, w.anchor_platform0, nr)
        eng.inputs["demand"] = anchor_demand(
            w.O, w.anchor_ids, w.anchor_emp0, nr, len(w.domain_names)
        )
    else:
        w.R.platform[:] = 0.0
        eng.inputs["demand"] = eng.no_demand


MECHANISM = declare(
    Mechanism(
        code="M7",
        name="anchors",
        title="Anchor firms employ, buy locally, open platforms and shed spin-outs",
        module=__name__,
        params=("regions.*.anchors", "mechanisms.spillovers"),
        hooks=(
            Hook("anchors.platform", platform, compiled=False, doc="platform level and demand"),
            Hook("anchors.spinouts", hook_spinouts, doc="spin-out ideas of employees"),
        ),
        off={"mechanisms.spillovers.startup_spinout_rate": 0.0},
        direction_tests=(
            "tests/test_mechanisms.py::test_m7_anchor_spinouts_recorded_and_cut_by_shock",
        ),
        references=("seed 000: 大厂人才外溢-创业团队孵化-产业集群壮大",),
    )
)
