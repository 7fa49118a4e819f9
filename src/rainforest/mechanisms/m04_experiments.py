"""M4 — faster, shared trial and error: "試錯的加速與分攤" (seed 000).

"共享的實驗室、開放原始碼的程式碼、樂於嘗鮮的早期使用者…都能極大地降低試錯成本,讓“快速失敗、快速學習”成為現實":
every month a firm runs experiments that move its product-market fit toward its hidden
potential. Shared labs, anchor platforms and compute vouchers (算力券) cut the cost of an
experiment; open government data and open scenarios / first-buyer programmes (场景揭榜挂帅)
raise its yield. Cheaper experiments mean lower burn, a longer runway, and so more survivors.

This kernel also keeps each firm's books for the month: salaries, rent, experiments, revenue,
subsidy claims and payments (M10).

Parameters: ``mechanisms.experiments``, domain ``experiment_cost`` and ``time_to_market``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.common import add_event, headcount, share
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m10_policy import grant_amount, queue_subsidy
from rainforest.state.accounts import (
    M_EXP_SPEND,
    M_EXPERIMENTS,
    M_OUTPUT,
    M_SUBSIDIES,
    M_SUBSIDY_DELAY,
)
from rainforest.state.tables import EV_SUBSIDY, LISTED, SME, STARTUP, SUB_SLOTS


@njit(cache=True, inline="always")
def monthly_burn(kind, emp, wage, desk_rent, exp_cost, glob):
    """Expected monthly spending of a firm: salaries, desks and experiments."""
    if kind == STARTUP:
        return emp * (glob.startup_pay * wage + desk_rent + glob.exp_per_person * exp_cost)
    return emp * (wage + desk_rent + glob.est_per_person * exp_cost)


@njit(cache=True, inline="always")
def established_margin(costs, fit, demand, prod, glob):
    """An established firm's monthly cash margin: it covers its ``costs`` (salaries, desks,
    experiments) at the break-even fit, scaled by fit, the region's demand for its domain and
    its own productivity (M19)."""
    return costs * (fit / glob.breakeven_fit) * (1.0 + demand) * prod


@njit(cache=True)
def firm_month(O, R, D, glob, month, demand, exp_cost, acc, E):
    """Experiments, revenue, costs and subsidies of every living startup, SME and listed firm."""
    slot = month % SUB_SLOTS
    for org in range(O.n[0]):
        kind = O.kind[org]
        if O.alive[org] == 0 or not (kind == STARTUP or kind == SME or kind == LISTED):
            continue
        r = O.region[org]
        w = share(O, org, glob)  # what the firm counts for in the accounts
        due = O.pending[org, slot]
        if due > 0.0:  # subsidies claimed earlier fall due (M10)
            O.pending[org, slot] = 0.0
            O.cash[org] += due
            acc[r, M_SUBSIDIES] += due * w
            acc[r, M_SUBSIDY_DELAY] += due * R.latency[r] * 30.4 * w
        d = O.domain[org]
        emp = headcount(O, org, glob)
        age = month - O.founded[org]
        # established firms have weathered shifts before: a fifth of the startup rate
        if np.random.random() < glob.disruption_rate * (
            1.0 if kind == STARTUP else glob.est_disruption
        ):
            # the market moves: a share of the firm's potential and fit is lost
            hit = glob.hit_min + glob.hit_range * np.random.random()
            O.theta[org] *= hit
            O.fit[org] *= hit
        # experiments (M4)
        n_exp = glob.exp_per_person * emp if kind == STARTUP else glob.est_per_person * emp
        cost = exp_cost[r, d]
        y = glob.yield_rate * (glob.ref_ttm / D.ttm[d])
        y *= 1.0 + glob.scen_boost * R.open_scen[r]
        if D.data[d]:
            y *= 1.0 + glob.data_boost * R.open_data[r]
        y = min(y, glob.max_yield)
        gain = 1.0 - (1.0 - y) ** n_exp
        fit = (
            O.fit[org] + (O.theta[org] - O.fit[org]) * gain + np.random.normal(0.0, glob.fit_noise)
        )
        fit = min(max(fit, 0.0), 1.0)
        O.fit[org] = fit
        exp_spend = n_exp * cost
        # books
        salaries = emp * R.wage[r] * (glob.startup_pay if kind == STARTUP else 1.0)
        rent = emp * R.rent[r] * R.land[r]
        revenue = 0.0
        margin = 0.0
        if kind != STARTUP:
            # established firms: output at the region's productivity (the output metric);
            # their cash margin covers costs at the break-even fit
            # O.prod: the firm's own productivity (1 unless M19's growth from knowledge is on)
            revenue = emp * R.productivity[r] * O.prod[org] * fit * (1.0 + demand[r, d])
            margin = established_margin(
                salaries + rent + exp_spend, fit, demand[r, d], O.prod[org], glob
            )
        elif fit > glob.rev_min_fit:
            boost = 1.0 + demand[r, d]
            if age < glob.open_scen_months:
                boost += glob.open_scen_rev * R.open_scen[r]
            revenue = emp * glob.rev_per_emp * fit * fit * D.market[d] * boost * O.prod[org]
        O.cash[org] += (margin if kind != STARTUP else revenue) - salaries - rent - exp_spend
        acc[r, M_OUTPUT] += revenue * w
        acc[r, M_EXPERIMENTS] += n_exp * w
        acc[r, M_EXP_SPEND] += exp_spend * w
        if kind != STARTUP:
            continue
        # subsidy claims, paid after the service latency (M10)
        claim = R.rd_sub[r] * (exp_spend + glob.rd_salary_share * salaries)
        if age < R.rent_sub_months[r]:
            claim += R.rent_sub[r] * rent
        if claim > 0.0:
            queue_subsidy(O.pending, O.cash, R.latency[r], org, r, month, claim, acc, w)
        if R.grant_rate[r] > 0.0 and fit >= glob.grant_min_fit:
            g = grant_amount(R.grant_rate[r], R.state_pref[r], R.grant_max[r], O.state[org], glob)
            if g > 0.0:
                queue_subsidy(O.pending, O.cash, R.latency[r], org, r, month, g, acc, w)
                add_event(E, month, EV_SUBSIDY, r, org, -1, -1, g, d)


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_month(T, X, M):
    """Startups run experiments, pay their bills and sell (M4, with M10's subsidies)."""
    firm_month(T.O, T.R, T.D, T.glob, M.month, M.demand, M.exp_cost, X.acc, T.E)


MECHANISM = declare(
    Mechanism(
        code="M4",
        name="experiments",
        title="Experiments raise product-market fit; shared labs and platforms cut their cost",
        module=__name__,
        params=("mechanisms.experiments", "domains"),
        metrics=("experiments", "experiment_spend", "experiment_cost"),
        events=("subsidy",),
        hooks=(Hook("experiments.month", hook_month, doc="experiments, burn and sales"),),
        off={"mechanisms.experiments.yield_rate": 1e-9},
        direction_tests=(
            "tests/test_mechanisms.py::test_m4_cheaper_experiments_give_higher_survival",
        ),
        references=("seed 000: 试错的加速与分摊",),
    )
)
