"""Small kernels shared by the mechanisms: appending rows, tallies, sampling helpers."""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.state.tables import (
    EMPLOYED,
    GONE,
    LISTED,
    NO_EXIT,
    SME,
    STARTUP,
    UNEMPLOYED,
)

# Per-row tallies (head counts by region) are split over LANES partial counters indexed by
# ``row % LANES``: a single counter per region makes every row wait for the previous row's
# store to that address (~10 cycles), which dominated the people passes of small districts.
# A power of two, so that ``row & (LANES - 1)`` may stand for the modulo.
LANES = 8


# The fractional offset of firm ``org`` when its sampled head count is rounded (see
# ``sampled_head``): org x the golden ratio mod 1 spreads consecutive rows evenly over [0, 1)
# and stays fixed for the firm's life, so rounding is unbiased over firms without churn.
GOLDEN = 0.6180339887498949


@njit(cache=True, inline="always")
def is_firm(kind):
    """Startups, SMEs and listed firms: the organisations that are one to one when
    ``mechanisms.initial.one_to_one_orgs`` is on (anchors, facilities and universities are
    unique at any scale; incumbent and state employers are the rest of the economy)."""
    return kind == STARTUP or kind == SME or kind == LISTED


@njit(cache=True, inline="always")
def share(O, org, glob):
    """What one event of ``org`` adds to the accounts, which the engine multiplies by k:
    weight / k, so 1 for a sampled firm that stands for k real ones, 1/k for a firm that is
    one to one (or a unique institution)."""
    return O.weight[org] / glob.k


@njit(cache=True, inline="always")
def headcount(O, org, glob):
    """A firm's real head count, the one its economics use (burn, revenue, experiments).
    When firms are a 1/k sample each stands for k firms of its own size, so its sampled
    employees are its real head count; when firms are one to one (``glob.o2o``) its sampled
    employees are about 1/k of it, and its real head count is ``O.head``: its planned team
    as far as the labour market filled it (``m06_labour.real_heads``)."""
    if glob.o2o > 0.0:
        return O.head[org]
    return O.emp[org]


@njit(cache=True, inline="always")
def sampled_head(O, org, glob, team):
    """Sampled employees a one-to-one firm keeps for a real ``team`` (whole people: the
    hiring side passes floor(target), the firing side ceil(target), as for a sampled firm):
    team / k, rounded down after a fixed per-firm offset in [0, 1), unbiased over firms and
    without monthly churn; at k = 1 it is ``team`` itself."""
    return int(np.floor(team / glob.k + (org * GOLDEN) % 1.0))


def kind_in(kind: np.ndarray, kinds: tuple[int, ...]) -> np.ndarray:
    """``np.isin(kind, kinds)`` for a few organisation kinds, as one comparison a kind: the
    monthly hooks call it on every organisation row, where ``np.isin``'s sort costs ten times
    as much for the same flags."""
    out = kind == kinds[0]
    for k in kinds[1:]:
        out |= kind == k
    return out


def staff_of(P, firms: np.ndarray) -> np.ndarray:
    """Rows of the living people employed by the organisations flagged in ``firms`` (one
    bool per organisation row): the people of firms that move or leave (NumPy, not a kernel)."""
    n = int(P.n[0])
    e = P.employer[:n]
    ours = np.flatnonzero((e >= 0) & (P.status[:n] != GONE))
    return ours[firms[e[ours]]]


@njit(cache=True, inline="always")
def add_event(E, month, kind, region, org, person, other, amount, domain):
    """Append one event; the engine keeps room, so a full table means a bug (flag, no write)."""
    k = E.n[0]
    if k >= E.month.shape[0]:
        return -1
    E.month[k] = month
    E.kind[k] = kind
    E.region[k] = region
    E.org[k] = org
    E.person[k] = person
    E.other[k] = other
    E.amount[k] = amount
    E.domain[k] = domain
    E.n[0] = k + 1
    return k


@njit(cache=True, inline="always")
def new_person(P, region, cell, skill, birth, cred, risk, status, employer):
    """Append a person and return its id (-1 if the table is full)."""
    k = P.n[0]
    if k >= P.status.shape[0]:
        return -1
    P.status[k] = status
    P.region[k] = region
    P.cell[k] = cell
    P.skill[k] = skill
    P.employer[k] = employer
    P.birth[k] = birth
    P.cred[k] = cred
    P.risk[k] = risk
    P.exp[k] = 0
    P.inspired[k] = 0.0
    P.settled[k] = birth
    P.uni[k] = -1
    P.cohort[k] = 0
    P.n[0] = k + 1
    return k


@njit(cache=True, inline="always")
def new_org(O, kind, region, cell, domain, month, weight):
    """Append an organisation with neutral defaults and return its id (-1 if full)."""
    k = O.n[0]
    if k >= O.kind.shape[0]:
        return -1
    O.kind[k] = kind
    O.alive[k] = 1
    O.region[k] = region
    O.cell[k] = cell
    O.domain[k] = domain
    O.founded[k] = month
    O.cash[k] = 0.0
    O.fit[k] = 0.0
    O.theta[k] = 0.0
    O.emp[k] = 0
    O.target[k] = 0.0
    O.rounds[k] = 0
    O.raised[k] = 0.0
    O.valuation[k] = 0.0
    O.shares[k] = 1.0
    O.parent[k] = -1
    O.origin[k] = 0
    O.state[k] = 0
    O.cred[k] = 0
    O.unicorn[k] = 0
    O.exit[k] = NO_EXIT
    O.exit_month[k] = -1
    O.last_raise[k] = -1
    O.inv_head[k] = -1
    O.pending[k, :] = 0.0
    O.weight[k] = weight
    O.spin_rate[k] = 0.0
    O.demand[k] = 0.0
    O.listed[k] = 0
    O.prod[k] = 1.0
    O.head[k] = 0.0
    O.backed[k] = 0.0
    O.n[0] = k + 1
    return k


@njit(cache=True, inline="always")
def pick_weighted(weights):
    """Index drawn with probability proportional to non-negative ``weights`` (-1 if all 0)."""
    total = 0.0
    for w in weights:
        total += w
    if total <= 0.0:
        return -1
    u = np.random.random() * total
    acc = 0.0
    for i in range(weights.shape[0]):
        acc += weights[i]
        if u < acc:
            return i
    return weights.shape[0] - 1


@njit(cache=True, inline="always")
def leave_job(employer, emp, i):
    """Person ``i`` leaves their employer (head count kept consistent). Helpers in per-person
    loops take arrays rather than whole tables: passing a table costs a reference-count update
    per column."""
    e = employer[i]
    if e >= 0 and emp[e] > 0:
        emp[e] -= 1
    employer[i] = -1


@njit(cache=True, inline="always")
def join(status, employer, emp, i, org):
    """Person ``i`` is hired by ``org``."""
    leave_job(employer, emp, i)
    employer[i] = org
    status[i] = EMPLOYED
    emp[org] += 1


@njit(cache=True, inline="always")
def make_unemployed(status, employer, emp, i):
    """Person ``i`` loses their job or firm."""
    leave_job(employer, emp, i)
    if status[i] != GONE:
        status[i] = UNEMPLOYED


@njit(cache=True, inline="always")
def row_draw(cdf, r, u):
    """The first column of row ``r`` of the cumulative table ``cdf`` that the uniform draw
    ``u`` does not pass (the last column if it passes them all): a region drawn from row r of
    M12's ``remote_cdf`` or ``invest_cdf`` (it may be ``r`` itself)."""
    n = cdf.shape[0]
    q = 0
    while q < n - 1 and u >= cdf[r, q]:
        q += 1
    return q
