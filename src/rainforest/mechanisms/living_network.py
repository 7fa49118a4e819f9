"""One month of the living network: ties, knowledge and recombination for the people who act.

Thinning (MODEL.md §8): a person acts with chance ``attempt_rate`` a month; acting people are
drawn by geometric skips, so they are visited in row order (with rows numbered by cell, in
memory order). An acting person

1. forgets ties that have decayed below ``drop_below`` (:func:`ties.prune`);
2. makes one tie attempt: a friend of a friend, a classmate, or an encounter: with more than
   one region, a share ``remote_share`` of encounters goes to a random person of another
   region drawn from row r of ``remote_cdf`` (M12's hybrid collaboration and events, M17's
   online communities and data rules; stored as ``REMOTE`` ties), the rest are geographic, by
   rank (:func:`ties.attempt`);
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
from rainforest.mechanisms.common import row_draw

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
    "remote_ties",
)
#: positions in ``out`` of the counters of new encounter ties by rank and in another region
_GEOGRAPHIC, _REMOTE = COUNTERS.index("geographic_ties"), COUNTERS.index("remote_ties")


@njit(cache=True)
def network_month_serial(T, K, O, C, combos, buf, month, n, cell, region, alive, employer,
                         emp_order, emp_start, cell_meet, Gd, cell_order, cell_start, group,
                         grp_order, grp_start, decay, tp, tie_rate, rp, out):  # fmt: skip
    """:func:`network_month` one person at a time, each waiting for its partners' rows to
    come from memory (kept to measure what the pipeline gains: ``bench_ties.py --serial``).

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


LAG = 4  # people between the stages of network_month's pipeline
RING = 16  # plans kept: a power of two above 3 LAG


@njit(cache=True)
def acting_rows(n, alive, q):
    """Rows among ``0..n-1`` that act this month, each living one with chance ``q``: drawn by
    geometric skips in one batch, so they come in row (memory) order."""
    return acting_rows_r(n, alive, q, tk.new_stream())


@njit(cache=True)
def acting_rows_r(n, alive, q, rs):
    """:func:`acting_rows` drawing from stream ``rs`` (:func:`ties.new_stream`)."""
    rows = np.empty(n, np.int32)  # untouched pages cost nothing
    if q <= 0.0:
        return rows[:0]
    lq = np.log(1.0 - q) if q < 1.0 else -np.inf
    m = 0
    i = -1
    while True:
        i += 1 + (int(np.log(1.0 - tk.uniform(rs)) / lq) if q < 1.0 else 0)
        if i >= n:
            break
        if alive[i]:
            rows[m] = i
            m += 1
    return rows[:m]


@njit(cache=True)
def network_month(T, K, O, C, combos, buf, month, n, cell, region, alive, employer, emp_order,
                  emp_start, cell_meet, Gd, cell_order, cell_start, remote_share, remote_cdf,
                  group, grp_order, grp_start, decay, tp, tie_rate, rp, out):  # fmt: skip
    """Ties, learning and ideas of one month for the acting people among rows ``0..n-1``.

    ``tp``: :func:`ties.params_tuple`; ``rp``: :func:`recombination.params_tuple`;
    ``tie_rate``: ``KnowledgeParams.tie_rate``; ``out``: counters named by :data:`COUNTERS`;
    ``employer``: each row's employer as learning sees it (contiguous, -1: none).
    ``Gd.sat`` must hold this month's cell populations (:func:`ties.fill_sat`).
    ``remote_share`` and ``remote_cdf`` (M12's, as M17 rewrote them): the share of encounter
    attempts drawn in another region and, row r, the cumulative chance of each partner region
    for people of region r (a draw of r itself is an encounter by rank). With one region or a
    share of 0 no draw is added, so such runs are those of the kernel without remote ties.
    A remote attempt, like an encounter, becomes a tie with the acting person's cell's meeting
    chance.

    The acting rows are drawn first (:func:`acting_rows`); then a software pipeline keeps
    dependent cache misses of many people in flight, each stage ``LAG`` people behind the last:

    0. *fetch*: prefetch the person's own tie row and knowledge row;
    1. *plan* (own rows now cached): the kind of attempt (closure through a tie, alumni group,
       encounter by rank or in another region: a position in the group or cell index), the
       tie or co-worker (a position in the employer index) to use; prefetch those index
       entries or tie rows;
    2. *resolve*: read the people at those positions (and, for closure, the friend's friend)
       and prefetch their tie and knowledge rows;
    3. *act*: prune, link, catch up, learn, recombine.

    Plans read the state as it was a few people earlier; a planned tie that is gone by then
    is not used."""
    q = tp[0]
    if q <= 0.0:
        return
    closure_share, alumni_share, s_new, s_alumni = tp[1], tp[2], tp[3], tp[4]
    gain, drop, cw_share, cw_strength = tp[5], tp[6], tp[7], tp[8]
    rs = tk.new_stream()  # every draw of the month: cheap, inlined (ties.next_u64)
    rows = acting_rows_r(n, alive, q, rs)
    m = rows.shape[0]
    width = T.slot.shape[1] * 2
    flat = T.slot.reshape(T.slot.size)
    # 0 nothing, 1 closure via `met`, 2 alumni, 3 encounter by rank, 4 in another region
    act = np.empty(RING, np.int64)
    met = np.empty(RING, np.int64)  # stage 1: tie or index position; from stage 2: a person
    third = np.empty(RING, np.int64)  # closure: the friend's friend
    partner = np.empty(RING, np.int64)  # tie or co-worker to use (stage 1: index position)
    cw = np.empty(RING, np.bool_)
    far = remote_cdf.shape[0] > 1 and remote_share > 0.0  # draws added only then
    for t in range(m + 3 * LAG):
        if t < m:  # 0. fetch
            i = rows[t]
            tk.prefetch_row(flat, i, width)
            tk.prefetch(T.deg, i)
            tk.prefetch(K.k, i)
        s = t - LAG
        if 0 <= s < m:  # 1. plan
            i = rows[s]
            b = s & (RING - 1)
            u = tk.uniform(rs)
            a, j = 0, -1
            d = np.int64(T.deg[i])
            if u < closure_share and d > 0:
                a, j = 1, T.slot[i, tk.below(rs, d), 0]
                tk.prefetch_row(flat, j, width)
                tk.prefetch(T.deg, j)
            elif closure_share <= u < closure_share + alumni_share:
                j = tk.member_pos_u(group[i], grp_start, tk.uniform(rs))
                if j >= 0:
                    a = 2
                    tk.prefetch(grp_order, j)
            elif u >= closure_share + alumni_share or d == 0:
                c = cell[i]
                r = region[i]
                kind = 3
                if far and tk.uniform(rs) < remote_share:
                    q = row_draw(remote_cdf, r, tk.uniform(rs))
                    if q != r:
                        j = tk.region_pos(q, Gd, cell_start, tk.uniform(rs))
                        kind = 4
                if kind == 3 or j < 0:  # at home, or nobody there: an encounter by rank
                    kind = 3
                    j = tk.rank_pos_u(r, c, Gd, cell_start, tk.uniform(rs), tk.uniform(rs))
                if j >= 0 and tk.uniform(rs) < cell_meet[c]:
                    a = kind
                    tk.prefetch(cell_order, j)
            act[b], met[b] = a, j
            j = -1
            cw[b] = False
            e = employer[i]
            if e >= 0:
                tk.prefetch(O.org, e)  # the employer's books, for catching up
            if e >= 0 and tk.uniform(rs) < cw_share:
                j = tk.member_pos_u(e, emp_start, tk.uniform(rs))
                if j >= 0:
                    cw[b] = True
                    tk.prefetch(emp_order, j)
            if not cw[b]:
                sl = tk.pick_by_strength_u(T, i, month, decay, tk.uniform(rs))
                if sl >= 0:
                    j = T.slot[i, sl, 0]
                    tk.prefetch_row(flat, j, width)
                    tk.prefetch(K.k, j)
            partner[b] = j
        s = t - 2 * LAG
        if 0 <= s < m:  # 2. resolve
            i = rows[s]
            b = s & (RING - 1)
            a = act[b]
            if a == 1:
                j = met[b]
                dj = np.int64(T.deg[j])
                k = T.slot[j, tk.below(rs, dj), 0] if dj > 0 else -1
                if k < 0 or k == i:
                    act[b] = 0
                else:
                    third[b] = k
                    tk.prefetch_row(flat, k, width)
                    tk.prefetch(T.deg, k)
            elif a > 1:
                j = grp_order[met[b]] if a == 2 else cell_order[met[b]]
                if j == i:
                    act[b] = 0
                else:
                    met[b] = j
                    tk.prefetch_row(flat, j, width)
                    tk.prefetch(T.deg, j)
            if cw[b]:
                j = emp_order[partner[b]]
                if j == i:
                    j = -1
                else:
                    tk.prefetch(K.k, j)
                partner[b] = j
            else:
                j = partner[b]
                if j >= 0:
                    e = K.meta[j, kv.EMP]  # the partner's row came at stage 1
                    if e >= 0:
                        tk.prefetch(O.org, e)
        s = t - 3 * LAG
        if 0 <= s < m:  # 3. act
            p = rows[s]
            b = s & (RING - 1)
            out[9] += tk.prune(T, p, month, decay, drop)
            out[0] += 1
            a = act[b]
            if a == 1:
                res = tk.link(T, p, third[b], tk.INTRODUCED, s_new, month, decay, gain)
                if res > 0:
                    out[res] += 1
                    out[3] += 1
            elif a == 2:
                res = tk.link(T, p, met[b], tk.ALUMNI, s_alumni, month, decay, gain)
                if res > 0:
                    out[res] += 1
                    out[4] += 1
            elif a > 2:
                res = tk.link(T, p, met[b], tk.ENCOUNTER if a == 3 else tk.REMOTE, s_new, month,
                              decay, gain)  # fmt: skip
                if res > 0:
                    out[res] += 1
                    out[_GEOGRAPHIC if a == 3 else _REMOTE] += 1
            kv.catch_up(K, O, p, month, C)
            j = partner[b]
            if j < 0:
                continue
            if cw[b]:
                sg = cw_strength
                out[7] += 1
            else:
                sl = tk.find(T, p, j)
                if sl < 0:
                    continue
                sg = tk.effective(T.slot[p, sl, 1], month, decay)
                tk.use(T, p, sl, month, decay, gain)
            out[6] += 1
            kv.catch_up(K, O, j, month, C)
            kv.learn_from_tie(K, O, p, j, sg, tie_rate)
            out[8] += rc.recombine_u(K, p, j, combos, rp, month, buf, tk.uniform(rs)) >= 0


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
    remote_share: float = 0.0
    remote_cdf: np.ndarray = field(default_factory=lambda: np.ones((1, 1)))

    def index(self) -> None:
        """Re-index people by cell, employer and group and refresh the cell populations."""
        n_cells = self.cell_start.shape[0] - 1
        live_cell = np.where(self.alive, self.cell, -1).astype(np.int64)
        tk.index_groups(live_cell, n_cells, self.cell_order, self.cell_start)
        tk.index_groups(self.employer, self.emp_start.shape[0] - 1, self.emp_order,
                        self.emp_start)  # fmt: skip
        tk.index_groups(self.group, self.grp_start.shape[0] - 1, self.grp_order, self.grp_start)
        tk.fill_sat(self.Gd, self.cell_start)

    def month(self, m: int, serial: bool = False) -> None:
        """Run month ``m`` for everyone (indexes must be current: :meth:`index`); ``serial``
        runs the unpipelined kernel (no remote ties)."""
        (network_month_serial if serial else network_month)(
            self.T, self.K, self.O, self.C, self.combos, self.buf, m, self.cell.shape[0],
            self.cell, self.region, self.alive, self.employer, self.emp_order, self.emp_start,
            self.cell_meet, self.Gd, self.cell_order, self.cell_start,
            *((self.remote_share, self.remote_cdf) if not serial else ()), self.group,
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
    regions: int = 1,
    remote_share: float = 0.0,
) -> Network:
    """A world for tests and benchmarks: ``regions`` square grids of side² cells each, with
    ``people_per_cell`` (length regions × side², people numbered in cell order, region by
    region), employers of about ``firm_size`` people of neighbouring rows, alumni groups of
    ``group_size``, and firms of random quality. With several regions a share
    ``remote_share`` of encounters goes to another region, each other one equally likely."""
    tp_ = ties or tk.TiesParams(enabled=True)
    kp = knowledge or kv.KnowledgeParams(enabled=True)
    rp_ = recombination or rc.RecombinationParams(enabled=True)
    rng = np.random.default_rng(seed)
    counts = np.asarray(people_per_cell, np.int64)
    n_cells = counts.size
    per = n_cells // regions
    side = int(round(np.sqrt(per)))
    if side * side * regions != n_cells:
        raise ValueError("people_per_cell must hold regions square grids of cells")
    n = int(counts.sum())
    cell = np.repeat(np.arange(n_cells), counts).astype(np.int32)
    others = np.ones((regions, regions)) - np.eye(regions)
    cdf = np.cumsum(others / np.maximum(others.sum(axis=1, keepdims=True), 1.0), axis=1)
    cdf[:, -1] = 1.0
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
        region=(cell // per).astype(np.int32),
        alive=np.ones(n, np.bool_),
        employer=employer,
        group=group,
        Gd=tk.grid(np.arange(regions) * per, np.full(regions, per)),
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
        cell_x=np.tile((ii.ravel() + 0.5) * cell_km, regions)
        + np.repeat(np.arange(regions) * 2.0 * side * cell_km, per),  # regions apart
        cell_y=np.tile((jj.ravel() + 0.5) * cell_km, regions),
        remote_share=float(remote_share),
        remote_cdf=cdf,
    )
    net.index()
    return net
