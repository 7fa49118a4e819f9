"""M6 — fast fail, fast learn; IPO waves fund the next generation.

Seed 000: "讓“快速失敗、快速學習”成為現實"; seed 002:
"IPO浪潮为硅谷发展提供了关键资金,资助了芯片企业的扩建和研发".
Firms grow with fit and market size (multiplicative, Gibrat-like noise), die when cash runs out
unfunded, and exit by IPO or acquisition. Exits pay every investor its diluted stake (in a sale,
with ``liquidation_preference``, preferred stock's preference first), returning money to the
investor's home region, and turn founders into angels. Founders of failed
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

from rainforest.mechanisms.common import add_event, headcount, share
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m04_experiments import monthly_burn
from rainforest.mechanisms.m05_capital import index_investors
from rainforest.state.accounts import (
    M_ACQ,
    M_FAILURES,
    M_IPOS,
    M_UNICORNS,
)
from rainforest.state.tables import (
    ANGEL,
    EV_ACQUISITION,
    EV_FAILURE,
    EV_IPO,
    EV_UNICORN,
    EXIT_ACQ,
    EXIT_FAIL,
    EXIT_IPO,
    LISTED,
    SME,
    STARTUP,
)


@njit(cache=True)
def preferred_payout(amount, shares, founders, value, pref):
    """What each investment and the founders' shares get from a sale at ``value`` when every
    investment is convertible preferred stock with a non-participating liquidation
    preference of ``pref`` times its amount (Kaplan & Strömberg 2003).

    Each investor takes the larger of its preference and the value of its shares as common
    stock. Stock bought at a lower price per share gains more by converting, so investments
    convert in order of price, each while converting pays it at least its preference; the
    rest are paid their preferences first, pari passu when the price does not cover them, and
    the common shares (the founders' and the converted) share what is left.

    Returns ``(payouts, founders' part)``.
    """
    n = amount.shape[0]
    order = np.argsort(amount / np.maximum(shares, 1e-300))
    conv = np.zeros(n, np.bool_)
    owed = pref * amount.sum()  # preferences of the stock not converted
    common = founders
    for j in range(n):
        x = order[j]
        p = pref * amount[x]
        if shares[x] * (value - (owed - p)) >= p * (common + shares[x]):
            conv[x] = True
            owed -= p
            common += shares[x]
        else:
            break
    out = np.zeros(n)
    if value >= owed:
        per_share = (value - owed) / max(common, 1e-300)
        for x in range(n):
            out[x] = shares[x] * per_share if conv[x] else pref * amount[x]
        return out, founders * per_share
    for x in range(n):  # nothing converts: the preferences share the price
        out[x] = pref * amount[x] * value / max(owed, 1e-300)
    return out, 0.0


@njit(cache=True, inline="always")
def _credit(I, V, x, paid):
    """Investment ``x`` is paid ``paid``: its proceeds, and the money back in its investor's
    dry powder."""
    V.proceeds[x] = paid
    inv = V.investor[x]
    I.dry[inv] += paid
    I.returned[inv] += paid


@njit(cache=True, inline="always")
def pay_exit(O, I, V, org, value, pref=0.0):
    """Pay ``value`` to the firm's shareholders; returns the founders' part. ``pref`` > 0:
    the investors hold non-participating preferred stock (:func:`preferred_payout`), as in a
    sale; 0: every share is paid alike, as at a listing (and in every exit of the first
    edition)."""
    if pref > 0.0:
        n = 0
        x = O.inv_head[org]
        while x >= 0:
            if V.proceeds[x] < 0.0:
                n += 1
            x = V.next[x]
        if n > 0:
            rows = np.empty(n, np.int64)
            amount = np.empty(n)
            shares = np.empty(n)
            n = 0
            held = 0.0
            x = O.inv_head[org]
            while x >= 0:
                if V.proceeds[x] < 0.0:
                    rows[n] = x
                    amount[n] = V.amount[x]
                    shares[n] = V.shares[x]
                    held += V.shares[x]
                    n += 1
                x = V.next[x]
            paid, founders = preferred_payout(
                amount, shares, max(O.shares[org] - held, 0.0), value, pref
            )
            for j in range(n):
                _credit(I, V, rows[j], paid[j])
            return founders
    per_share = value / max(O.shares[org], 1e-12)
    x = O.inv_head[org]
    while x >= 0:
        if V.proceeds[x] < 0.0:
            _credit(I, V, x, V.shares[x] * per_share)
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
        w = share(O, org, glob)  # what the firm counts for in the accounts
        if O.cash[org] < 0.0:
            O.alive[org] = 0
            O.exit[org] = EXIT_FAIL
            O.exit_month[org] = month
            write_off(O, V, org)
            acc[r, M_FAILURES] += w
            add_event(E, month, EV_FAILURE, r, org, -1, -1, O.raised[org], d)
            continue
        if kind == STARTUP:
            revenue = fit * fit * headcount(O, org, glob) * glob.rev_per_emp * D.market[d]
            O.valuation[org] = max(O.valuation[org], revenue * glob.rev_multiple)
            if O.unicorn[org] == 0 and O.valuation[org] >= glob.unicorn_val:
                O.unicorn[org] = 1
                acc[r, M_UNICORNS] += w
                successes[r] += w
                add_event(E, month, EV_UNICORN, r, org, -1, -1, O.valuation[org], d)
            exit_value = 0.0
            sales = revenue * O.prod[org]  # monthly, what a listing or a buyer looks at
            if (
                O.valuation[org] >= glob.ipo_val
                and O.rounds[org] >= glob.ipo_min_rounds
                and fit >= glob.ipo_min_fit
                and 12.0 * sales >= glob.ipo_min_rev
                and age >= glob.ipo_min_age
                and np.random.random() < glob.ipo_p
            ):
                exit_value = O.valuation[org] * glob.ipo_premium
                O.kind[org] = LISTED
                O.listed[org] = 1
                O.exit[org] = EXIT_IPO
                acc[r, M_IPOS] += w
                successes[r] += w
                add_event(E, month, EV_IPO, r, org, -1, -1, exit_value, d)
            elif (
                age >= glob.acq_min_age
                and fit > glob.acq_min_fit
                and np.random.random() < glob.acq_p * fit * fit
            ):
                base = max(O.valuation[org], O.raised[org])
                if glob.acq_on_rev > 0.0:  # what the buyer gets, not the last private price
                    base += glob.acq_on_rev * (sales * glob.rev_multiple - base)
                exit_value = base * np.exp(np.random.normal(glob.acq_mu, glob.acq_sd))
                O.kind[org] = SME
                O.exit[org] = EXIT_ACQ
                acc[r, M_ACQ] += w
                successes[r] += glob.acq_success * w
                add_event(E, month, EV_ACQUISITION, r, org, -1, -1, exit_value, d)
            if exit_value > 0.0:
                O.exit_month[org] = month
                # preferred stock is paid its preference in a sale; a listing converts it
                pref = glob.liq_pref if O.exit[org] == EXIT_ACQ else 0.0
                founders = pay_exit(O, I, V, org, exit_value, pref)
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
            kind, headcount(O, org, glob), R.wage[r], R.rent[r] * R.land[r], exp_cost[r, d], glob
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
            g *= R.room[r]  # demand's room for the region's firms (M19; 1 without a limit)
        elif fit < glob.shrink_max_fit and age > D.ttm[d]:
            g = -glob.shrink_rate
        step = g + np.random.normal(0.0, glob.growth_noise)
        if glob.plan_from_staff > 0.0 and step > 0.0:
            # grow from the staff it has; a plan still ahead of them waits
            O.target[org] = max(O.target[org], headcount(O, org, glob) * np.exp(step))
        else:
            O.target[org] = max(1.0, O.target[org] * np.exp(step))
    return new_angels


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_month(T, X, M):
    """Growth, failure and exits; founders of exits become angels (re-indexed at once)."""
    X.successes[:] = 0.0
    new_investors = lifecycle(
        T.O, T.I, T.V, T.R, T.D, T.glob, M.month, X.successes, M.exp_cost, X.acc, T.E
    )
    if new_investors > 0:
        index_investors(T.I, T.pop_target.shape[0], X.inv_order, X.inv_start)


MECHANISM = declare(
    Mechanism(
        code="M6",
        name="lifecycle",
        title="Firms grow with fit, fail when cash runs out, exit by IPO or acquisition",
        module=__name__,
        params=("mechanisms.exits",),
        metrics=(
            "failures",
            "ipos",
            "acquisitions",
            "unicorns",
            "output",
            "startups_alive",
            "smes",
            "specialised_smes",
            "listed_firms",
            "firms",
        ),
        events=("failure", "ipo", "acquisition", "unicorn"),
        hooks=(Hook("lifecycle.month", hook_month, doc="growth, failure and exits"),),
        off={
            "mechanisms.exits.growth_rate": 0.0,
            "mechanisms.exits.ipo_probability": 0.0,
            "mechanisms.exits.acquisition_probability": 0.0,
        },
        direction_tests=(
            "tests/test_mechanisms.py::test_m6_failed_founders_found_again",
            "tests/test_growth_belief.py::test_plans_grow_from_staff_not_from_unfilled_plans",
            "tests/test_growth_belief.py::test_plans_grow_from_staff_with_firms_one_to_one",
        ),
        references=(
            "Axtell (2001) Science 293:1818",
            "seed 000: 快速失敗、快速學習",
            "Sutton (1997) JEL 35:40 (Gibrat on realised size)",
        ),
    )
)
