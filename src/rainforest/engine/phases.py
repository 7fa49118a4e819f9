"""The month's kernels as two compiled calls, so Python enters Numba twice a month.

Why: every call from Python into a Numba function unboxes its arguments, about 0.2 µs per
array, and the state tables hold some 200 arrays. Calling the 25 kernels one by one cost
~0.3 ms a month in dispatch alone, more than the work itself for a district of 10,000 people.
:func:`first_half` and :func:`second_half` run the groups below in the order (and so with the
random streams) that :meth:`rainforest.engine.core.Engine.step` documents; between them runs
the facilities' month, which draws from NumPy's generator.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.engine.bookkeeping import add_entrants, org_metrics
from rainforest.mechanisms import m01_contacts as m01
from rainforest.mechanisms import m02_ideas as m02
from rainforest.mechanisms import m03_founding as m03
from rainforest.mechanisms import m04_experiments as m04
from rainforest.mechanisms import m05_capital as m05
from rainforest.mechanisms import m06_lifecycle as m06
from rainforest.mechanisms import m07_anchors as m07
from rainforest.mechanisms import m08_knowledge as m08
from rainforest.mechanisms import m11_migration as m11


@njit(cache=True)
def open_month(P, O, seed, n_cells, cell_order, cell_start, emp_order, emp_start):
    """Seed Numba's generator, index people by cell and employees by employer, and let firms
    above their headcount target shed staff (M6)."""
    np.random.seed(seed)
    m01.index_by_cell(P, n_cells, cell_order, cell_start)
    n_orgs = O.n[0]
    m06.index_by_employer(P, n_orgs, emp_order, emp_start)
    m06.fire_surplus(P, O, emp_order, emp_start)


@njit(cache=True)
def ideas(
    P, O, G, R, glob, U, skill_cdf, base_mix, cell_order, cell_start, emp_order, emp_start,
    remote_share, remote_cdf, month, acc, C, E,
):  # fmt: skip
    """This month's ideas from contacts (M1, M2), spin-outs (M7) and universities (M8)."""
    C.n[0] = 0
    m02.generate_ideas(
        P, O, G, R, glob, cell_order, cell_start, base_mix, remote_share, remote_cdf, month,
        acc, C, E,
    )  # fmt: skip
    m07.spinout_ideas(P, O, G, glob, emp_order, emp_start, base_mix, C)
    m08.universities_month(P, O, G, R, glob, U, skill_cdf, month, cell_order, cell_start, C, acc, E)


@njit(cache=True)
def firms(
    P, O, I, V, R, D, G, glob, cell_order, cell_start, remote_share, remote_cdf,
    contact_sample, skills_sample, dist_hist, bin_km, refound, C, hybrid, demand, exp_cost,
    inv_order, inv_start, local_share, invest_cdf, successes, turnover, inspired_decay,
    alive, month, acc, E,
):  # fmt: skip
    """Contact sampling for the reports (M1); founding (M3), experiments and books (M4, M10),
    capital (M5), the firms' life cycle and the people's month (M6). Returns the number of
    investors created (new angels), so the caller can re-index them."""
    n_regions = R.area.shape[0]
    m01.sample_contacts(
        P, G, cell_order, cell_start, n_regions, glob.same_cell_share, remote_share,
        remote_cdf, contact_sample, skills_sample, dist_hist, bin_km,
    )  # fmt: skip
    m03.decide_and_found(P, O, R, D, glob, refound, hybrid, month, acc, E)
    refound.n[0] = 0
    m03.decide_and_found(P, O, R, D, glob, C, hybrid, month, acc, E)
    m04.firm_month(O, R, D, glob, month, demand, exp_cost, acc, E)
    m05.raise_rounds(
        O, I, V, R, D, glob, month, inv_order, inv_start, local_share, invest_cdf, exp_cost,
        acc, E,
    )  # fmt: skip
    successes[:] = 0.0
    new_investors = m06.lifecycle(O, I, V, R, D, glob, month, successes, exp_cost, acc, E)
    m06.turnover(P, O, turnover, month, acc)
    m06.people_month(P, O, glob, month, inspired_decay, alive, acc, refound)
    return new_investors


@njit(cache=True)
def labour(
    P, O, R, G, glob, skill_cdf, pop_target, alive, cell_order, cell_start, pool, pool_start,
    incumbent_of, state_of, month, scale, acc,
):  # fmt: skip
    """Newcomers fill each region's labour-force deficit, firms hire and the unemployed find
    jobs (M6); then the month's head counts and firm stocks."""
    n_regions = pop_target.shape[0]
    add_entrants(P, G, R, glob, skill_cdf, month, np.maximum(pop_target - alive, 0.0), acc)
    m06.index_unemployed(P, n_regions, month, pool, pool_start)
    m06.hire_and_match(
        P, O, R, glob, cell_order, cell_start, G, pool, pool_start, incumbent_of, state_of
    )
    m06.count_people(P, month, acc)
    org_metrics(O, R, scale, glob.specialised_fit, acc)


@njit(cache=True)
def first_half(
    P, O, G, R, glob, U, skill_cdf, base_mix, seed, n_cells, cell_order, cell_start,
    emp_order, emp_start, remote_share, remote_cdf, month, acc, C, E,
):  # fmt: skip
    """Indices and firing, then the ideas of the month."""
    open_month(P, O, seed, n_cells, cell_order, cell_start, emp_order, emp_start)
    ideas(
        P, O, G, R, glob, U, skill_cdf, base_mix, cell_order, cell_start, emp_order, emp_start,
        remote_share, remote_cdf, month, acc, C, E,
    )  # fmt: skip


@njit(cache=True)
def second_half(
    P, O, I, V, R, D, G, glob, skill_cdf, cell_order, cell_start, remote_share, remote_cdf,
    contact_sample, skills_sample, dist_hist, bin_km, refound, C, hybrid, demand, exp_cost,
    inv_order, inv_start, local_share, invest_cdf, successes, turnover, inspired_decay,
    alive, migrate, move_cdf, move_rate, mobile_factor, move_lag, pop_target, pool,
    pool_start, incumbent_of, state_of, month, scale, acc, E,
):  # fmt: skip
    """Firms and people (:func:`firms`), migration between regions (M11) when ``migrate``,
    then the labour market (:func:`labour`)."""
    new_investors = firms(
        P, O, I, V, R, D, G, glob, cell_order, cell_start, remote_share, remote_cdf,
        contact_sample, skills_sample, dist_hist, bin_km, refound, C, hybrid, demand, exp_cost,
        inv_order, inv_start, local_share, invest_cdf, successes, turnover, inspired_decay,
        alive, month, acc, E,
    )  # fmt: skip
    if new_investors > 0:
        m05.index_investors(I, pop_target.shape[0], inv_order, inv_start)
    if migrate:
        m11.migrate(
            P, O, G, glob, move_cdf, move_rate, mobile_factor, move_lag, month, pop_target, acc, E
        )
    labour(
        P, O, R, G, glob, skill_cdf, pop_target, alive, cell_order, cell_start, pool,
        pool_start, incumbent_of, state_of, month, scale, acc,
    )  # fmt: skip
