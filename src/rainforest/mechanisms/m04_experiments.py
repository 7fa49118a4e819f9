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

from rainforest.engine.accounts import M_EXP_SPEND, M_EXPERIMENTS, M_OUTPUT
from rainforest.engine.state import LISTED, SME, STARTUP
from rainforest.mechanisms.m10_policy import (
    experiment_cost_factor,
    maybe_grant,
    pay_subsidies,
    queue_subsidy,
)


@njit(cache=True)
def monthly_burn(O, R, D, glob, org):
    """Expected monthly spending of a firm (salaries, rent, experiments)."""
    r = O.region[org]
    d = O.domain[org]
    emp = O.emp[org]
    n_exp = glob.exp_per_person * emp if O.kind[org] == STARTUP else 0.3 * emp
    cost = D.exp_cost[d] * experiment_cost_factor(R, D, glob, O, org)
    pay = glob.startup_pay if O.kind[org] == STARTUP else 1.0
    return emp * (pay * R.wage[r] + R.rent[r] * R.land[r]) + n_exp * cost


@njit(cache=True)
def firm_month(O, R, D, glob, month, demand, acc, E):
    """Experiments, revenue, costs and subsidies of every living startup, SME and listed firm."""
    for org in range(O.n[0]):
        kind = O.kind[org]
        if O.alive[org] == 0 or not (kind == STARTUP or kind == SME or kind == LISTED):
            continue
        pay_subsidies(O, R, org, month, acc)
        r = O.region[org]
        d = O.domain[org]
        emp = O.emp[org]
        age = month - O.founded[org]
        # experiments (M4)
        n_exp = glob.exp_per_person * emp if kind == STARTUP else 0.3 * emp
        cost = D.exp_cost[d] * experiment_cost_factor(R, D, glob, O, org)
        y = glob.yield_rate * (12.0 / D.ttm[d])
        y *= 1.0 + glob.scen_boost * R.open_scen[r]
        if D.data[d]:
            y *= 1.0 + glob.data_boost * R.open_data[r]
        y = min(y, 0.9)
        gain = 1.0 - (1.0 - y) ** n_exp
        O.fit[org] += (O.theta[org] - O.fit[org]) * gain + np.random.normal(0.0, 0.01)
        O.fit[org] = min(max(O.fit[org], 0.0), 1.0)
        exp_spend = n_exp * cost
        # books
        salaries = emp * R.wage[r] * (glob.startup_pay if kind == STARTUP else 1.0)
        rent = emp * R.rent[r] * R.land[r]
        fit = O.fit[org]
        revenue = 0.0
        if fit > 0.25:
            boost = 1.0 + demand[r, d]
            if age < 24:
                boost += 0.3 * R.open_scen[r]
            revenue = emp * glob.rev_per_emp * fit * fit * D.market[d] * boost
        O.cash[org] += revenue - salaries - rent - exp_spend
        acc[r, M_OUTPUT] += revenue
        acc[r, M_EXPERIMENTS] += n_exp
        acc[r, M_EXP_SPEND] += exp_spend
        # subsidy claims (paid after the service latency, M10)
        claim = R.rd_sub[r] * (exp_spend + 0.5 * salaries)
        if age < R.rent_sub_months[r]:
            claim += R.rent_sub[r] * rent
        if claim > 0.0 and kind == STARTUP:
            queue_subsidy(O, R, org, r, month, claim, acc, E, False)
        maybe_grant(O, R, org, month, acc, E)
