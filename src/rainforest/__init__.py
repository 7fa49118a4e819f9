"""rainforest: a fast, validated agent-based simulator of innovation ecosystems."""

from rainforest.scenario import Scenario, ScenarioError, load_scenario, preset_names

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "preset_names"]
