"""Direction tests of issue 16's four further instruments (mechanisms/m17_more.py): subsidies by
patent count vs case-by-case support, data rules, online communities across places and firms
relocating between regions. Over seeds; off, a run is unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rainforest.api import simulate
from rainforest.engine import Engine
from rainforest.explain.outcomes import high_growth
from rainforest.scenario import scenario_from_dict
from rainforest.state.tables import EV_IDEA, GONE
from tests.conftest import EDITIONS, deep_set, first_edition, scenario, totals_over_seeds
from tests.test_mechanisms import assert_more
from tests.test_regions import two_regions

INS = "regions.district.instruments"


def _t(d: np.ndarray) -> float:
    """t statistic of a paired difference's mean."""
    return float(d.mean() / (d.std(ddof=1) / np.sqrt(len(d))))


@pytest.mark.parametrize("edition", EDITIONS)
def test_defaults_leave_a_run_unchanged(edition):
    """The new instruments written at their defaults: the same run, bit for bit (in the
    second edition too, whose remote ties draw from the contact share M17 would rewrite)."""
    data = EDITIONS[edition](two_regions())
    a = simulate(scenario_from_dict(data), years=1, seed=4)
    zero = dict(patent_subsidy=0.0, case_support_budget=0.0, data_rules=0.0)
    zero |= dict(online_community=0.0, relocation_grant=0.0)
    on = _set(data, north=zero, south=zero)
    b = simulate(scenario_from_dict(on), years=1, seed=4)
    num = a.metrics.select_dtypes("number").to_numpy(float)
    assert np.array_equal(num, b.metrics.select_dtypes("number").to_numpy(float), equal_nan=True)
    assert a.orgs.equals(b.orgs)


def test_patent_subsidy_raises_patents_case_support_raises_high_growth_per_yuan():
    """Seed 003 (an AI model's opinion): subsidies by patent count raise patent filings, low-
    value ones included, more than case-by-case support (一事一议) does; case-by-case support,
    paid to startups by assessed fit, buys more high-growth firms per public yuan."""
    base = scenario(scale=5)
    arms = {
        "base": base,
        "patent": deep_set(base, INS, {"patent_subsidy": 1.0}),
        "case": deep_set(base, INS, {"case_support_budget": 100.0}),
    }
    years, seeds = 5, range(24)
    out = {k: [] for k in arms}
    for k, data in arms.items():
        sc = scenario_from_dict(data)
        for s in seeds:
            res = simulate(sc, years=years, seed=s)
            tot = res.totals().sum(numeric_only=True)
            hg = high_growth(res, None, years).sum()
            out[k].append((tot["patents"], hg, tot["public_spending"], tot["patents_induced"]))
    b, pat, case = (np.array(out[k]) for k in ("base", "patent", "case"))
    assert (pat[:, 3] > 0).all() and (case[:, 3] == 0).all()
    assert (pat[:, 2] > 0).all() and (case[:, 2] > 0).all() and (b[:, 2] == 0).all()
    # patents: the subsidy's rise beats case-by-case support's, seed by seed on average
    gap = (pat[:, 0] - b[:, 0]) - (case[:, 0] - b[:, 0])
    assert gap.mean() > 0 and _t(gap) > 2.5, gap
    # high-growth firms per public yuan (each arm's extra firms over its mean spending)
    per_yuan = (case[:, 1] - b[:, 1]) / case[:, 2].mean() - (pat[:, 1] - b[:, 1]) / pat[:, 2].mean()
    assert per_yuan.mean() > 0 and _t(per_yuan) > 2.0, per_yuan


def _step(data: dict, months: int, seed: int = 1) -> Engine:
    eng = Engine(scenario_from_dict(data), seed=seed)
    for _ in range(months):
        eng.step()
    return eng


def _set(data: dict, **regions) -> dict:
    for name, ins in regions.items():
        data = deep_set(data, f"regions.{name}.instruments", ins)
    return data


@pytest.mark.parametrize("edition", EDITIONS)
def test_data_rules_raise_data_domains_costs_and_pilots_relax_them(edition):
    """Seed 003 (opinion): data localisation raises the experiment cost of data-dependent
    domains (AI) where it applies, not elsewhere; a data-circulation pilot lowers it again."""
    base = EDITIONS[edition](two_regions())
    d = _step(base, 1).w.D
    data_dom = np.flatnonzero(d.data > 0)
    free = np.flatnonzero(d.data == 0)
    assert len(data_dom) and len(free)

    def cost(data):
        return _step(data, 1).inputs["exp_cost"]

    c0 = cost(base)
    strict = cost(_set(base, north={"data_rules": 1.0}))
    pilot = cost(_set(base, north={"data_rules": 1.0, "data_circulation": 1.0}))
    assert (strict[0, data_dom] > c0[0, data_dom]).all()
    np.testing.assert_allclose(strict[0, free], c0[0, free])
    np.testing.assert_allclose(strict[1], c0[1])  # the other region is untouched
    assert (pilot[0, data_dom] < strict[0, data_dom]).all()


def cross_region_ideas(data: dict, seeds, months: int = 24) -> np.ndarray:
    """Ideas from contacts whose partner lives in another region, per seed (every idea
    recorded, nobody migrating: a partner's region is the one of the contact)."""
    data = deep_set(data, "mechanisms.ideas.event_sample", 1.0)
    data = deep_set(data, "mechanisms.migration.base_rate", 0.0)
    # more ideas and remote contacts than the defaults, for counts with power in a short run
    data = deep_set(data, "mechanisms.ideas.base_probability", 1e-4)
    data = deep_set(data, "mechanisms.contacts.remote_share", 0.1)
    out = []
    for s in seeds:
        eng = Engine(scenario_from_dict(data), seed=s)
        while eng.month < months:
            eng.step()
        E, P = eng.w.E, eng.w.P
        n = int(E.n[0])
        idea = (E.kind[:n] == EV_IDEA) & (E.other[:n] >= 0)
        other = E.other[:n][idea]
        out.append(int((P.region[other] != E.region[:n][idea]).sum()))
    return np.array(out, float)


def test_online_communities_raise_and_data_rules_cut_cross_region_ideas():
    """Seed 000: online communities link founders across places, so two regions that both have
    them get more ideas with a partner in the other; seed 003 (opinion): strict data rules cut
    cross-region collaboration, and a data-circulation pilot restores part of it.

    The first edition's M1 remote contacts and M2 lottery (whose idea events name the
    partner): both instruments act on the share of contacts made in another region. The
    second edition draws its remote ties from the same share and rows; its direction test is
    tests/test_remote_ties.py::test_online_communities_raise_and_data_rules_cut_remote_ties."""
    base = first_edition(two_regions())
    seeds = range(6)
    none = cross_region_ideas(base, seeds)
    both = {"online_community": 1.0}
    comm = cross_region_ideas(_set(base, north=both, south=both), seeds)
    assert (comm > none).all() and comm.mean() > 1.5 * none.mean(), (comm, none)
    strict = cross_region_ideas(_set(base, north={"data_rules": 1.0}), seeds)
    assert (strict < none).all(), (strict, none)
    pilot = {"data_rules": 1.0, "data_circulation": 0.8}
    relaxed = cross_region_ideas(_set(base, north=pilot), seeds)
    assert (relaxed > strict).all(), (relaxed, strict)


def test_a_relocation_grant_draws_firms_and_their_people_are_conserved():
    """Seed 004 (游科 moved from Shenzhen to Hangzhou for three years' rent; Hefei's 以投带引):
    a region offering a large relocation grant gains firms from the other; founders and staff
    move with them and nobody is lost or duplicated."""
    base = two_regions()
    on = _set(base, south={"relocation_grant": 2.0})
    moved_in, moved_out, stay_in = [], [], []
    for s in range(6):
        res = simulate(scenario_from_dict(on), years=2, seed=s)
        m = res.metrics.groupby("region", observed=True)[
            ["firms_relocated_in", "firms_relocated_out", "public_relocation"]
        ].sum()
        moved_in.append(m.loc["south", "firms_relocated_in"])
        moved_out.append(m.loc["north", "firms_relocated_out"])
        stay_in.append(m.loc["north", "firms_relocated_in"])
        assert m.loc["south", "public_relocation"] > 0
        tot = res.metrics.groupby("month")[["people", "arrivals", "departures"]].sum()
        np.testing.assert_allclose(
            tot.people.diff().iloc[1:], (tot.arrivals - tot.departures).iloc[1:]
        )
    moved_in, moved_out, stay_in = map(np.array, (moved_in, moved_out, stay_in))
    np.testing.assert_allclose(moved_in, moved_out)
    assert (moved_in > stay_in).all() and moved_in.mean() > 0, (moved_in, stay_in)
    # the state stays consistent: head counts match the people who work for each firm
    eng = _step(on, 30, seed=2)
    O, P = eng.w.O, eng.w.P
    n, npp = int(O.n[0]), int(P.n[0])
    live = P.status[:npp] != GONE
    emp = P.employer[:npp][live]
    heads = np.bincount(emp[emp >= 0], minlength=n)[:n]
    alive = O.alive[:n] == 1
    np.testing.assert_array_equal(heads[alive], O.emp[:n][alive])
    assert (O.region[:n] >= 0).all() and (O.region[:n] < 2).all()
    cell0, ncell = eng.w.G.reg_cell0, eng.w.G.reg_ncell
    r = P.region[:npp][live]
    c = P.cell[:npp][live]
    assert ((c >= cell0[r]) & (c < cell0[r] + ncell[r])).all()


def test_relocation_switched_on_without_grants_moves_firms_to_cheaper_places():
    """With the switch on and no grant, firms move toward the region where they burn less."""
    base = two_regions(instruments={"firm_migration": True})
    base = deep_set(base, "regions.south.office_rent", 0.02)
    south_in, north_in = [], []
    for s in range(4):
        res = simulate(scenario_from_dict(base), years=2, seed=s)
        m = res.metrics.groupby("region", observed=True)["firms_relocated_in"].sum()
        south_in.append(m.loc["south"])
        north_in.append(m.loc["north"])
    assert np.mean(north_in) > np.mean(south_in), (north_in, south_in)


def test_relocation_leaves_startups_alive_in_the_winning_region():
    """Firms moved in are counted among the region's startups: the grant region ends with more
    startups alive than without the grant."""
    base = two_regions()
    on = _set(base, south={"relocation_grant": 2.0})

    def south_alive(data):
        rows = []
        for s in range(6):
            res = simulate(scenario_from_dict(data), years=2, seed=s)
            m = res.metrics
            last = m[(m.region == "south") & (m.month == m.month.max())]
            rows.append({"startups_alive": float(last.startups_alive.sum())})
        import pandas as pd

        return pd.DataFrame(rows)

    assert_more(south_alive(on), south_alive(base), "startups_alive", t_min=2.0)


@settings(max_examples=60, deadline=None)
@given(
    nr=st.integers(2, 5),
    share=st.floats(0.0, 0.3),
    comm=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
    strict=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
    pilot=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
    weights=st.lists(st.floats(0.01, 10.0), min_size=25, max_size=25),
)
def test_contact_draws_stay_valid_and_follow_the_instruments(
    nr, share, comm, strict, pilot, weights
):
    """For any communities, data rules and partner weights: each row of the rewritten draws is
    a distribution (ends at 1, never falls), the global share stays within M12's cap, and a
    region's chance of a contact in region q is the old one x (1 + boost c_r c_q) x (1 - cut
    x the stricter end) (when under the cap)."""
    from types import SimpleNamespace

    from rainforest.mechanisms.m12_connections import remote_weights
    from rainforest.mechanisms.m17_more import connections
    from rainforest.scenario.schema import Instruments, Mechanisms

    mech = Mechanisms()
    dist = np.array(weights[: nr * nr]).reshape(nr, nr) * 100.0
    cdf = remote_weights(np.ones(nr), dist, 100.0)
    ins = [
        Instruments(online_community=c, data_rules=s, data_circulation=p)
        for c, s, p in zip(comm[:nr], strict[:nr], pilot[:nr], strict=True)
    ]
    eng = SimpleNamespace(
        inputs={"remote_share": share, "remote_cdf": cdf.copy()},
        sc=SimpleNamespace(mechanisms=mech),
    )
    connections(eng, ins)
    out, top = eng.inputs["remote_cdf"], eng.inputs["remote_share"]
    assert 0.0 <= top <= mech.connect.max_remote_share + 1e-12
    assert np.allclose(out[:, -1], 1.0)
    assert (np.diff(out, axis=1) >= -1e-12).all() and (out >= -1e-12).all()
    p = mech.instruments
    c = np.array(comm[:nr])
    s = np.array(strict[:nr]) * (1.0 - np.array(pilot[:nr]))
    old = np.diff(np.c_[np.zeros(nr), cdf], axis=1)
    mult = (1.0 + p.community_boost * np.outer(c, c)) * (
        1.0 - p.data_rules_contact_cut * np.maximum.outer(s, s)
    )
    want = share * old * mult
    np.fill_diagonal(want, 0.0)
    if want.sum(axis=1).max() <= mech.connect.max_remote_share and top > 0:
        got = top * np.diff(np.c_[np.zeros(nr), out], axis=1)
        off = ~np.eye(nr, dtype=bool)
        np.testing.assert_allclose(got[off], want[off], atol=1e-12)


def test_trusted_early_users_act_as_open_scenarios_bought_privately():
    """Seed 000's garage trust (“車庫的溫度”…高信任): early users who try a young startup's
    product act as the public first buyers of open scenarios do (M4: young startups' revenue
    and experiment yield), but cost the public nothing. So a run with early users at 0.6 is
    a run with open scenarios at 0.6, metric by metric, except the public spending on first
    buyers; and at full coverage they raise output (40 seeds, first edition: +2.7%, t = 3.2;
    their effect is that of open scenarios, +30% revenue and yield for young startups, so
    small in the second edition's test district, where few young startups sell)."""
    base = first_edition(scenario())
    early = deep_set(base, "regions.district.instruments", {"early_users": 0.6})
    public = deep_set(base, "regions.district.policy.open_scenarios", 0.6)
    a = simulate(scenario_from_dict(early), years=2, seed=3).metrics
    b = simulate(scenario_from_dict(public), years=2, seed=3).metrics
    assert a["public_first_buyers"].sum() == 0 and b["public_first_buyers"].sum() > 0
    skip = {"public_first_buyers", "public_spending"}
    cols = [c for c in a.select_dtypes("number").columns if c not in skip]
    assert np.array_equal(a[cols].to_numpy(float), b[cols].to_numpy(float), equal_nan=True)
    both = deep_set(public, "regions.district.instruments", {"early_users": 0.6})
    c = simulate(scenario_from_dict(both), years=2, seed=3).metrics
    assert c["public_first_buyers"].sum() > 0  # with both, the public still pays its share
    full = deep_set(base, "regions.district.instruments", {"early_users": 1.0})
    on = totals_over_seeds(full, range(40), years=4)
    off = totals_over_seeds(base, range(40), years=4)
    assert_more(on, off, "output", t_min=2.5)
