"""Struct-of-arrays state of a run, as namedtuples of NumPy arrays that Numba kernels take whole.

Why namedtuples: Numba compiles them into plain structs of arrays, so one argument carries a
whole agent table into a kernel and the kernels stay cacheable. Tables that grow (people,
organisations, investors, investments, events) keep their fill count in ``n[0]``; the engine
grows them between steps (:func:`ensure_room`) so kernels never run out of space mid-step.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

# --- codes -------------------------------------------------------------------------------
# person status
EMPLOYED, UNEMPLOYED, FOUNDER, GONE = 0, 1, 2, 3
# organisation kinds
UNIVERSITY, FACILITY, ANCHOR, STARTUP, SME, LISTED, INCUMBENT, STATE = range(8)
ORG_KINDS = ("university", "facility", "anchor", "startup", "sme", "listed", "incumbent", "state")
# startup origins (who founded it; ``initial``: there at the start; ``arrival``: moved in
# from outside the district during the run, M21)
GRASSROOTS, FROM_ANCHOR, FROM_UNIVERSITY, FROM_STARTUP, FROM_FACILITY, INITIAL, ARRIVAL = range(7)
ORIGINS = ("grassroots", "anchor", "university", "startup", "facility", "initial", "arrival")
#: origins of organisations not founded in the district during the run: the measures of
#: foundings (survival, channels, genealogy, venture outcomes) leave them out
NOT_FOUNDED_HERE = ("initial", "arrival")


def founded_here(origin):
    """Which organisations of a result's ``orgs`` table (its ``origin`` column, names or a
    categorical) were founded in the district, not there at the start nor moved in."""
    return ~origin.astype(str).isin(NOT_FOUNDED_HERE)


# exits
NO_EXIT, EXIT_IPO, EXIT_ACQ, EXIT_FAIL, EXIT_MOVED = 0, 1, 2, 3, 4
#: exits by code (``moved``: the firm left for outside the scenario, M21)
EXITS = ("none", "ipo", "acquisition", "failure", "moved")
# investor kinds (order of schema.INVESTOR_KINDS)
ANGEL, VC, CVC, STATE_FUND, BANK = range(5)
# event kinds
(
    EV_FOUNDING,
    EV_COFOUNDER,
    EV_FUNDING,
    EV_RESCUE,
    EV_FAILURE,
    EV_IPO,
    EV_ACQUISITION,
    EV_UNICORN,
    EV_SPINOUT,
    EV_TECH_TRANSFER,
    EV_PATENT,
    EV_SUBSIDY,
    EV_IDEA,
    EV_BREAKTHROUGH,
    EV_SHOCK,
    EV_MIGRATION,
    EV_BACKING,
) = range(17)
EVENT_KINDS = (
    "founding",
    "cofounder",
    "funding",
    "rescue",
    "failure",
    "ipo",
    "acquisition",
    "unicorn",
    "spinout",
    "tech_transfer",
    "patent",
    "subsidy",
    "idea",
    "breakthrough",
    "shock",
    "migration",
    "backing",
)
SUB_SLOTS = 16  # months ahead a subsidy payment can be queued

People = namedtuple(
    "People",
    "n status region cell skill employer birth cred risk exp inspired settled uni cohort",
)
Orgs = namedtuple(
    "Orgs",
    "n kind alive region cell domain founded cash fit theta emp target rounds raised "
    "valuation shares parent origin state cred unicorn exit exit_month last_raise "
    "inv_head pending weight spin_rate demand listed prod head backed",
)
Investors = namedtuple(
    "Investors",
    "n kind region dry patience st_seed st_early st_late risk home cred statepref rescue "
    "invested returned frozen",
)
Investments = namedtuple("Investments", "n investor org amount shares month next proceeds stage")
Events = namedtuple("Events", "n month kind region org person other amount domain")

_DTYPES = {
    "People": dict(
        status=np.int8,
        region=np.int32,
        cell=np.int32,
        skill=np.int8,
        employer=np.int32,
        birth=np.int32,
        cred=np.uint8,
        risk=np.float32,
        exp=np.int16,
        inspired=np.float32,
        settled=np.int32,
        # alumni (issue 14): the university (an org id, -1 none) a person graduated from and
        # the year they graduated (months // 12 from the run's start, negative before it)
        uni=np.int32,
        cohort=np.int16,
    ),
    "Orgs": dict(
        kind=np.int8,
        alive=np.uint8,
        region=np.int32,
        cell=np.int32,
        domain=np.int32,
        founded=np.int32,
        cash=np.float64,
        fit=np.float64,
        theta=np.float64,
        emp=np.int32,
        target=np.float64,
        rounds=np.int32,
        raised=np.float64,
        valuation=np.float64,
        shares=np.float64,
        parent=np.int32,
        origin=np.int8,
        state=np.uint8,
        cred=np.uint8,
        unicorn=np.uint8,
        exit=np.int8,
        exit_month=np.int32,
        last_raise=np.int32,
        inv_head=np.int32,
        pending=(np.float64, SUB_SLOTS),
        weight=np.float64,
        spin_rate=np.float64,
        demand=np.float64,
        listed=np.uint8,
        prod=np.float64,
        head=np.float64,  # real head count of a firm simulated one to one (issue 15)
        backed=np.float64,  # money its parent put in from its profits (issue 15 item 6)
    ),
    "Investors": dict(
        kind=np.int8,
        region=np.int32,
        dry=np.float64,
        patience=np.float64,
        st_seed=np.float64,
        st_early=np.float64,
        st_late=np.float64,
        risk=np.float64,
        home=np.float64,
        cred=np.float64,
        statepref=np.float64,
        rescue=np.uint8,
        invested=np.float64,
        returned=np.float64,
        frozen=np.float64,
    ),
    "Investments": dict(
        investor=np.int32,
        org=np.int32,
        amount=np.float64,
        shares=np.float64,
        month=np.int32,
        next=np.int32,
        proceeds=np.float64,
        stage=np.int8,
    ),
    "Events": dict(
        month=np.int32,
        kind=np.int8,
        region=np.int32,
        org=np.int32,
        person=np.int32,
        other=np.int32,
        amount=np.float64,
        domain=np.int32,
    ),
}
_CLASSES = {
    "People": People,
    "Orgs": Orgs,
    "Investors": Investors,
    "Investments": Investments,
    "Events": Events,
}
# fill values for fresh rows: ids default to -1 so a missing link is never a valid index
_FILL = {
    "employer": -1,
    "uni": -1,
    "parent": -1,
    "inv_head": -1,
    "next": -1,
    "org": -1,
    "person": -1,
    "other": -1,
    "investor": -1,
    "exit_month": -1,
    "last_raise": -1,
    "proceeds": -1.0,
    "status": GONE,
}


def allocate(table: str, capacity: int):
    """A new, empty table with room for ``capacity`` rows."""
    cls = _CLASSES[table]
    arrays = {}
    for name, dt in _DTYPES[table].items():
        shape = (capacity, dt[1]) if isinstance(dt, tuple) else (capacity,)
        dtype = dt[0] if isinstance(dt, tuple) else dt
        arrays[name] = np.full(shape, _FILL.get(name, 0), dtype=dtype)
    return cls(n=np.zeros(1, np.int64), **arrays)


def grow(tab, capacity: int):
    """A copy of ``tab`` with room for ``capacity`` rows (existing rows kept)."""
    table = type(tab).__name__
    new = allocate(table, capacity)
    k = int(tab.n[0])
    for name in _DTYPES[table]:
        getattr(new, name)[:k] = getattr(tab, name)[:k]
    new.n[0] = k
    return new


def ensure_room(tab, room: int):
    """Return ``tab`` or a grown copy so that at least ``room`` free rows remain."""
    cap = len(tab.n) and tab[1].shape[0]
    if cap - int(tab.n[0]) >= room:
        return tab
    return grow(tab, max(2 * cap, int(tab.n[0]) + room))


def rows(tab) -> dict[str, np.ndarray]:
    """The filled rows of a table as a dict of arrays (views)."""
    k = int(tab.n[0])
    return {name: getattr(tab, name)[:k] for name in _DTYPES[type(tab).__name__]}


def nbytes(*tabs) -> int:
    """Bytes held by the arrays of the given tables."""
    return sum(a.nbytes for t in tabs for a in t)
