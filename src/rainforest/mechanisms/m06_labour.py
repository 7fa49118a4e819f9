"""M6 (labour market) — people find, keep and lose jobs; the region's labour force is refilled.

Kept apart from the firms' life cycle (:mod:`rainforest.mechanisms.m06_lifecycle`) because it is
a different market with its own parameters: every person is employed, founding or unemployed;
they retire at ``mechanisms.exits.retirement_age``, leave the district at each region's
``turnover`` rate, are laid off when their firm shrinks below its head count, closes or is
acquired, and the unemployed find jobs with monthly chance ``mechanisms.exits.job_finding``,
in firms that are hiring near where they live. Newcomers (graduates and people from outside the
modelled regions, counted as arrivals) fill each region's labour force to its target size.
The people pass also applies the inspiration of colleagues of a winning firm (M9) and queues
the comeback ideas of founders whose firm failed (fast fail, fast learn; M3 decides).

Why a job ladder (``mechanisms.labour.job_ladder``, off in the first edition, on in the
calibrated second): without it a firm below its head-count target poaches from any firm of
the region, the firm it emptied poaches in turn, and 10-60% of the employed changed employer
a month where data put it at about 2% (docs/calibration.md sections 9-10). Job-to-job moves
go up a ladder, from less to more productive firms (Haltiwanger, Hyatt & McEntarfer 2018),
so chains end.

Why search and matching (``mechanisms.labour.matching``, off in both editions until a fit
takes it): under the rule above a district has no unemployment (every newcomer is hired the
month they arrive while any firm is short of staff) and job-to-job moves happen only once the
pool is empty, so they came in bursts: Caohejing's moves ran from 0.1% to 5% a month from seed
to seed under the shipped fit (docs/calibration.md section 26). With the switch, a matching
function with constant returns meets each region's open jobs with its job seekers, the
unemployed and, with less intensity, the employed (Pissarides 2000; Petrongolo & Pissarides
2001): people wait for jobs while jobs wait for people, and moves are a steady share of the
employed.

Parameters: ``mechanisms.exits`` (job_finding, retirement_age), ``mechanisms.founding``
(refound_probability), ``mechanisms.labour`` (poaching, the ladder, search and matching,
newcomers' ages), each
region's ``turnover`` and ``population``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.common import (
    LANES,
    is_firm,
    join,
    leave_job,
    make_unemployed,
    new_person,
    sampled_head,
)
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m02_ideas import add_cand
from rainforest.state.accounts import (
    M_ARRIVALS,
    M_DEPARTURES,
    M_EMPLOYED,
    M_FOUNDERS,
    M_JOB_CHANGES,
    M_PEOPLE,
    M_UNDER35,
    M_UNEMPLOYED,
)
from rainforest.state.tables import (
    ANCHOR,
    EMPLOYED,
    EXIT_ACQ,
    EXIT_IPO,
    FACILITY,
    FOUNDER,
    GONE,
    GRASSROOTS,
    INCUMBENT,
    LISTED,
    SME,
    STARTUP,
    STATE,
    UNEMPLOYED,
)


@njit(cache=True)
def people_month(P, O, glob, month, inspired_decay, alive, acc, refound):
    """Retirements, people released by firms that closed, and the belief of colleagues of a
    winner; run after the firms' month so nobody is left attached to a closed firm. Counts the
    people still in each region into ``alive``. Founders of a firm that just failed come back
    with a new idea with probability ``refound_p`` (queued in ``refound`` for next month)."""
    # columns are bound to locals once: a table's attribute read inside the loop costs a
    # reference-count update per access, which made this pass four times slower
    status, birth, employer, region, inspired = P.status, P.birth, P.employer, P.region, P.inspired
    alive_org, emp, exit_month, exit_kind, domain = O.alive, O.emp, O.exit_month, O.exit, O.domain
    retire, refound_p, qsd, boost = (
        glob.retire_months,
        glob.refound_p,
        glob.qsd,
        glob.colleague_boost,
    )
    tally = np.zeros((alive.shape[0], LANES))
    for i in range(P.n[0]):
        st = status[i]
        live = st != GONE
        e = employer[i]
        x = max(e, 0)
        # the common case (living or departed, nothing happens) is handled without branching
        # on `live`, which is unpredictable (see m01.index_by_cell); the rare rows go below
        event = (month - birth[i] >= retire) | (
            (e >= 0) & ((alive_org[x] == 0) | (exit_month[x] == month))
        )
        if not (live & event):
            inspired[i] *= inspired_decay if live else 1.0
            tally[region[i], i % LANES] += live
            continue
        if month - birth[i] >= retire:
            leave_job(employer, emp, i)
            status[i] = GONE
            acc[region[i], M_DEPARTURES] += 1.0
            continue
        if alive_org[e] == 0:
            if st == FOUNDER and np.random.random() < refound_p:
                q = np.exp(np.random.normal(0.0, qsd))  # experience enters in M3
                add_cand(refound, i, -1, q, domain[e], GRASSROOTS, -1)
            make_unemployed(status, employer, emp, i)
        elif exit_kind[e] == EXIT_IPO or exit_kind[e] == EXIT_ACQ:  # exited this month
            inspired[i] += boost
            if st == FOUNDER:
                status[i] = EMPLOYED  # after the exit, free to leave or found again
        inspired[i] *= inspired_decay
        tally[region[i], i % LANES] += 1.0
    alive[:] = tally.sum(axis=1)


@njit(cache=True)
def turnover(P, O, monthly_rate, month, acc):
    """Workers leave the district for good (career moves, family, elsewhere) at each region's
    turnover rate; newcomers replace them (see ``add_entrants``). Founders stay with their
    firms. Sampled by thinning: O(leavers), not O(people)."""
    n = P.n[0]
    rmax = monthly_rate.max() if monthly_rate.shape[0] else 0.0
    if n == 0 or rmax <= 0.0:
        return
    for _ in range(np.random.poisson(n * rmax)):
        i = np.random.randint(n)
        if P.status[i] == GONE or P.status[i] == FOUNDER:
            continue
        r = P.region[i]
        if np.random.random() * rmax >= monthly_rate[r]:
            continue
        leave_job(P.employer, O.emp, i)
        P.status[i] = GONE
        acc[r, M_DEPARTURES] += 1.0


@njit(cache=True)
def count_people(P, month, acc):
    """End-of-month head counts by status and age."""
    # tally[r, slot, lane]: slots are the statuses (GONE included, ignored) and the under-35s;
    # branch-free for the reason given in m01.index_by_cell
    tally = np.zeros((acc.shape[0], 5, LANES), np.int64)
    status, region, birth = P.status, P.region, P.birth  # locals: see people_month
    for i in range(P.n[0]):
        st = status[i]
        r = region[i]
        lane = i % LANES
        tally[r, st, lane] += 1
        tally[r, 4, lane] += (month - birth[i] < 35 * 12) & (st != GONE)
    for r in range(acc.shape[0]):
        emp = tally[r, EMPLOYED].sum()
        unemp = tally[r, UNEMPLOYED].sum()
        found = tally[r, FOUNDER].sum()
        acc[r, M_PEOPLE] += emp + unemp + found
        acc[r, M_EMPLOYED] += emp
        acc[r, M_UNEMPLOYED] += unemp
        acc[r, M_FOUNDERS] += found
        acc[r, M_UNDER35] += tally[r, 4].sum()


@njit(cache=True)
def index_by_employer(P, n_orgs, order, start):
    """Counting sort of employees (not founders) by employer."""
    status, employer = P.status, P.employer  # locals: see people_month
    # branch-free, as m01.index_by_cell; rows that are not employees go to dump buckets after
    # the last organisation. Lanes only while the tally stays small enough for the cache:
    # with tens of thousands of employers, cache misses cost more than the chains they break.
    lanes = LANES if n_orgs * LANES <= 32768 else 1
    mask = lanes - 1  # LANES is a power of two
    tally = np.zeros((n_orgs + lanes, lanes), np.int64)
    for i in range(P.n[0]):
        e = employer[i]
        take = (status[i] == EMPLOYED) & (e >= 0)
        tally[e if take else n_orgs + (i & mask), i & mask] += 1
    start[:] = 0
    for o in range(n_orgs):
        start[o + 1] = start[o] + tally[o].sum()
    fill = np.empty(n_orgs + lanes, np.int64)
    fill[:n_orgs] = start[:n_orgs]
    fill[n_orgs:] = order.shape[0] - lanes + np.arange(lanes)  # dump slots, never read
    for i in range(P.n[0]):
        e = employer[i]
        b = e if (status[i] == EMPLOYED) & (e >= 0) else n_orgs + (i & mask)
        order[fill[b]] = i
        fill[b] += b < n_orgs


@njit(cache=True)
def fire_surplus(P, O, glob, emp_order, emp_start):
    """Firms above their headcount target let employees go (founders stay). A firm that is
    one to one (``glob.o2o``) keeps its sampled share of its real team (``sampled_head``)."""
    for org in range(O.n[0]):
        if O.alive[org] == 0:
            continue
        kind = O.kind[org]
        if kind == INCUMBENT or kind == STATE:
            continue
        if glob.o2o > 0.0 and is_firm(kind):
            surplus = O.emp[org] - sampled_head(O, org, glob, np.ceil(O.target[org]))
        else:
            surplus = O.emp[org] - int(np.ceil(O.target[org]))
        lo = emp_start[org]
        hi = emp_start[org + 1]
        n = hi - lo
        while surplus > 0 and n > 0:
            x = lo + np.random.randint(n)
            i = emp_order[x]
            emp_order[x] = emp_order[lo + n - 1]
            n -= 1
            if P.employer[i] == org and P.status[i] == EMPLOYED:
                make_unemployed(P.status, P.employer, O.emp, i)
                surplus -= 1


@njit(cache=True)
def index_unemployed(P, n_regions, month, order, start):
    """Counting sort of the unemployed by region (the hiring pool of the month). People still
    settling in after a move (``settled`` in the future, M11) are not yet in the pool."""
    status, settled, region = P.status, P.settled, P.region  # locals: see people_month
    start[:] = 0
    for i in range(P.n[0]):
        if status[i] == UNEMPLOYED and settled[i] <= month:
            start[region[i] + 1] += 1
    for r in range(n_regions):
        start[r + 1] += start[r]
    fill = start[:-1].copy()
    for i in range(P.n[0]):
        if status[i] == UNEMPLOYED and settled[i] <= month:
            r = region[i]
            order[fill[r]] = i
            fill[r] += 1


@njit(cache=True, inline="always")
def openings(O, glob, org):
    """Jobs a hiring firm has open (may be negative): its planned team, floor(target), less
    its staff; a firm that is one to one (``glob.o2o``) counts its sampled share of the team."""
    if glob.o2o > 0.0 and is_firm(O.kind[org]):
        return sampled_head(O, org, glob, np.floor(O.target[org])) - O.emp[org]
    return int(np.floor(O.target[org])) - O.emp[org]


@njit(cache=True, inline="always")
def hires(kind):
    """Kinds that plan a head count and hire to it (incumbent and state employers take whoever
    is left, at the job-finding rate)."""
    return kind == STARTUP or kind == SME or kind == LISTED or kind == ANCHOR or kind == FACILITY


@njit(cache=True)
def open_jobs(O, glob, n_regions):
    """Jobs open at each region's hiring firms (:func:`openings` where positive), in simulated
    people: what the matching function meets with the job seekers (:func:`match_search`) and
    what M19's recruits come from outside for (``m19_growth.unfilled_jobs``)."""
    out = np.zeros(n_regions)
    for org in range(O.n[0]):
        if O.alive[org] != 0 and hires(O.kind[org]):
            out[O.region[org]] += max(openings(O, glob, org), 0)
    return out


@njit(cache=True)
def hire_and_match(
    P, O, R, glob, cell_order, cell_start, G, pool, pool_start, incumbent_of, state_of, acc
):
    """Firms fill their open jobs, by search and matching (``glob.matching``,
    :func:`match_search`) or by the first edition's rule (:func:`fill_and_poach`); the rest of
    the unemployed find jobs at incumbent or state employers at the job-finding rate.
    Job-to-job moves are counted in ``acc`` (``job_changes``)."""
    n_regions = pool_start.shape[0] - 1
    left = np.empty(n_regions, np.int64)
    for r in range(n_regions):
        left[r] = pool_start[r + 1] - pool_start[r]
    if O.n[0] == 0:
        return
    if glob.matching > 0.0:
        match_search(P, O, glob, cell_order, cell_start, G, pool, pool_start, left, acc)
    else:
        fill_and_poach(P, O, glob, cell_order, cell_start, G, pool, pool_start, left, acc)
    for r in range(n_regions):
        lo = pool_start[r]
        for x in range(lo, lo + left[r]):
            i = pool[x]
            if P.status[i] == UNEMPLOYED and np.random.random() < glob.job_finding:
                org = state_of[r] if np.random.random() < R.state_share[r] else incumbent_of[r]
                join(P.status, P.employer, O.emp, i, org)


@njit(cache=True)
def fill_and_poach(P, O, glob, cell_order, cell_start, G, pool, pool_start, left, acc):
    """The first edition's rule: firms below target hire from the unemployed at once, then
    poach from established employers (giving up for the month after ``poach_max_misses``
    fruitless searches; an approached worker takes the offer with chance ``poach_accept``, no
    draw when it is 1, and with ``job_ladder`` only from a firm whose fit beats the
    employer's: people move up to more productive firms, Haltiwanger, Hyatt & McEntarfer
    2018). ``left`` (the unemployed still in each region's pool) is updated."""
    n_orgs = O.n[0]
    off = np.random.randint(n_orgs)
    for y in range(n_orgs):
        org = (y + off) % n_orgs
        if O.alive[org] == 0 or not hires(O.kind[org]):
            continue
        need = openings(O, glob, org)
        r = O.region[org]
        misses = 0
        while need > 0:
            if left[r] > 0:
                lo = pool_start[r]
                x = lo + np.random.randint(left[r])
                i = pool[x]
                pool[x] = pool[lo + left[r] - 1]
                left[r] -= 1
                if P.status[i] == UNEMPLOYED:
                    join(P.status, P.employer, O.emp, i, org)
                    need -= 1
                continue
            # poach from established employers (not from founders, startups or anchors)
            lo = cell_start[G.reg_cell0[r]]
            hi = cell_start[G.reg_cell0[r] + G.reg_ncell[r]]
            got = False
            for _ in range(int(glob.poach_tries)):
                if hi <= lo:
                    break
                i = cell_order[lo + np.random.randint(hi - lo)]
                e = P.employer[i]
                if P.status[i] == EMPLOYED and e >= 0 and e != org:
                    ek = O.kind[e]
                    if (
                        (ek == INCUMBENT or ek == STATE or ek == SME or ek == LISTED)
                        and (glob.job_ladder == 0.0 or O.fit[org] > O.fit[e])
                        and (glob.poach_accept >= 1.0 or np.random.random() < glob.poach_accept)
                    ):
                        join(P.status, P.employer, O.emp, i, org)
                        acc[r, M_JOB_CHANGES] += 1.0
                        got = True
                        break
            if not got:
                misses += 1
                if misses >= glob.poach_misses:
                    break
                continue
            need -= 1


@njit(cache=True, inline="always")
def ladder_or_joiner(O, glob, risk, e, org):
    """Whether an employed person of firm ``e`` with risk appetite ``risk`` takes ``org``'s job
    under the job ladder: up the ladder (``org``'s fit above ``e``'s), or, for a startup's job,
    as a joiner with chance ``joiner_appeal`` x ``risk`` (Roach & Sauermann 2015). No draw when
    the appeal is 0."""
    if O.fit[org] > O.fit[e]:
        return True
    return (
        glob.joiner_appeal > 0.0
        and O.kind[org] == STARTUP
        and np.random.random() < glob.joiner_appeal * risk
    )


#: draws of a person in the region's cells to find an employed one for a contact
EMPLOYED_DRAWS = 8


@njit(cache=True)
def match_search(P, O, glob, cell_order, cell_start, G, pool, pool_start, left, acc):
    """Search and matching (``mechanisms.labour.matching``; Pissarides 2000, ch. 1 and 4).

    In each region, the open jobs V (every hiring firm's :func:`openings` at the start of the
    hiring) and the job seekers S = U + ``employed_search`` x E (U the unemployed in the pool,
    E the region's employees) make ``matching_efficiency`` x S^a x V^(1-a) contacts this
    month (a = ``matching_elasticity``; at most min(S, V); the fraction drawn). Each contact
    is an open job drawn uniformly, so a firm with more openings meets more seekers, and a
    seeker drawn in proportion to search intensity: unemployed with chance U' / (U' + s E),
    U' those still unmatched. An unemployed seeker takes the job. An employed one (drawn among
    the region's people) moves only up the job ladder when ``job_ladder`` is on (a startup's
    job may be taken against the ladder by a joiner: :func:`ladder_or_joiner`); otherwise, or
    if none is found, the contact is spent and the job stays open. Jobs a move leaves behind
    open next month, so no chain of moves runs within a month. Constant returns: contacts per
    seeker depend on V / S only, so per-capita flows do not move with the population scale."""
    n_regions = left.shape[0]
    n_orgs = O.n[0]
    vacancies = open_jobs(O, glob, n_regions)
    start = np.zeros(n_regions + 1, np.int64)
    for r in range(n_regions):
        start[r + 1] = start[r] + int(vacancies[r])
    employed = np.zeros(n_regions)
    for org in range(n_orgs):
        if O.alive[org] != 0:
            employed[O.region[org]] += O.emp[org]
    vac = np.empty(start[n_regions], np.int64)  # one row per open job: the firm
    fill = start[:-1].copy()
    for org in range(n_orgs):
        if O.alive[org] == 0 or not hires(O.kind[org]):
            continue
        r = O.region[org]
        for _ in range(max(openings(O, glob, org), 0)):
            vac[fill[r]] = org
            fill[r] += 1
    a, s_e = glob.match_el, glob.emp_search
    for r in range(n_regions):
        v = start[r + 1] - start[r]
        seekers = left[r] + s_e * employed[r]
        if v == 0 or seekers <= 0.0:
            continue
        m = min(glob.match_eff * seekers**a * v ** (1.0 - a), float(v), seekers)
        contacts = int(m)
        if np.random.random() < m - contacts:
            contacts += 1
        lo, still = start[r], v
        plo = pool_start[r]
        clo = cell_start[G.reg_cell0[r]]
        chi = cell_start[G.reg_cell0[r] + G.reg_ncell[r]]
        for _ in range(contacts):
            if still == 0:
                break
            x = lo + np.random.randint(still)
            org = vac[x]
            u = left[r]
            i = -1
            if u > 0 and np.random.random() * (u + s_e * employed[r]) < u:
                y = plo + np.random.randint(u)
                i = pool[y]
                pool[y] = pool[plo + u - 1]
                left[r] -= 1
                if P.status[i] != UNEMPLOYED:
                    continue
                join(P.status, P.employer, O.emp, i, org)
            else:
                for _ in range(EMPLOYED_DRAWS):
                    if chi <= clo:
                        break
                    j = cell_order[clo + np.random.randint(chi - clo)]
                    if P.status[j] == EMPLOYED and P.employer[j] >= 0:
                        i = j
                        break
                if i < 0:
                    continue
                e = P.employer[i]
                if e == org or (
                    glob.job_ladder > 0.0 and not ladder_or_joiner(O, glob, P.risk[i], e, org)
                ):
                    continue
                join(P.status, P.employer, O.emp, i, org)
                acc[r, M_JOB_CHANGES] += 1.0
            vac[x] = vac[lo + still - 1]
            still -= 1


@njit(cache=True)
def real_heads(O, glob, n_regions):
    """Real head counts of firms simulated one to one (``glob.o2o``): each firm's planned team
    (whole people, floor(target), what hiring fills) times the share of planned jobs that the
    sampled labour market filled for firms of its kind in its region (k x sampled staff /
    planned teams). A firm's own sampled staff (about team / k, often 0 or 1) is too coarse
    to read its head count from; the share keeps the labour market's limits (a drained pool,
    poaching from established firms) in the firms' economics, as sampled staff do when firms
    are a 1/k sample."""
    got = np.zeros((n_regions, 3))
    planned = np.zeros((n_regions, 3))
    n = O.n[0]
    for org in range(n):
        kind = O.kind[org]
        if O.alive[org] == 0 or not is_firm(kind):
            continue
        c = 0 if kind == STARTUP else (1 if kind == SME else 2)
        got[O.region[org], c] += glob.k * O.emp[org]
        planned[O.region[org], c] += np.floor(O.target[org])
    for r in range(n_regions):
        for c in range(3):
            got[r, c] = got[r, c] / planned[r, c] if planned[r, c] > 0.0 else 1.0
    for org in range(n):
        kind = O.kind[org]
        if O.alive[org] == 0 or not is_firm(kind):
            continue
        c = 0 if kind == STARTUP else (1 if kind == SME else 2)
        O.head[org] = np.floor(O.target[org]) * got[O.region[org], c]


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


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_index_employers(T, X, M):
    """Index employees by employer."""
    index_by_employer(T.P, T.O.n[0], X.emp_order, X.emp_start)


@njit(cache=True, inline="always")
def hook_fire(T, X, M):
    """Firms above their head-count target shed staff."""
    fire_surplus(T.P, T.O, T.glob, X.emp_order, X.emp_start)


@njit(cache=True, inline="always")
def hook_turnover(T, X, M):
    """Workers leave the district at each region's turnover rate."""
    turnover(T.P, T.O, T.turnover, M.month, X.acc)


@njit(cache=True, inline="always")
def hook_people(T, X, M):
    """Retirements, release from closed firms, colleagues' inspiration, comeback ideas."""
    people_month(T.P, T.O, T.glob, M.month, M.idecay, X.alive, X.acc, X.refound)


@njit(cache=True, inline="always")
def hook_entrants(T, X, M):
    """Newcomers fill each region's labour force to its target."""
    add_entrants(
        T.P, T.G, T.R, T.glob, T.skill_cdf, M.month, np.maximum(T.pop_target - X.alive, 0.0),
        X.acc,
    )  # fmt: skip


@njit(cache=True, inline="always")
def hook_index_unemployed(T, X, M):
    """Index the unemployed who can look for work, by region."""
    index_unemployed(T.P, T.pop_target.shape[0], M.month, X.pool, X.pool_start)


@njit(cache=True, inline="always")
def hook_hire(T, X, M):
    """Firms hire and the unemployed find jobs."""
    hire_and_match(
        T.P, T.O, T.R, T.glob, X.cell_order, X.cell_start, T.G, X.pool, X.pool_start,
        T.incumbent_of, T.state_of, X.acc,
    )  # fmt: skip
    if T.glob.o2o > 0.0:  # firms one to one: their real head counts after hiring
        real_heads(T.O, T.glob, T.pop_target.shape[0])


@njit(cache=True, inline="always")
def hook_count(T, X, M):
    """End-of-month head counts by status and age."""
    count_people(T.P, M.month, X.acc)


MECHANISM = declare(
    Mechanism(
        code="M6L",
        name="labour",
        title="The labour market: retirement, turnover, lay-offs, hiring and newcomers",
        module=__name__,
        params=(
            "mechanisms.exits",
            "mechanisms.labour",
            "regions.*.turnover",
            "regions.*.population",
        ),
        metrics=(
            "people",
            "employed",
            "unemployed",
            "founders",
            "under35",
            "arrivals",
            "departures",
            "under35_share",
            "job_changes",
        ),
        hooks=(
            Hook("labour.index_employers", hook_index_employers, doc="employees by employer"),
            Hook("labour.fire", hook_fire, doc="firms shed surplus staff"),
            Hook("labour.turnover", hook_turnover, doc="people leave the district"),
            Hook("labour.people", hook_people, doc="retirements and the people pass"),
            Hook("labour.entrants", hook_entrants, doc="newcomers fill the labour force"),
            Hook("labour.index_unemployed", hook_index_unemployed, doc="job seekers by region"),
            Hook("labour.hire", hook_hire, doc="hiring and job finding"),
            Hook("labour.count", hook_count, doc="head counts"),
        ),
        off=None,
        essential="every person must be employed, founding or unemployed each month, and the "
        "head counts that every per-capita outcome divides by are counted here",
        direction_tests=(
            "tests/test_mechanisms.py::test_labour_job_finding_lowers_unemployment",
            "tests/test_matching.py::test_frictions_leave_people_unemployed",
            "tests/test_matching.py::test_more_efficient_matching_lowers_unemployment",
            "tests/test_matching.py::test_employed_who_search_harder_change_jobs_more",
            "tests/test_matching.py::test_joiners_take_startup_jobs_against_the_ladder",
        ),
        references=(
            "seed 000: 快速失敗、快速學習 (founders return to the talent pool)",
            "Pissarides (2000), Equilibrium Unemployment Theory, MIT Press",
            "Petrongolo & Pissarides (2001), Journal of Economic Literature 39(2):390-431",
            "Roach & Sauermann (2015), Management Science 61(9):2160-2184 (joiners)",
        ),
    )
)
