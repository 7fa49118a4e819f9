"""Alumni cohorts: classmates and alumni as an implicit group of the living network (issue 14).

Why: MODEL.md §1 lists classmates and alumni (same university cohort) among the non-geographic
ties, and the tie attempt already has an alumni channel (``ties.attempt``'s ``group``,
``alumni_share``); it needs a group per person. The People table records where a graduate
studied (``uni``: the university's organisation id, -1 none) and when (``cohort``: the year of
graduation, months // 12 from the run's start). A group is a university × a window of
``alumni_cohort_years`` graduation years, so a person meets classmates and near-classmates,
not every graduate since the university opened.

Like co-workers, alumni ties are implicit until used (MODEL.md §8: implicit ties need no
storage): the group index lists the living members of each group, and an alumni attempt draws a
random other member and stores the tie (kind ``ALUMNI``). Group ids are dense and stable: a
new (university, window) pair gets the next id when its first member arrives, so nothing is
renumbered when graduates come. The index is rebuilt each month from the compact list of
living alumni rows (O(living alumni), not O(people); the departed leave the list as the index
passes them), and not at all when ``alumni_share`` is 0. Migrants
keep their row and so their university (M11 changes a row's region in place).

References: Marmaros & Sacerdote (2006), Quarterly Journal of Economics 121:79 (friendships
form far more among classmates of the same cohort); Liben-Nowell et al. (2005) (about a third
of ties are not geographic).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_WINDOW_OFFSET = 1 << 15  # cohort windows of int16 years shifted to be non-negative


@njit(cache=True)
def index_living(rows, grp, m, alive, n_groups, order, start):
    """Counting sort of the living rows among ``rows[:m]`` by their group ``grp[:m]``: living
    members of ``g`` are ``order[start[g]:start[g+1]]`` (in row order). The departed are
    dropped from ``rows`` and ``grp`` as they are passed (nobody comes back), so the list
    stays as long as the living graduates, not as all graduates ever; returns its new length.
    """
    start[:] = 0
    k = 0
    for t in range(m):
        i = rows[t]
        if alive[i]:
            g = grp[t]
            rows[k] = i
            grp[k] = g
            k += 1
            start[g + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    for t in range(k):
        g = grp[t]
        order[fill[g]] = rows[t]
        fill[g] += 1
    return k


@njit(cache=True, inline="always")
def window_key(uni, cohort, years):
    """The key of a person of university ``uni`` (>= 0) graduated in year ``cohort``: the
    university and the window of ``years`` graduation years it falls in."""
    return (np.int64(uni) << 17) | (np.int64(cohort) // years + _WINDOW_OFFSET)


@njit(cache=True)
def _window_keys(uni, cohort, years, out):
    for t in range(out.shape[0]):
        out[t] = window_key(uni[t], cohort[t], years)
    return out


def window_keys(uni: np.ndarray, cohort: np.ndarray, years: int) -> np.ndarray:
    """:func:`window_key` of each person."""
    uni, cohort = np.asarray(uni), np.asarray(cohort)
    return _window_keys(uni, cohort, int(years), np.empty(uni.shape[0], np.int64))


@njit(cache=True)
def join_groups(uni, cohort, lo, n, years, keys, ids, n_keys, rows, gid):
    """Rows ``lo..n-1`` with a university join their group: writes the graduates' rows and
    group ids into ``rows`` and ``gid`` and returns how many, and how many keys are known.
    ``keys[:n_keys]`` are the (university, window) keys seen so far, sorted, ``ids`` their
    group ids (dense, in order of first sight; a month's new keys in key order). The caller
    gives room for ``n - lo`` more keys."""
    m = 0
    for i in range(lo, n):
        if uni[i] >= 0:
            rows[m] = i
            gid[m] = window_key(uni[i], cohort[i], years)
            m += 1
    fresh = np.unique(gid[:m])  # sorted; those not known get the next ids in this order
    n_ids = n_keys
    for key in fresh:
        at = np.searchsorted(keys[:n_keys], key)
        if at < n_keys and keys[at] == key:
            continue
        for t in range(n_keys, at, -1):  # insert, keeping the keys sorted
            keys[t] = keys[t - 1]
            ids[t] = ids[t - 1]
        keys[at] = key
        ids[at] = n_ids
        n_ids += 1
        n_keys += 1
    for t in range(m):
        gid[t] = ids[np.searchsorted(keys[:n_keys], gid[t])]
    return m, n_keys


def update(st: dict, P, n: int, alive: np.ndarray, years: int, share: float) -> None:
    """Bring the alumni groups of the network state ``st`` up to the People table ``P`` (rows
    ``0..n-1``): new rows since the last call join their group (``st["group"]``, ids dense
    and stable: :func:`join_groups`), and the index of living members (``st["grp_order"]``,
    ``st["grp_start"]``) is rebuilt. ``alive``: rows not gone. With ``share``
    (``alumni_share``) 0 the index is left empty: no attempt reads it."""
    al = st.get("alumni")
    if al is None:
        al = st["alumni"] = {"n": 0, "m": 0, "rows": np.zeros(0, np.int32),
                             "grp": np.zeros(0, np.int32), "keys": np.zeros(0, np.int64),
                             "ids": np.zeros(0, np.int64), "n_keys": 0}  # fmt: skip
    lo, m = al["n"], al["m"]
    if n > lo:
        k = al["n_keys"]
        if al["keys"].shape[0] < k + n - lo:  # room for every new row's key
            cap = max(2 * al["keys"].shape[0], k + n - lo, 64)
            for key in ("keys", "ids"):
                grown = np.zeros(cap, np.int64)
                grown[:k] = al[key][:k]
                al[key] = grown
        if al["rows"].shape[0] < m + n - lo:  # room for a while (no copy a month)
            cap = max(2 * al["rows"].shape[0], m + n - lo, 1024)
            for key in ("rows", "grp"):
                grown = np.zeros(cap, np.int32)
                grown[:m] = al[key][:m]
                al[key] = grown
        rows, gid = al.get("new_rows"), al.get("new_gid")
        if rows is None or rows.shape[0] < n - lo:
            size = max(n - lo, 2 * (0 if rows is None else rows.shape[0]))
            rows = al["new_rows"] = np.empty(size, np.int32)
            gid = al["new_gid"] = np.empty(size, np.int64)
        c, al["n_keys"] = join_groups(P.uni, P.cohort, lo, n, int(years), al["keys"],
                                      al["ids"], k, rows, gid)  # fmt: skip
        if c:
            al["rows"][m : m + c] = rows[:c]
            al["grp"][m : m + c] = gid[:c]
            st["group"][rows[:c]] = gid[:c]
            al["m"] = m = m + c
        al["n"] = n
    group = st["group"]
    if al.get("array") is not group:  # a fresh array (the network's tables grew)
        group[al["rows"][:m]] = al["grp"][:m]
        al["array"] = group
    n_groups = al["n_keys"]
    if share <= 0.0 or n_groups == 0:
        return
    order = st["grp_order"]
    if order.shape[0] < m:
        order = np.zeros(al["rows"].shape[0], np.int32)
    start = st["grp_start"]
    if start.shape[0] != n_groups + 1:
        start = np.zeros(n_groups + 1, np.int64)
    al["m"] = index_living(al["rows"], al["grp"], m, alive, n_groups, order, start)
    st["grp_order"], st["grp_start"] = order, start


def same_group(st: dict, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether rows ``a`` and ``b`` are in the same alumni group (both graduates)."""
    g = st["group"]
    return (g[a] >= 0) & (g[a] == g[b])
