"""What universities and facilities know, and how their graduates and staff learn it (issue 14).

Why: MODEL.md §2 has graduates start with their university's research mix and a facility's
staff carry its breakthroughs. People's knowledge vectors (:mod:`knowledge_vec`) learn from
their employer's mean; universities and labs are not the mean of their people, though: what
they know comes from their research. So each institution carries its own vector over the same
``D`` classes, kept in a small table here (a few rows: the universities and facilities of the
scenario) rather than in ``OrgKnowledge``, whose rows are sums of people's vectors that the
compiled kernels keep incrementally (join, leave, learning): an institution's research vector
enters those sums the way a firm's know-how does (``m13_network._knowhow``), as virtual
members, so no kernel and no layout changes.

* A university's vector: its research mix (``domains`` weights, mapped to classes) with depth
  ``initial_depth · (1 + university_patent_depth · ln(1 + patents / university_patent_scale))``
  (more patents, deeper research; the same patent scale as its spillover strength, M8).
* A facility's vector: its domain's class, depth ``initial_depth · facility_depth · (1 +
  breakthrough_gain · b)`` with ``b`` the breakthroughs known in house: those still in the
  valley of death (staff know them before firms can use them) plus the decaying stock of
  matured ones (M8's ``facility_stock`` in units of ``breakthrough_knowledge``).
* Graduates start with a share ``graduate_share`` of their university's vector (the rest:
  their own mix, :func:`m13_network._seed_rows`).
* Staff learn on the job toward their employer's mean, which counts ``institution_weight``
  virtual members per person knowing the institution's vector (research spillover through
  staff).

References: Zucker, Darby & Brewer (1998), American Economic Review 88:290 (star scientists'
knowledge moves with people); Jaffe (1989), American Economic Review 79:957 (university research
spills over locally); Agrawal (2006), Strategic Management Journal 27:63 (engaging inventors).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import portable_math as pm


def _classes(weights: np.ndarray, dom_cls: np.ndarray) -> np.ndarray:
    """Domain weights summed into knowledge classes, scaled to unit norm (zeros stay zero)."""
    mix = np.zeros((weights.shape[0], kv.D))
    for d in range(weights.shape[1]):
        mix[:, dom_cls[d]] += weights[:, d]
    norm = np.linalg.norm(mix, axis=1, keepdims=True)
    return np.divide(mix, norm, out=np.zeros_like(mix), where=norm > 0)


def university_vectors(w, scale: float, dom_cls: np.ndarray, kp, patent_scale: float):
    """Each university's knowledge vector (rows in the order of ``w.U.org``)."""
    U = w.U
    if U.org.shape[0] == 0:
        return np.zeros((0, kv.D))
    patents = U.pat * scale  # real patents a year (the run holds 1/scale of them)
    depth = kp.initial_depth * (1.0 + kp.university_patent_depth * pm.log1p(patents / patent_scale))
    return _classes(U.dom, dom_cls) * depth[:, None]


def facility_vectors(w, dom_cls: np.ndarray, kp, bt_knowledge: float) -> np.ndarray:
    """Each facility's knowledge vector (rows in the order of ``w.facility_ids``)."""
    f = w.facility_ids
    if f.shape[0] == 0:
        return np.zeros((0, kv.D))
    known = w.facility_stock / bt_knowledge if bt_knowledge > 0 else np.zeros(f.shape[0])
    known = known + np.bincount([i for _, i in w.pipeline], minlength=f.shape[0])
    depth = kp.initial_depth * kp.facility_depth * (1.0 + kp.breakthrough_gain * known)
    out = np.zeros((f.shape[0], kv.D))
    out[np.arange(f.shape[0]), dom_cls[w.O.domain[f]]] = depth
    return out


def refresh(st: dict, eng) -> dict:
    """This month's institution table in the network state ``st``: ``org`` (ids, sorted),
    ``vec`` (their vectors); universities' vectors are fixed, facilities' follow their
    breakthroughs."""
    w, mech = eng.w, eng.sc.mechanisms
    kp = mech.knowledge_vectors
    inst = st.get("inst")
    if inst is None:
        uni = university_vectors(
            w, eng.scale, st["dom_cls"], kp, mech.spillovers.university_patent_scale
        )
        org = np.concatenate([w.U.org.astype(np.int64), w.facility_ids.astype(np.int64)])
        order = np.argsort(org, kind="stable")
        inst = st["inst"] = {
            "org": org[order],
            "order": order,
            "uni": uni,
            "prev_w": np.zeros(org.shape[0]),
            "prev": np.zeros((org.shape[0], kv.D)),
        }
    fac = facility_vectors(w, st["dom_cls"], kp, mech.spillovers.breakthrough_knowledge)
    inst["vec"] = np.concatenate([inst["uni"], fac])[inst["order"]]
    return inst


def graduates_start(k: np.ndarray, lo: int, hi: int, uni: np.ndarray, inst: dict,
                    share: float) -> None:  # fmt: skip
    """Rows ``lo..hi-1`` (just seeded) who graduated from a university take ``share`` of its
    vector: ``k ← (1 − share) k + share · K_university``."""
    if hi <= lo or share <= 0.0 or inst["org"].shape[0] == 0:
        return
    _graduates_rows(k, lo, hi, uni, inst["org"], inst["vec"], float(share))


@njit(cache=True)
def _graduates_rows(k, lo, hi, uni, org, vec, share):
    """:func:`graduates_start` in one pass over the rows, no temporaries (a million newcomers
    in the first month took 270 ms in NumPy's gathers and scatters). The arithmetic is
    NumPy's: the kept share multiplies in float32 (a Python float with a float32 array), the
    university's share is added in float64, the sum is rounded to float32."""
    keep = np.float32(1.0 - share)
    for i in range(lo, hi):
        u = uni[i]
        if u < 0:
            continue
        p = np.searchsorted(org, u)
        for d in range(k.shape[1]):
            k[i, d] = np.float32(np.float64(keep * k[i, d]) + share * vec[p, d])


def teach_staff(org_sums: np.ndarray, inst: dict, weight: float) -> None:
    """Institutions' vectors in their staff's learning target: ``weight`` virtual members per
    person, knowing the institution's vector, in its row of the organisations' sums
    ``org_sums`` (``OrgKnowledge.org``); last month's virtual members are taken out first."""
    o = inst["org"]
    if o.shape[0] == 0:
        return
    _teach_rows(org_sums, o, inst["vec"], inst["prev"], inst["prev_w"], float(weight))


@njit(cache=True)
def _teach_rows(org_sums, o, vec, prev, prev_w, weight):
    """:func:`teach_staff` in one pass (institutions are distinct rows); ``prev`` and
    ``prev_w`` become this month's virtual members."""
    D = vec.shape[1]
    for t in range(o.shape[0]):
        e = o[t]
        for d in range(D):
            org_sums[e, d] -= prev[t, d]
        org_sums[e, kv.SIZE] -= prev_w[t]
        vw = weight * max(org_sums[e, kv.SIZE], 0.0)
        for d in range(D):
            add = vw * vec[t, d]
            org_sums[e, d] += add
            prev[t, d] = add
        org_sums[e, kv.SIZE] += vw
        prev_w[t] = vw
