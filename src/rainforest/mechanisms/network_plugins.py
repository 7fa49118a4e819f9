"""The living network under the mechanism contract: four mechanisms, off by default.

``ties`` (persistent ties), ``knowledge_vectors`` (people's knowledge), ``recombination``
(ideas from tied pairs) and ``people_spinoffs`` (employees' spin-off hazard) are declared here
as :class:`~rainforest.mechanisms.contract.Mechanism` plug-ins (docs/mechanisms.md). They are
not registered when the package is imported, so the first edition's outputs stay bit for bit
what they were; :func:`living_network` registers them for a block::

    from rainforest.mechanisms.network_plugins import living_network
    with living_network():
        sc = rf.scenario.with_values(sc, {"mechanisms.ties.enabled": True,
                                          "mechanisms.recombination.enabled": True})
        res = rf.simulate(sc, years=3, seed=1)   # res.metrics has ties_formed, ...

Inside a run the one hook ``ties.month`` (after the month's last NumPy hook) keeps the
network's state in ``engine.cache["ties"]``, follows the People table (new rows, departures,
changes of employer: co-worker ties kept, learning's books moved) and runs
:func:`living_network.network_month` for the people who act. What it does not do yet: feed
recombinant ideas into founding (M2/M3) or the people's spin-off hazard into M7's spin-outs —
``recombinant_ideas`` and ``people_spinoff_draws`` are reported beside the first edition's
ideas and spin-outs, which still drive foundings. That wiring, and making these built-ins
(sections in ``scenario/schema.py``, hooks in ``engine/month.py``), is the lead's next step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
from numba import njit

from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import living_network as ln
from rainforest.mechanisms import recombination as rc
from rainforest.mechanisms import spinoff_people as sp
from rainforest.mechanisms import ties as tk
from rainforest.mechanisms.contract import Column, Hook, Mechanism, register, unregister
from rainforest.registry import Metric
from rainforest.state import accounts
from rainforest.state.tables import EMPLOYED, FOUNDER, GONE


@njit(cache=True)
def _sync(T, K, O, C, status, employer, n_old, n, month, emp_order, emp_start, tp, decay):
    """Follow the People table since last month: new rows start now; people gone forget their
    ties and leave their employer's books; a change of employer keeps a few co-worker ties
    (``coworkers_kept`` = ``tp[9]``) and moves the person's knowledge between the books."""
    left = 0
    for i in range(n):
        st = status[i]
        if i >= n_old:
            K.meta[i, kv.SEEN] = month
            K.meta[i, kv.HIRED] = month
            K.meta[i, kv.EMP] = -1
            T.deg[i] = 0
        now = employer[i] if (st == EMPLOYED or st == FOUNDER) else -1
        if st == GONE:
            now = -1
            if T.deg[i] > 0:
                tk.forget(T, i)
        old = K.meta[i, kv.EMP]
        if old == now:
            continue
        if old >= 0:
            if st != GONE and old < emp_start.shape[0] - 1:
                tk.keep_coworkers(T, i, K.meta[:, kv.EMP], emp_order, emp_start, int(tp[9]),
                                  tp[8], month, decay, tp[5])  # fmt: skip
            kv.leave(K, O, i, month, C)
            left += 1
        if now >= 0 and now < O.org.shape[0]:
            kv.join(K, O, i, now, month)
    return left


def _grow(st: dict, cap: int, n_orgs: int, sc, rng: np.random.Generator) -> None:
    """(Re)size the network's per-person and per-organisation arrays, keeping their contents."""
    tp_, kp = sc.mechanisms.ties, sc.mechanisms.knowledge_vectors
    T = st.get("T")
    if T is None or T.slot.shape[0] < cap:
        new = tk.new_ties(cap, tp_.slots)
        Knew = kv.new_knowledge(cap, rng, kp)
        if T is not None:
            m = T.slot.shape[0]
            new.slot[:m] = T.slot
            new.deg[:m] = T.deg
            Knew.meta[:m] = st["K"].meta
            Knew.k[:m] = st["K"].k
        Knew.meta[st.get("n", 0) :, kv.EMP] = -1
        st["T"], st["K"] = new, Knew
        st["order"] = np.zeros(cap, np.int32)
        st["emp_order"] = np.zeros(cap, np.int32)
        st["group"] = np.full(cap, -1, np.int32)
    O = st.get("O")
    if O is None or O.org.shape[0] < n_orgs:
        org = np.zeros((n_orgs, kv.D + 2), np.float64)
        if O is not None:
            org[: O.org.shape[0]] = O.org
        st["O"] = kv.OrgKnowledge(org=org)
        st["emp_start"] = np.zeros(n_orgs + 1, np.int64)


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
        st["meet"] = np.full(len(w.G.cell_x), tp_.encounter_base, np.float32)
        st["start"] = np.zeros(len(w.G.cell_x) + 1, np.int64)
        st["n"] = 0
        st["out"] = np.zeros(len(ln.COUNTERS), np.int64)
    _grow(st, cap, n_orgs, eng.sc, st["rng"])
    T, K, Ok = st["T"], st["K"], st["O"]
    month = int(eng.month)
    theta = O.theta[:n_orgs]
    live = O.alive[:n_orgs] > 0
    mean, sd = (theta[live].mean(), theta[live].std()) if live.any() else (0.0, 1.0)
    quality = (theta - mean) / (sd if sd > 0 else 1.0)  # employers' standardised potential
    Ok.org[:, kv.MULT] = np.exp(kp.quality_effect * quality)
    _sync(T, K, Ok, st["C"], P.status, P.employer, st["n"], n, month, st["emp_order"],
          st["emp_start"], st["tp"], st["decay"])  # fmt: skip
    st["n"] = n
    status = P.status[:n]
    alive = status != GONE
    live_cell = np.where(alive, P.cell[:n], -1).astype(np.int64)
    tk.index_groups(live_cell, len(w.G.cell_x), st["order"], st["start"])
    tk.index_groups(K.meta[:n, kv.EMP], n_orgs, st["emp_order"], st["emp_start"])
    tk.fill_sat(st["Gd"], st["start"])
    out = st["out"]
    before = out.copy()
    buf = rc.new_buffer(max(1024, n // 50))
    ln.network_month(
        T, K, Ok, st["C"], st["combos"], buf, month, n, P.cell, P.region, alive,
        K.meta[:, kv.EMP], st["emp_order"], st["emp_start"], st["meet"], st["Gd"], st["order"],
        st["start"], st["group"], st["order"], st["start"], st["decay"], st["tp"][:9],
        st["tie_rate"], st["rp"], out,
    )  # fmt: skip
    nr = eng.acc.shape[0]
    names = accounts.accounts()
    share = np.bincount(P.region[:n][alive], minlength=nr) / max(int(alive.sum()), 1)
    eng.acc[:, names.index("ties_formed")] += (out[1] - before[1]) * share
    k = int(buf.n[0])
    eng.acc[:, names.index("recombinant_ideas")] += np.bincount(
        P.region[buf.person[:k]], minlength=nr
    )
    spp = mech.people_spinoffs
    if spp.enabled:
        founders = np.zeros(max(64, n // 100), np.int64)
        parents = np.zeros_like(founders)
        growth = np.zeros(n_orgs)
        m = sp.draw_spinoffs(K, Ok, st["C"], alive, n, month, quality, growth,
                             sp.params_tuple(spp), founders, parents)  # fmt: skip
        eng.acc[:, names.index("people_spinoff_draws")] += np.bincount(
            P.region[founders[:m]], minlength=nr
        )


TIES = Mechanism(
    code="ties",
    name="ties",
    title="Persistent ties: encounters by rank, co-workers, closure, decay unless used",
    module=__name__,
    params=("mechanisms.ties",),
    param_model=tk.TiesParams,
    columns=(
        Column("People", "tie_slot", "int32[K, 2]", "partner and packed strength/kind/month"),
        Column("People", "tie_deg", "uint8", "used tie slots"),
    ),
    metrics=("ties_formed",),
    new_metrics=(
        Metric(
            "ties_formed",
            "flow",
            "ties/month",
            "Ties formed",
            "ties",
            "New persistent ties (encounters, closure, alumni), spread over regions by population.",
            label_zh="新建联系",
        ),
    ),
    hooks=(Hook("ties.month", month_hook, compiled=False, doc="the living network's month"),),
    after="migration.rents",
    off={"mechanisms.ties.enabled": False},
    direction_tests=(
        "tests/test_ties.py::test_denser_places_give_more_near_ties_without_an_exponent",
        "tests/test_ties.py::test_closure_raises_clustering",
        "tests/test_ties.py::test_unused_ties_decay_and_are_forgotten_used_ones_last",
    ),
    references=("Liben-Nowell et al. 2005", "Pan et al. 2013", "Kossinets & Watts 2006"),
)

KNOWLEDGE_VECTORS = Mechanism(
    code="knowledge_vectors",
    name="knowledge_vectors",
    title="People's knowledge vectors: learning on the job and through ties",
    module=__name__,
    params=("mechanisms.knowledge_vectors",),
    param_model=kv.KnowledgeParams,
    columns=(Column("People", "knowledge_row", "int32[16]", "vector, months, employer, ideas"),),
    after="migration.rents",  # no hooks of its own: ties.month calls its kernels
    off={"mechanisms.knowledge_vectors.enabled": False},
    direction_tests=(
        "tests/test_knowledge_vec.py::test_learning_moves_people_toward_their_employer",
        "tests/test_knowledge_vec.py::test_better_firms_teach_faster_and_learning_slows_with_tenure",
    ),
    references=("Argote & Epple 1990", "Cohen & Levinthal 1990", "Singh 2005"),
)

RECOMBINATION = Mechanism(
    code="recombination",
    name="recombination",
    title="Recombinant ideas from tied pairs: inverted U in distance, novelty risk, wear-out",
    module=__name__,
    params=("mechanisms.recombination",),
    param_model=rc.RecombinationParams,
    metrics=("recombinant_ideas",),
    new_metrics=(
        Metric(
            "recombinant_ideas",
            "flow",
            "ideas/month",
            "Recombinant ideas",
            "recombination",
            "Ideas from two tied people combining their knowledge.",
            label_zh="重组创意",
        ),
    ),
    after="migration.rents",  # no hooks of its own: ties.month calls its kernels
    off={"mechanisms.recombination.enabled": False},
    direction_tests=(
        "tests/test_recombination.py::test_ideas_are_commonest_at_middling_distance",
        "tests/test_recombination.py::test_novel_combinations_have_lower_mean_and_higher_variance",
    ),
    references=("Weitzman 1998", "Nooteboom et al. 2007", "Fleming 2001"),
)

PEOPLE_SPINOFFS = Mechanism(
    code="people_spinoffs",
    name="people_spinoffs",
    title="Employees' hazard of leaving to found, from knowledge, tenure and the employer",
    module=__name__,
    params=("mechanisms.people_spinoffs",),
    param_model=sp.SpinoffParams,
    metrics=("people_spinoff_draws",),
    new_metrics=(
        Metric(
            "people_spinoff_draws",
            "flow",
            "people/month",
            "Spin-off draws (people)",
            "people_spinoffs",
            "Employees drawn to leave and found by the people's hazard (not yet founding firms).",
            label_zh="员工衍生创业抽样",
        ),
    ),
    after="migration.rents",  # no hooks of its own: ties.month calls its kernels
    off={"mechanisms.people_spinoffs.enabled": False},
    direction_tests=(
        "tests/test_spinoff_people.py::test_hazard_rises_with_each_driver_and_with_decline",
        "tests/test_spinoff_people.py::test_thinned_draws_match_the_hazard_and_favour_better_parents",
    ),
    references=("Klepper 2007", "Eriksson & Kuhn 2006", "Agarwal et al. 2004"),
)

MECHANISMS = (TIES, KNOWLEDGE_VECTORS, RECOMBINATION, PEOPLE_SPINOFFS)


@contextlib.contextmanager
def living_network() -> Iterator[tuple[Mechanism, ...]]:
    """Register the four mechanisms for the block (scenarios loaded inside get their sections)."""
    done = []
    try:
        for m in MECHANISMS:
            register(m)
            done.append(m.name)
        yield MECHANISMS
    finally:
        for name in reversed(done):
            unregister(name)
