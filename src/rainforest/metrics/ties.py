"""Measures of the living network, taken straight from the tie arrays.

The tie table (:mod:`rainforest.mechanisms.ties`) can hold tens of millions of ties, so these
measures work on flat edge arrays with compiled kernels instead of building a graph object:

* :func:`edges`: the undirected edges (each once, ``a < b``), optionally only ties whose
  effective strength is at least ``min_strength``;
* :func:`degree_distribution`: people by number of ties;
* :func:`clustering`: mean local clustering coefficient and transitivity (share of closed
  triples) over a seeded sample of people (Watts & Strogatz 1998; Newman 2003);
* :func:`path_length`: mean shortest-path length by breadth-first search from a seeded sample
  of sources, with the share of people each source reaches;
* :func:`share_within_km`: share of ties whose partners live within a distance (cell centres),
  the measure of how local the network is (Liben-Nowell et al. 2005 find most friendship
  probability at short ranks).

References: Watts & Strogatz (1998), Nature 393:440; Newman (2003), SIAM Review 45:167;
Liben-Nowell et al. (2005), PNAS 102:11623.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def edges(
    slot: np.ndarray,
    deg: np.ndarray,
    month: int | None = None,
    decay: np.ndarray | None = None,
    min_strength: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Undirected edges ``(a, b)`` with ``a < b``, each once, from a tie table ``(slot, deg)``.

    With ``month`` and ``decay`` given, ties whose effective strength is below
    ``min_strength`` are left out (decay is lazy, so stored ties may already be dead)."""
    n, k = deg.shape[0], slot.shape[1]
    used = np.arange(k)[None, :] < deg[:, None]
    owner = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None], (n, k))[used]
    partner = slot[:, :, 0][used].astype(np.int64)
    if month is not None and decay is not None and min_strength > 0.0:
        meta = slot[:, :, 1][used]
        s = (meta >> 16).astype(np.float32) / 32767.0 * decay[(month - (meta & 4095)) & 4095]
        keep = s >= min_strength
        owner, partner = owner[keep], partner[keep]
    return _unique_pairs(owner, partner, n)


def _unique_pairs(owner: np.ndarray, partner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each undirected pair once, sorted by ``(a, b)``: what ``np.unique`` of the pairs' keys
    gives. A tie table holds every tie in both rows, so the pairs with ``owner < partner``
    are all of them, once each: sorting that half (and checking it against the other half)
    is several times faster than hashing every slot; a table that is not symmetric falls
    back to ``np.unique``."""
    n64 = np.int64(n)
    low = owner < partner
    key = np.sort(owner[low] * n64 + partner[low])
    high = owner > partner
    other = np.sort(partner[high] * n64 + owner[high])
    if not (np.array_equal(key, other) and (key.size < 2 or bool((np.diff(key) > 0).all()))):
        a, b = np.minimum(owner, partner), np.maximum(owner, partner)
        key = np.unique(a * n64 + b)
    return key // n64, key % n64


def degrees(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Number of ties of each of ``n`` people."""
    return np.bincount(a, minlength=n) + np.bincount(b, minlength=n)


def degree_distribution(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """People by degree: element ``d`` is how many people have ``d`` ties."""
    return np.bincount(degrees(a, b, n))


def csr(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Adjacency in compressed rows (both directions, neighbours sorted)."""
    src = np.concatenate([a, b]).astype(np.int64)
    dst = np.concatenate([b, a]).astype(np.int64)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    key = np.sort(src * np.int64(max(n, 1)) + dst)  # by (src, dst): one sort, not a lexsort
    return indptr, key % np.int64(max(n, 1))


@njit(cache=True)
def _triangles(indptr, indices, nodes, mark):
    """Closed and open triples centred on each sampled node."""
    tri = np.zeros(nodes.shape[0], np.int64)
    pairs = np.zeros(nodes.shape[0], np.int64)
    for t in range(nodes.shape[0]):
        v = nodes[t]
        a, b = indptr[v], indptr[v + 1]
        d = b - a
        pairs[t] = d * (d - 1) // 2
        if d < 2:
            continue
        for u in indices[a:b]:
            mark[u] = v + 1
        c = 0
        for u in indices[a:b]:
            for w in indices[indptr[u] : indptr[u + 1]]:
                if w > u and mark[w] == v + 1:
                    c += 1
        tri[t] = c
    return tri, pairs


def clustering(
    a: np.ndarray,
    b: np.ndarray,
    n: int,
    sample: int = 10_000,
    seed: int = 0,
    adj: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """Mean local clustering (over sampled people with at least two ties) and transitivity
    (closed over all triples centred on the sampled people). ``adj``: :func:`csr` of the
    edges when the caller has it."""
    indptr, indices = adj if adj is not None else csr(a, b, n)
    rng = np.random.default_rng(seed)
    nodes = np.arange(n) if n <= sample else rng.choice(n, size=sample, replace=False)
    tri, pairs = _triangles(indptr, indices, nodes.astype(np.int64), np.zeros(n, np.int64))
    ok = pairs > 0
    return {
        "clustering": float((tri[ok] / pairs[ok]).mean()) if ok.any() else 0.0,
        "transitivity": float(tri.sum() / pairs.sum()) if pairs.sum() else 0.0,
        "sampled": int(nodes.size),
    }


@njit(cache=True)
def _bfs(indptr, indices, sources, dist, queue):
    """Sum of distances and number of reached people from each source."""
    tot = np.zeros(sources.shape[0], np.float64)
    reached = np.zeros(sources.shape[0], np.int64)
    for t in range(sources.shape[0]):
        dist[:] = -1
        s = sources[t]
        dist[s] = 0
        head, tail = 0, 1
        queue[0] = s
        while head < tail:
            v = queue[head]
            head += 1
            for u in indices[indptr[v] : indptr[v + 1]]:
                if dist[u] < 0:
                    dist[u] = dist[v] + 1
                    tot[t] += dist[u]
                    queue[tail] = u
                    tail += 1
        reached[t] = tail - 1
    return tot, reached


def path_length(
    a: np.ndarray,
    b: np.ndarray,
    n: int,
    sources: int = 32,
    seed: int = 0,
    adj: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """Mean shortest-path length from a seeded sample of sources with ties (over the people
    each reaches) and the mean share of people a source reaches. ``adj``: :func:`csr` of the
    edges when the caller has it."""
    indptr, indices = adj if adj is not None else csr(a, b, n)
    has = np.flatnonzero(np.diff(indptr) > 0)
    if has.size == 0:
        return {"path_length": float("nan"), "reached_share": 0.0, "sources": 0}
    rng = np.random.default_rng(seed)
    src = rng.choice(has, size=min(sources, has.size), replace=False).astype(np.int64)
    tot, reached = _bfs(indptr, indices, src, np.empty(n, np.int64), np.empty(n, np.int64))
    ok = reached > 0
    return {
        "path_length": float(tot[ok].sum() / reached[ok].sum()) if ok.any() else float("nan"),
        "reached_share": float(reached.mean() / max(n - 1, 1)),
        "sources": int(src.size),
    }


def share_within_km(
    a: np.ndarray,
    b: np.ndarray,
    cell: np.ndarray,
    cell_x: np.ndarray,
    cell_y: np.ndarray,
    km: float = 1.0,
) -> float:
    """Share of ties whose partners' cell centres are at most ``km`` apart."""
    if a.size == 0:
        return float("nan")
    ca, cb = cell[a], cell[b]
    d = np.hypot(cell_x[ca] - cell_x[cb], cell_y[ca] - cell_y[cb])
    return float((d <= km).mean())


def summary(
    slot: np.ndarray,
    deg: np.ndarray,
    cell: np.ndarray,
    cell_x: np.ndarray,
    cell_y: np.ndarray,
    month: int | None = None,
    decay: np.ndarray | None = None,
    min_strength: float = 0.0,
    sample: int = 10_000,
    sources: int = 32,
    seed: int = 0,
    ties: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """The network measures together: ties per person, degree spread, clustering, path
    length and the share of ties within 1 km. ``ties``: ``edges(slot, deg)`` when the caller
    has them (used when ``min_strength`` is 0, where the filter keeps every tie)."""
    n = deg.shape[0]
    if ties is not None and min_strength <= 0.0:
        a, b = ties
    else:
        a, b = edges(slot, deg, month, decay, min_strength)
    dg = degrees(a, b, n)
    out = {
        "people": float(n),
        "ties": float(a.size),
        "mean_degree": float(dg.mean()) if n else 0.0,
        "degree_sd": float(dg.std()) if n else 0.0,
        "isolated_share": float((dg == 0).mean()) if n else 0.0,
        "within_1km_share": share_within_km(a, b, cell, cell_x, cell_y, 1.0),
    }
    adj = csr(a, b, n)  # one adjacency for both
    out.update(clustering(a, b, n, sample, seed, adj))
    out.update(path_length(a, b, n, sources, seed, adj))
    return out


def network_measures(
    state: dict,
    cell_x: np.ndarray,
    cell_y: np.ndarray,
    ties: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """The living network's measures at the end of a run, from
    :func:`rainforest.mechanisms.m13_network.network_state`: :func:`summary` (degrees over
    living people), the share of recombinant ideas that were novel combinations, the
    co-founder ties made and the shares of the run's new ties made in alumni groups and with
    people of another region.
    ``ties``: the stored ties ``edges(slot, deg)`` when the caller already has them (building
    them sorts every tie of the table)."""
    a, b = ties if ties is not None else edges(state["slot"], state["deg"])
    out = summary(
        state["slot"], state["deg"], state["cell"], cell_x, cell_y, state["month"],
        state["decay"], ties=(a, b),
    )  # fmt: skip
    dg = degrees(a, b, state["deg"].shape[0])[state["alive"]]
    out["people"] = float(dg.size)
    out["mean_degree"] = float(dg.mean()) if dg.size else 0.0
    out["degree_sd"] = float(dg.std()) if dg.size else 0.0
    out["isolated_share"] = float((dg == 0).mean()) if dg.size else 0.0
    ideas = state["ideas"]
    out["recombinant_ideas"] = float(ideas)
    out["novel_share"] = state["novel"] / ideas if ideas else float("nan")
    out["cofounder_ties"] = float(state["cofounder_ties"])
    made = state["counters"]  # the run's tie attempts, counted since the first month
    out["alumni_share"] = (
        made["alumni_ties"] / made["new_ties"] if made["new_ties"] else float("nan")
    )
    # ties made with people of another region (hybrid work, online communities, data rules)
    out["remote_share"] = (
        made["remote_ties"] / made["new_ties"] if made["new_ties"] else float("nan")
    )
    return out


def neighbourhood(
    a: np.ndarray, b: np.ndarray, n: int, max_nodes: int = 300
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A picture-sized piece of the network: up to ``max_nodes`` people reached breadth-first
    from the best-connected person (ties to lower rows first, so it is deterministic), and the
    ties among them as positions into that list. Returns ``(people, src, dst)``.

    Why breadth-first from a hub: a person's neighbourhood shows what the measures summarise
    (clusters of co-workers and neighbours, bridges through co-founders and investors), where
    a uniform sample of people of a large network shows scattered, unconnected dots."""
    if a.size == 0 or n == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    indptr, indices = csr(a, b, n)
    start = int(np.argmax(np.diff(indptr)))
    seen = np.zeros(n, bool)
    seen[start] = True
    order = [start]
    head = 0
    while head < len(order) and len(order) < max_nodes:
        v = order[head]
        head += 1
        nbrs = indices[indptr[v] : indptr[v + 1]]
        new = nbrs[~seen[nbrs]][: max_nodes - len(order)]
        seen[new] = True
        order.extend(int(x) for x in new)
    people = np.asarray(order, np.int64)
    pos = np.full(n, -1, np.int64)
    pos[people] = np.arange(people.size)
    inside = (pos[a] >= 0) & (pos[b] >= 0)
    return people, pos[a[inside]], pos[b[inside]]
