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
from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms import spinoff_people as sp
from rainforest.mechanisms.contract import Hook, Mechanism, declare
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
    """Monthly hazards of an open patent: the inventor founding on it (M16's rule with one
    unpursued idea, times the office's lever) and a firm licensing it."""
    lever = pm.exp(p.tto_effect * np.asarray(policy, np.float64))
    n = len(lever)
    h_spin = sp.hazards(
        np.asarray(depth, np.float64),
        np.asarray(age, np.float64),
        np.zeros(n),
        np.zeros(n),
        np.ones(n),
        sp.params_tuple(spin),
    )
    return np.minimum(h_spin * lever, 1.0), np.minimum(p.licence_hazard * lever, 1.0)


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


def _new_patents(eng, st: dict) -> np.ndarray:
    """This month's granted patents, as the index of their university (from M8's events)."""
    E = eng.w.E
    n = int(E.n[0])
    # the event table restarts with the report (month 0): scan it from its start then
    at = 0 if (eng.month == 0 or st["e_at"] > n) else st["e_at"]
    st["e_at"] = n
    sl = slice(at, n)
    ev = np.flatnonzero((E.kind[sl] == EV_PATENT) & (E.month[sl] == eng.month)) + at
    if ev.size == 0:
        return np.zeros(0, np.int64)
    uni_of = st.get("uni_of")  # organisation row -> its university's index (-1: none)
    if uni_of is None or uni_of.shape[0] < int(eng.w.O.n[0]) + 1:
        uni_of = np.full(eng.w.O.kind.shape[0] + 1, -1, np.int64)  # the table's capacity
        uni_of[eng.w.U.org] = np.arange(eng.w.U.org.shape[0])
        st["uni_of"] = uni_of
    u = uni_of[E.org[ev]]
    return u[u >= 0]


def _inventors(eng, unis: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A living person on each patent's campus (its university's cell), else in its region."""
    w = eng.w
    P, O, G = w.P, w.O, w.G
    out = np.full(unis.size, -1, np.int64)
    for u in np.unique(unis):
        at = np.flatnonzero(unis == u)
        org = int(w.U.org[u])
        cell, r = int(O.cell[org]), int(O.region[org])
        lo, hi = int(eng.cell_start[cell]), int(eng.cell_start[cell + 1])
        pool = eng.cell_order[lo:hi].astype(np.int64)
        if pool.size == 0:  # nobody on campus: anyone in the region (cells are contiguous)
            c0 = int(G.reg_cell0[r])
            lo, hi = int(eng.cell_start[c0]), int(eng.cell_start[c0 + int(G.reg_ncell[r])])
            pool = eng.cell_order[lo:hi].astype(np.int64)
        if pool.size:
            out[at] = pool[rng.integers(0, pool.size, size=at.size)]
    ok = out >= 0
    ok[ok] = P.status[out[ok]] != GONE
    return np.where(ok, out, -1)


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
    new = _new_patents(eng, st)
    nr = eng.acc.shape[0]
    if new.size:
        st["inventor"] = np.concatenate([st["inventor"], _inventors(eng, new, rng)])
        st["uni"] = np.concatenate([st["uni"], new])
        st["granted"] = np.concatenate([st["granted"], np.full(new.size, month_now)])
        if month_now >= 0:
            st["patents"] += np.bincount(O.region[U.org[new]], minlength=nr)
    # expire old patents and those whose inventor has gone
    inv = st["inventor"]
    keep = (month_now - st["granted"] < p.window_months) & (inv >= 0)
    keep[keep] = P.status[inv[keep]] != GONE
    for k in ("inventor", "uni", "granted"):
        st[k] = st[k][keep]
    inv, uni = st["inventor"], st["uni"]
    if inv.size == 0:
        return
    tie = eng.cache.get("ties")
    if tie and "K" in tie and inv.max() < tie["K"].k.shape[0]:
        kp = eng.sc.mechanisms.knowledge_vectors
        depth = np.linalg.norm(tie["K"].k[inv].astype(np.float64), axis=1)
        depth /= max(kp.initial_depth, 1e-12)
    else:
        depth = np.ones(inv.size)
    h_spin, h_lic = conversion_hazards(
        depth, month_now - st["granted"], st["policy"][uni], p, eng.sc.mechanisms.people_spinoffs
    )
    x = rng.random(inv.size)
    founder_ok = P.status[inv] != FOUNDER
    spin = (x < h_spin) & founder_ok
    lic = ~spin & (x >= h_spin) & (x < h_spin + h_lic)
    org = U.org[uni]
    region = O.region[org]
    s_idx = np.flatnonzero(spin)
    if s_idx.size:
        dom = _domains(rng, U.dom, uni[s_idx])
        who = inv[s_idx]
        quality = (
            pm.exp(rng.normal(glob.uni_quality_mu, glob.qsd, s_idx.size))
            * (1.0 + glob.k_quality * G.ktot[P.cell[who]])
            * depth[s_idx]
        )
        k0 = int(eng.C.n[0])
        m = min(s_idx.size, eng.C.person.shape[0] - k0)
        sl = slice(k0, k0 + m)
        eng.C.person[sl] = who[:m]
        eng.C.partner[sl] = -1
        eng.C.quality[sl] = quality[:m]
        eng.C.domain[sl] = dom[:m]
        eng.C.origin[sl] = FROM_UNIVERSITY
        eng.C.parent[sl] = org[s_idx][:m]
        eng.C.n[0] = k0 + m
        eng.acc[:, accounts.column("campus_spinoff_draws")] += np.bincount(
            region[s_idx][:m], minlength=nr
        )
    l_idx = np.flatnonzero(lic)
    if l_idx.size:  # M8's compiled transfer to a local firm, all of the month's in one call
        d = _domains(rng, U.dom, uni[l_idx])
        _licences(O, region[l_idx], d, org[l_idx], month_now, eng.acc, w.E, glob)
    eng.acc[:, accounts.column("campus_licences")] += np.bincount(region[l_idx], minlength=nr)
    done = spin | lic
    # the rate counts patents granted in the reported months (as the denominator does)
    counted = done & (st["granted"] >= 0)
    st["converted"] += np.bincount(region[counted], minlength=nr)
    for k in ("inventor", "uni", "granted"):
        st[k] = st[k][~done]
    eng.acc[:, accounts.column("campus_conversion")] = np.where(
        st["patents"] > 0, st["converted"] / np.maximum(st["patents"], 1.0), 0.0
    )


def _domains(rng: np.random.Generator, weights: np.ndarray, unis: np.ndarray) -> np.ndarray:
    """A domain for each entry of ``unis``, drawn from its university's row of ``weights``
    (:func:`_mix`): one uniform an entry, in order, each placed in the row's cumulative mix,
    which is what ``rng.choice(p=...)`` draws, without its checks and set-up an entry."""
    u = rng.random(unis.size)
    out = np.empty(unis.size, np.int64)
    for x in np.unique(unis):
        at = unis == x
        cdf = np.cumsum(_mix(weights[x]))
        cdf /= cdf[-1]
        out[at] = np.searchsorted(cdf, u[at], side="right")
    return out


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
