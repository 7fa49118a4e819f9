"""Engine invariants, determinism and the population-scale contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rainforest.api import simulate
from rainforest.engine import Engine
from rainforest.scenario import load_scenario, scenario_from_dict
from rainforest.state import tables as S
from tests.conftest import EDITIONS, EXAMPLE, assert_scale_free, scenario


def check_invariants(eng: Engine) -> None:
    w = eng.w
    P = S.rows(w.P)
    O = S.rows(w.O)
    live = P["status"] != S.GONE
    st = P["status"][live]
    emp = P["employer"][live]
    # every person is employed, founding or unemployed, never two at once
    assert np.isin(st, [S.EMPLOYED, S.UNEMPLOYED, S.FOUNDER]).all()
    assert (emp[st == S.UNEMPLOYED] == -1).all()
    working = st != S.UNEMPLOYED
    assert (emp[working] >= 0).all()
    # nobody works for a closed organisation
    assert O["alive"][emp[working]].all()
    # head counts agree with the people who say they work there
    counts = np.bincount(emp[working], minlength=len(O["kind"]))
    np.testing.assert_array_equal(counts, O["emp"])
    # founders belong to firms
    founders_at = O["kind"][emp[st == S.FOUNDER]]
    assert np.isin(founders_at, [S.STARTUP, S.SME, S.LISTED]).all()
    # cash is never silently negative: a firm that runs out has failed
    firms = np.isin(O["kind"], [S.STARTUP, S.SME, S.LISTED]) & (O["alive"] == 1)
    assert (O["cash"][firms] >= 0).all()
    failed = O["exit"] == S.EXIT_FAIL
    assert (O["alive"][failed] == 0).all()


def test_invariants_hold_every_month():
    sc = load_scenario(EXAMPLE)
    eng = Engine(sc, seed=3, scale=20)
    for _ in range(12 * sc.warmup_years + 36):
        eng.step()
        check_invariants(eng)


def test_people_are_conserved(example_result):
    m = example_result.metrics.groupby("month")[["people", "arrivals", "departures"]].sum()
    change = m["people"].diff().iloc[1:]
    flow = (m["arrivals"] - m["departures"]).iloc[1:]
    np.testing.assert_allclose(change.to_numpy(), flow.to_numpy())


def test_events_refer_to_existing_agents(example_result):
    res = example_result
    ev = res.events
    n_orgs = len(res.orgs)
    has_org = ev.org >= 0
    assert (ev.org[has_org] < n_orgs).all()
    founded = res.orgs.founded.to_numpy()[ev.org[has_org].to_numpy()]
    assert (founded <= ev.month[has_org].to_numpy()).all()
    assert (ev.person < res.meta["person_records"]).all()
    inv = ev.kind.isin(["funding", "rescue"])
    assert (ev.other[inv] < len(res.investors)).all()
    # every startup has a founder recorded at its founding
    foundings = ev[ev.kind == "founding"]
    assert (foundings.person >= 0).all()
    assert foundings.org.is_unique


def test_same_seed_same_numbers_different_seed_different():
    a = simulate(EXAMPLE, years=2, seed=11, scale=30)
    b = simulate(EXAMPLE, years=2, seed=11, scale=30)
    c = simulate(EXAMPLE, years=2, seed=12, scale=30)
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.orgs, b.orgs)
    assert not a.metrics.equals(c.metrics)
    assert a.meta["seed"] == 11 and a.meta["scale"] == 30 and a.meta["version"]


def test_seed_sequence_and_generator_accepted():
    ss = np.random.SeedSequence(5).spawn(2)[1]
    r1 = simulate(EXAMPLE, years=1, seed=ss, scale=50)
    r2 = simulate(EXAMPLE, years=1, seed=np.random.default_rng(ss), scale=50)
    pd.testing.assert_frame_equal(r1.metrics, r2.metrics)
    assert r1.meta["seed"]["spawn_key"] == [1]


def test_on_month_sees_the_metrics_grow_and_does_not_change_the_run():
    seen = []

    def on_month(done, total, metrics_so_far):
        seen.append((done, total, metrics_so_far()))

    res = simulate(EXAMPLE, years=1, seed=3, scale=50, on_month=on_month)
    warmup = 12 * load_scenario(EXAMPLE).warmup_years
    assert [d for d, _, _ in seen] == list(range(1, warmup + 13))
    assert {t for _, t, _ in seen} == {warmup + 12}
    # warm-up months are not reported; then one more reported month per call
    assert [f.month.nunique() for _, _, f in seen] == [0] * warmup + list(range(1, 13))
    pd.testing.assert_frame_equal(seen[-1][2], res.metrics)
    plain = simulate(EXAMPLE, years=1, seed=3, scale=50)
    pd.testing.assert_frame_equal(plain.metrics, res.metrics)


def test_scratch_indices_grow_with_their_tables():
    # the compiled halves write these indices without bounds checks, so each must keep up
    # with its table when the table grows between months (here: many new angels)
    eng = Engine(load_scenario(EXAMPLE), seed=1, scale=50)
    eng.step()
    w = eng.w
    first = w.I.n[0]
    w.I.n[0] = w.I.kind.shape[0] - 5  # as if exits had made a thousand angels
    w.I.region[first : w.I.n[0]] = 1
    w.I.dry[first : w.I.n[0]] = 0.0
    eng._ensure_room()
    assert eng.inv_order.shape[0] >= w.I.kind.shape[0] > w.I.n[0] + 1000
    assert eng.cell_order.shape[0] == eng.emp_order.shape[0] == eng.pool.shape[0]
    assert eng.pool.shape[0] >= w.P.status.shape[0]
    assert eng.emp_start.shape[0] >= w.O.kind.shape[0] + 1
    # the investor index covers every investor, each once
    assert sorted(eng.inv_order[: w.I.n[0]]) == list(range(w.I.n[0]))
    for _ in range(3):
        eng.step()  # and the months go on


def test_a_hook_can_make_room_for_many_newcomers_in_a_month():
    # a NumPy-side hook that adds more newcomers than the month's usual room (the outside
    # pool's recruits in a fast-growing district) reserves room before the compiled part of
    # the month; without it the People table filled up mid-month (an internal error)
    eng = Engine(load_scenario(EXAMPLE), seed=1, scale=50)
    eng.step()
    w = eng.w
    free = w.P.status.shape[0] - int(w.P.n[0])
    usual = eng._people_room
    eng.reserve_people(0)  # nothing beyond the usual room: nothing grows
    assert w.P.status.shape[0] - int(w.P.n[0]) == free
    extra = free + 10_000
    w.pop_target[0] += extra  # as the pool's hook does; the entrants fill it this month
    eng.reserve_people(extra)
    assert eng.w.P.status.shape[0] - int(eng.w.P.n[0]) >= extra + usual
    assert eng._people_room == usual  # the usual room is unchanged for later months
    assert eng.pool.shape[0] >= eng.w.P.status.shape[0]
    before = int(eng.w.P.n[0])
    eng.step()  # a month with all of them arriving runs
    assert int(eng.w.P.n[0]) >= before + extra


def test_a_callback_can_abandon_a_run():
    def stop(done, total):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate(EXAMPLE, years=1, seed=3, scale=50, progress=stop)


def test_bad_arguments():
    with pytest.raises(ValueError, match="scale must be positive"):
        simulate(EXAMPLE, years=1, scale=0)
    with pytest.raises(ValueError, match="years must be at least 1"):
        simulate(EXAMPLE, years=0)


def test_to_parquet_round_trip(tmp_path, example_result):
    out = example_result.to_parquet(tmp_path / "run")
    back = pd.read_parquet(out / "metrics.parquet")
    pd.testing.assert_frame_equal(back, example_result.metrics)
    assert (out / "scenario.toml").exists() and (out / "meta.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("edition", "ideas"), [("first", "ideas"), ("second", "recombinant_ideas")]
)
def test_outputs_do_not_depend_on_population_scale(edition, ideas):
    """Expected outputs in real units are the same at scale 5 and 20 (within noise), in either
    edition. Each edition's ideas have their own metric: the first edition's lottery counts
    ``ideas``, the second edition's recombination ``recombinant_ideas`` (the other stays 0)."""
    data = EDITIONS[edition](scenario(years=4))
    assert_scale_free(data, ["foundings", "patents", ideas, "failures"])
    sc = scenario_from_dict(data)
    assert sc.regions["district"].population == 40000
