"""Scenarios: validated, frozen descriptions of regions, institutions, culture and policy."""

from rainforest.scenario.editions import FIRST_EDITION, SECOND_EDITION
from rainforest.scenario.loader import (
    ScenarioError,
    get_in,
    get_value,
    load_scenario,
    preset_names,
    preset_text,
    scenario_from_dict,
    scenario_from_text,
    scenario_hash,
    scenario_to_toml,
    with_values,
)
from rainforest.scenario.schema import Scenario

__all__ = [
    "FIRST_EDITION",
    "SECOND_EDITION",
    "Scenario",
    "ScenarioError",
    "get_in",
    "get_value",
    "load_scenario",
    "preset_names",
    "preset_text",
    "scenario_from_dict",
    "scenario_from_text",
    "scenario_hash",
    "scenario_to_toml",
    "with_values",
]
