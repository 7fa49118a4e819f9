"""The simulation engine: struct-of-arrays state, initial build, and the monthly loop."""

from rainforest.engine.core import Engine, make_rng

__all__ = ["Engine", "make_rng"]
