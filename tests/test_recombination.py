"""Recombinant ideas (mechanisms/recombination.py): inverted U in cognitive distance, novel
combinations riskier, wear-out with reuse."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import recombination as rc
from rainforest.mechanisms import ties as tk

RP = rc.params_tuple(rc.RecombinationParams(enabled=True, p0=0.5))


def pair_world(distance_angle: float, n_pairs: int):
    """``n_pairs`` pairs of unit vectors ``distance_angle`` radians apart (classes 0 and 1)."""
    p = kv.KnowledgeParams(enabled=True)
    K = kv.new_knowledge(2 * n_pairs, np.random.default_rng(0), p)
    K.k[:] = 0.0
    K.k[0::2, 0] = 1.0
    K.k[1::2, 0] = np.cos(distance_angle)
    K.k[1::2, 1] = np.sin(distance_angle)
    return K


def test_chance_is_an_inverted_u_whose_peak_moves_out_with_capacity():
    d = np.linspace(0.0, 1.0, 101)
    for c, b in ((1.0, 1.0), (1.6, 1.0)):
        p = np.array([rc.chance(x, c, 1.0, b) for x in d])
        peak = d[p.argmax()]
        assert p[0] == 0.0 and p[peak == d][0] > p[-1]
        assert abs(peak - min(c / (2 * b), 1.0)) < 0.02
    assert d[np.argmax([rc.chance(x, 1.6, 1.0, 1.0) for x in d])] > 0.5


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ideas_are_commonest_at_middling_distance(seed):
    rates = {}
    for angle in (0.15, np.pi / 3, np.pi / 2):
        tk.seed(seed)
        K = pair_world(angle, 4000)
        buf = rc.new_buffer(10000)
        combos = np.zeros((kv.D, kv.D), np.int64)
        for t in range(4000):
            rc.recombine(K, 2 * t, 2 * t + 1, combos, RP, 0, buf)
        rates[angle] = buf.n[0] / 4000
        assert combos.sum() == buf.n[0]
    assert rates[np.pi / 3] > rates[0.15] and rates[np.pi / 3] > rates[np.pi / 2]


def test_novel_combinations_have_lower_mean_and_higher_variance():
    tk.seed(9)
    novel, familiar = np.empty(20000), np.empty(20000)
    rc.draw_qualities(0, 20000, RP, novel)
    rc.draw_qualities(40, 20000, RP, familiar)
    ln_n, ln_f = np.log(novel), np.log(familiar)
    assert ln_n.std() > 1.3 * ln_f.std()
    assert ln_n.mean() < ln_f.mean()


def test_combinations_wear_out_with_heavy_reuse():
    tk.seed(10)
    some, worn = np.empty(20000), np.empty(20000)
    rc.draw_qualities(40, 20000, RP, some)
    rc.draw_qualities(4000, 20000, RP, worn)
    assert np.log(worn).mean() < np.log(some).mean() - 0.2


def test_ideas_raise_unpursued_counts_up_to_the_cap():
    tk.seed(2)
    K = pair_world(np.pi / 3, 1)
    rp = rc.params_tuple(rc.RecombinationParams(enabled=True, p0=1.0, max_unpursued=3))
    buf = rc.new_buffer(100)
    combos = np.zeros((kv.D, kv.D), np.int64)
    for _ in range(100):
        rc.recombine(K, 0, 1, combos, rp, 0, buf)
    assert buf.n[0] > 0 and K.meta[0, kv.IDEAS] == 3
    assert (buf.person[: buf.n[0]] == 0).all() and (buf.a[: buf.n[0]] == 0).all()
    assert (buf.b[: buf.n[0]] == 1).all()  # the pair of dominant classes
