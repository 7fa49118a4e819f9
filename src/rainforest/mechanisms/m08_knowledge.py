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

from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import add_event, new_person, pick_weighted, share
from rainforest.mechanisms.contract import Column, Hook, Mechanism, declare
from rainforest.mechanisms.m02_ideas import add_cand
from rainforest.state.accounts import (
    M_ARRIVALS,
    M_BREAKTHROUGHS,
    M_EMPLOYED,
    M_FOUNDERS,
    M_PATENT_STOCK,
    M_PATENTS,
    M_TECH_TRANSFERS,
)
from rainforest.state.tables import (
    EV_BREAKTHROUGH,
    EV_PATENT,
    EV_TECH_TRANSFER,
    FROM_FACILITY,
    FROM_UNIVERSITY,
    GONE,
    LISTED,
    SME,
    STARTUP,
    UNEMPLOYED,
)

# per-university parameters (already divided by the population scale where it applies)
UniP = namedtuple("UniP", "org grad pat conv spin cred dom")


def knowledge_field(cell_x, cell_y, inst_x, inst_y, inst_strength, inst_dom, decay_km):
    """Knowledge by cell and domain: sum of strength x exp(-distance / decay_km)."""
    if len(inst_strength) == 0:
        return np.zeros((len(cell_x), inst_dom.shape[1] if inst_dom.ndim == 2 else 1))
    dx = cell_x[:, None] - inst_x[None, :]
    dy = cell_y[:, None] - inst_y[None, :]
    w = pm.exp(-np.sqrt(dx * dx + dy * dy) / decay_km) * inst_strength[None, :]
    return w @ inst_dom


@njit(cache=True)
def patent_events(E, month, counts):
    """Record the month's patents of firms (``counts`` by region, drawn by the engine)."""
    for r in range(counts.shape[0]):
        for _ in range(counts[r]):
            add_event(E, month, EV_PATENT, r, -1, -1, -1, 0.0, -1)


@njit(cache=True, inline="always")
def tech_transfer(O, r, d, source, month, acc, E, glob):
    """License a technology to a living local firm (same domain if one is found quickly).
    With firms one to one (``glob.o2o``, issue 15) a sampled licence stands for k real ones,
    each to its own firm."""
    if O.n[0] == 0:
        return
    reps = 1
    if glob.o2o > 0.0:
        whole = int(glob.k)
        reps = whole + (1 if np.random.random() < glob.k - whole else 0)
    for _ in range(reps):
        transfer_once(O, r, d, source, month, acc, E, glob)


@njit(cache=True, inline="always")
def transfer_once(O, r, d, source, month, acc, E, glob):
    """One licence to a living local firm; it counts ``common.share`` in the accounts."""
    n = O.n[0]
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
        acc[r, M_TECH_TRANSFERS] += share(O, org, glob)
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
            i = new_person(P, r, cell, skill, birth, cred, risk, UNEMPLOYED, -1)
            if i < 0:
                break
            P.uni[i] = org  # alumni of this university, class of this year (issue 14)
            P.cohort[i] = month // 12
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


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_universities(T, X, M):
    """Universities' graduates, patents, transfers and spin-out candidates."""
    universities_month(
        T.P, T.O, T.G, T.R, T.glob, T.U, T.skill_cdf, M.month, X.cell_order, X.cell_start, X.C,
        X.acc, T.E,
    )  # fmt: skip


def field(eng) -> None:
    """Refresh the knowledge field from institutions' current strengths (few, so NumPy);
    recomputed only when a strength changed (facility stocks decay monthly; anchors shrink in
    shocks; universities are constant)."""
    w = eng.w
    inst = eng.cache.get("knowledge")
    if inst is None:
        # order of inst_org: per region universities, facilities, anchors (as built)
        uni = {int(o): s for o, s in zip(w.U.org, w.university_strength, strict=True)}
        fac = {int(o): i for i, o in enumerate(w.facility_ids)}
        anc = {int(o): i for i, o in enumerate(w.anchor_ids)}
        inst = eng.cache["knowledge"] = {
            "uni": np.array([o in uni for o in map(int, w.inst_org)], bool),
            "uni_strength": np.array([uni.get(int(o), 0.0) for o in w.inst_org]),
            "fac_pos": np.flatnonzero([int(o) in fac for o in w.inst_org]),
            "fac": np.array([fac[int(o)] for o in w.inst_org if int(o) in fac], np.int64),
            "anc_pos": np.flatnonzero([int(o) in anc for o in w.inst_org]),
            "anc": np.array([anc[int(o)] for o in w.inst_org if int(o) in anc], np.int64),
            "last": None,
        }
        if not len(w.inst_org):  # no institutions: the field is zero for good
            _set_field(w, np.zeros((len(w.G.cell_x), w.inst_dom.shape[1])))
    if not len(w.inst_org):
        return
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
    kf = knowledge_field(
        w.G.cell_x,
        w.G.cell_y,
        w.G.cell_x[cells],
        w.G.cell_y[cells],
        strength,
        w.inst_dom,
        eng.sc.mechanisms.ideas.decay_km,
    )
    _set_field(w, kf)


def _set_field(w, kf: np.ndarray) -> None:
    w.G.kf[:] = kf
    # diminishing returns: ten labs next door are not ten times one lab
    w.G.ktot[:] = pm.log1p(kf.sum(axis=1))
    for r in range(len(w.region_names)):
        c0, nc = w.G.reg_cell0[r], w.G.reg_ncell[r]
        w.R.kmax[r] = w.G.ktot[c0 : c0 + nc].max() if nc else 0.0


def facilities(eng) -> None:
    """Breakthroughs arrive, wait out their lag (the valley of death), then spill over."""
    w = eng.w
    if not (len(w.facility_ids) or w.pipeline):
        return
    month, acc, rng = eng.month, eng.acc, eng.rng
    bt = eng.sc.mechanisms.spillovers
    decay = 0.5 ** (1.0 / bt.breakthrough_halflife)
    w.facility_stock *= decay
    for i, o in enumerate(w.facility_ids):
        o = int(o)
        r = int(w.O.region[o])
        for _ in range(rng.poisson(w.facility_rate[i] / 12.0)):
            acc[r, M_BREAKTHROUGHS] += 1.0
            add_event(w.E, month, EV_BREAKTHROUGH, r, o, -1, -1, 0.0, int(w.O.domain[o]))
            w.pipeline.append((month + int(round(w.facility_lag[i])), i))
    due = [p for p in w.pipeline if p[0] <= month]
    w.pipeline = [p for p in w.pipeline if p[0] > month]
    k = eng.scale
    for _, i in due:
        o = int(w.facility_ids[i])
        r = int(w.O.region[o])
        d = int(w.O.domain[o])
        w.facility_stock[i] += bt.breakthrough_knowledge
        for _ in range(rng.poisson(bt.breakthrough_transfers / k)):
            tech_transfer(w.O, r, d, o, month, acc, w.E, w.glob)
        if rng.random() < bt.breakthrough_spinout_probability / k:
            lo, hi = eng.emp_start[o], eng.emp_start[o + 1]
            if hi > lo:
                person = int(eng.emp_order[lo + rng.integers(hi - lo)])
                mu, sd = bt.breakthrough_quality_mu, bt.breakthrough_quality_sd
                q = float(pm.exp(rng.normal(mu, sd)))
                add_cand(eng.C, person, -1, q, d, FROM_FACILITY, o)


def patents(eng) -> None:
    """Firms' invention patents (per worker) and the stock of valid patents."""
    w, acc = eng.w, eng.acc
    glob = w.glob
    workers = acc[:, M_EMPLOYED] + acc[:, M_FOUNDERS]
    # scalar draws: the same numbers as one array draw, at a tenth of the call overhead
    firm_patents = np.array([eng.rng.poisson(x) for x in glob.patent_rate * workers])
    if firm_patents.any():
        patent_events(w.E, eng.month, firm_patents)
    acc[:, M_PATENTS] += firm_patents
    w.patent_stock *= 1.0 - 1.0 / glob.patent_life
    w.patent_stock += acc[:, M_PATENTS]
    acc[:, M_PATENT_STOCK] = w.patent_stock


MECHANISM = declare(
    Mechanism(
        code="M8",
        name="knowledge",
        title="Universities, facilities and anchors spill knowledge; patents and transfers",
        module=__name__,
        params=(
            "mechanisms.spillovers",
            "mechanisms.ideas",
            "regions.*.universities",
            "regions.*.facilities",
        ),
        columns=(
            Column("People", "uni", "int32", "university graduated from (org id; -1 none)"),
            Column("People", "cohort", "int16", "year of graduation (months // 12)"),
        ),
        metrics=("patents", "patent_stock", "tech_transfers", "breakthroughs"),
        events=("patent", "tech_transfer", "breakthrough"),
        hooks=(
            Hook("knowledge.field", field, compiled=False, doc="knowledge field by cell"),
            Hook("knowledge.universities", hook_universities, doc="universities' month"),
            Hook(
                "knowledge.facilities",
                facilities,
                compiled=False,
                doc="facilities' breakthroughs, lags and spill-overs",
            ),
            Hook("knowledge.patents", patents, compiled=False, doc="firms' patents and stock"),
        ),
        off={"mechanisms.spillovers.patent_rate": 0.0, "mechanisms.ideas.knowledge_effect": 0.0},
        direction_tests=(
            "tests/test_mechanisms.py::test_m8_conversion_rate_gives_more_university_spinouts",
        ),
        references=("seed 001: Kendall Square, Oxford; 浙大 38% vs 东南 11%",),
    )
)
