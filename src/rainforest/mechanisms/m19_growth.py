"""M19 — growth and decline from inside: productivity from knowledge, people from outside.

Why: in the first edition nothing grows. With a fixed workforce, output fell over 10 years in
every district tried (Hangzhou −19%, seed 1): employment drifts from established firms to
startups, whose revenue per head is small, and established firms' fit erodes, while the places
the essays describe grew. MODEL.md §6 asks for two things, both here, both off by default
(on in issue 15's calibrated second edition, ``rainforest.experiments.joint.apply_fitted``):

``growth`` (productivity from knowledge, and demand). A firm's productivity ``O.prod`` (a
multiplier on its output and, for established firms, its cash margin) grows each month by
``Δ ln prod = rate/12 · (κ_o / κ_0)^ε · fit_o``, where ``κ_o`` is the depth (norm) of the mean
knowledge vector of its people (M14; the firm knows what its people know, so it improves by
hiring and by what its people learn on the job and through ties), ``κ_0`` the newcomers'
initial depth, and ``fit_o`` its product-market fit (clipped to [0, 1]): knowledge becomes
productivity only where it is applied to a product that sells (Griliches 1979's knowledge
capital; firm-level learning, Argote & Epple 1990). The anchors' ``productivity`` input is the
starting level; firms founded later start at 1. Needs ``mechanisms.knowledge_vectors``.
Demand grows with the economy each region sells into (:func:`demand_rates`,
:func:`grow_markets`): a region's established employers' output per worker rises at
``demand_elasticity`` (global, fitted) times its ``economy_growth`` (its country's observed
real GDP growth), or at the global ``market_growth`` where none is observed; the domains'
market sizes, which all regions share, at the people-weighted mean of those rates
(:func:`market_rate`). A district does not make its country's growth, it sells into it: one
rate fitted to Chinese districts gave a Dutch campus 9% a year (docs/calibration.md §15).
Wages follow (``wage_follows_demand``, 1 by Kaldor's stylised fact), so growth raises output
without widening every firm's margin.

``outside_pool`` (a single district exchanges people with the rest of the country). Each month
(reported months only; the warm-up settles the district first) the district's living people
weigh leaving for an outside pool, and the pool's mobile people weigh coming, with M11's
utility and logit: ``U_r`` from the district's after-tax wage, opportunity (foundings per 1,000
people a year), openness and housing cost (which rises with crowding, M11's rents), against
``U_out`` from the pool's inputs (``mechanisms.outside_pool``). The gain of a move is
``U_dest − U_here − distance/distance_km − moving_cost`` and its chance
``base_rate · σ(gain / temperature)`` (staying has gain 0). Arrivals raise the district's
labour-force target (the labour market's entrants fill it, as for M11's movers); leavers are
drawn at random among living non-founders, leave their job and the district. A district whose
opportunity rises gains people, one that declines loses them; rents follow through M11's
crowding term. Without the switch, the first edition's constant labour force is kept.

Jobs also bring people (``recruit_share``, 0 until fitted): each month a share of the open
jobs is filled by people who come from outside for the job (Poisson draws;
``pool_recruits``). Open jobs are those the district's firms planned but could not fill last
month, with nobody unemployed left and nobody willing to move down the job ladder (M6L), and
those the rest of the district's employers (incumbent and state, which have no plan of their
own and take whoever is left) lost since the first reported month, mostly to growing firms
that hired their people away: the rest of the district's economy keeps its jobs. A district
whose firms grow gains workers, and one whose firms plan no more jobs gains none. This is how
regions grow in the data: Blanchard & Katz (1992) find that a US state's employment follows
the demand for its firms' labour, and that people moving in, not a fall in unemployment,
supply most of it.

References: Griliches (1979), Bell Journal of Economics 10:92; Argote & Epple (1990), Science
247:920; Florida (2002) (the utility terms, M11); Blanchard & Katz (1992), Brookings Papers on
Economic Activity 1992(1):1-75; MODEL.md §6.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from rainforest import registry
from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import is_firm, kind_in
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.mechanisms.m06_labour import open_jobs
from rainforest.mechanisms.m11_migration import utility_of
from rainforest.registry import Metric
from rainforest.state import accounts
from rainforest.state.tables import (
    ANCHOR,
    FOUNDER,
    GONE,
    INCUMBENT,
    LISTED,
    SME,
    STARTUP,
    STATE,
)

#: organisation kinds whose productivity grows (firms that produce; not universities or labs)
FIRM_KINDS = (ANCHOR, STARTUP, SME, LISTED, INCUMBENT, STATE)

_METRICS = (
    Metric(
        "firm_productivity",
        "ratio",
        "index",
        "Firms' productivity",
        "M19",
        "Employment-weighted mean of firms' own productivity multipliers (1 at founding; "
        "grows with knowledge and fit when M19 is on, 0 when off).",
        scaled=False,
        label_zh="企业生产率",
    ),
    Metric(
        "pool_arrivals",
        "flow",
        "people/month",
        "Arrivals from outside",
        "M19",
        "People coming from the outside pool by the migration utility.",
        label_zh="外部人才流入",
    ),
    Metric(
        "pool_departures",
        "flow",
        "people/month",
        "Departures to outside",
        "M19",
        "People leaving for the outside pool by the migration utility.",
        label_zh="人才流出",
    ),
    Metric(
        "pool_recruits",
        "flow",
        "people/month",
        "Recruited from outside",
        "M19",
        "People who came from outside the district for a job its firms could not fill from "
        "its own labour market (mechanisms.outside_pool.recruit_share).",
        label_zh="外部招聘流入",
    ),
)
for _m in _METRICS:  # appended after the built-ins: compiled account columns do not move
    registry.register_metric(_m)


# --- productivity from knowledge ----------------------------------------------------------
@njit(cache=True, inline="always")
def _growth_of(depth, fit, d0, g0, elasticity):
    """Monthly log growth of one firm's productivity: ``g0 · (depth/d0)^elasticity ·
    clip(fit, 0, 1)`` (``g0 = rate/12``; NumPy's ``maximum`` and ``clip``: a NaN stays)."""
    rel = (0.0 if depth < 0.0 else depth) / d0
    q = fit
    if q < 0.0:
        q = 0.0
    elif q > 1.0:
        q = 1.0
    return g0 * rel**elasticity * q


@njit(cache=True)
def _growths(depth, fit, d0, g0, elasticity, out):
    for o in range(out.shape[0]):
        out[o] = _growth_of(depth[o], fit[o], d0, g0, elasticity)
    return out


def productivity_growth(depth: np.ndarray, fit: np.ndarray, depth0: float, p) -> np.ndarray:
    """Monthly log growth of productivity for firms of knowledge ``depth`` and ``fit``:
    ``rate/12 · (depth/depth0)^elasticity · clip(fit, 0, 1)`` (:func:`_growth_of`, the rule
    the month's kernel applies)."""
    depth = np.asarray(depth, np.float64)
    fit = np.broadcast_to(np.asarray(fit, np.float64), depth.shape)
    return _growths(
        depth, fit, max(depth0, 1e-12), p.rate_per_year / 12.0, float(p.knowledge_elasticity),
        np.empty(depth.shape[0]),
    )  # fmt: skip


@njit(cache=True, inline="always")
def _depth_of(ok, o, sq):
    """Depth of organisation ``o``'s knowledge: the norm of its mean vector (M14's sums over
    its size, at least 1), summed as ``np.linalg.norm`` sums (``pm.pairwise_sum``); ``sq``:
    room for ``kv.D`` squares."""
    s = ok[o, kv.SIZE]
    if s < 1.0:  # np.maximum(size, 1) (a NaN stays)
        s = 1.0
    for d in range(kv.D):
        a = ok[o, d] / s
        sq[d] = a * a
    return math.sqrt(pm.pairwise_sum(sq, 0, kv.D))


@njit(cache=True)
def _depths(ok, n, out):
    sq = np.empty(kv.D)
    for o in range(n):
        out[o] = _depth_of(ok, o, sq)
    return out


def firm_depth(Ok, n_orgs: int) -> tuple[np.ndarray, np.ndarray]:
    """Depth (norm of the mean vector, :func:`_depth_of`) of each organisation's knowledge
    and its head count as M14 keeps it (sums and sizes,
    :mod:`rainforest.mechanisms.knowledge_vec`)."""
    n = min(n_orgs, Ok.org.shape[0])
    return _depths(Ok.org, n, np.empty(n)), Ok.org[:n, kv.SIZE]


def demand_rates(sc) -> np.ndarray:
    """Yearly growth of the demand for each region's firms (in region order): the observed
    real growth of the economy it sells into times ``demand_elasticity``
    (``regions.*.economy_growth``), or ``market_growth`` where that is empty."""
    p = sc.mechanisms.growth
    return np.array(
        [
            p.market_growth if r.economy_growth is None else p.demand_elasticity * r.economy_growth
            for r in sc.regions.values()
        ],
        np.float64,
    )


def market_rate(rates: np.ndarray, people) -> float:
    """Yearly growth of the domains' market sizes, which all regions share: the regions'
    demand growth weighted by their people (the one rate itself when all regions have it)."""
    rates = np.asarray(rates, np.float64)
    if np.all(rates == rates[0]):
        return float(rates[0])
    return float(np.average(rates, weights=np.asarray(people, np.float64)))


def grow_markets(R, D, rate_per_year, wage_share: float, market: float | None = None):
    """One month of demand growth (MODEL.md §6, "demand grows with the market"): each region's
    established employers' output per worker rises by ``exp(rate_r/12)`` and its wages by
    ``exp(wage_share · rate_r/12)`` (Kaldor's fact: wages follow output per worker); every
    domain's market size (startups' revenue and the price of their rounds) by
    ``exp(market/12)``. ``rate_per_year``: one rate or one per region; ``market`` defaults to
    :func:`market_rate` of equal weights. In place: the run's own tables. Returns the wages'
    factors, one per region (the outside pool's wage follows them too). The factors are
    :func:`demand_factors`, applied by :func:`_grow_demand` as the month's kernel applies
    them."""
    rate = np.broadcast_to(np.asarray(rate_per_year, np.float64), R.productivity.shape)
    if market is None:
        market = market_rate(rate, np.ones(rate.shape))
    f_rate, f_market, fw = demand_factors(rate, market, wage_share)
    _grow_demand(f_rate, f_market, fw, R.productivity, D.market, R.wage, _NONE)
    return fw


def demand_factors(rate: np.ndarray, market: float, wage_share: float) -> tuple:
    """A month's growth factors of demand growing at yearly ``rate`` (one per region) and the
    domains' markets at ``market``: ``exp(rate/12)`` (output per worker, the demand index),
    ``exp(market/12)`` and the wages' ``exp(wage_share · rate/12)``."""
    return (
        np.ascontiguousarray(pm.exp(rate / 12.0)),
        float(pm.exp(market / 12.0)),
        np.ascontiguousarray(pm.exp(wage_share * rate / 12.0)),
    )


@njit(cache=True, inline="always")
def _grow_demand(f_rate, f_market, f_wage, productivity, market, wage, wage0):
    """Apply a month's :func:`demand_factors`: output per worker, the domains' markets, the
    wages and (when kept) the outside pool's wages ``wage0``."""
    for r in range(productivity.shape[0]):
        productivity[r] *= f_rate[r]
    for d in range(market.shape[0]):
        market[d] *= f_market
    for r in range(wage.shape[0]):
        wage[r] *= f_wage[r]
    for r in range(wage0.shape[0]):
        wage0[r] *= f_wage[r]


def living(O, kinds, n: int | None = None) -> np.ndarray:
    """Rows of the living organisations of ``kinds`` among the first ``n`` (default: all in
    use): the selection each per-region count of this module starts from."""
    n = int(O.n[0]) if n is None else n
    return np.flatnonzero((O.alive[:n] > 0) & kind_in(O.kind[:n], kinds))


def firms_headcount(O, glob, n_regions: int) -> np.ndarray:
    """Real head count of the living startups, SMEs and listed firms, per region (as their
    economics count it: ``common.headcount``); :func:`_firm_heads`, as the month's kernel
    counts them."""
    return _firm_heads(
        int(O.n[0]), O.alive, O.kind, O.head, O.emp, O.region, glob.o2o > 0.0,
        np.zeros(n_regions),
    )  # fmt: skip


@njit(cache=True, inline="always")
def _firm_heads(n, alive, kind, head, emp, region, o2o, heads):
    """Add the head counts of the living startups, SMEs and listed firms among the first
    ``n`` rows to ``heads`` (one a region), in row order (as ``np.bincount`` adds them)."""
    for o in range(n):
        if alive[o] > 0 and is_firm(kind[o]):
            heads[region[o]] += head[o] if o2o else np.float64(emp[o])
    return heads


def demand_room(heads: np.ndarray, heads0: np.ndarray, demand, headroom: float):
    """Room that demand leaves for firms' growth, per region: ``1 - heads / capacity`` in
    [0, 1], capacity = ``headroom x heads0 x demand`` (the firms' head count at the first
    reported month, times the region's demand index since: a number or one per region). A
    region that started without firms has no limit (:func:`_room_of`)."""
    heads0 = np.asarray(heads0, np.float64)
    heads = np.broadcast_to(np.asarray(heads, np.float64), heads0.shape)
    demand = np.broadcast_to(np.asarray(demand, np.float64), heads0.shape)
    return _rooms(heads, heads0, demand, float(headroom), np.empty(heads0.shape[0]))


@njit(cache=True, inline="always")
def _room_of(heads, heads0, demand, headroom):
    """:func:`demand_room` of one region (NumPy's ``clip``: a NaN stays)."""
    cap = headroom * heads0 * demand
    v = 1.0
    if cap > 0:
        v = 1.0 - heads / cap
        if v < 0.0:
            v = 0.0
        elif v > 1.0:
            v = 1.0
    return v


@njit(cache=True)
def _rooms(heads, heads0, demand, headroom, out):
    for r in range(out.shape[0]):
        out[r] = _room_of(heads[r], heads0[r], demand[r], headroom)
    return out


def run_demand_rates(eng) -> tuple[np.ndarray, np.ndarray]:
    """:func:`demand_rates` of the engine's scenario and their :func:`market_rate`, computed
    once a run (the scenario's: the same every month) and kept in ``eng.cache``."""
    dr = eng.cache.get("demand_rates")
    if dr is None:
        rates = demand_rates(eng.sc)
        people = [r.population for r in eng.sc.regions.values()]
        dr = eng.cache["demand_rates"] = (rates, market_rate(rates, people))
    return dr


def grow(eng) -> None:
    """This month's productivity growth of every living firm with people, from what they know;
    reports the employment-weighted mean productivity. With ``demand_headroom`` it also sets
    the room demand leaves for next month's firm growth (``R.room``). One compiled call
    (:func:`_grow_month`) does the month's arithmetic, as :func:`grow_markets`,
    :func:`firms_headcount`, :func:`demand_room`, :func:`firm_depth` and
    :func:`productivity_growth` define it, to the same bits."""
    p = eng.sc.mechanisms.growth
    if not p.enabled or eng.month < 0:
        return  # the warm-up settles the district at its inputs' productivity
    w = eng.w
    f = _run_factors(eng)
    pool = eng.cache.get("outside_pool")  # the rest of the country's wages grow too
    wage0 = pool["wage0"] if pool is not None and f[3] else _NONE
    room = p.demand_headroom > 0.0
    dm = eng.cache.get("demand_room") if room else None
    first = room and dm is None
    if first:  # the first reported month's head count, filled in by the kernel
        nr = eng.acc.shape[0]
        dm = eng.cache["demand_room"] = {"heads0": np.zeros(nr), "demand": np.ones(nr)}
    if room:
        dm["demand"] = dm["demand"].copy()  # a new array a month, as before
    st = eng.cache.get("ties")
    has_ok = bool(st) and "O" in st
    Ok = st["O"].org if has_ok else _NO_ORGK
    O = w.O
    _grow_month(
        f[0], f[1], f[2], f[3], w.R.productivity, w.D.market, w.R.wage, wage0,
        room, first, p.demand_headroom, dm["heads0"] if room else _NONE,
        dm["demand"] if room else _NONE, w.R.room, w.glob.o2o > 0.0,
        O.n, O.alive, O.kind, O.head, O.emp, O.region, O.fit, O.prod, has_ok, Ok,
        eng.sc.mechanisms.knowledge_vectors.initial_depth, p.rate_per_year,
        p.knowledge_elasticity, eng.acc, accounts.column("firm_productivity"),
    )  # fmt: skip


_NONE = np.zeros(0)
_NO_ORGK = np.zeros((0, kv.D + 2))
_FIRMS = np.array(FIRM_KINDS, np.int64)


def _run_factors(eng) -> tuple:
    """The month's growth factors, the same each month of a run (its scenario's rates):
    ``exp(rate/12)`` per region (output per worker and the demand index), ``exp(market/12)``,
    the wages' ``exp(wage_share · rate/12)``, and whether demand grows at all."""
    f = eng.cache.get("growth_factors")
    if f is None:
        p = eng.sc.mechanisms.growth
        rates, market = run_demand_rates(eng)
        R = eng.w.R
        rate = np.broadcast_to(np.asarray(rates, np.float64), R.productivity.shape)
        f = eng.cache["growth_factors"] = (
            *demand_factors(rate, market, p.wage_follows_demand),
            bool(np.any(rates != 0.0)),
        )
    return f


@njit(cache=True, inline="always")
def _is(kind, kinds) -> bool:
    """Whether ``kind`` is one of ``kinds`` (``common.kind_in`` for one row)."""
    hit = False
    for k in kinds:
        hit |= kind == k
    return hit


@njit(cache=True)
def _grow_month(
    f_rate, f_market, f_wage, grows, productivity, market, wage, wage0, room, first, headroom,
    heads0, demand, r_room, o2o, n_o, alive, kind, head, emp, region, fit, prod, has_ok, ok,
    depth0, rate_per_year, elasticity, acc, col,
):  # fmt: skip
    """One month of M19's growth, in the order :func:`grow` documents: demand (when it
    grows), the room it leaves (with ``room``), firms' productivity (with knowledge sums
    ``ok``) and its employment-weighted mean per region."""
    nr = acc.shape[0]
    if grows:  # grow_markets
        _grow_demand(f_rate, f_market, f_wage, productivity, market, wage, wage0)
    if room:  # firms_headcount and demand_room
        heads = _firm_heads(n_o[0], alive, kind, head, emp, region, o2o, np.zeros(nr))
        if first:
            heads0[:] = heads
        for r in range(nr):
            demand[r] *= f_rate[r]
            r_room[r] = _room_of(heads[r], heads0[r], demand[r], headroom)
    if not has_ok:
        return
    n = min(n_o[0], ok.shape[0])
    d0 = max(depth0, 1e-12)
    g0 = rate_per_year / 12.0
    num = np.zeros(nr)
    den = np.zeros(nr)
    sq = np.empty(kv.D)
    for o in range(n):  # productivity_growth of firm_depth
        if alive[o] == 0 or not _is(kind[o], _FIRMS):
            continue
        if ok[o, kv.SIZE] > 0:
            prod[o] *= np.exp(_growth_of(_depth_of(ok, o, sq), fit[o], d0, g0, elasticity))
        e = np.float64(emp[o])
        num[region[o]] += e * prod[o]
        den[region[o]] += e
    for r in range(nr):
        acc[r, col] = num[r] / max(den[r], 1.0) if den[r] > 0 else 0.0


# --- the outside pool ---------------------------------------------------------------------
@njit(cache=True, inline="always")
def _pool_utility_of(wage0, tax, ww, ow, onw, wage_ratio, pool_opp, pool_open):
    """The outside pool's utility as seen from one region: M11's ``utility_of`` with the
    pool's wage (``wage_ratio`` times the region's starting wage, grown with demand),
    opportunity and openness, and housing at the national level (index 1: its term is
    ``- 0 · log 1``, which leaves every bit of the rest as it is)."""
    return utility_of(wage_ratio * wage0, tax, pool_opp, pool_open, 1.0, 1.0, 1.0, ww, ow, onw, 0.0)


@njit(cache=True, inline="always")
def _flow_of(u_region, u_pool, people, people0, cost, t, base_rate, pool_ratio):
    """Expected arrivals from and departures to the pool of one region: M11's logit between
    staying and moving, ``gain = U_dest − U_here − cost`` over the temperature ``t``."""
    gain_in = (u_region - u_pool - cost) / t
    gain_out = (u_pool - u_region - cost) / t
    arrive = base_rate * pool_ratio * people0 / (1.0 + np.exp(-gain_in))
    leave = base_rate * people / (1.0 + np.exp(-gain_out))
    return arrive, leave


@njit(cache=True)
def _pool_utilities(wage0, tax, ww, ow, onw, wage_ratio, pool_opp, pool_open, out):
    for r in range(out.shape[0]):
        out[r] = _pool_utility_of(wage0[r], tax[r], ww, ow, onw, wage_ratio, pool_opp, pool_open)
    return out


@njit(cache=True)
def _pool_flows(u_region, u_pool, people, people0, cost, t, base_rate, pool_ratio):
    n = u_region.shape[0]
    arrive = np.empty(n)
    leave = np.empty(n)
    for r in range(n):
        arrive[r], leave[r] = _flow_of(
            u_region[r], u_pool[r], people[r], people0[r], cost, t, base_rate, pool_ratio
        )
    return arrive, leave


def pool_utility(R, wage0: np.ndarray, mig, pool) -> np.ndarray:
    """Utility of the outside pool as seen from each region (M11's terms with the pool's
    wage, opportunity, openness; housing at the national level, index 1):
    :func:`_pool_utility_of` region by region, as the month's kernel (:func:`_flows`)."""
    wage0 = np.asarray(wage0, np.float64)
    return _pool_utilities(
        wage0, np.broadcast_to(np.asarray(R.tax, np.float64), wage0.shape),
        float(mig.wage_weight), float(mig.opportunity_weight), float(mig.openness_weight),
        float(pool.wage_ratio), float(pool.opportunity), float(pool.openness),
        np.empty(wage0.shape[0]),
    )  # fmt: skip


def pool_flows(
    u_region: np.ndarray,
    u_pool: np.ndarray,
    people: np.ndarray,
    people0: np.ndarray,
    mig,
    pool,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected arrivals from and departures to the pool this month, per region (simulated
    people): ``base_rate · pool_ratio · people0 · σ(gain_in / T)`` and
    ``base_rate · people · σ(gain_out / T)`` with ``gain = U_dest − U_here − distance −
    moving_cost`` (M11's logit between staying and moving; :func:`_flow_of` region by
    region, as the month's kernel)."""
    u_region = np.asarray(u_region, np.float64)
    shape = u_region.shape

    def each(a):
        return np.broadcast_to(np.asarray(a, np.float64), shape)

    return _pool_flows(
        u_region, each(u_pool), each(people), each(people0), _pool_cost(mig, pool),
        float(mig.temperature), float(mig.base_rate), float(pool.pool_ratio),
    )  # fmt: skip


def _pool_cost(mig, pool) -> float:
    """The cost of a move between a region and the pool: its distance in M11's units plus
    M11's moving cost."""
    return pool.distance_km / mig.distance_km + mig.moving_cost


def _leavers(P, region: int, k: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``k`` distinct living non-founders of ``region``, drawn at random."""
    if k <= 0:
        return np.zeros(0, np.int64)
    got = np.zeros(0, np.int64)
    for _ in range(8):  # rejection sampling; a handful of rounds suffices
        draw = rng.integers(0, n, size=max(4 * k, 64))
        got = _accept(got, draw, P.status, P.region, region)
        if got.size >= k:
            break
    return rng.permutation(got)[:k]


@njit(cache=True)
def _accept(got, draw, status, region, r):
    """``np.unique`` of ``got`` and the draws that are living non-founders of region ``r``."""
    keep = np.empty(got.size + draw.size, np.int64)
    keep[: got.size] = got
    m = got.size
    for i in draw:
        if status[i] != GONE and status[i] != FOUNDER and region[i] == r:
            keep[m] = i
            m += 1
    return np.unique(keep[:m])


def unfilled_jobs(O, glob, n_regions: int) -> np.ndarray:
    """Jobs planned and not filled, per region, in simulated people: for each living
    organisation that hires, its head-count target (whole people, what M6L's hiring fills;
    a one-to-one firm's sampled share of it, as ``common.sampled_head`` gives) less its
    staff, where positive (M6L's ``open_jobs``, the count its matching uses). Read at the start
    of a month, it is what last month's hiring left open after the unemployed and the job
    ladder were used up."""
    return open_jobs(O, glob, n_regions)


#: the rest of the district's employers (M6L: they take whoever is left and have no plan)
REST_KINDS = (INCUMBENT, STATE)


def rest_staff(O, n_regions: int) -> np.ndarray:
    """Staff of the rest of the district's employers (incumbent and state), per region."""
    idx = living(O, REST_KINDS)
    return np.bincount(O.region[idx], weights=O.emp[idx], minlength=n_regions)


def exchange(eng) -> None:
    """People arrive from and leave for the outside pool by the migration utility, and come
    for the jobs the district's firms could not fill (``recruit_share``). The arithmetic runs
    compiled (:func:`_flows`, :func:`_settle`), to the same bits as :func:`pool_utility`,
    :func:`pool_flows` and M11's ``region_utility``; the draws are NumPy's, as before."""
    pool = eng.sc.mechanisms.outside_pool
    if not pool.enabled or eng.month < 0:
        return
    w = eng.w
    P, O, R = w.P, w.O, w.R
    st = eng.cache.get("outside_pool")
    if st is None:
        st = eng.cache["outside_pool"] = {"wage0": np.asarray(R.wage, np.float64).copy()}
    mig = eng.sc.mechanisms.migration
    arrive, leave = _flows(
        R.wage, R.tax, R.openness, R.housing, R.rent, R.rent0, eng.opportunity, st["wage0"],
        eng.people_sim, eng.people0, mig.wage_weight, mig.opportunity_weight,
        mig.openness_weight, mig.housing_weight, pool.wage_ratio, pool.opportunity,
        pool.openness, _pool_cost(mig, pool), mig.temperature, mig.base_rate, pool.pool_ratio,
    )  # fmt: skip
    rng = np.random.default_rng([int(eng.inputs["seed"]) & (2**62 - 1), 19])
    n_in = rng.poisson(arrive)
    n_out = rng.poisson(leave)
    n = int(P.n[0])
    gone_total = np.zeros(len(n_out))
    gone = [_NO_ROWS]
    for r in np.flatnonzero(n_out):
        rows = _leavers(P, int(r), int(n_out[r]), n, rng)
        gone.append(rows)
        gone_total[r] = rows.size
    left = len(gone) > 1  # someone was to leave: staff counts are kept at zero or more
    rows = np.concatenate(gone) if left else _NO_ROWS
    cols = accounts.columns(*_POOL_ACCOUNTS)
    if pool.recruit_share > 0.0:  # no draw when off: runs without it are unchanged
        _settle(rows, left, P.employer, P.status, O.emp, False, w.pop_target, n_in,
                gone_total, eng.people_sim, eng.acc, cols)  # fmt: skip
        rows, left = _NO_ROWS, False
        # the rest of the district's jobs are kept: those its employers lost since the first
        # reported month (hired away by growing firms) are open too
        rest = rest_staff(O, len(n_in))
        rest0 = st.setdefault("rest0", rest)  # the first reported month's staff
        open_jobs = unfilled_jobs(O, w.glob, len(n_in)) + np.maximum(rest0 - rest, 0.0)
        n_job = rng.poisson(pool.recruit_share * open_jobs)
        w.pop_target[:] += n_job
        eng.acc[:, accounts.column("pool_recruits")] += n_job
    short = _settle(rows, left, P.employer, P.status, O.emp, True, w.pop_target, n_in,
                    gone_total, eng.people_sim, eng.acc, cols)  # fmt: skip
    eng.reserve_people(int(short.sum()))


_NO_ROWS = np.zeros(0, np.int64)
#: accounts :func:`_settle` books: arrivals, departures to the pool, departures
_POOL_ACCOUNTS = ("pool_arrivals", "pool_departures", "departures")


@njit(cache=True)
def _flows(
    wage, tax, openness, housing, rent, rent0, opportunity, wage0, people_sim, people0, ww, ow,
    onw, hw, wage_ratio, pool_opp, pool_open, cost, t, base_rate, pool_ratio,
):  # fmt: skip
    """:func:`pool_flows` of M11's ``region_utility`` and :func:`pool_utility`, region by
    region (:func:`_flow_of` of M11's ``utility_of`` and :func:`_pool_utility_of`), the
    people counted no lower than zero."""
    nr = wage.shape[0]
    arrive = np.empty(nr)
    leave = np.empty(nr)
    for r in range(nr):
        u_r = utility_of(
            wage[r], tax[r], opportunity[r], openness[r], housing[r], rent[r], rent0[r], ww, ow,
            onw, hw,
        )  # fmt: skip
        u_p = _pool_utility_of(wage0[r], tax[r], ww, ow, onw, wage_ratio, pool_opp, pool_open)
        ppl = people_sim[r]
        ppl = 0.0 if ppl < 0.0 else ppl  # np.maximum (a NaN stays)
        arrive[r], leave[r] = _flow_of(u_r, u_p, ppl, people0[r], cost, t, base_rate, pool_ratio)
    return arrive, leave


@njit(cache=True)
def _settle(
    rows, left, employer, status, emp, finish, pop_target, n_in, gone, people_sim, acc, cols
):
    """Leavers leave their jobs and the district; with ``left``, staff counts are kept at
    zero or more (once for all regions: the same counts as once a region); with ``finish``,
    the labour-force target follows arrivals and departures, the accounts count them, and the
    shortfall of people per region is returned."""
    for i in rows:
        e = employer[i]
        if e >= 0:
            emp[e] -= 1
    if left:
        for o in range(emp.shape[0]):
            if emp[o] < 0:
                emp[o] = 0
    for i in rows:
        employer[i] = -1
        status[i] = GONE
    nr = pop_target.shape[0]
    short = np.zeros(nr)
    if not finish:
        return short
    for r in range(nr):
        pop_target[r] += n_in[r] - gone[r]
        v = pop_target[r] - people_sim[r]
        short[r] = v if not v < 0.0 else 0.0
        acc[r, cols[0]] += n_in[r]
        acc[r, cols[1]] += gone[r]
        acc[r, cols[2]] += gone[r]
    return short


GROWTH = declare(
    Mechanism(
        code="M19",
        name="growth",
        title="Firms' productivity grows with their people's knowledge and their fit",
        module=__name__,
        params=("mechanisms.growth", "mechanisms.knowledge_vectors.initial_depth"),
        metrics=("firm_productivity",),
        hooks=(Hook("growth.productivity", grow, compiled=False, doc="productivity growth"),),
        off={"mechanisms.growth.enabled": False},
        direction_tests=(
            "tests/test_growth_belief.py::test_more_knowledge_grows_productivity_faster",
            "tests/test_growth_belief.py::test_growth_from_knowledge_raises_output",
            "tests/test_growth_belief.py::test_demand_limits_how_far_firms_grow",
        ),
        references=("Griliches 1979", "Argote & Epple 1990", "MODEL.md section 6"),
    )
)

OUTSIDE_POOL = declare(
    Mechanism(
        code="M19",
        name="outside_pool",
        title="A district exchanges people with an outside pool by the migration utility",
        module=__name__,
        params=("mechanisms.outside_pool", "mechanisms.migration"),
        metrics=("pool_arrivals", "pool_departures", "pool_recruits"),
        hooks=(
            Hook("outside_pool.exchange", exchange, compiled=False, doc="arrivals, departures"),
        ),
        off={"mechanisms.outside_pool.enabled": False},
        direction_tests=(
            "tests/test_growth_belief.py::test_pool_flows_follow_utility",
            "tests/test_growth_belief.py::test_a_district_with_better_outcomes_gains_people",
            "tests/test_growth_belief.py::test_jobs_its_firms_cannot_fill_bring_people",
            "tests/test_growth_belief.py::test_the_rest_of_the_economy_keeps_its_jobs",
        ),
        references=(
            "Florida 2002 (M11's utility)",
            "Blanchard & Katz 1992 (jobs bring people)",
            "MODEL.md section 6",
        ),
    )
)

MECHANISMS = (GROWTH, OUTSIDE_POOL)

#: the switch of productivity growth (it needs knowledge vectors: m13_network.ON)
GROWTH_ON = {"mechanisms.growth.enabled": True}
#: the switch of the exchange with the outside pool (needs nothing else)
POOL_ON = {"mechanisms.outside_pool.enabled": True}
