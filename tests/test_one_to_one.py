"""Organisations one to one (issue 15 item 5, ``mechanisms.initial.one_to_one_orgs``).

At population scale k people are a 1/k sample; with the switch on, firms are not: each real
firm is one row, so a unicorn or an IPO is one real firm instead of k. These tests check that
rare outcomes are no longer lumps of k, that expected outcomes in real units (rare ones
included) do not depend on k, that the people's books still balance, that a run is a function
of its seed, and that at scale 1 the switch changes nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.engine import Engine
from rainforest.scenario import FIRST_EDITION, SECOND_EDITION, scenario_from_dict
from rainforest.state import tables as S
from tests.conftest import base_region, deep_set, scenario, totals_over_seeds
from tests.test_engine import check_invariants
from tests.test_regression import fingerprint as pinned_fingerprint

SWITCH = "mechanisms.initial.one_to_one_orgs"
#: both editions, named (the second's network, belief, growth and campus are in what is compared)
EDITIONS = pytest.mark.parametrize(
    "edition", [FIRST_EDITION, SECOND_EDITION], ids=["first_edition", "second_edition"]
)


def with_edition(data: dict, edition: dict) -> dict:
    """``data`` with an edition's values deep-set onto it."""
    for path, value in edition.items():
        data = deep_set(data, path, value)
    return data


def fingerprint(res) -> str:
    """sha256 of every column of the run's main tables, the second edition's (network, belief
    through ties, growth, campus) and the report-only ones included."""
    return pinned_fingerprint(res, first=False, report=True)


def rare(on: bool = True, **top) -> dict:
    """A district where "unicorns" and IPOs happen a few times a year: the valuations that
    make them are lowered (to 150 and 300 million yuan, IPOs likelier once eligible) so a small
    test district has enough of these rare firm outcomes to compare across scales."""
    reg = base_region(population=60000, initial_firms=2500, initial_listed=20)
    data = scenario({"district": reg}, **top)
    data = deep_set(data, "mechanisms.ideas.base_probability", 4e-5)
    data = deep_set(data, "mechanisms.exits.unicorn_valuation", 150.0)
    data = deep_set(data, "mechanisms.exits.ipo_valuation", 300.0)
    data = deep_set(data, "mechanisms.exits.ipo_probability", 0.2)
    return deep_set(data, SWITCH, on)


def test_rare_events_are_not_lumps_of_the_scale():
    """At scale 10 unicorn and IPO counts (real units) are not all multiples of 10 when firms
    are one to one; with firms a 1/k sample they always are (each simulated firm is 10)."""
    counts, lumpy = [], []
    for seed in range(4):
        for on, out in ((True, counts), (False, lumpy)):
            res = simulate(scenario_from_dict(rare(on=on)), years=4, seed=seed, scale=10)
            out.extend(res.metrics[["unicorns", "ipos"]].sum().round(6).tolist())
            ev = res.events
            n = ev[ev.kind.isin(["unicorn", "ipo"])].weight.sum()
            assert n == sum(res.metrics[["unicorns", "ipos"]].sum().round(6))
    counts, lumpy = np.array(counts), np.array(lumpy)
    assert counts.sum() > 0 and lumpy.sum() > 0
    assert (np.mod(lumpy, 10) == 0).all()
    assert (np.mod(counts, 10) != 0).any(), counts
    assert (np.mod(counts, 1) == 0).all()  # whole firms


def per_1000_a_year(data: dict, seeds, scale: float, years: int = 4):
    """Per-seed outcomes per 1,000 workers a year (worker-years from the monthly head count)."""
    t = totals_over_seeds(data, seeds, years=years, scale=scale)
    workers = t["people"]  # a stock: the last month's head count
    out = t[["unicorns", "ipos", "foundings", "failures", "acquisitions"]].div(workers, axis=0)
    out = out * 1000.0 / years
    out["firms"] = t["firms"] / workers * 1000.0
    out["people"] = workers
    return out


def test_rare_outcomes_do_not_depend_on_population_scale():
    """Unicorns, IPOs, foundings, failures and the firm stock per 1,000 workers agree at
    scale 2, 5 and 20 (within 4 standard errors, or 10% of the finest estimate); unicorns,
    IPOs, foundings and the firm stock also agree with scale 1, where every person and firm
    is itself."""
    data = rare(years=4)
    runs = {
        1: per_1000_a_year(data, range(200, 206), 1.0),
        2: per_1000_a_year(data, range(4), 2.0),
        5: per_1000_a_year(data, range(10, 20), 5.0),
        20: per_1000_a_year(data, range(100, 124), 20.0),
    }

    def agree(col: str, ref: int, k: int) -> None:
        fine, other = runs[ref][col], runs[k][col]
        assert fine.mean() > 0, col
        se = np.sqrt(fine.var() / len(fine) + other.var() / len(other))
        gap = abs(fine.mean() - other.mean())
        assert gap < max(4 * se, 0.10 * fine.mean()), (col, ref, k, fine.mean(), other.mean(), se)

    for col in ("unicorns", "ipos", "foundings", "failures", "firms"):
        for k in (5, 20):
            agree(col, 2, k)
    for col in ("unicorns", "ipos", "foundings", "firms"):
        for k in (2, 5, 20):
            agree(col, 1, k)
    people = [r["people"].mean() for r in runs.values()]
    assert max(people) / min(people) < 1.02


def test_invariants_and_people_conserved_with_firms_one_to_one():
    """Every person employed, founding or unemployed, head counts matching, cash never
    silently negative, every month; people change only by arrivals and departures."""
    eng = Engine(scenario_from_dict(rare()), seed=4, scale=10)
    assert eng.w.glob.o2o == 1.0
    for _ in range(12 * eng.sc.warmup_years + 24):
        eng.step()
        check_invariants(eng)
    res = simulate(scenario_from_dict(rare()), years=3, seed=4, scale=10)
    m = res.metrics.groupby("month")[["people", "arrivals", "departures"]].sum()
    change = m["people"].diff().iloc[1:]
    flow = (m["arrivals"] - m["departures"]).iloc[1:]
    np.testing.assert_allclose(change.to_numpy(), flow.to_numpy())


def test_firms_one_to_one_are_one_row_per_real_firm():
    """The initial stock is one row per real firm with its real head count and weight 1;
    investors hold their real money."""
    data = rare()
    sc = scenario_from_dict(data)
    eng = Engine(sc, seed=1, scale=10)
    w = eng.w
    kind = w.O.kind[: w.O.n[0]]
    firm = np.isin(kind, [S.SME, S.LISTED])
    assert firm.sum() == sc.regions["district"].initial_firms
    assert (w.O.weight[: w.O.n[0]][firm] == 1.0).all()
    # sampled staff are about a tenth of the real head count
    real = w.O.target[: w.O.n[0]][firm].sum()
    sampled = w.O.emp[: w.O.n[0]][firm].sum()
    assert abs(sampled * 10 / real - 1) < 0.05
    pools = sc.regions["district"].investors
    assert np.isclose(w.I.dry[: w.I.n[0]].sum(), sum(p.count * p.dry_powder for p in pools))


@EDITIONS
def test_same_seed_same_run_with_firms_one_to_one(edition):
    sc = scenario_from_dict(with_edition(rare(), edition))
    a = simulate(sc, years=2, seed=9, scale=10)
    b = simulate(sc, years=2, seed=9, scale=10)
    # the second edition's network is in what is compared
    assert (a.metrics.ties_formed.sum() > 0) == (edition is SECOND_EDITION)
    assert fingerprint(a) == fingerprint(b)


@EDITIONS
def test_switch_changes_nothing_at_scale_one(edition):
    small = with_edition(rare(on=True, years=1), edition)
    small["regions"]["district"]["population"] = 6000
    small["regions"]["district"]["initial_firms"] = 250
    on = simulate(scenario_from_dict(small), years=1, seed=2, scale=1)
    off = simulate(scenario_from_dict(deep_set(small, SWITCH, False)), years=1, seed=2, scale=1)
    # the second edition's network is in what is compared
    assert (on.metrics.ties_formed.sum() > 0) == (edition is SECOND_EDITION)
    assert fingerprint(on) == fingerprint(off)
