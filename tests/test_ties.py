"""Persistent ties (mechanisms/ties.py): rank draws, density without an exponent, closure,
decay, invariants of the symmetric slot table, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rainforest.mechanisms import living_network as ln
from rainforest.mechanisms import ties as tk
from rainforest.metrics import ties as mt

SEEDS = (1, 2, 3)


def run_ties(net: ln.Network, months: int, start: int = 1) -> None:
    """Tie attempts only (no knowledge), ``months`` months."""
    for m in range(start, start + months):
        tk.ties_month(
            net.T, m, net.cell.shape[0], net.cell, net.region, net.alive, net.cell_meet,
            net.Gd, net.cell_order, net.cell_start, net.group, net.grp_order, net.grp_start,
            net.decay, net.tp, net.out,
        )  # fmt: skip


def check_invariants(T: tk.Ties, n: int) -> None:
    """No self-ties, valid partners, no duplicates, empty slots after deg, symmetric records."""
    K = T.slot.shape[1]
    for i in range(n):
        d = int(T.deg[i])
        row = T.slot[i, :d, 0]
        assert (row >= 0).all() and (row < n).all()
        assert (row != i).all()
        assert len(set(row.tolist())) == d
        assert (T.slot[i, d:K, 0] == tk.EMPTY).all()
        for s in range(d):
            j = int(row[s])
            back = tk.find(T, j, i)
            assert back >= 0, (i, j)
            assert T.slot[j, back, 1] == T.slot[i, s, 1]


def uniform(per_cell: int, side: int = 12) -> np.ndarray:
    """People per cell of a ``side`` × ``side`` grid with ``per_cell`` everywhere."""
    return np.full(side * side, per_cell)


def test_rank_draws_follow_one_over_rank():
    """P(partner within the box of ring R) = ln(box people) / ln(N - 1) for P ∝ 1/rank."""
    tk.seed(7)
    side, per = 9, 30
    net = ln.toy(uniform(per, side), seed=7)
    n = net.cell.shape[0]
    c = 4 * side + 4  # the centre cell
    i = int(net.cell_order[net.cell_start[c]])
    draws = np.array(
        [tk.by_rank(i, 0, c, net.Gd, net.cell_order, net.cell_start) for _ in range(40000)]
    )
    ok = draws[draws >= 0]
    ring = np.maximum(np.abs(ok // per // side - 4), np.abs(ok // per % side - 4))
    for R in (0, 1, 2):
        box = (2 * R + 1) ** 2 * per
        # draws landing on i itself (1 / per of the own-cell draws) are rejected
        expect = (np.log(box) - np.log(per) / per) / np.log(n - 1)
        got = (ring <= R).sum() / draws.size
        assert abs(got - expect) < 0.01, (R, got, expect)


@pytest.mark.parametrize("seed", SEEDS)
def test_denser_places_give_more_near_ties_without_an_exponent(seed):
    """Same area, same attempt rate: four times the people per cell puts more people at small
    ranks within walking distance, so each person has more ties within 1 km."""
    out = {}
    for per in (10, 40):
        tk.seed(seed)
        p = tk.TiesParams(enabled=True, closure_share=0.0, alumni_share=0.0, attempt_rate=0.5)
        net = ln.toy(uniform(per, 16), ties=p, seed=seed)
        run_ties(net, 24)
        n = net.cell.shape[0]
        a, b = mt.edges(net.T.slot, net.T.deg)
        near = mt.share_within_km(a, b, net.cell, net.cell_x, net.cell_y, 1.0)
        out[per] = (near * a.size * 2 / n, near, net.out[2] / n)
    # the rank rule gives P(within r) = ln N_r / ln N: a logarithmic, not a power, effect
    assert out[40][0] > 1.1 * out[10][0]  # near ties per person
    assert out[40][1] > out[10][1]  # share of ties within 1 km


@pytest.mark.parametrize("seed", SEEDS)
def test_meeting_places_raise_encounters_where_they_are(seed):
    """Cells with third places and co-working turn more attempts into encounters."""
    tk.seed(seed)
    side = 12
    p = tk.TiesParams(enabled=True, closure_share=0.0, alumni_share=0.0, encounter_base=0.2)
    venues = np.zeros(side * side)
    venues[: side * side // 2] = 20.0  # the first half of the rows has cafés
    cw = np.where(venues > 0, 0.3, 0.0)
    meet = tk.meeting_chance(venues, cw, np.zeros_like(venues), p)
    assert meet[0] > meet[-1] >= p.encounter_base - 1e-6
    net = ln.toy(uniform(20, side), ties=p, meet=meet, seed=seed)
    run_ties(net, 12)
    deg = net.T.deg.astype(float)
    half = net.cell < side * side // 2
    assert deg[half].mean() > 1.2 * deg[~half].mean()


@pytest.mark.parametrize("seed", SEEDS)
def test_closure_raises_clustering(seed):
    res = {}
    for share in (0.0, 0.4):
        tk.seed(seed)
        p = tk.TiesParams(enabled=True, closure_share=share, alumni_share=0.0, attempt_rate=0.5)
        net = ln.toy(uniform(20, 12), ties=p, seed=seed)
        run_ties(net, 24)
        a, b = mt.edges(net.T.slot, net.T.deg)
        res[share] = mt.clustering(a, b, net.cell.shape[0], seed=seed)["clustering"]
    assert res[0.4] > 2 * res[0.0] + 0.02


def test_unused_ties_decay_and_are_forgotten_used_ones_last():
    T = tk.new_ties(4, 4)
    decay = tk.decay_table(24.0)
    assert tk.link(T, 0, 1, tk.ENCOUNTER, 0.4, 0, decay, 0.2) == 1
    assert tk.link(T, 0, 2, tk.ENCOUNTER, 0.4, 0, decay, 0.2) == 1
    s0 = tk.effective(T.slot[0, 0, 1], 24, decay)
    assert abs(s0 - 0.2) < 1e-3  # one half-life
    for m in range(6, 120, 6):  # tie 0-2 is used every six months
        tk.use(T, 0, tk.find(T, 0, 2), m, decay, 0.2)
    assert tk.prune(T, 0, 120, decay, 0.02) == 1  # 0-1 unused for 10 years: forgotten
    assert tk.find(T, 0, 1) < 0 and tk.find(T, 1, 0) < 0
    assert tk.find(T, 0, 2) >= 0
    assert tk.effective(T.slot[0, tk.find(T, 0, 2), 1], 120, decay) > 0.5
    check_invariants(T, 4)


def test_full_rows_evict_the_weakest_tie_on_both_sides():
    T = tk.new_ties(6, 2)
    decay = tk.decay_table(24.0)
    tk.link(T, 0, 1, tk.ENCOUNTER, 0.2, 0, decay, 0.2)
    tk.link(T, 0, 2, tk.COFOUNDER, 0.9, 0, decay, 0.2)
    assert tk.link(T, 0, 3, tk.ENCOUNTER, 0.1, 0, decay, 0.2) == 0  # weaker than all: refused
    assert tk.link(T, 0, 4, tk.FORMER_COWORKER, 0.6, 0, decay, 0.2) == 1  # evicts 0-1
    assert tk.find(T, 1, 0) < 0 and T.deg[1] == 0
    assert tk.kind_of(T.slot[0, tk.find(T, 0, 4), 1]) == tk.FORMER_COWORKER
    check_invariants(T, 6)


def test_coworkers_cofounders_and_alumni_are_stored_with_their_kind():
    tk.seed(3)
    net = ln.toy(uniform(20, 6), firm_size=10, seed=3)
    i = 15
    emp = int(net.employer[i])
    k = tk.keep_coworkers(
        net.T, i, net.employer, net.emp_order, net.emp_start, 3, 0.6, 5, net.decay, 0.2
    )
    assert k >= 1
    for s in range(net.T.deg[i]):
        j = net.T.slot[i, s, 0]
        assert net.employer[j] == emp
        assert tk.kind_of(net.T.slot[i, s, 1]) == tk.FORMER_COWORKER
    founders = np.array([100, 200, 300], np.int64)
    assert tk.link_group(net.T, founders, tk.COFOUNDER, 0.9, 5, net.decay, 0.2) == 3
    assert tk.kind_of(net.T.slot[200, tk.find(net.T, 200, 300), 1]) == tk.COFOUNDER
    p = tk.TiesParams(enabled=True, closure_share=0.0, alumni_share=1.0)
    net = ln.toy(uniform(20, 6), ties=p, group_size=30, seed=3)
    run_ties(net, 6)
    d = tk.unpack(net.T, 6, net.decay)
    assert d["owner"].size > 0
    assert (net.group[d["owner"]] == net.group[d["partner"]]).all()
    assert (d["kind"] == tk.ALUMNI).all()


@pytest.mark.parametrize("serial", [False, True])
@pytest.mark.parametrize("slots", [3, 16])
def test_invariants_after_a_run_of_the_whole_network(slots, serial):
    tk.seed(11)
    p = tk.TiesParams(enabled=True, slots=slots, attempt_rate=0.5, half_life_months=3.0)
    net = ln.toy(uniform(15, 8), ties=p, firm_size=20, seed=11)
    for m in range(1, 37):
        net.month(m, serial)
    if slots == 16:
        assert net.out[9] > 0  # some ties were forgotten
    else:
        assert (net.T.deg == 3).mean() > 0.2  # rows fill up: evictions exercised
    check_invariants(net.T, net.cell.shape[0])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 9), st.integers(0, 9), st.floats(0.0, 1.0)),
        max_size=80,
    )
)
def test_any_sequence_of_operations_keeps_the_table_symmetric(ops):
    T = tk.new_ties(10, 3)
    decay = tk.decay_table(12.0)
    for month, (op, i, j, s) in enumerate(ops, start=1):
        if op == 0:
            tk.link(T, i, j, tk.ENCOUNTER, s, month, decay, 0.2)
        elif op == 1:
            tk.unlink(T, i, j)
        elif op == 2:
            tk.prune(T, i, month, decay, 0.05)
        elif T.deg[i] > 0:
            tk.use(T, i, j % T.deg[i], month, decay, 0.2)
    check_invariants(T, 10)


def test_same_seed_same_network_other_seed_another():
    def run(seed):
        tk.seed(seed)
        net = ln.toy(uniform(15, 8), seed=5)
        for m in range(1, 13):
            net.month(m)
        return net

    a, b, c = run(1), run(1), run(2)
    assert np.array_equal(a.T.slot, b.T.slot) and np.array_equal(a.K.k, b.K.k)
    assert np.array_equal(a.out, b.out)
    assert not np.array_equal(a.T.slot, c.T.slot)


def test_packing_round_trips():
    decay = tk.decay_table(24.0)
    for s, kind, month in ((0.0, 0, 0), (1.0, 5, 4095), (0.37, 3, 1234)):
        m = tk.pack(s, kind, month)
        assert m >= 0
        assert abs(tk.effective(m, month, decay) - s) < 1e-4
        assert tk.kind_of(m) == kind


def test_rank_draws_stay_in_the_region_of_a_multi_region_grid():
    """Two regions of 4 × 4 and 8 × 8 cells laid one after the other, as engine/build.py does."""
    tk.seed(12)
    counts = np.concatenate([np.full(16, 5), np.arange(64) % 7])
    cell = np.repeat(np.arange(80), counts).astype(np.int32)
    order, start = np.zeros(cell.size, np.int64), np.zeros(81, np.int64)
    tk.index_groups(cell.astype(np.int64), 80, order, start)
    Gd = tk.grid(np.array([0, 16]), np.array([16, 64]))
    tk.fill_sat(Gd, start)
    assert Gd.sat[Gd.sat0[0] + 24] == 80 and Gd.sat[Gd.sat0[1] + 80] == counts[16:].sum()
    region = (cell >= 16).astype(np.int32)
    for i in (0, 79, 100, cell.size - 1):
        js = [tk.by_rank(i, region[i], cell[i], Gd, order, start) for _ in range(3000)]
        js = np.array([j for j in js if j >= 0])
        assert js.size > 2000
        assert (region[js] == region[i]).all() and (js != i).all()
