"""M1 — density of encounters: "咖啡館的密度" (seed 000, the café density that makes ideas collide).

Each person has random contacts every month. The rate grows with people per km² and with the
district's third places (cafés, incubators, hacker houses). Most contacts happen in one's own
neighbourhood cell, the rest anywhere in the region, and a small share with other regions (the
remote part, raised by hybrid collaboration, M12). Contacts are never tested one by one: the
idea kernel (M2) samples only the contacts that might matter, by thinning.

Parameters: ``mechanisms.contacts`` (base_rate, reference_density, density_elasticity,
third_place_effect, same_cell_share, cell_km, remote_share) and each region's
``third_places_per_km2``.

References: seed 000 (溫度、密度與連結); Arzaghi & Henderson (2008), Review of Economic Studies,
on the steep spatial decay of knowledge exchange among Manhattan ad agencies.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import LANES, row_draw
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.state.accounts import M_CONTACT_SAMPLE, M_CONTACTS, M_CROSS_SAMPLE, M_PEOPLE
from rainforest.state.tables import GONE


def contact_rates(people_real, area, third_places, contacts, exponent: bool = True) -> np.ndarray:
    """Contacts per person-month in each region (region-level, computed once a month).
    ``exponent=False`` (the living network, M13, is on): no density exponent; density then
    acts only through who is near in the network's encounters."""
    density = np.asarray(people_real) / np.asarray(area)
    ratio = np.maximum(density / contacts.reference_density, 1e-9)
    power = contacts.density_elasticity if exponent else 0.0
    return (
        contacts.base_rate
        * pm.power(ratio, power)
        * (1.0 + contacts.third_place_effect * np.asarray(third_places))
    )


@njit(cache=True)
def index_by_cell(P, n_cells, order, start):
    """Counting sort of living people by cell: people of cell c are
    ``order[start[c]:start[c+1]]``; cells of one region are contiguous, so are regions."""
    n = P.n[0]
    status, cells = P.status, P.cell  # locals: see people_month in m06 for why
    # branch-free: departed rows are scattered through the table, so testing them with an
    # `if` mispredicts often; they add 0 to the tallies and are written to a dump slot
    tally = np.zeros((n_cells, LANES), np.int64)
    for i in range(n):
        tally[cells[i], i % LANES] += status[i] != GONE
    start[:] = 0
    for c in range(n_cells):
        start[c + 1] = start[c] + tally[c].sum()
    fill = start[:-1].copy()
    dump = order.shape[0] - 1  # beyond every cell's range: the table always keeps free rows
    for i in range(n):
        live = status[i] != GONE
        c = cells[i]
        order[fill[c] if live else dump] = i
        fill[c] += live


@njit(cache=True, inline="always")
def pick_partner(
    r, cell, reg_cell0, reg_ncell, order, start, same_cell_share, remote_share, remote_cdf
):
    """A contact partner for a person of region ``r`` living in ``cell``: in another region
    (share ``remote_share``, the region drawn from row ``r`` of ``remote_cdf``, which weighs
    people by distance), in the same cell, or anywhere in the region. -1 if none."""
    n_regions = remote_cdf.shape[0]
    if n_regions > 1 and np.random.random() < remote_share:
        j = row_draw(remote_cdf, r, np.random.random())
        if j != r:
            lo = start[reg_cell0[j]]
            hi = start[reg_cell0[j] + reg_ncell[j]]
            if hi > lo:
                return order[lo + np.random.randint(hi - lo)]
    lo = start[reg_cell0[r]]
    hi = start[reg_cell0[r] + reg_ncell[r]]
    if np.random.random() < same_cell_share:
        a = start[cell]
        b = start[cell + 1]
        if b - a > 1:
            return order[a + np.random.randint(b - a)]
    if hi - lo > 0:
        return order[lo + np.random.randint(hi - lo)]
    return -1


@njit(cache=True)
def sample_contacts(
    P,
    G,
    order,
    start,
    n_regions,
    same_cell_share,
    remote_share,
    remote_cdf,
    per_region,
    skills_differ_out,
    dist_hist,
    bin_km,
):
    """Draw ``per_region`` unthinned contacts in each region to measure their skill mix and
    distances (the community metrics); adds to ``skills_differ_out[r, 0/1]`` and
    ``dist_hist`` (counts per distance bin of ``bin_km``)."""
    nb = dist_hist.shape[0]
    cell, skill, region = P.cell, P.skill, P.region
    reg_cell0, reg_ncell, cell_x, cell_y = G.reg_cell0, G.reg_ncell, G.cell_x, G.cell_y
    for r in range(n_regions):
        lo = start[reg_cell0[r]]
        hi = start[reg_cell0[r] + reg_ncell[r]]
        if hi - lo < 2:
            continue
        for _ in range(per_region):
            i = order[lo + np.random.randint(hi - lo)]
            j = pick_partner(
                r, cell[i], reg_cell0, reg_ncell, order, start, same_cell_share, remote_share,
                remote_cdf,
            )  # fmt: skip
            if j < 0 or j == i:
                continue
            skills_differ_out[r, 0] += 1.0
            if skill[i] != skill[j]:
                skills_differ_out[r, 1] += 1.0
            if region[j] == r:
                dx = cell_x[cell[i]] - cell_x[cell[j]]
                dy = cell_y[cell[i]] - cell_y[cell[j]]
                b = int(np.sqrt(dx * dx + dy * dy) / bin_km)
                if b < nb:
                    dist_hist[b] += 1.0


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
@njit(cache=True, inline="always")
def hook_index_cells(T, X, M):
    """Index living people by cell (used by every local draw this month)."""
    index_by_cell(T.P, M.n_cells, X.cell_order, X.cell_start)


@njit(cache=True, inline="always")
def hook_sample(T, X, M):
    """Sample contacts for the reports: skill mix and distance of within-region contacts."""
    sample_contacts(
        T.P, T.G, X.cell_order, X.cell_start, T.R.area.shape[0], T.glob.same_cell_share,
        M.remote_share, M.remote_cdf, M.contact_sample, X.skills_sample, X.dist_hist, M.bin_km,
    )  # fmt: skip


def rates(eng) -> None:
    """This month's contact rate per region, from last month's living people."""
    R = eng.w.R
    people_real = eng.people_sim * eng.scale
    mech = eng.sc.mechanisms
    R.contact_rate[:] = contact_rates(
        people_real, R.area, R.third_places, mech.contacts, exponent=not mech.ties.enabled
    )


def close(eng) -> None:
    """Contacts of the month and the sampled skill mix, into the accounts."""
    acc = eng.acc
    acc[:, M_CONTACTS] = acc[:, M_PEOPLE] * eng.w.R.contact_rate
    acc[:, M_CONTACT_SAMPLE] = eng.skills_sample[:, 0]
    acc[:, M_CROSS_SAMPLE] = eng.skills_sample[:, 1]
    eng.skills_sample[:] = 0.0


MECHANISM = declare(
    Mechanism(
        code="M1",
        name="contacts",
        title="Random contacts whose rate grows with density and third places",
        module=__name__,
        params=("mechanisms.contacts", "regions.*.third_places_per_km2", "regions.*.area_km2"),
        metrics=("contacts", "contact_sample", "cross_skill_sample", "cross_skill_share"),
        hooks=(
            Hook("contacts.rates", rates, compiled=False, doc="contact rate per region"),
            Hook("contacts.index_cells", hook_index_cells, doc="people indexed by cell"),
            Hook("contacts.sample", hook_sample, doc="sampled contacts for the reports"),
            Hook("contacts.close", close, compiled=False, doc="contacts into the accounts"),
        ),
        off={"mechanisms.contacts.base_rate": 1e-9},
        direction_tests=(
            "tests/test_mechanisms.py::test_m1_m2_density_and_third_places_give_more_ideas",
        ),
        references=("seed 000: 咖啡馆的密度",),
    )
)
