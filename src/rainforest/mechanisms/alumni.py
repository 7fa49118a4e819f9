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


def window_keys(uni: np.ndarray, cohort: np.ndarray, years: int) -> np.ndarray:
    """A key per person of university ``uni`` (>= 0) graduated in year ``cohort``: the
    university and the window of ``years`` graduation years it falls in."""
    window = np.floor_divide(cohort.astype(np.int64), int(years)) + _WINDOW_OFFSET
    return (uni.astype(np.int64) << 17) | window


def update(st: dict, P, n: int, alive: np.ndarray, years: int, share: float) -> None:
    """Bring the alumni groups of the network state ``st`` up to the People table ``P`` (rows
    ``0..n-1``): new rows since the last call join their group (``st["group"]``, ids dense
    and stable), and the index of living members (``st["grp_order"]``, ``st["grp_start"]``)
    is rebuilt. ``alive``: rows not gone. With ``share`` (``alumni_share``) 0 the index is left
    empty: no attempt reads it."""
    al = st.setdefault(
        "alumni",
        {"n": 0, "m": 0, "rows": np.zeros(0, np.int32), "grp": np.zeros(0, np.int32), "ids": {}},
    )
    lo, m = al["n"], al["m"]
    if n > lo:
        uni = P.uni[lo:n]
        new = np.flatnonzero(uni >= 0)
        if new.size:
            keys = window_keys(uni[new], P.cohort[lo:n][new], years)
            uniq, inv = np.unique(keys, return_inverse=True)
            ids = al["ids"]
            for key in uniq.tolist():  # few: one per (university, window) seen for the first time
                ids.setdefault(key, len(ids))
            gid = np.array([ids[key] for key in uniq.tolist()], np.int32)[inv]
            rows = (lo + new).astype(np.int32)
            if al["rows"].shape[0] < m + rows.size:  # room for a while (no copy a month)
                cap = max(2 * al["rows"].shape[0], m + rows.size, 1024)
                for key in ("rows", "grp"):
                    grown = np.zeros(cap, np.int32)
                    grown[:m] = al[key][:m]
                    al[key] = grown
            al["rows"][m : m + rows.size] = rows
            al["grp"][m : m + rows.size] = gid
            st["group"][rows] = gid
            al["m"] = m = m + rows.size
        al["n"] = n
    group = st["group"]
    if al.get("array") is not group:  # a fresh array (the network's tables grew)
        group[al["rows"][:m]] = al["grp"][:m]
        al["array"] = group
    n_groups = len(al["ids"])
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
