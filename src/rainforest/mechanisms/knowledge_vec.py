"""Knowledge that moves: a small vector per person, learned on the job and through ties.

Each person carries ``k_i``, a float32 vector over ``D`` technology classes (D = 8 here: the
amount a person knows of each class, so its direction is the mix and its norm the depth;
Jaffe 1986 measures firms' technological position the same way, by their patent classes).
An organisation's knowledge is the mean of its people's vectors, kept incrementally as a sum
and a head count, so firms get better by hiring and by what their people learn.

Learning on the job (a learning curve: Argote & Epple 1990) follows
``dk/dt = η(τ) m_e (K_e − k)`` with ``η(τ) = eta / (1 + τ / tenure_months)`` falling with tenure
``τ`` and ``m_e = exp(quality_effect · q_e)`` higher in better firms (``q_e``: the employer's
standardised quality). Nobody is updated every month: when a person is used (acts, is a
partner, is counted), :func:`catch_up` applies the closed form
``k ← K_e + (k − K_e) · exp(−m_e (C(τ1) − C(τ0)))`` with ``C`` the integral of ``η`` read from a
table by tenure month, taking ``K_e`` at its current value. Ties pass knowledge at a rate set
by their strength: each partner learns ``rate · s · max(k_j − k_i, 0)`` (nobody unlearns by
talking; Singh 2005, Almeida & Kogut 1999 on knowledge flowing through people and mobility).

References: Jaffe (1986), American Economic Review 76:984; Argote & Epple (1990), Science
247:920; Cohen & Levinthal (1990), Administrative Science Quarterly 35:128 (absorptive capacity);
Almeida & Kogut (1999), Management Science 45:905; Singh (2005), Management Science 51:756.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import njit

from rainforest.mechanisms import portable_math as pm
from rainforest.scenario.schema import KnowledgeParams

D = 8  # technology classes of the compact vector
TENURES = 1200  # months tabulated for the learning integral (100 years)
ROW = 16  # 4-byte words per person: one 64-byte cache line
SEEN, HIRED, EMP, IDEAS = 0, 1, 2, 3  # columns of Knowledge.meta
SIZE, MULT = D, D + 1  # columns of OrgKnowledge.org after the D sums

# One row per person, 64-byte aligned, so that using a partner costs one cache line:
# ``k`` (float32, D columns) and ``meta`` (int32: month of the last update, month hired,
# employer as learning sees it, unpursued ideas) are two views of the same buffer.
Knowledge = namedtuple("Knowledge", "k meta")
# One row per organisation (float64): the D sums of its people's vectors, head count and
# learning multiplier.
OrgKnowledge = namedtuple("OrgKnowledge", "org")


def learning_integral(p: KnowledgeParams) -> np.ndarray:
    """``C[τ] = Σ_{s<τ} eta / (1 + s / tenure_months)`` for ``τ`` in ``0..TENURES`` months."""
    s = np.arange(TENURES)
    c = np.zeros(TENURES + 1, np.float64)
    c[1:] = np.cumsum(p.eta / (1.0 + s / p.tenure_months))
    return c


def _aligned_rows(n_rows: int) -> np.ndarray:
    """Zeroed int32 array of shape (n_rows, ROW) whose rows start on 64-byte boundaries."""
    raw = np.zeros(n_rows * ROW + ROW, np.int32)
    skip = (-raw.ctypes.data % 64) // 4
    return raw[skip : skip + n_rows * ROW].reshape(n_rows, ROW)


def new_knowledge(
    n_rows: int, rng: np.random.Generator, p: KnowledgeParams, employer: np.ndarray | None = None
) -> Knowledge:
    """Knowledge of ``n_rows`` newcomers: a random mix (Dirichlet(1)) of depth about
    ``initial_depth``, updated and hired at month 0, working for ``employer`` (-1: none)."""
    mix = rng.dirichlet(np.ones(D), size=n_rows)
    mix /= np.linalg.norm(mix, axis=1, keepdims=True)
    depth = p.initial_depth * rng.lognormal(0.0, 0.25, size=(n_rows, 1))
    buf = _aligned_rows(n_rows)
    K = Knowledge(k=buf.view(np.float32)[:, :D], meta=buf[:, D:])
    K.k[:] = mix * depth
    K.meta[:, EMP] = -1 if employer is None else employer
    return K


def empty_knowledge(n_rows: int) -> Knowledge:
    """Rows for ``n_rows`` people yet to come, zeroed by the system and not touched here (no
    random draws, no writes: a table sized for rows to come costs no time); the caller seeds
    each row's vector and sets its bookkeeping (employer -1) when its person arrives."""
    buf = _aligned_rows(n_rows)
    return Knowledge(k=buf.view(np.float32)[:, :D], meta=buf[:, D:])


def org_knowledge(
    K: Knowledge, n_orgs: int, quality: np.ndarray, p: KnowledgeParams
) -> OrgKnowledge:
    """Organisations' knowledge sums and head counts from their people (O(people)), and their
    learning multipliers from ``quality`` (standardised, one per organisation)."""
    O = OrgKnowledge(org=np.zeros((n_orgs, D + 2), np.float64))
    O.org[:, MULT] = pm.exp(p.quality_effect * np.asarray(quality, np.float64))
    recompute(K, O)
    return O


@njit(cache=True)
def recompute(K, O):
    """Sums and head counts of organisations from scratch (from each person's employer)."""
    O.org[:, : SIZE + 1] = 0.0
    for i in range(K.k.shape[0]):
        e = K.meta[i, EMP]
        if e >= 0:
            O.org[e, SIZE] += 1.0
            for d in range(D):
                O.org[e, d] += K.k[i, d]


@njit(cache=True, inline="always")
def _integral(C, tau):
    last = C.shape[0] - 1
    if tau <= last:
        return C[tau]
    return C[last] + (tau - last) * (C[last] - C[last - 1])


@njit(cache=True)
def catch_up(K, O, i, month, C):
    """Bring ``i``'s knowledge up to ``month`` by on-the-job learning since the last update
    (closed form), keeping the employer's sum current."""
    t0 = K.meta[i, SEEN]
    if t0 >= month:
        return
    K.meta[i, SEEN] = month
    e = K.meta[i, EMP]
    if e < 0 or O.org[e, SIZE] <= 0.0:
        return
    hired = K.meta[i, HIRED]
    a = max(t0 - hired, 0)
    b = max(month - hired, 0)
    f = np.exp(-O.org[e, MULT] * (_integral(C, b) - _integral(C, a)))
    inv = 1.0 / O.org[e, SIZE]
    for d in range(D):
        old = K.k[i, d]
        target = O.org[e, d] * inv
        new = np.float32(target + (old - target) * f)
        K.k[i, d] = new
        O.org[e, d] += new - old


@njit(cache=True)
def learn_from_tie(K, O, i, j, strength, rate):
    """Both partners learn ``rate · strength`` of what the other knows more of."""
    ei, ej = K.meta[i, EMP], K.meta[j, EMP]
    w = rate * strength
    for d in range(D):
        ki, kj = K.k[i, d], K.k[j, d]
        gi = np.float32(w * max(kj - ki, 0.0))
        gj = np.float32(w * max(ki - kj, 0.0))
        K.k[i, d] = ki + gi
        K.k[j, d] = kj + gj
        if ei >= 0:
            O.org[ei, d] += gi
        if ej >= 0:
            O.org[ej, d] += gj


@njit(cache=True)
def join(K, O, i, e, month):
    """``i`` joins organisation ``e`` at ``month`` (tenure restarts; the sum takes ``k_i``)."""
    K.meta[i, HIRED] = month
    K.meta[i, SEEN] = month
    K.meta[i, EMP] = e
    O.org[e, SIZE] += 1.0
    for d in range(D):
        O.org[e, d] += K.k[i, d]


@njit(cache=True)
def leave(K, O, i, month, C):
    """``i`` leaves its organisation at ``month`` (learning is caught up first)."""
    e = K.meta[i, EMP]
    if e < 0:
        return
    catch_up(K, O, i, month, C)
    O.org[e, SIZE] -= 1.0
    for d in range(D):
        O.org[e, d] -= K.k[i, d]
    K.meta[i, EMP] = -1


def org_means(O: OrgKnowledge) -> np.ndarray:
    """Organisations' knowledge (the mean of their people's vectors; zeros when empty)."""
    size = np.maximum(O.org[:, SIZE], 1.0)[:, None]
    return (O.org[:, :D] / size).astype(np.float32)


@njit(cache=True, inline="always")
def depth_of(k, i, sq):
    """A person's depth of knowledge: the norm of row ``i`` of ``k`` in float64, summed in
    NumPy's order (``np.linalg.norm(k[rows].astype(np.float64), axis=1)`` gave these bits, and
    hooks compiled since keep them: ``portable_math.pairwise_sum``); ``sq``: room for a row's
    squares."""
    for j in range(k.shape[1]):
        v = np.float64(k[i, j])
        sq[j] = v * v
    return math.sqrt(pm.pairwise_sum(sq, 0, k.shape[1]))


def nbytes(K: Knowledge) -> int:
    """Bytes held per person row (vector and bookkeeping) times rows."""
    return int(K.k.shape[0] * ROW * 4)
