"""Knowledge vectors (mechanisms/knowledge_vec.py): learning on the job toward the employer,
faster in better firms and slower with tenure, learning through ties, org bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import living_network as ln
from rainforest.mechanisms import ties as tk


def firm(n: int, quality: float, seed: int, p: kv.KnowledgeParams | None = None):
    """``n`` people all employed by organisation 0 of the given quality."""
    p = p or kv.KnowledgeParams(enabled=True)
    K = kv.new_knowledge(n, np.random.default_rng(seed), p, np.zeros(n, np.int32))
    O = kv.org_knowledge(K, 1, np.array([quality]), p)
    return K, O, kv.learning_integral(p)


def gap(K, O, i):
    return float(np.linalg.norm(K.k[i] - kv.org_means(O)[0]))


def test_rows_are_one_aligned_cache_line():
    K, _, _ = firm(10, 0.0, 0)
    assert K.k.ctypes.data % 64 == 0
    assert K.k.strides[0] == 64 and K.meta.ctypes.data == K.k.ctypes.data + 4 * kv.D


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_learning_moves_people_toward_their_employer(seed):
    K, O, C = firm(200, 0.0, seed)
    before = [gap(K, O, i) for i in range(200)]
    for i in range(200):
        kv.catch_up(K, O, i, 24, C)
    after = [gap(K, O, i) for i in range(200)]
    assert np.mean(after) < 0.6 * np.mean(before)
    assert all(a <= b + 1e-5 for a, b in zip(after, before, strict=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_better_firms_teach_faster_and_learning_slows_with_tenure(seed):
    res = {}
    for q in (-1.0, 1.0):
        K, O, C = firm(300, q, seed)
        g0 = np.mean([gap(K, O, i) for i in range(300)])
        for i in range(300):
            kv.catch_up(K, O, i, 6, C)
        res[q] = np.mean([gap(K, O, i) for i in range(300)]) / g0
    assert res[1.0] < res[-1.0]
    p = kv.KnowledgeParams(enabled=True)
    C = kv.learning_integral(p)
    first_year, tenth_year = C[12] - C[0], C[120] - C[108]
    assert tenth_year < 0.5 * first_year


def test_lazy_catch_up_does_not_depend_on_how_often_one_looks():
    """One catch-up over 24 months equals 24 monthly ones (the employer's mean barely moves
    in a large firm)."""
    K1, O1, C = firm(2000, 0.5, 4)
    K2, O2, _ = firm(2000, 0.5, 4)
    kv.catch_up(K1, O1, 0, 24, C)
    for m in range(1, 25):
        kv.catch_up(K2, O2, 0, m, C)
    assert np.allclose(K1.k[0], K2.k[0], atol=2e-4)


def test_ties_pass_knowledge_by_strength_and_nobody_unlearns():
    p = kv.KnowledgeParams(enabled=True)
    K = kv.new_knowledge(4, np.random.default_rng(0), p)
    K.k[:] = 0.0
    K.k[0, 0], K.k[1, 1] = 1.0, 1.0
    K.k[2, 0], K.k[3, 1] = 1.0, 1.0
    O = kv.org_knowledge(K, 1, np.zeros(1), p)
    kv.learn_from_tie(K, O, 0, 1, 0.9, 0.1)
    kv.learn_from_tie(K, O, 2, 3, 0.1, 0.1)
    assert K.k[0, 0] == 1.0 and K.k[1, 1] == 1.0  # kept what they knew
    assert K.k[0, 1] > K.k[2, 1] > 0.0  # the strong tie passed more


def test_join_leave_and_incremental_sums_match_a_recount():
    tk.seed(5)
    net = ln.toy(np.full(64, 30), firm_size=15, seed=5)
    for m in range(1, 25):
        net.month(m)
    kv.leave(net.K, net.O, 7, 25, net.C)
    kv.join(net.K, net.O, 7, 3, 25)
    total = net.O.org.copy()
    kv.recompute(net.K, net.O)
    assert np.allclose(total, net.O.org, rtol=1e-5, atol=1e-4)
    assert net.K.meta[7, kv.EMP] == 3 and net.K.meta[7, kv.HIRED] == 25
