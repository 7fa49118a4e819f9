"""Kernels that keep the books rather than model a mechanism: firm counts, output of
established employers, and the inflow of young workers that keeps a region's labour force at
its target size (people from outside the modelled regions; counted as arrivals)."""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.engine.accounts import (
    M_ARRIVALS,
    M_FIRMS,
    M_LISTED,
    M_OUTPUT,
    M_SMES,
    M_SPEC_SMES,
    M_STARTUPS,
)
from rainforest.engine.state import (
    ANCHOR,
    FACILITY,
    INCUMBENT,
    LISTED,
    SME,
    STARTUP,
    STATE,
    UNEMPLOYED,
)
from rainforest.mechanisms.common import new_person


@njit(cache=True)
def org_metrics(O, R, k, specialised_fit, acc):
    """Firm stocks and the output of anchors and established employers for the month.
    Unique institutions count 1/k in the scaled accounts so that they report as one."""
    for org in range(O.n[0]):
        if O.alive[org] == 0:
            continue
        r = O.region[org]
        kind = O.kind[org]
        if kind == STARTUP:
            acc[r, M_STARTUPS] += 1.0
            acc[r, M_FIRMS] += 1.0
        elif kind == SME:
            acc[r, M_SMES] += 1.0
            acc[r, M_FIRMS] += 1.0
            if 10 <= O.emp[org] <= 1000 and O.fit[org] >= specialised_fit:
                acc[r, M_SPEC_SMES] += 1.0
        elif kind == LISTED:
            acc[r, M_LISTED] += 1.0
            acc[r, M_FIRMS] += 1.0
        elif kind == ANCHOR:
            acc[r, M_FIRMS] += 1.0 / k
            if O.listed[org] == 1:
                acc[r, M_LISTED] += 1.0 / k
        if kind == ANCHOR or kind == INCUMBENT or kind == STATE or kind == FACILITY:
            acc[r, M_OUTPUT] += R.productivity[r] * O.prod[org] * O.emp[org]


@njit(cache=True)
def add_entrants(P, G, R, glob, skill_cdf, month, deficit, acc):
    """Young workers arrive to fill each region's labour-force deficit (ages from
    ``mechanisms.labour``)."""
    age0, span = int(glob.entrant_age_min), int(glob.entrant_age_span)
    for r in range(deficit.shape[0]):
        for _ in range(int(deficit[r])):
            x = np.random.random()
            skill = 0
            while skill < 3 and x >= skill_cdf[r, skill]:
                skill += 1
            cell = G.reg_cell0[r] + np.random.randint(G.reg_ncell[r])
            birth = month - (age0 + np.random.randint(span)) * 12
            risk = min(max(np.random.normal(R.risk_mu[r], R.risk_sd[r]), 0.0), 1.0)
            if new_person(P, r, cell, skill, birth, 0, risk, UNEMPLOYED, -1) < 0:
                return
            acc[r, M_ARRIVALS] += 1.0
