"""M18 — belief through ties: "信念的共鳴與擴散" (seed 000) as a state of the network.

The first edition's belief is one number per region, raised by the region's counted successes
(M9), plus a boost for the people of the winning firm. Here, switched on, a person's belief
that founding pays is their own: it rises when a person they are tied to works at (or founded)
a firm that raises a funding round or exits by IPO or acquisition (role models: Bosma, Hessels,
Schutjens, Van Praag & Verheul 2012; Lerner & Malmendier 2013 on peers' entrepreneurship), and
falls when that firm fails, the fall damped by the region's failure tolerance
(``loss x (1 - tolerance_damping x failure_tolerance)``). The signal is weighted by the tie's
strength at its last use. It relaxes toward the culture's baseline (``culture.belief``) at M9's
half-life. "Temperature" then becomes measurable per cell (:func:`belief_by_cell`).

How it sits on the first edition (no kernel edited): a person's belief in the founding decision
(M3) is ``R.belief[r] + P.inspired[i]``; ``inspired`` is the person's own deviation, relaxed by
M6's people pass at M9's half-life. Switched on, this module adds the ties' signals to
``inspired`` and sets the region's number to its culture baseline each month, so M3 reads the
*local* belief ``culture.belief + deviation`` instead of the regional broadcast, and the
``belief`` metric reports the regional mean of people's local belief. Local belief is kept in
``[0, max_belief]``. Without the living network's tie table (``mechanisms.ties`` off) there are
no ties to carry signals, and M9 is left as it is.

Whose firm: the employees of an organisation are read from the month's employer index
(``eng.emp_order`` / ``eng.emp_start``, built at the start of the month), so the people of a
firm that failed this month (released later in the month) are still found; its founders are
listed before the firms' month (:func:`snapshot`), for the same reason.

Cost: the month's events are few (rounds, exits, failures); only the event firms' people and
their tie rows are touched (vectorised), plus two compiled passes over people (founders before
the firms' month; cell sums for the regional mean and the spread), only when it is on.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest import registry
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.registry import Metric
from rainforest.state import accounts
from rainforest.state.accounts import M_BELIEF
from rainforest.state.tables import EXIT_ACQ, EXIT_FAIL, EXIT_IPO, FOUNDER, GONE

STRENGTH_Q = 32767.0  # quantum of the tie record's strength (ties.Q)

_METRICS = (
    Metric(
        "tie_belief_raised",
        "flow",
        "signals/month",
        "Belief raised through ties",
        "M18",
        "People-ties that carried a success (a funding round or an exit of a tied person's "
        "firm) this month, counted in the observer's region.",
        label_zh="经联系传递的成功信号",
    ),
    Metric(
        "tie_belief_lowered",
        "flow",
        "signals/month",
        "Belief lowered through ties",
        "M18",
        "People-ties that carried a failure of a tied person's firm this month, counted in the "
        "observer's region.",
        label_zh="经联系传递的失败信号",
    ),
    Metric(
        "belief_cell_spread",
        "ratio",
        "index 0-1",
        "Spread of belief across cells",
        "M18",
        "Standard deviation, across the region's inhabited cells, of the cells' mean local "
        "belief (0 when belief is one regional number).",
        scaled=False,
        label_zh="创业信念的街区差异",
    ),
)
for _m in _METRICS:  # appended after the built-ins: compiled account columns do not move
    registry.register_metric(_m)


_NONE = np.zeros(0, np.int64)  # no founders snapshotted


@njit(cache=True)
def sources(O, n_orgs, month, gains, emp_order, emp_start, founders, firm, n):
    """The people whose organisation sent a signal this month, and its signal: for each
    organisation in row order with a signal (``gains``: round, exit and failure, below),
    founded before this month and in the employer index, its people in
    the index's order; then the founders of :func:`snapshot` in its order whose firm is one of
    them. Rows from ``n`` on are left out. A signal is belief per tie at full strength, before
    the observer's tolerance damps failures: ``+round_gain`` for a round raised, ``+exit_gain``
    for an IPO or acquisition, ``-failure_loss`` for a failure. (One compiled pass; it was a
    dozen NumPy calls a month.)"""
    n_idx = emp_start.shape[0] - 1
    sig = np.zeros(n_orgs, np.float64)
    total = 0  # people of the organisations with a signal
    for o in range(n_orgs):
        v = 0.0
        if O.last_raise[o] == month:
            v += gains[0]
        if O.exit_month[o] == month:
            ex = O.exit[o]
            if ex == EXIT_IPO or ex == EXIT_ACQ:
                v += gains[1]
            if ex == EXIT_FAIL:
                v = -gains[2]
        if v != 0.0 and o < n_idx and O.founded[o] < month:
            sig[o] = v
            total += max(emp_start[o + 1] - emp_start[o], 0)
    src = np.empty(total + founders.shape[0], np.int64)
    amt = np.empty(total + founders.shape[0], np.float64)
    m = 0
    for o in range(n_orgs):
        if sig[o] != 0.0:
            for x in range(emp_start[o], emp_start[o + 1]):
                j = np.int64(emp_order[x])
                if j < n:
                    src[m] = j
                    amt[m] = sig[o]
                    m += 1
    for x in range(founders.shape[0]):
        f = firm[x]
        if f >= 0 and f < n_orgs and sig[f] != 0.0 and founders[x] < n:
            src[m] = founders[x]
            amt[m] = sig[f]
            m += 1
    return src[:m], amt[:m]


@njit(cache=True)
def spread(slot, deg, source, signal, n):
    """The signals of ``source`` people passed to their tied partners.

    Returns ``(partner, amount)``: one entry per (source, used slot), in that order, the
    amount being the source's signal times the tie's strength at its last use. Ties are
    symmetric, so a source's row lists everyone who is tied to them. (Compiled: a month's few
    hundred entries cost more in NumPy's calls than in the work.)"""
    K = slot.shape[1]
    m = 0
    for x in range(source.shape[0]):
        s = source[x]
        for k in range(min(K, max(int(deg[s]), 0))):
            j = slot[s, k, 0]
            m += j >= 0 and j < n
    partner = np.empty(m, np.int64)
    amount = np.empty(m, np.float64)
    m = 0
    for x in range(source.shape[0]):
        s = source[x]
        for k in range(min(K, max(int(deg[s]), 0))):
            j = slot[s, k, 0]
            if j >= 0 and j < n:
                partner[m] = j
                amount[m] = (np.float64(slot[s, k, 1] >> 16) / STRENGTH_Q) * signal[x]
                m += 1
    return partner, amount


@njit(cache=True)
def apply(inspired, region, partner, amount, tolerance, damping, base, max_belief):
    """Add the signals to the partners' own belief (``inspired``, in place, in its own
    precision): failures are damped by the partner's region's tolerance; local belief
    ``base[r] + inspired`` stays in ``[0, max_belief]`` (clipped after all signals are in)."""
    v = np.empty(3, inspired.dtype)  # casts to the table's precision
    for x in range(partner.shape[0]):
        p = partner[x]
        a = amount[x]
        if a < 0.0:
            a = a * (1.0 - damping * tolerance[region[p]])
        v[0] = a
        inspired[p] = inspired[p] + v[0]
    v[1] = max_belief
    for x in range(partner.shape[0]):
        p = partner[x]
        v[2] = base[region[p]]
        lo, hi = -v[2], v[1] - v[2]
        y = inspired[p]
        if y < lo:
            y = lo
        if y > hi:
            y = hi
        inspired[p] = y


@njit(cache=True)
def cell_sums(status, cell, inspired, n, count, total):
    """Living people per cell and the sum of their own deviations (one pass; NumPy's
    weighted ``bincount`` over a million rows cost ten times more)."""
    count[:] = 0.0
    total[:] = 0.0
    for i in range(n):
        if status[i] != GONE:
            c = cell[i]
            count[c] += 1.0
            total[c] += inspired[i]


@njit(cache=True)
def founder_rows(status, employer, n):
    """Rows of founders attached to a firm, in row order."""
    k = 0
    for i in range(n):
        if status[i] == FOUNDER and employer[i] >= 0:
            k += 1
    out = np.empty(k, np.int64)
    k = 0
    for i in range(n):
        if status[i] == FOUNDER and employer[i] >= 0:
            out[k] = i
            k += 1
    return out


@njit(cache=True)
def pass_signals(status, inspired, region, partner, amount, tolerance, damping, base,
                 max_belief, raised, lowered):  # fmt: skip
    """The month's signals to living partners only (:func:`apply`), and how many raised and
    lowered belief in each partner's region (added to ``raised`` and ``lowered``, by the
    signal's sign before tolerance damps it). One compiled call for what was a filter, the
    application and two ``bincount`` calls from NumPy."""
    keep = np.empty(partner.shape[0], np.bool_)
    for x in range(partner.shape[0]):
        keep[x] = status[partner[x]] != GONE
    p, a = partner[keep], amount[keep]
    apply(inspired, region, p, a, tolerance, damping, base, max_belief)
    up = np.zeros(raised.shape[0], np.int64)
    down = np.zeros(raised.shape[0], np.int64)
    for x in range(p.shape[0]):
        if a[x] > 0.0:
            up[region[p[x]]] += 1
        elif a[x] < 0.0:
            down[region[p[x]]] += 1
    for r in range(raised.shape[0]):
        raised[r] += up[r]
        lowered[r] += down[r]


@njit(cache=True)
def report_cells(status, cell, inspired, n, belief, cell_region, count, total, out_belief,
                 out_spread):  # fmt: skip
    """:func:`_report` in one compiled pass: people and local belief per cell (``count``,
    ``total``: :func:`cell_sums` plus each cell's region's number), then per region the mean
    local belief of its people (``out_belief``; the region's number where nobody lives) and
    the spread of its inhabited cells' means (``out_spread``). Sums run in cell order, as
    NumPy's weighted ``bincount`` does, so the figures are the same to the last bit."""
    cell_sums(status, cell, inspired, n, count, total)
    nr = out_belief.shape[0]
    people = np.zeros(nr)
    local = np.zeros(nr)
    k = np.zeros(nr)
    m1 = np.zeros(nr)
    m2 = np.zeros(nr)
    for c in range(count.shape[0]):
        r = cell_region[c]
        total[c] += count[c] * belief[r]
        people[r] += count[c]
        local[r] += total[c]
        inh = 1.0 if count[c] > 0 else 0.0
        mean = total[c] / max(count[c], 1.0) if count[c] > 0 else 0.0
        k[r] += inh
        m1[r] += mean * inh
        m2[r] += (mean * mean) * inh
    for r in range(nr):
        out_belief[r] = local[r] / max(people[r], 1.0) if people[r] > 0 else belief[r]
        a = m1[r] / max(k[r], 1.0)
        b = m2[r] / max(k[r], 1.0)
        out_spread[r] = np.sqrt(max(b - a * a, 0.0))


def _cells(eng) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Living people per cell and the sum of their local belief (region's number + own), and
    per region the mean local belief and the spread of its cells' means (:func:`report_cells`)."""
    w = eng.w
    n_cells, nr = len(w.G.cell_x), eng.acc.shape[0]
    count, total = np.zeros(n_cells), np.zeros(n_cells)
    mean, spread_ = np.empty(nr), np.empty(nr)
    report_cells(w.P.status, w.P.cell, w.P.inspired, int(w.P.n[0]),
                 np.asarray(w.R.belief, np.float64), np.asarray(w.G.cell_region), count, total,
                 mean, spread_)  # fmt: skip
    return count, total, mean, spread_


def local_belief(eng) -> tuple[np.ndarray, np.ndarray]:
    """Living people's rows and their local belief (the number M3 reads)."""
    P, R = eng.w.P, eng.w.R
    n = int(P.n[0])
    rows = np.flatnonzero(P.status[:n] != GONE)
    return rows, R.belief[P.region[rows]] + P.inspired[rows].astype(np.float64)


def belief_by_cell(eng) -> np.ndarray:
    """Mean local belief of each cell's living people (NaN in an empty cell), map-ready in the
    order of the district grid (``eng.w.G``)."""
    count, total, _, _ = _cells(eng)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _report(eng) -> None:
    """The regional mean of local belief (``belief``) and its spread across cells."""
    _, _, mean, spread_ = _cells(eng)
    eng.acc[:, M_BELIEF] = mean
    eng.acc[:, accounts.column("belief_cell_spread")] = spread_


def snapshot(eng) -> None:
    """Founders and their firms before the firms' month (a failed firm's founders are released
    by the people pass, before :func:`update` runs)."""
    p = eng.sc.mechanisms.tie_belief
    if not p.enabled or not eng.cache.get("ties"):
        return
    P = eng.w.P
    rows = founder_rows(P.status, P.employer, int(P.n[0]))
    eng.cache["tie_belief"] = {"founders": rows, "firm": P.employer[rows].astype(np.int64)}


def update(eng) -> None:
    """This month's tie signals into people's belief; the region's number back to its culture
    baseline (so M3 reads local belief); the regional mean and spread reported."""
    p = eng.sc.mechanisms.tie_belief
    st = eng.cache.get("ties")
    if not p.enabled or not st or "T" not in st:
        return
    w = eng.w
    P, O, R = w.P, w.O, w.R
    n = min(int(st["n"]), int(P.n[0]))
    n_orgs = int(O.n[0])
    month = int(eng.month)
    # the employer index was built before this month's foundings: newer firms are not in it
    snap = eng.cache.get("tie_belief") or {"founders": _NONE, "firm": _NONE}
    gains = np.array([p.round_gain, p.exit_gain, p.failure_loss], np.float64)
    source, signal = sources(O, n_orgs, month, gains, eng.emp_order, eng.emp_start,
                             snap["founders"], snap["firm"], n)  # fmt: skip
    T = st["T"]
    partner, amount = spread(T.slot, T.deg, source, signal, n)
    tol = np.asarray(R.tolerance, np.float64)
    base = np.asarray(R.belief0, np.float64)
    nr = eng.acc.shape[0]
    raised, lowered = np.zeros(nr), np.zeros(nr)
    pass_signals(
        P.status, P.inspired, P.region, partner, amount, tol, p.tolerance_damping, base,
        eng.sc.mechanisms.belief.max_belief, raised, lowered,
    )  # fmt: skip
    eng.acc[:, accounts.column("tie_belief_raised")] += raised
    eng.acc[:, accounts.column("tie_belief_lowered")] += lowered
    R.belief[:] = R.belief0  # M3 reads culture baseline + the person's own deviation
    _report(eng)


MECHANISM = declare(
    Mechanism(
        code="M18",
        name="tie_belief",
        title="Belief through ties: ties' successes raise it, failures lower it (damped by "
        "tolerance)",
        module=__name__,
        params=("mechanisms.tie_belief", "regions.*.culture.failure_tolerance"),
        metrics=tuple(m.name for m in _METRICS),
        hooks=(
            Hook("tie_belief.snapshot", snapshot, compiled=False, doc="founders and firms"),
            Hook("tie_belief.update", update, compiled=False, doc="belief through ties"),
        ),
        off={"mechanisms.tie_belief.enabled": False},
        direction_tests=(
            "tests/test_growth_belief.py::test_ties_successes_found_more_than_ties_failures",
            "tests/test_growth_belief.py::test_tolerance_damps_the_fall_of_belief",
        ),
        references=(
            "seed 000: 信念的共鳴與擴散",
            "Bosma et al. 2012, Journal of Economic Psychology 33:410 (role models)",
            "Lerner & Malmendier 2013, Review of Financial Studies 26:2411 (peers)",
        ),
    )
)

#: the switch of belief through ties (it needs the living network's ties: m13_network.ON)
ON = {"mechanisms.tie_belief.enabled": True}
