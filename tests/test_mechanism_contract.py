"""Conformance: every registered mechanism keeps the contract (like scikit-learn's
``check_estimator``): parameters documented with units, metrics registered and reported, a
direction test that exists, a deterministic run, and a run with the mechanism switched off."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from rainforest import registry
from rainforest.api import simulate
from rainforest.engine.month import PLAN, plan_names
from rainforest.mechanisms import mechanisms
from rainforest.scenario import (
    FIRST_EDITION,
    SECOND_EDITION,
    get_value,
    scenario_from_dict,
    with_values,
)
from rainforest.scenario.schema import Mechanisms, Scenario
from rainforest.state import accounts
from tests.conftest import base_region, scenario

ROOT = Path(__file__).resolve().parents[1]
MECHS = mechanisms()
#: first-edition mechanisms that the second edition replaces, with the mechanism that replaces
#: each (engine/params.py: recombinant ideas set the contact lottery's base probability to
#: zero, people's spin-off hazard replaces the fixed spin-out rate, belief through ties
#: replaces the success-story update): their contract is checked on the first edition, where
#: they act; on the second edition, switching them off must change nothing
REPLACED = {"ideas": "recombination", "anchors": "people_spinoffs", "belief": "tie_belief"}
#: the part of a replaced mechanism that the second edition bypasses, where it is not the
#: whole of its ``off``: M9's colleague boost (colleagues of a winner are inspired, M6L) still
#: applies with belief through ties (m09_belief's docstring); its success-story update does not
BYPASSED = {"belief": {"mechanisms.belief.success_impact": 0.0}}


#: mechanisms that neither edition switches on (opt-in), with the values that switch each on:
#: their contract is checked on the second edition with them on (M21's firms moving in and out
#: of a district: docs/calibration.md section 22)
OPT_IN = {"firm_arrivals": {"mechanisms.firm_arrivals.enabled": True}}


def second_edition_section(mech) -> bool:
    """Whether ``mech`` is one of the second edition's (M13-M20): its own switch is one of
    :data:`SECOND_EDITION`'s."""
    return bool(mech.off) and set(mech.off) <= set(SECOND_EDITION)


#: A sale chance high enough for success stories within a year, kept under either edition
EARLY_EXITS_FIELDS = {"acquisition_probability": 0.3}
EARLY_EXITS = {f"mechanisms.exits.{k}": v for k, v in EARLY_EXITS_FIELDS.items()}


def small_world() -> Scenario:
    """Two regions with every institution kind, a facility, subsidies, early exits and a
    shock: every hook has work within a year."""
    north = base_region(population=20000)
    north["facilities"] = [
        {"name": "F", "domain": "biomedicine", "breakthroughs_per_year": 6.0, "lag_months": 2.0}
    ]
    data = scenario({"north": north, "south": base_region(population=20000)})
    data["distances_km"] = {"north|south": 120.0}
    data["mechanisms"]["migration"] = {"base_rate": 0.01}
    # exits early enough for success stories (M9) within the test's year (EARLY_EXITS, put
    # back after each edition's overlay, which resets the fitted chance); subsidies (M10)
    data["mechanisms"]["exits"] = dict(EARLY_EXITS_FIELDS)
    data["regions"]["south"]["policy"] = {
        "rd_subsidy_share": 0.3,
        "talent_subsidy": 0.2,
        "grant_rate": 0.05,
        "grant_max": 2.0,
    }
    data["shocks"] = [{"month": 3, "kind": "anchor_collapse", "region": "north", "anchor": "A"}]
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def worlds() -> dict[str, Scenario]:
    """The small world under each edition, named explicitly (whatever the default is)."""
    world = small_world()
    return {
        "first": with_values(world, {**FIRST_EDITION, **EARLY_EXITS}),
        "second": with_values(world, {**SECOND_EDITION, **EARLY_EXITS}),
    }


@pytest.fixture(scope="module")
def baselines(worlds):
    """Each edition's run of the small world, a year at seed 11."""
    return {k: simulate(sc, years=1, seed=11) for k, sc in worlds.items()}


def edition(mech) -> str:
    """The edition in which ``mech`` acts: the second edition's sections on a
    SECOND_EDITION world, every other (first-edition) section on a FIRST_EDITION world."""
    return "second" if second_edition_section(mech) else "first"


def _numbers(result):
    return result.metrics.select_dtypes("number")


def _section(path: str):
    """The pydantic model of a ``mechanisms.<section>`` path."""
    name = path.split(".")[1]
    return Mechanisms.model_fields[name].annotation


def _expand(sc: Scenario, values: dict) -> dict:
    """``regions.*.x`` paths expanded to every region."""
    out = {}
    for path, v in values.items():
        if path.startswith("regions.*."):
            for r in sc.regions:
                out[path.replace("*", r, 1)] = v
        else:
            out[path] = v
    return out


@pytest.mark.parametrize("mech", MECHS, ids=lambda m: m.name)
def test_parameters_are_documented_with_units(mech):
    for path in mech.params:
        if not path.startswith("mechanisms."):
            continue
        model = _section(path)
        for name, f in model.model_fields.items():
            extra = f.json_schema_extra or {}
            assert f.description, f"{path}.{name}: no description"
            assert extra.get("unit"), f"{path}.{name}: no unit"


@pytest.mark.parametrize("mech", MECHS, ids=lambda m: m.name)
def test_metrics_are_registered_and_reported(mech, baselines):
    baseline = baselines[edition(mech)]
    for name in mech.metrics:
        m = registry.get(name)
        assert m.label and m.unit
        if m.source in ("account", "derived"):
            assert name in baseline.metrics.columns, name
        elif m.source == "internal":
            assert name in accounts.accounts()


def test_every_reported_metric_is_owned_by_a_mechanism():
    owned = {n for m in MECHS for n in m.metrics}
    reported = set(accounts.reported())
    assert reported <= owned, sorted(reported - owned)


@pytest.mark.parametrize("mech", MECHS, ids=lambda m: m.name)
def test_direction_test_exists(mech):
    if mech.off is None:  # essential frames still need a test when they model something
        pass
    if mech.code == "books":
        return
    assert mech.direction_tests, f"{mech.name}: no direction test"
    for ref in mech.direction_tests:
        file, func = ref.split("::")
        tree = ast.parse((ROOT / file).read_text())
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert func in names, f"{mech.name}: {ref} does not exist"


def test_every_hook_is_in_the_month_once():
    names = plan_names()
    assert len(names) == len(set(names))
    declared = {h.name for m in MECHS for h in m.hooks}
    assert declared == set(PLAN)


def test_the_default_is_the_first_edition():
    """The one place that states the schema's default: the first edition (the
    second-edition switches off, its rules and the shared parameters at the first edition's
    values); SECOND_EDITION switches them on and sets its rules."""
    default = scenario_from_dict(scenario())
    second = with_values(default, SECOND_EDITION)
    assert set(FIRST_EDITION) >= set(SECOND_EDITION)
    for path, value in FIRST_EDITION.items():
        assert get_value(default, path) == value, path
    for path, value in SECOND_EDITION.items():
        assert get_value(second, path) == value, path
        assert get_value(default, path) != value, path


def test_replaced_mechanisms_are_named():
    names = {m.name for m in MECHS}
    assert set(REPLACED) <= names and set(REPLACED.values()) <= names
    assert not any(second_edition_section(m) for m in MECHS if m.name in REPLACED)
    assert all(second_edition_section(m) for m in MECHS if m.name in REPLACED.values())


@pytest.mark.parametrize("mech", MECHS, ids=lambda m: m.name)
def test_runs_switched_off_and_deterministically(mech, worlds, baselines):
    if mech.off is None:
        assert mech.essential
        return
    if mech.name in REPLACED:
        # on the second edition it is bypassed: switching it off changes nothing
        second = worlds["second"]
        off = BYPASSED.get(mech.name, mech.off)
        bypassed = simulate(with_values(second, _expand(second, off)), years=1, seed=11)
        same = _numbers(bypassed).equals(_numbers(baselines["second"]))
        assert same, (mech.name, REPLACED[mech.name])
    # the contract where it acts: the second edition's sections on a SECOND_EDITION world,
    # the first edition's (the replaced ones included) on a FIRST_EDITION world, an opt-in one
    # on a SECOND_EDITION world with it switched on
    world, baseline = worlds[edition(mech)], baselines[edition(mech)]
    if mech.name in OPT_IN:
        world = with_values(worlds["second"], OPT_IN[mech.name])
        baseline = simulate(world, years=1, seed=11)
        assert not _numbers(baseline).equals(_numbers(baselines["second"])), mech.name
    sc = with_values(world, _expand(world, mech.off)) if mech.off else world
    a = simulate(sc, years=1, seed=11)
    b = simulate(sc, years=1, seed=11)
    num = _numbers(a)
    other = _numbers(b).to_numpy(float)
    assert np.array_equal(num.to_numpy(float), other, equal_nan=True)
    assert np.isfinite(
        num.drop(
            columns=["time_to_subsidy_days", "experiment_cost", "cross_skill_share"]
        ).to_numpy()
    ).all()
    assert (a.metrics.people > 0).all()
    # switching it off changes the run: the mechanism does something in this world
    assert not num.equals(_numbers(baseline)), mech.name
