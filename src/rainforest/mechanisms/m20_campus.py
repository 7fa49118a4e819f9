"""M20 — university spin-offs and licences by hazard: the conversion rate as an output.

Seed 004: "东南大学…专利转化率仅11%,而浙大高达38%". In the first edition each university's
``conversion_rate`` is an input: a granted patent is converted (licensed, or spun out) with that
chance at once. Switched on, this module sets those inputs aside (the kernel's immediate
conversions stop; patents are still granted by M8) and lets patents convert over time, by the
same rule as employees' spin-offs (M16, :mod:`rainforest.mechanisms.spinoff_people`):

* every granted patent has an inventor: a living person on the campus (the university's cell;
  else anywhere in its region), who carries it as an idea the university does not pursue;
* each month, while the patent is younger than ``window_months``, the inventor leaves to found
  on it with M16's hazard ``h(‖k‖, τ, q=0, g=0, u=1)`` (their knowledge depth, ``τ`` the
  patent's age in months, one unpursued idea) times ``exp(tto_effect · policy)``; a local firm
  licenses it with hazard ``licence_hazard · exp(tto_effect · policy)``;
* ``policy`` is the university's ``transfer_office`` index (0 = no office; 1 = fast decisions,
  inventors keep a large share, liability exempted), the lever a university or a government
  moves (Lockett & Wright 2005; Di Gregorio & Shane 2003: TTO resources and inventor royalty
  shares raise start-up formation).

A spin-off draw becomes a university spin-out candidate (origin ``university``, parent the
university) for the founding decision (M3), with the quality of M8's spin-outs times the
inventor's depth of knowledge; a licence is M8's technology transfer to a local firm. The
conversion rate is then measured (``campus_conversion``: conversions over patents granted since
the start of the report), to be compared with 38% (Zhejiang University) and 11% (Southeast
University), not set. Facility staff are employees, so with M16 on their spin-offs already
follow the hazard; facilities' breakthrough spin-outs (M8) are left as they are.

Cost: patents are few (hundreds a month in the largest presets); the open patents are held in
small arrays and processed vectorised; licences call M8's compiled transfer once each.

References: Di Gregorio & Shane (2003), Research Policy 32:209; Lockett & Wright (2005),
Research Policy 34:1043; Klepper (2007) and the M16 references for the hazard.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest import registry
from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import spinoff_people as sp
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m02_ideas import add_cand
from rainforest.mechanisms.m08_knowledge import tech_transfer
from rainforest.registry import Metric
from rainforest.state import accounts
from rainforest.state.tables import EV_PATENT, FOUNDER, FROM_UNIVERSITY, GONE

_METRICS = (
    Metric(
        "campus_licences",
        "flow",
        "patents/month",
        "University licences",
        "M20",
        "University patents licensed to a local firm by the hazard of M20.",
        label_zh="高校专利许可",
    ),
    Metric(
        "campus_spinoff_draws",
        "flow",
        "people/month",
        "University inventors leaving to found",
        "M20",
        "Inventors of university patents drawn by the spin-off hazard (candidates for M3).",
        label_zh="高校发明人创业",
    ),
    Metric(
        "campus_conversion",
        "ratio",
        "share",
        "University conversion rate",
        "M20",
        "Patents converted (licensed or spun out) over patents granted since the report "
        "began; an output to compare with 38% (Zhejiang University) and 11% (Southeast).",
        scaled=False,
        label_zh="高校专利转化率",
    ),
)
for _m in _METRICS:  # appended after the built-ins: compiled account columns do not move
    registry.register_metric(_m)


def conversion_hazards(depth, age, policy, p, spin) -> tuple[np.ndarray, np.ndarray]:
    """Monthly hazards of open patents: the inventor founding on it (M16's rule with one
    unpursued idea, times the office's lever) and a firm licensing it (:func:`_hazards_of`,
    patent by patent, as the month's kernel)."""
    policy = np.asarray(policy, np.float64)
    shape = policy.shape
    return _hazards(
        np.broadcast_to(np.asarray(depth, np.float64), shape),
        np.broadcast_to(np.asarray(age, np.float64), shape),
        policy, float(p.tto_effect), float(p.licence_hazard), sp.params_tuple(spin),
        np.empty(shape[0]), np.empty(shape[0]),
    )  # fmt: skip


@njit(cache=True, inline="always")
def _hazards_of(depth, age, policy, tto_effect, licence_hazard, spp):
    """An open patent's monthly hazards: its inventor (knowledge ``depth``) founding on it
    after ``age`` months, by M16's hazard with one unpursued idea (``sp.hazard``), and a firm
    licensing it, both times the transfer office's lever ``exp(tto_effect · policy)`` and at
    most 1 (as ``np.minimum``: a NaN stays)."""
    lever = np.exp(tto_effect * policy)
    h = sp.hazard(depth, age, 0.0, 0.0, 1.0, spp) * lever
    h_spin = 1.0 if h > 1.0 else h
    h = licence_hazard * lever
    return h_spin, 1.0 if h > 1.0 else h


@njit(cache=True)
def _hazards(depth, age, policy, tto_effect, licence_hazard, spp, h_spin, h_lic):
    for t in range(h_spin.shape[0]):
        h_spin[t], h_lic[t] = _hazards_of(
            depth[t], age[t], policy[t], tto_effect, licence_hazard, spp
        )
    return h_spin, h_lic


def _state(eng) -> dict:
    st = eng.cache.get("campus")
    if st is None:
        w = eng.w
        U = w.U
        policy = [u.transfer_office for r in eng.sc.regions.values() for u in r.universities]
        st = {
            "conv_input": U.conv.copy(),
            "policy": np.array(policy, np.float64),
            "inventor": np.zeros(0, np.int64),
            "uni": np.zeros(0, np.int64),
            "granted": np.zeros(0, np.int64),
            "e_at": 0,
            "patents": np.zeros(len(w.region_names)),
            "converted": np.zeros(len(w.region_names)),
        }
        U.conv[:] = 0.0  # M8's immediate conversions stop; patents are still granted
        eng.cache["campus"] = st
    return st


def _new_patents(eng, st: dict) -> tuple:
    """This month's granted patents, as the index of their university (from M8's events),
    and their inventors' pools (:func:`_campus_pools`)."""
    w = eng.w
    E = w.E
    n = int(E.n[0])
    # the event table restarts with the report (month 0): scan it from its start then
    at = 0 if (eng.month == 0 or st["e_at"] > n) else st["e_at"]
    st["e_at"] = n
    return _scan_patents(
        E.kind, E.month, E.org, at, n, int(eng.month), _uni_of(eng, st), w.U.org, w.O.cell,
        w.O.region, eng.cell_start, w.G.reg_cell0, w.G.reg_ncell,
    )  # fmt: skip


def _uni_of(eng, st: dict) -> np.ndarray:
    """Organisation row -> its university's index (-1: none), over the table's capacity."""
    uni_of = st.get("uni_of")
    if uni_of is None or uni_of.shape[0] < int(eng.w.O.n[0]) + 1:
        uni_of = np.full(eng.w.O.kind.shape[0] + 1, -1, np.int64)  # the table's capacity
        uni_of[eng.w.U.org] = np.arange(eng.w.U.org.shape[0])
        st["uni_of"] = uni_of
    return uni_of


@njit(cache=True)
def _scan_patents(
    kind, month, org, at, n, month_now, uni_of, uorg, ocell, oregion, cell_start, reg_cell0,
    reg_ncell,
):  # fmt: skip
    """Universities of the patents granted in ``month_now`` among events ``at..n``, in order,
    and the pools of their inventors (:func:`_campus_pools`)."""
    out = np.empty(max(n - at, 0), np.int64)
    m = 0
    for e in range(at, n):
        if kind[e] == EV_PATENT and month[e] == month_now:
            u = uni_of[org[e]]
            if u >= 0:
                out[m] = u
                m += 1
    return (
        out[:m],
        *_campus_pools(out[:m], uorg, ocell, oregion, cell_start, reg_cell0, reg_ncell),
    )


def _draw_inventors(rng: np.random.Generator, size: np.ndarray, counts: np.ndarray):
    """A place in its university's pool for each new patent: one draw a university with people,
    in the order of the universities (:func:`_place_inventors` takes them in that order)."""
    draws = [
        rng.integers(0, int(size[j]), size=int(counts[j])) for j in range(size.size) if size[j] > 0
    ]
    if not draws:
        return _NO_ROWS
    return draws[0] if len(draws) == 1 else np.concatenate(draws)


@njit(cache=True)
def _campus_pools(unis, uorg, ocell, oregion, cell_start, reg_cell0, reg_ncell):
    """The distinct universities of ``unis`` (sorted) and where each one's pool of people
    starts in ``cell_order`` and how many it holds: its campus cell, else its whole region
    (cells are contiguous); and how many of ``unis`` each one has."""
    uniq = np.unique(unis)
    lo = np.empty(uniq.size, np.int64)
    size = np.empty(uniq.size, np.int64)
    counts = np.zeros(uniq.size, np.int64)
    for j in range(uniq.size):
        for u in unis:
            counts[j] += u == uniq[j]
        org = uorg[uniq[j]]
        cell, r = ocell[org], oregion[org]
        a, b = cell_start[cell], cell_start[cell + 1]
        if b - a == 0:  # nobody on campus: anyone in the region
            c0 = reg_cell0[r]
            a, b = cell_start[c0], cell_start[c0 + reg_ncell[r]]
        lo[j] = a
        size[j] = b - a
    return uniq, lo, size, counts


@njit(cache=True)
def _place_inventors(unis, uniq, lo, size, drawn, cell_order, status):
    """Each patent's inventor from its university's draws (taken in patent order); -1 where
    the pool was empty or the person has gone."""
    out = np.full(unis.size, -1, np.int64)
    k = 0
    for j in range(uniq.size):
        if size[j] == 0:
            continue
        for i in range(unis.size):
            if unis[i] == uniq[j]:
                who = np.int64(cell_order[lo[j] + drawn[k]])
                k += 1
                if status[who] != GONE:
                    out[i] = who
    return out


def month(eng) -> None:
    """Patents granted this month get inventors; open patents convert by hazard."""
    p = eng.sc.mechanisms.campus_spinoffs
    if not p.enabled or eng.w.U.org.shape[0] == 0:
        return
    w = eng.w
    P, O, G, U, glob = w.P, w.O, w.G, w.U, w.glob
    st = _state(eng)
    rng = np.random.default_rng([int(eng.inputs["seed"]) & (2**62 - 1), 20])
    month_now = int(eng.month)
    new, uniq, lo, size, counts = _new_patents(eng, st)
    drawn = _draw_inventors(rng, size, counts)  # a living person on each patent's campus
    tie = eng.cache.get("ties")
    kk = tie["K"].k if tie and "K" in tie else _NO_K
    kp = eng.sc.mechanisms.knowledge_vectors
    # expire old patents and those whose inventor has gone; the open ones' hazards
    inv, uni, granted, depth, h_spin, h_lic = _open_patents(
        st["inventor"], st["uni"], st["granted"], new, uniq, lo, size, drawn, eng.cell_order,
        month_now, p.window_months, st["patents"], O.region, U.org, P.status, kk,
        max(kp.initial_depth, 1e-12), st["policy"], p.tto_effect, p.licence_hazard,
        _spin_params(eng),
    )  # fmt: skip
    st["inventor"], st["uni"], st["granted"] = inv, uni, granted
    if inv.size == 0:
        return
    x = rng.random(inv.size)
    what, ns, nl = _classify(x, h_spin, h_lic, inv, P.status)
    u_spin = rng.random(ns) if ns else _NO_DRAW
    z = rng.normal(glob.uni_quality_mu, glob.qsd, ns) if ns else _NO_DRAW
    u_lic = rng.random(nl) if nl else _NO_DRAW
    C = eng.C
    cols = accounts.columns("campus_spinoff_draws", "campus_licences", "campus_conversion")
    l_reg, l_dom, l_org, st["inventor"], st["uni"], st["granted"] = _convert(
        what, u_spin, z, u_lic, inv, uni, granted, depth, _cdfs(st, U.dom), U.org, O.region,
        P.cell, G.ktot, glob.k_quality, C, eng.acc, cols[0], cols[1], cols[2], st["patents"],
        st["converted"],
    )  # fmt: skip
    if nl:  # M8's compiled transfer to a local firm, all of the month's in one call
        _licences(O, l_reg, l_dom, l_org, month_now, eng.acc, w.E, glob)


_NO_K = np.zeros((0, 8), np.float32)
_NO_DRAW = np.zeros(0, np.float64)
_NO_ROWS = np.zeros(0, np.int64)


def _spin_params(eng) -> tuple:
    """M16's hazard parameters as the kernels read them, once a run."""
    t = eng.cache.get("campus_spin_params")
    if t is None:
        t = eng.cache["campus_spin_params"] = sp.params_tuple(eng.sc.mechanisms.people_spinoffs)
    return t


def _cdfs(st: dict, weights: np.ndarray) -> np.ndarray:
    """Each university's cumulative domain mix (its row of ``weights``, :func:`_mix`), once a
    run. A domain is drawn as ``rng.choice(p=...)`` draws it, without its checks and set-up an
    entry: one uniform an entry, placed in the row (``np.searchsorted``, side right)."""
    got = st.get("cdfs")
    if got is None or got[0] is not weights:
        rows = []
        for x in range(weights.shape[0]):
            cdf = np.cumsum(_mix(weights[x]))
            cdf /= cdf[-1]
            rows.append(cdf)
        got = st["cdfs"] = (weights, np.array(rows, np.float64).reshape(weights.shape[0], -1))
    return got[1]


@njit(cache=True)
def _open_patents(
    inv0, uni0, granted0, uni_new, uniq, lo, size, drawn, cell_order, month_now, window,
    patents, oregion, uorg, status, kk, depth0, policy, tto_effect, licence_hazard, spp,
):  # fmt: skip
    """Append this month's patents with their inventors (:func:`_place_inventors`), drop the
    expired ones and those whose inventor has gone; the open patents' inventors' depth and
    their two hazards (:func:`_hazards_of`)."""
    inv_new = _place_inventors(uni_new, uniq, lo, size, drawn, cell_order, status)
    if month_now >= 0 and uni_new.size:
        add = np.zeros(patents.size, np.int64)
        for t in range(uni_new.size):
            add[oregion[uorg[uni_new[t]]]] += 1
        for r in range(patents.size):
            patents[r] += add[r]
    n = inv0.size + inv_new.size
    inv = np.empty(n, np.int64)
    uni = np.empty(n, np.int64)
    granted = np.empty(n, np.int64)
    m = 0
    for t in range(n):
        if t < inv0.size:
            i, u, g = inv0[t], uni0[t], granted0[t]
        else:
            i, u, g = inv_new[t - inv0.size], uni_new[t - inv0.size], month_now
        if month_now - g < window and i >= 0 and status[i] != GONE:
            inv[m], uni[m], granted[m] = i, u, g
            m += 1
    inv, uni, granted = inv[:m], uni[:m], granted[:m]
    depth = np.ones(m)
    if m and inv.max() < kk.shape[0]:
        sq = np.empty(kk.shape[1])
        for t in range(m):
            depth[t] = kv.depth_of(kk, inv[t], sq) / depth0
    h_spin = np.empty(m)
    h_lic = np.empty(m)
    for t in range(m):
        h_spin[t], h_lic[t] = _hazards_of(
            depth[t], float(month_now - granted[t]), policy[uni[t]], tto_effect,
            licence_hazard, spp,
        )  # fmt: skip
    return inv, uni, granted, depth, h_spin, h_lic


@njit(cache=True)
def _classify(x, h_spin, h_lic, inv, status):
    """1: the inventor founds on the patent (not already a founder); 2: a firm licenses it."""
    what = np.zeros(x.size, np.int8)
    ns = nl = 0
    for t in range(x.size):
        if x[t] < h_spin[t] and status[inv[t]] != FOUNDER:
            what[t] = 1
            ns += 1
        elif x[t] >= h_spin[t] and x[t] < h_spin[t] + h_lic[t]:
            what[t] = 2
            nl += 1
    return what, ns, nl


@njit(cache=True)
def _convert(
    what, u_spin, z, u_lic, inv, uni, granted, depth, cdfs, uorg, oregion, pcell, ktot,
    k_quality, C, acc, col_spin, col_lic, col_conv, patents, converted,
):  # fmt: skip
    """The month's conversions: spin-off draws become candidates of M3 (as many as the
    candidate table holds), licences are counted and returned for M8's transfer, converted
    patents leave the open ones; the accounts and the conversion rate."""
    room = C.person.shape[0] - C.n[0]
    ns, nl = u_spin.size, u_lic.size
    l_reg = np.empty(nl, np.int32)
    l_dom = np.empty(nl, np.int64)
    l_org = np.empty(nl, np.int32)
    nr = acc.shape[0]
    n_spin = np.zeros(nr, np.int64)
    n_lic = np.zeros(nr, np.int64)
    n_conv = np.zeros(nr, np.int64)
    keep = np.empty(inv.size, np.bool_)
    s = l = 0
    for t in range(inv.size):
        org = uorg[uni[t]]
        r = oregion[org]
        keep[t] = what[t] == 0
        if what[t] == 1:
            if s < room:  # M3's candidates, as many as the table holds
                who = inv[t]
                q = np.exp(z[s]) * (1.0 + k_quality * ktot[pcell[who]]) * depth[t]
                d = np.searchsorted(cdfs[uni[t]], u_spin[s], side="right")
                add_cand(C, who, -1, q, d, FROM_UNIVERSITY, org)
                n_spin[r] += 1
            s += 1
        elif what[t] == 2:
            l_reg[l] = r
            l_dom[l] = np.searchsorted(cdfs[uni[t]], u_lic[l], side="right")
            l_org[l] = org
            n_lic[r] += 1
            l += 1
        if what[t] != 0 and granted[t] >= 0:  # the rate counts the reported months' patents
            n_conv[r] += 1
    for r in range(nr):  # counts added once a region, as NumPy's bincount added them
        if ns:
            acc[r, col_spin] += n_spin[r]
        acc[r, col_lic] += n_lic[r]
        converted[r] += n_conv[r]
        acc[r, col_conv] = converted[r] / max(patents[r], 1.0) if patents[r] > 0 else 0.0
    return l_reg, l_dom, l_org, inv[keep], uni[keep], granted[keep]


@njit(cache=True)
def _licences(O, region, domain, source, month, acc, E, glob):
    """M8's :func:`tech_transfer` for each licence in order, in one compiled call (a call from
    Python unboxes the organisation and event tables and the globals: tens of µs each)."""
    for t in range(region.shape[0]):
        tech_transfer(O, region[t], domain[t], source[t], month, acc, E, glob)


def _mix(weights: np.ndarray) -> np.ndarray:
    w = np.maximum(np.asarray(weights, np.float64), 0.0)
    s = w.sum()
    return w / s if s > 0 else np.full(w.shape[0], 1.0 / w.shape[0])


MECHANISM = declare(
    Mechanism(
        code="M20",
        name="campus_spinoffs",
        title="University patents convert by hazard (inventors' spin-offs, licences); the "
        "conversion rate is an output",
        module=__name__,
        params=(
            "mechanisms.campus_spinoffs",
            "mechanisms.people_spinoffs",
            "regions.*.universities.*.transfer_office",
        ),
        metrics=tuple(m.name for m in _METRICS),
        hooks=(Hook("campus_spinoffs.month", month, compiled=False, doc="patents convert"),),
        off={"mechanisms.campus_spinoffs.enabled": False},
        direction_tests=(
            "tests/test_campus.py::test_a_better_transfer_office_converts_more",
            "tests/test_campus.py::test_knowledge_and_age_raise_the_spinoff_hazard",
        ),
        references=(
            "seed 004: 东南大学专利转化率11%, 浙大38%",
            "Di Gregorio & Shane 2003",
            "Lockett & Wright 2005",
        ),
    )
)

#: the switch (knowledge vectors, m13_network.ON, make inventors' depth count)
ON = {"mechanisms.campus_spinoffs.enabled": True}
