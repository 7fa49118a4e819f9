"""M10 — government as 土地公 (land god) or 盖章经济 (stamp economy).

Seeds 003 and 004 contrast Hangzhou ("从签约到获得首笔补贴仅用15天",
"政府直接补贴30%的研发费用", "三年内给予最高100%的房租补贴", "最高2000万元资助", "创新免责条款",
"监管沙盒", "开放287亿条政务数据")
with Zhangjiang ("跑了3个月才盖章", "资源向“国家队”倾斜"). Here subsidies for R&D, rent and talent
are *claimed* when the cost is incurred and *paid* only after the region's service latency, so a
cash-poor startup can die waiting for money it is owed. Grants favour state-linked
organisations by the region's ``state_preference``. Sandboxes and liability exemption admit
regulated domains (used by M3); open data, compute vouchers, open scenarios and shared labs act
on experiments (M4); the land price scales rent.

Parameters: each region's ``policy`` table.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.engine.accounts import M_SUBSIDIES, M_SUBSIDY_DELAY
from rainforest.engine.state import EV_SUBSIDY, STARTUP, SUB_SLOTS
from rainforest.mechanisms.common import add_event


@njit(cache=True)
def queue_subsidy(O, R, org, r, month, amount, acc, E, record):
    """Claim ``amount`` for ``org``; it is paid ``R.latency[r]`` months later (fractional
    latencies split the payment between two months so the mean delay is exact)."""
    if amount <= 0.0:
        return
    delay = R.latency[r]
    a = int(np.floor(delay))
    f = delay - a
    if a > SUB_SLOTS - 2:
        a = SUB_SLOTS - 2
        f = 0.0
    now = amount * (1.0 - f)
    if a == 0:
        # due within the month: paid at once
        O.cash[org] += now
        acc[r, M_SUBSIDIES] += now
        acc[r, M_SUBSIDY_DELAY] += now * delay * 30.4
    else:
        O.pending[org, (month + a) % SUB_SLOTS] += now
    O.pending[org, (month + a + 1) % SUB_SLOTS] += amount * f
    if record:
        add_event(E, month, EV_SUBSIDY, r, org, -1, -1, amount, O.domain[org])


@njit(cache=True)
def pay_subsidies(O, R, org, month, acc):
    """Pay what falls due this month to a living organisation."""
    s = month % SUB_SLOTS
    amount = O.pending[org, s]
    if amount > 0.0:
        O.pending[org, s] = 0.0
        O.cash[org] += amount
        r = O.region[org]
        acc[r, M_SUBSIDIES] += amount
        acc[r, M_SUBSIDY_DELAY] += amount * R.latency[r] * 30.4


@njit(cache=True)
def maybe_grant(O, R, org, month, acc, E):
    """A promising startup may win a grant (biased toward state-linked organisations)."""
    r = O.region[org]
    if R.grant_rate[r] <= 0.0 or O.kind[org] != STARTUP or O.fit[org] < 0.3:
        return
    bias = 1.0 + R.state_pref[r] * (1.5 if O.state[org] == 1 else -0.8)
    if np.random.random() < R.grant_rate[r] * max(bias, 0.0):
        amount = R.grant_max[r] * (0.1 + 0.9 * np.random.random())
        queue_subsidy(O, R, org, r, month, amount, acc, E, True)


@njit(cache=True)
def experiment_cost_factor(R, D, glob, O, org):
    """Multiplier on the cost of one experiment from shared labs, anchor platforms and
    compute vouchers (M4 levers set by M10 policy)."""
    r = O.region[org]
    d = O.domain[org]
    f = 1.0
    f *= 1.0 - glob.lab_cut * R.shared_labs[r]
    f *= 1.0 - glob.platform_cut * R.platform[r]
    if D.compute[d]:
        f *= 1.0 - R.vouchers[r]
    return max(f, 0.05)
