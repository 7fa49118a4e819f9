"""Alumni cohorts and institutions' knowledge in the living network (issue 14 items 1-2):
mechanisms/alumni.py, mechanisms/institution_knowledge.py, the People table's ``uni`` and
``cohort`` columns (set by M8 and the build).

Direction tests sum over three seeds; the network is switched on with ``m13_network.ON``."""

from __future__ import annotations

import numpy as np

from rainforest.engine import Engine
from rainforest.mechanisms import alumni as al
from rainforest.mechanisms import institution_knowledge as ik
from rainforest.mechanisms import knowledge_vec as kv
from rainforest.mechanisms import ties as tk
from rainforest.mechanisms.m13_network import ON
from rainforest.scenario import scenario_from_dict, with_values
from rainforest.state.tables import EMPLOYED, GONE
from tests.conftest import base_region, scenario

SEEDS = (1, 2, 3)
UNI = {"name": "U", "graduates_per_year": 600, "patents_per_year": 400, "conversion_rate": 0.3}


def world(regions: dict | None = None, network: bool = True, **values):
    regions = regions or {"district": base_region(population=20000, universities=[UNI])}
    sc = scenario_from_dict(scenario(regions))
    return with_values(sc, {**(ON if network else {}), **values})


def run(sc, seed: int, months: int = 24) -> Engine:
    eng = Engine(sc, seed=seed, scale=10)
    for _ in range(months):
        eng.step()
    return eng


def test_people_record_their_university_and_graduation_year():
    """The build gives degree holders a university of their region (none where the region has
    none) and a graduation year in the past; M8's graduates get theirs when they arrive."""
    regions = {
        "district": base_region(population=20000, universities=[UNI]),
        "plain": base_region(population=10000, universities=[]),
    }
    eng = Engine(world(regions, network=False), seed=4, scale=10)
    P, w = eng.w.P, eng.w
    n0 = int(P.n[0])
    uni, region = P.uni[:n0], P.region[:n0]
    assert (uni[region == 1] == -1).all()
    ours = uni[region == 0]
    assert set(np.unique(ours[ours >= 0])) == {int(w.U.org[0])}
    share = (ours >= 0).mean()
    assert 0.05 < share < 0.9, share
    past = P.cohort[:n0][uni >= 0]
    assert (past <= eng.month // 12).all()
    assert np.ptp(past) >= 10  # cohorts spread over past years
    for _ in range(14):
        eng.step()
    P = eng.w.P  # the table may have grown
    n = int(P.n[0])
    grads = np.flatnonzero(P.uni[n0:n] >= 0) + n0
    assert grads.size > 0
    assert (P.uni[grads] == w.U.org[0]).all()
    first = int(w.sc.warmup_years) * -12
    assert ((P.cohort[grads] >= first // 12) & (P.cohort[grads] <= eng.month // 12)).all()


def _tie_pairs(eng: Engine) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    st = eng.cache["ties"]
    n = int(st["n"])
    T = st["T"]
    used = np.arange(T.slot.shape[1])[None, :] < T.deg[:n, None]
    owner = np.broadcast_to(np.arange(n)[:, None], used.shape)[used]
    partner = T.slot[:n, :, 0][used]
    kind = (T.slot[:n, :, 1][used] >> 12) & 15
    keep = owner < partner
    return owner[keep], partner[keep], kind[keep]


def _cohort_ties(alumni_share: float) -> tuple[float, float, int]:
    """Over the seeds: share of living people's ties between members of one alumni group,
    the same share for random pairs of living people, and ties of kind ALUMNI."""
    tied = same = alumni = 0
    random_same = 0.0
    for s in SEEDS:
        eng = run(world(**{"mechanisms.ties.alumni_share": alumni_share}), s)
        st = eng.cache["ties"]
        a, b, kind = _tie_pairs(eng)
        alive = eng.w.P.status[: st["n"]] != GONE
        live = alive[a] & alive[b]
        a, b, kind = a[live], b[live], kind[live]
        tied += a.size
        same += int(al.same_group(st, a, b).sum())
        alumni += int((kind == tk.ALUMNI).sum())
        g = st["group"][: st["n"]][alive]
        sizes = np.bincount(g[g >= 0])
        random_same += float((sizes * (sizes - 1)).sum()) / (g.size * (g.size - 1)) * a.size
    return same / tied, random_same / tied, alumni


def test_alumni_of_one_cohort_are_tied_more_often_than_random_pairs():
    share_on, baseline, alumni_on = _cohort_ties(0.2)
    assert alumni_on > 0
    assert share_on > 2.0 * baseline, (share_on, baseline)
    share_off, baseline_off, alumni_off = _cohort_ties(0.0)
    assert alumni_off == 0  # the alumni channel off: no alumni ties at all
    assert share_off < share_on
    assert share_off < 2.0 * baseline_off  # what is left is no more than chance (co-workers)


def test_group_index_lists_living_members_of_each_university_window():
    eng = run(world(**{"mechanisms.ties.alumni_share": 0.2}), 5, months=14)
    st, P = eng.cache["ties"], eng.w.P
    n = int(st["n"])
    years = eng.sc.mechanisms.ties.alumni_cohort_years
    alive = P.status[:n] != GONE
    before = np.sort(st["grp_order"][: st["grp_start"][-1]])
    # (the hook built it mid-month; people who left later this month are still listed)
    assert np.isin(np.flatnonzero((P.uni[:n] >= 0) & alive), before).all()
    al.update(st, P, n, alive, years, 0.2)  # as next month's hook does
    order, start = st["grp_order"], st["grp_start"]
    listed = np.sort(order[: start[-1]])
    assert np.array_equal(listed, np.flatnonzero((P.uni[:n] >= 0) & alive))
    for g in range(start.shape[0] - 1):
        members = order[start[g] : start[g + 1]]
        keys = al.window_keys(P.uni[members], P.cohort[members], years)
        assert np.unique(keys).size <= 1
        assert (st["group"][members] == g).all()


def _graduates_class_knowledge(uni_domain: str, measured: str, share: float = 0.5) -> float:
    """Graduates who arrived during the run from a university researching only
    ``uni_domain``: their mean knowledge in the class of ``measured`` (the local knowledge
    field left out, ``field_weight`` 0, so only the university's own vector acts)."""
    uni = {**UNI, "domains": {uni_domain: 1.0}}
    regions = {"district": base_region(population=20000, universities=[uni])}
    values = {
        "mechanisms.knowledge_vectors.field_weight": 0.0,
        "mechanisms.knowledge_vectors.graduate_share": share,
    }
    sc = world(regions, **values)
    out = []
    for s in SEEDS:
        eng = Engine(sc, seed=s, scale=10)
        eng.step()
        n0 = int(eng.w.P.n[0])
        for _ in range(6):
            eng.step()
        st = eng.cache["ties"]
        n = int(st["n"])
        rows = np.flatnonzero(eng.w.P.uni[n0:n] >= 0) + n0
        assert rows.size > 20
        c = eng.w.domain_names.index(measured) % kv.D
        out.append(st["K"].k[rows, c].astype(np.float64))
    return float(np.concatenate(out).mean())


def test_a_universitys_research_mix_raises_its_graduates_knowledge_in_that_class():
    matched = _graduates_class_knowledge("biomedicine", "biomedicine")
    other = _graduates_class_knowledge("games", "biomedicine")
    assert matched > 1.5 * other, (matched, other)
    assert _graduates_class_knowledge("games", "games") > 1.5 * _graduates_class_knowledge(
        "biomedicine", "games"
    )
    # graduate_share 0: graduates start from their own mix only
    assert matched > 1.5 * _graduates_class_knowledge("biomedicine", "biomedicine", 0.0)


def _staff_knowledge(breakthroughs: float, weight: float = 1.0) -> float:
    """Mean knowledge of a facility's staff in its domain's class after two years."""
    fac = {
        "name": "Lab",
        "domain": "biomedicine",
        "breakthroughs_per_year": breakthroughs,
        "lag_months": 60,
        "staff": 2000,
    }
    regions = {"district": base_region(population=20000, universities=[UNI], facilities=[fac])}
    sc = world(regions, **{"mechanisms.knowledge_vectors.institution_weight": weight})
    out = []
    for s in SEEDS:
        eng = run(sc, s)
        st, P = eng.cache["ties"], eng.w.P
        n = int(st["n"])
        o = int(eng.w.facility_ids[0])
        staff = np.flatnonzero((P.employer[:n] == o) & (P.status[:n] == EMPLOYED))
        for i in staff:  # learning is lazy: bring everyone up to this month
            kv.catch_up(st["K"], st["O"], int(i), int(eng.month), st["C"])
        c = eng.w.domain_names.index("biomedicine") % kv.D
        out.append(st["K"].k[staff, c].astype(np.float64))
    return float(np.concatenate(out).mean())


def test_a_facilitys_breakthroughs_raise_its_staffs_knowledge():
    none, many = _staff_knowledge(0.0), _staff_knowledge(24.0)
    assert many > 1.1 * none, (none, many)
    # the spillover goes through the facility's vector in its staff's learning
    assert _staff_knowledge(24.0, weight=0.0) < many


def test_institution_vectors_follow_research_mix_patents_and_breakthroughs():
    sc = world()
    eng = run(sc, 2, months=1)
    st = eng.cache["ties"]
    kp = sc.mechanisms.knowledge_vectors
    uni = ik.university_vectors(eng.w, 10.0, st["dom_cls"], kp, 100.0)
    more = ik.university_vectors(eng.w, 100.0, st["dom_cls"], kp, 100.0)  # 10x the patents
    assert np.linalg.norm(more) > np.linalg.norm(uni) > 0
    mix = eng.w.U.dom[0]
    expect = np.zeros(kv.D)
    np.add.at(expect, st["dom_cls"], mix)
    np.testing.assert_allclose(uni[0] / np.linalg.norm(uni[0]), expect / np.linalg.norm(expect))


def test_alumni_and_institutions_are_deterministic():
    sc = world(**{"mechanisms.ties.alumni_share": 0.2})
    a, b = run(sc, 7, months=14), run(sc, 7, months=14)
    sa, sb = a.cache["ties"], b.cache["ties"]
    n = int(sa["n"])
    assert np.array_equal(a.w.P.uni[:n], b.w.P.uni[:n])
    assert np.array_equal(a.w.P.cohort[:n], b.w.P.cohort[:n])
    assert np.array_equal(sa["group"][:n], sb["group"][:n])
    assert np.array_equal(sa["T"].slot[:n], sb["T"].slot[:n])
    assert np.array_equal(sa["K"].k[:n], sb["K"].k[:n])


def test_the_share_of_ties_made_among_classmates_is_reported():
    """The result and the scorecard (``diagnose``) report the share of the run's new ties made
    in alumni groups: between 0 and 1 with a university, 0 without one."""
    import math

    from rainforest.api import simulate
    from rainforest.metrics.scorecard import measure

    shares: list[float] = []
    for unis in ([UNI], []):
        regions = {"district": base_region(population=20000, universities=unis)}
        res = simulate(world(regions), years=2, seed=1, scale=10)
        share = res.meta["network"]["alumni_share"]
        rows = measure(res)["scalars"]
        row = rows[rows["indicator"] == "ties_through_alumni"]
        assert len(row) == 1 and math.isclose(float(row["value"].iloc[0]), share)
        shares.append(share)
    assert 0.0 < shares[0] < 1.0
    assert shares[1] == 0.0
