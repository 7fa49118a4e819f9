"""People's spin-off hazard (mechanisms/spinoff_people.py): direction of each driver,
thinned draws at the right rate, inheritance."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import spinoff_people as sp
from rainforest.mechanisms import ties as tk

SP = sp.params_tuple(sp.SpinoffParams(enabled=True))


def h(depth=1.0, tenure=60, quality=0.0, growth=0.0, ideas=0):
    return sp.hazard(depth, tenure, quality, growth, ideas, SP)


def test_hazard_rises_with_each_driver_and_with_decline():
    base = h()
    assert h(depth=1.5) > base
    assert h(tenure=120) > base > h(tenure=6)
    assert h(quality=1.0) > base
    assert h(growth=0.3) > base
    assert h(ideas=3) > base
    assert h(growth=-0.5) > base  # necessity spin-offs from declining employers
    assert h(tenure=0) == 0.0
    assert h(depth=20.0, quality=10.0) == SP[7]  # capped


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thinned_draws_match_the_hazard_and_favour_better_parents(seed):
    tk.seed(seed)
    n = 200_000
    p = kv.KnowledgeParams(enabled=True)
    emp = (np.arange(n) % 2).astype(np.int32)  # two firms: 0 weak, 1 strong
    K = kv.new_knowledge(n, np.random.default_rng(seed), p, emp)
    K.meta[:, kv.HIRED] = -48
    O = kv.org_knowledge(K, 2, np.zeros(2), p)
    C = kv.learning_integral(kv.KnowledgeParams(enabled=True, eta=1e-9))
    quality = np.array([-1.0, 1.0])
    growth = np.zeros(2)
    spp = sp.params_tuple(sp.SpinoffParams(enabled=True, base_hazard=0.002))
    founders, parents = np.zeros(5000, np.int64), np.zeros(5000, np.int64)
    m = sp.draw_spinoffs(K, O, C, np.ones(n, np.bool_), n, 0, quality, growth, np.ones(2), spp,
                         founders, parents)  # fmt: skip
    depth = np.linalg.norm(K.k, axis=1)
    expect = sp.hazards(depth, np.full(n, 48.0), quality[emp], growth[emp],
                        np.zeros(n), spp).sum()  # fmt: skip
    assert abs(m - expect) < 4 * np.sqrt(expect)
    assert (parents[:m] == 1).sum() > 2 * (parents[:m] == 0).sum()
    assert (emp[founders[:m]] == parents[:m]).all()


def test_employees_of_small_firms_found_more_often():
    """The small-firm effect (Elfenbein, Hamilton & Zenger 2010): two employers of equal
    quality, one of 10 people and one of 1,000; with size_effect 0.3 on both sides of 100
    people the small one's employees leave to found 4x as often (10^0.3 / 10^-0.3), and as
    often as the large one's without the effect. By default (size_effect_large 0) the effect
    is the small firms' only: employers above the reference are alike."""
    below = sp.size_pull(np.array([10.0, 1000.0, 20_000.0]), sp.SpinoffParams(size_effect=0.3))
    assert below == pytest.approx([10**0.3, 1.0, 1.0])
    p = sp.SpinoffParams(enabled=True, size_effect=0.3, size_effect_large=0.3)
    pull = sp.size_pull(np.array([10.0, 1000.0, 0.0]), p)
    assert pull == pytest.approx([10**0.3, 10**-0.3, 100**0.3])  # no one: as a firm of 1
    assert (sp.size_pull(np.array([10.0, 1000.0]), sp.SpinoffParams()) == 1.0).all()
    tk.seed(7)
    n = 200_000
    kp = kv.KnowledgeParams(enabled=True)
    emp = (np.arange(n) % 2).astype(np.int32)
    K = kv.new_knowledge(n, np.random.default_rng(7), kp, emp)
    K.meta[:, kv.HIRED] = -48
    O = kv.org_knowledge(K, 2, np.zeros(2), kp)
    C = kv.learning_integral(kv.KnowledgeParams(enabled=True, eta=1e-9))
    spp = sp.params_tuple(sp.SpinoffParams(enabled=True, base_hazard=0.001))
    founders, parents = np.zeros(5000, np.int64), np.zeros(5000, np.int64)
    m = sp.draw_spinoffs(K, O, C, np.ones(n, np.bool_), n, 0, np.zeros(2), np.zeros(2),
                         pull[:2], spp, founders, parents)  # fmt: skip
    small, large = (parents[:m] == 0).sum(), (parents[:m] == 1).sum()
    assert 3.0 < small / large < 5.5, (small, large)


@pytest.mark.parametrize("o2o", [False, True])
def test_employer_sizes_are_real_head_counts_at_any_scale(o2o):
    """The small-firm effect reads real sizes: an anchor's sampled staff times k (so the same
    anchor measures alike at scale 4 and 40), a firm's as its economics count it, and the
    rest of the economy's aggregate employers the neutral reference size."""
    from rainforest.engine.core import Engine
    from rainforest.scenario import load_scenario, with_values
    from rainforest.state.tables import ANCHOR, INCUMBENT, SME, STATE

    sc = with_values(load_scenario("anchor-platform"), {"mechanisms.initial.one_to_one_orgs": o2o})
    anchors = []
    for scale in (4.0, 40.0):
        eng = Engine(sc, seed=1, scale=scale)
        O, glob = eng.w.O, eng.w.glob
        n = int(O.n[0])
        size = sp.employer_sizes(O, glob, n, 100.0)
        kind = O.kind[:n]
        anchors.append(size[kind == ANCHOR])
        assert (size[np.isin(kind, (INCUMBENT, STATE))] == 100.0).all()
        sme = kind == SME
        own = O.head[:n] if glob.o2o > 0.0 else O.emp[:n]
        assert np.array_equal(size[sme], own[sme].astype(np.float64))
    assert anchors[0] == pytest.approx(anchors[1], rel=0.05)  # 20,000 and 6,000 people


def test_child_inherits_knowledge_and_usually_the_parents_cell():
    tk.seed(4)
    k = np.arange(16, dtype=np.float32).reshape(2, 8)
    child = np.zeros(8, np.float32)
    cells = [sp.inherit(k, 1, 17, 10, 50, 0.8, child) for _ in range(4000)]
    assert np.array_equal(child, k[1])
    same = np.mean(np.array(cells) == 17)
    assert 0.78 < same < 0.84
    assert all(10 <= c < 60 for c in cells)
