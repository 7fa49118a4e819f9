"""M6 — fast fail, fast learn; IPO waves fund the next generation.

Seed 000: "讓“快速失敗、快速學習”成為現實"; seed 002:
"IPO浪潮为硅谷发展提供了关键资金,资助了芯片企业的扩建和研发".
Firms grow with fit and market size (multiplicative, Gibrat-like noise), die when cash runs out
unfunded, and exit by IPO or acquisition. Exits pay every investor its diluted stake, returning
money to the investor's home region, and turn founders into angels. Founders of failed
startups return to the talent pool with their experience and may found again (M3 rewards
experience). This module also runs the labour market that keeps every person employed,
founding or unemployed: retirements, firing, hiring and job finding.

Parameters: ``mechanisms.exits``.

References: Gibrat's law and Zipf firm sizes, Axtell (2001) Science 293:1818; venture outcome
skew, Correlation Ventures (2004-13 financings).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.engine.accounts import (
    M_ACQ,
    M_DEPARTURES,
    M_EMPLOYED,
    M_FAILURES,
    M_FOUNDERS,
    M_IPOS,
    M_PEOPLE,
    M_UNDER35,
    M_UNEMPLOYED,
    M_UNICORNS,
)
from rainforest.engine.state import (
    ANCHOR,
    ANGEL,
    EMPLOYED,
    EV_ACQUISITION,
    EV_FAILURE,
    EV_IPO,
    EV_UNICORN,
    EXIT_ACQ,
    EXIT_FAIL,
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
from rainforest.mechanisms.common import LANES, add_event, join, leave_job, make_unemployed
from rainforest.mechanisms.m02_ideas import add_cand
from rainforest.mechanisms.m04_experiments import monthly_burn


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


@njit(cache=True, inline="always")
def pay_exit(O, I, V, org, value):
    """Pay ``value`` to the firm's shareholders; returns the founders' part."""
    per_share = value / max(O.shares[org], 1e-12)
    x = O.inv_head[org]
    while x >= 0:
        if V.proceeds[x] < 0.0:
            p = V.shares[x] * per_share
            V.proceeds[x] = p
            inv = V.investor[x]
            I.dry[inv] += p
            I.returned[inv] += p
        x = V.next[x]
    return per_share  # founders hold the original single share


@njit(cache=True, inline="always")
def write_off(O, V, org):
    """A failed firm's investments are worth nothing."""
    x = O.inv_head[org]
    while x >= 0:
        if V.proceeds[x] < 0.0:
            V.proceeds[x] = 0.0
        x = V.next[x]


@njit(cache=True, inline="always")
def new_angel(I, region, dry, glob):
    """A founder-turned-angel joins the region's investors (IPO waves fund the next wave), with
    the traits of ``mechanisms.capital.angel_*``."""
    k = I.n[0]
    if k >= I.kind.shape[0]:
        return -1
    I.kind[k] = ANGEL
    I.region[k] = region
    I.dry[k] = dry
    I.patience[k] = glob.angel_patience
    I.st_seed[k] = glob.angel_seed
    I.st_early[k] = glob.angel_early
    I.st_late[k] = glob.angel_late
    I.risk[k] = glob.angel_risk
    I.home[k] = glob.angel_home
    I.cred[k] = 0.0
    I.statepref[k] = 0.0
    I.rescue[k] = 0
    I.invested[k] = 0.0
    I.returned[k] = 0.0
    I.frozen[k] = 0.0
    I.n[0] = k + 1
    return k


@njit(cache=True)
def lifecycle(O, I, V, R, D, glob, month, successes, exp_cost, acc, E):
    """Failures, exits, unicorns, maturity and headcount targets of every firm.
    Returns the number of new angels (the engine re-indexes investors when > 0)."""
    new_angels = 0
    for org in range(O.n[0]):
        kind = O.kind[org]
        if O.alive[org] == 0 or not (kind == STARTUP or kind == SME or kind == LISTED):
            continue
        r = O.region[org]
        d = O.domain[org]
        age = month - O.founded[org]
        fit = O.fit[org]
        if O.cash[org] < 0.0:
            O.alive[org] = 0
            O.exit[org] = EXIT_FAIL
            O.exit_month[org] = month
            write_off(O, V, org)
            acc[r, M_FAILURES] += 1.0
            add_event(E, month, EV_FAILURE, r, org, -1, -1, O.raised[org], d)
            continue
        if kind == STARTUP:
            revenue = fit * fit * O.emp[org] * glob.rev_per_emp * D.market[d]
            O.valuation[org] = max(O.valuation[org], revenue * glob.rev_multiple)
            if O.unicorn[org] == 0 and O.valuation[org] >= glob.unicorn_val:
                O.unicorn[org] = 1
                acc[r, M_UNICORNS] += 1.0
                successes[r] += 1.0
                add_event(E, month, EV_UNICORN, r, org, -1, -1, O.valuation[org], d)
            exit_value = 0.0
            if (
                O.valuation[org] >= glob.ipo_val
                and O.rounds[org] >= glob.ipo_min_rounds
                and fit >= glob.ipo_min_fit
                and np.random.random() < glob.ipo_p
            ):
                exit_value = O.valuation[org] * glob.ipo_premium
                O.kind[org] = LISTED
                O.listed[org] = 1
                O.exit[org] = EXIT_IPO
                acc[r, M_IPOS] += 1.0
                successes[r] += 1.0
                add_event(E, month, EV_IPO, r, org, -1, -1, exit_value, d)
            elif (
                age >= glob.acq_min_age
                and fit > glob.acq_min_fit
                and np.random.random() < glob.acq_p * fit * fit
            ):
                exit_value = max(O.valuation[org], O.raised[org]) * np.exp(
                    np.random.normal(glob.acq_mu, glob.acq_sd)
                )
                O.kind[org] = SME
                O.exit[org] = EXIT_ACQ
                acc[r, M_ACQ] += 1.0
                successes[r] += glob.acq_success
                add_event(E, month, EV_ACQUISITION, r, org, -1, -1, exit_value, d)
            if exit_value > 0.0:
                O.exit_month[org] = month
                founders = pay_exit(O, I, V, org, exit_value)
                if (
                    founders > glob.angel_min_proceeds
                    and new_angel(I, r, glob.angel_share * founders, glob) >= 0
                ):
                    new_angels += 1
                kind = O.kind[org]
            elif age >= glob.mature_months:
                O.kind[org] = SME
                kind = SME
        # headcount target: multiplicative growth with fit, Gibrat noise
        burn = monthly_burn(
            kind, O.emp[org], R.wage[r], R.rent[r] * R.land[r], exp_cost[r, d], glob
        )
        g = 0.0
        if fit > glob.growth_min_fit and O.cash[org] > glob.growth_runway * burn:
            g = (
                glob.growth_rate
                * (fit - glob.growth_min_fit)
                / (1.0 - glob.growth_min_fit)
                * np.sqrt(D.market[d])
            )
            if kind != STARTUP:
                g *= glob.est_growth
        elif fit < glob.shrink_max_fit and age > D.ttm[d]:
            g = -glob.shrink_rate
        O.target[org] = max(
            1.0, O.target[org] * np.exp(g + np.random.normal(0.0, glob.growth_noise))
        )
    return new_angels


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
def fire_surplus(P, O, emp_order, emp_start):
    """Firms above their headcount target let employees go (founders stay)."""
    for org in range(O.n[0]):
        if O.alive[org] == 0:
            continue
        kind = O.kind[org]
        if kind == INCUMBENT or kind == STATE:
            continue
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


@njit(cache=True)
def hire_and_match(
    P, O, R, glob, cell_order, cell_start, G, pool, pool_start, incumbent_of, state_of
):
    """Firms below target hire from the unemployed, then poach from established employers
    (giving up for the month after ``poach_max_misses`` fruitless searches); the rest of the
    unemployed find jobs at incumbent or state employers at the job-finding rate."""
    n_regions = pool_start.shape[0] - 1
    left = np.empty(n_regions, np.int64)
    for r in range(n_regions):
        left[r] = pool_start[r + 1] - pool_start[r]
    n_orgs = O.n[0]
    if n_orgs == 0:
        return
    off = np.random.randint(n_orgs)
    for y in range(n_orgs):
        org = (y + off) % n_orgs
        if O.alive[org] == 0:
            continue
        kind = O.kind[org]
        if kind == INCUMBENT or kind == STATE:
            continue
        if not (
            kind == STARTUP or kind == SME or kind == LISTED or kind == ANCHOR or kind == FACILITY
        ):
            continue
        need = int(np.floor(O.target[org])) - O.emp[org]
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
                    if ek == INCUMBENT or ek == STATE or ek == SME or ek == LISTED:
                        join(P.status, P.employer, O.emp, i, org)
                        got = True
                        break
            if not got:
                misses += 1
                if misses >= glob.poach_misses:
                    break
                continue
            need -= 1
    for r in range(n_regions):
        lo = pool_start[r]
        for x in range(lo, lo + left[r]):
            i = pool[x]
            if P.status[i] == UNEMPLOYED and np.random.random() < glob.job_finding:
                org = state_of[r] if np.random.random() < R.state_share[r] else incumbent_of[r]
                join(P.status, P.employer, O.emp, i, org)
