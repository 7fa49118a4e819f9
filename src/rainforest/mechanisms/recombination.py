"""Ideas as recombination: two tied people combining what they know.

Weitzman (1998) models growth as recombining existing ideas, limited by the capacity to
process combinations rather than by their number. Here an idea can come from a pair of tied
people ``i`` (who acts) and ``j`` (a tie or a co-worker):

* cognitive distance ``d = 1 − cos(k_i, k_j)`` (vectors from :mod:`knowledge_vec`);
* chance ``p = p0 · d · (c_i − b · d)`` clipped to [0, 1], an inverted U in ``d`` — novelty
  times understandability — whose peak ``c_i / 2b`` moves out as absorptive capacity
  ``c_i = ‖k_i‖`` grows (Nooteboom et al. 2007; Cohen & Levinthal 1990);
* the combination is the pair of the partners' dominant classes ``(a, b)``; a table counts how
  often each pair was used (D × D = 64 counters for D = 8: no hashing needed);
* quality is log-normal: novel combinations (a pair used rarely, familiarity
  ``f = uses / (uses + familiar_uses)``) have a lower mean and a higher variance (Fleming 2001:
  recombinant uncertainty), and a pair used many times wears out
  (``− wear · log(1 + uses / familiar_uses)`` on the log mean; Fleming 2001 finds the benefit of
  familiarity falling with cumulative use).

References: Weitzman (1998), Quarterly Journal of Economics 113:331; Nooteboom, Van
Haverbeke, Duysters, Gilsing & van den Oord (2007), Research Policy 36:1016; Fleming (2001),
Management Science 47:117; Cohen & Levinthal (1990), Administrative Science Quarterly 35:128.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from rainforest.mechanisms.knowledge_vec import IDEAS
from rainforest.scenario.schema import RecombinationParams

IdeaBuffer = namedtuple("IdeaBuffer", "n person partner month a b distance quality")


def params_tuple(p: RecombinationParams) -> tuple:
    """The parameters the kernels read, as a flat tuple."""
    return (
        float(p.p0),
        float(p.distance_penalty),
        float(p.quality_mean),
        float(p.quality_sd),
        float(p.novelty_mean_penalty),
        float(p.novelty_sd_gain),
        float(p.familiar_uses),
        float(p.wear),
        float(p.max_unpursued),
    )


def new_buffer(capacity: int) -> IdeaBuffer:
    """An empty buffer for ideas (one row per idea)."""
    return IdeaBuffer(
        n=np.zeros(1, np.int64),
        person=np.zeros(capacity, np.int32),
        partner=np.zeros(capacity, np.int32),
        month=np.zeros(capacity, np.int32),
        a=np.zeros(capacity, np.uint8),
        b=np.zeros(capacity, np.uint8),
        distance=np.zeros(capacity, np.float32),
        quality=np.zeros(capacity, np.float32),
    )


@njit(cache=True, inline="always")
def distance_and_capacity(k, i, j):
    """Cognitive distance ``1 − cos(k_i, k_j)`` and ``i``'s absorptive capacity ``‖k_i‖``."""
    dot, ni, nj = 0.0, 0.0, 0.0
    for d in range(k.shape[1]):
        a, b = k[i, d], k[j, d]
        dot += a * b
        ni += a * a
        nj += b * b
    if ni <= 0.0 or nj <= 0.0:
        return 1.0, np.sqrt(ni)
    return 1.0 - dot / np.sqrt(ni * nj), np.sqrt(ni)


@njit(cache=True, inline="always")
def chance(d, c, p0, b):
    """Idea chance ``p0 · d · (c − b d)`` clipped to [0, 1]: an inverted U in distance."""
    return min(max(p0 * d * (c - b * d), 0.0), 1.0)


@njit(cache=True, inline="always")
def dominant(k, i):
    """Class in which ``i`` knows most."""
    best, bv = 0, k[i, 0]
    for d in range(1, k.shape[1]):
        if k[i, d] > bv:
            best, bv = d, k[i, d]
    return best


@njit(cache=True, inline="always")
def quality(uses, rp):
    """Log-normal quality of an idea whose class pair was used ``uses`` times before."""
    mu0, sd0, pen, gain, half, wear = rp[2], rp[3], rp[4], rp[5], rp[6], rp[7]
    novelty = half / (uses + half)  # 1 for a new pair, falling with use
    mu = mu0 - pen * novelty - wear * np.log1p(uses / half)
    sd = sd0 * (1.0 + gain * novelty)
    return np.exp(mu + sd * np.random.standard_normal())


@njit(cache=True)
def recombine(K, i, j, combos, rp, month, buf):
    """Try an idea from ``i`` and ``j`` (knowledge ``K``); on success count the class pair,
    raise ``i``'s unpursued ideas and append to ``buf``. Returns the idea's row or -1."""
    return recombine_u(K, i, j, combos, rp, month, buf, np.random.random())


@njit(cache=True)
def recombine_u(K, i, j, combos, rp, month, buf, u):
    """:func:`recombine` with the uniform draw ``u`` that decides whether an idea comes."""
    k = K.k
    d, c = distance_and_capacity(k, i, j)
    if u >= chance(d, c, rp[0], rp[1]):
        return -1
    a, b = dominant(k, i), dominant(k, j)
    if a > b:
        a, b = b, a
    uses = combos[a, b]
    q = quality(float(uses), rp)
    combos[a, b] = uses + 1
    if K.meta[i, IDEAS] < rp[8]:
        K.meta[i, IDEAS] += 1
    n = buf.n[0]
    if n >= buf.person.shape[0]:
        return -1
    buf.person[n] = i
    buf.partner[n] = j
    buf.month[n] = month
    buf.a[n] = a
    buf.b[n] = b
    buf.distance[n] = d
    buf.quality[n] = q
    buf.n[0] = n + 1
    return n


@njit(cache=True)
def draw_qualities(uses, n, rp, out):
    """``n`` quality draws for a class pair used ``uses`` times (for tests and reports)."""
    for t in range(n):
        out[t] = quality(float(uses), rp)
