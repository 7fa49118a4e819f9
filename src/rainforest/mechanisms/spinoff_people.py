"""Spin-offs from people: the hazard that an employee leaves to found, and what the child inherits.

The first edition gave every anchor a fixed ``spinout_rate`` per employee, so a child's quality
had nothing to do with its parent's (correlation 0.04 in ``silicon-valley``, issue 14). Here the
monthly hazard is a property of the *person*:

``h = base · exp(β_k (‖k‖ − 1) + β_q q_e + β_g max(g_e, 0) + β_u u) · (1 − exp(−τ / τ_0))
+ base · β_n · max(−g_e, 0)``, capped at ``max_hazard``,

with ``‖k‖`` the depth of the person's knowledge, ``τ`` tenure, ``q_e`` the employer's
standardised quality, ``g_e`` its yearly log growth of head count and ``u`` the person's ideas
not pursued (from :mod:`recombination`). Better and growing parents breed more spin-offs and
their employees know more (Klepper 2007; Agarwal et al. 2004; Klepper & Sleeper 2005; Gompers,
Lerner & Scharfstein 2005); declining parents push people out into necessity spin-offs (the last
term; Eriksson & Kuhn 2006). Nothing sets "better parents have better children": a child
inherits its founder's knowledge vector (:func:`inherit`), the parent's domain and, with chance
``stay_nearby``, the parent's cell (else a random cell of the region), so any heredity comes
from what employees learned.

The small-firm effect (``size_effect``, 0 in the schema, 0.12 in the shipped fit L12;
docs/calibration.md §17-21): the hazard is multiplied by the employer's
``(head count / size_reference) ** -size_effect`` below the reference and by the same with
``size_effect_large`` (0 by default: large employers alike) above it (:func:`size_pull`), since
scientists and engineers in small firms found far more often than those in large ones
(Elfenbein, Hamilton & Zenger 2010; Sørensen 2007). A district dense in small firms then
breeds more of them, one dominated by large employers fewer: the firm stock's level becomes
something the entry process sustains, not only an input the exits run down.

Draws are thinned (Lewis & Shedler 1979): candidates are drawn at the cap ``max_hazard`` by
geometric skips in row order and kept with chance ``h / max_hazard``, so only a few people a
month are looked at.

References: Elfenbein, Hamilton & Zenger (2010), Management Science 56:659; Sørensen (2007),
Administrative Science Quarterly 52:387; Klepper (2007), Management Science 53:616; Agarwal,
Echambadi, Franco & Sarkar (2004), Academy of Management Journal 47:501; Klepper & Sleeper
(2005), Management Science 51:1291; Gompers, Lerner & Scharfstein (2005), Journal of Finance
60:577; Eriksson & Kuhn (2006), International Journal of Industrial Organization 24:1021; Lewis
& Shedler (1979), Naval Research Logistics Quarterly 26:403.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms.common import is_firm
from rainforest.mechanisms.knowledge_vec import EMP, HIRED, IDEAS, catch_up
from rainforest.mechanisms.living_network import acting_rows
from rainforest.mechanisms.ties import prefetch
from rainforest.scenario.schema import SpinoffParams
from rainforest.state.tables import INCUMBENT, STATE


def params_tuple(p: SpinoffParams) -> tuple:
    """The parameters the kernels read, as a flat tuple."""
    return (
        float(p.base_hazard),
        float(p.knowledge_effect),
        float(p.tenure_months),
        float(p.quality_effect),
        float(p.growth_effect),
        float(p.decline_effect),
        float(p.idea_effect),
        float(p.max_hazard),
        float(p.stay_nearby),
    )


@njit(cache=True, inline="always")
def hazard(depth, tenure, quality, growth, unpursued, sp):
    """Monthly hazard that an employee leaves to found (see the module docstring)."""
    base, bk, t0, bq, bg, bn, bu, cap = sp[0], sp[1], sp[2], sp[3], sp[4], sp[5], sp[6], sp[7]
    pull = np.exp(bk * (depth - 1.0) + bq * quality + bg * max(growth, 0.0) + bu * unpursued)
    h = base * pull * (1.0 - np.exp(-max(tenure, 0.0) / t0)) + base * bn * max(-growth, 0.0)
    return min(h, cap)


@njit(cache=True)
def hazards(depth, tenure, quality, growth, unpursued, sp):
    """:func:`hazard` over arrays (one per person)."""
    out = np.empty(depth.shape[0], np.float64)
    for t in range(depth.shape[0]):
        out[t] = hazard(depth[t], tenure[t], quality[t], growth[t], unpursued[t], sp)
    return out


LAG = 8  # candidates between the stages of draw_spinoffs' pipeline


@njit(cache=True, inline="always")
def _size_of(kind, own, emp, k, neutral):
    """One organisation's real head count (:func:`employer_sizes`): ``own`` for a firm, the
    sampled staff ``emp`` times ``k`` for a unique institution, ``neutral`` for the rest of
    the economy's employers."""
    if kind == INCUMBENT or kind == STATE:
        return neutral
    if is_firm(kind):
        return own
    return emp * k


@njit(cache=True, inline="always")
def _pull_of(heads, reference, effect, effect_large):
    """One employer's small-firm pull (:func:`size_pull`, ``size_effect`` not 0)."""
    rel = max(heads, 1.0) / reference
    return rel ** -(effect if rel < 1.0 else effect_large)


@njit(cache=True)
def _sizes(kind, head, emp, o2o, k, neutral, n, out):
    for e in range(n):
        own = head[e] if o2o > 0.0 else np.float64(emp[e])
        out[e] = _size_of(kind[e], own, emp[e], k, neutral)


@njit(cache=True)
def _pulls(kind, head, emp, o2o, k, reference, effect, effect_large, n, out):
    for e in range(n):
        own = head[e] if o2o > 0.0 else np.float64(emp[e])
        h = _size_of(kind[e], own, emp[e], k, reference)
        out[e] = _pull_of(h, reference, effect, effect_large)


@njit(cache=True)
def _pull_each(heads, reference, effect, effect_large, out):
    for e in range(heads.shape[0]):
        out[e] = _pull_of(heads[e], reference, effect, effect_large)


def employer_sizes(O, glob, n: int, neutral: float) -> np.ndarray:
    """Real head count of each of the first ``n`` organisations, whatever the population
    scale: a firm's as its economics count it (``common.headcount``: its sampled staff when
    firms are a 1/k sample, ``O.head`` when they are one to one), a unique institution's
    (anchor, university, facility) sampled staff times k. The rest of the economy's employers
    (incumbent and state), which the model keeps as one aggregate per region, get ``neutral``
    (the reference size): their real employers' sizes are unknown."""
    out = np.empty(n, np.float64)
    _sizes(O.kind, O.head, O.emp, float(glob.o2o), float(glob.k), float(neutral), n, out)
    return out


def size_pull(heads: np.ndarray, p: SpinoffParams) -> np.ndarray:
    """The small-firm effect per employer: ``(heads / size_reference) ** -e`` with ``e`` =
    ``size_effect`` below the reference and ``size_effect_large`` above it (heads at least 1;
    real head counts, :func:`employer_sizes`), ones when ``size_effect`` is 0 (Elfenbein,
    Hamilton & Zenger 2010)."""
    if p.size_effect == 0.0:
        return np.ones(len(heads), np.float64)
    h = np.ascontiguousarray(heads, np.float64)
    out = np.empty(h.shape[0], np.float64)
    _pull_each(h, float(p.size_reference), float(p.size_effect), float(p.size_effect_large), out)
    return out


def org_pull(O, glob, n: int, p: SpinoffParams, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`size_pull` of the first ``n`` organisations' real sizes (the month's
    ``org_pull`` for :func:`draw_spinoffs`), in one compiled pass (written into ``out[:n]``
    when given); all ones, with no sizes read, when the effect is off (the shipped fit)."""
    out = np.empty(n, np.float64) if out is None else out
    if p.size_effect == 0.0:
        out[:n] = 1.0
        return out[:n]
    _pulls(O.kind, O.head, O.emp, float(glob.o2o), float(glob.k), float(p.size_reference),
           float(p.size_effect), float(p.size_effect_large), n, out)  # fmt: skip
    return out[:n]


@njit(cache=True)
def draw_spinoffs(K, O, C, alive, n, month, org_quality, org_growth, org_pull, sp, founders,
                  parents):  # fmt: skip
    """Employees (``K.meta[:, EMP]`` ≥ 0) who leave this month to found: thinned draws at
    ``max_hazard`` in row order, each kept with chance ``hazard / max_hazard``, the hazard
    times the employer's small-firm pull ``org_pull`` (:func:`size_pull`; capped again). Writes
    founders and parent organisations; returns how many (at most ``founders.shape[0]``).
    Candidates are drawn in one batch; their knowledge rows are prefetched ``2 LAG`` ahead and
    their employers' books ``LAG`` ahead."""
    cap = sp[7]
    if cap <= 0.0:
        return 0
    rows = acting_rows(n, alive, cap)
    nr = rows.shape[0]
    m = 0
    for t in range(nr + 2 * LAG):
        if t < nr:
            prefetch(K.k, rows[t])
        s = t - LAG
        if 0 <= s < nr:
            e = K.meta[rows[s], EMP]
            if e >= 0:
                prefetch(O.org, e)
        s = t - 2 * LAG
        if s < 0 or s >= nr:
            continue
        if m >= founders.shape[0]:
            break
        i = rows[s]
        e = K.meta[i, EMP]
        if e < 0:
            continue
        catch_up(K, O, i, month, C)
        depth = 0.0
        for d in range(K.k.shape[1]):
            depth += K.k[i, d] * K.k[i, d]
        h = hazard(
            np.sqrt(depth), month - K.meta[i, HIRED], org_quality[e], org_growth[e],
            K.meta[i, IDEAS], sp,
        )  # fmt: skip
        h = min(h * org_pull[e], cap)
        if np.random.random() * cap < h:
            founders[m] = i
            parents[m] = e
            m += 1
    return m


@njit(cache=True)
def inherit(k, founder, parent_cell, region_cell0, region_ncell, stay_nearby, child_k):
    """The child's knowledge (a copy of its founder's, into ``child_k``) and its cell: the
    parent's with chance ``stay_nearby``, else a random cell of the region."""
    for d in range(k.shape[1]):
        child_k[d] = k[founder, d]
    if np.random.random() < stay_nearby:
        return parent_cell
    return region_cell0 + np.random.randint(region_ncell)
