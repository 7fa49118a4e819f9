"""Persistent ties: who knows whom, formed by encounters, kept by use, lost by neglect.

The first edition redrew every contact each month at a rate with a density exponent; nothing
lasted. Here each person holds up to ``K`` ties in fixed slots, and density acts only through
*who is near*: geographic ties are drawn by rank (Liben-Nowell et al. 2005; Pan et al. 2013),
P(i meets j) ∝ 1 / rank_i(j), rank_i(j) being the number of people closer to i than j. A denser
place puts more people at small ranks within walking distance, so near ties per person rise
with density without any exponent.

Layout (memory latency is the cost, MODEL.md §8): a slot is one 8-byte record, two int32 side by
side in ``slot[i, s, :]``:

* ``slot[i, s, 0]``: the partner's row (``-1`` when empty);
* ``slot[i, s, 1]``: ``strength_q << 16 | kind << 12 | month % 4096`` with the strength at the
  month of last use quantised to 15 bits (0..32767) and the tie kind (:data:`KINDS`) in 4 bits.

``deg[i]`` counts the used slots, which are kept at the front of the row. Ties are symmetric:
both rows hold the tie with the same record, and every write goes to both. Strength decays
lazily: the effective strength is the stored one times ``decay[age]``, a table by age in
months (no power per slot per month); a tie whose effective strength falls below
``drop_below`` is removed when its owner next scans the row. Only people who act this month
(one attempt per ``1 / attempt_rate`` person-months) are processed, in row order.

Encounters are sampled in O(log side) per draw: a rank ``r`` drawn log-uniformly in
``[1, N_region)``, the smallest Chebyshev ring of cells around the person's cell whose box holds
``r`` other people (binary search on a summed-area table of cell populations), then a random
person of that ring (its two rows are contiguous runs of ``cell_order``; within its two columns
a binary search on the table finds the cell). Whether an attempt
becomes an encounter depends on the meeting place: the chance grows with the time people spend
in that cell's third places, co-working space and campuses (:func:`meeting_chance`), never as a
multiplier on output.

Remote ties (M12's hybrid collaboration and large events; M17's online communities and data
rules): with more than one region, a share ``remote_share`` of encounter attempts goes to another
region, drawn from row r of M12's ``remote_cdf`` (``common.row_draw``), the partner a random
living person there (:func:`region_pos`, O(1)); a draw of the person's own region (M17 gives it
the rest of a row) is an ordinary encounter by rank. They are stored with kind ``REMOTE``.

Non-geographic ties: co-workers are implicit while they share an employer (no storage; see
:func:`coworker`), and some are stored as ``FORMER_COWORKER`` when one leaves
(:func:`keep_coworkers`); co-founders are linked at founding (:func:`link_group`); classmates
and alumni through a group index (same university cohort); investors through
:func:`link` with ``INVESTOR``. A share ``closure_share`` of new ties are friends of friends
(triadic closure; Kossinets & Watts 2006).

References: Liben-Nowell, Novak, Kumar, Raghavan & Tomkins (2005), PNAS 102:11623; Pan, Ghoshal,
Krumme, Cebrian & Pentland (2013), Nature Communications 4:1961; Granovetter (1973), American
Journal of Sociology 78:1360; Burt (2000), Social Networks 22:1 (decay of ties); Kossinets &
Watts (2006), Science 311:88 (triadic closure).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from rainforest.mechanisms import portable_math as pm
from rainforest.scenario.schema import TiesParams

ENCOUNTER, FORMER_COWORKER, COFOUNDER, ALUMNI, INVESTOR, INTRODUCED, REMOTE = 0, 1, 2, 3, 4, 5, 6
KINDS = ("encounter", "former_coworker", "cofounder", "alumni", "investor", "introduced", "remote")
EMPTY = -1
Q = 32767  # strength quantum: 15 bits keep the record's int32 non-negative
MONTH_MASK = 4095  # ages are taken modulo 4096 months (341 years)
AGES = 4096  # length of the decay table

Ties = namedtuple("Ties", "slot deg")
Grid = namedtuple("Grid", "cell0 side sat0 sat")


def params_tuple(p: TiesParams) -> tuple:
    """The parameters the kernels read, as a flat tuple (Numba takes tuples of scalars)."""
    return (
        float(p.attempt_rate),
        float(p.closure_share),
        float(p.alumni_share),
        float(p.new_strength),
        float(p.alumni_strength),
        float(p.use_gain),
        float(p.drop_below),
        float(p.coworker_use_share),
        float(p.coworker_strength),
    )


def new_ties(n_rows: int, slots: int, fill: bool = True) -> Ties:
    """Empty tie table for ``n_rows`` people with ``slots`` slots each. ``fill=False`` leaves
    the rows zeroed by the system, untouched until :func:`clear_row` readies each one as its
    person arrives (a table sized for rows to come then costs no time)."""
    if not 1 <= slots <= 255:
        raise ValueError("slots must be in 1..255")
    slot = _aligned_zeros((n_rows, slots, 2), np.int32)
    if not fill:
        return Ties(slot=slot, deg=np.zeros(n_rows, np.uint8))
    if np.little_endian:  # partner -1 in the low half, meta 0 in the high: one pass
        slot.view(np.int64)[:] = 0xFFFFFFFF
    else:
        slot[:, :, 0] = EMPTY
    return Ties(slot=slot, deg=np.zeros(n_rows, np.uint8))


def _aligned_zeros(shape: tuple, dtype) -> np.ndarray:
    """Zeroed array (pages left to the system until touched) whose first element sits on a
    64-byte boundary, so that a tie row of 128 bytes takes two cache lines, not three."""
    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dt.itemsize
    raw = np.zeros(nbytes + 64, np.uint8)
    skip = -raw.ctypes.data % 64
    return raw[skip : skip + nbytes].view(dt).reshape(shape)


@njit(cache=True)
def clear_row(T, i):
    """Ready row ``i`` for a newcomer: no ties, every slot empty."""
    for s in range(T.slot.shape[1]):
        T.slot[i, s, 0] = EMPTY
        T.slot[i, s, 1] = 0
    T.deg[i] = 0


def decay_table(half_life_months: float) -> np.ndarray:
    """Share of strength left after ``a`` unused months, for ``a`` in ``0..AGES-1``."""
    return pm.exp(-pm.log(2.0) * np.arange(AGES) / half_life_months).astype(np.float32)


def nbytes(T: Ties) -> int:
    """Bytes held by a tie table."""
    return int(T.slot.nbytes + T.deg.nbytes)


def unpack(T: Ties, month: int, decay: np.ndarray) -> dict[str, np.ndarray]:
    """Used slots as flat arrays: owner, partner, stored and effective strength, age, kind."""
    n, k = T.deg.shape[0], T.slot.shape[1]
    used = np.arange(k)[None, :] < T.deg[:, None]
    owner = np.broadcast_to(np.arange(n)[:, None], (n, k))[used]
    partner = T.slot[:, :, 0][used]
    meta = T.slot[:, :, 1][used]
    strength = (meta >> 16).astype(np.float32) / Q
    age = (month - (meta & MONTH_MASK)) & MONTH_MASK
    return {
        "owner": owner.astype(np.int64),
        "partner": partner.astype(np.int64),
        "strength": strength,
        "effective": strength * decay[age],
        "age": age,
        "kind": ((meta >> 12) & 15).astype(np.uint8),
    }


@intrinsic
def prefetch(typingctx, arr, row):
    """Ask the CPU to start loading ``arr[row]`` into the cache (LLVM ``prefetch``; no effect
    on results): the kernels plan a few people ahead and prefetch their partners' rows."""
    if not isinstance(arr, types.Array) or not isinstance(row, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = context.cast(builder, args[1], signature.args[1], types.intp)
        zero = context.get_constant(types.intp, 0)
        ptr = cgutils.get_item_pointer(
            context, builder, aryty, ary, [idx] + [zero] * (aryty.ndim - 1)
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(arr, row), codegen


@njit(cache=True, inline="always")
def prefetch_row(flat, j, width):
    """Prefetch row ``j`` of a table kept flat with ``width`` words a row (a tie row is 128
    bytes, two or three cache lines): its first, middle and last word."""
    b = np.int64(j) * width
    prefetch(flat, b)
    prefetch(flat, b + width // 2)
    prefetch(flat, b + width - 1)


# --- a cheap generator for the hot loops -----------------------------------------------------

_GOLD = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True)
def new_stream():
    """A SplitMix64 state (one uint64 in an array) seeded from Numba's generator, so that it
    follows the engine's monthly seed (and :func:`seed` in tests). The living network's
    kernels draw from it: a draw is a few integer operations inlined in the loop, against a
    call into Numba's Mersenne Twister for ``np.random.random()`` (Steele, Lea & Flood 2014,
    OOPSLA: SplitMix64 passes BigCrush)."""
    rs = np.empty(1, np.uint64)
    rs[0] = (np.uint64(np.random.randint(0, 2**31)) << np.uint64(32)) ^ np.uint64(
        np.random.randint(0, 2**31)
    )
    return rs


@njit(cache=True, inline="always")
def next_u64(rs):
    """The next 64 random bits of stream ``rs`` (SplitMix64)."""
    x = rs[0] + _GOLD
    rs[0] = x
    z = (x ^ (x >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def uniform_at(s0, j):
    """The ``j``-th uniform (``j`` ≥ 1) of a stream whose state was ``s0``: what ``j`` calls
    of :func:`uniform` return last, without the ``j - 1`` before it (SplitMix64's state
    advances by a constant, so any draw can be computed on its own, in any thread)."""
    x = s0 + j * _GOLD
    z = (x ^ (x >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return np.float64((z ^ (z >> _S31)) >> _S11) * _INV53


@njit(cache=True, inline="always")
def uniform(rs):
    """A uniform draw in [0, 1) from stream ``rs`` (53 bits)."""
    return np.float64(next_u64(rs) >> _S11) * _INV53


@njit(cache=True, inline="always")
def below(rs, n):
    """A uniform integer in ``0..n-1`` (``n`` ≥ 1) from stream ``rs``."""
    return min(np.int64(uniform(rs) * n), n - 1)


# --- one slot --------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def pack(strength, kind, month):
    """Meta word of a slot: quantised strength, kind and month of last use."""
    q = int(strength * Q + 0.5)
    q = min(max(q, 0), Q)
    return np.int32((q << 16) | ((kind & 15) << 12) | (month & MONTH_MASK))


_PER_Q = 1.0 / Q  # a product, not a division, in the scans of a row


@njit(cache=True, inline="always")
def effective(meta, month, decay):
    """Strength of a slot now: stored strength times the decay of its age."""
    return ((meta >> 16) * _PER_Q) * decay[(month - (meta & MONTH_MASK)) & MONTH_MASK]


@njit(cache=True, inline="always")
def kind_of(meta):
    """Tie kind of a slot's meta word."""
    return (meta >> 12) & 15


@njit(cache=True)
def find(T, i, j):
    """Slot of ``j`` in ``i``'s row, or -1."""
    slot = T.slot  # no row view: a view costs a reference count
    for s in range(np.int64(T.deg[i])):
        if slot[i, s, 0] == j:
            return s
    return -1


@njit(cache=True)
def _remove_slot(T, i, s):
    """Drop slot ``s`` of ``i`` (the last used slot moves into it); one side only."""
    last = np.int64(T.deg[i]) - 1
    T.slot[i, s, 0] = T.slot[i, last, 0]
    T.slot[i, s, 1] = T.slot[i, last, 1]
    T.slot[i, last, 0] = EMPTY
    T.slot[i, last, 1] = 0
    T.deg[i] = last


@njit(cache=True)
def unlink(T, i, j):
    """Remove the tie between ``i`` and ``j`` from both rows (no-op if absent)."""
    s = find(T, i, j)
    if s >= 0:
        _remove_slot(T, i, s)
    s = find(T, j, i)
    if s >= 0:
        _remove_slot(T, j, s)


@njit(cache=True)
def _room(T, i, month, decay, s_new):
    """Slot where ``i`` can take a new tie of strength ``s_new``: a free one, else the weakest
    if weaker than the newcomer (-1 if none)."""
    d = np.int64(T.deg[i])
    if d < T.slot.shape[1]:
        return d
    w, ws = -1, s_new
    for s in range(d):
        e = effective(T.slot[i, s, 1], month, decay)
        if e < ws:
            w, ws = s, e
    return w


@njit(cache=True)
def link(T, i, j, kind, strength, month, decay, gain):
    """Tie ``i`` and ``j``: reinforce an existing tie (both rows) or create one, evicting
    each side's weakest tie if the rows are full and it is weaker than the new one.
    Returns 1 for a new tie, 2 for a reinforced one, 0 if nothing was written."""
    if i == j or i < 0 or j < 0:
        return 0
    si = find(T, i, j)
    if si >= 0:
        e = effective(T.slot[i, si, 1], month, decay)
        m = pack(e + gain * (1.0 - e), kind_of(T.slot[i, si, 1]), month)
        T.slot[i, si, 1] = m
        sj = find(T, j, i)
        if sj >= 0:
            T.slot[j, sj, 1] = m
        return 2
    ri = np.int64(_room(T, i, month, decay, strength))
    if ri < 0:
        return 0
    rj = np.int64(_room(T, j, month, decay, strength))
    if rj < 0:
        return 0
    m = pack(strength, kind, month)
    _put(T, i, ri, j, m)
    _put(T, j, rj, i, m)
    return 1


@njit(cache=True, inline="always")
def _put(T, a, r, b, m):
    """Write partner ``b`` with meta ``m`` into slot ``r`` of ``a``: a free slot extends the
    row; a used one is an eviction, whose reverse copy leaves the old partner's row."""
    if r < np.int64(T.deg[a]):
        old = T.slot[a, r, 0]
        so = find(T, old, a)
        if so >= 0:
            _remove_slot(T, old, so)
    else:
        T.deg[a] = r + 1
    T.slot[a, r, 0] = b
    T.slot[a, r, 1] = m


@njit(cache=True)
def use(T, i, s, month, decay, gain):
    """Use ``i``'s tie in slot ``s``: refresh its strength (both rows); returns the partner."""
    j = T.slot[i, s, 0]
    e = effective(T.slot[i, s, 1], month, decay)
    m = pack(e + gain * (1.0 - e), kind_of(T.slot[i, s, 1]), month)
    T.slot[i, s, 1] = m
    sj = find(T, j, i)
    if sj >= 0:
        T.slot[j, sj, 1] = m
    return j


@njit(cache=True)
def forget(T, i):
    """Remove all of ``i``'s ties from both sides (call when ``i`` leaves the model, so that
    nobody draws a departed partner)."""
    for s in range(np.int64(T.deg[i])):  # the partners' rows, all in flight at once
        prefetch(T.slot, T.slot[i, s, 0])
    while T.deg[i] > 0:
        j = T.slot[i, 0, 0]
        _remove_slot(T, i, 0)
        sj = find(T, j, i)
        if sj >= 0:
            _remove_slot(T, j, sj)


@njit(cache=True)
def prune(T, i, month, decay, drop_below):
    """Forget ``i``'s ties weaker than ``drop_below`` (both rows); returns how many."""
    n = 0
    s = 0
    while s < np.int64(T.deg[i]):
        if effective(T.slot[i, s, 1], month, decay) < drop_below:
            j = T.slot[i, s, 0]
            _remove_slot(T, i, s)
            sj = find(T, j, i)
            if sj >= 0:
                _remove_slot(T, j, sj)
            n += 1
        else:
            s += 1
    return n


@njit(cache=True)
def pick_by_strength(T, i, month, decay):
    """A slot of ``i`` drawn with probability ∝ effective strength (-1 if the row is empty)."""
    return pick_by_strength_u(T, i, month, decay, np.random.random())


@njit(cache=True, inline="always")
def pick_by_strength_u(T, i, month, decay, u):
    """:func:`pick_by_strength` with its uniform draw ``u`` given."""
    d = np.int64(T.deg[i])
    if d == 0:
        return -1
    tot = 0.0
    for s in range(d):
        tot += effective(T.slot[i, s, 1], month, decay)
    u = u * tot
    for s in range(d):
        u -= effective(T.slot[i, s, 1], month, decay)
        if u <= 0.0:
            return s
    return d - 1


# --- where people are ------------------------------------------------------------------------


def grid(reg_cell0: np.ndarray, reg_ncell: np.ndarray) -> Grid:
    """Square grids of the regions (cell ``c0 + x * side + y``, as engine/build.py lays them)
    with room for a summed-area table of each."""
    side = np.sqrt(np.asarray(reg_ncell)).round().astype(np.int64)
    if not np.array_equal(side * side, reg_ncell):
        raise ValueError("regions must have square grids of cells")
    size = (side + 1) ** 2
    sat0 = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    return Grid(
        cell0=np.asarray(reg_cell0, np.int64),
        side=side,
        sat0=sat0,
        sat=np.zeros(int(size.sum()), np.int64),
    )


@njit(cache=True)
def fill_sat(Gd, cell_start):
    """Summed-area tables of cell populations (from ``cell_start``), one per region."""
    for r in range(Gd.side.shape[0]):
        g, c0, o = Gd.side[r], Gd.cell0[r], Gd.sat0[r]
        w = g + 1
        for x in range(w):
            Gd.sat[o + x * w] = 0
        for y in range(w):
            Gd.sat[o + y] = 0
        for x in range(g):
            run = 0
            for y in range(g):
                c = c0 + x * g + y
                run += cell_start[c + 1] - cell_start[c]
                Gd.sat[o + (x + 1) * w + y + 1] = Gd.sat[o + x * w + y + 1] + run


@njit(cache=True, inline="always")
def _box(sat, o, w, x0, x1, y0, y1):
    """People in cells x0..x1 × y0..y1 (inclusive) of a region's summed-area table."""
    return (
        sat[o + (x1 + 1) * w + y1 + 1]
        - sat[o + x0 * w + y1 + 1]
        - sat[o + (x1 + 1) * w + y0]
        + sat[o + x0 * w + y0]
    )


@njit(cache=True)
def rank_pos(r, cell, Gd, cell_start):
    """Where in ``cell_order`` the partner of a person in cell ``cell`` of region ``r`` drawn
    with P ∝ 1 / rank sits (-1: nobody). Reading ``cell_order`` at that position is left to the
    caller, so that a pipelined kernel can prefetch it; the draw may land on the person
    themself when it falls in their own cell (:func:`by_rank` checks)."""
    return rank_pos_u(r, cell, Gd, cell_start, np.random.random(), np.random.random())


@njit(cache=True)
def rank_pos_u(r, cell, Gd, cell_start, u, v):
    """:func:`rank_pos` with its two uniform draws given: ``u`` sets the rank, ``v`` the
    person within the ring."""
    g, c0, o = Gd.side[r], Gd.cell0[r], Gd.sat0[r]
    w = g + 1
    total = Gd.sat[o + g * w + g]
    if total < 2:
        return -1
    rank = int(np.exp(u * np.log(total - 1.0)))  # 1 .. total-1
    if rank < 1:
        rank = 1
    loc = cell - c0
    xc, yc = loc // g, loc % g
    lo, hi = 0, max(max(xc, g - 1 - xc), max(yc, g - 1 - yc))
    while lo < hi:  # smallest ring whose box holds `rank` people besides i
        mid = (lo + hi) // 2
        b = _box(
            Gd.sat, o, w, max(xc - mid, 0), min(xc + mid, g - 1), max(yc - mid, 0),
            min(yc + mid, g - 1),
        )  # fmt: skip
        if b - 1 >= rank:
            hi = mid
        else:
            lo = mid + 1
    rho = lo
    x0, x1 = max(xc - rho, 0), min(xc + rho, g - 1)
    y0, y1 = max(yc - rho, 0), min(yc + rho, g - 1)
    pop = _box(Gd.sat, o, w, x0, x1, y0, y1)
    if rho > 0:
        pop -= _box(
            Gd.sat, o, w, max(xc - rho + 1, 0), min(xc + rho - 1, g - 1), max(yc - rho + 1, 0),
            min(yc + rho - 1, g - 1),
        )  # fmt: skip
    if pop <= 0:
        return -1
    t = min(np.int64(v * pop), pop - 1)
    if rho == 0:
        return cell_start[cell] + t
    # the ring is two rows (contiguous runs of cell_order) and two columns (binary search)
    for x in (xc - rho, xc + rho):
        if 0 <= x < g:
            a, b = cell_start[c0 + x * g + y0], cell_start[c0 + x * g + y1 + 1]
            if t < b - a:
                return a + t
            t -= b - a
    xa, xb = max(xc - rho + 1, 0), min(xc + rho - 1, g - 1)
    if xa > xb:
        return -1
    for y in (yc - rho, yc + rho):
        if 0 <= y < g:
            col = _box(Gd.sat, o, w, xa, xb, y, y)
            if t < col:
                lo, hi = xa, xb
                while lo < hi:  # first row whose running column total passes t
                    mid = (lo + hi) // 2
                    if _box(Gd.sat, o, w, xa, mid, y, y) > t:
                        hi = mid
                    else:
                        lo = mid + 1
                if lo > xa:
                    t -= _box(Gd.sat, o, w, xa, lo - 1, y, y)
                return cell_start[c0 + lo * g + y] + t
            t -= col
    return -1


@njit(cache=True)
def by_rank(i, r, cell, Gd, cell_order, cell_start):
    """A partner for ``i`` (in cell ``cell`` of region ``r``) drawn with P ∝ 1 / rank.
    Returns -1 when the region has nobody else or the draw lands on ``i`` itself."""
    x = rank_pos(r, cell, Gd, cell_start)
    if x < 0:
        return -1
    j = cell_order[x]
    return -1 if j == i else j


@njit(cache=True, inline="always")
def region_pos(q, Gd, cell_start, u):
    """Where in ``cell_order`` a random living person of region ``q`` sits (-1: nobody): the
    region's cells are contiguous, so its people are one run of the cell index (O(1))."""
    c0 = Gd.cell0[q]
    lo, hi = cell_start[c0], cell_start[c0 + Gd.side[q] * Gd.side[q]]
    if hi <= lo:
        return -1
    return lo + min(np.int64(u * (hi - lo)), hi - lo - 1)


def meeting_chance(
    third_places: np.ndarray,
    coworking_share: np.ndarray,
    campus_share: np.ndarray,
    p: TiesParams,
) -> np.ndarray:
    """Chance, per cell, that an attempt to meet becomes an encounter there.

    ``1 - (1 - encounter_base) · exp(-(a · third places + b · co-working share + c · campus
    share))``: the more time people spend in a cell's meeting places, the likelier an encounter;
    it saturates at 1 and never multiplies output.
    """
    h = (
        p.third_place_effect * np.asarray(third_places, np.float64)
        + p.coworking_effect * np.asarray(coworking_share, np.float64)
        + p.campus_effect * np.asarray(campus_share, np.float64)
    )
    return (1.0 - (1.0 - p.encounter_base) * pm.exp(-h)).astype(np.float32)


@njit(cache=True)
def index_groups(group, n_groups, order, start):
    """Counting sort of rows by ``group`` (e.g. employer or university cohort; -1 = none):
    members of ``g`` are ``order[start[g]:start[g+1]]``."""
    start[:] = 0
    for i in range(group.shape[0]):
        if group[i] >= 0:
            start[group[i] + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    for i in range(group.shape[0]):
        g = group[i]
        if g >= 0:
            order[fill[g]] = i
            fill[g] += 1


@njit(cache=True, inline="always")
def member_pos(g, start):
    """Where in the group index a random member of group ``g`` sits (-1 if ``g`` < 0 or the
    group has fewer than two members)."""
    if g < 0:
        return -1
    a, b = start[g], start[g + 1]
    if b - a < 2:
        return -1
    return a + np.random.randint(b - a)


@njit(cache=True, inline="always")
def member_pos_u(g, start, u):
    """:func:`member_pos` with its uniform draw ``u`` given."""
    if g < 0:
        return -1
    a, b = start[g], start[g + 1]
    if b - a < 2:
        return -1
    return a + min(np.int64(u * (b - a)), b - a - 1)


@njit(cache=True, inline="always")
def member(i, g, order, start):
    """A random other member of group ``g`` (-1 if ``i`` is alone or ``g`` < 0)."""
    x = member_pos(g, start)
    if x < 0:
        return -1
    j = order[x]
    return -1 if j == i else j


@njit(cache=True, inline="always")
def coworker(i, employer, emp_order, emp_start):
    """A random co-worker of ``i`` (implicit tie: same employer), or -1."""
    return member(i, employer[i], emp_order, emp_start)


@njit(cache=True)
def keep_coworkers(T, i, employer, emp_order, emp_start, n_keep, strength, month, decay, gain):
    """Store up to ``n_keep`` of ``i``'s co-worker ties as ``FORMER_COWORKER`` (call before
    ``i`` leaves ``employer``); returns how many were written."""
    k = 0
    for _ in range(n_keep):
        j = coworker(i, employer, emp_order, emp_start)
        if j >= 0:
            k += link(T, i, j, FORMER_COWORKER, strength, month, decay, gain) > 0
    return k


@njit(cache=True)
def link_group(T, members, kind, strength, month, decay, gain):
    """Tie every pair of ``members`` (co-founders of one firm, an investor's founders)."""
    n = 0
    for a in range(members.shape[0]):
        for b in range(a + 1, members.shape[0]):
            n += link(T, members[a], members[b], kind, strength, month, decay, gain) > 0
    return n


@njit(cache=True, inline="always")
def attempt(T, i, month, cell, region, cell_meet, Gd, cell_order, cell_start,
            group, grp_order, grp_start, decay, tp, out):  # fmt: skip
    """One tie attempt of ``i``: closure, alumni or a geographic encounter by rank.
    ``out`` counts [attempts, new, reinforced, closure, alumni, geographic]. No remote ties:
    this unpipelined attempt is the one-region reference (tests, ``bench_ties.py --serial``);
    the engine's month (``living_network.network_month``) also draws remote ones."""
    closure_share, alumni_share, s_new, s_alumni, gain = tp[1], tp[2], tp[3], tp[4], tp[5]
    out[0] += 1
    u = np.random.random()
    if u < closure_share:
        if T.deg[i] > 0:
            j = T.slot[i, np.random.randint(np.int64(T.deg[i])), 0]
            if T.deg[j] > 0:
                k = T.slot[j, np.random.randint(np.int64(T.deg[j])), 0]
                if k != i:
                    res = link(T, i, k, INTRODUCED, s_new, month, decay, gain)
                    if res > 0:
                        out[res] += 1
                        out[3] += 1
            return
        # nobody to introduce: meet someone instead
    elif u < closure_share + alumni_share:
        j = member(i, group[i], grp_order, grp_start)
        if j >= 0:
            res = link(T, i, j, ALUMNI, s_alumni, month, decay, gain)
            if res > 0:
                out[res] += 1
                out[4] += 1
        return
    c = cell[i]
    j = by_rank(i, region[i], c, Gd, cell_order, cell_start)
    if j < 0:
        return
    if np.random.random() < cell_meet[c]:  # where the acting person spends time
        res = link(T, i, j, ENCOUNTER, s_new, month, decay, gain)
        if res > 0:
            out[res] += 1
            out[5] += 1


@njit(cache=True)
def ties_month(T, month, n, cell, region, alive, cell_meet, Gd, cell_order, cell_start,
               group, grp_order, grp_start, decay, tp, out):  # fmt: skip
    """Tie attempts of one month without knowledge: acting people (probability
    ``attempt_rate``) drawn by geometric skips, so in row order; each prunes its row and makes
    one attempt. ``Gd.sat`` must be filled (:func:`fill_sat`) for this month's ``cell_start``."""
    q = tp[0]
    if q <= 0.0:
        return
    lq = np.log(1.0 - q) if q < 1.0 else -np.inf
    i = -1
    while True:
        i += 1 + (int(np.log(1.0 - np.random.random()) / lq) if q < 1.0 else 0)
        if i >= n:
            break
        if not alive[i]:
            continue
        prune(T, i, month, decay, tp[6])
        attempt(T, i, month, cell, region, cell_meet, Gd, cell_order, cell_start,
                group, grp_order, grp_start, decay, tp, out)  # fmt: skip


@njit(cache=True)
def seed(s):
    """Seed Numba's generator (each compiled module shares it within a process)."""
    np.random.seed(s)
