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

from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.state.accounts import M_SUBSIDIES, M_SUBSIDY_DELAY
from rainforest.state.tables import SUB_SLOTS


@njit(cache=True, inline="always")
def queue_subsidy(pending, cash, delay, org, r, month, amount, acc, share):
    """Claim ``amount`` for ``org``; it is paid ``delay`` months later (a fractional delay
    splits the payment between two months so the mean delay is exact; a delay under one month
    pays the first part at once). Takes arrays, not tables, to stay cheap in per-firm loops;
    ``share`` is what the firm's money counts for in the accounts (``common.share``)."""
    if amount <= 0.0:
        return
    a = int(np.floor(delay))
    f = delay - a
    if a > SUB_SLOTS - 2:
        a = SUB_SLOTS - 2
        f = 0.0
    now = amount * (1.0 - f)
    if a == 0:
        cash[org] += now
        acc[r, M_SUBSIDIES] += now * share
        acc[r, M_SUBSIDY_DELAY] += now * delay * 30.4 * share
    else:
        pending[org, (month + a) % SUB_SLOTS] += now
    pending[org, (month + a + 1) % SUB_SLOTS] += amount * f


@njit(cache=True, inline="always")
def grant_amount(rate, state_pref, grant_max, state_linked, glob):
    """A grant this month for an eligible startup (0 if none); biased toward state-linked
    organisations by ``state_pref`` (``mechanisms.grants``)."""
    bias = 1.0 + state_pref * (
        glob.grant_state_bonus if state_linked == 1 else -glob.grant_nonstate_cut
    )
    if np.random.random() < rate * max(bias, 0.0):
        low = glob.grant_min_share
        return grant_max * (low + (1.0 - low) * np.random.random())
    return 0.0


def experiment_costs(R, D, glob, dist, connect) -> np.ndarray:
    """Cost of one experiment by region and domain this month (million yuan): shared labs,
    anchor platforms and compute vouchers cut the domain's base cost (M4 levers set by M10);
    a hardware supply chain within reach cuts hardware experiments (Shenzhen's "50公里半径内完成
    从设计到量产", seed 004; M12)."""
    f = (1.0 - glob.lab_cut * R.shared_labs) * (1.0 - glob.platform_cut * R.platform)
    cost = D.exp_cost[None, :] * f[:, None]
    cost = np.where(D.compute[None, :] == 1, cost * (1.0 - R.vouchers[:, None]), cost)
    near = dist <= connect.supply_chain_radius_km
    reach = np.where(near, R.supply_chain[None, :], 0.0).max(axis=1)
    cut = 1.0 - connect.supply_chain_cut * reach
    cost = np.where(D.hardware[None, :] == 1, cost * cut[:, None], cost)
    return np.maximum(cost, glob.min_cost_share * D.exp_cost[None, :])


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
def levers_costs(eng, without: str | None = None) -> np.ndarray:
    """:func:`experiment_costs` of the engine's region levers this month, with lever
    ``without`` (a field of the region table) at 0 if given: what firms would pay without it
    (M17's accounts of what each lever saves). Recomputed only when a lever moved (platform
    levels and policy shocks change the region arrays they depend on); the array returned is
    shared, read only."""
    R = eng.w.R
    key = b"".join(a.tobytes() for a in (R.shared_labs, R.platform, R.vouchers, R.supply_chain))
    kept = eng.cache.setdefault("exp_costs", {})
    hit = kept.get(without)
    if hit is not None and hit[0] == key:
        return hit[1]
    old = None if without is None else getattr(R, without).copy()
    if old is not None:
        getattr(R, without)[:] = 0.0
    try:
        cost = experiment_costs(R, eng.w.D, eng.w.glob, eng.dist, eng.sc.mechanisms.connect)
    finally:
        if old is not None:
            getattr(R, without)[:] = old
    kept[without] = (key, cost)
    return cost


def costs(eng) -> None:
    """This month's experiment costs (:func:`levers_costs`)."""
    eng.inputs["exp_cost"] = levers_costs(eng)


MECHANISM = declare(
    Mechanism(
        code="M10",
        name="policy",
        title="Subsidies after a service latency, sandboxes, open data, land and state bias",
        module=__name__,
        params=("regions.*.policy",),
        metrics=("subsidies_paid", "subsidy_delay_weighted", "time_to_subsidy_days"),
        hooks=(Hook("policy.costs", costs, compiled=False, doc="experiment costs by lever"),),
        off={
            "regions.*.policy.rd_subsidy_share": 0.0,
            "regions.*.policy.rent_subsidy_share": 0.0,
            "regions.*.policy.talent_subsidy": 0.0,
            "regions.*.policy.grant_rate": 0.0,
        },
        direction_tests=(
            "tests/test_mechanisms.py::test_m10_subsidy_latency_hurts_cash_poor_startups",
            "tests/test_mechanisms.py::test_m10_regulated_domains_need_sandbox_or_exemption",
        ),
        references=("seed 003 (opinion): 土地公 vs 盖章经济; seed 002: 最多跑一次",),
    )
)
