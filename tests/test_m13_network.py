"""The living network in the engine (mechanisms/m13_network.py, M13-M16).

On in the second edition (SECOND_EDITION), it runs deterministically and reports; switched
off (FIRST_EDITION, or its four switches) it reports zeros and no network sample. On (its four
switches over the first edition, or in the second edition), its ideas and spin-off draws found
firms through the founding decision, the per-anchor spin-out rates and M2's contact lottery
are no longer used, third places raise encounters and there is no density exponent left in
the contact rate.
Direction tests are over several seeds (sums), never one lucky run.
"""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.mechanisms import get
from rainforest.mechanisms.m01_contacts import contact_rates
from rainforest.mechanisms.m13_network import MECHANISMS, ON
from rainforest.scenario import (
    FIRST_EDITION,
    SECOND_EDITION,
    Scenario,
    scenario_from_dict,
    with_values,
)
from tests.conftest import base_region, scenario

SEEDS = (1, 2, 3)


#: the living network's four switches off (its own ``off``), the rest of the edition kept
NETWORK_OFF = {k: False for k in ON}


def world(scale: float = 10, **over) -> Scenario:
    region = base_region(population=20000, **over)
    return scenario_from_dict(scenario({"district": region}, scale=scale))


def on(sc: Scenario, **extra) -> Scenario:
    """The living network's four switches on over the first edition (named, whatever the
    schema's default is)."""
    return with_values(sc, {**FIRST_EDITION, **ON, **extra})


def second(sc: Scenario) -> Scenario:
    """The second edition (its nine switches on) over ``sc``."""
    return with_values(sc, SECOND_EDITION)


def total(sc: Scenario, metric: str, years: int = 1) -> float:
    return float(sum(simulate(sc, years=years, seed=s).metrics[metric].sum() for s in SEEDS))


def test_declarations_keep_the_contract():
    for m in MECHANISMS:
        m.check()
        assert get(m.name) is m
        assert m.off and all(v is False for v in m.off.values())
    fields = Scenario.model_fields["mechanisms"].annotation.model_fields
    for name in ("ties", "knowledge_vectors", "recombination", "people_spinoffs"):
        for fname, f in fields[name].annotation.model_fields.items():
            assert f.description and (f.json_schema_extra or {}).get("unit"), (name, fname)
    assert get("ties").hooks[0].name == "ties.month"


def test_on_in_the_second_edition():
    sc = second(world())
    assert all(getattr(sc.mechanisms, k.split(".")[1]).enabled for k in ON)
    res = simulate(sc, years=1, seed=3)
    assert (res.metrics.ties_formed > 0).all()  # ties form every month
    assert res.metrics.people_spinoffs.sum() > 0
    assert res.meta["network"]["mean_degree"] > 0


@pytest.mark.parametrize("off", [FIRST_EDITION, NETWORK_OFF], ids=["first_edition", "switches"])
def test_switched_off_reports_zeros(off):
    """Off in the first edition, or by its own four switches in the second."""
    res = simulate(with_values(second(world()), off), years=1, seed=3)
    for col in ("ties_formed", "recombinant_ideas", "people_spinoffs"):
        assert (res.metrics[col] == 0).all(), col
    assert "network" not in res.meta  # off: nothing to measure


@pytest.fixture(scope="module")
def switched_on():
    """The second edition (network on), sampled finer (scale 2) than the file's other worlds:
    recombinant ideas are rare (a sampled handful a year in this district), and at scale 10
    one seed can see none in two years, leaving the novel share undefined (0/0)."""
    sc = second(world(scale=2))
    return sc, simulate(sc, years=2, seed=3)


def test_switched_on_it_runs_deterministically_and_reports(switched_on):
    sc, a = switched_on
    b = simulate(sc, years=2, seed=3)
    num = a.metrics.select_dtypes("number")
    assert np.array_equal(
        num.to_numpy(), b.metrics.select_dtypes("number").to_numpy(), equal_nan=True
    )
    assert a.metrics.ties_formed.sum() > 0
    assert a.metrics.recombinant_ideas.sum() > 0
    assert (a.metrics.people > 0).all()


def test_recombinant_ideas_found_firms(switched_on):
    sc, res = switched_on
    assert res.metrics.ideas.sum() == 0  # M2's contact lottery is off
    assert total(sc, "foundings", 2) > 0
    # without people's spin-offs every recombinant idea is a founding candidate; with none
    # (p0 = 0) foundings fall to the anchors' fixed spin-out rates and the universities
    sc = on(world(), **{"mechanisms.people_spinoffs.enabled": False})
    none = with_values(sc, {"mechanisms.recombination.p0": 0.0})
    few = with_values(sc, {"mechanisms.recombination.p0": 0.02})
    many = with_values(sc, {"mechanisms.recombination.p0": 0.5})
    assert total(many, "recombinant_ideas", 2) > 10 * max(total(few, "recombinant_ideas", 2), 1)
    assert total(many, "foundings", 2) > 1.3 * total(none, "foundings", 2)


def test_people_spinoffs_replace_spinout_rates():
    sc = on(world())
    # the anchor's spinout_rate input is not used any more: a tenfold rate changes nothing
    tenfold = with_values(sc, {"regions.district.anchors.0.spinout_rate": 0.01})
    a = simulate(sc, years=1, seed=2).metrics.select_dtypes("number").to_numpy()
    b = simulate(tenfold, years=1, seed=2).metrics.select_dtypes("number").to_numpy()
    assert np.array_equal(a, b, equal_nan=True)
    # the people's hazard is what makes spin-outs now
    low = with_values(sc, {"mechanisms.people_spinoffs.base_hazard": 0.00002})
    high = with_values(sc, {"mechanisms.people_spinoffs.base_hazard": 0.002})
    assert total(high, "people_spinoffs") > 3 * total(low, "people_spinoffs")
    assert total(high, "spinouts") > total(low, "spinouts")


def test_third_places_raise_encounters_in_the_engine():
    few = on(world(third_places_per_km2=0.0))
    many = on(world(third_places_per_km2=60.0))
    assert total(many, "ties_formed") > 1.05 * total(few, "ties_formed")


def test_no_density_exponent_with_the_network_on():
    sc = world()
    c = sc.mechanisms.contacts
    dense = contact_rates([200_000], [1.0], [10.0], c, exponent=False)
    sparse = contact_rates([2_000], [1.0], [10.0], c, exponent=False)
    assert dense[0] == pytest.approx(sparse[0])
    assert (
        contact_rates([200_000], [1.0], [10.0], c)[0] > contact_rates([2_000], [1.0], [10.0], c)[0]
    )


def test_the_result_carries_the_network_measures(switched_on):
    _, res = switched_on
    net = res.meta["network"]
    assert net["mean_degree"] > 0
    assert 0.0 <= net["within_1km_share"] <= 1.0
    assert 0.0 <= net["clustering"] <= 1.0
    assert 0.0 <= net["novel_share"] <= 1.0
    assert net["cofounder_ties"] >= 0
    off = simulate(with_values(second(world()), NETWORK_OFF), years=1, seed=3)
    assert "network" not in off.meta  # off: nothing to measure


def test_batch_runs_may_skip_the_network_measures_and_nothing_else_changes(switched_on):
    """``network_measures=False`` (what experiment workers, calibrate, validate and claims
    pass) leaves out the end-of-run measures only: the run and its tables are the same."""
    sc, full = switched_on
    bare = simulate(sc, years=2, seed=3, network_measures=False)
    assert "network" not in bare.meta and "network_sample" not in bare.meta
    assert "network" in full.meta and "network_sample" in full.meta
    assert bare.metrics.equals(full.metrics)
    assert bare.events.equals(full.events)
    assert bare.orgs.equals(full.orgs)


def test_novel_combinations_are_counted_before_each_idea():
    from rainforest.mechanisms.m13_network import _novel

    before = np.zeros((8, 8), np.int64)
    before[0, 1] = 19  # one use short of familiar (20)
    a = np.array([0, 0, 2], np.uint8)
    b = np.array([1, 1, 3], np.uint8)
    assert _novel(before, a, b, 20.0) == 2  # the second (0, 1) idea finds it familiar


def _depth_vs_employer(sc: Scenario, seed: int) -> float:
    """Correlation, over employees of startups and anchors, of the depth of their knowledge
    with their employer's potential θ after two years."""
    from rainforest.engine import Engine
    from rainforest.state.tables import EMPLOYED

    eng = Engine(sc, seed=seed)
    for _ in range(24):
        eng.step()
    st = eng.cache["ties"]
    P, O = eng.w.P, eng.w.O
    n = int(st["n"])
    emp = P.employer[:n]
    ok = (P.status[:n] == EMPLOYED) & (emp >= 0)
    depth = np.linalg.norm(st["K"].k[:n][ok].astype(float), axis=1)
    return float(np.corrcoef(depth, O.theta[emp[ok]])[0, 1])


def test_people_of_better_firms_learn_more_know_how():
    with_knowhow = on(world())
    without = on(world(), **{"mechanisms.knowledge_vectors.firm_knowhow": 0.0})
    r_with = np.mean([_depth_vs_employer(with_knowhow, s) for s in SEEDS])
    r_without = np.mean([_depth_vs_employer(without, s) for s in SEEDS])
    # the depth-θ correlation is about 0.2 ± 0.05 from seed to seed in both editions (the
    # first edition with the network on, as here: 0.21 over these seeds; the calibrated
    # second edition: 0.19), so the bar for "clearly positive" is 0.15; the firm's know-how
    # is what makes it (without it the correlation is slightly negative: -0.04 here, about
    # -0.1 in the calibrated second edition)
    assert r_with > 0.15
    assert r_with > r_without + 0.2


def _investor_ties(sc: Scenario, seed: int, months: int = 24) -> tuple[int, int]:
    """INVESTOR ties standing after ``months`` and those made over the run."""
    from rainforest.engine import Engine
    from rainforest.mechanisms import ties as tk

    eng = Engine(sc, seed=seed)
    for _ in range(months):
        eng.step()
    st = eng.cache["ties"]
    n = int(st["n"])
    rows = tk.unpack(tk.Ties(st["T"].slot[:n], st["T"].deg[:n]), int(eng.month), st["decay"])
    return int((rows["kind"] == tk.INVESTOR).sum()) // 2, int(st["investor_ties"])


def test_investors_portfolios_tie_their_founders():
    # a district with more firms (people's spin-offs ten times likelier), so that investors
    # fund a hundred-odd rounds in three years
    region = base_region(population=100000, area_km2=10.0)
    base = scenario_from_dict(scenario({"district": region}, scale=5))
    base = with_values(base, {"mechanisms.people_spinoffs.base_hazard": 0.002})

    def runs(k: int) -> np.ndarray:
        sc = on(base, **{"mechanisms.ties.portfolio_ties": k})
        return np.sum([_investor_ties(sc, s, months=36) for s in SEEDS], axis=0)

    none, few, many = runs(0), runs(1), runs(4)
    assert none.sum() == 0  # no introductions, no investor ties
    assert few[1] > 0 and few[0] > 0
    assert many[1] > few[1] and many[0] > few[0]
