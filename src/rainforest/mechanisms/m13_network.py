"""M13 — the living network: persistent ties, knowledge, recombinant ideas, people's spin-offs.

Seed 000's 温度、密度、连接 and 大厂人才外溢 as processes rather than constants (issue 14,
docs/networks.md). Four mechanisms share one hook, ``ties.month``, placed after the facilities'
breakthroughs and before the founding decision (M3):

* ``ties``: people keep ties in fixed slots; encounters by rank (no density exponent: density
  acts only through who is near), closure, co-workers, decay unless used. Where people meet
  sets the chance that an attempt becomes an encounter: each cell's third places (the region's
  ``third_places_per_km2`` times the cell's area). With several regions a share of encounters
  is remote: M12's ``remote_share`` (hybrid collaboration, event months) and ``remote_cdf``,
  after M17's online communities and data rules rewrote them, as the first edition's contacts
  used them (``REMOTE`` ties).
* ``knowledge_vectors``: each person's knowledge over 8 classes; a newcomer's mix leans to the
  employer's domain and to the local knowledge field (universities', labs' and anchors'
  spillovers, M8), so graduates of a place carry its research mix; learning on the job and
  through ties.
* ``recombination``: an idea is two tied people combining what they know (inverted U in
  cognitive distance, novelty risk, wear-out). Switched on, these ideas are the founding
  candidates and M2's contact lottery is off; with ``people_spinoffs`` on too, an employee's
  idea is not a candidate at once but one more unpursued idea raising their spin-off hazard
  (Klepper & Sleeper 2005: spin-offs carry ideas their parents did not pursue).
* ``people_spinoffs``: an employee's hazard of leaving to found, from knowledge, tenure, the
  employer's quality and trajectory and unpursued ideas. Switched on, these draws are the
  spin-out candidates and the per-anchor ``spinout_rate`` inputs (and M7's startup rate) are
  not used.

Knowledge classes map to the scenario's domains by index (class ``d % 8`` for domain ``d``);
an idea's domain is one of its two classes' domains (a class with no domain: the region's
industry mix). Each section's ``enabled`` switch is off by default, so the first edition's
outputs stay as they were; issue 15's joint fit of the second edition (these four with M18-M20
and capital by traction) ships as ``rainforest.experiments.joint.apply_fitted``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from rainforest.mechanisms import alumni as al
from rainforest.mechanisms import institution_knowledge as ik
from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import living_network as ln
from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms import recombination as rc
from rainforest.mechanisms import spinoff_people as sp
from rainforest.mechanisms import ties as tk
from rainforest.mechanisms.contract import Column, Hook, Mechanism, declare
from rainforest.mechanisms.m02_ideas import add_cand
from rainforest.state import accounts
from rainforest.state.tables import (
    ANCHOR,
    EMPLOYED,
    FACILITY,
    FOUNDER,
    FROM_ANCHOR,
    FROM_FACILITY,
    FROM_STARTUP,
    GONE,
    GRASSROOTS,
    STARTUP,
)

_ONE_REGION = np.ones((1, 1))  # remote_cdf when M12 has not prepared one: no remote draws
LAG = 8  # people between the stages of _sync's pipeline
RING = 32  # a power of two above 2 LAG


@njit(cache=True)
def _sync(T, K, O, C, status, employer, emp, awake, m, month, emp_order, emp_start, tp, decay,
          moved, dest):  # fmt: skip
    """Follow the People table since last month (new rows are readied by :func:`_seed_rows`):
    people gone forget their ties and leave their employer's books; a change of employer keeps
    a few co-worker ties
    (``coworkers_kept`` = ``tp[9]``, drawn from last month's employer index, never a departed
    one) and moves the person's knowledge between the books.

    ``emp`` mirrors ``K.meta[:, EMP]`` (the employer as learning sees it) in one contiguous
    array, so that the pass over everyone reads 9 bytes a person, not a 64-byte row. Changes of
    employer (a few percent of people a month) are gathered in that pass and done after it in
    a pipeline: co-workers drawn and their tie rows prefetched ``LAG`` changes ahead.

    Only the rows ``awake[:m]`` (in row order) are looked at: a departed person whose ties are
    forgotten and who has left the books (gone, no ties, no employer) can change no more, since
    nobody ties to the departed (no co-worker tie is kept with or for a departed person), and
    is dropped from ``awake`` as the first pass meets it: its ties are forgotten there, and it
    leaves the books with the changes of employer (in a small district most rows ever used
    are such; they cost nothing here any more).

    ``moved`` and ``dest`` (``m`` rows at least) receive the rows whose employer changed, in
    row order, and their new employer (-1: none), for :func:`_reindex`. Returns how many
    people left an employer, how many rows changed and how many rows stay awake."""
    n_org = O.org.shape[0]
    n_idx = emp_start.shape[0] - 1
    cnt = 0
    k = 0
    for x in range(m):
        i = awake[x]
        st = status[i]
        now = employer[i] if (st == EMPLOYED or st == FOUNDER) else -1
        if st == GONE:
            now = -1
            if T.deg[i] > 0:
                tk.forget(T, i)
        else:  # the departed go to sleep for good: their ties are forgotten now, they leave
            awake[k] = i  # the books below, and nobody ties to the departed
            k += 1
        if now >= n_org:
            now = -1
        if emp[i] != now:
            moved[cnt] = i
            dest[cnt] = now
            cnt += 1
    keep, strength, gain = int(tp[9]), tp[8], tp[5]
    width = T.slot.shape[1] * 2
    flat = T.slot.reshape(T.slot.size)
    cand = np.empty((RING, max(keep, 1)), np.int64)
    left = 0
    for t in range(cnt + 2 * LAG):
        if t < cnt:  # draw co-workers at the old employer; prefetch index entries and books
            i = moved[t]
            b = t & (RING - 1)
            old = emp[i]
            tk.prefetch(K.k, i)
            if old >= 0:
                tk.prefetch(O.org, old)
            if dest[t] >= 0:
                tk.prefetch(O.org, dest[t])
            ok = old >= 0 and old < n_idx and status[i] != GONE
            for c in range(keep):
                x = tk.member_pos(old, emp_start) if ok else -1
                if x >= 0:
                    tk.prefetch(emp_order, x)
                cand[b, c] = x
        s = t - LAG
        if 0 <= s < cnt:  # who they are; their tie rows
            i = moved[s]
            b = s & (RING - 1)
            tk.prefetch_row(flat, i, width)
            for c in range(keep):
                x = cand[b, c]
                j = -1
                if x >= 0:
                    j = emp_order[x]
                    if j == i or status[j] == GONE:
                        j = -1
                    else:
                        tk.prefetch_row(flat, j, width)
                cand[b, c] = j
        s = t - 2 * LAG
        if 0 <= s < cnt:  # keep the ties, move the knowledge between the books
            i = moved[s]
            b = s & (RING - 1)
            old, now = emp[i], dest[s]
            if old >= 0:
                for c in range(keep):
                    if cand[b, c] >= 0:
                        tk.link(T, i, cand[b, c], tk.FORMER_COWORKER, strength, month, decay,
                                gain)  # fmt: skip
                kv.leave(K, O, i, month, C)
                left += 1
            if now >= 0:
                kv.join(K, O, i, now, month)
            emp[i] = now
    return left, cnt, k


@njit(cache=True)
def _reindex(moved, dest, cnt, order, start, new_order, new_start, gone):
    """The employer index (:func:`ties.index_groups` of ``emp``) after this month's changes,
    from last month's: only the ``cnt`` rows whose employer changed (``moved``, in row order;
    ``dest``: the new employer) move. Each group's stayers (in row order) are merged with its
    joiners (in row order), so the result is the counting sort's, bit for bit, in one pass
    over the old index instead of two over everyone. ``gone``: a flag a row, all False on
    entry and on return."""
    n_groups = start.shape[0] - 1
    new_start[:] = 0
    for t in range(cnt):
        gone[moved[t]] = True
        d = dest[t]
        if d >= 0:
            new_start[d + 1] += 1
    for g in range(n_groups):
        new_start[g + 1] += new_start[g]
    pos = new_start[:-1].copy()
    join = np.empty(max(new_start[n_groups], 1), np.int32)
    for t in range(cnt):  # joiners by group, in row order
        d = dest[t]
        if d >= 0:
            join[pos[d]] = moved[t]
            pos[d] += 1
    w = 0
    y = 0
    for g in range(n_groups):
        ye = pos[g]  # the end of g's joiners
        x, xe = start[g], start[g + 1]
        new_start[g] = w
        while True:
            while x < xe and gone[order[x]]:
                x += 1
            if x < xe:
                a = order[x]
                if y < ye and join[y] < a:
                    new_order[w] = join[y]
                    y += 1
                else:
                    new_order[w] = a
                    x += 1
                w += 1
            elif y < ye:
                new_order[w] = join[y]
                y += 1
                w += 1
            else:
                break
    new_start[n_groups] = w
    for t in range(cnt):
        gone[moved[t]] = False


@njit(cache=True)
def _knowhow_rows(org, theta, domain, dom_cls, vw, vcls, vval, knowhow, depth0):
    """:func:`_knowhow` for every organisation row: take last month's virtual members out,
    put this month's in (``vw`` members knowing ``vval`` of class ``vcls``, kept per row)."""
    for e in range(min(org.shape[0], theta.shape[0])):
        org[e, vcls[e]] -= vval[e]
        org[e, kv.SIZE] -= vw[e]
        th = max(theta[e], 0.0)
        w = knowhow * max(org[e, kv.SIZE], 0.0) if th > 0.0 else 0.0
        c = dom_cls[domain[e]]
        val = w * depth0 * th
        org[e, c] += val
        org[e, kv.SIZE] += w
        vw[e], vcls[e], vval[e] = w, c, val


@njit(cache=True)
def _cofounder_links(T, founded, n_orgs, month, status, emp_order, emp_start, strength, decay,
                     gain):  # fmt: skip
    """Tie every pair of founders (in the employer index's order) of each organisation among
    the first ``n_orgs`` founded last month; returns the ties made or reinforced."""
    made = 0
    for org in range(n_orgs):
        if founded[org] != month - 1:
            continue
        hi = emp_start[org + 1]
        for a in range(emp_start[org], hi):
            i = emp_order[a]
            if status[i] != FOUNDER:
                continue
            for b in range(a + 1, hi):
                j = emp_order[b]
                if status[j] == FOUNDER:
                    made += tk.link(T, i, j, tk.COFOUNDER, strength, month, decay, gain) > 0
    return made


def _cofounder_ties(st: dict, eng, n_orgs: int, month: int) -> int:
    """Founders of the firms founded last month are tied (``cofounder_strength``); they are
    found through the network's employer index (no pass over the people)."""
    tp_ = eng.sc.mechanisms.ties
    return int(_cofounder_links(st["T"], eng.w.O.founded, n_orgs, month, eng.w.P.status,
                                st["emp_order"], st["emp_start"], tp_.cofounder_strength,
                                st["decay"], tp_.use_gain))  # fmt: skip


@njit(cache=True)
def _founder(org, status, emp_order, emp_start):
    """A founder of ``org`` still working there (the first by row; -1 if none)."""
    for x in range(emp_start[org], emp_start[org + 1]):
        if status[emp_order[x]] == FOUNDER:
            return emp_order[x]
    return -1


@njit(cache=True)
def _portfolio_links(T, inv_org, inv, vmonth, month, status, emp_order, emp_start, k, strength,
                     decay, gain):  # fmt: skip
    """For each investment row of last month (``vmonth == month - 1``), tie a founder of the
    funded firm to founders of ``k`` firms drawn from the same investor's rounds (all rows of
    ``inv``, the investor of each row, grouped by investor in row order: a stable counting
    sort); returns the ties made or reinforced."""
    nv = inv.shape[0]
    new = 0
    for x in range(nv):
        new += vmonth[x] == month - 1
    if new == 0:
        return 0
    n_inv = 0  # groups by investor + 1 (a row with no investor, -1, is group 0)
    for x in range(nv):
        n_inv = max(n_inv, inv[x] + 2)
    start = np.zeros(n_inv + 1, np.int64)
    for x in range(nv):
        start[inv[x] + 2] += 1
    for g in range(n_inv):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    by_inv = np.empty(nv, np.int64)
    for x in range(nv):
        by_inv[fill[inv[x] + 1]] = x
        fill[inv[x] + 1] += 1
    made = 0
    n_org = emp_start.shape[0] - 1
    for x in range(nv):
        if vmonth[x] != month - 1:
            continue
        org = inv_org[x]
        if org < 0 or org >= n_org:
            continue
        a = _founder(org, status, emp_order, emp_start)
        if a < 0:
            continue
        lo, hi = start[inv[x] + 1], start[inv[x] + 2]
        if hi - lo < 2:
            continue
        for _ in range(k):
            other = inv_org[by_inv[lo + np.random.randint(hi - lo)]]
            if other == org or other < 0 or other >= n_org:
                continue
            b = _founder(other, status, emp_order, emp_start)
            if b >= 0:
                made += tk.link(T, a, b, tk.INVESTOR, strength, month, decay, gain) > 0
    return made


def _investor_ties(st: dict, eng, month: int) -> int:
    """Founders of firms funded last month meet founders of the investor's other portfolio
    firms (``portfolio_ties`` each, ``investor_strength``): investors' portfolios as a source
    of non-geographic ties (issue 14 item 1; Lindsey 2008)."""
    tp_ = eng.sc.mechanisms.ties
    V = eng.w.V
    nv = int(V.n[0])
    if tp_.portfolio_ties <= 0 or nv < 2:
        return 0
    return int(_portfolio_links(st["T"], V.org[:nv], V.investor[:nv], V.month[:nv], month,
                                eng.w.P.status, st["emp_order"], st["emp_start"],
                                int(tp_.portfolio_ties), float(tp_.investor_strength),
                                st["decay"], float(tp_.use_gain)))  # fmt: skip


@njit(cache=True)
def _novel(combos_before, a, b, familiar):
    """How many of this month's ideas combined a class pair used fewer than ``familiar``
    times before them (novel combinations, Fleming 2001): before last month's count of the
    pair plus this month's earlier ideas on it."""
    flat = combos_before.ravel()
    seen = np.zeros(flat.shape[0], np.int64)
    novel = 0
    for t in range(a.shape[0]):
        k = np.int64(a[t]) * kv.D + np.int64(b[t])
        if flat[k] + seen[k] < familiar:
            novel += 1
        seen[k] += 1
    return novel


def _knowhow(st: dict, eng, n_orgs: int) -> None:
    """Firms' own know-how in what their people learn (``firm_knowhow``): each organisation's
    knowledge sum holds, beside its people's vectors, a share of virtual members knowing
    ``θ · knowhow_depth · initial_depth`` of its domain's class, so people of better firms
    learn more of it and carry it into their spin-offs. Last month's share is taken out first
    (the sums are kept incrementally)."""
    kp = eng.sc.mechanisms.knowledge_vectors
    O = eng.w.O
    depth = kp.knowhow_depth * kp.initial_depth
    k = min(int(O.n[0]), n_orgs)  # rows not used yet have nobody and no know-how
    _knowhow_rows(st["O"].org, O.theta[:k], O.domain[:k], st["dom_cls"], st["vw"],
                  st["vcls"], st["vval"], kp.firm_knowhow, depth)  # fmt: skip


def _grow(st: dict, cap: int, n_orgs: int, sc) -> None:
    """(Re)size the network's per-person and per-organisation arrays, keeping their contents.
    Rows to come are empty (newcomers are seeded when they arrive: :func:`_seed_knowledge`)."""
    tp_ = sc.mechanisms.ties
    T = st.get("T")
    if T is None or T.slot.shape[0] < cap:
        new = tk.new_ties(cap, tp_.slots, fill=False)  # rows readied on arrival (_sync)
        Knew = kv.empty_knowledge(cap)
        emp = np.full(cap, -1, np.int32)
        if T is not None:
            m = T.slot.shape[0]
            new.slot[:m] = T.slot
            new.deg[:m] = T.deg
            Knew.meta[:m] = st["K"].meta
            Knew.k[:m] = st["K"].k
            emp[:m] = st["emp"]
        emp[st.get("n", 0) :] = -1
        st["T"], st["K"], st["emp"] = new, Knew, emp
        order = np.zeros(cap, np.int32)  # the employer index stays valid (rows < n)
        if "emp_order" in st:
            order[: st["emp_order"].shape[0]] = st["emp_order"]
        st["emp_order"], st["emp_order2"] = order, np.zeros(cap, np.int32)
        st["gone"] = np.zeros(cap, np.bool_)
        st["group"] = np.full(cap, -1, np.int32)
    O = st.get("O")
    if O is None or O.org.shape[0] < n_orgs:
        org = np.zeros((n_orgs, kv.D + 2), np.float64)
        vw, vcls, vval = np.zeros(n_orgs), np.zeros(n_orgs, np.int64), np.zeros(n_orgs)
        if O is not None:
            m = O.org.shape[0]
            org[:m] = O.org
            vw[:m], vcls[:m], vval[:m] = st["vw"], st["vcls"], st["vval"]
        st["O"] = kv.OrgKnowledge(org=org)
        st["vw"], st["vcls"], st["vval"] = vw, vcls, vval
        start = np.zeros(n_orgs + 1, np.int64)
        if "emp_start" in st:  # new organisations have nobody yet
            m = st["emp_start"].shape[0]
            start[:m] = st["emp_start"]
            start[m:] = st["emp_start"][-1]
        st["emp_start"], st["emp_start2"] = start, np.zeros(n_orgs + 1, np.int64)


def _index_employers(st: dict, emp, n: int, n_orgs: int, moved, cnt: int, dest) -> None:
    """This month's employer index (``emp_order``/``emp_start``, members in row order): from
    last month's and the rows that changed (:func:`_reindex`), or, the first month, by a
    counting sort of everyone. The two buffers take turns."""
    if not st.get("indexed"):
        tk.index_groups(emp[:n], n_orgs, st["emp_order"], st["emp_start"])
        st["indexed"] = True
        return
    _reindex(moved, dest, cnt, st["emp_order"], st["emp_start"], st["emp_order2"],
             st["emp_start2"], st["gone"])  # fmt: skip
    st["emp_order"], st["emp_order2"] = st["emp_order2"], st["emp_order"]
    st["emp_start"], st["emp_start2"] = st["emp_start2"], st["emp_start"]


def _class_domains(n_domains: int) -> np.ndarray:
    """For each knowledge class, a domain (-1: no domain maps to it)."""
    out = np.full(kv.D, -1, np.int64)
    for d in range(min(n_domains, kv.D)):
        out[d] = d
    return out


def _domain_classes(n_domains: int) -> np.ndarray:
    """The knowledge class of each domain (``d % 8``)."""
    return np.arange(n_domains) % kv.D


#: rows of :func:`_seed_rows` a thread readies at a time (scratch arrays are per chunk)
SEED_CHUNK = 8192


@njit(cache=True)
def _seed_draws(m):
    """The draws :func:`_seed_rows` takes before readying ``m`` rows, in this order: the
    SplitMix64 stream's state (:func:`ties.new_stream`), then one normal draw a row from
    Numba's generator, in row order."""
    s0 = tk.new_stream()[0]
    z = np.empty(m)
    for t in range(m):
        z[t] = np.random.standard_normal()
    return s0, z


@njit(cache=True)
def _seed_chunk(t0, t1, s0, z, k, lo, employer, org_domain, cell, kf, dom_cls,
                employer_weight, field_weight, initial_depth, T, meta, emp, month):  # fmt: skip
    """Ready rows ``lo + t0 .. lo + t1 - 1`` (:func:`_seed_rows`); row ``lo + t`` reads
    ``z[t]`` and draws ``7t + 1 .. 7t + 7`` of the stream of state ``s0``."""
    n_org, nd, D = org_domain.shape[0], kf.shape[1], k.shape[1]
    mix = np.empty(D)
    cut = np.empty(D + 1)
    for t in range(t0, t1):
        i = lo + t
        cut[0], cut[D] = 0.0, 1.0
        j = np.uint64(t) * np.uint64(D - 1)
        for d in range(1, D):  # insertion sort of D - 1 uniforms
            x = tk.uniform_at(s0, j + np.uint64(d))
            s = d
            while s > 1 and cut[s - 1] > x:
                cut[s] = cut[s - 1]
                s -= 1
            cut[s] = x
        for d in range(D):
            mix[d] = cut[d + 1] - cut[d]
        e = employer[i]
        if 0 <= e < n_org:
            mix[dom_cls[org_domain[e]]] += employer_weight
        cc = cell[i]
        ft = 0.0
        for d in range(nd):
            ft += kf[cc, d]
        if ft > 0.0:
            fw = field_weight / ft
            for d in range(nd):
                mix[dom_cls[d]] += fw * kf[cc, d]
        norm = 0.0
        for d in range(D):
            norm += mix[d] * mix[d]
        f = initial_depth * np.exp(0.25 * z[t]) / np.sqrt(norm)
        for d in range(D):
            k[i, d] = np.float32(mix[d] * f)
        meta[i, kv.SEEN] = month
        meta[i, kv.HIRED] = month
        meta[i, kv.EMP] = -1
        meta[i, kv.IDEAS] = 0
        emp[i] = -1
        tk.clear_row(T, i)


@njit(cache=True, parallel=True)
def _seed_rows_parallel(k, lo, hi, employer, org_domain, cell, kf, dom_cls, employer_weight,
                        field_weight, initial_depth, T, meta, emp, month):  # fmt: skip
    """:func:`_seed_rows` with its chunks spread over the cores (rows readied in parallel,
    chunk by chunk, with the draws of the serial order)."""
    m = hi - lo
    if m <= 0:
        return
    s0, z = _seed_draws(m)
    chunks = (m + SEED_CHUNK - 1) // SEED_CHUNK
    for c in prange(chunks):
        _seed_chunk(c * SEED_CHUNK, min(m, (c + 1) * SEED_CHUNK), s0, z, k, lo, employer,
                    org_domain, cell, kf, dom_cls, employer_weight, field_weight,
                    initial_depth, T, meta, emp, month)  # fmt: skip


@njit(cache=True)
def _seed_rows_serial(k, lo, hi, employer, org_domain, cell, kf, dom_cls, employer_weight,
                      field_weight, initial_depth, T, meta, emp, month):  # fmt: skip
    """:func:`_seed_rows` in one chunk on the calling thread (a month's few newcomers: a
    parallel region's start-up would cost more than their rows)."""
    m = hi - lo
    if m <= 0:
        return
    s0, z = _seed_draws(m)
    _seed_chunk(0, m, s0, z, k, lo, employer, org_domain, cell, kf, dom_cls, employer_weight,
                field_weight, initial_depth, T, meta, emp, month)  # fmt: skip


def _seed_rows(k, lo, hi, employer, org_domain, cell, kf, dom_cls, employer_weight,
               field_weight, initial_depth, T, meta, emp, month):  # fmt: skip
    """:func:`_seed_knowledge` for rows ``lo..hi-1``, one pass and no temporaries; each row is
    also readied for :func:`_sync` while in cache (updated and hired now, no employer as
    learning sees it, no ideas, no ties). The Dirichlet(1) mix is the spacings of 7 sorted
    uniforms (the same law as normalised exponentials, without 8 logarithms a person).

    More than ``SEED_CHUNK`` rows (the first month's everyone) are readied in parallel,
    chunk by chunk, with the draws of the serial order: the depths' normal draws come first
    from Numba's generator, one a row in row order, and row ``t`` takes draws
    ``7t + 1 .. 7t + 7`` of the SplitMix64 stream, which are the stream's state plus a
    multiple of its increment (:func:`ties.uniform_at`), so every thread count gives the same
    rows, bit for bit (a million newcomers took 500 ms on one core). A later month's few
    newcomers are readied on the calling thread: starting the parallel region cost some
    60 µs a month, more than their rows."""
    fn = _seed_rows_parallel if hi - lo > SEED_CHUNK else _seed_rows_serial
    fn(k, lo, hi, employer, org_domain, cell, kf, dom_cls, employer_weight, field_weight,
       initial_depth, T, meta, emp, month)  # fmt: skip


def _seed_knowledge(st: dict, lo: int, hi: int, eng) -> None:
    """Knowledge of the people in rows ``lo..hi-1`` (new this month; their rows are readied
    for :func:`_sync` in the same pass): a Dirichlet(1) mix plus
    ``employer_weight`` on the employer's domain and ``field_weight`` on the local knowledge
    field's mix (their cell's universities, labs and anchors), depth about ``initial_depth``
    (log-normal, σ 0.25)."""
    if hi <= lo:
        return
    kp, w = eng.sc.mechanisms.knowledge_vectors, eng.w
    weights = float(kp.employer_weight), float(kp.field_weight), float(kp.initial_depth)
    _seed_rows(st["K"].k, lo, hi, w.P.employer, w.O.domain, w.P.cell, w.G.kf, st["dom_cls"],
               *weights, st["T"], st["K"].meta, st["emp"], int(eng.month))  # fmt: skip
    # graduates start with a share of their university's vector (institution_knowledge)
    ik.graduates_start(st["K"].k, lo, hi, w.P.uni, st["inst"], kp.graduate_share)


@njit(cache=True)
def _standardise(theta, alive, used, quality_effect, quality, org):
    """Employers' standardised potential ``quality`` (theta less the mean of the living among
    the ``used`` rows, over their standard deviation; 1 when none lives or all are alike) and
    the learning multiplier ``exp(quality_effect x quality)`` of the used rows. The mean and
    deviation are NumPy's (``mean``, ``std``: the same order of summation), one pass where
    NumPy took a dozen calls."""
    live = np.empty(used)
    k = 0
    for e in range(used):
        if alive[e] > 0:
            live[k] = theta[e]
            k += 1
    mean, sd = 0.0, 1.0
    if k:
        mean = pm.pairwise_sum(live, 0, k) / k
        for t in range(k):
            x = live[t] - mean
            live[t] = x * x
        sd = math.sqrt(pm.pairwise_sum(live, 0, k) / k)
    div = sd if sd > 0 else 1.0
    for e in range(quality.shape[0]):
        quality[e] = (theta[e] - mean) / div
    for e in range(used):
        org[e, kv.MULT] = math.exp(quality_effect * quality[e])


def _meeting(eng, tp_, st: dict) -> np.ndarray:
    """Chance per cell that an attempt becomes an encounter, from its third places (kept in
    ``st`` while the regions' third places stay as they were: policies change them rarely)."""
    w = eng.w
    third = np.asarray(w.R.third_places, np.float64)
    kept = st.get("meet_of")
    if kept is not None and np.array_equal(kept, third):
        return st["meet"]
    st["meet_of"] = third.copy()
    cell_km2 = eng.sc.mechanisms.contacts.cell_km**2
    places = w.R.third_places[w.G.cell_region] * cell_km2
    zeros = np.zeros_like(places)
    return tk.meeting_chance(places, zeros, zeros, tp_)


@njit(cache=True, inline="always")
def _origin_code(kind):
    """Origin code of an idea of a person working for an organisation of ``kind`` (-1: none):
    M2's codes (anchor, facility, startup, else grassroots). The parent is the employer
    whatever its kind, so a founder who left an SME, a listed, incumbent or state-owned firm
    or a university is traced to it (``metrics.channels.founding_channel`` reads it)."""
    if kind == ANCHOR:
        return FROM_ANCHOR
    if kind == FACILITY:
        return FROM_FACILITY
    if kind == STARTUP:
        return FROM_STARTUP
    return GRASSROOTS


@njit(cache=True)
def _idea_rows(person, k, status, spinoffs_on, rows):
    """Rows of the month's ``k`` ideas that are founding candidates now (with people's
    spin-offs on, an employee's idea waits among their unpursued ideas); returns how many."""
    m = 0
    for x in range(k):
        if not spinoffs_on or status[person[x]] != EMPLOYED:
            rows[m] = x
            m += 1
    return m


@njit(cache=True)
def _idea_classes(a, b, rows, u, out):
    """The knowledge class an idea is in: one of its two classes, each with chance 1/2."""
    for t in range(rows.shape[0]):
        x = rows[t]
        out[t] = a[x] if u[t] < 0.5 else b[x]


@njit(cache=True)
def _queue_ideas(C, buf, rows, domain, employer, org_kind):
    """Ideas ``rows`` of the buffer queued for the founding decision (as many as fit), with
    the origin and parent of their person's employer."""
    for t in range(rows.shape[0]):
        x = rows[t]
        i = buf.person[x]
        e = employer[i]
        origin = _origin_code(org_kind[e] if e >= 0 else -1)
        add_cand(C, i, buf.partner[x], np.float64(buf.quality[x]), domain[t], origin,
                 e if e >= 0 else -1)  # fmt: skip


def _idea_domains(st, classes: np.ndarray, region: np.ndarray, base_mix) -> np.ndarray:
    """Domain of ideas in knowledge ``classes``; a class no domain maps to takes the region's
    industry mix."""
    dom = st["cls_dom"][classes]
    free = np.nonzero(dom < 0)[0]
    if free.size:
        cdf = np.cumsum(base_mix, axis=1)
        cdf /= cdf[:, -1:]
        u = st["rng"].random(free.size)
        r = region[free]
        dom[free] = np.minimum((u[:, None] > cdf[r]).sum(axis=1), base_mix.shape[1] - 1)
    return dom


def month_hook(eng) -> None:
    """``ties.month``: the living network's month for the engine's people (NumPy side)."""
    mech = eng.sc.mechanisms
    tp_ = mech.ties
    if not tp_.enabled:
        return
    kp, rp_ = mech.knowledge_vectors, mech.recombination
    w = eng.w
    P, O = w.P, w.O
    n, cap, n_orgs = int(P.n[0]), P.status.shape[0], O.kind.shape[0]
    st = eng.cache.setdefault("ties", {})
    if not st:
        st["rng"] = np.random.default_rng(int(eng.rng.integers(2**63)))
        st["decay"] = tk.decay_table(tp_.half_life_months)
        learn = kp if kp.enabled else kp.model_copy(update={"eta": 0.0})
        st["C"] = kv.learning_integral(learn)
        st["tie_rate"] = float(kp.tie_rate) if kp.enabled else 0.0
        st["rp"] = rc.params_tuple(rp_ if rp_.enabled else rp_.model_copy(update={"p0": 0.0}))
        st["tp"] = (*tk.params_tuple(tp_), float(tp_.coworkers_kept))
        st["combos"] = np.zeros((kv.D, kv.D), np.int64)
        st["Gd"] = tk.grid(w.G.reg_cell0, w.G.reg_ncell)
        st["grp_order"], st["grp_start"] = np.zeros(1, np.int32), np.zeros(1, np.int64)
        st["n"] = 0
        st["out"] = np.zeros(len(ln.COUNTERS), np.int64)
        st["dom_cls"] = _domain_classes(len(w.domain_names))
        st["cls_dom"] = _class_domains(len(w.domain_names))
    _grow(st, cap, n_orgs, eng.sc)
    T, K, Ok = st["T"], st["K"], st["O"]
    month = int(eng.month)
    ik.refresh(st, eng)  # universities' and facilities' knowledge vectors
    _seed_knowledge(st, st["n"], n, eng)
    st["meet"] = _meeting(eng, tp_, st)
    used = min(int(O.n[0]), n_orgs)  # rows not used yet have nobody to teach, and none lives
    quality = np.empty(n_orgs)  # employers' standardised potential
    _standardise(O.theta, O.alive, used, float(kp.quality_effect), quality, Ok.org)
    emp = st["emp"]
    if st.get("moved") is None or st["moved"].shape[0] < n:
        st["moved"], st["dest"] = np.empty(cap, np.int64), np.empty(cap, np.int64)
    moved, dest = st["moved"], st["dest"]  # kept: untouched pages cost nothing
    lo, m = st["n"], st.get("awake_n", 0)  # rows lo..n-1 are new this month: awake
    awake = st.get("awake")
    if awake is None or awake.shape[0] < m + n - lo:
        grown = np.empty(max(cap, m + n - lo), np.int32)
        if awake is not None:
            grown[:m] = awake[:m]
        st["awake"] = awake = grown
    awake[m : m + n - lo] = np.arange(lo, n)
    _, cnt, st["awake_n"] = _sync(T, K, Ok, st["C"], P.status, P.employer, emp, awake,
                                  m + n - lo, month, st["emp_order"], st["emp_start"], st["tp"],
                                  st["decay"], moved, dest)  # fmt: skip
    st["n"] = n
    _index_employers(st, emp, n, n_orgs, moved, cnt, dest)
    # rows not used yet have nobody (their founding month means nothing)
    st["cofounder_ties"] = st.get("cofounder_ties", 0) + _cofounder_ties(st, eng, used, month)
    st["investor_ties"] = st.get("investor_ties", 0) + _investor_ties(st, eng, month)
    if kp.enabled:
        _knowhow(st, eng, n_orgs)
        ik.teach_staff(Ok.org, st["inst"], kp.institution_weight)
    alive = P.status[:n] != GONE
    al.update(st, P, n, alive, tp_.alumni_cohort_years, tp_.alumni_share)  # alumni groups
    # the engine's index of living people by cell (contacts.index_cells, this month; nobody
    # moves, arrives or leaves between it and this hook) is the one encounters by rank need
    cell_order, cell_start = eng.cell_order, eng.cell_start
    tk.fill_sat(st["Gd"], cell_start)
    out = st["out"]
    before = out.copy()
    combos_before = st["combos"].copy()
    buf = rc.new_buffer(max(1024, n // 50))
    # cross-region encounters: M12's share and partner regions, as M17's online communities
    # and data rules rewrote them this month (one region: a 1 x 1 table, no draw added)
    remote_share = float(eng.inputs.get("remote_share", 0.0))
    remote_cdf = np.ascontiguousarray(eng.inputs.get("remote_cdf", _ONE_REGION), np.float64)
    ln.network_month(
        T, K, Ok, st["C"], st["combos"], buf, month, n, P.cell, P.region, alive, emp,
        st["emp_order"], st["emp_start"], st["meet"], st["Gd"], cell_order, cell_start,
        remote_share, remote_cdf, st["group"], st["grp_order"], st["grp_start"], st["decay"],
        st["tp"][:9],
        st["tie_rate"], st["rp"], out,
    )  # fmt: skip
    nr = eng.acc.shape[0]
    c0, nc = w.G.reg_cell0, w.G.reg_ncell
    living = (cell_start[c0 + nc] - cell_start[c0]).astype(np.float64)  # by region
    share = living / max(living.sum(), 1.0)
    eng.acc[:, accounts.column("ties_formed")] += (out[1] - before[1]) * share
    k = int(buf.n[0])
    st["ideas"] = st.get("ideas", 0) + k
    st["novel"] = st.get("novel", 0) + int(
        _novel(combos_before, buf.a[:k], buf.b[:k], float(rp_.familiar_uses))
    )
    person = buf.person[:k]
    region = P.region[person]
    eng.acc[:, accounts.column("recombinant_ideas")] += np.bincount(region, minlength=nr)
    spp = mech.people_spinoffs
    if rp_.enabled and k:
        # the ideas are the month's founding candidates (M2's contact lottery is off); with
        # people's spin-offs on, an employee's idea is not pursued at once: it counts among
        # their unpursued ideas, which raise the hazard of leaving to found (M16)
        rows = np.empty(k, np.int64)
        rows = rows[: _idea_rows(buf.person, k, P.status, spp.enabled, rows)]
        u = st["rng"].random(rows.size)
        classes = np.empty(rows.size, np.int64)
        _idea_classes(buf.a, buf.b, rows, u, classes)
        domain = _idea_domains(st, classes, region[rows], w.base_mix)
        _queue_ideas(eng.C, buf, rows, domain, P.employer, O.kind)
    if spp.enabled:
        founders = np.zeros(max(64, n // 100), np.int64)
        parents = np.zeros_like(founders)
        growth = _growth(st, O, n_orgs)
        pull = np.ones(n_orgs, np.float64)  # rows not used yet employ nobody
        sp.org_pull(O, w.glob, used, spp, out=pull)
        m = sp.draw_spinoffs(K, Ok, st["C"], alive, n, month, quality, growth, pull,
                             sp.params_tuple(spp), founders, parents)  # fmt: skip
        founders, parents = founders[:m], parents[:m]
        eng.acc[:, accounts.column("people_spinoffs")] += np.bincount(
            P.region[founders], minlength=nr
        )
        if m:
            _queue_spinoffs(st, eng, founders, parents)


def _growth(st: dict, O, n_orgs: int) -> np.ndarray:
    """Each organisation's log growth of head count over the last 12 months (its trajectory,
    for the spin-off hazard), from a ring of monthly log head counts kept here."""
    hist = st.get("emp_hist")
    if hist is None or hist.shape[1] < n_orgs:
        grown = np.zeros((12, n_orgs), np.float64)
        if hist is not None:
            grown[:, : hist.shape[1]] = hist
        st["emp_hist"] = hist = grown
        st.setdefault("hist_at", 0)
    at = st["hist_at"]
    k = min(int(O.n[0]), n_orgs)  # rows not used yet have nobody, now and then: growth 0
    out = np.zeros(n_orgs, np.float64)
    _growth_ring(O.emp, k, hist, at, out)
    st["hist_at"] = at + 1
    return out


@njit(cache=True)
def _growth_ring(emp, k, hist, at, out):
    """:func:`_growth`'s pass: ``out[e]`` = log(1 + head count) now less 12 months ago (from
    the 13th call), and now's into the ring's row ``at % 12``."""
    row = at % 12
    for e in range(k):
        now = math.log1p(np.float64(emp[e]))
        if at >= 12:
            out[e] = now - hist[row, e]
        hist[row, e] = now


@njit(cache=True)
def _mates_from_ties(T, founders, month, decay, u, mate):
    """``mate[x]``: a tie partner of ``founders[x]`` drawn by effective strength with the
    uniform ``u[x]`` (-1 for a founder with no ties)."""
    for x in range(founders.shape[0]):
        i = founders[x]
        s = tk.pick_by_strength_u(T, i, month, decay, u[x])
        if s >= 0:
            mate[x] = T.slot[i, s, 0]


def _queue_spinoffs(st: dict, eng, founders: np.ndarray, parents: np.ndarray) -> None:
    """People's spin-off draws become spin-out candidates for the founding decision: the
    parent's domain (or, with chance ``1 − spinout_same_domain``, one of the founder's
    classes), a co-worker as possible co-founder, quality log-normal times the founder's depth
    of knowledge (what they learned) and the local knowledge field, as M7 did. With
    ``people_spinoffs.cofounder_from_ties`` the co-founder is drawn among the founder's ties.

    Two compiled passes around the month's NumPy draws (:func:`_spin_prepare`,
    :func:`_spin_queue`), which keep their order and sizes: the quality's normals, the
    same-domain uniforms, the founders' own classes' domains (:func:`_idea_domains`), the
    co-founders' uniforms."""
    w, rng = eng.w, st["rng"]
    P, O, G, glob = w.P, w.O, w.G, w.glob
    m = founders.shape[0]
    depth = np.empty(m)
    own = np.empty(m, np.int64)
    d0 = max(eng.sc.mechanisms.knowledge_vectors.initial_depth, 1e-12)
    n_ok = _spin_prepare(st["K"].k, founders, parents, eng.emp_start, d0, depth, own)
    z = rng.normal(0.0, glob.qsd, m)
    same = rng.random(m)
    idea = _idea_domains(st, own, P.region[founders], w.base_mix)
    mate = np.full(m, -1, np.int32)
    from_ties = eng.sc.mechanisms.people_spinoffs.cofounder_from_ties
    if from_ties:
        # among the founder's ties by strength: a remote tie can bring a co-founder from
        # another region (M3 lets one join with the hybrid-collaboration chance)
        _mates_from_ties(st["T"], founders, eng.month, st["decay"], rng.random(m), mate)
        u = _NO_DRAWS
    else:
        u = rng.random(n_ok)
    _spin_queue(eng.C, founders, parents, depth, z, same, idea, u, not from_ties, mate,
                P.cell, G.ktot, float(glob.k_quality), float(glob.spin_quality),
                float(glob.spin_same_domain), O.domain, O.kind, eng.emp_start,
                eng.emp_order)  # fmt: skip


_NO_DRAWS = np.zeros(0, np.float64)


@njit(cache=True)
def _spin_prepare(k, founders, parents, emp_start, d0, depth, own):
    """Each founder's depth of knowledge (the norm of their vector, as ``np.linalg.norm`` sums
    it, over ``d0``) and own class (the first largest), and how many parents have a co-worker
    to draw (more than one employee)."""
    D = k.shape[1]
    sq = np.empty(D)
    n_ok = 0
    for x in range(founders.shape[0]):
        i = founders[x]
        best = 0
        for d in range(D):
            if k[i, d] > k[i, best]:
                best = d
        depth[x] = kv.depth_of(k, i, sq) / d0
        own[x] = best
        e = parents[x]
        n_ok += emp_start[e + 1] - emp_start[e] > 1
    return n_ok


@njit(cache=True)
def _spin_queue(C, founders, parents, depth, z, same, idea, u, from_index, mate, cell, ktot,
                k_quality, spin_quality, same_domain, org_domain, org_kind, emp_start,
                emp_order):  # fmt: skip
    """The spin-outs' quality, domain, origin, parent and co-founder (from the employer index
    with the uniforms ``u``, one a parent with a co-worker, when ``from_index``; else ``mate``
    as drawn among ties) queued for the founding decision (as many as fit)."""
    t = 0
    for x in range(founders.shape[0]):
        i = founders[x]
        e = parents[x]
        if from_index:
            lo, size = emp_start[e], emp_start[e + 1] - emp_start[e]
            if size > 1:
                mate[x] = emp_order[lo + np.int64(u[t] * size)]
                t += 1
        if mate[x] == i:
            mate[x] = -1
        q = math.exp(z[x]) * (1.0 + k_quality * ktot[cell[i]]) * spin_quality * depth[x]
        d = org_domain[e] if same[x] < same_domain else idea[x]
        origin = _origin_code(org_kind[e] if e >= 0 else -1)
        add_cand(C, i, mate[x], q, d, origin, e if e >= 0 else -1)


TIES = declare(
    Mechanism(
        code="M13",
        name="ties",
        title="Persistent ties: encounters by rank, co-workers, closure, decay unless used",
        module=__name__,
        params=(
            "mechanisms.ties",
            "regions.*.third_places_per_km2",
            "mechanisms.contacts.remote_share",
            "mechanisms.connect",
        ),
        columns=(
            Column("People", "tie_slot", "int32[K, 2]", "partner and packed strength/kind/month"),
            Column("People", "tie_deg", "uint8", "used tie slots"),
            Column("People", "alumni_group", "int32", "university x cohort window (alumni.py)"),
        ),
        metrics=("ties_formed",),
        hooks=(Hook("ties.month", month_hook, compiled=False, doc="the living network's month"),),
        off={"mechanisms.ties.enabled": False},
        direction_tests=(
            "tests/test_ties.py::test_denser_places_give_more_near_ties_without_an_exponent",
            "tests/test_ties.py::test_closure_raises_clustering",
            "tests/test_ties.py::test_unused_ties_decay_and_are_forgotten_used_ones_last",
            "tests/test_m13_network.py::test_third_places_raise_encounters_in_the_engine",
            "tests/test_m13_network.py::test_investors_portfolios_tie_their_founders",
            "tests/test_remote_ties.py::test_hybrid_collaboration_raises_cross_region_ties",
            "tests/test_remote_ties.py::test_online_communities_raise_and_data_rules_cut_remote_ties",
            "tests/test_alumni.py::test_alumni_of_one_cohort_are_tied_more_often_than_random_pairs",
        ),
        references=("Liben-Nowell et al. 2005", "Pan et al. 2013", "Kossinets & Watts 2006"),
    )
)

KNOWLEDGE_VECTORS = declare(
    Mechanism(
        code="M14",
        name="knowledge_vectors",
        title="People's knowledge vectors: learning on the job and through ties",
        module=__name__,
        params=("mechanisms.knowledge_vectors",),
        columns=(
            Column("People", "knowledge_row", "int32[16]", "vector, months, employer, ideas"),
        ),
        off={"mechanisms.knowledge_vectors.enabled": False},
        direction_tests=(
            "tests/test_knowledge_vec.py::test_learning_moves_people_toward_their_employer",
            "tests/test_knowledge_vec.py::"
            "test_better_firms_teach_faster_and_learning_slows_with_tenure",
            "tests/test_alumni.py::"
            "test_a_universitys_research_mix_raises_its_graduates_knowledge_in_that_class",
            "tests/test_alumni.py::test_a_facilitys_breakthroughs_raise_its_staffs_knowledge",
        ),
        references=("Argote & Epple 1990", "Cohen & Levinthal 1990", "Singh 2005"),
    )
)

RECOMBINATION = declare(
    Mechanism(
        code="M15",
        name="recombination",
        title="Recombinant ideas from tied pairs: inverted U in distance, novelty risk, wear-out",
        module=__name__,
        params=("mechanisms.recombination",),
        metrics=("recombinant_ideas",),
        off={"mechanisms.recombination.enabled": False},
        direction_tests=(
            "tests/test_recombination.py::test_ideas_are_commonest_at_middling_distance",
            "tests/test_recombination.py::"
            "test_novel_combinations_have_lower_mean_and_higher_variance",
            "tests/test_m13_network.py::test_recombinant_ideas_found_firms",
        ),
        references=("Weitzman 1998", "Nooteboom et al. 2007", "Fleming 2001"),
    )
)

PEOPLE_SPINOFFS = declare(
    Mechanism(
        code="M16",
        name="people_spinoffs",
        title="Employees' hazard of leaving to found, from knowledge, tenure and the employer",
        module=__name__,
        params=("mechanisms.people_spinoffs",),
        metrics=("people_spinoffs",),
        off={"mechanisms.people_spinoffs.enabled": False},
        direction_tests=(
            "tests/test_spinoff_people.py::test_hazard_rises_with_each_driver_and_with_decline",
            "tests/test_spinoff_people.py::"
            "test_thinned_draws_match_the_hazard_and_favour_better_parents",
            "tests/test_m13_network.py::test_people_spinoffs_replace_spinout_rates",
        ),
        references=("Klepper 2007", "Eriksson & Kuhn 2006", "Agarwal et al. 2004"),
    )
)

MECHANISMS = (TIES, KNOWLEDGE_VECTORS, RECOMBINATION, PEOPLE_SPINOFFS)


def network_state(eng) -> dict | None:
    """What the measures of a finished run need from the living network (``None`` when it
    was off): the tie table over the people's rows, their cells, the month, the decay table,
    and the counts of ideas, novel combinations and co-founder ties."""
    st = eng.cache.get("ties")
    if not st:
        return None
    n = int(st["n"])
    return {
        "slot": st["T"].slot[:n],
        "deg": st["T"].deg[:n],
        "alive": eng.w.P.status[:n] != GONE,
        "cell": eng.w.P.cell[:n],
        "month": int(eng.month),
        "decay": st["decay"],
        "ideas": int(st.get("ideas", 0)),
        "novel": int(st.get("novel", 0)),
        "cofounder_ties": int(st.get("cofounder_ties", 0)),
        "investor_ties": int(st.get("investor_ties", 0)),
        "counters": dict(zip(ln.COUNTERS, (int(x) for x in st["out"]), strict=True)),
    }


#: the switches that turn the living network on (``rainforest run ... --network``)
ON = {
    "mechanisms.ties.enabled": True,
    "mechanisms.knowledge_vectors.enabled": True,
    "mechanisms.recombination.enabled": True,
    "mechanisms.people_spinoffs.enabled": True,
}
