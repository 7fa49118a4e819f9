"""Network measures on tie arrays (metrics/ties.py), checked on graphs with known answers."""

from __future__ import annotations

import numpy as np

from rainforest.mechanisms import living_network as ln
from rainforest.mechanisms import ties as tk
from rainforest.metrics import ties as mt


def table(n, pairs, slots=4):
    T = tk.new_ties(n, slots)
    decay = tk.decay_table(24.0)
    for a, b in pairs:
        tk.link(T, a, b, tk.ENCOUNTER, 0.5, 0, decay, 0.2)
    return T, decay


def test_edges_degrees_and_distribution():
    T, _ = table(5, [(0, 1), (1, 2), (2, 0), (3, 4)])
    a, b = mt.edges(T.slot, T.deg)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2), (3, 4)]
    assert mt.degrees(a, b, 5).tolist() == [2, 2, 2, 1, 1]
    assert mt.degree_distribution(a, b, 5).tolist() == [0, 2, 3]


def test_decayed_ties_can_be_left_out():
    T, decay = table(3, [(0, 1)])
    tk.link(T, 1, 2, tk.ENCOUNTER, 0.5, 60, decay, 0.2)
    a, _ = mt.edges(T.slot, T.deg, month=60, decay=decay, min_strength=0.2)
    assert a.size == 1


def test_clustering_of_a_triangle_with_a_tail():
    T, _ = table(4, [(0, 1), (1, 2), (2, 0), (2, 3)])
    a, b = mt.edges(T.slot, T.deg)
    c = mt.clustering(a, b, 4)
    assert np.isclose(c["clustering"], (1 + 1 + 1 / 3) / 3)
    assert np.isclose(c["transitivity"], 3 / 5)


def test_path_length_of_a_line():
    n = 6
    T, _ = table(n, [(i, i + 1) for i in range(n - 1)])
    a, b = mt.edges(T.slot, T.deg)
    pl = mt.path_length(a, b, n, sources=n)
    # mean distance over ordered pairs of a path of 6: 2 * sum_{d}(n-d) d / (n (n-1))
    expect = 2 * sum((n - d) * d for d in range(1, n)) / (n * (n - 1))
    assert np.isclose(pl["path_length"], expect) and np.isclose(pl["reached_share"], 1.0)


def test_share_within_km_and_summary_of_a_simulated_network():
    cell = np.array([0, 0, 1, 2])
    x, y = np.array([0.0, 0.5, 3.0]), np.zeros(3)
    a, b = np.array([0, 0, 1]), np.array([1, 2, 3])
    assert np.isclose(mt.share_within_km(a, b, cell, x, y, 1.0), 2 / 3)
    tk.seed(1)
    net = ln.toy(np.full(64, 20), seed=1)
    for m in range(1, 13):
        net.month(m)
    s = mt.summary(net.T.slot, net.T.deg, net.cell, net.cell_x, net.cell_y, 12, net.decay)
    assert s["ties"] > 0 and 0 < s["clustering"] < 1 and s["path_length"] > 1
    assert np.isclose(s["mean_degree"], 2 * s["ties"] / s["people"])


def test_edges_and_adjacency_are_those_of_unique_pairs():
    """The fast paths (half of a symmetric table sorted; one sort for the adjacency) give
    what ``np.unique`` of every slot and a lexsort give, and a table that is not symmetric
    falls back to ``np.unique``."""
    tk.seed(3)
    net = ln.toy(np.full(64, 30), seed=3)
    for m in range(1, 13):
        net.month(m)
    slot, deg = net.T.slot, net.T.deg
    n, k = deg.shape[0], slot.shape[1]
    used = np.arange(k)[None, :] < deg[:, None]
    owner = np.broadcast_to(np.arange(n)[:, None], (n, k))[used].astype(np.int64)
    partner = slot[:, :, 0][used].astype(np.int64)
    key = np.unique(np.minimum(owner, partner) * n + np.maximum(owner, partner))
    a, b = mt.edges(slot, deg)
    assert a.size > 1000 and np.array_equal(a, key // n) and np.array_equal(b, key % n)
    indptr, indices = mt.csr(a, b, n)
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    order = np.lexsort((dst, src))
    assert np.array_equal(indices, dst[order])
    assert np.array_equal(indptr[1:], np.cumsum(np.bincount(src, minlength=n)))
    # one-sided and repeated pairs: each pair once all the same
    a, b = mt._unique_pairs(np.array([0, 1, 2, 3, 3]), np.array([1, 0, 3, 1, 1]), 4)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1), (1, 3), (2, 3)]
