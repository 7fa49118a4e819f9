"""M21 — firms that move into a district from outside it, and firms that leave it.

Why: a district's stock of firms grows by foundings and by firms that come from elsewhere
(relocations, and new units of firms based outside), and shrinks by failures and by firms that
leave. Until now the model had only foundings and failures, and firms moved only between the
regions of one scenario (M17's relocations), so a single district could grow its stock only by
founding: the model's entry rates are 2-4% a year where public ones run 9-17%, and the
held-out districts' stocks fell where history grew them (docs/calibration.md §19-21). Public
figures count arrivals too: Caohejing's park "attracted" 174 firms in 2007; High Tech Campus
Eindhoven gains about 40 companies a year, most of them moving in; about half of Research
Triangle Park's 220 companies started outside the Triangle (its 2016 survey). In the
Netherlands 6% of establishments move in a year and a third of them cross a municipal boundary
(CBS 2013), so about 2% a year leave one municipality for another. Off by default and in the
shipped fit: the rate these counts ask for is a compromise between them (fit L16, 6.1% a
year), and moves do not turn the held-out stocks round (docs/calibration.md §22).

How: the firms that move are established ones (SMEs). Each SME leaves its region with chance
``rate/12`` a month (a firm's hazard of moving does not depend on where it is). Where movers
go is a location choice (Carlton 1983's conditional logit; its counts are Poisson, Guimarães,
Figueiredo & Woodward 2003): the economy's moving firms grow with it, as ``D^market`` (``D``:
M19's demand index of the economy the region sells into, 1 where growth is off), and the
region draws its share of them, relative to the first reported month

    pull_r = (F_r/F0_r / D_r^market)^agglomeration · (rent_r/rent0_r)^(−cost)

where ``F`` is its firm stock (real firms: startups, SMEs, listed firms, anchors) and ``F0``
the stock at the first reported month, and ``rent`` its desk rent (M11's crowding). Arrivals
are a Poisson count of mean ``rate/12 · S0_r · D_r^market · pull_r`` (``S0``: its SMEs at the
first reported month). So at the first reported month as many firms come as go; a district
whose firm stock keeps pace with its economy keeps its share of the movers, and with
``agglomeration`` below 1 one that falls behind draws more than its stock and catches up
(firms draw firms, less than proportionally), while dear space repels. A district in a
growing economy therefore gains firms by moves, which is in part an input (its country's
observed growth, as for M19's demand); its own course (a stock that outgrows its economy,
rents that rise) moves the rest. All parameters are global (``mechanisms.firm_arrivals``).

An arriving firm is an SME that resembles the district's own: its domain, place, fit,
potential and productivity are those of a living SME or listed firm of the region drawn at
random (firms sort into places that suit them); its team is a geometric draw of mean
``team_mean`` real people, hired in the district by the labour market (M6L), and it brings
``cash_months`` of its wage bill. It is not a founding: its origin is ``arrival``
(:data:`rainforest.state.tables.NOT_FOUNDED_HERE`), so survival, the founding channels and the
entry rate leave it out. A leaving firm's exit is ``moved`` (not a failure; its business goes
on elsewhere) and its people stay in the district without a job. The metrics
``firm_arrivals`` and ``firm_departures`` count both.

References: Carlton (1983), Review of Economics and Statistics 65:440; Guimarães, Figueiredo &
Woodward (2000), Journal of Urban Economics 47:115 and (2003), Review of Economics and
Statistics 85:201; CBS (2013), 'Bedrijven verhuizen vooral binnen eigen gemeente'; Pellenbarg
& Kemper (1999), 'Industrial mobility in the Netherlands'.
"""

from __future__ import annotations

import numpy as np

from rainforest import registry
from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import new_org, staff_of
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m19_growth import living, run_demand_rates
from rainforest.registry import Metric
from rainforest.state import accounts
from rainforest.state.tables import (
    ANCHOR,
    ARRIVAL,
    EXIT_MOVED,
    LISTED,
    SME,
    STARTUP,
    UNEMPLOYED,
)

#: the kinds the firm stock counts (the ``firms`` metric's)
STOCK_KINDS = (STARTUP, SME, LISTED, ANCHOR)
#: the kinds an arriving firm is drawn to resemble (established firms of the region)
TEMPLATE_KINDS = (SME, LISTED)

for _m in (
    Metric(
        "firm_arrivals",
        "flow",
        "firms/month",
        "Firms arriving from outside",
        "M21",
        "Firms that moved into the region from outside the scenario (relocations and new "
        "units of firms based elsewhere; mechanisms.firm_arrivals). Not foundings.",
        label_zh="外部迁入企业",
    ),
    Metric(
        "firm_departures",
        "flow",
        "firms/month",
        "Firms leaving for outside",
        "M21",
        "Established firms (SMEs) that left the region for outside the scenario "
        "(mechanisms.firm_arrivals). Not failures.",
        label_zh="迁出企业",
    ),
):
    registry.register_metric(_m)


def economy_size(demand: np.ndarray, p) -> np.ndarray:
    """The economy's firms (and its moving firms) relative to the first reported month:
    ``D^market``, ``D`` its demand index."""
    return pm.power(np.maximum(np.asarray(demand, np.float64), 1e-12), p.market)


def pull(
    stock: np.ndarray,
    stock0: np.ndarray,
    demand: np.ndarray,
    rent: np.ndarray,
    rent0: np.ndarray,
    p,
) -> np.ndarray:
    """Each region's share of the economy's moving firms, relative to the first reported
    month (1 then): ``(F/F0 / D^market)^agglomeration · (rent/rent0)^(−cost)``. Its firm
    stock counts relative to the economy's (which grows as ``D^market``): a district that
    keeps pace with its economy keeps its share (0 for a region that had no firms then)."""
    stock0 = np.asarray(stock0, np.float64)
    has = stock0 > 0
    rel = np.where(has, np.asarray(stock, np.float64) / np.where(has, stock0, 1.0), 0.0)
    economy = economy_size(demand, p)
    cost = np.asarray(rent, np.float64) / np.maximum(np.asarray(rent0, np.float64), 1e-12)
    out = pm.power(np.maximum(rel / economy, 0.0), p.agglomeration) * pm.power(
        np.maximum(cost, 1e-12), -p.cost
    )
    return np.where(has, out, 0.0)


def arrival_rates(smes0: np.ndarray, demand: np.ndarray, pull_r: np.ndarray, p) -> np.ndarray:
    """Expected real firms arriving this month, per region: ``rate/12 · S0 · D^market ·
    pull`` (the economy's moving firms grow with it; the region draws its share)."""
    return (
        p.rate / 12.0 * np.asarray(smes0, np.float64) * economy_size(demand, p) * np.asarray(pull_r)
    )


def departure_chance(p) -> float:
    """Chance that one SME leaves its region this month: ``rate/12`` (a firm's hazard of
    moving does not depend on where it is; where it goes, the pull decides)."""
    return p.rate / 12.0


def firm_stock(O, n_regions: int, kinds=STOCK_KINDS) -> np.ndarray:
    """Real firms of ``kinds`` per region (by default those the ``firms`` metric counts):
    each organisation stands for ``weight`` real ones."""
    idx = living(O, kinds)
    return np.bincount(O.region[idx], weights=O.weight[idx], minlength=n_regions)


def demand_index(eng) -> np.ndarray:
    """Demand for each region's firms since the first reported month (M19's rates, kept for
    the run; ones where growth is off)."""
    if not eng.sc.mechanisms.growth.enabled:
        return np.ones(len(eng.sc.regions))
    return pm.exp(run_demand_rates(eng)[0] * eng.month / 12.0)


def team_sizes(rng: np.random.Generator, n: int, mean: float) -> np.ndarray:
    """``n`` real head counts of arriving units: geometric on 1, 2, ... with mean ``mean``."""
    if mean <= 1.0:
        return np.ones(n)
    return rng.geometric(1.0 / mean, size=n).astype(np.float64)


def _leave(eng, firms: np.ndarray) -> None:
    """``firms`` leave for outside: exit ``moved``; their people stay, without a job."""
    w = eng.w
    O, P = w.O, w.P
    O.alive[firms] = 0
    O.exit[firms] = EXIT_MOVED
    O.exit_month[firms] = eng.month
    gone = np.zeros(O.kind.shape[0], bool)
    gone[firms] = True
    ours = staff_of(P, gone)
    P.employer[ours] = -1
    P.status[ours] = UNEMPLOYED  # founders too: their firm is no longer here
    O.emp[firms] = 0


def arrive(eng) -> None:
    """This month's moves: SMEs leave by :func:`departure_chance`, firms arrive by
    :func:`arrival_rates`, each one a new SME resembling an established firm of its region."""
    p = eng.sc.mechanisms.firm_arrivals
    if not p.enabled or p.rate <= 0.0 or eng.month < 0:
        return
    w = eng.w
    O, R, glob = w.O, w.R, w.glob
    nr = eng.acc.shape[0]
    stock = firm_stock(O, nr)
    st = eng.cache.get("firm_arrivals")
    if st is None:  # the first reported month
        st = eng.cache["firm_arrivals"] = {
            "stock0": stock,
            "smes0": firm_stock(O, nr, (SME,)),
            "rent0": np.asarray(R.rent, np.float64).copy(),
        }
    demand = demand_index(eng)
    pr = pull(stock, st["stock0"], demand, R.rent, st["rent0"], p)
    rng = np.random.default_rng([int(eng.inputs["seed"]) & (2**62 - 1), 21])
    # leaving: each living SME with the same chance, wherever it is
    smes = living(O, (SME,))
    go = smes[rng.random(smes.size) < departure_chance(p)]
    if go.size:
        reg = O.region[go]
        eng.acc[:, accounts.column("firm_departures")] += np.bincount(
            reg, weights=O.weight[go] / glob.k, minlength=nr
        )
        _leave(eng, go)
    # arriving
    one_to_one = glob.o2o > 0.0
    weight = 1.0 if one_to_one else float(glob.k)  # real firms one new row stands for
    counts = rng.poisson(arrival_rates(st["smes0"], demand, pr, p) / weight)
    if not counts.any():
        return
    templates = living(O, TEMPLATE_KINDS)
    t_reg = O.region[templates]
    room = O.kind.shape[0] - int(O.n[0]) - 1024  # the month's own rows stay free
    col = accounts.column("firm_arrivals")
    for r in np.flatnonzero(counts):
        pool = templates[t_reg == r]
        n = min(int(counts[r]), max(room, 0))
        if pool.size == 0 or n <= 0:
            continue
        like = pool[rng.integers(0, pool.size, size=n)]
        teams = team_sizes(rng, n, p.team_mean)
        for t, team in zip(like, teams, strict=True):
            org = new_org(O, SME, r, O.cell[t], O.domain[t], eng.month, weight)
            O.origin[org] = ARRIVAL
            O.fit[org] = O.fit[t]
            O.theta[org] = O.theta[t]
            O.prod[org] = O.prod[t]
            O.target[org] = team
            if one_to_one:
                O.head[org] = team
            O.cash[org] = p.cash_months * R.wage[r] * team
        room -= n
        eng.acc[r, col] += n * weight / glob.k  # the engine scales the accounts by k


MECHANISM = declare(
    Mechanism(
        code="M21",
        name="firm_arrivals",
        title="Firms move into and out of a district by a location choice",
        module=__name__,
        params=("mechanisms.firm_arrivals",),
        metrics=("firm_arrivals", "firm_departures"),
        hooks=(Hook("firm_arrivals.arrive", arrive, compiled=False, doc="firms come and go"),),
        off={"mechanisms.firm_arrivals.enabled": False},
        direction_tests=(
            "tests/test_arrivals.py::test_pull_follows_the_location_choice",
            "tests/test_arrivals.py::test_a_district_whose_market_grows_gains_firms",
        ),
        references=(
            "Carlton 1983",
            "Guimarães, Figueiredo & Woodward 2000, 2003",
            "CBS 2013 (firm relocations in the Netherlands)",
        ),
    )
)

#: the switch (needs nothing else)
ON = {"mechanisms.firm_arrivals.enabled": True}
