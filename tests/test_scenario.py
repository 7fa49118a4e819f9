"""Scenario files: validation errors name the file, the field path and what was expected."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rainforest.scenario import (
    ScenarioError,
    get_value,
    load_scenario,
    scenario_from_dict,
    scenario_hash,
    scenario_to_toml,
    with_values,
)
from tests.conftest import EXAMPLE, base_region, deep_set, scenario


def test_example_loads_and_round_trips(tmp_path):
    sc = load_scenario(EXAMPLE)
    assert set(sc.regions) == {"campus", "harbour"}
    path = tmp_path / "copy.toml"
    path.write_text(scenario_to_toml(sc))
    again = load_scenario(path)
    assert scenario_hash(again) == scenario_hash(sc)


def test_unknown_key_names_the_path():
    data = deep_set(scenario(), "regions.district.policy.sandboxx", 1.0)
    with pytest.raises(ScenarioError, match=r"regions\.district\.policy\.sandboxx: unknown field"):
        scenario_from_dict(data, "my.toml")


def test_wrong_type_and_negative_area():
    with pytest.raises(ScenarioError, match=r"regions\.district\.area_km2"):
        scenario_from_dict(deep_set(scenario(), "regions.district.area_km2", -3.0))
    with pytest.raises(ScenarioError, match=r"regions\.district\.population"):
        scenario_from_dict(deep_set(scenario(), "regions.district.population", "many"))


def test_shares_must_sum_to_one():
    data = deep_set(
        scenario(),
        "regions.district.skill_mix",
        {"tech": 0.5, "market": 0.3, "capital": 0.1, "design": 0.3},
    )
    with pytest.raises(ScenarioError, match="sum to 1"):
        scenario_from_dict(data)


def test_unknown_domain_reference():
    data = deep_set(scenario(), "regions.district.anchors.0.domain", "spaceships")
    with pytest.raises(ScenarioError, match="unknown domain 'spaceships'"):
        scenario_from_dict(data)


def test_not_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    with pytest.raises(ScenarioError, match=r"bad\.toml: not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="unknown preset"):
        load_scenario("no-such-preset")


def test_with_values_by_name_and_revalidates():
    sc = scenario_from_dict(scenario())
    sc2 = with_values(
        sc,
        {
            "regions.district.policy.service_latency_days": 90,
            "regions.district.anchors.A.employees": 100,
        },
    )
    assert get_value(sc2, "regions.district.policy.service_latency_days") == 90
    assert get_value(sc2, "regions.district.anchors.A.employees") == 100
    assert scenario_hash(sc2) != scenario_hash(sc)
    with pytest.raises(ScenarioError, match=r"policy\.sandbox"):
        with_values(sc, {"regions.district.policy.sandbox": 2.0})
    with pytest.raises(ScenarioError, match="no field"):
        with_values(sc, {"regions.district.policy.nope": 1})


def test_with_values_by_a_user_says_so_in_the_provenance():
    # a report credited a value changed with --set to the preset's citation ("model default"
    # or the preset's source); a user's change now says who set it and what it replaced,
    # and a list item set by index is cited by its name, as the sources table addresses it
    from rainforest.scenario.provenance import provenance_table

    sc = scenario_from_dict(scenario())
    path = "regions.district.anchors.A.employees"
    before = provenance_table(sc).set_index("path").loc[path, "source"]
    kept = with_values(sc, {"regions.district.anchors.0.employees": 100})
    assert provenance_table(kept).set_index("path").loc[path, "source"] == before
    mine = with_values(
        sc,
        {"regions.district.anchors.0.employees": 100, "mechanisms.capital.pitches": 5},
        source="--set on the command line",
    )
    src = provenance_table(mine).set_index("path")["source"]
    assert src[path].startswith("assumed: --set on the command line (in place of ")
    assert src["mechanisms.capital.pitches"] == "assumed: --set on the command line (in place of 3)"
    # provenance is not part of the model: the same values hash alike, whoever set them
    same = with_values(
        sc, {"regions.district.anchors.A.employees": 100, "mechanisms.capital.pitches": 5}
    )
    assert scenario_hash(mine) == scenario_hash(same)
    with pytest.raises(ScenarioError, match="cannot set"):  # was an IndexError
        with_values(sc, {"regions.district.anchors.7": {}}, source="x")


shares = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(tol=shares, latency=st.floats(min_value=0, max_value=1000), sandbox=shares, rd=shares)
def test_any_valid_policy_loads(tol, latency, sandbox, rd):
    reg = base_region(
        culture={"failure_tolerance": tol},
        policy={"service_latency_days": latency, "sandbox": sandbox, "rd_subsidy_share": rd},
    )
    sc = scenario_from_dict(scenario({"d": reg}))
    assert sc.regions["d"].policy.sandbox == sandbox


@settings(max_examples=40, deadline=None)
@given(
    value=st.one_of(
        st.floats(max_value=-1e-9, allow_nan=False),
        st.floats(min_value=1.0 + 1e-9, allow_nan=False, allow_infinity=False),
    ),
    field=st.sampled_from(["sandbox", "open_data", "rd_subsidy_share", "state_preference"]),
)
def test_out_of_range_shares_rejected_with_path(value, field):
    data = deep_set(scenario(), f"regions.district.policy.{field}", value)
    with pytest.raises(ScenarioError, match=rf"regions\.district\.policy\.{field}"):
        scenario_from_dict(data)
