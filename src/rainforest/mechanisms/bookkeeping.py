"""The books: not a mechanism but the month's frame that every mechanism relies on.

It seeds Numba's generator for the month (from the run's NumPy generator, so a run is a
function of its seed whatever process runs it) and, after the people's month, counts the firm
stocks and the output of established employers into the accounts.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.common import headcount, share
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.state.accounts import (
    M_FIRMS,
    M_LISTED,
    M_OUTPUT,
    M_SMES,
    M_SPEC_SMES,
    M_STARTUPS,
)
from rainforest.state.tables import (
    ANCHOR,
    FACILITY,
    INCUMBENT,
    LISTED,
    SME,
    STARTUP,
    STATE,
)


@njit(cache=True)
def org_metrics(O, R, glob, specialised_fit, acc):
    """Firm stocks and the output of anchors and established employers for the month.
    Each organisation counts ``weight / k`` in the scaled accounts (``common.share``): a
    sampled firm standing for k real ones counts 1, a unique institution or a firm simulated
    one to one counts 1/k, so that each reports as one."""
    for org in range(O.n[0]):
        if O.alive[org] == 0:
            continue
        r = O.region[org]
        kind = O.kind[org]
        w = share(O, org, glob)
        if kind == STARTUP:
            acc[r, M_STARTUPS] += w
            acc[r, M_FIRMS] += w
        elif kind == SME:
            acc[r, M_SMES] += w
            acc[r, M_FIRMS] += w
            if 10 <= headcount(O, org, glob) <= 1000 and O.fit[org] >= specialised_fit:
                acc[r, M_SPEC_SMES] += w
        elif kind == LISTED:
            acc[r, M_LISTED] += w
            acc[r, M_FIRMS] += w
        elif kind == ANCHOR:
            acc[r, M_FIRMS] += w
            if O.listed[org] == 1:
                acc[r, M_LISTED] += w
        if kind == ANCHOR or kind == INCUMBENT or kind == STATE or kind == FACILITY:
            acc[r, M_OUTPUT] += R.productivity[r] * O.prod[org] * O.emp[org]


# --- the frame's place in the month (see rainforest.mechanisms.contract) -------------------
@njit(cache=True, inline="always")
def hook_seed(T, X, M):
    """Seed Numba's generator for the month."""
    np.random.seed(M.seed)


@njit(cache=True, inline="always")
def hook_firms(T, X, M):
    """Firm stocks and output of the month."""
    org_metrics(T.O, T.R, T.glob, T.glob.specialised_fit, X.acc)


MECHANISM = declare(
    Mechanism(
        code="books",
        name="books",
        title="The month's frame: the generator's seed and the firm accounts",
        module=__name__,
        params=(),
        metrics=("startups_alive", "smes", "specialised_smes", "listed_firms", "firms", "output"),
        hooks=(
            Hook("books.seed", hook_seed, doc="seed Numba's generator"),
            Hook("books.firms", hook_firms, doc="firm stocks and output"),
        ),
        off=None,
        essential="it seeds the month's random numbers and counts the firm stocks",
    )
)
