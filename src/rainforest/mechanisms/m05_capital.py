"""M5 — patient private capital vs late-stage state capital; bank-venture links; rescue rounds.

Seed 004: Hangzhou's private capital "敢投钱,肯等待" and "连模型都没有时,就敢掏钱投资"; seed 003:
"国有资本…偏好中后期项目", and the credential gate "没三篇ISSCC都不好意思要融资"; seed 002: a state
co-investor rescued MetaX's round ("浦东创投提供了5亿元人民币的战略投资"). Investors are agents
of five kinds (angel, private VC, corporate VC, state fund, bank) with dry powder, patience,
stage preference, risk appetite, home bias, credential weight and state preference. A startup
whose runway falls below the trigger pitches to a few investors, drawn in proportion to their
dry powder, mostly at home (M12 for the rest). An investor funds when the stage suits it and its
noisy read of the firm's fit clears a bar that falls with its risk appetite and, for young
firms, with its patience. Money is tracked as shares, so exits pay each investor its diluted
stake (returns are realised in M6).

At a population scale k the engine gives every investor 1/k of its dry powder; a cheque larger
than what remains is written with probability remaining/cheque, so expected deployment is
unbiased at any k.

Capital by need and traction (issue 15, ``mechanisms.capital.by_traction``, off by default):
a round is sized by what the firm needs, the monthly burn of the team it plans (people, desks,
experiments and, in a compute-intensive domain, compute that grows with traction) times the
stage's target runway, times its traction (fit or read potential, revenue against burn, the
last round's share-price step-up), at least ``min_cheque``; a firm whose traction reaches
``hot_traction`` raises to scale every ``hot_interval`` months even with runway left. The
first willing investor leads with at most ``cheque_share`` of its dry powder; up to
``syndicate`` co-investors fill the rest at the same share price. Valuations step up with
traction, and a round never sells more than ``max_dilution`` of the firm, so a round is
bounded by the firm's price as well as by its need and the investors' powder. So an AI firm with
traction raises large later rounds while one without stays small; with the switch off the
first edition's stage cheque x capital intensity is kept bit for bit.

A parent backs its startup (issue 15 item 6, ``mechanisms.capital.parent_backing``, off by
default): money need not come from the investors' table. When no investor funds a startup
short of runway, the profitable organisation its founder came from (an anchor, SME or listed
firm) may pay what it asked for from its profits, judging the startup's potential as a former
employer knows it (High-Flyer paid for DeepSeek while venture funds held back). It is not a
venture round: no investor, no cheque in the deal statistics.

Parameters: ``mechanisms.capital`` and each region's ``investors``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.common import add_event, headcount, row_draw, share
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m04_experiments import established_margin, monthly_burn
from rainforest.state.accounts import M_BACKING, M_INVEST0, M_RESCUES
from rainforest.state.tables import (
    ANCHOR,
    EV_BACKING,
    EV_FUNDING,
    EV_RESCUE,
    LISTED,
    SME,
    STARTUP,
    STATE_FUND,
)


@njit(cache=True, inline="always")
def stage_of(O, org):
    """0 seed (no round yet), 1 early (one or two rounds), 2 late (three or more)."""
    r = O.rounds[org]
    if r == 0:
        return 0
    if r <= 2:
        return 1
    return 2


@njit(cache=True, inline="always")
def pre_money(O, D, glob, org, stage, revenue, step=1.0):
    """Pre-money valuation from revenue, stage, market, fit and potential. Venture prices are
    forward-looking and heavy-tailed (lognormal, sd ``valuation_sd``), which is where the rare
    "dragons" come from; a round never prices a firm below ``down_round_floor`` (70%) of its
    last post-money. ``step`` (1 in the first edition) scales the value before that floor: by
    traction, valuations step up with traction without ratcheting on the last price."""
    d = O.domain[org]
    base = glob.seed_base if stage == 0 else (glob.early_base if stage == 1 else glob.late_base)
    v = max(revenue * glob.rev_multiple, base * D.market[d])
    v *= (glob.val_fit_off + O.fit[org]) * (glob.val_theta_off + O.theta[org])
    # -sd²/2: the lognormal draw has mean 1 (a correction, not a parameter)
    v *= np.exp(np.random.normal(-0.5 * glob.valuation_sd**2, glob.valuation_sd)) * step
    return max(v, glob.down_floor * O.valuation[org])


@njit(cache=True)
def index_investors(I, n_regions, order, start):
    """Counting sort of investors by home region."""
    start[:] = 0
    for v in range(I.n[0]):
        start[I.region[v] + 1] += 1
    for r in range(n_regions):
        start[r + 1] += start[r]
    fill = start[:-1].copy()
    for v in range(I.n[0]):
        r = I.region[v]
        order[fill[r]] = v
        fill[r] += 1


@njit(cache=True)
def powder_index(I, V, order, start):
    """Running sums of dry powder over the investors of each region, in ``order`` (what
    :func:`pick_investor` draws from): ``(cum, pos, end, synced)``, ``cum[x]`` the sum of
    ``I.dry`` over ``order[start[r]..x]``, ``pos`` and ``end`` each investor's place in
    ``order`` and the end of its region's run (-1: not indexed), ``synced`` the investment rows
    already in the sums. Built once a month by :func:`raise_rounds`: the pitches of a month
    then cost a binary search each, not two passes over the region's investors (with firms one
    to one a district's investors number over a thousand)."""
    cum = np.zeros(order.shape[0])
    pos = np.full(I.kind.shape[0], -1, np.int64)
    end = np.full(I.kind.shape[0], -1, np.int64)
    for r in range(start.shape[0] - 1):
        s = 0.0
        for x in range(start[r], start[r + 1]):
            s += I.dry[order[x]]
            cum[x] = s
            pos[order[x]] = x
            end[order[x]] = start[r + 1]
    synced = np.full(1, V.n[0], np.int64)
    return cum, pos, end, synced


@njit(cache=True, inline="always")
def sync_powder(I, V, order, powder):
    """Bring ``powder`` (:func:`powder_index`) up to the cheques recorded since it was last
    synced (``record`` is the only writer of ``I.dry`` while startups raise): each changed
    investor's run is summed again from its place on, in the same order, so the sums are
    those a pass over the region would give, bit for bit."""
    cum, pos, end, synced = powder
    for k in range(synced[0], V.n[0]):
        inv = V.investor[k]
        if inv < 0 or pos[inv] < 0:
            continue
        x0 = pos[inv]
        s = 0.0 if (x0 == 0 or end[order[x0 - 1]] != end[inv]) else cum[x0 - 1]
        for x in range(x0, end[inv]):
            s += I.dry[order[x]]
            cum[x] = s
    synced[0] = V.n[0]


@njit(cache=True, inline="always")
def pick_investor(I, V, r, order, start, powder):
    """An investor of region ``r`` drawn in proportion to dry powder (-1 if none has any): the
    first whose running sum exceeds a uniform share of the region's total (binary search on
    ``powder``, :func:`powder_index`)."""
    sync_powder(I, V, order, powder)
    cum = powder[0]
    lo = start[r]
    hi = start[r + 1]
    total = cum[hi - 1] if hi > lo else 0.0
    if total <= 0.0:
        return -1
    u = np.random.random() * total
    a, b = lo, hi - 1
    while a < b:
        mid = (a + b) // 2
        if u < cum[mid]:
            b = mid
        else:
            a = mid + 1
    return order[a]


@njit(cache=True, inline="always")
def invest(O, I, V, glob, org, inv, amount, stage, month, pre, acc, E, kind_ev):
    """Record a round: new shares at ``pre`` money, cash to the firm, powder from the investor."""
    if record(O, I, V, glob, org, inv, amount, stage, month, pre, acc, E, kind_ev):
        O.rounds[org] += 1
        return True
    return False


@njit(cache=True, inline="always")
def record(O, I, V, glob, org, inv, amount, stage, month, pre, acc, E, kind_ev):
    """Record one cheque of a round (the lead's or a co-investor's) without counting a round."""
    new_shares = O.shares[org] * amount / max(pre, 1e-9)
    k = V.n[0]
    if k >= V.investor.shape[0]:
        return False
    V.investor[k] = inv
    V.org[k] = org
    V.amount[k] = amount
    V.shares[k] = new_shares
    V.month[k] = month
    V.next[k] = O.inv_head[org]
    V.proceeds[k] = -1.0
    V.stage[k] = stage
    V.n[0] = k + 1
    O.inv_head[org] = k
    O.shares[org] += new_shares
    O.cash[org] += amount
    O.raised[org] += amount
    O.valuation[org] = pre + amount
    O.last_raise[org] = month
    I.dry[inv] = max(I.dry[inv] - amount, 0.0)
    I.invested[inv] += amount
    r = O.region[org]
    acc[r, M_INVEST0 + I.kind[inv]] += amount * share(O, org, glob)
    add_event(E, month, kind_ev, r, org, -1, inv, amount, O.domain[org])
    return True


@njit(cache=True, inline="always")
def afford(I, inv, amount):
    """Whether an investor can write ``amount`` (unbiased at any population scale)."""
    if I.dry[inv] >= amount:
        return True
    return np.random.random() < I.dry[inv] / amount


@njit(cache=True, inline="always")
def willing(O, I, glob, org, inv, stage, month):
    """The investor's decision on one pitch."""
    w = I.st_seed[inv] if stage == 0 else (I.st_early[inv] if stage == 1 else I.st_late[inv])
    if np.random.random() >= w:
        return False
    if I.region[inv] != O.region[org] and np.random.random() < I.home[inv]:
        return False
    bar = (glob.seed_bar if stage == 0 else glob.later_bar) * (
        glob.bar_scale - glob.bar_risk_cut * I.risk[inv]
    )
    # patient capital judges a young firm on its potential, before it has a product
    age = month - O.founded[org]
    read = O.fit[org]
    if age < I.patience[inv]:
        w = 1.0 - age / I.patience[inv]
        read = w * O.theta[org] + (1.0 - w) * O.fit[org]
    signal = read + np.random.normal(0.0, glob.screen_noise)
    if O.cred[org] == 0:
        signal -= glob.cred_penalty * I.cred[inv]
    if O.state[org] == 1:
        signal += glob.state_bonus * I.statepref[inv]
    else:
        signal -= glob.nonstate_penalty * I.statepref[inv]
    return signal >= bar


@njit(cache=True, inline="always")
def plan_hiring(O, R, glob, org, exp_cost):
    """Raised money is meant to be spent: plan a team the cash can pay for
    ``hiring_runway_months`` (12)."""
    r = O.region[org]
    per_person = monthly_burn(
        O.kind[org], 1, R.wage[r], R.rent[r] * R.land[r], exp_cost[r, O.domain[org]], glob
    )
    O.target[org] = max(O.target[org], O.cash[org] / (glob.hiring_months * per_person))


@njit(cache=True, inline="always")
def step_up(O, V, org, cap):
    """Share-price step-up of the firm's last round over the round before (1 if none): the
    price of a cheque is amount / new shares; co-investors of a round share its month."""
    k = O.inv_head[org]
    if k < 0 or V.shares[k] <= 0.0:
        return 1.0
    last = V.amount[k] / V.shares[k]
    j = V.next[k]
    while j >= 0 and V.month[j] == V.month[k]:
        j = V.next[j]
    if j < 0 or V.shares[j] <= 0.0 or V.amount[j] <= 0.0:
        return 1.0
    return min(max(last / (V.amount[j] / V.shares[j]), 1.0 / cap), cap)


@njit(cache=True, inline="always")
def traction_of(O, V, D, glob, org, burn):
    """Traction multiplier of a round: fit (or read potential before a product), revenue
    against burn and the last round's step-up, bounded by ``traction_min``/``traction_max``."""
    d = O.domain[org]
    read = max(O.fit[org], glob.tr_potential * O.theta[org])
    revenue = O.fit[org] ** 2 * headcount(O, org, glob) * glob.rev_per_emp * D.market[d]
    g = (read / glob.tr_fit_ref) ** glob.tr_fit_el
    g *= (1.0 + revenue / max(burn, 1e-9)) ** glob.tr_rev_el
    g *= step_up(O, V, org, glob.tr_step_max) ** glob.tr_step_el
    return min(max(g, glob.tr_min), glob.tr_max)


@njit(cache=True, inline="always")
def recent(O, V, org, month, months):
    """Whether the firm's last cheque is less than ``months`` old. It reads the month of the
    last investment record: ``last_raise >= 0`` (the first edition's test) misses rounds of the
    warm-up, whose months are negative."""
    k = O.inv_head[org]
    return k >= 0 and month - V.month[k] < months


@njit(cache=True, inline="always")
def hot(O, V, D, glob, org, burn, month):
    """Whether a firm with runway left raises anyway: traction at least ``hot_traction`` and
    ``hot_interval`` months since its last round."""
    if recent(O, V, org, month, glob.hot_interval):
        return False
    return traction_of(O, V, D, glob, org, burn) >= glob.hot_traction


@njit(cache=True, inline="always")
def need_of(O, D, glob, org, stage, per_person, g):
    """What a round is sized for: the team it plans (today's headcount, at least the stage's
    ``plan_team_*``) at ``per_person`` monthly burn (salary, desk, experiments) plus, in a
    compute-intensive domain, compute that grows with traction; times the stage's runway and
    the traction ``g``. Returns the round's size and the planned burn per person."""
    d = O.domain[org]
    if D.compute[d] == 1:
        per_person += glob.compute_pp * g**glob.compute_el
    if stage == 0:
        months, team = glob.run_seed, glob.team_seed
    elif stage == 1:
        months, team = glob.run_early, glob.team_early
    else:
        months, team = glob.run_late, glob.team_late
    team = max(headcount(O, org, glob), team)
    return max(team * per_person * months * g, glob.min_cheque), per_person


@njit(cache=True, inline="always")
def cheque_cap(I, glob, inv):
    """Most an investor puts in one round: ``cheque_share`` of its dry powder (its real
    powder at any population scale k: with firms a 1/k sample it holds 1/k of it, ``glob.mk``
    = k, and ``afford`` keeps it unbiased; with firms one to one its money is real, mk = 1)."""
    return glob.cheque_share * I.dry[inv] * glob.mk


@njit(cache=True, inline="always")
def draw_region(r, n_regions, local_share, invest_cdf):
    """The region an investor is pitched in: home with probability ``local_share``."""
    rr = r
    if n_regions > 1 and np.random.random() >= local_share:
        rr = row_draw(invest_cdf, r, np.random.random())
    return rr


@njit(cache=True, inline="always")
def raise_by_traction(
    O, I, V, R, D, glob, org, stage, burn, month, inv_order, inv_start, powder, local_share,
    invest_cdf, exp_cost, acc, E,
):  # fmt: skip
    """One round sized by need and traction: the first willing investor leads with up to its
    cheque limit, up to ``syndicate`` co-investors fill the rest at the same share price.
    Returns the round's planned size (what a rescue fund is asked for)."""
    n_regions = R.area.shape[0]
    r = O.region[org]
    d = O.domain[org]
    people = monthly_burn(STARTUP, 1, R.wage[r], R.rent[r] * R.land[r], exp_cost[r, d], glob)
    g = traction_of(O, V, D, glob, org, burn)
    need, per_person = need_of(O, D, glob, org, stage, people, g)
    for _ in range(int(glob.pitches)):
        rr = draw_region(r, n_regions, local_share, invest_cdf)
        lead = pick_investor(I, V, rr, inv_order, inv_start, powder)
        if lead < 0:
            continue
        if not willing(O, I, glob, org, lead, stage, month):
            continue
        # the price steps up with traction (never down for the lack of it); the round sells
        # at most max_dilution of the firm
        revenue = O.fit[org] ** 2 * headcount(O, org, glob) * glob.rev_per_emp * D.market[d]
        pre = pre_money(O, D, glob, org, stage, revenue, max(g, 1.0) ** glob.val_tr_el)
        size = max(min(need, pre * glob.max_dilution / (1.0 - glob.max_dilution)), glob.min_cheque)
        amount = min(size, cheque_cap(I, glob, lead))
        if amount < glob.min_cheque or not afford(I, lead, amount):
            continue
        if not invest(O, I, V, glob, org, lead, amount, stage, month, pre, acc, E, EV_FUNDING):
            return need
        left = size - amount
        for _ in range(int(glob.syndicate)):
            if left < glob.min_cheque:
                break
            inv = pick_investor(I, V, rr, inv_order, inv_start, powder)
            if inv < 0 or inv == lead or not willing(O, I, glob, org, inv, stage, month):
                continue
            part = min(left, cheque_cap(I, glob, inv))
            if part < glob.min_cheque or not afford(I, inv, part):
                continue
            # the same share price: the pre-money of a follower is the post-money so far
            if not record(O, I, V, glob, org, inv, part, stage, month, O.valuation[org], acc, E,
                          EV_FUNDING):  # fmt: skip
                break
            left -= part
        spend_round(O, glob, org, stage, size - left, people, per_person)
        return need
    return need


@njit(cache=True, inline="always")
def spend_round(O, glob, org, stage, raised, people, per_person):
    """What a round sized by need buys: compute at once (M4 books people, desks and
    experiments only), and a team the rest pays for over the stage's runway."""
    O.cash[org] -= raised * (1.0 - people / per_person)
    months = glob.run_seed if stage == 0 else (glob.run_early if stage == 1 else glob.run_late)
    O.target[org] = max(O.target[org], O.cash[org] / (months * people))


@njit(cache=True, inline="always")
def rescue(O, I, V, D, glob, org, stage, amount, month, inv_order, inv_start, acc, E):
    """Rescue round: a home state fund with a rescue mandate steps in for a cash-short
    late-stage firm (by need and traction, within its cheque limit)."""
    if not (O.cash[org] < 0.0 and stage == 2 and O.fit[org] > glob.rescue_min_fit):
        return
    r = O.region[org]
    d = O.domain[org]
    for x in range(inv_start[r], inv_start[r + 1]):
        inv = inv_order[x]
        if I.kind[inv] != STATE_FUND or I.rescue[inv] != 1:
            continue
        cheque = amount
        if glob.by_traction > 0.0:
            cheque = min(amount, cheque_cap(I, glob, inv))
            if cheque < glob.min_cheque:
                continue
        if afford(I, inv, cheque):
            revenue = O.fit[org] ** 2 * headcount(O, org, glob) * glob.rev_per_emp * D.market[d]
            pre = pre_money(O, D, glob, org, stage, revenue)
            if invest(O, I, V, glob, org, inv, cheque, stage, month, pre, acc, E, EV_RESCUE):
                acc[r, M_RESCUES] += share(O, org, glob)
            break


@njit(cache=True, inline="always")
def parent_profit(O, R, glob, p, demand, exp_cost):
    """Monthly profit of a parent, at its real head count: the margin M4 books for an
    established firm (:func:`~rainforest.mechanisms.m04_experiments.established_margin`) less
    its salaries, desks and experiments (``monthly_burn``). An anchor is unique (its staff
    times k); an SME or listed firm is counted as its economics count it. Other kinds make no
    profit to give (0): universities and facilities, the region's aggregate incumbents, and
    startups, whose cash is runway."""
    kind = O.kind[p]
    if kind == ANCHOR:
        heads = O.emp[p] * glob.k
    elif kind == SME or kind == LISTED:
        heads = headcount(O, p, glob)
    else:
        return 0.0
    r = O.region[p]
    d = O.domain[p]
    costs = monthly_burn(kind, heads, R.wage[r], R.rent[r] * R.land[r], exp_cost[r, d], glob)
    return established_margin(costs, O.fit[p], demand[r, d], O.prod[p], glob) - costs


@njit(cache=True, inline="always")
def parent_backs(O, R, glob, org, stage, size, month, demand, exp_cost, acc, E):
    """A profitable parent backs its startup from its own profits (issue 15 item 6: High-Flyer
    paying for DeepSeek while venture funds declined it). In a month when the investors
    declined the startup, with chance ``parent_backing``, the parent reads the startup's
    potential as its founders' former employer knows it, without the investors' screening
    noise and before any product, and pays up to ``size`` when the potential reaches
    ``parent_bar``, within ``parent_profit_share`` of a year's profit
    (and, for an SME or listed firm, the cash it has kept). The money buys shares at the
    last round's price, or none before a round (the parent is then a founder-owner); it is
    not a venture round (no investor, rounds and stage unchanged). Returns whether it paid."""
    p = O.parent[org]
    if O.alive[p] == 0 or np.random.random() >= glob.parent_backing:
        return False
    profit = parent_profit(O, R, glob, p, demand, exp_cost)
    if profit <= 0.0:
        return False
    if O.theta[org] < glob.parent_bar:
        return False
    budget = glob.parent_share * 12.0 * profit  # 12: a year's profit from a month's
    booked = O.kind[p] != ANCHOR  # an SME or listed firm keeps books (M4); an anchor does not
    if booked:
        budget = min(budget, O.cash[p])
    amount = min(size, budget)
    if amount < glob.min_cheque:
        return False
    if booked:
        O.cash[p] -= amount
    if O.valuation[org] > 0.0:
        O.shares[org] += O.shares[org] * amount / O.valuation[org]
        O.valuation[org] += amount
    O.cash[org] += amount
    O.backed[org] += amount
    r = O.region[org]
    acc[r, M_BACKING] += amount * share(O, org, glob)
    add_event(E, month, EV_BACKING, r, org, -1, p, amount, O.domain[org])
    return True


@njit(cache=True, inline="always")
def backed_by_parent(O, V, R, D, glob, org, stage, burn, size, month, demand, exp_cost, acc, E):
    """:func:`parent_backs` for a startup short of runway that the investors declined this
    month, for the ``size`` it asked them for (its need by traction, the money then spent as a
    round's is; or the first edition's stage cheque). A hot firm with runway left waits."""
    if O.parent[org] < 0 or O.cash[org] > glob.runway_trigger * burn:
        return False
    before = O.cash[org]
    if not parent_backs(O, R, glob, org, stage, size, month, demand, exp_cost, acc, E):
        return False
    if glob.by_traction > 0.0:
        r = O.region[org]
        d = O.domain[org]
        people = monthly_burn(STARTUP, 1, R.wage[r], R.rent[r] * R.land[r], exp_cost[r, d], glob)
        g = traction_of(O, V, D, glob, org, burn)
        _, per_person = need_of(O, D, glob, org, stage, people, g)
        spend_round(O, glob, org, stage, O.cash[org] - before, people, per_person)
    else:
        plan_hiring(O, R, glob, org, exp_cost)
    return True


@njit(cache=True)
def raise_rounds(
    O, I, V, R, D, glob, month, inv_order, inv_start, local_share, invest_cdf, exp_cost, demand,
    acc, E,
):  # fmt: skip
    """Startups short of runway pitch to investors — at home with probability ``local_share``,
    else in a region drawn from row r of ``invest_cdf`` (nearer regions likelier, M12); state
    funds may rescue late-stage firms. With ``parent_backing`` on, a startup short of runway
    that no investor funded may be backed by its founders' former employer, if profitable (it
    is then not rescued)."""
    n_regions = R.area.shape[0]
    pitches = int(glob.pitches)
    powder = powder_index(I, V, inv_order, inv_start)
    for org in range(O.n[0]):
        if O.alive[org] == 0 or O.kind[org] != STARTUP:
            continue
        r = O.region[org]
        burn = monthly_burn(
            STARTUP,
            headcount(O, org, glob),
            R.wage[r],
            R.rent[r] * R.land[r],
            exp_cost[r, O.domain[org]],
            glob,
        )
        # by traction, a hot firm raises to scale before it runs short
        if O.cash[org] > glob.runway_trigger * burn and (
            glob.by_traction == 0.0 or not hot(O, V, D, glob, org, burn, month)
        ):
            continue
        if glob.by_traction > 0.0:
            if recent(O, V, org, month, glob.raise_interval):
                continue
        elif O.last_raise[org] >= 0 and month - O.last_raise[org] < glob.raise_interval:
            continue
        stage = stage_of(O, org)
        d = O.domain[org]
        cheques = V.n[0]  # no cheque written this month (the investors declined): a parent?
        if glob.by_traction > 0.0:
            amount = raise_by_traction(
                O, I, V, R, D, glob, org, stage, burn, month, inv_order, inv_start, powder,
                local_share, invest_cdf, exp_cost, acc, E,
            )  # fmt: skip
        else:
            base = (
                glob.seed_cheque
                if stage == 0
                else (glob.early_cheque if stage == 1 else glob.late_cheque)
            )
            amount = base * D.cap_int[d] * (glob.cheque_fit_off + O.fit[org])
            r = O.region[org]
            for _ in range(pitches):
                rr = draw_region(r, n_regions, local_share, invest_cdf)
                inv = pick_investor(I, V, rr, inv_order, inv_start, powder)
                if inv < 0:
                    continue
                if willing(O, I, glob, org, inv, stage, month) and afford(I, inv, amount):
                    revenue = (
                        O.fit[org] ** 2 * headcount(O, org, glob) * glob.rev_per_emp * D.market[d]
                    )
                    pre = pre_money(O, D, glob, org, stage, revenue)
                    if invest(
                        O, I, V, glob, org, inv, amount, stage, month, pre, acc, E, EV_FUNDING
                    ):
                        plan_hiring(O, R, glob, org, exp_cost)
                    break
        if (
            glob.parent_backing > 0.0
            and V.n[0] == cheques
            and backed_by_parent(
                O, V, R, D, glob, org, stage, burn, amount, month, demand, exp_cost, acc, E
            )
        ):
            continue
        rescue(O, I, V, D, glob, org, stage, amount, month, inv_order, inv_start, acc, E)


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_raise(T, X, M):
    """Startups short of runway pitch investors; rounds, rescues and bank loans."""
    raise_rounds(
        T.O, T.I, T.V, T.R, T.D, T.glob, M.month, X.inv_order, X.inv_start, M.local_share,
        M.invest_cdf, M.exp_cost, M.demand, X.acc, T.E,
    )  # fmt: skip


MECHANISM = declare(
    Mechanism(
        code="M5",
        name="capital",
        title="Investors screen and fund startups across rounds; state funds rescue",
        module=__name__,
        params=("mechanisms.capital", "regions.*.investors"),
        metrics=(
            "investment_angel",
            "investment_vc",
            "investment_cvc",
            "investment_state",
            "investment_bank",
            "rescues",
            "investment",
            "parent_backing",
        ),
        events=("funding", "rescue", "backing"),
        hooks=(Hook("capital.raise", hook_raise, doc="rounds, rescues and loans"),),
        off={"regions.*.investors": []},  # no capital: no investor in any region
        direction_tests=(
            "tests/test_mechanisms.py::test_m5_patient_seed_capital_gives_more_seed_survivors",
            "tests/test_capital_traction.py::test_traction_gives_larger_later_rounds",
            "tests/test_parent_backing.py::test_parents_back_promising_spinoffs_where_capital_is_scarce",
        ),
        references=(
            "seed 000: 敢投钱,肯等待; seed 002: 投贷联动",
            "The Information, 2025-02-19: DeepSeek weighs raising outside money for first time "
            "(funded by its parent High-Flyer)",
        ),
    )
)
