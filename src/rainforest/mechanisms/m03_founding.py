"""M3 — the founding decision: failure tolerance, "PPT+胆量", and elite involution.

A person with an idea founds a startup when the expected reward, weighed by local belief,
failure tolerance and personal risk appetite, beats the opportunity cost (a salary at an anchor
or state firm; credentialed people value stability more: "名校博士挤破頭進中芯國際當高級操作工",
seed 003) plus the cost of starting (rent, registration time). The decision is a logit in
log(reward / cost), so it is never all-or-nothing. Ideas in regulated domains can only be
pursued where a sandbox or liability exemption admits them (M10: the medical-data firm that
left Zhangjiang, seed 003 "因張江“數據安全顧慮”被拒").

Parameters: ``mechanisms.founding`` and each region's ``culture`` and ``policy``.

References: seeds 003 and 004 (杭州的民間野性 vs 張江的學歷軍備競賽).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.common import add_event, leave_job, new_org, share
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m10_policy import queue_subsidy
from rainforest.state.accounts import M_FOUNDINGS, M_REFOUNDINGS, M_SPINOUTS, M_UNI_SPINOUTS
from rainforest.state.tables import (
    EV_COFOUNDER,
    EV_FOUNDING,
    EV_SPINOUT,
    EV_SUBSIDY,
    FOUNDER,
    FROM_UNIVERSITY,
    GONE,
    STARTUP,
    STATE,
    UNEMPLOYED,
)


@njit(cache=True, inline="always")
def founding_probability(P, O, R, D, glob, i, d, quality):
    """Chance that person ``i`` founds on an idea of ``quality`` in domain ``d``."""
    r = P.region[i]
    if D.regulated[d]:
        admit = 1.0 - (1.0 - R.sandbox[r]) * (1.0 - R.exemption[r])
        if admit <= 0.0:
            return 0.0
    else:
        admit = 1.0
    belief = R.belief[r] + P.inspired[i]
    reward = (
        glob.reward_scale
        * R.wage[r]
        * quality
        * D.market[d]
        * belief
        * (glob.tol_offset + R.tolerance[r])
        * (glob.risk_offset + P.risk[i])
        * np.exp(glob.exp_boost * P.exp[i])
    )
    # without credentials, local investors' credential gate lowers the odds of being funded
    # ("没三篇ISSCC都不好意思要融资", seed 003)
    if P.cred[i] == 0:
        reward *= 1.0 - R.cred_gate[r]
    stability = 1.0 + R.stab_pref[r] + glob.cred_stability * R.cred_pref[r] * P.cred[i]
    e = P.employer[i]
    if e >= 0 and (O.kind[e] == STATE or O.state[e] == 1):
        stability += R.stab_pref[r]
        # resources lean to the "national team" (资源向“国家队”倾斜, seed 003)
        reward *= 1.0 + R.state_pref[r]
    opp = R.wage[r] * glob.horizon * stability
    if P.status[i] == UNEMPLOYED:
        opp *= glob.unemp_factor
    start_cost = R.wage[r] * R.reg_months[r] + glob.start_rent_months * R.rent[r] * R.land[r] * (
        1.0 - R.rent_sub[r]
    )
    x = np.log(max(reward, 1e-12) / (opp + start_cost)) / glob.temperature
    return admit / (1.0 + np.exp(-x))


@njit(cache=True, inline="always")
def seed_startup(P, O, C, glob, org, c, i):
    """A new startup ``org`` on idea ``c`` of person ``i``: its potential, fit, origin and
    parent from the idea, ``i``'s credential, and state-linked when ``i`` works for the state
    or a state-linked firm (read before ``i`` leaves the job)."""
    old = P.employer[i]
    O.theta[org] = C.quality[c] / (glob.half_quality + C.quality[c])
    O.fit[org] = glob.initial_fit
    O.origin[org] = C.origin[c]
    O.parent[org] = C.parent[c]
    O.cred[org] = P.cred[i]
    O.state[org] = 1 if (old >= 0 and (O.kind[old] == STATE or O.state[old] == 1)) else 0


@njit(cache=True, inline="always")
def found_unsampled(P, O, R, glob, C, c, i, month, acc, E):
    """A firm founded by one of the k - 1 real people an idea's sampled holder stands for
    (organisations one to one, ``glob.o2o``): like the holder, on an idea like theirs, but
    with no sampled person in it (its team is real head count only). Returns False when the
    table is full."""
    r = P.region[i]
    d = C.domain[c]
    org = new_org(O, STARTUP, r, P.cell[i], d, month, 1.0)
    if org < 0:
        return False
    seed_startup(P, O, C, glob, org, c, i)
    team = 1
    if C.partner[c] >= 0 and np.random.random() < glob.cofounder_p:
        team = 2
    w = share(O, org, glob)
    acc[r, M_FOUNDINGS] += w
    add_event(E, month, EV_FOUNDING, r, org, -1, C.parent[c], 0.0, d)
    if C.parent[c] >= 0:
        if C.origin[c] == FROM_UNIVERSITY:
            acc[r, M_UNI_SPINOUTS] += w
        acc[r, M_SPINOUTS] += w
        add_event(E, month, EV_SPINOUT, r, org, -1, C.parent[c], 0.0, d)
    O.target[org] = team
    O.head[org] = team
    O.cash[org] = glob.savings_months * R.wage[r] * team
    if R.talent_sub[r] > 0.0:
        amount = R.talent_sub[r] * team
        queue_subsidy(O.pending, O.cash, R.latency[r], org, r, month, amount, acc, w)
        add_event(E, month, EV_SUBSIDY, r, org, -1, -1, amount, d)
    return True


@njit(cache=True)
def decide_and_found(P, O, R, D, glob, C, hybrid, month, acc, E):
    """Run the founding decision on every queued idea and create the startups. A partner in
    another region joins as co-founder only through hybrid collaboration (probability
    ``hybrid``, M12).

    With organisations one to one at scale k (``glob.o2o``), an idea's sampled holder stands
    for k real people with ideas like it: the holder founds with the decision's probability p
    (a founding of people, counted k times), and each of the other k - 1 founds a firm of its
    own with probability p (``found_unsampled``); every firm counts once."""
    k = glob.k
    others = k - 1.0 if glob.o2o > 0.0 else 0.0
    whole = int(others)
    for c in range(C.n[0]):
        i = C.person[c]
        if P.status[i] == FOUNDER or P.status[i] == GONE:
            continue
        d = C.domain[c]
        p = founding_probability(P, O, R, D, glob, i, d, C.quality[c])
        founds = np.random.random() < p
        if others > 0.0 and p > 0.0:
            n_more = np.random.binomial(whole, p)
            if others > whole and np.random.random() < (others - whole) * p:
                n_more += 1
            for _ in range(n_more):
                if not found_unsampled(P, O, R, glob, C, c, i, month, acc, E):
                    return
        if not founds:
            continue
        r = P.region[i]
        org = new_org(O, STARTUP, r, P.cell[i], d, month, 1.0 if glob.o2o > 0.0 else k)
        if org < 0:
            return
        w = share(O, org, glob)
        seed_startup(P, O, C, glob, org, c, i)
        if P.exp[i] > 0:
            acc[r, M_REFOUNDINGS] += 1.0  # people who found again: a count of people
        leave_job(P.employer, O.emp, i)
        P.status[i] = FOUNDER
        P.employer[i] = org
        P.exp[i] += 1
        O.emp[org] = 1
        acc[r, M_FOUNDINGS] += w
        add_event(E, month, EV_FOUNDING, r, org, i, C.parent[c], 0.0, d)
        if C.parent[c] >= 0:
            if C.origin[c] == FROM_UNIVERSITY:
                acc[r, M_UNI_SPINOUTS] += w
            acc[r, M_SPINOUTS] += w
            add_event(E, month, EV_SPINOUT, r, org, i, C.parent[c], 0.0, d)
        j = C.partner[c]
        if (
            j >= 0
            and P.status[j] != FOUNDER
            and P.status[j] != GONE
            and P.skill[j] != P.skill[i]
            and np.random.random() < glob.cofounder_p
            and (P.region[j] == r or np.random.random() < hybrid)
        ):
            leave_job(P.employer, O.emp, j)
            P.status[j] = FOUNDER
            P.employer[j] = org
            P.exp[j] += 1
            O.emp[org] += 1
            O.cred[org] = max(O.cred[org], P.cred[j])
            add_event(E, month, EV_COFOUNDER, P.region[j], org, j, i, 0.0, d)
        team = O.emp[org]
        O.target[org] = team
        if glob.o2o > 0.0:
            O.head[org] = team
        O.cash[org] = glob.savings_months * R.wage[r] * team
        if R.talent_sub[r] > 0.0:
            amount = R.talent_sub[r] * team
            queue_subsidy(O.pending, O.cash, R.latency[r], org, r, month, amount, acc, w)
            add_event(E, month, EV_SUBSIDY, r, org, i, -1, amount, d)


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_refound(T, X, M):
    """Comeback ideas of founders whose firm failed last month are decided first."""
    decide_and_found(T.P, T.O, T.R, T.D, T.glob, X.refound, M.hybrid, M.month, X.acc, T.E)
    X.refound.n[0] = 0


@njit(cache=True, inline="always")
def hook_found(T, X, M):
    """This month's candidate ideas are decided: found, or stay."""
    decide_and_found(T.P, T.O, T.R, T.D, T.glob, X.C, M.hybrid, M.month, X.acc, T.E)


MECHANISM = declare(
    Mechanism(
        code="M3",
        name="founding",
        title="The founding decision: reward x belief x tolerance against the opportunity cost",
        module=__name__,
        params=("mechanisms.founding", "regions.*.culture", "regions.*.policy"),
        metrics=("foundings", "spinouts", "university_spinouts", "refoundings"),
        events=("founding", "cofounder", "spinout"),
        hooks=(
            Hook("founding.refound", hook_refound, doc="comeback ideas of failed founders"),
            Hook("founding.found", hook_found, doc="founding decisions on this month's ideas"),
        ),
        off={"mechanisms.founding.reward_scale": 1e-9},
        direction_tests=(
            "tests/test_mechanisms.py::test_m3_failure_tolerance_gives_more_foundings",
        ),
        references=("seed 000: failure tolerance; seed 003 (opinion): PPT+胆量",),
    )
)
