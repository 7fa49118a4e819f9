"""One month of the living network: ties, knowledge and recombination for the people who act.

Thinning (MODEL.md §8): a person acts with chance ``attempt_rate`` a month; acting people are
drawn by geometric skips, so they are visited in row order (with rows numbered by cell, in
memory order). An acting person

1. forgets ties that have decayed below ``drop_below`` (:func:`ties.prune`);
2. makes one tie attempt: a friend of a friend, a classmate, or a geographic encounter by rank
   (:func:`ties.attempt`);
3. catches up on-the-job learning since the last update (:func:`knowledge_vec.catch_up`);
4. uses one tie: a co-worker (implicit tie, with chance ``coworker_use_share`` when employed)
   or a stored tie drawn by strength, which is refreshed; both partners learn from each other
   at a rate set by the tie's strength;
5. tries an idea with that partner (:func:`recombination.recombine`).

Departed people must have been removed from the indexes and their ties forgotten
(:func:`ties.forget`): partners are not checked again. Everyone else is untouched this month:
decay and learning are lazy, computed from the month of the last update when a person is next
used. Costs a few random rows per acting person (the
partner's ties and knowledge), the memory latency that sets the speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import recombination as rc
from rainforest.mechanisms import ties as tk

# counters written to `out` by network_month
COUNTERS = (
    "attempts",
    "new_ties",
    "reinforced",
    "closure_ties",
    "alumni_ties",
    "geographic_ties",
    "uses",
    "coworker_uses",
    "ideas",
    "pruned",
)


@njit(cache=True)
def network_month(T, K, O, C, combos, buf, month, n, cell, region, alive, employer, emp_order,
                  emp_start, cell_meet, Gd, cell_order, cell_start, group, grp_order, grp_start,
                  decay, tp, tie_rate, rp, out):  # fmt: skip
    """Ties, learning and ideas of one month for the acting people among rows ``0..n-1``.

    ``tp``: :func:`ties.params_tuple`; ``rp``: :func:`recombination.params_tuple`;
    ``tie_rate``: ``KnowledgeParams.tie_rate``; ``out``: counters named by :data:`COUNTERS`.
    ``Gd.sat`` must hold this month's cell populations (:func:`ties.fill_sat`)."""
    q = tp[0]
    if q <= 0.0:
        return
    lq = np.log(1.0 - q) if q < 1.0 else -np.inf
    gain, drop, cw_share, cw_strength = tp[5], tp[6], tp[7], tp[8]
    i = -1
    while True:
        i += 1 + (int(np.log(1.0 - np.random.random()) / lq) if q < 1.0 else 0)
        if i >= n:
            break
        if not alive[i]:
            continue
        out[9] += tk.prune(T, i, month, decay, drop)
        tk.attempt(T, i, month, cell, region, cell_meet, Gd, cell_order, cell_start,
                   group, grp_order, grp_start, decay, tp, out)  # fmt: skip
        kv.catch_up(K, O, i, month, C)
        j = -1
        s = 0.0
        if employer[i] >= 0 and np.random.random() < cw_share:
            j = tk.coworker(i, employer, emp_order, emp_start)
            s = cw_strength
            out[7] += j >= 0
        if j < 0:
            slot = tk.pick_by_strength(T, i, month, decay)
            if slot >= 0:
                s = tk.effective(T.slot[i, slot, 1], month, decay)
                j = tk.use(T, i, slot, month, decay, gain)
        if j < 0:
            continue
        out[6] += 1
        kv.catch_up(K, O, j, month, C)
        kv.learn_from_tie(K, O, i, j, s, tie_rate)
        out[8] += rc.recombine(K, i, j, combos, rp, month, buf) >= 0


@dataclass
class Network:
    """Everything the month kernel reads and writes, for a standalone run (tests, benchmarks)
    or as the state an engine adapter keeps between months."""

    T: tk.Ties
    K: kv.Knowledge
    O: kv.OrgKnowledge
    C: np.ndarray
    combos: np.ndarray
    buf: rc.IdeaBuffer
    decay: np.ndarray
    tp: tuple
    tie_rate: float
    rp: tuple
    out: np.ndarray
    cell: np.ndarray
    region: np.ndarray
    alive: np.ndarray
    employer: np.ndarray
    group: np.ndarray
    Gd: tk.Grid
    cell_meet: np.ndarray
    cell_order: np.ndarray
    cell_start: np.ndarray
    emp_order: np.ndarray
    emp_start: np.ndarray
    grp_order: np.ndarray
    grp_start: np.ndarray
    cell_x: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cell_y: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def index(self) -> None:
        """Re-index people by cell, employer and group and refresh the cell populations."""
        n_cells = self.cell_start.shape[0] - 1
        live_cell = np.where(self.alive, self.cell, -1).astype(np.int64)
        tk.index_groups(live_cell, n_cells, self.cell_order, self.cell_start)
        tk.index_groups(self.employer, self.emp_start.shape[0] - 1, self.emp_order,
                        self.emp_start)  # fmt: skip
        tk.index_groups(self.group, self.grp_start.shape[0] - 1, self.grp_order, self.grp_start)
        tk.fill_sat(self.Gd, self.cell_start)

    def month(self, m: int) -> None:
        """Run month ``m`` for everyone (indexes must be current: :meth:`index`)."""
        network_month(
            self.T, self.K, self.O, self.C, self.combos, self.buf, m, self.cell.shape[0],
            self.cell, self.region, self.alive, self.employer, self.emp_order, self.emp_start,
            self.cell_meet, self.Gd, self.cell_order, self.cell_start, self.group,
            self.grp_order, self.grp_start, self.decay, self.tp, self.tie_rate, self.rp,
            self.out,
        )  # fmt: skip

    def nbytes_per_person(self) -> float:
        """Bytes of per-person state (ties, knowledge, counters, indexes), per person."""
        n = self.cell.shape[0]
        per = (
            tk.nbytes(self.T) + kv.nbytes(self.K) + self.group.nbytes + self.grp_order.nbytes
        )  # fmt: skip
        return per / n


def toy(
    people_per_cell: np.ndarray,
    cell_km: float = 0.5,
    firm_size: int = 50,
    group_size: int = 200,
    ties: tk.TiesParams | None = None,
    knowledge: kv.KnowledgeParams | None = None,
    recombination: rc.RecombinationParams | None = None,
    meet: np.ndarray | None = None,
    seed: int = 0,
    idea_capacity: int = 1_000_000,
) -> Network:
    """A one-region world for tests and benchmarks: a square grid with ``people_per_cell``
    (length side², people numbered in cell order), employers of about ``firm_size`` people of
    neighbouring rows, alumni groups of ``group_size``, and firms of random quality."""
    tp_ = ties or tk.TiesParams(enabled=True)
    kp = knowledge or kv.KnowledgeParams(enabled=True)
    rp_ = recombination or rc.RecombinationParams(enabled=True)
    rng = np.random.default_rng(seed)
    counts = np.asarray(people_per_cell, np.int64)
    n_cells = counts.size
    side = int(round(np.sqrt(n_cells)))
    n = int(counts.sum())
    cell = np.repeat(np.arange(n_cells), counts).astype(np.int32)
    n_orgs = max(n // firm_size, 1)
    employer = np.minimum(np.arange(n) // firm_size, n_orgs - 1).astype(np.int32)
    n_groups = max(n // group_size, 1)
    group = rng.integers(n_groups, size=n).astype(np.int32)
    K = kv.new_knowledge(n, rng, kp, employer)
    O = kv.org_knowledge(K, n_orgs, rng.standard_normal(n_orgs), kp)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    net = Network(
        T=tk.new_ties(n, tp_.slots),
        K=K,
        O=O,
        C=kv.learning_integral(kp),
        combos=np.zeros((kv.D, kv.D), np.int64),
        buf=rc.new_buffer(idea_capacity),
        decay=tk.decay_table(tp_.half_life_months),
        tp=tk.params_tuple(tp_),
        tie_rate=float(kp.tie_rate),
        rp=rc.params_tuple(rp_),
        out=np.zeros(len(COUNTERS), np.int64),
        cell=cell,
        region=np.zeros(n, np.int32),
        alive=np.ones(n, np.bool_),
        employer=employer,
        group=group,
        Gd=tk.grid(np.array([0]), np.array([n_cells])),
        cell_meet=(
            np.full(n_cells, tp_.encounter_base, np.float32)
            if meet is None
            else np.asarray(meet, np.float32)
        ),
        cell_order=np.zeros(n, np.int32),
        cell_start=np.zeros(n_cells + 1, np.int64),
        emp_order=np.zeros(n, np.int32),
        emp_start=np.zeros(n_orgs + 1, np.int64),
        grp_order=np.zeros(n, np.int32),
        grp_start=np.zeros(n_groups + 1, np.int64),
        cell_x=((ii.ravel() + 0.5) * cell_km),
        cell_y=((jj.ravel() + 0.5) * cell_km),
    )
    net.index()
    return net
