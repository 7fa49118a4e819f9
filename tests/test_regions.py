"""Many regions in one run (M11-M12): conservation, independence, hybrid work, shocks, rents."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.scenario import scenario_from_dict
from tests.conftest import (
    EDITIONS,
    base_region,
    deep_set,
    first_edition,
    scenario,
    second_edition,
    totals_over_seeds,
)
from tests.test_mechanisms import assert_more

SEEDS = range(12)


def two_regions(**mech) -> dict:
    data = scenario({"north": base_region(), "south": base_region()})
    data["distances_km"] = {"north|south": 150.0}
    for group, values in mech.items():
        data["mechanisms"].setdefault(group, {}).update(values)
    return data


def test_people_and_money_are_conserved_across_regions():
    data = two_regions(migration={"base_rate": 0.01})
    res = simulate(scenario_from_dict(data), years=3, seed=3)
    m = res.metrics.groupby("month")[["migrants_in", "migrants_out"]].sum()
    np.testing.assert_allclose(m.migrants_in, m.migrants_out)
    assert m.migrants_in.sum() > 0
    tot = res.metrics.groupby("month")[["people", "arrivals", "departures"]].sum()
    np.testing.assert_allclose(tot.people.diff().iloc[1:], (tot.arrivals - tot.departures).iloc[1:])
    flows = res.flows()
    people = flows[flows.kind == "people"]
    assert people.amount.sum() == pytest.approx(m.migrants_in.sum())
    # money: what investors wrote equals what firms raised
    reported = res.investments[res.investments.month >= 0]
    inv = reported.amount.sum() * res.meta["scale"]
    raised = sum(res.metrics[c].sum() for c in res.metrics.columns if c.startswith("investment_"))
    assert inv == pytest.approx(raised)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("edition", "ideas"), [("first", "ideas"), ("second", "recombinant_ideas")]
)
def test_without_flows_regions_behave_as_independent_regions(edition, ideas):
    """With no migration, remote contacts nor pitches across, each of two regions behaves as
    one region alone, in either edition. Each edition's ideas have their own metric (the
    first edition's lottery ``ideas``, the second's recombination ``recombinant_ideas``)."""
    closed = {
        "migration": {"base_rate": 0.0},
        "contacts": {"remote_share": 0.0},
        "connect": {"local_pitch_share": 1.0},
    }
    ed = EDITIONS[edition]
    joint = totals_over_seeds(ed(two_regions(**closed)), SEEDS, years=4)
    alone = totals_over_seeds(ed(scenario({"north": base_region()})), range(100, 112), years=4)
    for col in ("foundings", ideas, "failures"):
        per_region = joint[col] / 2
        diff = per_region.mean() - alone[col].mean()
        se = np.sqrt(per_region.var() / len(per_region) + alone[col].var() / len(alone))
        assert abs(diff) < 3.5 * se + 0.03 * alone[col].mean(), (col, diff, se)


def cross_region_ties(data, seeds):
    out = []
    for s in seeds:
        res = simulate(scenario_from_dict(data), years=4, seed=s)
        ev = res.events
        cof = ev[ev.kind == "cofounder"]
        org_region = res.orgs.region.astype(str).to_numpy()
        person_region = cof.region.astype(str).to_numpy()
        cross_cof = int((org_region[cof.org.to_numpy()] != person_region).sum())
        fund = ev[ev.kind == "funding"]
        home = res.investors.region.astype(str).to_numpy()[fund.other.to_numpy()]
        cross_inv = int((home != fund.region.astype(str).to_numpy()).sum())
        out.append((cross_cof, cross_inv))
    return np.array(out)


@pytest.mark.slow
def test_hybrid_collaboration_raises_cross_region_cofounding_and_investment():
    """Hybrid work raises pitches to investors in the other region (both editions) and, in the
    first edition, co-founders from the other region. In the second edition an idea's partner
    is a tie; hybrid work raises the remote ties tenfold
    (tests/test_remote_ties.py::test_hybrid_collaboration_raises_cross_region_ties: 16% of
    new ties are remote at full hybrid work, 1.5% at none), but no co-founder came from the
    other region in 16 seeds at either level. The reason is structural, not the sample: most
    second-edition co-founders join spin-offs of people (M16), whose co-founder is drawn
    among the parent's employees (``m13_network._queue_spinoffs``), and only the recombinant
    ideas of people outside employment take their tie partner as possible co-founder. With
    ``people_spinoffs.cofounder_from_ties`` (off in the shipped fit, so that it waits for a
    re-fit) a spin-off's co-founder is drawn among the founder's ties, and hybrid work brings
    co-founders from the other region: without it none in any seed (structurally), with full
    hybrid work some in at least three seeds of four (fit L7: 17 in 8 seeds; L12, whose
    founders come less from ideas met through ties: 6 in 8; M3 lets a remote co-founder join
    with the hybrid chance)."""
    low = cross_region_ties(second_edition(two_regions(connect={"hybrid": 0.0})), range(6))
    high = cross_region_ties(second_edition(two_regions(connect={"hybrid": 1.0})), range(6))
    assert high[:, 1].mean() > 1.3 * low[:, 1].mean() + 1, (high[:, 1], low[:, 1])
    ties = "mechanisms.people_spinoffs.cofounder_from_ties"
    low = cross_region_ties(
        deep_set(second_edition(two_regions(connect={"hybrid": 0.0})), ties, True), range(8)
    )
    high = cross_region_ties(
        deep_set(second_edition(two_regions(connect={"hybrid": 1.0})), ties, True), range(8)
    )
    assert (low[:, 0] == 0).all(), low[:, 0]
    assert (high[:, 0] > 0).mean() >= 0.75, high[:, 0]
    low = cross_region_ties(first_edition(two_regions(connect={"hybrid": 0.0})), range(8))
    high = cross_region_ties(first_edition(two_regions(connect={"hybrid": 1.0})), range(8))
    assert high[:, 0].mean() > low[:, 0].mean() + 1
    assert (high[:, 0] >= low[:, 0]).mean() >= 0.75
    assert high[:, 1].mean() > 1.3 * low[:, 1].mean()


def anchored(anchors: list[dict]) -> dict:
    reg = base_region(population=60000, anchors=anchors)
    return scenario({"city": reg})


@pytest.mark.slow
def test_single_anchor_region_loses_more_after_anchor_shock():
    """Detroit (seed 001): a region leaning on one anchor loses far more than a diversified
    region of the same size when its biggest anchor collapses."""
    single = anchored(
        [
            {
                "name": "Big",
                "domain": "robotics",
                "employees": 24000,
                "local_demand": 0.6,
                "spinout_rate": 0.001,
            }
        ]
    )
    diverse = anchored(
        [
            {
                "name": f"A{i}",
                "domain": d,
                "employees": 4800,
                "local_demand": 0.12,
                "spinout_rate": 0.001,
            }
            for i, d in enumerate(["robotics", "ai_software", "games", "ecommerce", "biomedicine"])
        ]
    )

    def shock(name):
        return [
            {
                "month": 0,
                "kind": "anchor_collapse",
                "region": "city",
                "anchor": name,
                "layoff_share": 0.9,
            }
        ]

    def loss(data, name):
        base = totals_over_seeds(data, range(6), years=4)
        hit = totals_over_seeds(deep_set(data, "shocks", shock(name)), range(6), years=4)
        return 1.0 - hit["output"].mean() / base["output"].mean()

    single_loss = loss(single, "Big")
    diverse_loss = loss(diverse, "A0")
    assert single_loss > 2.5 * diverse_loss, (single_loss, diverse_loss)
    assert single_loss > 0.1


@pytest.mark.slow
def test_costly_region_loses_founders_to_cheaper_neighbour():
    """San Francisco's costs (seed 001): rents outrunning subsidies push founders out; a
    low-cost, low-tax neighbour (Austin) draws them."""
    costly = base_region(office_rent=0.012, housing_cost=3.0, land_supply=0.0, tax_rate=0.35)
    cheap = base_region(office_rent=0.003, housing_cost=0.8, land_supply=1.0, tax_rate=0.1)
    data = scenario({"costly": costly, "cheap": cheap})
    data["distances_km"] = {"costly|cheap": 300.0}
    data["mechanisms"]["migration"] = {"base_rate": 0.01}
    out, into = [], []
    for s in range(6):
        f = simulate(scenario_from_dict(data), years=4, seed=s, scale=4).flows()
        f = f[f.kind == "founders"]
        out.append(f[(f.origin == "costly") & (f.destination == "cheap")].amount.sum())
        into.append(f[(f.origin == "cheap") & (f.destination == "costly")].amount.sum())
    assert np.mean(out) > 2 * np.mean(into)
    assert np.mean(out) > 0


def test_policy_change_shock_applies_mid_run():
    reg = base_region(domain_mix={"biomedicine": 1.0})
    data = scenario({"d": reg})
    data["shocks"] = [
        {"month": 12, "kind": "policy_change", "region": "d", "field": "sandbox", "value": 1.0}
    ]
    res = simulate(scenario_from_dict(data), years=3, seed=2)
    f = res.events[(res.events.kind == "founding") & (res.events.domain == "biomedicine")]
    assert len(f) > 0 and f.month.min() >= 12


def test_bad_distance_key_is_rejected():
    from rainforest.scenario import ScenarioError

    data = two_regions()
    data["distances_km"] = {"north|nowhere": 5.0}
    with pytest.raises(ScenarioError, match="distances_km"):
        scenario_from_dict(data)


def test_supply_chain_cuts_hardware_experiment_cost():
    hw = base_region(domain_mix={"robotics": 1.0}, anchors=[])
    lo = simulate(
        scenario_from_dict(scenario({"d": deep_set(hw, "supply_chain", 1.0)})), years=2, seed=1
    )
    hi = simulate(scenario_from_dict(scenario({"d": hw})), years=2, seed=1)
    assert lo.metrics.experiment_cost.mean() < 0.8 * hi.metrics.experiment_cost.mean()
    _ = assert_more


def test_movers_look_for_work_only_after_settling():
    """Moving takes time (M11): a mover joins the hiring pool lag_months after arriving."""
    from rainforest.engine import Engine
    from rainforest.state import tables as S

    data = two_regions(migration={"base_rate": 0.02, "lag_months": 3})
    eng = Engine(scenario_from_dict(data), seed=5)
    moved = 0
    for _ in range(24):
        eng.step()
        P = S.rows(eng.w.P)
        settling = (P["settled"] > eng.month - 1) & (P["status"] != S.GONE)
        moved += int(settling.sum())
        assert not (P["status"][settling] == S.EMPLOYED).any()
    assert moved > 0
