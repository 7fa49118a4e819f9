"""M11 — the creative class moves; capital inflow prices founders out.

Seed 001, after Richard Florida: "他们不会被低税收、廉价劳动力吸引,而更关注开放的文化、多元的环境、
自由的工作模式,甚至是对失败的宽容度", and its warning about San Francisco's costs. People weigh a
move between regions by a utility with documented terms — log after-tax wage, opportunity
density (foundings per 1,000 people per year), openness and tolerance, log housing cost, and
distance — against a moving cost (family ties, inertia). The choice is a multinomial logit over
staying and every other region. Graduates and failed founders weigh moves ``mobile_factor``
times as often. Movers leave their job and arrive unemployed. Office rents and housing costs
respond to crowding (damped by land supply) and to venture capital flowing in, so a hot region
raises its own burn rates and pushes people out.

Parameters: ``mechanisms.migration``, ``mechanisms.rents`` and each region's ``openness``,
``housing_cost``, ``tax_rate``, ``land_supply``.

References: Florida (2002) *The Rise of the Creative Class*; seed 001 (trends 2-3).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import add_event, make_unemployed
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.state.accounts import (
    M_FOUNDINGS,
    M_INV_ANGEL,
    M_INV_BANK,
    M_MIGRANTS_IN,
    M_MIGRANTS_OUT,
    M_PEOPLE,
    M_RENT,
)
from rainforest.state.tables import EV_MIGRATION, FOUNDER, GONE, UNEMPLOYED


@njit(cache=True, inline="always")
def utility_of(wage, tax, opportunity, openness, housing, rent, rent0, ww, ow, onw, hw):
    """Attractiveness of one region to a mobile knowledge worker (utility units): log
    after-tax wage, opportunity, openness, less log housing cost (housing index times office
    rent relative to its start). The one home of M11's utility: :func:`region_utility` and
    M19's outside pool (``m19_growth``) both call it."""
    return (
        ww * math.log(wage * (1.0 - tax))
        + ow * opportunity
        + onw * openness
        - hw * math.log(housing * rent / rent0)
    )


@njit(cache=True)
def _utilities(wage, tax, opportunity, openness, housing, rent, rent0, ww, ow, onw, hw, out):
    for r in range(out.shape[0]):
        out[r] = utility_of(
            wage[r], tax[r], opportunity[r], openness[r], housing[r], rent[r], rent0[r], ww, ow,
            onw, hw,
        )  # fmt: skip
    return out


def region_utility(R, opportunity, mig) -> np.ndarray:
    """Attractiveness of each region to a mobile knowledge worker (utility units):
    :func:`utility_of` region by region."""
    n = R.wage.shape[0]
    opp = np.broadcast_to(np.asarray(opportunity, np.float64), (n,))
    return _utilities(
        R.wage, R.tax, opp, R.openness, R.housing, R.rent, R.rent0, float(mig.wage_weight),
        float(mig.opportunity_weight), float(mig.openness_weight), float(mig.housing_weight),
        np.empty(n),
    )  # fmt: skip


def destination_cdf(utility, dist, mig) -> np.ndarray:
    """Row i: cumulative logit probabilities over destinations (staying = column i)."""
    gain = utility[None, :] - utility[:, None] - dist / mig.distance_km - mig.moving_cost
    np.fill_diagonal(gain, 0.0)
    w = pm.exp((gain - gain.max(axis=1, keepdims=True)) / mig.temperature)
    return np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)


def update_rents(R, people, people0, invest_pc, invest_pc0, rents) -> None:
    """Office rent and housing follow crowding (damped by land supply) and capital inflow."""
    crowd = np.maximum(people / np.maximum(people0, 1.0), 1e-3)
    capital = (1.0 + invest_pc) / (1.0 + invest_pc0)
    factor = pm.power(crowd, rents.density_elasticity * (1.0 - R.land_supply)) * pm.power(
        np.maximum(capital, 1e-3), rents.capital_elasticity
    )
    R.rent[:] = R.rent0 * factor


@njit(cache=True)
def migrate(P, O, G, glob, cdf, base_rate, mobile_factor, lag, month, pop_target, acc, E):
    """Thinned sampling of people weighing a move; movers change region and cell, and join the
    hiring pool only ``lag`` months later (moving takes time). Graduates (unemployed and under
    ``mobile_age``) and failed founders weigh moves more often."""
    n_regions = cdf.shape[0]
    n = P.n[0]
    if n_regions < 2 or n == 0 or base_rate <= 0.0:
        return
    rate_max = base_rate * max(mobile_factor, 1.0)
    m = np.random.poisson(n * rate_max)
    for _ in range(m):
        i = np.random.randint(n)
        st = P.status[i]
        if st == GONE or st == FOUNDER:
            continue
        mobile = st == UNEMPLOYED and (P.exp[i] > 0 or month - P.birth[i] < glob.mobile_age_months)
        rate = base_rate * (mobile_factor if mobile else 1.0)
        if np.random.random() * rate_max >= rate:
            continue
        r = P.region[i]
        u = np.random.random()
        j = 0
        while j < n_regions - 1 and u >= cdf[r, j]:
            j += 1
        if j == r:
            continue
        make_unemployed(P.status, P.employer, O.emp, i)
        P.region[i] = j
        P.cell[i] = G.reg_cell0[j] + np.random.randint(G.reg_ncell[j])
        P.settled[i] = month + lag  # moving takes time: no job search until settled
        pop_target[r] -= 1.0
        pop_target[j] += 1.0
        acc[r, M_MIGRANTS_OUT] += 1.0
        acc[j, M_MIGRANTS_IN] += 1.0
        add_event(E, month, EV_MIGRATION, j, -1, i, r, float(P.exp[i]), -1)


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
def prepare(eng) -> None:
    """Whether people weigh moves this month, and each region's destination probabilities."""
    mig, inputs = eng.sc.mechanisms.migration, eng.inputs
    nr = len(eng.w.region_names)
    migrate_now = nr > 1 and mig.base_rate > 0
    inputs["migrate"] = migrate_now
    inputs["move_rate"] = mig.base_rate
    inputs["mobile_factor"] = mig.mobile_factor
    inputs["move_lag"] = mig.lag_months
    if migrate_now:
        utility = region_utility(eng.w.R, eng.opportunity, mig)
        inputs["move_cdf"] = destination_cdf(utility, eng.dist, mig)
    else:
        inputs["move_cdf"] = eng.one_region_cdf


@njit(cache=True, inline="always")
def hook_move(T, X, M):
    """People weigh a move and some change region (only with several regions)."""
    if M.migrate:
        migrate(
            T.P, T.O, T.G, T.glob, M.move_cdf, M.move_rate, M.mobile_factor, M.move_lag,
            M.month, T.pop_target, X.acc, T.E,
        )  # fmt: skip


def rents(eng) -> None:
    """Opportunity and capital inflow (smoothed), then office rents respond to crowding."""
    w, acc = eng.w, eng.acc
    people_now = np.maximum(acc[:, M_PEOPLE], 1.0)
    a = eng.sc.mechanisms.migration.opportunity_smoothing  # 12_000: per 1,000 people a year
    eng.opportunity = (1.0 - a) * eng.opportunity + a * (
        12_000.0 * acc[:, M_FOUNDINGS] / people_now
    )
    invest = acc[:, M_INV_ANGEL : M_INV_BANK + 1].sum(axis=1)
    a = eng.sc.mechanisms.rents.investment_smoothing
    eng.invest_pc = (1.0 - a) * eng.invest_pc + a * invest / people_now
    update_rents(
        w.R, people_now, eng.people0, eng.invest_pc / w.R.wage, 0.0, eng.sc.mechanisms.rents
    )
    acc[:, M_RENT] = w.R.rent


MECHANISM = declare(
    Mechanism(
        code="M11",
        name="migration",
        title="People move between regions by utility; rents follow crowding and capital",
        module=__name__,
        params=(
            "mechanisms.migration",
            "mechanisms.rents",
            "regions.*.openness",
            "regions.*.housing_cost",
            "regions.*.tax_rate",
            "regions.*.land_supply",
        ),
        metrics=("migrants_in", "migrants_out", "office_rent"),
        events=("migration",),
        hooks=(
            Hook("migration.prepare", prepare, compiled=False, doc="destination probabilities"),
            Hook("migration.move", hook_move, doc="moves between regions"),
            Hook("migration.rents", rents, compiled=False, doc="opportunity, capital, rents"),
        ),
        off={"mechanisms.migration.base_rate": 0.0},
        direction_tests=(
            "tests/test_regions.py::test_costly_region_loses_founders_to_cheaper_neighbour",
        ),
        references=("Florida (2002) The Rise of the Creative Class", "seed 001"),
    )
)
