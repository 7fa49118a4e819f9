"""University patents converted by hazard (M20, issue 14 item 4): the conversion rate as an
output, the transfer office as the lever. Direction tests over seeds (its switch on over the
first edition); on in the second edition (SECOND_EDITION), switched off by FIRST_EDITION or its
own switch."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.mechanisms import get
from rainforest.mechanisms import m20_campus as cp
from rainforest.mechanisms.m13_network import ON
from rainforest.scenario import FIRST_EDITION, SECOND_EDITION, scenario_from_dict, with_values
from rainforest.scenario.schema import CampusParams, SpinoffParams
from tests.conftest import base_region, scenario

SEEDS = (1, 2, 3)


def world(office: float, **over):
    """A small district in the first edition with conversion by hazard switched on."""
    reg = base_region(population=20000, **over)
    reg["universities"][0]["transfer_office"] = office
    return with_values(scenario_from_dict(scenario({"district": reg})), {**FIRST_EDITION, **cp.ON})


def second_edition():
    return with_values(scenario_from_dict(scenario()), SECOND_EDITION)


def test_declaration_and_on_in_the_second_edition():
    m = get("campus_spinoffs")
    m.check()
    res = simulate(second_edition(), years=2, seed=2)
    assert res.metrics.campus_licences.sum() > 0  # the office licenses patents
    assert 0 < res.metrics.campus_conversion.iloc[-1] < 1


@pytest.mark.parametrize(
    "off",
    [FIRST_EDITION, {"mechanisms.campus_spinoffs.enabled": False}],
    ids=["first_edition", "switch"],
)
def test_switched_off_reports_zeros(off):
    """The first edition, or the second with its own switch off: M8's fixed conversion rate
    instead (university spin-outs are a few a year in this small district, so over seeds)."""
    spinouts = 0.0
    for seed in SEEDS:
        res = simulate(with_values(second_edition(), off), years=2, seed=seed)
        for col in ("campus_licences", "campus_spinoff_draws", "campus_conversion"):
            assert (res.metrics[col] == 0).all(), col
        spinouts += res.metrics.university_spinouts.sum()
    assert spinouts > 0


def test_knowledge_and_age_raise_the_spinoff_hazard():
    p, spin = CampusParams(enabled=True), SpinoffParams()
    h, lic = cp.conversion_hazards(
        np.array([1.0, 2.0, 2.0]), np.array([24.0, 24.0, 2.0]), np.zeros(3), p, spin
    )
    assert h[0] < h[1] and h[2] < h[1]  # deeper knowledge, longer held: likelier to found
    h_hi, lic_hi = cp.conversion_hazards(np.ones(1), np.full(1, 24.0), np.ones(1), p, spin)
    assert h_hi[0] > h[0] and lic_hi[0] > lic[0]  # the office's policy raises both


def test_a_better_transfer_office_converts_more():
    def conv(office: float) -> tuple[float, float]:
        runs = [simulate(world(office), years=3, seed=s).metrics for s in SEEDS]
        rate = np.mean([m.campus_conversion.iloc[-1] for m in runs])
        licences = sum(m.campus_licences.sum() for m in runs)
        return rate, licences

    weak, strong = conv(0.0), conv(1.0)
    assert 0 < weak[0] < strong[0] < 1
    assert weak[1] < strong[1]


def test_inventors_found_university_spinouts_with_the_network_on():
    sc = with_values(world(1.0), {**ON, "mechanisms.people_spinoffs.base_hazard": 0.002})
    runs = [simulate(sc, years=3, seed=s).metrics for s in SEEDS]
    assert sum(m.campus_spinoff_draws.sum() for m in runs) > 0
    assert sum(m.university_spinouts.sum() for m in runs) > 0


def test_switched_on_runs_deterministically():
    a = simulate(world(0.5), years=1, seed=4).metrics.select_dtypes("number").to_numpy()
    b = simulate(world(0.5), years=1, seed=4).metrics.select_dtypes("number").to_numpy()
    assert np.array_equal(a, b, equal_nan=True)
