"""M8 — universities and science facilities: knowledge spillover and the valley of death.

Seed 001 on Kendall Square and Oxford ("让大学的知识外溢效应最大化"), on Research Triangle Park and
Tsukuba ("依托政府投资的大型实验室…通过将科学发现转化为可应用的技术"); seed 004 on conversion:
"东南大学…专利转化率仅11%,而浙大高达38%". Universities add graduates to the talent pool and
produce patents; a share ``conversion_rate`` of patents is converted, mostly as licences
(technology transfers that raise a local firm's potential) and partly as university spin-outs
that go through the founding decision of M3. Facilities produce breakthroughs that become
usable only after a long lag; then they raise the local knowledge field, are transferred to
firms, and sometimes spin out. Universities, facilities and anchors radiate a knowledge field
that decays exponentially with distance and feeds the odds and domain of ideas (M2).

Parameters: each region's ``universities`` and ``facilities``; ``mechanisms.spillovers``;
``mechanisms.ideas.decay_km``.

References: Jaffe, Trajtenberg & Henderson (1993) QJE 108:577; Arzaghi & Henderson (2008) RES.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from rainforest.engine.accounts import (
    M_ARRIVALS,
    M_PATENTS,
    M_TECH_TRANSFERS,
)
from rainforest.engine.state import (
    EV_PATENT,
    EV_TECH_TRANSFER,
    FROM_UNIVERSITY,
    GONE,
    LISTED,
    SME,
    STARTUP,
    UNEMPLOYED,
)
from rainforest.mechanisms.common import add_event, new_person, pick_weighted
from rainforest.mechanisms.m02_ideas import add_cand

# per-university parameters (already divided by the population scale where it applies)
UniP = namedtuple("UniP", "org grad pat conv spin cred dom")


def knowledge_field(cell_x, cell_y, inst_x, inst_y, inst_strength, inst_dom, decay_km):
    """Knowledge by cell and domain: sum of strength x exp(-distance / decay_km)."""
    if len(inst_strength) == 0:
        return np.zeros((len(cell_x), inst_dom.shape[1] if inst_dom.ndim == 2 else 1))
    dx = cell_x[:, None] - inst_x[None, :]
    dy = cell_y[:, None] - inst_y[None, :]
    w = np.exp(-np.sqrt(dx * dx + dy * dy) / decay_km) * inst_strength[None, :]
    return w @ inst_dom


@njit(cache=True)
def patent_events(E, month, counts):
    """Record the month's patents of firms (``counts`` by region, drawn by the engine)."""
    for r in range(counts.shape[0]):
        for _ in range(counts[r]):
            add_event(E, month, EV_PATENT, r, -1, -1, -1, 0.0, -1)


@njit(cache=True, inline="always")
def tech_transfer(O, r, d, source, month, acc, E, glob):
    """License a technology to a living local firm (same domain if one is found quickly)."""
    n = O.n[0]
    if n == 0:
        return
    for t in range(int(glob.transfer_tries)):
        org = np.random.randint(n)
        kind = O.kind[org]
        if O.alive[org] == 0 or O.region[org] != r:
            continue
        if not (kind == STARTUP or kind == SME or kind == LISTED):
            continue
        if t < glob.transfer_same_tries and O.domain[org] != d:
            continue
        O.theta[org] += glob.transfer_gain * (1.0 - O.theta[org])
        acc[r, M_TECH_TRANSFERS] += 1.0
        add_event(E, month, EV_TECH_TRANSFER, r, org, -1, source, 0.0, O.domain[org])
        return


@njit(cache=True, inline="always")
def random_person(P, G, r, cell_order, cell_start):
    """A random living person of region ``r`` (-1 if none)."""
    lo = cell_start[G.reg_cell0[r]]
    hi = cell_start[G.reg_cell0[r] + G.reg_ncell[r]]
    for _ in range(10):
        if hi <= lo:
            return -1
        i = cell_order[lo + np.random.randint(hi - lo)]
        if P.status[i] != GONE:
            return i
    return -1


@njit(cache=True)
def universities_month(P, O, G, R, glob, U, skill_cdf, month, cell_order, cell_start, C, acc, E):
    """Graduates join the talent pool; patents are granted and partly converted (M8)."""
    for u in range(U.org.shape[0]):
        org = U.org[u]
        r = O.region[org]
        first_new = P.n[0]
        ng = np.random.poisson(U.grad[u] / 12.0)
        made = 0
        for _ in range(ng):
            x = np.random.random()
            skill = 0
            while skill < 3 and x >= skill_cdf[r, skill]:
                skill += 1
            cell = G.reg_cell0[r] + np.random.randint(G.reg_ncell[r])
            birth = (
                month - (int(glob.grad_age_min) + np.random.randint(int(glob.grad_age_span))) * 12
            )
            risk = min(max(np.random.normal(R.risk_mu[r], R.risk_sd[r]), 0.0), 1.0)
            cred = 1 if np.random.random() < U.cred[u] else 0
            if new_person(P, r, cell, skill, birth, cred, risk, UNEMPLOYED, -1) < 0:
                break
            made += 1
            acc[r, M_ARRIVALS] += 1.0
        npat = np.random.poisson(U.pat[u] / 12.0)
        for _ in range(npat):
            acc[r, M_PATENTS] += 1.0
            add_event(E, month, EV_PATENT, r, org, -1, -1, 0.0, -1)
            if np.random.random() >= U.conv[u]:
                continue
            d = pick_weighted(U.dom[u])
            if np.random.random() < U.spin[u]:
                if made > 0:
                    i = first_new + np.random.randint(made)
                else:
                    i = random_person(P, G, r, cell_order, cell_start)
                if i >= 0:
                    q = np.exp(np.random.normal(glob.uni_quality_mu, glob.qsd)) * (
                        1.0 + glob.k_quality * G.ktot[P.cell[i]]
                    )
                    add_cand(C, i, -1, q, d, FROM_UNIVERSITY, org)
            else:
                tech_transfer(O, r, d, org, month, acc, E, glob)
